//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::{ApiJson, Created};

/// The user's organisation's meeting places.
pub async fn meeting_places(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<tovholder_store::MeetingPlace>>, ApiError> {
    Ok(Json(app.store.meeting_places(user.user.org).await?))
}

pub async fn add_meeting_place(State(app): State<App>, user: CurrentUser, ApiJson(b): ApiJson<super::pages::PlaceForm>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (name, address) = b.check()?;
    let id = app.store.add_meeting_place(user.user.org, &name, &address).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
