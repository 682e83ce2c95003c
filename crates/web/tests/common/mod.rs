//! The HTTP tests' harness: a real server on port 0 over a fresh store (SQLite, or PostgreSQL
//! with TOVHOLDER_TEST_STORE=postgres) with the demo data, and clients logged in as its users.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;

use tovholder_app::demo::{self, Seeded};
use tovholder_app::{App, AppConfig, Clock, Models};
use tovholder_core::ids::CourseId;
use tovholder_store::{BulkStore, Keys};

pub struct TestApp {
    pub base: String,
    pub app: App,
    /// The same store, with what only the binary uses (for checks over every row).
    pub bulk: Arc<dyn BulkStore>,
    pub seeded: Seeded,
    /// The second factors the harness has set up, by login: the key and unused recovery codes.
    pub factors: std::sync::Mutex<std::collections::HashMap<String, Factor>>,
    _dir: tempfile::TempDir,
    /// The PostgreSQL schema to drop afterwards, when the tests run on PostgreSQL.
    pg_schema: Option<String>,
}

/// The store under test: SQLite by default, PostgreSQL with TOVHOLDER_TEST_STORE=postgres
/// (on TOVHOLDER_TEST_POSTGRES, default the local server's database `test`), each test in a
/// fresh schema.
async fn open_store(dir: &std::path::Path, keys: Keys) -> (Arc<dyn BulkStore>, Option<String>) {
    if std::env::var("TOVHOLDER_TEST_STORE").as_deref() == Ok("postgres") {
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).unwrap();
        let schema = format!("t_{}", hex::encode(b));
        let store = tovholder_store_postgres::open_in_schema(&pg_url(), &schema, keys).await.unwrap();
        (Arc::new(store), Some(schema))
    } else {
        (Arc::new(tovholder_store_sqlite::open(&dir.join("t.db"), keys).await.unwrap()), None)
    }
}

fn pg_url() -> String {
    std::env::var("TOVHOLDER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[derive(Clone, Debug, Default)]
pub struct Factor {
    pub secret: String,
    pub recovery: Vec<String>,
}

/// The code an authenticator app shows for `secret` (base32) at `at` seconds.
pub fn totp_code(secret: &str, at: u64) -> String {
    let key = totp_rs::Secret::try_from_base32(secret).unwrap();
    totp_rs::Builder::new().with_secret(key.as_ref().to_vec()).build().unwrap().generate(at).to_string()
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The text of the element with this id (`<… id="ID">TEXT<`).
pub fn text_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    Some(rest[start..].split('<').next()?.to_string())
}

/// The recovery codes a page shows (`<ul id="reservekoder">`).
pub fn recovery_codes_on(html: &str) -> Vec<String> {
    let Some(at) = html.find("id=\"reservekoder\"") else { return vec![] };
    let list = html[at..].split("</ul>").next().unwrap();
    list.split("<code>").skip(1).map(|c| c.split('<').next().unwrap().to_string()).collect()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(schema) = self.pg_schema.take() {
            // Drop is not async: a short-lived runtime of its own does the clean-up.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(tovholder_store_postgres::drop_schema(&pg_url(), &schema))
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
        Self::start(config, clock, true).await
    }

    /// On an empty store, as `tovholder serve` starts on a new instance: no demo data.
    pub async fn spawn_empty() -> TestApp {
        Self::start(AppConfig::default(), Clock::default(), false).await
    }

    pub async fn spawn_with_empty(config: AppConfig) -> TestApp {
        Self::start(config, Clock::default(), false).await
    }

    async fn start(config: AppConfig, clock: Clock, demo_data: bool) -> TestApp {
        Self::start_with(async move |_: String| config, clock, demo_data).await
    }

    /// An empty instance whose configuration depends on its address (e.g. an identity
    /// provider's client registered with its redirect URL).
    pub async fn spawn_empty_configured(config_for: impl AsyncFnOnce(String) -> AppConfig) -> TestApp {
        Self::start_with(config_for, Clock::default(), false).await
    }

    /// The demo instance, configured by its address (e.g. an identity provider's client).
    pub async fn spawn_configured(config_for: impl AsyncFnOnce(String) -> AppConfig) -> TestApp {
        Self::start_with(config_for, Clock::default(), true).await
    }

    async fn start_with(config_for: impl AsyncFnOnce(String) -> AppConfig, clock: Clock, demo_data: bool) -> TestApp {
        log_to_file();
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::from_master(&[42u8; 32]);
        let (store, pg_schema) = open_store(dir.path(), keys.clone()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = config_for(base.clone()).await;
        let config = AppConfig { base_url: base.clone(), demo: demo_data, ..config };
        let models = Models::open(store.as_ref(), None, clock.now()).await.unwrap();
        let app = App::new(store.clone(), keys, models, clock, config);
        let seeded = if demo_data { demo::seed(&app).await.unwrap().unwrap() } else { Seeded::default() };
        tokio::spawn(tovholder_web::serve(listener, app.clone(), std::future::pending()));
        TestApp { base, app, bulk: store, seeded, factors: Default::default(), _dir: dir, pg_schema }
    }

    /// Every `table.column` of the store under test whose text holds `needle`: to show that
    /// something is gone from every table, not just from the pages.
    pub async fn columns_holding(&self, needle: &str) -> Vec<String> {
        let pattern = format!("%{needle}%");
        let mut found = Vec::new();
        match &self.pg_schema {
            Some(schema) => {
                let pool = sqlx::PgPool::connect(&pg_url()).await.unwrap();
                let cols: Vec<(String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = $1 AND data_type IN ('text', 'character varying', 'bytea', 'jsonb', 'json')",
                )
                .bind(schema)
                .fetch_all(&pool)
                .await
                .unwrap();
                for (t, c) in cols {
                    let sql = format!("SELECT count(*) FROM \"{schema}\".\"{t}\" WHERE \"{c}\"::text LIKE $1");
                    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(&pattern).fetch_one(&pool).await.unwrap();
                    if n > 0 {
                        found.push(format!("{t}.{c}"));
                    }
                }
                pool.close().await;
            }
            None => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self._dir.path().join("t.db").display())).await.unwrap();
                // The name index (FTS5) reads its text from `persons`; its own tables hold tokens.
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'person_names%'").fetch_all(&pool).await.unwrap();
                for t in tables {
                    let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{t}')"))).fetch_all(&pool).await.unwrap();
                    for c in cols {
                        let sql = format!("SELECT count(*) FROM \"{t}\" WHERE CAST(\"{c}\" AS TEXT) LIKE ?");
                        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(&pattern).fetch_one(&pool).await.unwrap();
                        if n > 0 {
                            found.push(format!("{t}.{c}"));
                        }
                    }
                }
                pool.close().await;
            }
        }
        found
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A client logged in as a demo user, with the session's CSRF token.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        self.login_as(username, demo::PASSWORD).await
    }

    /// A client logged in with this password, with the session's CSRF token.
    pub async fn login_as(&self, username: &str, password: &str) -> (reqwest::Client, String) {
        let (c, r) = self.try_login(username, password).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {username}");
        if r.headers().get("location").is_some_and(|l| l == "/login/kode") {
            self.second_step(&c, username).await;
        }
        let me: Value = c.get(self.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        (c, me["csrf"].as_str().unwrap().to_string())
    }

    /// The login's second step, as a user with an authenticator app does it: set up at the
    /// first login (the key read off the page), else the app's code (the next step's if this
    /// one's was used), else a recovery code.
    pub async fn second_step(&self, c: &reqwest::Client, username: &str) {
        // The server's clock: some tests fix it.
        let now = u64::try_from(self.app.clock.now().as_second()).unwrap();
        let page = c.get(self.url("/login/kode")).send().await.unwrap().text().await.unwrap();
        let csrf = hidden_csrf(&page);
        if let Some(secret) = text_of(&page, "totp-secret") {
            let code = totp_code(&secret, now);
            let r = c.post(self.url("/login/kode")).form(&[("csrf", csrf.as_str()), ("secret", secret.as_str()), ("code", code.as_str())]).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "second factor set up for {username}");
            let recovery = recovery_codes_on(&r.text().await.unwrap());
            assert_eq!(recovery.len(), 10);
            self.factors.lock().unwrap().insert(username.to_string(), Factor { secret, recovery });
            return;
        }
        let factor = self.factors.lock().unwrap().get(username).cloned().expect("a second factor the harness set up");
        let mut tries = vec![totp_code(&factor.secret, now), totp_code(&factor.secret, now + 30)];
        tries.extend(factor.recovery.iter().take(1).cloned());
        for code in tries {
            let r = c.post(self.url("/login/kode")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
            if r.status() == StatusCode::SEE_OTHER {
                self.factors.lock().unwrap().entry(username.to_string()).and_modify(|f| f.recovery.retain(|x| *x != code));
                return;
            }
        }
        panic!("no code let {username} in");
    }

    /// The login form sent, and its answer.
    pub async fn try_login(&self, username: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
        try_login_at(&self.base, username, password).await
    }

    pub fn course(&self, child: &str) -> CourseId {
        self.seeded.courses[child]
    }

    pub async fn denials(&self, course: CourseId) -> Vec<tovholder_store::AccessRecord> {
        self.app.store.access_log(Some(course), 1000).await.unwrap().into_iter().filter(|r| !r.allowed).collect()
    }
}

/// The login form sent to the server at `base`, and its answer (for tasks of their own).
pub async fn try_login_at(base: &str, username: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = c.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_csrf(&page);
    let r = c.post(format!("{base}/login")).form(&[("csrf", csrf.as_str()), ("username", username), ("password", password)]).send().await.unwrap();
    (c, r)
}

pub fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The text of a PDF, by Debian's pdftotext (poppler-utils; scripts/test installs it).
pub fn pdftotext(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child =
        std::process::Command::new("pdftotext").args(["-", "-"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().expect("pdftotext (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

pub async fn csrf_of(t: &TestApp, c: &reqwest::Client) -> String {
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    me["csrf"].as_str().unwrap().to_string()
}

/// Posts a form with the session's CSRF token; returns status and body.
pub async fn post_form(t: &TestApp, c: &reqwest::Client, csrf: &str, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    let r = c.post(t.url(path)).form(&all).send().await.unwrap();
    let status = r.status();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    (status, location.unwrap_or(body))
}

pub fn org(t: &TestApp, name: &str) -> String {
    t.seeded.orgs[name].to_string()
}

pub async fn outbox(t: &TestApp) -> Vec<tovholder_store::Mail> {
    t.app.store.outbox(1000).await.unwrap()
}

/// A local SMTP sink (Python's aiosmtpd, installed by scripts/test) writing into a Maildir.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Every delivered mail so far, parsed.
    pub fn all(&self) -> Vec<(String, String, String, Option<String>)> {
        let new = self.dir.path().join("maildir").join("new");
        std::fs::read_dir(&new).map(|d| d.filter_map(Result::ok).map(|e| mail_parts(&std::fs::read(e.path()).unwrap())).collect()).unwrap_or_default()
    }

    pub async fn wait_for(&self, what: impl Fn(&(String, String, String, Option<String>)) -> bool) -> (String, String, String, Option<String>) {
        for _ in 0..150 {
            if let Some(m) = self.all().into_iter().find(&what) {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the expected mail did not arrive");
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The members of a course by role, from the API: (person id, name).
pub async fn members(t: &TestApp, c: &reqwest::Client, course: CourseId, role: &str) -> Vec<(String, String)> {
    let v: Value = c.get(t.url(&format!("/api/v1/courses/{course}"))).send().await.unwrap().json().await.unwrap();
    v["members"].as_array().unwrap().iter().filter(|m| m["role"] == role).map(|m| (m["person"].to_string(), m["name"].as_str().unwrap().to_string())).collect()
}

/// A delivered mail's parts: (to, subject, text, calendar attachment).
pub fn mail_parts(raw: &[u8]) -> (String, String, String, Option<String>) {
    let m = mailparse::parse_mail(raw).unwrap();
    let h = |k: &str| m.headers.iter().find(|x| x.get_key().eq_ignore_ascii_case(k)).map(|x| x.get_value()).unwrap_or_default();
    let text = m.subparts.iter().find(|p| p.ctype.mimetype == "text/plain").map_or_else(|| m.get_body().unwrap(), |p| p.get_body().unwrap());
    let ics = m.subparts.iter().find(|p| p.ctype.mimetype == "text/calendar").map(|p| p.get_body().unwrap());
    (h("To"), h("Subject"), text, ics)
}

impl SmtpSink {
    #[allow(clippy::zombie_processes)] // Drop kills and waits for it.
    pub async fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs it)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return SmtpSink { child, port, dir };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the SMTP sink did not start (is aiosmtpd installed? pip install aiosmtpd)");
    }

    /// The delivered messages as (to, subject, body), waiting until at least `n` have arrived.
    pub async fn messages(&self, n: usize) -> Vec<(String, String, String)> {
        let new = self.dir.path().join("maildir").join("new");
        for _ in 0..150 {
            let files: Vec<_> = std::fs::read_dir(&new).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
            if files.len() >= n {
                return files
                    .iter()
                    .map(|f| {
                        let raw = std::fs::read(f).unwrap();
                        let m = mailparse::parse_mail(&raw).unwrap();
                        let h = |k: &str| m.headers.iter().find(|x| x.get_key().eq_ignore_ascii_case(k)).map(|x| x.get_value()).unwrap_or_default();
                        (h("To"), h("Subject"), m.get_body().unwrap())
                    })
                    .collect();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} mails arrived");
    }
}

/// Furesø's registered meeting place in the demo, as a meeting records it.
pub const FF_PLACE: &str = "Familiens Fremtid, mødelokale 2, Paltholmterrasserne 1, 3520 Farum";

// ---- What people trip over (issue 15): each test failed before its fix. ----

/// A course of the home's for Egeskov (Asta Vinter) opened through the API by mette.
pub async fn fresh_course(t: &TestApp) -> (reqwest::Client, String, i64) {
    let (mette, mcsrf) = t.login("mette").await;
    let body = serde_json::json!({
        "model": "julemaerkehjem",
        "parties": {"municipality": t.seeded.orgs["Egeskov Kommune"]},
        "family": [{"role": "barn", "name": "Asta Vinter", "cpr": "050515-4321"}, {"role": "foraelder", "name": "Ib Vinter", "email": "ib@familie.example"}],
        "dates": {"ansoegning": "2026-11-02"},
        "decisions": {"samarbejde": "ja"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (mette, mcsrf, id)
}

pub const ROOT_PASSWORD: &str = "en lang og god adgangskode";

/// The first administrator of an empty instance, as `tovholder admin create-user --admin`
/// makes them (login `root`, in "Prøvekommune").
pub async fn first_admin(t: &TestApp) {
    let staff = tovholder_app::admin::NewStaff {
        login: "Root".into(),
        name: "Rita Root".into(),
        email: "rita@kommune.example".into(),
        organisation: tovholder_core::ids::OrgId(0),
        department: None,
        roles: vec![],
        password: ROOT_PASSWORD.into(),
        instance_admin: true,
    };
    tovholder_app::admin::bootstrap(&t.app, "Prøvekommune", "kommune", staff).await.unwrap();
}

/// An instance set up from empty as the README says: the first administrator (`root`) makes
/// Prøvekommune's family coordinator `mia`. Both logged in, and the organisation's id.
pub async fn from_empty_with_coordinator(t: &TestApp) -> (reqwest::Client, String, tovholder_core::ids::OrgId, reqwest::Client, String) {
    first_admin(t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let org = t.app.store.orgs().await.unwrap().iter().find(|o| o.name == "Prøvekommune").unwrap().id;
    let user = [("name", "Mia Holm"), ("login", "mia"), ("email", "mia@kommune.example"), ("roles", "familiekoordinator"), ("password", "korrekt hest batteri")];
    assert_eq!(post_form(t, &root, &csrf, &format!("/admin/organisationer/{org}/brugere"), &user).await.0, StatusCode::SEE_OTHER);
    let (mia, mcsrf) = t.login_as("mia", "korrekt hest batteri").await;
    (root, csrf, org, mia, mcsrf)
}

/// Mia opens a Familiens Fremtid course for Karen Lund and her daughter Liva; its id.
pub async fn lund_course(t: &TestApp, mia: &reqwest::Client, mcsrf: &str, org: tovholder_core::ids::OrgId) -> CourseId {
    let body = serde_json::json!({
        "model": "familiens_fremtid", "parties": {"kommune": org},
        "family": [{"role": "voksen", "name": "Karen Lund", "email": "karen@familie.example", "cpr": "120390-4318", "custody": true}, {"role": "barn", "name": "Liva Lund", "cpr": "050518-4322"}],
        "dates": {"visiteret": t.app.clock.today().to_string()}, "decisions": {}
    });
    let r = mia.post(t.url("/api/v1/courses")).header("x-csrf-token", mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    CourseId(r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap())
}

/// What the test servers log: everything at debug level, but the HTTP client's and TLS's own
/// chatter (the tests' side of the wire).
pub const LOG_FILTER: &str = "debug,hyper=info,hyper_util=info,h2=info,reqwest=info,cookie_store=info,rustls=info,html5ever=info,selectors=info";

/// With TOVHOLDER_TEST_LOGS set (scripts/test sets it), this test binary's servers log at debug
/// level to a file there; the last step of scripts/test searches every such file for personal
/// data (scripts/check-logs).
fn log_to_file() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(dir) = std::env::var("TOVHOLDER_TEST_LOGS") else { return };
        let exe = std::env::current_exe().ok().and_then(|e| e.file_stem().map(|s| s.to_string_lossy().into_owned())).unwrap_or_default();
        let store = std::env::var("TOVHOLDER_TEST_STORE").unwrap_or_else(|_| "sqlite".into());
        let file = std::fs::File::create(std::path::Path::new(&dir).join(format!("{exe}-{store}-{}.log", std::process::id()))).unwrap();
        let filter = tracing_subscriber::EnvFilter::new(LOG_FILTER);
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(std::sync::Mutex::new(file)).try_init();
    });
}

/// A real ClamAV daemon (Debian's `clamd`) on a Unix socket in a temporary folder, with one
/// signature: the EICAR test file's (an `.hdb` line, md5:size:name), as an operator checks a
/// fresh installation. Stopped when dropped.
pub struct Clamd {
    child: std::process::Child,
    pub socket: String,
    _dir: tempfile::TempDir,
}

/// The EICAR test file: harmless, and every virus scanner reports it.
pub const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

impl Clamd {
    pub async fn start() -> Clamd {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        std::fs::create_dir(&db).unwrap();
        std::fs::write(db.join("eicar.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").unwrap();
        let socket = dir.path().join("clamd.sock");
        let conf = dir.path().join("clamd.conf");
        let d = dir.path().display();
        std::fs::write(&conf, format!("LocalSocket {}\nDatabaseDirectory {}\nTemporaryDirectory {d}\nForeground yes\nLogFile {d}/clamd.log\n", socket.display(), db.display())).unwrap();
        let child = std::process::Command::new("clamd")
            .arg(format!("--config-file={}", conf.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("clamd (Debian's clamav-daemon; scripts/test installs it)");
        for _ in 0..100 {
            if socket.exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(socket.exists(), "clamd did not open its socket");
        Clamd { child, socket: socket.display().to_string(), _dir: dir }
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The newest mail to `to` whose subject is `subject` (the outbox lists the newest first).
pub async fn last_mail(t: &TestApp, to: &str, subject: &str) -> tovholder_store::NewMail {
    outbox(t).await.into_iter().map(|m| m.mail).find(|m| m.to == to && m.subject == subject).unwrap_or_else(|| panic!("no mail «{subject}» to {to}"))
}

/// The link's token in a mail's body.
pub fn link_token(body: &str) -> String {
    let at = body.find("/familie/link?t=").expect("a link in the mail") + "/familie/link?t=".len();
    body[at..at + 64].to_string()
}

/// The six digits in a code mail's body.
pub fn code_in(body: &str) -> String {
    body.split_whitespace().find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit())).expect("a code in the mail").to_string()
}

/// Opens the link from the mail and presses "Fortsæt": the client then waits for its code.
pub async fn press_continue(t: &TestApp, c: &reqwest::Client, token: &str) -> (StatusCode, String) {
    let page = c.get(t.url(&format!("/familie/link?t={token}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the link shows its button");
    let html = page.text().await.unwrap();
    assert!(html.contains(">Fortsæt</button>"), "{html}");
    let r = c.post(t.url("/familie/link")).form(&[("csrf", hidden_csrf(&html).as_str()), ("t", token)]).send().await.unwrap();
    (r.status(), r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default())
}

pub async fn send_code(t: &TestApp, c: &reqwest::Client, code: &str) -> reqwest::Response {
    let html = c.get(t.url("/familie/kode")).send().await.unwrap().text().await.unwrap();
    c.post(t.url("/familie/kode")).form(&[("csrf", hidden_csrf(&html).as_str()), ("code", code)]).send().await.unwrap()
}

/// A client logged in as the family member with this address, through the login page.
pub async fn family_login(t: &TestApp, email: &str) -> reqwest::Client {
    let c = t.anonymous();
    let html = c.get(t.url("/familie/login")).send().await.unwrap().text().await.unwrap();
    let r = c.post(t.url("/familie/login")).form(&[("csrf", hidden_csrf(&html).as_str()), ("email", email)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let token = link_token(&last_mail(t, email, tovholder_app::text::FAMILY_LINK_SUBJECT).await.body);
    assert_eq!(press_continue(t, &c, &token).await.0, StatusCode::SEE_OTHER);
    let code = code_in(&last_mail(t, email, tovholder_app::text::FAMILY_CODE_SUBJECT).await.body);
    let r = send_code(t, &c, &code).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the right code logs in");
    c
}
