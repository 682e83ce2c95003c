//! The access log writer. Every read of personal data and every write is logged before the
//! answer goes out; to keep that cheap, records are gathered into batches and written in one
//! transaction (group commit), and each request waits until its batch is durable.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tovholder_store::access::Access;
use tovholder_store::{AccessRecord, Store};

/// One request's records and the answer it waits for.
type Job = (Access, oneshot::Sender<bool>);

#[derive(Clone)]
pub struct AccessLog {
    tx: mpsc::Sender<Job>,
}

/// A batch taking longer than this is logged (as a count and a time, nothing more).
const SLOW_MS: u128 = 200;

/// Most requests one transaction takes; more wait for the next.
const BATCH: usize = 64;

impl AccessLog {
    pub fn start(store: Arc<dyn Store>, metrics: Arc<crate::metrics::Metrics>) -> AccessLog {
        let (tx, mut rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(async move {
            let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
            while rx.recv_many(&mut jobs, BATCH).await > 0 {
                let requests: Vec<Access> = jobs.iter_mut().map(|(r, _)| std::mem::replace(r, Access::View(vec![]))).collect();
                let started = std::time::Instant::now();
                let written = store.write_access_log(&requests).await;
                metrics.access_batch(requests.len(), started.elapsed().as_secs_f64());
                // Every request of the batch waited this long: worth seeing in the log (counts only).
                let ms = started.elapsed().as_millis();
                if ms >= SLOW_MS {
                    tracing::warn!(ms, requests = requests.len(), "access log batch was slow");
                }
                let ok = match written {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = %e, "access log write failed");
                        false
                    }
                };
                for (_, done) in jobs.drain(..) {
                    let _ = done.send(ok);
                }
            }
        });
        AccessLog { tx }
    }

    /// Writes one record; true once it is durable. False means the request must not proceed.
    pub async fn record(&self, rec: AccessRecord) -> bool {
        self.send(Access::One(rec)).await
    }

    /// Writes a list view's records (one per course in the list); true once all are durable.
    pub async fn record_view(&self, recs: Vec<AccessRecord>) -> bool {
        self.send(Access::View(recs)).await
    }

    async fn send(&self, access: Access) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send((access, done)).await.is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }
}
