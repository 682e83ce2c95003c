//! SQLite keeps every acknowledged write through a crash of the process: the server is killed
//! with SIGKILL in the middle of a write load, restarted, and every write it had answered is
//! there, the file passes `PRAGMA integrity_check` and every journal verifies. Several runs
//! (TOVHOLDER_CRASH_RUNS, default 5).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};

use common::login;
use serde_json::Value;

fn start(data: &Path) -> (Child, String) {
    common::start(&["demo", "--listen", "127.0.0.1:0", "--data", data.to_str().unwrap()], &[])
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    let runs: usize = std::env::var("TOVHOLDER_CRASH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    for run in 0..runs {
        let (mut child, url) = start(&data);
        rt.block_on(async {
            let (c, csrf) = login(&url, "tove").await;
            let tasks: Vec<Value> = c.get(format!("{url}/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
            let course = tasks.iter().find(|t| t["task"] == "udpeg_kontaktperson").unwrap()["course"].as_i64().unwrap();
            // Four writers, each recording its acknowledged values, until the process dies.
            let mut writers = Vec::new();
            for w in 0..4 {
                let (c, csrf, url, acked) = (c.clone(), csrf.clone(), url.clone(), acknowledged.clone());
                writers.push(tokio::spawn(async move {
                    for i in 0.. {
                        let value = format!("run {run} writer {w} write {i}");
                        let r = c.post(format!("{url}/api/v1/courses/{course}/fields")).header("x-csrf-token", &csrf).json(&serde_json::json!({"field": "aktiviteter", "value": value})).send().await;
                        match r {
                            Ok(r) if r.status() == 200 => acked.lock().unwrap().push(value),
                            Ok(r) if r.status() == 409 => {}
                            _ => break,
                        }
                    }
                }));
            }
            // Kill in the middle of the load, at a different moment each run.
            tokio::time::sleep(std::time::Duration::from_millis(300 + 170 * run as u64)).await;
            child.kill().unwrap();
            child.wait().unwrap();
            for w in writers {
                w.await.unwrap();
            }
            let _ = csrf;
        });
        // Restart on the same files: everything acknowledged is in the journal.
        let (mut child, url) = start(&data);
        rt.block_on(async {
            let (c, _) = login(&url, "tove").await;
            let tasks: Vec<Value> = c.get(format!("{url}/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
            let course = tasks.iter().find(|t| t["task"] == "udpeg_kontaktperson").unwrap()["course"].as_i64().unwrap();
            let journal: Vec<Value> = c.get(format!("{url}/api/v1/courses/{course}/journal")).send().await.unwrap().json().await.unwrap();
            assert!(journal.len() > 5, "the course has its journal");
        });
        child.kill().unwrap();
        child.wait().unwrap();
        let db = format!("sqlite://{}", data.join("tovholder.db").display());
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
            let ok: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
            assert_eq!(ok, "ok", "run {run}");
            // The events are sealed at rest: opened with the instance's key file.
            let keys = tovholder_store::Keys::load(&data.join("tovholder.key")).unwrap();
            let rows: Vec<(i64, i64, String)> = sqlx::query_as("SELECT course_id, seq, payload FROM journal WHERE kind = 'field_recorded'").fetch_all(&pool).await.unwrap();
            let payloads: Vec<String> = rows.iter().map(|(c, s, p)| keys.open_text(tovholder_store::keys::TextRow::Entry(*c, *s), p).unwrap().into_owned()).collect();
            let acked = acknowledged.lock().unwrap().clone();
            assert!(acked.iter().any(|v| v.starts_with(&format!("run {run} "))), "run {run} acknowledged some writes before the kill");
            for v in acked.iter() {
                assert!(payloads.iter().any(|p| p.contains(&format!("\"{v}\""))), "run {run}: acknowledged write {v:?} was lost");
            }
            eprintln!("run {run}: {} writes acknowledged so far, all present after SIGKILL", acked.len());
            pool.close().await;
        });
        let out = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(["audit", "verify", "--database", &db]).env("TOVHOLDER_KEY_FILE", data.join("tovholder.key")).output().unwrap();
        assert!(out.status.success(), "run {run}: {}", String::from_utf8_lossy(&out.stdout));
    }
}
