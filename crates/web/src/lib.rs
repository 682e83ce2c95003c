//! Tovholder's web layer: HTML pages and the JSON API over one route table, sessions and CSRF,
//! the access-log writer and the command layer.

pub mod access_log;
pub mod actions;
pub mod api;
pub mod assets;
pub mod auth;
pub mod clock;
pub mod course_access;
pub mod demo;
pub mod error;
pub mod journal_pages;
pub mod mailer;
pub mod meeting_actions;
pub mod meeting_views;
pub mod models;
pub mod pages;
pub mod path;
pub mod queries;
pub mod routes;
pub mod text;
pub mod views;

use std::sync::Arc;

use jiff::SignedDuration;
use tovholder_store::{Keys, Store};

pub use clock::Clock;
pub use models::Models;

/// Settings the web layer needs; the binary reads them from its configuration.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address users reach the server at, for links in e-mails (no trailing slash).
    pub base_url: String,
    pub session_idle: SignedDuration,
    pub session_max: SignedDuration,
    pub login_max_failures: i64,
    /// Failed logins from one address (any user names) before it is refused for a while:
    /// slows trying one password against many users.
    pub login_max_failures_per_address: i64,
    pub login_window_minutes: i64,
    /// Send cookies with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Behind a reverse proxy: the client's address is the last one in `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// The demo instance: mail is kept in the outbox page instead of sent.
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            base_url: "http://127.0.0.1:8080".into(),
            session_idle: SignedDuration::from_mins(30),
            session_max: SignedDuration::from_hours(12),
            login_max_failures: 5,
            login_max_failures_per_address: 100,
            login_window_minutes: 15,
            secure_cookies: false,
            behind_proxy: false,
            demo: false,
        }
    }
}

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub models: Models,
    pub clock: Clock,
    pub config: WebConfig,
    pub access: access_log::AccessLog,
    pub journal_pages: journal_pages::JournalPages,
}

/// The application state every handler gets; cheap to clone.
#[derive(Clone)]
pub struct App(Arc<Inner>);

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    /// Must be called inside a Tokio runtime (it starts the access-log writer).
    pub fn new(store: Arc<dyn Store>, keys: Keys, models: Models, clock: Clock, config: WebConfig) -> App {
        let access = access_log::AccessLog::start(store.clone());
        App(Arc::new(Inner { store, keys, models, clock, config, access, journal_pages: Default::default() }))
    }
}

/// Serves the app on a bound listener until the future `shutdown` completes.
pub async fn serve(listener: tokio::net::TcpListener, app: App, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let router = routes::router(app);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown).await
}
