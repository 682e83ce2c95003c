//! The HTTP tests' harness: a real server on port 0 over a fresh store (SQLite, or PostgreSQL
//! with TOVHOLDER_TEST_STORE=postgres) with the demo data, and clients logged in as its users.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;

use tovholder_app::demo::{self, Seeded};
use tovholder_app::{App, AppConfig, Clock, Models};
use tovholder_core::ids::CourseId;
use tovholder_store::{Keys, Store};
use tovholder_store_sqlite::SqliteStore;

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub seeded: Seeded,
    _dir: tempfile::TempDir,
    /// The PostgreSQL schema to drop afterwards, when the tests run on PostgreSQL.
    pg_schema: Option<String>,
}

/// The store under test: SQLite by default, PostgreSQL with TOVHOLDER_TEST_STORE=postgres
/// (on TOVHOLDER_TEST_POSTGRES, default the local server's database `test`), each test in a
/// fresh schema.
async fn open_store(dir: &std::path::Path, keys: Keys) -> (Arc<dyn Store>, Option<String>) {
    if std::env::var("TOVHOLDER_TEST_STORE").as_deref() == Ok("postgres") {
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).unwrap();
        let schema = format!("t_{}", hex::encode(b));
        let store = tovholder_store_postgres::PgStore::open_in_schema(&pg_url(), &schema, keys).await.unwrap();
        (Arc::new(store), Some(schema))
    } else {
        (Arc::new(SqliteStore::open(&dir.join("t.db"), keys).await.unwrap()), None)
    }
}

fn pg_url() -> String {
    std::env::var("TOVHOLDER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(schema) = self.pg_schema.take() {
            // Drop is not async: a short-lived runtime of its own does the clean-up.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(tovholder_store_postgres::PgStore::drop_schema(&pg_url(), &schema))
            })
            .join();
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(AppConfig::default()).await
    }

    pub async fn spawn_with(config: AppConfig) -> TestApp {
        Self::spawn_on(config, Clock::default()).await
    }

    /// On a clock that stands still, so answers are the same whatever day the test runs.
    pub async fn spawn_fixed(at: jiff::Timestamp) -> TestApp {
        Self::spawn_on(AppConfig::default(), Clock::fixed(at)).await
    }

    pub async fn spawn_on(config: AppConfig, clock: Clock) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::from_master(&[42u8; 32]);
        let (store, pg_schema) = open_store(dir.path(), keys.clone()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = AppConfig { base_url: base.clone(), demo: true, ..config };
        let app = App::new(store, keys, Models::builtin().unwrap(), clock, config);
        let seeded = demo::seed(&app).await.unwrap().unwrap();
        tokio::spawn(tovholder_web::serve(listener, app.clone(), std::future::pending()));
        TestApp { base, app, seeded, _dir: dir, pg_schema }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A client logged in as a demo user, with the session's CSRF token.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let c = self.anonymous();
        let page = c.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let csrf = hidden_csrf(&page);
        let r = c.post(self.url("/login")).form(&[("csrf", csrf.as_str()), ("username", username), ("password", demo::PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {username}");
        let me: Value = c.get(self.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        (c, me["csrf"].as_str().unwrap().to_string())
    }

    pub fn course(&self, child: &str) -> CourseId {
        self.seeded.courses[child]
    }

    pub async fn denials(&self, course: CourseId) -> Vec<tovholder_store::AccessRecord> {
        self.app.store.access_log(Some(course), 1000).await.unwrap().into_iter().filter(|r| !r.allowed).collect()
    }
}

pub fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}
