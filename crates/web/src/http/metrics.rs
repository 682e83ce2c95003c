//! `/metrics` (the process's figures in Prometheus' text format, `tovholder_app::metrics`) and
//! the middleware that counts every request by its route. `/metrics` is off unless the
//! configuration names who may read it: a bearer token (`metrics_token`) and/or addresses
//! (`metrics_allow`, the connection's own address: behind a reverse proxy every request comes
//! from the proxy, so there use the token, or do not pass `/metrics` on).

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::http::auth::{constant_time_eq, sha256_hex};
use crate::http::error::{ApiError, AppError};

pub async fn metrics(State(app): State<App>, ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>, headers: HeaderMap) -> Response {
    let (token, allow) = (&app.config.metrics_token_sha256, &app.config.metrics_allow);
    if token.is_none() && allow.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let from_allowed = allow.is_empty() || allow.iter().any(|r| r.contains(peer.ip()));
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
    let with_token = token.as_ref().is_none_or(|want| !given.is_empty() && constant_time_eq(sha256_hex(given).as_bytes(), want.as_bytes()));
    if !from_allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !with_token {
        let mut refused = ApiError(AppError::Unauthenticated).into_response();
        refused.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return refused;
    }
    match tovholder_app::metrics::store_figures(&app).await {
        Ok(store) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], app.metrics.render(&store)).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// Counts the request under its route's pattern (never its path: ids stay out of the figures).
pub async fn record(State(app): State<App>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    // Known methods only: any other word would make a figure of its own.
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    app.metrics.request(method, &route, resp.status().as_u16(), started.elapsed().as_secs_f64());
    resp
}

/// Ready when the store answers: a load balancer sends traffic only then. (While migrations
/// run at start the server is not listening yet.)
pub async fn readyz(State(app): State<App>) -> Response {
    match tokio::time::timeout(std::time::Duration::from_secs(2), app.store.ready()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "the store does not answer").into_response(),
    }
}
