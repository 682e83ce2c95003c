//! The path parameters of a route, read as axum's `Path` does, but a parameter that does not
//! parse (`/forloeb/6/moeder/x`, an id too large) is "not found", answered as the product
//! answers every error, not as the framework's English `400 text/plain`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, AppError, PageError};

pub struct Path<T>(pub T);

/// Path parameters that are text (a task's key); every other one is a number.
pub const TEXT_PARAMETERS: [&str; 1] = ["task"];

/// The names of a route path's parameters: `meeting` and `id` of `/…/{id}/meetings/{meeting}`.
pub fn parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(_) if parts.uri.path().starts_with("/api/") => Err(ApiError(AppError::NotFound).into_response()),
            Err(_) => Err(PageError(AppError::NotFound).into_response()),
        }
    }
}
