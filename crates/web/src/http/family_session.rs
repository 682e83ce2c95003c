//! A family member's session: its own cookie and a shorter life than staff's (often a shared or
//! borrowed device). The store keeps sessions of both kinds in one table, by the hash of the
//! token; a family token is hashed with its own prefix, so neither kind of token opens the
//! other kind of session.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_store::{Person, Session};

use crate::App;
use crate::http::auth::{app_cookie, live_session, random_token, set_cookie, sha256_hex};
use crate::http::error::{ApiError, AppError};
use crate::ui::{LayoutUser, Viewer};

pub const FAMILY_COOKIE: &str = "tovholder_familie";
/// Between the link and the code: the step token.
pub const FAMILY_STEP_COOKIE: &str = "tovholder_familie_trin";

fn family_hash(token: &str) -> String {
    sha256_hex(&format!("family:{token}"))
}

/// The logged-in family member, put in the request by the session middleware.
#[derive(Clone)]
pub struct CurrentFamily {
    pub person: Person,
    pub csrf: String,
    token_hash: String,
}

impl Viewer for CurrentFamily {
    fn frame_user(&self) -> LayoutUser {
        LayoutUser { name: self.person.name.clone(), org: String::new(), csrf: self.csrf.clone(), admin: false, family: true }
    }
}

pub async fn current_family(app: &App, headers: &HeaderMap) -> Result<Option<CurrentFamily>, AppError> {
    let Some(token) = app_cookie(app, headers, FAMILY_COOKIE) else { return Ok(None) };
    let token_hash = family_hash(&token);
    let Some(session) = live_session(app, &token_hash, app.config.family_session_idle, app.config.family_session_max).await? else { return Ok(None) };
    let Some(person) = app.store.persons(&[session.person]).await?.into_iter().next() else { return Ok(None) };
    Ok(Some(CurrentFamily { person, csrf: session.csrf, token_hash }))
}

/// A new session for family member `person`; its cookie.
pub async fn open(app: &App, person: &Person) -> Result<String, AppError> {
    let token = random_token(32);
    if token.is_empty() {
        return Err(AppError::Internal("no randomness for a session token".into()));
    }
    let now = app.clock.now();
    app.store.put_session(&Session { token_hash: family_hash(&token), person: person.id, csrf: random_token(32), created: now, last_seen: now }).await?;
    Ok(set_cookie(app, FAMILY_COOKIE, &token, None))
}

pub async fn close(app: &App, family: &CurrentFamily) -> Result<String, AppError> {
    app.store.drop_session(&family.token_hash).await?;
    Ok(set_cookie(app, FAMILY_COOKIE, "", Some(0)))
}

impl FromRequestParts<App> for CurrentFamily {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _app: &App) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CurrentFamily>() {
            Some(f) => Ok(f.clone()),
            None if parts.uri.path().starts_with("/api/") => Err(ApiError(AppError::Unauthenticated).into_response()),
            None => Err(Redirect::to("/familie/login").into_response()),
        }
    }
}

impl OptionalFromRequestParts<App> for CurrentFamily {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _app: &App) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentFamily>().cloned())
    }
}
