//! The API of "Aflastning".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tovholder_app::respite::{self, CourseRespite, OrgRespite};
use tovholder_core::respite::Offer;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::Created;
use crate::http::path::Path;

pub async fn org(State(app): State<App>, user: CurrentUser) -> Result<Json<OrgRespite>, ApiError> {
    Ok(Json(respite::org_respite(&app, &user, user.org).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct OfferBody {
    /// weekend, ferie or fritid.
    pub kind: String,
    pub title: String,
    pub from: Date,
    pub to: Date,
    /// Children per day.
    pub capacity: u32,
}

pub async fn add_offer(State(app): State<App>, user: CurrentUser, Json(b): Json<OfferBody>) -> Result<Response, ApiError> {
    let offer = Offer { id: 0, org: user.org, kind: b.kind, title: b.title, from: b.from, to: b.to, capacity: b.capacity };
    let id = respite::add_offer(&app, &user, offer).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

pub async fn course(State(app): State<App>, course: AuthorizedCourse) -> Result<Json<CourseRespite>, ApiError> {
    Ok(Json(respite::course_respite(&app, &course).await?.ok_or(AppError::NotFound)?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct BookBody {
    pub offer: i64,
    pub from: Date,
    pub to: Date,
}

pub async fn book(State(app): State<App>, course: AuthorizedCourse, Json(b): Json<BookBody>) -> Result<Response, ApiError> {
    let id = respite::book(&app, &course, b.offer, b.from, b.to).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

pub async fn cancel(State(app): State<App>, course: AuthorizedCourse, Path((_, booking)): Path<(i64, i64)>) -> Result<StatusCode, ApiError> {
    respite::cancel(&app, &course, booking).await?;
    Ok(StatusCode::NO_CONTENT)
}
