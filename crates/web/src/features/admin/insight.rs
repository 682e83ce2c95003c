//! "Indsigt for en person" (GDPR art. 15): an administrator enters a CPR number (by POST: never
//! in a URL) and reviews the draft, then downloads it as CSV or as a PDF letter (each again by
//! POST with the number). Anyone but an administrator gets "not found".

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tovholder_app::insight::{self, Insight};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, all, get};
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "admin/insight.html")]
struct InsightPage {
    layout: Layout,
    csrf: String,
    /// The number as typed, to ask again for the downloads (never shown in a URL).
    cpr: String,
    with_staff: bool,
    report: Option<Insight>,
    errors: Vec<FieldError>,
}

crate::ui::form_state!(InsightPage);

async fn page(app: &App, user: &CurrentUser, cpr: String, with_staff: bool, report: Option<Insight>, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout { below: true, ..Layout::for_user(app, user, "admin").await? };
    Ok((status, InsightPage { layout, csrf: user.csrf.clone(), cpr, with_staff, report, errors }).into_response())
}

pub async fn form(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    if tovholder_app::admin::scope(&user.user).is_none() {
        return Err(AppError::NotFound.into());
    }
    Ok(page(&app, &user, String::new(), false, None, vec![]).await?)
}

/// The report for the form's CPR number; a refused number comes back with its error.
async fn report(app: &App, user: &CurrentUser, form: &FormData) -> Result<Result<Insight, Vec<FieldError>>, AppError> {
    let withhold: Vec<i64> = all(form, "udelad").filter_map(|v| v.parse().ok()).collect();
    match insight::report(app, &user.user, get(form, "cpr"), get(form, "staff") == "ja", &withhold).await {
        Ok(r) => Ok(Ok(r)),
        Err(AppError::Invalid(errors)) => Ok(Err(errors)),
        Err(e) => Err(e),
    }
}

pub async fn draft(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let with_staff = get(&form, "staff") == "ja";
    let cpr = get(&form, "cpr").trim().to_string();
    Ok(match report(&app, &user, &form).await? {
        Ok(r) => page(&app, &user, cpr, with_staff, Some(r), vec![]).await?,
        Err(errors) => page(&app, &user, cpr, with_staff, None, errors).await?,
    })
}

pub async fn csv(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let Ok(r) = report(&app, &user, &form).await? else { return Err(AppError::NotFound.into()) };
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"indsigt.csv\"")], insight::csv(&r)).into_response())
}

pub async fn pdf(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let Ok(r) = report(&app, &user, &form).await? else { return Err(AppError::NotFound.into()) };
    let bytes = insight::pdf(&app, &r).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf"), (header::CONTENT_DISPOSITION, "attachment; filename=\"indsigt.pdf\"")], bytes).into_response())
}
