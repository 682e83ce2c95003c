//! Moving an instance from SQLite to PostgreSQL: every id kept, every journal verifies on the
//! new store, logins and tasks are the same there, and new courses continue after the old ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Child, Command};

use common::pg_url;
use serde_json::Value;

fn start(args: &[&str], key: &std::path::Path) -> (Child, String) {
    common::start(args, &[("TOVHOLDER_KEY_FILE", key.display().to_string())])
}

async fn tasks_of(url: &str, username: &str) -> (reqwest::Client, String, Vec<Value>) {
    let (c, csrf) = common::login(url, username).await;
    let tasks = c.get(format!("{url}/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    (c, csrf, tasks)
}

#[test]
#[allow(clippy::zombie_processes)] // killed and waited for below
fn sqlite_to_postgres_keeps_everything() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = data.join("tovholder.key");
    let (mut demo, url) = start(&["demo", "--listen", "127.0.0.1:0", "--data", data.to_str().unwrap()], &key);
    let (_, _, before) = rt.block_on(tasks_of(&url, "tove"));
    demo.kill().unwrap();
    demo.wait().unwrap();

    let db = format!("tovholder_migrate_{}", std::process::id());
    let admin = pg_url("test");
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&pool).await.unwrap();
    });
    let from = format!("sqlite://{}", data.join("tovholder.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(["migrate-store", "--from", &from, "--to", &pg_url(&db)]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 13 journals verified"));
    // A second copy into the now non-empty store is refused.
    let again = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(["migrate-store", "--from", &from, "--to", &pg_url(&db)]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(!again.status.success());

    let (mut serve, url) = start(&["serve", "--listen", "127.0.0.1:0", "--database", &pg_url(&db)], &key);
    rt.block_on(async {
        let (c, csrf, after) = tasks_of(&url, "tove").await;
        assert_eq!(before, after, "the same tasks, for the same courses, on the new store");
        let orgs: Vec<Value> = c.get(format!("{url}/api/v1/organisations")).send().await.unwrap().json().await.unwrap();
        assert_eq!(orgs.len(), 7);
        let (m, mcsrf, _) = tasks_of(&url, "mette").await;
        let _ = csrf;
        let egeskov = orgs.iter().find(|o| o["name"] == "Egeskov Kommune").unwrap()["id"].clone();
        let body = serde_json::json!({
            "model": "julemaerkehjem", "parties": {"municipality": egeskov},
            "family": [{"role": "barn", "name": "Efter Flytning", "cpr": "010116-4321"}, {"role": "foraelder", "name": "Mor", "email": "mor@familie.example"}],
            "dates": {"ansoegning": "2026-11-23"}, "decisions": {"samarbejde": "ja"}
        });
        let r = m.post(format!("{url}/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.json::<Value>().await.unwrap()["id"], 14, "ids continue after the copied ones");
        // The home's activities came along whole: the supervision series with its answer.
        let acts: Value = m.get(format!("{url}/api/v1/activities")).send().await.unwrap().json().await.unwrap();
        let ours = acts["ours"].as_array().unwrap();
        assert_eq!(ours.len(), 2, "{acts}");
        assert!(ours.iter().any(|a| a["title"] == "Supervision for plejefamilier, vinter" && a["signed_up"] == 1), "{acts}");
    });
    serve.kill().unwrap();
    serve.wait().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
    });
}
