//! Errors as people and programs see them: a Danish page with a correlation id, or an RFC 9457
//! problem document for the API. Internal details go to the log under the same id, never to the
//! user; personal data goes to neither.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tovholder_app::text;
use tovholder_core::commands::FieldError;

pub use tovholder_app::AppError;

/// How an error answers over HTTP.
trait Answer {
    fn status(&self) -> StatusCode;
    fn title(&self) -> &'static str;
    fn correlate(&self) -> String;
}

impl Answer for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound => text::NOT_FOUND,
            AppError::Unauthenticated => text::LOGIN_REQUIRED,
            AppError::Csrf => text::CSRF_FAILED,
            AppError::Invalid(_) | AppError::Malformed(_) => text::INVALID_INPUT,
            AppError::Conflict(_) => text::CONFLICT,
            AppError::TooLarge => text::TOO_LARGE,
            AppError::Throttled => text::THROTTLED,
            AppError::Internal(_) => text::INTERNAL,
        }
    }

    /// Logs what the user must not see, and returns the id that ties the two together.
    fn correlate(&self) -> String {
        let id = crate::http::auth::random_token(6);
        if let AppError::Internal(detail) = self {
            tracing::error!(correlation_id = %id, %detail, "request failed");
        }
        id
    }
}

/// An error answered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let id = self.0.correlate();
        let detail = match &self.0 {
            AppError::Invalid(errors) => errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" "),
            AppError::Conflict(m) => m.clone(),
            _ => String::new(),
        };
        let path = crate::ui::FRAME.try_with(|f| f.path.clone()).unwrap_or_default();
        let page = crate::ui::ErrorPage { layout: crate::ui::Layout::for_error(), title: self.0.title(), detail, correlation_id: id, back: crate::ui::way_back(&path) };
        (self.0.status(), page).into_response()
    }
}

/// An error answered as `application/problem+json` (RFC 9457).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

/// An error as the API answers it (RFC 9457).
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Problem {
    /// `/problems/<kind>`: not-found, unauthenticated, csrf, invalid-input, malformed, too-large, conflict, throttled or internal.
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// Ties the answer to the server's log.
    correlation_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// What is wrong with which field of the request.
    errors: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let kind = match &self.0 {
            AppError::NotFound => "not-found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Csrf => "csrf",
            AppError::Invalid(_) => "invalid-input",
            AppError::Malformed(_) => "malformed",
            AppError::TooLarge => "too-large",
            AppError::Conflict(_) => "conflict",
            AppError::Throttled => "throttled",
            AppError::Internal(_) => "internal",
        };
        let correlation_id = self.0.correlate();
        let title = self.0.title();
        let detail = match &self.0 {
            AppError::Conflict(m) => Some(m.clone()),
            _ => None,
        };
        let errors = match self.0 {
            AppError::Invalid(e) => e,
            AppError::Malformed(m) => vec![FieldError { field: "body".into(), message: m }],
            _ => vec![],
        };
        let body = Problem { kind: format!("/problems/{kind}"), title, status: status.as_u16(), detail, correlation_id, errors };
        let json = serde_json::to_string(&body).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
    }
}

/// The page for a path no route has.
pub async fn not_found() -> PageError {
    PageError(AppError::NotFound)
}
