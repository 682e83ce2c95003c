//! Tovholder's application layer, free of HTTP: the one command layer (prepare, decide,
//! commit), list queries and view models, the access-log writer, the mailer and the demo.
//! The web crate and the binary use it; it uses neither.

pub mod access_log;
pub mod actions;
pub mod activities;
pub mod admin;
pub mod clock;
pub mod course;
pub mod course_log;
pub mod demo;
pub mod deputies;
pub mod duty;
pub mod error;
pub mod family;
pub mod family_login;
pub mod handover;
pub mod housekeeping;
mod http_client;
pub mod import;
pub mod insight;
pub mod journal_pages;
pub mod login_links;
pub mod mailer;
pub mod meeting_actions;
pub mod meeting_views;
pub mod messages;
pub mod metrics;
pub mod model_moves;
pub mod models;
pub mod network_persons;
pub mod passwords;
pub mod queries;
pub mod requests;
pub mod respite;
pub mod retention;
pub mod second_factor;
pub mod single_sign_on;
pub mod sms;
pub mod text;
pub mod views;
pub mod virus_scan;

use std::sync::Arc;

use jiff::SignedDuration;
use tovholder_core::policy::Actor;
use tovholder_store::{Keys, Store, User};

pub use clock::Clock;
pub use error::AppError;
pub use models::Models;

/// Settings of an instance; the binary reads them from its configuration.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The address users reach the server at, for links in e-mails (no trailing slash).
    pub base_url: String,
    pub session_idle: SignedDuration,
    pub session_max: SignedDuration,
    /// Failed logins for one login name from one source (an address, IPv6 by its /64, or a
    /// browser that has logged in as that person before) before that source is held back.
    pub login_max_failures: i64,
    /// Failed logins for one login name from browsers that have not logged in as that person
    /// before, from all addresses together: slows guessing from many addresses, while the
    /// person's own browser still gets in.
    pub login_max_failures_per_login: i64,
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
    /// Who must log in with a second factor.
    pub totp: second_factor::Policy,
    /// Identity providers staff may log in with (`[[oidc]]`).
    pub oidc: Vec<single_sign_on::Provider>,
    /// The SHA-256 (hex) of the bearer token `/metrics` asks for, if any.
    pub metrics_token_sha256: Option<String>,
    /// The addresses `/metrics` answers, if any (the connection's own address, never a header's).
    /// Neither this nor a token: `/metrics` is off.
    pub metrics_allow: Vec<metrics::AddressRange>,
    /// ClamAV's daemon, which scans every document before it is stored: its Unix socket's path
    /// or `tcp://HOST:PORT`.
    pub clamav: Option<String>,
    /// Where users report an accessibility problem (e-mail or web address), for the statement.
    pub accessibility_contact: Option<String>,
    /// Family members may log in with a link and a code sent to their e-mail address. Off where
    /// a broker (MitID) is the family's way in.
    pub family_email_login: bool,
    /// A family member's session: shorter than staff's, as it is often a shared or borrowed device.
    pub family_session_idle: SignedDuration,
    pub family_session_max: SignedDuration,
    /// How many years the access log is kept (whole links of its chain expire after); `None`:
    /// for ever.
    pub access_log_keep_years: Option<u16>,
    /// Where an acute request's text message to the person on call is posted (see `sms`); none:
    /// e-mail only.
    pub sms_webhook: Option<String>,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            base_url: "http://127.0.0.1:8080".into(),
            session_idle: SignedDuration::from_mins(30),
            session_max: SignedDuration::from_hours(12),
            login_max_failures: 5,
            login_max_failures_per_login: 50,
            login_max_failures_per_address: 100,
            login_window_minutes: 15,
            secure_cookies: false,
            behind_proxy: false,
            demo: false,
            totp: second_factor::Policy::Admins,
            oidc: vec![],
            metrics_token_sha256: None,
            metrics_allow: vec![],
            clamav: None,
            accessibility_contact: None,
            family_email_login: true,
            family_session_idle: SignedDuration::from_mins(15),
            family_session_max: SignedDuration::from_hours(2),
            access_log_keep_years: None,
            sms_webhook: None,
        }
    }
}

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub models: Models,
    pub clock: Clock,
    pub config: AppConfig,
    pub access: access_log::AccessLog,
    pub journal_pages: journal_pages::JournalPages,
    /// The process's figures for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
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
    pub fn new(store: Arc<dyn Store>, keys: Keys, models: Models, clock: Clock, config: AppConfig) -> App {
        let metrics = Arc::new(metrics::Metrics::default());
        let access = access_log::AccessLog::start(store.clone(), metrics.clone());
        App(Arc::new(Inner { store, keys, models, clock, config, access, journal_pages: Default::default(), metrics }))
    }
}

impl App {
    /// The model a course runs under. A version another process stored (an upload, a move)
    /// is read on first meeting it.
    /// The instance's host name, as calendar UIDs and the organiser address use it.
    pub fn mail_host(&self) -> String {
        self.config.base_url.split("://").nth(1).unwrap_or("tovholder.local").split(['/', ':']).next().unwrap_or("tovholder.local").to_string()
    }

    pub async fn model_of(&self, state: &tovholder_core::course::CourseState) -> Result<Option<Arc<tovholder_core::model::Model>>, tovholder_store::StoreError> {
        if let Some(m) = self.models.of(state) {
            return Ok(Some(m));
        }
        self.models.refresh(self.store.as_ref()).await?;
        Ok(self.models.of(state))
    }

    /// Reads the catalogue again if any of these courses runs under a version this process has
    /// not met (another process stored it, or moved them to it), so lists keep every course.
    pub async fn meet_models<'a>(&self, states: impl IntoIterator<Item = &'a tovholder_core::course::CourseState>) -> Result<(), tovholder_store::StoreError> {
        if states.into_iter().any(|s| self.models.of(s).is_none()) {
            self.models.refresh(self.store.as_ref()).await?;
        }
        Ok(())
    }
}

/// What a user may do is asked of the policy as this actor.
pub fn actor(user: &User) -> Actor {
    Actor { person: user.person, org: user.org, org_roles: user.org_roles.clone(), department: user.department.clone(), deputy_for: user.deputy_for.clone() }
}
