//! Links that let someone set a password: the welcome link a new login gets when the
//! administrator gave no password, and "Glemt adgangskode". Each works once, for a while, for
//! that login only; the store keeps only its hash. No answer tells whether a login exists.

use jiff::SignedDuration;
use sha2::{Digest, Sha256};
use tovholder_store::{AccessRecord, LoginToken, NewMail, User};

use crate::error::AppError;
use crate::{App, passwords, text};

pub const SET_PASSWORD: &str = "set_password";
/// A forgotten password's link: short, as the issue of a stranger's request.
pub const RESET_VALID: SignedDuration = SignedDuration::from_mins(30);
/// A new login's link: long enough to find the mail after a weekend.
pub const WELCOME_VALID: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Links asked for one login (or from one address) within the throttle's window.
const MAX_ASKS: i64 = 3;
const MAX_ASKS_PER_ADDRESS: i64 = 20;

/// A random token, hex-encoded (32 random bytes).
pub fn new_token() -> Result<String, AppError> {
    let b: [u8; 32] = tovholder_store::keys::random_bytes().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(hex::encode(b))
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn log(app: &App, person: Option<&User>, action: &str, reason: &str) -> Result<(), AppError> {
    let rec = AccessRecord { at: app.clock.now(), person: person.map(|u| u.person), course: None, action: format!("admin:{action}"), allowed: true, reason: reason.into() };
    crate::course::log(app, rec).await
}

/// Mails `user` a link to set their password. `welcome`: a new login's first.
pub async fn send(app: &App, user: &User, welcome: bool) -> Result<(), AppError> {
    if signs_on_only(app, user).await? {
        return Err(AppError::invalid("password", text::NO_PASSWORDS_HERE));
    }
    let Some(to) = user.email.clone() else { return Err(AppError::invalid("email", text::NO_EMAIL)) };
    let token = new_token()?;
    let now = app.clock.now();
    let valid = if welcome { WELCOME_VALID } else { RESET_VALID };
    let link = format!("{}/adgangskode/ny?t={token}", app.config.base_url);
    let (subject, body) = if welcome { (text::WELCOME_SUBJECT, text::welcome_body(&link)) } else { (text::RESET_SUBJECT, text::reset_body(&link)) };
    let mail = NewMail::new(to, subject.into(), format!("{body}\n\n{}", text::MAIL_FOOTER), None);
    app.store.put_login_token(&LoginToken { token_hash: token_hash(&token), person: user.person, purpose: SET_PASSWORD.into(), expires: now + valid }, Some(&mail), now).await?;
    Ok(())
}

/// "Glemt adgangskode": a link to the login's e-mail if the login (named by login name or
/// e-mail address) exists, is open and has one.
/// Answers the same either way; a few asks per login and address within the throttle's window.
pub async fn forgotten(app: &App, login: &str, from: std::net::IpAddr) -> Result<(), AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || login.len() > passwords::MAX_LENGTH {
        return Ok(());
    }
    let now = app.clock.now();
    let since = now - SignedDuration::from_mins(app.config.login_window_minutes);
    let (by_login, by_address) = (format!("reset:{login}"), format!("reset-address:{from}"));
    app.store.note_login(&by_login, false, now).await?;
    app.store.note_login(&by_address, false, now).await?;
    if app.store.failed_logins_since(&by_login, since).await? > MAX_ASKS || app.store.failed_logins_since(&by_address, since).await? > MAX_ASKS_PER_ADDRESS {
        return Ok(());
    }
    // Many remember their e-mail address rather than their login name.
    let user = match app.store.user_by_name(&login).await? {
        Some(u) => Some(u),
        None if login.contains('@') => app.store.user_by_email(&login).await?,
        None => None,
    };
    let user = user.filter(|u| u.active && u.email.is_some());
    if let Some(user) = user
        && !signs_on_only(app, &user).await?
    {
        send(app, &user, false).await?;
        log(app, Some(&user), "password_reset_asked", "self").await?;
    }
    Ok(())
}

/// Whose a link still is (an open login), without using it up.
pub async fn owner(app: &App, token: &str) -> Result<Option<User>, AppError> {
    if token.len() != 64 {
        return Ok(None);
    }
    let Some(person) = app.store.login_token(&token_hash(token), SET_PASSWORD, app.clock.now()).await? else { return Ok(None) };
    Ok(app.store.user(person).await?.filter(|u| u.active))
}

/// Sets the password a link is for, and uses the link up. None: the link is used or expired.
pub async fn set_password(app: &App, token: &str, password: &str) -> Result<Option<User>, AppError> {
    let Some(user) = owner(app, token).await? else { return Ok(None) };
    if signs_on_only(app, &user).await? {
        return Err(AppError::invalid("password", text::NO_PASSWORDS_HERE));
    }
    check_new(&user, password)?;
    let hash = passwords::hash_in_background(password).await?;
    // Taken after the slow hash: of two tabs sending the same link, one sets the password.
    if app.store.take_login_token(&token_hash(token), SET_PASSWORD, app.clock.now()).await?.is_none() {
        return Ok(None);
    }
    app.store.set_password(user.person, &hash).await?;
    log(app, Some(&user), "password_set_by_link", "self").await?;
    Ok(Some(user))
}

/// Changes one's own password: the current one must be right. Ends every session of the login
/// (the caller opens a new one for this browser).
pub async fn change_own(app: &App, user: &User, current: &str, new: &str) -> Result<(), AppError> {
    if signs_on_only(app, user).await? {
        return Err(AppError::invalid("password", text::NO_PASSWORDS_HERE));
    }
    let (c, hash) = (current.to_string(), user.password_hash.clone());
    let right = current.len() <= passwords::MAX_LENGTH && tokio::task::spawn_blocking(move || passwords::verify_password(&c, &hash)).await.unwrap_or(false);
    if !right {
        return Err(AppError::invalid("current", text::WRONG_CURRENT_PASSWORD));
    }
    check_new(user, new)?;
    let hash = passwords::hash_in_background(new).await?;
    app.store.set_password(user.person, &hash).await?;
    log(app, Some(user), "password_changed", "self").await
}

fn check_new(user: &User, password: &str) -> Result<(), AppError> {
    let email = user.email.clone().unwrap_or_default();
    match passwords::weakness(password, &[&user.username, &user.name, &email]) {
        Some(why) => Err(AppError::invalid("password", why)),
        None => Ok(()),
    }
}

/// Whether `user` logs in only through single sign-on: their organisation turned local passwords
/// off and they are not an instance administrator (whose password is the way in when the
/// identity provider is down).
pub async fn signs_on_only(app: &App, user: &User) -> Result<bool, AppError> {
    if user.instance_admin {
        return Ok(false);
    }
    Ok(app.store.orgs().await?.iter().any(|o| o.id == user.org && o.sign_on_only))
}
