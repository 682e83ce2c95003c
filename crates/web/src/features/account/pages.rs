//! The account page and its forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::{login_links, second_factor, text};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::features::courses::pages::SavedQuery;
use crate::features::login::pages::{CodePage, RecoveryCodesPage};
use crate::http::auth::with_cookies;
use crate::http::auth::{self, CurrentUser};
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get};
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    csrf: String,
    name: String,
    login: String,
    email: String,
    org: String,
    /// Some(left): the second factor is set up, with this many recovery codes left.
    recovery_left: Option<i64>,
    errors: Vec<FieldError>,
    saved: Option<&'static str>,
}

crate::ui::form_state!(AccountPage);

async fn account_page(app: &App, user: &CurrentUser, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<Response, AppError> {
    let recovery_left = match user.totp_sealed {
        Some(_) => Some(second_factor::recovery_codes_left(app, user).await?),
        None => None,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AccountPage {
        layout: Layout::for_user(app, user, "account").await?,
        csrf: user.csrf.clone(),
        name: user.name.clone(),
        login: user.username.clone(),
        email: user.email.clone().unwrap_or_default(),
        org: user.org_name.clone(),
        recovery_left,
        errors,
        saved,
    };
    Ok((status, page).into_response())
}

pub async fn account(State(app): State<App>, user: CurrentUser, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = match q.gemt.as_deref() {
        Some("adgangskode") => Some(text::PASSWORD_CHANGED),
        _ => None,
    };
    Ok(account_page(&app, &user, vec![], saved).await?)
}

/// Every session of the login ends with the change; this browser gets a new one.
pub async fn change_password(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let password = get(&form, "password");
    if password != get(&form, "repeat") {
        return Ok(account_page(&app, &user, vec![FieldError { field: "repeat".into(), message: text::PASSWORDS_DIFFER.into() }], None).await?);
    }
    match login_links::change_own(&app, &user, get(&form, "current"), password).await {
        Ok(()) => {
            let cookie = auth::open_session(&app, &user).await?;
            Ok(with_cookies(Redirect::to("/konto?gemt=adgangskode").into_response(), [cookie]))
        }
        Err(AppError::Invalid(errors)) => Ok(account_page(&app, &user, errors, None).await?),
        Err(e) => Err(e.into()),
    }
}

fn enrol_page(app: &App, user: &CurrentUser, secret: Option<&str>, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let enrol = match secret {
        Some(s) => second_factor::enrolment_of(user, s)?,
        None => second_factor::enrolment(user)?,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout { user: Some(crate::ui::Viewer::frame_user(user)), current: "account", below: true, demo: app.config.demo };
    Ok((status, CodePage { layout, csrf: user.csrf.clone(), action: "/konto/totrin", enrol: Some(enrol), errors }).into_response())
}

pub async fn enrol_form(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(enrol_page(&app, &user, None, vec![])?)
}

fn codes_page(app: &App, user: &CurrentUser, codes: Vec<String>) -> Response {
    let layout = Layout { user: Some(crate::ui::Viewer::frame_user(user)), current: "account", below: true, demo: app.config.demo };
    RecoveryCodesPage { layout, codes, next: "/konto" }.into_response()
}

pub async fn enrol(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let secret = get(&form, "secret");
    match second_factor::enrol(&app, &user, secret, get(&form, "code")).await {
        Ok(codes) => Ok(codes_page(&app, &user, codes)),
        Err(AppError::Invalid(errors)) => Ok(enrol_page(&app, &user, Some(secret), errors)?),
        Err(e) => Err(e.into()),
    }
}

pub async fn renew_codes(State(app): State<App>, user: CurrentUser, _headers: HeaderMap, Form(form): Form<FormData>) -> Result<Response, PageError> {
    match second_factor::renew_recovery_codes(&app, &user, get(&form, "code")).await {
        Ok(codes) => Ok(codes_page(&app, &user, codes)),
        Err(AppError::Invalid(errors)) => Ok(account_page(&app, &user, errors, None).await?),
        Err(AppError::Throttled) => Ok(account_page(&app, &user, vec![FieldError { field: "code".into(), message: text::THROTTLED.into() }], None).await?),
        Err(e) => Err(e.into()),
    }
}
