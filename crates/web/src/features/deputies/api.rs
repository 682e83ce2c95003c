//! The API of "Stedfortræder".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tovholder_app::deputies::{self, Deputies};
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::Created;
use crate::http::path::Path;

pub async fn mine(State(app): State<App>, user: CurrentUser) -> Result<Json<Deputies>, ApiError> {
    Ok(Json(deputies::mine(&app, &user).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct DeputyBody {
    /// A colleague of one's own organisation.
    pub deputy: PersonId,
    pub from: Date,
    pub to: Date,
}

pub async fn name(State(app): State<App>, user: CurrentUser, Json(b): Json<DeputyBody>) -> Result<Response, ApiError> {
    let id = deputies::name(&app, &user, b.deputy, b.from, b.to).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

pub async fn end(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    deputies::end(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
