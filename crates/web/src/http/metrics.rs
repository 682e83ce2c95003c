//! `/metrics`: the process's counters in Prometheus' text format, for the operator's scraper.
//! Off unless `metrics_token` is configured; the scraper sends it as a bearer token (an
//! address check would not do: behind a reverse proxy every request comes from loopback).

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::http::auth::{constant_time_eq, sha256_hex};
use crate::http::error::{ApiError, AppError};

pub async fn metrics(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(want) = &app.config.metrics_token_sha256 else { return StatusCode::NOT_FOUND.into_response() };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
    if given.is_empty() || !constant_time_eq(sha256_hex(given).as_bytes(), want.as_bytes()) {
        let mut refused = ApiError(AppError::Unauthenticated).into_response();
        refused.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return refused;
    }
    let body = format!(
        "# HELP tovholder_password_checks_total Passwords verified against a stored hash since the process started.\n\
         # TYPE tovholder_password_checks_total counter\n\
         tovholder_password_checks_total {}\n\
         # HELP tovholder_build_info The running version.\n\
         # TYPE tovholder_build_info gauge\n\
         tovholder_build_info{{version=\"{}\"}} 1\n",
        app.password_checks.load(Ordering::Relaxed),
        env!("CARGO_PKG_VERSION"),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
