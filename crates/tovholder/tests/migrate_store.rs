//! Moving an instance from SQLite to PostgreSQL: every id kept, every journal verifies on the
//! new store, logins and tasks are the same there, and new courses continue after the old ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

fn pg_url(db: &str) -> String {
    let base = std::env::var("TOVHOLDER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    format!("{}/{db}", base.rsplit_once('/').unwrap().0)
}

fn start(args: &[&str], key: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(args).env("TOVHOLDER_KEY_FILE", key).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    (child, first.split_whitespace().last().unwrap().to_string())
}

async fn tasks_of(url: &str, username: &str) -> (reqwest::Client, String, Vec<Value>) {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = c.get(format!("{url}/login")).send().await.unwrap().text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let r = c.post(format!("{url}/login")).form(&[("csrf", csrf.as_str()), ("username", username), ("password", "demo1234")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let me: Value = c.get(format!("{url}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let tasks = c.get(format!("{url}/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    (c, me["csrf"].as_str().unwrap().to_string(), tasks)
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
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 10 journals verified"));
    // A second copy into the now non-empty store is refused.
    let again = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(["migrate-store", "--from", &from, "--to", &pg_url(&db)]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(!again.status.success());

    let (mut serve, url) = start(&["serve", "--listen", "127.0.0.1:0", "--database", &pg_url(&db)], &key);
    rt.block_on(async {
        let (c, csrf, after) = tasks_of(&url, "tove").await;
        assert_eq!(before, after, "the same tasks, for the same courses, on the new store");
        let orgs: Vec<Value> = c.get(format!("{url}/api/v1/organisations")).send().await.unwrap().json().await.unwrap();
        assert_eq!(orgs.len(), 4);
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
        assert_eq!(r.json::<Value>().await.unwrap()["id"], 11, "ids continue after the copied ones");
    });
    serve.kill().unwrap();
    serve.wait().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
    });
}
