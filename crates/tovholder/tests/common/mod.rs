//! What the process tests share: starting the binary, the PostgreSQL test URL, logging in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `tovholder` with these arguments and environment; returns it with the URL it prints
/// first. The rest of its output is read on, as a terminal would.
pub fn start(args: &[&str], env: &[(&str, String)]) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tovholder"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::null());
    // With TOVHOLDER_TEST_LOGS set (scripts/test), the server logs at debug level to a file
    // there, which scripts/check-logs searches for personal data.
    if let Ok(dir) = std::env::var("TOVHOLDER_TEST_LOGS") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let file = std::fs::File::create(std::path::Path::new(&dir).join(format!("tovholder-{}-{n}.log", std::process::id()))).unwrap();
        cmd.stderr(file).env("TOVHOLDER_LOG", "debug,hyper=info,hyper_util=info,h2=info,rustls=info");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    (child, first.split_whitespace().last().unwrap().to_string())
}

/// The URL of database `db` on the test PostgreSQL server (TOVHOLDER_TEST_POSTGRES names one
/// database on it; default the local server's `test`).
pub fn pg_url(db: &str) -> String {
    let base = std::env::var("TOVHOLDER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    format!("{}/{db}", base.rsplit_once('/').unwrap().0)
}

/// Logs in as a demo user; returns the client (with its session cookie) and the CSRF token.
pub async fn login(url: &str, username: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = c.get(format!("{url}/login")).send().await.unwrap().text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let r = c.post(format!("{url}/login")).form(&[("csrf", csrf.as_str()), ("username", username), ("password", "demo1234")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let me: serde_json::Value = c.get(format!("{url}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    (c, me["csrf"].as_str().unwrap().to_string())
}
