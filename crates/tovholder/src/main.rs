//! The `tovholder` command: run the demo or a server, check model files, verify journals.

mod bench;
mod config;
mod generate;
mod model_preview;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tovholder_app::{App, AppConfig, Clock, Models};
use tovholder_core::model::Model;
use tovholder_store::{BulkStore, Keys, Store};

#[derive(Parser)]
#[command(name = "tovholder", version, about = "Tovholder: fælles forløb om barnet og familien")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a local demo with seeded data on an embedded SQLite store (keys made on first run).
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// The folder for the key file (and the SQLite database).
        #[arg(long, default_value = "tovholder-data")]
        data: PathBuf,
        /// Another store than the folder's SQLite file, e.g. postgres://USER@HOST/DB.
        #[arg(long)]
        database: Option<String>,
    },
    /// Run the server, configured by a file and TOVHOLDER_* environment variables.
    Serve {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        /// Overrides `listen` in the configuration.
        #[arg(long)]
        listen: Option<String>,
        /// Overrides `database` in the configuration: sqlite://PATH.
        #[arg(long)]
        database: Option<String>,
    },
    /// Write a consistent copy of a running SQLite instance (for PostgreSQL use pg_dump).
    Backup {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
        /// The backup file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a SQLite backup: checks it (integrity and every journal) and puts it in place.
    /// Stop the server first.
    Restore {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
        /// The backup file made by `tovholder backup`.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database file.
        #[arg(long)]
        force: bool,
    },
    /// Copy a whole instance to another (empty) store, e.g. from SQLite to PostgreSQL, keeping
    /// every id so the journals verify there; then checks them. Stop the server first.
    MigrateStore {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        /// The store to copy from (default: the configured database).
        #[arg(long)]
        from: Option<String>,
        /// The empty store to copy to, e.g. postgres://USER@HOST/DB.
        #[arg(long)]
        to: String,
    },
    /// PostgreSQL: run the migrations as the tables' owner and grant the server's role what it
    /// needs (everything but changing the journal and the access log). Run it before starting a
    /// new version when the server runs as its own role; one process at a time.
    Migrate {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        /// The owner's URL (default: the configured `migrate_database`).
        #[arg(long)]
        database: Option<String>,
        /// The server's role (default: the user of the configured `database`).
        #[arg(long)]
        grant_to: Option<String>,
    },
    /// Make a new key file (mode 0600) for `key_file`.
    Keygen { file: PathBuf },
    /// Logins and administrators, from the command line (everything else is in the browser, at /admin).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Collaboration model files.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Keeping and erasing closed courses.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Audit commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Fill a new, empty store with a synthetic data set shaped like the field (98
    /// municipalities, five Julemærkehjem, courses of every model over six years), for benchmarks.
    Generate {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        /// The store to fill (default: the configured database): sqlite://PATH or postgres://….
        #[arg(long)]
        database: Option<String>,
        /// The key file (made if missing, as `demo` does); default: the configured key_file.
        #[arg(long)]
        key_file: Option<PathBuf>,
        #[arg(long, default_value_t = 1000)]
        courses: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write what was made (logins, a sample course, counts) as JSON to this file.
        #[arg(long)]
        summary: Option<PathBuf>,
    },
    /// Benchmark helper: the full deadline scan over every course (prints JSON).
    #[command(hide = true)]
    BenchScan {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
    },
    /// Benchmark helper: render the family-plan PDF (prints JSON).
    #[command(hide = true)]
    BenchPdf {
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff login, e.g. an instance's first administrator (`--admin`); the
    /// organisation is made if there is none of that name. The password is read from standard
    /// input (one line), never from the command line.
    CreateUser {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// The kind of a new organisation (kommune, region, julemaerkehjem, skole, …).
        #[arg(long, default_value = "kommune")]
        org_kind: String,
        /// A standing role in the organisation (repeat for several), e.g. tovholder.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Administers every organisation of the instance.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (required).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Validate model files; report each problem with the file and the field.
    Check { files: Vec<PathBuf> },
    /// Print the time line a model file gives for the dates entered (working days and Danish
    /// holidays applied), as the administration page previews it.
    Preview {
        file: PathBuf,
        /// A date: `ID=2027-03-26`, or just `2027-03-26` for the model's `preview` date.
        #[arg(long = "date")]
        dates: Vec<String>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Erase the closed courses whose keeping has ended (what the server does daily), listing
    /// every closed course and why it is kept; `--dry-run` erases nothing.
    Run {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify every course journal's hash chain and head.
    Verify {
        #[arg(long, env = "TOVHOLDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        database: Option<String>,
    },
}

/// Prints a line for the person who started the server, never failing: a server whose
/// output is closed (e.g. piped to a process that exited) must keep serving.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// mimalloc instead of glibc's malloc: the server allocates many small, short-lived values per
/// request across threads, where glibc spends a fifth of the time (BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Model { command: ModelCommand::Check { files } } => return model_check(&files),
        Command::Model { command: ModelCommand::Preview { file, dates } } => return model_preview::run(&file, &dates),
        Command::Keygen { file } => keygen(&file),
        Command::BenchPdf { runs } => bench_pdf(runs),
        other => run_async(other),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tovholder: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr at the level `TOVHOLDER_LOG` says (default info): as text, or with
/// `TOVHOLDER_LOG_FORMAT=json` one JSON object per line, for a log collector.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOVHOLDER_LOG").unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("TOVHOLDER_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
}

fn run_async(cmd: Command) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        match cmd {
            Command::Demo { listen, data, database } => demo(&listen, &data, database).await,
            Command::Serve { config, listen, database } => serve(config.as_deref(), listen, database).await,
            Command::Audit { command: AuditCommand::Verify { config, database } } => audit_verify(config.as_deref(), database).await,
            Command::Retention { command: RetentionCommand::Run { config, database, dry_run } } => retention_run(config.as_deref(), database, dry_run).await,
            Command::Backup { config, database, to } => backup(config.as_deref(), database, &to).await,
            Command::Migrate { config, database, grant_to } => migrate(config.as_deref(), database, grant_to).await,
            Command::MigrateStore { config, from, to } => migrate_store(config.as_deref(), from, &to).await,
            Command::Restore { config, database, from, force } => restore(config.as_deref(), database, &from, force).await,
            Command::Generate { config, database, key_file, courses, seed, summary } => generate(config.as_deref(), database, key_file, courses, seed, summary).await,
            Command::BenchScan { config, database } => bench_scan(config.as_deref(), database).await,
            Command::Admin { command: AdminCommand::CreateUser { config, database, login, name, email, org, org_kind, roles, admin, password_stdin } } => {
                let staff = tovholder_app::admin::NewStaff { login, name, email, organisation: tovholder_core::ids::OrgId(0), department: None, roles, password: String::new(), instance_admin: admin };
                create_user(config.as_deref(), database, &org, &org_kind, staff, password_stdin).await
            }
            Command::Model { .. } | Command::Keygen { .. } | Command::BenchPdf { .. } => Ok(ExitCode::SUCCESS),
        }
    })
}

fn model_check(files: &[PathBuf]) -> ExitCode {
    if files.is_empty() {
        eprintln!("tovholder model check: name one or more model files");
        return ExitCode::FAILURE;
    }
    let mut ok = true;
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", f.display());
                ok = false;
                continue;
            }
        };
        match Model::parse(&text) {
            Ok(m) => println!("{}: ok ({}: {} roles, {} dates, {} tasks)", f.display(), m.id, m.roles.len(), m.dates.len(), m.tasks.len()),
            Err(errors) => {
                ok = false;
                for e in errors {
                    eprintln!("{}: {e}", f.display());
                }
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn keygen(file: &Path) -> anyhow::Result<ExitCode> {
    if file.exists() {
        bail!("{} exists already; it is never overwritten (the data encrypted with it would be lost)", file.display());
    }
    Keys::load_or_create(file)?;
    println!("Made a new key file {}. Keep a copy apart from the database backups.", file.display());
    Ok(ExitCode::SUCCESS)
}

/// The instance's catalogue of models: the shipped files and those of `models_dir` stored
/// where new, then every stored version read.
async fn catalogue(store: &dyn Store, models_dir: Option<&Path>) -> anyhow::Result<Models> {
    Ok(Models::open(store, models_dir, jiff::Timestamp::now()).await?)
}

fn models() -> anyhow::Result<Models> {
    Models::builtin().map_err(|(file, errors)| {
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("built-in model {file} is invalid: {}", list.join("; "))
    })
}

/// The store is chosen once, from the URL's scheme; migrations run on opening.
async fn open_store(url: &str, keys: Keys) -> anyhow::Result<Arc<dyn BulkStore>> {
    // Name the store without the URL itself: it may hold a password.
    if url.starts_with("sqlite:") {
        Ok(Arc::new(tovholder_store_sqlite::open_url(url, keys).await.context("opening the SQLite store")?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        // A database already at this version opens without schema changes, so a role that may
        // not make them (the server's own, under least privilege) can use it too.
        if let Ok(store) = tovholder_store_postgres::open_migrated(url, keys.clone()).await {
            return Ok(Arc::new(store));
        }
        Ok(Arc::new(
            tovholder_store_postgres::open_url(url, keys).await.context("opening the PostgreSQL store (a role that may not change the schema needs `tovholder migrate` run as the owner first)")?,
        ))
    } else {
        bail!("unsupported database URL: use sqlite://PATH or postgres://USER@HOST/DB")
    }
}

/// The role a `postgres://` URL logs in as.
fn postgres_user(url: &str) -> anyhow::Result<String> {
    if !(url.starts_with("postgres:") || url.starts_with("postgresql:")) {
        bail!("migrate_database is for PostgreSQL: database must be a postgres:// URL");
    }
    tovholder_store_postgres::role_of(url).context("reading the database URL")
}

async fn migrate(file: Option<&Path>, database: Option<String>, grant_to: Option<String>) -> anyhow::Result<ExitCode> {
    let cfg = config::Config::load(file, std::env::vars())?;
    let owner = database.or(cfg.migrate_database.clone()).context("no owner's URL: give --database or configure migrate_database")?;
    postgres_user(&owner)?;
    let role = match (grant_to, &cfg.database) {
        (Some(r), _) => Some(r),
        (None, Some(db)) if cfg.migrate_database.is_some() => Some(postgres_user(db)?),
        _ => None,
    };
    // With a key file configured, the owner also seals journal entries stored before encryption at rest.
    let keys = cfg.key_file.as_deref().map(Keys::load).transpose()?;
    if keys.is_none() {
        say!("No key_file configured: journal entries an earlier version stored in clear are not encrypted by this run.");
    }
    tovholder_store_postgres::migrate(&owner, role.as_deref(), keys).await.context("migrating")?;
    match role {
        Some(r) => say!("Migrated; {r} may read and write what the server needs, and only add to the journal and the access log."),
        None => say!("Migrated."),
    }
    Ok(ExitCode::SUCCESS)
}

async fn demo(listen: &str, data: &Path, database: Option<String>) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    let keys = Keys::load_or_create(&data.join("tovholder.key"))?;
    let store: Arc<dyn BulkStore> = match database {
        Some(url) => open_store(&url, keys.clone()).await?,
        None => Arc::new(tovholder_store_sqlite::open(&data.join("tovholder.db"), keys.clone()).await?),
    };
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    // A trial: nobody is asked for a second factor (anyone may still set one up under Min konto).
    let config = AppConfig { base_url: base_url.clone(), demo: true, totp: tovholder_app::second_factor::Policy::Off, ..AppConfig::default() };
    let models = catalogue(store.as_ref(), None).await?;
    let app = App::new(store, keys, models, Clock::default(), config);
    tovholder_app::housekeeping::start(&app);
    let fresh = tovholder_app::demo::seed(&app).await?.is_some();
    say!("Tovholder (demo) kører på {base_url}");
    say!("Data: {} ({})", data.display(), if fresh { "ny demo-data" } else { "eksisterende data" });
    say!("Demo-logins (adgangskode for alle: {}):", tovholder_app::demo::PASSWORD);
    for l in tovholder_app::demo::LOGINS {
        let role = match (l.role, l.department) {
            ("", Some(d)) => format!("{d} (ser forløb ved samtykke)"),
            ("", None) if l.org.starts_with("Region") => "ekstern part (ser forløb ved samtykke)".to_string(),
            ("", None) => "kontaktperson".to_string(),
            (r, _) => r.replace(',', ", "),
        };
        say!("  {:<6} {} – {}, {}", l.username, l.name, role, l.org);
    }
    say!("Familiens sider: {base_url}/familie/login med {} – link og kode står i «Udbakke (demo)»", tovholder_app::demo::FAMILY_LOGINS.join(" eller "));
    tovholder_web::serve(listener, app, shutdown()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(file: Option<&Path>, listen: Option<String>, database: Option<String>) -> anyhow::Result<ExitCode> {
    let mut cfg = config::Config::load(file, std::env::vars())?;
    if let Some(l) = listen {
        cfg.listen = l;
    }
    if let Some(d) = database {
        cfg.database = Some(d);
    }
    let Some(key_file) = &cfg.key_file else {
        bail!("no key_file configured (TOVHOLDER_KEY_FILE); make one with `tovholder keygen PATH`. The server does not start without it.");
    };
    let keys = Keys::load(key_file)?;
    let url = cfg.database.clone().context("no database configured (TOVHOLDER_DATABASE=sqlite://PATH)")?;
    let store: Arc<dyn BulkStore> = match &cfg.migrate_database {
        // Least privilege: the owner migrates and grants; the server connects as its own role.
        Some(owner) => {
            let role = postgres_user(&url)?;
            tovholder_store_postgres::migrate(owner, Some(&role), Some(keys.clone())).await.context("migrating as the owner (migrate_database)")?;
            Arc::new(tovholder_store_postgres::open_migrated(&url, keys.clone()).await.context("opening the PostgreSQL store as the server's role")?)
        }
        None => open_store(&url, keys.clone()).await?,
    };
    let listener = tokio::net::TcpListener::bind(&cfg.listen).await.with_context(|| format!("binding {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let base_url = cfg.base_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let web = AppConfig {
        // Behind HTTPS the session cookie is Secure, whatever the setting says.
        secure_cookies: cfg.secure_cookies || base_url.starts_with("https://"),
        base_url,
        session_idle: jiff::SignedDuration::from_mins(cfg.session_idle_minutes),
        login_max_failures: cfg.login_max_failures,
        login_window_minutes: cfg.login_window_minutes,
        login_max_failures_per_address: cfg.login_max_failures_per_address,
        login_max_failures_per_login: cfg.login_max_failures_per_login,
        behind_proxy: cfg.behind_proxy,
        totp: cfg.totp,
        oidc: cfg.oidc.clone(),
        metrics_token_sha256: cfg.metrics_token.as_deref().map(|t| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(t.as_bytes()))),
        clamav: cfg.clamav.clone(),
        accessibility_contact: cfg.accessibility_contact.clone(),
        family_email_login: cfg.family_email_login,
        family_session_idle: jiff::SignedDuration::from_mins(cfg.family_session_idle_minutes),
        family_session_max: jiff::SignedDuration::from_mins(cfg.family_session_max_minutes),
        access_log_keep_years: cfg.access_log_keep_years,
        sms_webhook: cfg.sms_webhook.clone(),
        metrics_allow: cfg.metrics_allow.iter().map(|a| a.parse()).collect::<Result<_, String>>().map_err(|e| anyhow::anyhow!("metrics_allow: {e}"))?,
        ..AppConfig::default()
    };
    let trial = cfg.totp == tovholder_app::second_factor::Policy::Off;
    let clock = Clock::default();
    match cfg.smtp.clone() {
        Some(smtp) => tovholder_app::mailer::start(store.clone(), clock.clone(), smtp)?,
        None => tracing::warn!("no [smtp] configured: e-mails wait in the outbox"),
    }
    if let Some(url) = cfg.sms_webhook.clone() {
        tovholder_app::sms::start(store.clone(), clock.clone(), url);
    }
    let empty = store.user_count().await? == 0;
    let models = catalogue(store.as_ref(), cfg.models_dir.as_deref()).await?;
    let app = App::new(store, keys, models, clock, web);
    tovholder_app::housekeeping::start(&app);
    tracing::info!(%addr, "tovholder serving");
    say!("Tovholder kører på http://{addr}");
    if trial {
        tracing::warn!("totp = \"off\": nobody is asked for a second factor; use this for a trial instance only");
        say!("Advarsel: totp = \"off\" – ingen logger ind med totrinsbekræftelse. Kun til en prøveinstans.");
    }
    if empty {
        say!("Ingen brugere endnu. Opret den første administrator: tovholder admin create-user --login LOGIN --name NAVN --email E-MAIL --org ORGANISATION --admin --password-stdin");
    }
    tovholder_web::serve(listener, app, shutdown()).await?;
    Ok(ExitCode::SUCCESS)
}

/// `tovholder admin create-user`: a login made through the same checks as the browser's.
async fn create_user(file: Option<&Path>, database: Option<String>, org: &str, org_kind: &str, mut staff: tovholder_app::admin::NewStaff, password_stdin: bool) -> anyhow::Result<ExitCode> {
    if !password_stdin {
        bail!("give the password on standard input with --password-stdin (never on the command line, where others can read it)");
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
    staff.password = line.trim_end_matches(['\r', '\n']).to_string();
    if staff.password.is_empty() {
        bail!("the password on standard input is empty");
    }
    let (keys, url) = keys_and_url(file, database)?;
    let store = open_store(&url, keys.clone()).await?;
    let models = catalogue(store.as_ref(), models_dir(file)?.as_deref()).await?;
    let app = App::new(store, keys, models, Clock::default(), AppConfig::default());
    let (login, admin) = (staff.login.clone(), staff.instance_admin);
    match tovholder_app::admin::bootstrap(&app, org, org_kind, staff).await {
        Ok(_) => {
            let what = if admin { "administrator for hele instansen" } else { "bruger" };
            say!("Oprettede {what} «{}» i {org}. Log ind i browseren; resten sker under Administration.", login.trim().to_lowercase());
            Ok(ExitCode::SUCCESS)
        }
        Err(tovholder_app::AppError::Invalid(errors)) => {
            for e in errors {
                eprintln!("tovholder admin create-user: {}: {}", e.field, e.message);
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

/// The key and database URL from the configuration (with a `--database` override).
fn models_dir(file: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    Ok(config::Config::load(file, std::env::vars())?.models_dir)
}

fn keys_and_url(file: Option<&Path>, database: Option<String>) -> anyhow::Result<(Keys, String)> {
    let cfg = config::Config::load(file, std::env::vars())?;
    let key_file = cfg.key_file.context("no key_file configured (TOVHOLDER_KEY_FILE)")?;
    let keys = Keys::load(&key_file)?;
    let url = database.or(cfg.database).context("no database configured (TOVHOLDER_DATABASE or --database)")?;
    Ok((keys, url))
}

async fn retention_run(file: Option<&Path>, database: Option<String>, dry_run: bool) -> anyhow::Result<ExitCode> {
    let (keys, url) = keys_and_url(file, database)?;
    let store = open_store(&url, keys.clone()).await?;
    let models = catalogue(store.as_ref(), models_dir(file)?.as_deref()).await?;
    let config = AppConfig { access_log_keep_years: config::Config::load(file, std::env::vars())?.access_log_keep_years, ..AppConfig::default() };
    let app = App::new(store, keys, models, Clock::default(), config);
    let lines = tovholder_app::retention::run(&app, dry_run).await?;
    let mut erased = 0;
    for l in &lines {
        let until = l.erase_on.map(|d| format!(" (keeping ends {d})")).unwrap_or_default();
        match &l.verdict {
            tovholder_core::retention::Verdict::Erase if l.failed.is_some() => println!("course {} ({}): erasure failed: {}", l.course.0, l.model, l.failed.as_deref().unwrap_or_default()),
            tovholder_core::retention::Verdict::Erase => {
                erased += 1;
                println!("course {} ({}): {}", l.course.0, l.model, if dry_run { "would be erased" } else { "erased" });
            }
            tovholder_core::retention::Verdict::Keep(why) => println!("course {} ({}): kept{until}: {}", l.course.0, l.model, why.join(" ")),
        }
    }
    let what = if dry_run { "due for erasure (dry run: nothing erased)" } else { "erased" };
    println!("{} closed courses; {erased} {what}", lines.len());
    if !dry_run && let Some(rows) = tovholder_app::retention::expire_access_log(&app).await? {
        println!("access log: {rows} rows older than its keeping expired");
    }
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(file: Option<&Path>, database: Option<String>) -> anyhow::Result<ExitCode> {
    let (keys, url) = keys_and_url(file, database)?;
    let store = open_store(&url, keys.clone()).await?;
    verify_all(store.as_ref(), &keys).await
}

async fn verify_all(store: &dyn Store, keys: &Keys) -> anyhow::Result<ExitCode> {
    let ids = store.course_ids().await?;
    for id in &ids {
        if let Some(broken) = tovholder_store::verify_course(store, keys, *id).await? {
            println!("BROKEN: {broken}");
            return Ok(ExitCode::FAILURE);
        }
    }
    println!("ok: {} journals verified", ids.len());
    let erased = store.erasures().await?.len();
    if let Some(broken) = tovholder_store::verify_erasures(store, keys).await?.into_iter().next() {
        println!("BROKEN: {broken}");
        return Ok(ExitCode::FAILURE);
    }
    if erased > 0 {
        println!("ok: {erased} erased courses: each erasure record signed, nothing of their journals left");
    }
    let chain = store.check_access_chain().await?;
    if let Some(broken) = chain.broken {
        println!("BROKEN: access log: {broken}");
        return Ok(ExitCode::FAILURE);
    }
    let mut before = if chain.before_chain > 0 { format!("; rows up to {} were written before the chain began", chain.before_chain) } else { String::new() };
    if chain.expired > 0 {
        before.push_str(&format!("; {} older rows expired under its keeping, the chain verified on from the last one", chain.expired));
    }
    println!("ok: access log verified: {} rows ({} list views) in {} batches{before}", chain.rows, chain.views, chain.batches);
    if let Some((link, hash)) = chain.head {
        // Written down (or shipped elsewhere), it shows a later check whether links were cut off the end.
        println!("access log head: link {link} {hash}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn migrate_store(file: Option<&Path>, from: Option<String>, to: &str) -> anyhow::Result<ExitCode> {
    let (keys, from) = keys_and_url(file, from)?;
    let source = open_store(&from, keys.clone()).await?;
    // The copy keeps each version's number, which the courses' journals name.
    let models = catalogue(source.as_ref(), models_dir(file)?.as_deref()).await?;
    // A copy's chains are made anew: a source changed behind its chains must not come out clean.
    say!("Checking the source first:");
    if verify_all(source.as_ref(), &keys).await? != ExitCode::SUCCESS {
        bail!("the source does not verify: nothing was copied");
    }
    let target = open_store(to, keys.clone()).await?;
    if !target.orgs().await?.is_empty() {
        bail!("the target store is not empty");
    }
    for org in source.orgs().await?.iter() {
        target.import_org(org).await?;
    }
    for person in source.all_persons().await? {
        target.import_person(&person).await?;
    }
    for v in source.model_versions().await? {
        let number =
            target.add_model_version(&tovholder_store::NewModelVersion { model: v.model.clone(), sha256: v.sha256, text: v.text, source: v.source, added_by: v.added_by, at: v.added }).await?;
        if number != v.version {
            bail!("model {} version {} was stored as version {number} on the target", v.model, v.version);
        }
    }
    let mut offers: Vec<(i64, i64)> = Vec::new();
    for org in source.orgs().await?.iter() {
        for d in source.departments(org.id).await? {
            target.add_department(org.id, &d.name, &d.kind).await?;
        }
        // Deactivated logins too: their history names them.
        for u in source.users_of_org(org.id).await? {
            let user = tovholder_store::NewUser {
                person: u.person,
                username: u.username,
                password_hash: u.password_hash,
                org_roles: u.org_roles,
                department: u.department,
                instance_admin: u.instance_admin,
                active: u.active,
            };
            target.add_user(&user).await?;
            for d in source.deputies_of(u.person, jiff::civil::Date::MIN).await? {
                target.add_deputy(&d, jiff::Timestamp::now()).await?;
            }
            if u.totp_sealed.is_some() {
                target.set_second_factor(u.person, u.totp_sealed.as_deref(), &source.recovery_code_hashes(u.person).await?).await?;
            }
        }
        for p in source.meeting_places(org.id).await? {
            target.add_meeting_place(org.id, &p.name, &p.address).await?;
        }
        // Its own data: opening hours, the duty roster (who set a shift is not kept: the copy
        // names the person on call), respite offers and activities.
        target.set_opening_hours(org.id, &source.opening_hours(org.id).await?).await?;
        for s in source.duty_shifts(org.id, jiff::Timestamp::MIN, jiff::Timestamp::MAX).await? {
            target.add_duty_shift(&s, s.person, s.from).await?;
        }
        for o in source.respite_offers(org.id, jiff::civil::Date::MIN).await? {
            // Who made it is not kept either: 0 marks a copied row.
            let new = target.add_respite_offer(&o, tovholder_core::ids::PersonId(0), jiff::Timestamp::now()).await?;
            offers.push((o.id, new));
        }
        // Activities whole (sessions, invitations, answers, attendance, notes), oldest first.
        for a in source.activities_of_org(org.id).await?.into_iter().rev() {
            target.save_activity(&tovholder_core::activities::Activity { id: 0, ..a }, 0, &[]).await?.context("an activity could not be copied")?;
        }
    }
    let ids = source.course_ids().await?;
    for id in &ids {
        let course = source.course(*id).await?.context("a course vanished during the copy")?;
        let journal = source.journal(*id).await?;
        let model = models.of(&course.state).with_context(|| format!("course {id} uses an unknown model"))?;
        let mut blobs = Vec::new();
        for d in &course.state.documents {
            let bytes = source.blob(*id, &d.meta.sha256).await?.with_context(|| format!("course {id}: a document's content is missing"))?;
            blobs.push(tovholder_store::Blob { sha256: d.meta.sha256.clone(), bytes });
        }
        let projection = tovholder_app::actions::commit(&model, (*course.state).clone(), vec![], vec![], blobs);
        target.import_course(&course, &journal, &projection).await?;
        for b in source.course_respite(*id).await? {
            let offer = offers.iter().find(|(old, _)| *old == b.offer).map(|(_, new)| *new).context("a booking's offer was not copied")?;
            let copied = target.book_respite(&tovholder_core::respite::Booking { offer, ..b }, tovholder_core::ids::PersonId(0), jiff::Timestamp::now(), &|_, _| Ok(())).await?;
            copied.map_err(|(_, why)| anyhow::anyhow!("course {id}: a booking was refused on the target: {why}"))?;
        }
    }
    // Keeping: the rules, holds and exports (erasure waits for them), and what erased courses left.
    for r in source.retention_rules().await? {
        target.set_retention_rule(r.org, &r.model, Some(&r.rule), r.set_by, r.set_at).await?;
    }
    for (course, by, at) in source.legal_holds().await? {
        target.set_legal_hold(course, true, by, at).await?;
    }
    for (course, by, at, sha) in source.exports().await? {
        target.record_export(course, by, at, &sha).await?;
    }
    for e in source.erasures().await? {
        target.import_erasure(&e).await?;
    }
    for m in source.outbox(i64::MAX).await?.into_iter().filter(|m| m.sent.is_none()) {
        target.import_mail(&m).await?;
    }
    let log = source.access_log(None, i64::MAX).await?;
    // Each record on its own: the copy keeps every record and its decision, not the grouping.
    target.write_access_log(&log.into_iter().rev().map(tovholder_store::access::Access::One).collect::<Vec<_>>()).await?;
    target.finish_import().await?;
    target.after_bulk_load().await?;
    say!("Copied {} courses. Checking every journal on the new store:", ids.len());
    verify_all(target.as_ref(), &keys).await
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        bail!("backup and restore here are for SQLite; for PostgreSQL use pg_dump and pg_restore (see the README)");
    };
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

async fn backup(file: Option<&Path>, database: Option<String>, to: &Path) -> anyhow::Result<ExitCode> {
    let (keys, url) = keys_and_url(file, database)?;
    let path = sqlite_path(&url)?;
    if to.exists() {
        bail!("{} exists already", to.display());
    }
    let store = tovholder_store_sqlite::open(&path, keys).await?;
    tovholder_store_sqlite::backup_to(&store, to).await?;
    println!("Wrote a consistent copy to {}. Keep the key file backed up apart from it.", to.display());
    Ok(ExitCode::SUCCESS)
}

async fn restore(file: Option<&Path>, database: Option<String>, from: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let (keys, url) = keys_and_url(file, database)?;
    let path = sqlite_path(&url)?;
    if path.exists() && !force {
        bail!("{} exists; stop the server and add --force to replace it", path.display());
    }
    // Check a copy of the backup before anything is replaced.
    let staging = path.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(from, &staging).with_context(|| format!("copying {}", from.display()))?;
    let store = tovholder_store_sqlite::open(&staging, keys.clone()).await?;
    let integrity = tovholder_store_sqlite::integrity_check(&store).await?;
    if integrity != "ok" {
        bail!("the backup is damaged: {integrity}");
    }
    let verified = verify_all(&store, &keys).await?;
    store.close().await;
    if verified != ExitCode::SUCCESS {
        bail!("the backup's journals do not verify with this key file");
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
    }
    std::fs::rename(&staging, &path).with_context(|| format!("moving the restored database to {}", path.display()))?;
    println!("Restored {} from {}.", path.display(), from.display());
    Ok(ExitCode::SUCCESS)
}

async fn generate(file: Option<&Path>, database: Option<String>, key_file: Option<PathBuf>, courses: usize, seed: u64, summary: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let cfg = config::Config::load(file, std::env::vars())?;
    let key_file = key_file.or(cfg.key_file).context("no key file: --key-file PATH or TOVHOLDER_KEY_FILE (made if missing)")?;
    let keys = Keys::load_or_create(&key_file)?;
    let url = database.or(cfg.database).context("no database: --database sqlite://PATH or postgres://…")?;
    let store = open_store(&url, keys.clone()).await?;
    let opts = generate::Options { courses, seed, today: tovholder_app::Clock::default().today() };
    let s = generate::generate(store, &keys, &models()?, &opts).await?;
    say!("Generated {} courses with {} journal entries, {} people and {} logins in {:.1} s.", s.courses, s.journal_entries, s.persons, s.logins, s.seconds);
    for (model, n) in &s.by_model {
        say!("  {model}: {n} courses");
    }
    say!("Busy coordinator: {} (password {}), {} open tasks; e.g. course {}.", s.busy_coordinator, s.password, s.busy_open_tasks, s.sample_course);
    if let Some(path) = summary {
        std::fs::write(&path, serde_json::to_string_pretty(&s)?).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench_scan(file: Option<&Path>, database: Option<String>) -> anyhow::Result<ExitCode> {
    let (keys, url) = keys_and_url(file, database)?;
    let store = open_store(&url, keys).await?;
    let scan = bench::scan(store, &models()?, tovholder_app::Clock::default().today()).await?;
    say!("{}", serde_json::to_string(&scan)?);
    Ok(ExitCode::SUCCESS)
}

fn bench_pdf(runs: usize) -> anyhow::Result<ExitCode> {
    say!("{}", serde_json::to_string(&bench::pdf(runs)?)?);
    Ok(ExitCode::SUCCESS)
}

/// Ends serving on Ctrl-C or SIGTERM (what service managers send), letting requests finish.
async fn shutdown() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
