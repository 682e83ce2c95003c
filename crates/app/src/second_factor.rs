//! The second factor: TOTP (RFC 6238: 6 digits, 30 seconds, SHA-1, what every authenticator
//! app reads from a QR code) and ten single-use recovery codes. The key is sealed with the key
//! file; a code's time step is noted, so a code works once; recovery codes are kept hashed with a key from the key file.

use serde::Deserialize;
use totp_rs::{Builder, Secret, Totp};
use tovholder_store::{AccessRecord, User};

use crate::error::AppError;
use crate::{App, admin, text};

/// Who must use a second factor (the configuration's `totp`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Everyone who administers (the default).
    #[default]
    Admins,
    All,
    /// Nobody: for a trial instance only (the server warns at start).
    Off,
}

pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "Tovholder";
/// Wrong codes for one login within the throttle's window before it must wait.
const MAX_WRONG: i64 = 5;

/// Must `user` give a second factor to log in? Whoever has one set up always gives it.
pub fn required(app: &App, user: &User) -> bool {
    user.totp_sealed.is_some()
        || match app.config.totp {
            Policy::Off => false,
            Policy::All => true,
            Policy::Admins => admin::scope(user).is_some(),
        }
}

/// What the authenticator app is shown: the key as text and as a QR code (SVG).
pub struct Enrolment {
    /// Base32, as typed into an app by hand; sent back with the first code.
    pub secret: String,
    pub qr_svg: String,
}

fn totp(secret: Vec<u8>, account: &str) -> Result<Totp, AppError> {
    // An account name with ':' is not allowed in the otpauth URL.
    let account: String = account.chars().map(|c| if c == ':' { '.' } else { c }).collect();
    Builder::new().with_secret(secret).with_issuer(Some(ISSUER)).with_account_name(account).build().map_err(|e| AppError::Internal(e.to_string()))
}

/// A new key for `user` to enrol.
pub fn enrolment(user: &User) -> Result<Enrolment, AppError> {
    let key: [u8; 20] = tovholder_store::keys::random_bytes().map_err(|e| AppError::Internal(e.to_string()))?;
    enrolment_of(user, &Secret::from(key.to_vec()).to_base32())
}

/// The enrolment of a key already shown (the form sends it back with a wrong code).
pub fn enrolment_of(user: &User, secret: &str) -> Result<Enrolment, AppError> {
    let t = totp(decode(secret)?, &user.username)?;
    let url = t.to_url().map_err(|e| AppError::Internal(e.to_string()))?;
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.to_string()))?;
    let qr_svg = qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(Enrolment { secret: secret.to_string(), qr_svg })
}

fn decode(secret: &str) -> Result<Vec<u8>, AppError> {
    let key = Secret::try_from_base32(secret.trim()).map_err(|_| AppError::Malformed("TOTP-nøglen kunne ikke læses.".into()))?;
    let bytes = key.as_ref().to_vec();
    if bytes.len() < 16 {
        return Err(AppError::Malformed("TOTP-nøglen er for kort.".into()));
    }
    Ok(bytes)
}

fn now_secs(app: &App) -> u64 {
    u64::try_from(app.clock.now().as_second()).unwrap_or_default()
}

/// An app's code is six digits (perhaps shown "123 456"); anything else is a recovery code,
/// which may hold six digits among its letters.
fn is_app_code(code: &str) -> bool {
    digits(code).len() == 6 && code.chars().all(|c| c.is_ascii_digit() || c.is_whitespace())
}

/// Only digits count: apps show "123 456".
fn digits(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

async fn log(app: &App, by: &User, about: &User, action: &str) -> Result<(), AppError> {
    let reason = if by.person == about.person { "self".to_string() } else { format!("administrator for {}", about.person.0) };
    let rec = AccessRecord { at: app.clock.now(), person: Some(by.person), course: None, action: format!("admin:{action}"), allowed: true, reason };
    crate::course::log(app, rec).await
}

/// Sets up the key `secret` for `user` if `code` is the app's current code; the new recovery
/// codes, shown once. Replaces any earlier key and codes.
pub async fn enrol(app: &App, user: &User, secret: &str, code: &str) -> Result<Vec<String>, AppError> {
    let key = decode(secret)?;
    let Some(step) = totp(key.clone(), &user.username)?.check(&digits(code), now_secs(app)) else {
        return Err(AppError::invalid("code", text::BAD_CODE));
    };
    let sealed = app.keys.seal_factor(&key).map_err(|e| AppError::Internal(e.to_string()))?;
    let codes = new_recovery_codes()?;
    let hashes: Vec<String> = codes.iter().map(|c| app.keys.recovery_code_hash(&normal(c))).collect();
    app.store.set_second_factor(user.person, Some(&sealed), &hashes).await?;
    app.store.use_factor_step(user.person, i64::try_from(step).unwrap_or(i64::MAX)).await?;
    log(app, user, user, "totp_enrolled").await?;
    Ok(codes)
}

/// New recovery codes for `user`, who proves the factor with a current `code` first.
pub async fn renew_recovery_codes(app: &App, user: &User, code: &str) -> Result<Vec<String>, AppError> {
    if !check(app, user, code).await? {
        return Err(AppError::invalid("code", text::BAD_CODE));
    }
    let codes = new_recovery_codes()?;
    let hashes: Vec<String> = codes.iter().map(|c| app.keys.recovery_code_hash(&normal(c))).collect();
    let fresh = app.store.user(user.person).await?.ok_or(AppError::NotFound)?;
    app.store.set_second_factor(user.person, fresh.totp_sealed.as_deref(), &hashes).await?;
    log(app, user, user, "recovery_codes_renewed").await?;
    Ok(codes)
}

/// Is `code` the app's current code (not used before) or an unused recovery code of `user`?
/// At most a few wrong codes per login within the throttle's window (`AppError::Throttled`).
pub async fn check(app: &App, user: &User, code: &str) -> Result<bool, AppError> {
    let Some(sealed) = &user.totp_sealed else { return Ok(false) };
    let now = app.clock.now();
    let key = format!("factor:{}", user.person.0);
    let attempt = app.store.note_login(&key, false, now).await?;
    if app.store.failed_logins_since(&key, now - jiff::SignedDuration::from_mins(app.config.login_window_minutes)).await? > MAX_WRONG {
        return Err(AppError::Throttled);
    }
    let secret = app.keys.open_factor(sealed).map_err(|e| AppError::Internal(e.to_string()))?;
    let six = digits(code);
    let ok = if is_app_code(code) {
        match totp(secret, &user.username)?.check(&six, now_secs(app)) {
            Some(step) => app.store.use_factor_step(user.person, i64::try_from(step).unwrap_or(i64::MAX)).await?,
            None => false,
        }
    } else {
        let used = app.store.use_recovery_code(user.person, &app.keys.recovery_code_hash(&normal(code))).await?;
        if used {
            log(app, user, user, "recovery_code_used").await?;
        }
        used
    };
    if ok {
        app.store.login_ok(attempt).await?;
    }
    Ok(ok)
}

/// An administrator removes `person`'s second factor (a lost phone): they set it up again at
/// their next login.
pub async fn reset(app: &App, by: &User, person: tovholder_core::ids::PersonId) -> Result<(), AppError> {
    let Some(target) = app.store.user(person).await? else { return Err(AppError::NotFound) };
    admin::require(app, by, target.org, "totp_reset").await?;
    app.store.set_second_factor(person, None, &[]).await?;
    log(app, by, &target, "totp_reset").await
}

pub async fn recovery_codes_left(app: &App, user: &User) -> Result<i64, AppError> {
    Ok(app.store.recovery_codes_left(user.person).await?)
}

/// Ten codes of ten letters and digits (no 0/O, 1/I/L), shown as "abcde-fghij".
fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let b: [u8; 10] = tovholder_store::keys::random_bytes().map_err(|e| AppError::Internal(e.to_string()))?;
            let s: String = b.iter().map(|x| char::from(ALPHABET[usize::from(*x) % ALPHABET.len()])).collect();
            Ok(format!("{}-{}", &s[..5], &s[5..]))
        })
        .collect()
}

/// A recovery code as hashed: lower case, without spaces or dashes.
fn normal(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_however_typed() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::BTreeSet<_>>().len(), 10);
        let c = &codes[0];
        assert_eq!(normal(&c.to_uppercase().replace('-', " ")), normal(c));
        assert_eq!(normal(c).len(), 10);
    }

    #[test]
    fn a_recovery_code_with_six_digits_is_still_a_recovery_code() {
        // "a2b3c-45d67" has six digits: read as an app's code, it would never match.
        assert_eq!(digits("a2b3c-45d67").len(), 6);
        assert!(!is_app_code("a2b3c-45d67"));
        assert!(is_app_code("123 456") && is_app_code("123456"));
        assert!(!is_app_code("12345") && !is_app_code("1234567"));
    }

    #[test]
    fn the_rfc_6238_test_vector_checks() {
        // RFC 6238 appendix B, SHA-1: at 59 s the 8-digit code is 94287082, so the 6-digit one is 287082.
        let t = totp(b"12345678901234567890".to_vec(), "a").unwrap();
        assert_eq!(t.check("287082", 59), Some(1));
        assert_eq!(t.check("287083", 59), None);
    }
}
