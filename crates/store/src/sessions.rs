//! Sessions kept in memory by token hash: every request reads one, and a round trip to the
//! database for it was most of a bare request's time.
//!
//! Every session write of this process (login, "last seen" once a minute, logout) passes here
//! and drops its own entry, and a read that raced it is not kept (`cache`). A store that is its
//! database's only user (SQLite) trusts a session until then. A store shared by several server
//! processes (PostgreSQL) trusts it for `SHARED_FOR` only: a logout in another process ends the
//! session here within that time (the browser's cookie is gone at once), and "last seen" from
//! another process shows within it.

use std::time::Duration;

use crate::cache::Cache;
use crate::held::SHARED_FOR;
use crate::{Result, Session};

/// Most sessions remembered; beyond it the cache starts over.
const MAX_SESSIONS: usize = 50_000;

pub struct Sessions {
    held: Cache<String, Session>,
}

impl Sessions {
    /// For a store that is its database's only user.
    pub fn one_process() -> Sessions {
        Sessions::new(None)
    }

    /// For a store that several server processes share.
    pub fn shared() -> Sessions {
        Sessions::new(Some(SHARED_FOR))
    }

    fn new(trust_for: Option<Duration>) -> Sessions {
        Sessions { held: Cache::new(MAX_SESSIONS, trust_for) }
    }

    /// A session: held, or by `read` (a future: it runs only if needed). Only a session found
    /// is kept: an unknown token is asked again.
    pub async fn get_or(&self, token_hash: &str, read: impl Future<Output = Result<Option<Session>>>) -> Result<Option<Session>> {
        if let Some(s) = self.held.get(token_hash) {
            return Ok(Some(s));
        }
        let ticket = self.held.ticket();
        let session = read.await?;
        if let Some(s) = &session {
            self.held.put(ticket, s.token_hash.clone(), s.clone());
        }
        Ok(session)
    }

    /// After a person's sessions were ended (deactivated): every session is read again.
    pub fn clear(&self) {
        self.held.clear();
    }

    /// After a session was written (or its write failed): the next read goes to the database.
    pub fn written(&self, token_hash: &str) {
        self.held.remove(token_hash);
    }
}

#[cfg(test)]
mod tests {
    use tovholder_core::ids::PersonId;

    use super::*;

    fn session() -> Session {
        let t = jiff::Timestamp::constant(1_800_000_000, 0);
        Session { token_hash: "h".into(), person: PersonId(1), csrf: "c".into(), created: t, last_seen: t }
    }

    #[tokio::test]
    async fn a_session_is_read_once_until_it_is_written() {
        let s = Sessions::one_process();
        let reads = std::sync::atomic::AtomicU32::new(0);
        let read = || async {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(Some(session()))
        };
        s.get_or("h", read()).await.ok();
        s.get_or("h", read()).await.ok();
        assert_eq!(reads.load(std::sync::atomic::Ordering::Relaxed), 1);
        s.written("h");
        s.get_or("h", read()).await.ok();
        assert_eq!(reads.load(std::sync::atomic::Ordering::Relaxed), 2, "read again after the write");
    }
}
