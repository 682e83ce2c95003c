//! Two `tovholder serve` processes on one PostgreSQL database: a login made through one works
//! through the other; every e-mail is delivered exactly once, whichever process sends it; when
//! one is killed the other carries on, and mail a dead process had claimed is picked up again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use common::{pg_url, start};
use serde_json::Value;

struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    #[allow(clippy::zombie_processes)] // Drop kills and waits for it.
    fn start() -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("python3").args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"]).arg(dir.path().join("maildir")).spawn().unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Sink { child, port, dir };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start");
    }

    /// Message-ID → how many times it arrived.
    fn arrived(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(self.dir.path().join("maildir").join("new")).into_iter().flatten().flatten() {
            let raw = std::fs::read(e.path()).unwrap();
            let m = mailparse::parse_mail(&raw).unwrap();
            let id = m.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case("Message-ID")).map(|h| h.get_value()).unwrap_or_default();
            *out.entry(id).or_insert(0) += 1;
        }
        out
    }

    fn wait_for(&self, n: usize) -> BTreeMap<String, usize> {
        for _ in 0..300 {
            let got = self.arrived();
            if got.values().sum::<usize>() >= n {
                // A little longer, so a duplicate would have time to show.
                std::thread::sleep(Duration::from_millis(1500));
                return self.arrived();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("only {:?} of {n} mails arrived", self.arrived().values().sum::<usize>());
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[allow(clippy::zombie_processes)] // every child is killed and waited for below
fn two_processes_share_sessions_and_send_each_mail_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = format!("tovholder_two_{}", std::process::id());
    let admin = pg_url("test");
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&pool).await.unwrap();
    });
    let url = pg_url(&db);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Seed the demo data into the database once, then stop.
    let (mut seeder, _) = start(&["demo", "--listen", "127.0.0.1:0", "--data", data.to_str().unwrap(), "--database", &url], &[]);
    seeder.kill().unwrap();
    seeder.wait().unwrap();
    // A dead process's claim: one mail held for 3 more seconds by nobody alive.
    let held_id: i64 = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let now_us = jiff::Timestamp::now().as_microsecond();
        let id =
            sqlx::query_scalar("UPDATE outbox SET claimed_until_us = $1, attempts = 1 WHERE id = (SELECT min(id) FROM outbox) RETURNING id").bind(now_us + 3_000_000).fetch_one(&pool).await.unwrap();
        pool.close().await;
        id
    });
    let waiting: usize = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        // Mails due now: the demo also queues agendas for a week before its meetings.
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE claimed_until_us IS NULL OR claimed_until_us <= $1")
            .bind(jiff::Timestamp::now().as_microsecond() + 10_000_000)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n as usize
    });
    assert!(waiting > 3);
    let sink = Sink::start();
    // A folder with a changed model: both processes start with it, and it becomes one version.
    let models = dir.path().join("models");
    std::fs::create_dir(&models).unwrap();
    let shipped = include_str!("../../../models/julemaerkehjem.toml");
    std::fs::write(models.join("julemaerkehjem.toml"), shipped.replace("due = { after = \"ansoegning\", within = \"2w\" }", "due = { after = \"ansoegning\", within = \"3w\" }")).unwrap();
    let env = |_: &Path| {
        vec![
            ("TOVHOLDER_MODELS_DIR", models.display().to_string()),
            ("TOVHOLDER_KEY_FILE", data.join("tovholder.key").display().to_string()),
            ("TOVHOLDER_DATABASE", url.clone()),
            ("TOVHOLDER_SMTP__HOST", "127.0.0.1".to_string()),
            ("TOVHOLDER_SMTP__PORT", sink.port.to_string()),
            ("TOVHOLDER_SMTP__FROM", "Tovholder <tovholder@fjordlyst.example>".to_string()),
            ("TOVHOLDER_SMTP__TLS", "none".to_string()),
            ("TOVHOLDER_SMTP__LEASE_SECONDS", "3".to_string()),
            // The demo's administrator logs in with a password only (the walk of the second factor is elsewhere).
            ("TOVHOLDER_TOTP", "off".to_string()),
        ]
    };
    let (mut a, url_a) = start(&["serve", "--listen", "127.0.0.1:0"], &env(&data));
    let (mut b, url_b) = start(&["serve", "--listen", "127.0.0.1:0"], &env(&data));
    let versions: Vec<(String, i64, String)> = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let v = sqlx::query_as("SELECT model_id, version, source FROM model_versions ORDER BY model_id, version").fetch_all(&pool).await.unwrap();
        pool.close().await;
        v
    });
    let jmh: Vec<_> = versions.iter().filter(|v| v.0 == "julemaerkehjem").map(|v| (v.1, v.2.as_str())).collect();
    assert_eq!(jmh, [(1, "indbygget"), (2, "mappe")], "two processes started with the same folder store its model once: {versions:?}");

    // Every mail, including the one the dead process held, arrives exactly once.
    let arrived = sink.wait_for(waiting);
    assert_eq!(arrived.len(), waiting, "{arrived:?}");
    assert!(arrived.values().all(|n| *n == 1), "a mail arrived twice: {arrived:?}");
    assert!(arrived.keys().any(|k| k.contains(&format!("tovholder-mail-{held_id}@"))), "the held mail was picked up again");

    rt.block_on(async {
        // A login made through A works through B: the session lives in the database.
        let (c, _) = common::login(&url_a, "mette").await;
        let me: Value = c.get(format!("{url_b}/api/v1/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["name"], "Mette Pedersen");
        logging_out_through_one_process_ends_the_session_in_the_other(&url_a, &url_b).await;
        closing_a_login_through_one_process_ends_its_session_in_the_other_within_a_second(&url_a, &url_b).await;
        // Kill A; B carries on with new work, and its mail arrives once.
        a.kill().unwrap();
        a.wait().unwrap();
        let csrf = me["csrf"].as_str().unwrap();
        let orgs: Vec<Value> = c.get(format!("{url_b}/api/v1/organisations")).send().await.unwrap().json().await.unwrap();
        let egeskov = orgs.iter().find(|o| o["name"] == "Egeskov Kommune").unwrap()["id"].clone();
        let body = serde_json::json!({
            "model": "julemaerkehjem", "parties": {"municipality": egeskov},
            "family": [{"role": "barn", "name": "Ny Elev", "cpr": "010116-4321"}, {"role": "foraelder", "name": "Ny Far", "email": "far@familie.example"}],
            "dates": {"ansoegning": "2026-11-23"}, "decisions": {"samarbejde": "ja"}
        });
        let r = c.post(format!("{url_b}/api/v1/courses")).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let course: Value = c.get(format!("{url_b}/api/v1/courses/{id}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(course["model_version"], 2, "a new course takes the folder's version");
        let r = c.post(format!("{url_b}/api/v1/courses/{id}/dates")).header("x-csrf-token", csrf).json(&serde_json::json!({"dates": {"tilsagn": "2026-11-23"}})).send().await.unwrap();
        assert_eq!(r.status(), 200);
    });
    let arrived = sink.wait_for(waiting + 1);
    assert_eq!(arrived.len(), waiting + 1);
    assert!(arrived.values().all(|n| *n == 1), "{arrived:?}");
    b.kill().unwrap();
    b.wait().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
    });
}

/// An administrator closes Karim's login through A while B holds his session: A's change
/// notifies B (PostgreSQL `NOTIFY`), which drops what it holds, so B refuses him within a
/// second, well before the time it would otherwise trust what it read (`held::SHARED_FOR`).
async fn closing_a_login_through_one_process_ends_its_session_in_the_other_within_a_second(url_a: &str, url_b: &str) {
    let (karim, _) = common::login(url_b, "karim").await;
    let me: Value = karim.get(format!("{url_b}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(karim.get(format!("{url_b}/api/v1/me")).send().await.unwrap().status(), 200, "B holds his session and login");
    let (admin, csrf) = common::login(url_a, "admin").await;
    let t0 = std::time::Instant::now();
    let r = admin.patch(format!("{url_a}/api/v1/admin/users/{}", me["person"])).header("x-csrf-token", csrf).json(&serde_json::json!({"active": false})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    while karim.get(format!("{url_b}/api/v1/me")).send().await.unwrap().status() != 401 {
        assert!(t0.elapsed() < Duration::from_millis(1500), "B still lets Karim in after {:?}", t0.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(t0.elapsed() < tovholder_store::held::SHARED_FOR, "told, not timed out");
}

/// B holds a session it has read for a few seconds (`tovholder_store::sessions`): a logout
/// through A ends it there at once, and in B within a second (A notifies B).
async fn logging_out_through_one_process_ends_the_session_in_the_other(url_a: &str, url_b: &str) {
    use reqwest::cookie::CookieStore;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let c = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = c.get(format!("{url_a}/login")).send().await.unwrap().text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let r = c.post(format!("{url_a}/login")).form(&[("csrf", csrf.as_str()), ("username", "mette"), ("password", "demo1234")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let cookie = jar.cookies(&url_a.parse().unwrap()).unwrap().to_str().unwrap().to_string();
    let me = |url: String| {
        let cookie = cookie.clone();
        async move { reqwest::Client::new().get(url).header("cookie", cookie).send().await.unwrap().status() }
    };
    assert_eq!(me(format!("{url_b}/api/v1/me")).await, 200, "B reads the session, and holds it");
    let csrf: Value = c.get(format!("{url_a}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let r = c.post(format!("{url_a}/logout")).form(&[("csrf", csrf["csrf"].as_str().unwrap())]).send().await.unwrap();
    assert_eq!(r.status(), 200, "the login page, logged out");
    assert_eq!(me(format!("{url_a}/api/v1/me")).await, 401, "ended at once where the logout was");
    let t0 = std::time::Instant::now();
    while me(format!("{url_b}/api/v1/me")).await != 401 {
        assert!(t0.elapsed() < Duration::from_millis(1500), "B still accepts the session after {:?}", t0.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
