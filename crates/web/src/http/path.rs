//! The path parameters of a route, read as axum's `Path` does, but a parameter that does not
//! parse (`/forloeb/6/moeder/x`, an id too large) is "not found", answered as the product
//! answers every error, not as the framework's English `400 text/plain`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, AppError, PageError};

pub struct Path<T>(pub T);

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
