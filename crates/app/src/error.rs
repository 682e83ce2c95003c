//! The application's errors. How they reach people (a Danish page) and programs (RFC 9457
//! problem documents) is the web layer's business.

use tovholder_core::commands::{CommandError, FieldError};
use tovholder_store::StoreError;

use crate::text;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or not allowed: the two look the same from outside.
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthenticated,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A request body that is not even well-formed (e.g. broken JSON).
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("changed meanwhile")]
    Conflict(String),
    /// A request body over the largest allowed.
    #[error("too large")]
    TooLarge,
    #[error("too many failed logins")]
    Throttled,
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// Input refused for one field, with the message to show by it.
    pub fn invalid(field: &str, message: &str) -> AppError {
        AppError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { .. } => AppError::Conflict(text::CONFLICT.into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> AppError {
        match e {
            CommandError::Denied(_) => AppError::NotFound,
            CommandError::Invalid(errors) => AppError::Invalid(errors),
        }
    }
}
