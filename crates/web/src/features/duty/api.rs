//! The API of "Beredskab".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::{DateTime, Time};
use tovholder_app::duty::{self, Roster};
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::Created;
use crate::http::path::Path;

pub async fn roster(State(app): State<App>, user: CurrentUser) -> Result<Json<Roster>, ApiError> {
    Ok(Json(duty::roster(&app, &user, user.org).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct ShiftBody {
    pub person: PersonId,
    /// Copenhagen time, e.g. 2027-03-27T20:00.
    pub from: DateTime,
    pub to: DateTime,
    pub phone: String,
}

pub async fn add(State(app): State<App>, user: CurrentUser, Json(b): Json<ShiftBody>) -> Result<Response, ApiError> {
    let id = duty::add_shift(&app, &user, user.org, b.person, b.from, b.to, &b.phone).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

pub async fn remove(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    duty::remove_shift(&app, &user, user.org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct HoursBody {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// HH:MM.
    pub opens: Time,
    pub closes: Time,
}

pub async fn hours(State(app): State<App>, user: CurrentUser, Json(b): Json<Vec<HoursBody>>) -> Result<Json<Roster>, ApiError> {
    let hours: Vec<(i64, Time, Time)> = b.iter().map(|h| (h.weekday, h.opens, h.closes)).collect();
    duty::set_hours(&app, &user, user.org, &hours).await?;
    Ok(Json(duty::roster(&app, &user, user.org).await?))
}
