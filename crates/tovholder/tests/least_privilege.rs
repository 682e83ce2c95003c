//! PostgreSQL under least privilege, as the README sets it up: the tables' owner runs the
//! migrations (`tovholder migrate`, or `migrate_database` at start) and grants the server's
//! role what it needs; the command line and the server then work as the server's role, which
//! cannot rewrite the journal or the access log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::pg_url;

/// `url` logging in as `role` (the test server trusts local connections).
fn as_role(url: &str, role: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    format!("{scheme}://{role}@{}", rest.rsplit_once('@').map_or(rest, |(_, host)| host))
}

#[test]
#[allow(clippy::zombie_processes)] // killed and waited for below
fn the_owner_migrates_and_the_server_runs_as_its_own_role() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    let bin = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tovholder"));
        c.env("TOVHOLDER_KEY_FILE", &key);
        c
    };
    assert!(bin().arg("keygen").arg(&key).status().unwrap().success());
    let n = std::process::id();
    let (db, owner, server) = (format!("tovholder_lp_{n}"), format!("tovholder_lp_owner_{n}"), format!("tovholder_lp_server_{n}"));
    let sql = |statements: Vec<String>| {
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&pg_url("test")).await.unwrap();
            for s in statements {
                sqlx::query(sqlx::AssertSqlSafe(s)).execute(&pool).await.unwrap();
            }
            pool.close().await;
        })
    };
    sql(vec![format!("CREATE ROLE {owner} LOGIN"), format!("CREATE ROLE {server} LOGIN"), format!("CREATE DATABASE {db} OWNER {owner}")]);
    let (owner_url, server_url) = (as_role(&pg_url(&db), &owner), as_role(&pg_url(&db), &server));

    // The server's role cannot set up the schema; the owner can, and grants it the rest.
    let refused = bin().args(["admin", "create-user", "--database", &server_url, "--login", "x", "--name", "X", "--email", "x@y.dk", "--org", "O", "--admin", "--password-stdin"]).output().unwrap();
    assert!(!refused.status.success());
    let out = bin().args(["migrate", "--database", &owner_url, "--grant-to", &server]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut child = bin()
        .args([
            "admin",
            "create-user",
            "--database",
            &server_url,
            "--login",
            "rita",
            "--name",
            "Rita Root",
            "--email",
            "rita@kommune.example",
            "--org",
            "Nordby Kommune",
            "--admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "en lang og god adgangskode").unwrap();
    let made = child.wait_with_output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    // The server starts as its own role, the owner migrating first (migrate_database).
    let env = [("TOVHOLDER_KEY_FILE", key.display().to_string()), ("TOVHOLDER_MIGRATE_DATABASE", owner_url.clone())];
    let (mut serve, url) = common::start(&["serve", "--listen", "127.0.0.1:0", "--database", &server_url], &env);
    let login = rt.block_on(async {
        let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = c.get(format!("{url}/login")).send().await.unwrap().text().await.unwrap();
        let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
        let csrf = page[at..].split('"').next().unwrap().to_string();
        let r = c.post(format!("{url}/login")).form(&[("csrf", csrf.as_str()), ("username", "rita"), ("password", "en lang og god adgangskode")]).send().await.unwrap();
        (r.status(), r.headers().get("location").map(|l| l.to_str().unwrap().to_string()))
    });
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert_eq!(login, (reqwest::StatusCode::SEE_OTHER, Some("/login/kode".to_string())), "her password is right; an administrator's second factor comes next");
    let verified = bin().args(["audit", "verify", "--database", &server_url]).output().unwrap();
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success() && said.contains("ok: access log verified"), "{said}");

    sql(vec![format!("DROP DATABASE {db} WITH (FORCE)"), format!("DROP ROLE {server}"), format!("DROP ROLE {owner}")]);
}
