//! Configuration: a TOML file, then `TOVHOLDER_*` environment variables on top
//! (`TOVHOLDER_A__B` sets `b` in table `a`). Unknown keys are errors.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_listen")]
    pub listen: String,
    /// `sqlite://PATH` (the embedded store) or `postgres://…` (the server's own role).
    pub database: Option<String>,
    /// PostgreSQL: the tables' owner, used only at start to run the migrations and grant the
    /// role of `database` what the server needs (least privilege); without it, `database`'s
    /// role runs the migrations itself.
    pub migrate_database: Option<String>,
    /// The file with the 32-byte master key (CPR encryption, blind index, journal chain).
    pub key_file: Option<PathBuf>,
    pub base_url: Option<String>,
    #[serde(default)]
    pub secure_cookies: bool,
    /// Behind a reverse proxy (the client's address comes from X-Forwarded-For).
    #[serde(default)]
    pub behind_proxy: bool,
    #[serde(default = "default_idle")]
    pub session_idle_minutes: i64,
    #[serde(default = "default_max_failures")]
    pub login_max_failures: i64,
    #[serde(default = "default_window")]
    pub login_window_minutes: i64,
    #[serde(default = "default_max_per_login")]
    pub login_max_failures_per_login: i64,
    #[serde(default = "default_max_per_address")]
    pub login_max_failures_per_address: i64,
    /// Without it, e-mails wait in the outbox.
    pub smtp: Option<tovholder_app::mailer::SmtpConfig>,
    /// Who must log in with a second factor: "admins" (the default), "all", or "off" (a trial
    /// instance only).
    #[serde(default)]
    pub totp: tovholder_app::second_factor::Policy,
    /// Identity providers for single sign-on (`[[oidc]]` tables).
    #[serde(default)]
    pub oidc: Vec<tovholder_app::single_sign_on::Provider>,
    /// The bearer token a Prometheus scraper sends to `/metrics`.
    pub metrics_token: Option<String>,
    /// The addresses (`10.0.0.0/8`, `::1`) `/metrics` answers. Neither this nor a token:
    /// `/metrics` is off.
    #[serde(default)]
    pub metrics_allow: Vec<String>,
    /// How many years the access log is kept; after that, its oldest rows expire in whole
    /// batches (their chain still verifies). Without it, the log is kept for ever.
    pub access_log_keep_years: Option<u16>,
    /// A folder of collaboration model files (`*.toml`) to add to the shipped ones: at start,
    /// a file whose text is new becomes its model's next version (see docs/MODELS.md).
    pub models_dir: Option<PathBuf>,
    /// An acute support request is also sent by SMS to the person on call: the URL that takes a
    /// POST of `{"to": "+45…", "text": "…"}` (your SMS gateway, or an adapter in front of it).
    /// Must be https://, or http:// on loopback. Without it, e-mail only.
    pub sms_webhook: Option<String>,
    /// ClamAV's daemon, to scan every document before it is stored: its Unix socket's path
    /// (Debian: /run/clamav/clamd.ctl) or `tcp://HOST:PORT`.
    pub clamav: Option<String>,
    /// Where users report an accessibility problem (an e-mail address or a web address), named
    /// in the accessibility statement at `/tilgaengelighed`.
    pub accessibility_contact: Option<String>,
    /// Family members log in with a link and a code by e-mail (turn off where MitID through a
    /// broker is their way in: an `[[oidc]]` with `audience = "citizen"`).
    #[serde(default = "yes")]
    pub family_email_login: bool,
    /// A family member's session ends after this many idle minutes, and after `family_session_max_minutes` in all.
    #[serde(default = "default_family_idle")]
    pub family_session_idle_minutes: i64,
    #[serde(default = "default_family_max")]
    pub family_session_max_minutes: i64,
}

/// `Debug` shows the database's scheme only: a PostgreSQL URL may carry a password.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.database.as_deref().and_then(|d| d.split(':').next());
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database", &scheme)
            .field("key_file", &self.key_file)
            .field("base_url", &self.base_url)
            .field("smtp", &self.smtp)
            .field("oidc", &self.oidc)
            .finish_non_exhaustive()
    }
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}
fn default_idle() -> i64 {
    30
}
fn yes() -> bool {
    true
}
fn default_family_idle() -> i64 {
    15
}
fn default_family_max() -> i64 {
    120
}
fn default_max_failures() -> i64 {
    5
}
fn default_max_per_login() -> i64 {
    50
}
fn default_max_per_address() -> i64 {
    100
}
fn default_window() -> i64 {
    15
}
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads the file (if given) and applies the environment on top.
    pub fn load(file: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.display().to_string(), e))?;
                toml::from_str::<toml::Table>(&text).map_err(|e| ConfigError::Invalid(format!("{}: {e}", p.display())))?
            }
            None => toml::Table::new(),
        };
        for (key, value) in env {
            let Some(name) = key.strip_prefix("TOVHOLDER_") else { continue };
            // Not configuration keys: the file's path, the log filter, and the test suite's own.
            if name == "CONFIG" || name == "LOG" || name.starts_with("TEST_") {
                continue;
            }
            let path: Vec<String> = name.to_lowercase().split("__").map(str::to_string).collect();
            // Numbers and booleans are read as TOML values; anything else is a string.
            let v = toml::from_str::<toml::Table>(&format!("v = {value}")).ok().and_then(|mut t| t.remove("v")).filter(|v| !v.is_table()).unwrap_or(toml::Value::String(value));
            insert(&mut table, &path, v);
        }
        let config = table.try_into::<Config>().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        if let Some(url) = &config.sms_webhook {
            let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|l| url.starts_with(l));
            if !url.starts_with("https://") && !loopback {
                return Err(ConfigError::Invalid("sms_webhook must be an https:// URL (or http:// on loopback)".into()));
            }
        }
        for p in &config.oidc {
            if p.audience != "staff" {
                return Err(ConfigError::Invalid(format!("oidc provider {:?}: audience must be \"staff\" (the family's login comes later)", p.name)));
            }
            let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|l| p.issuer.starts_with(l));
            if !p.issuer.starts_with("https://") && !loopback {
                return Err(ConfigError::Invalid(format!("oidc provider {:?}: the issuer must be an https:// URL", p.name)));
            }
            if p.organisations.is_empty() {
                return Err(ConfigError::Invalid(format!("oidc provider {:?}: name the organisations whose staff log in with it", p.name)));
            }
            if p.create_users.as_ref().is_some_and(|o| !p.organisations.contains(o)) {
                return Err(ConfigError::Invalid(format!("oidc provider {:?}: create_users must be one of its organisations", p.name)));
            }
            if !["email", "preferred_username", "sub"].contains(&p.user_claim.as_str()) {
                return Err(ConfigError::Invalid(format!("oidc provider {:?}: user_claim is \"email\", \"preferred_username\" or \"sub\"", p.name)));
            }
        }
        Ok(config)
    }
}

fn insert(table: &mut toml::Table, path: &[String], v: toml::Value) {
    match path {
        [] => {}
        [last] => {
            table.insert(last.clone(), v);
        }
        [first, rest @ ..] => {
            let entry = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = entry {
                insert(t, rest, v);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn environment_overrides_the_file_and_unknown_keys_fail() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t.toml");
        std::fs::write(&f, "listen = \"0.0.0.0:80\"\nlogin_max_failures = 3\nsession_idle_minutes = 10\n[smtp]\nhost = \"mail\"\nfrom = \"a@b.example\"\npassword = \"hemmelig\"\n").unwrap();
        let c =
            Config::load(Some(&f), env(&[("TOVHOLDER_LISTEN", "127.0.0.1:9"), ("TOVHOLDER_SESSION_IDLE_MINUTES", "20"), ("OTHER", "x"), ("TOVHOLDER_CONFIG", "t.toml"), ("TOVHOLDER_LOG", "debug")]))
                .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9");
        assert_eq!(c.login_max_failures, 3);
        assert_eq!(c.session_idle_minutes, 20);
        let smtp = Config::load(Some(&f), env(&[("TOVHOLDER_SMTP__PORT", "2525")])).unwrap().smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail", 2525));
        assert!(!format!("{c:?}").contains("hemmelig"), "secrets never print");
        let c = Config::load(None, env(&[("TOVHOLDER_DATABASE", "postgres://tov:pw42@db/tov")])).unwrap();
        assert!(!format!("{c:?}").contains("pw42"));
        let err = Config::load(Some(&f), env(&[("TOVHOLDER_LISTN", "x")])).unwrap_err();
        assert!(err.to_string().contains("listn"), "{err}");
        let sso = dir.path().join("sso.toml");
        let provider = "[[oidc]]\nname = \"Nordby\"\nissuer = \"https://idp.example\"\nclient_id = \"t\"\nclient_secret = \"hemmelig-sso\"\norganisations = [\"Nordby Kommune\"]\n";
        std::fs::write(&sso, provider).unwrap();
        let c = Config::load(Some(&sso), env(&[])).unwrap();
        assert_eq!((c.oidc[0].user_claim.as_str(), c.oidc[0].audience.as_str()), ("email", "staff"));
        assert!(!format!("{c:?}").contains("hemmelig-sso"), "the client secret never prints");
        std::fs::write(&sso, format!("{provider}create_users = \"Sydby Kommune\"\n")).unwrap();
        assert!(Config::load(Some(&sso), env(&[])).unwrap_err().to_string().contains("create_users"));
    }
}
