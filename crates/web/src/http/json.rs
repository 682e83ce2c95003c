//! JSON bodies whose rejection is a problem document, not axum's plain text, and the API's
//! "not found" for paths no route has.

use axum::Json;
use axum::http::StatusCode;
use tovholder_core::commands::FieldError;

use crate::http::error::{ApiError, AppError};

/// A JSON body whose rejection is a problem document, not axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == StatusCode::BAD_REQUEST => Err(ApiError(AppError::Malformed(e.body_text()))),
            Err(e) => Err(ApiError(AppError::Invalid(vec![FieldError { field: "body".into(), message: e.body_text() }]))),
        }
    }
}

/// The answer of a route that makes something: its id.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Created {
    pub id: i64,
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}
