//! The family's login by e-mail: a single-use link, then a 6-digit code to the same address.
//!
//! The link comes in an invitation sent from the course, or is asked for on the login page. Opening
//! it only shows a "Fortsæt" button: mail scanners open links before people do, so only the POST
//! uses it up. That POST mails the code and hands the browser a step token (a cookie); the code
//! works with that token only, for 15 minutes and at most 5 tries. The store keeps only hashes:
//! of the link, of the step, and of the step with its code.

use jiff::SignedDuration;
use tovholder_core::ids::PersonId;
use tovholder_store::{AccessRecord, LoginToken, NewMail, Person};

use crate::course::{Course, log};
use crate::error::AppError;
use crate::login_links::{new_token, token_hash};
use crate::{App, text};

const LINK: &str = "family_link";
const STEP: &str = "family_step";
const CODE: &str = "family_code";
/// An invitation's link: long enough to find the mail after a holiday.
pub const INVITE_VALID: SignedDuration = SignedDuration::from_hours(14 * 24);
/// A link asked for on the login page, and the code.
pub const LINK_VALID: SignedDuration = SignedDuration::from_mins(15);
pub const CODE_VALID: SignedDuration = SignedDuration::from_mins(15);
/// Wrong codes before the step is over and a new link is needed.
pub const MAX_CODE_TRIES: i64 = 5;
/// Links asked for one address (or from one network address) within the throttle's window.
const MAX_ASKS: i64 = 3;
const MAX_ASKS_FROM: i64 = 20;

/// Whether `person` is a family member (a citizen role) of a course.
async fn in_a_course(app: &App, person: PersonId) -> Result<bool, AppError> {
    Ok(!crate::family::my_courses(app, person).await?.is_empty())
}

async fn mail_link(app: &App, person: &Person, valid: SignedDuration, invite: bool) -> Result<(), AppError> {
    let Some(to) = person.email.clone() else { return Err(AppError::invalid("person", text::FAMILY_NO_EMAIL)) };
    let token = new_token()?;
    let link = format!("{}/familie/link?t={token}", app.config.base_url);
    let (subject, body) = if invite { (text::FAMILY_INVITE_SUBJECT, text::family_invite_body(&link)) } else { (text::FAMILY_LINK_SUBJECT, text::family_link_body(&link)) };
    let mail = NewMail::new(to, subject.into(), format!("{body}\n\n{}", text::MAIL_FOOTER), None);
    let now = app.clock.now();
    app.store.put_login_token(&LoginToken { token_hash: token_hash(&token), person: person.id, purpose: LINK.into(), expires: now + valid }, Some(&mail), now).await?;
    Ok(())
}

/// Invites family member `person` of `course` to the family's pages (staff with a role in the
/// course, not a reader by consent).
pub async fn invite(app: &App, course: &Course, person: PersonId) -> Result<(), AppError> {
    if !app.config.family_email_login {
        return Err(AppError::invalid("person", text::FAMILY_EMAIL_OFF));
    }
    let citizen = course.state.members.iter().any(|m| m.person == person && course.model.role(&m.role).is_some_and(|r| r.scope == tovholder_core::model::Scope::Citizen));
    // A person of the network whom a consent names looks in too, while it lets them.
    let named = tovholder_core::consent::network_reader(&course.model, &course.state, person, app.clock.today()).is_some();
    if course.via_consent() || !(citizen || named) {
        return Err(AppError::invalid("person", text::FAMILY_NOT_MEMBER));
    }
    let Some(p) = app.store.persons(&[person]).await?.into_iter().next() else { return Err(AppError::NotFound) };
    mail_link(app, &p, INVITE_VALID, true).await?;
    let rec =
        AccessRecord { at: app.clock.now(), person: Some(course.viewer.person), course: Some(course.id), action: "write:invite_family".into(), allowed: true, reason: course.decision.reason.code() };
    log(app, rec).await
}

/// "Send mig et link": a link to each family member with this address. Answers the same whether
/// or not anyone has it; a few asks per address and per network address within the window.
pub async fn ask(app: &App, email: &str, from: std::net::IpAddr) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    if !app.config.family_email_login || email.len() > 254 || !email.contains('@') {
        return Ok(());
    }
    let now = app.clock.now();
    let since = now - SignedDuration::from_mins(app.config.login_window_minutes);
    let (by_email, by_address) = (format!("family-link:{email}"), format!("family-link-address:{from}"));
    app.store.note_login(&by_email, false, now).await?;
    app.store.note_login(&by_address, false, now).await?;
    if app.store.failed_logins_since(&by_email, since).await? > MAX_ASKS || app.store.failed_logins_since(&by_address, since).await? > MAX_ASKS_FROM {
        return Ok(());
    }
    for p in app.store.family_by_email(&email).await? {
        if in_a_course(app, p.id).await? {
            mail_link(app, &p, LINK_VALID, false).await?;
        }
    }
    Ok(())
}

/// Whose a link still is, without using it up (the page with the "Fortsæt" button).
pub async fn link_holder(app: &App, token: &str) -> Result<Option<PersonId>, AppError> {
    if token.len() != 64 || !app.config.family_email_login {
        return Ok(None);
    }
    Ok(app.store.login_token(&token_hash(token), LINK, app.clock.now()).await?)
}

/// A six-digit code, evenly drawn.
fn new_code() -> Result<String, AppError> {
    loop {
        let b: [u8; 4] = tovholder_store::keys::random_bytes().map_err(|e| AppError::Internal(e.to_string()))?;
        let n = u32::from_le_bytes(b);
        // Below the largest multiple of a million, so every code is as likely.
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

fn code_hash(step: &str, code: &str) -> String {
    token_hash(&format!("{step}:{code}"))
}

/// "Fortsæt": uses the link up, mails the code, and returns the step token for the browser's
/// cookie. None: the link is used or expired.
pub async fn use_link(app: &App, token: &str) -> Result<Option<String>, AppError> {
    if link_holder(app, token).await?.is_none() {
        return Ok(None);
    }
    let now = app.clock.now();
    let Some(person) = app.store.take_login_token(&token_hash(token), LINK, now).await? else { return Ok(None) };
    let Some(p) = app.store.persons(&[person]).await?.into_iter().next() else { return Ok(None) };
    let Some(to) = p.email.clone() else { return Ok(None) };
    let (step, code) = (new_token()?, new_code()?);
    app.store.put_login_token(&LoginToken { token_hash: token_hash(&step), person, purpose: STEP.into(), expires: now + CODE_VALID }, None, now).await?;
    let mail = NewMail::new(to, text::FAMILY_CODE_SUBJECT.into(), format!("{}\n\n{}", text::family_code_body(&code), text::MAIL_FOOTER), None);
    app.store.put_login_token(&LoginToken { token_hash: code_hash(&step, &code), person, purpose: CODE.into(), expires: now + CODE_VALID }, Some(&mail), now).await?;
    Ok(Some(step))
}

pub enum CodeCheck {
    /// The right code: the family member, whose session may open.
    Right(Person),
    Wrong,
    /// The step ran out, was used, or had too many wrong codes: a new link is needed.
    Gone,
}

/// Whether the step (from the browser's cookie) is still open.
pub async fn step_open(app: &App, step: &str) -> Result<bool, AppError> {
    Ok(step.len() == 64 && app.store.login_token(&token_hash(step), STEP, app.clock.now()).await?.is_some())
}

/// Checks the code for the browser's step; the right one ends the step.
pub async fn check_code(app: &App, step: &str, code: &str) -> Result<CodeCheck, AppError> {
    if !step_open(app, step).await? {
        return Ok(CodeCheck::Gone);
    }
    let now = app.clock.now();
    let tries = format!("family-code:{}", token_hash(step));
    // Counted before the code is checked: of many tries at once, only the first five are checked.
    let attempt = app.store.note_login(&tries, false, now).await?;
    if app.store.failed_logins_since(&tries, now - CODE_VALID).await? > MAX_CODE_TRIES {
        app.store.take_login_token(&token_hash(step), STEP, now).await?;
        return Ok(CodeCheck::Gone);
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(CodeCheck::Wrong);
    }
    let Some(person) = app.store.take_login_token(&code_hash(step, &code), CODE, now).await? else { return Ok(CodeCheck::Wrong) };
    app.store.login_ok(attempt).await?;
    if app.store.take_login_token(&token_hash(step), STEP, now).await?.is_none() {
        return Ok(CodeCheck::Gone);
    }
    let Some(p) = app.store.persons(&[person]).await?.into_iter().next() else { return Ok(CodeCheck::Gone) };
    let rec = AccessRecord { at: now, person: Some(p.id), course: None, action: "admin:family_login".into(), allowed: true, reason: "email_code".into() };
    log(app, rec).await?;
    Ok(CodeCheck::Right(p))
}
