//! The one route table. Every route is declared here with its guard, so the router is built
//! from it, the OpenAPI document is generated from it, and a test walks it to prove that no
//! route reaches a course without the access policy.

use axum::Router;
use axum::routing::get;
use serde_json::Value;

use crate::App;
use crate::ui::assets;

pub use crate::http::route::{Guard, Route, RouteDef, r};

pub fn table() -> Vec<Route> {
    use Guard::*;
    let mut rows = vec![
        r("GET", "/healthz", Public, "Svarer 200, når serveren er klar.", get(healthz)),
        r("GET", "/readyz", Public, "Svarer 200, når serveren kan tage imod (lageret svarer), ellers 503.", get(crate::http::metrics::readyz)),
        r("GET", "/metrics", Public, "Driftstal i Prometheus' tekstformat (kun for metrics_token og/eller metrics_allow).", get(crate::http::metrics::metrics)),
        r("GET", "/static/{*path}", Public, "Stylesheets, scripts, skrifttyper og ikoner.", get(assets::serve)),
        r("GET", "/api/openapi.json", Public, "Dette API's OpenAPI-beskrivelse.", get(openapi)),
    ];
    rows.extend(crate::features::login::routes());
    rows.extend(crate::features::tasks::routes());
    rows.extend(crate::features::outbox::routes());
    rows.extend(crate::features::courses::routes());
    rows.extend(crate::features::consents::routes());
    rows.extend(crate::features::places::routes());
    rows.extend(crate::features::shared::routes());
    rows.extend(crate::features::changes::routes());
    rows.extend(crate::features::documents::routes());
    rows.extend(crate::features::meetings::routes());
    rows.extend(crate::features::family_plan::routes());
    rows.extend(crate::features::admin::routes());
    rows.extend(crate::features::account::routes());
    rows.extend(crate::features::accessibility::routes());
    rows.extend(crate::features::family::routes());
    rows.extend(crate::features::messages::routes());
    rows.extend(crate::features::course_log::routes());
    rows.extend(crate::features::retention::routes());
    rows.extend(crate::features::duty::routes());
    rows.extend(crate::features::requests::routes());
    rows.extend(crate::features::respite::routes());
    rows.extend(crate::features::deputies::routes());
    rows.extend(crate::features::activities::routes());
    rows
}

pub fn router(app: App) -> Router {
    let mut router = Router::new();
    let mut limits = std::collections::HashMap::new();
    for route in table() {
        limits.insert((route.def.method, route.def.path), route.def.body_limit);
        // A course route's action goes with each of its requests, for the `AuthorizedCourse` extractor.
        let handler = match route.def.guard {
            Guard::Course(action) => route.handler.layer(axum::Extension(crate::http::course_access::CourseAction(action))),
            _ => route.handler,
        };
        // The extractors (form, JSON, multipart) keep to the route's limit too.
        let handler = handler.layer(axum::extract::DefaultBodyLimit::max(route.def.body_limit));
        router = router.route(route.def.path, handler);
    }
    router
        .route("/api/{*rest}", axum::routing::any(crate::http::json::not_found))
        .fallback(crate::http::error::not_found)
        .layer(catch_panics())
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::http::auth::session_middleware))
        // Outside it, so the session middleware knows each route's body limit.
        .layer(axum::Extension(crate::http::route::BodyLimits(std::sync::Arc::new(limits))))
        // Outside the session middleware, so its CSRF check of a multipart form sees the limit too.
        .layer(axum::extract::DefaultBodyLimit::max(crate::http::route::UPLOAD_BODY))
        // Outermost: every request counted, refusals by the layers inside included.
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::http::metrics::record))
        .with_state(app)
}

/// A handler that panics answers with the product's error page (and a correlation id in the
/// log), not a dropped connection. Inside the session middleware, so the page keeps the
/// user's frame.
fn catch_panics() -> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> axum::response::Response> {
    fn answer(_: Box<dyn std::any::Any + Send>) -> axum::response::Response {
        use axum::response::IntoResponse;
        crate::http::error::PageError(crate::http::error::AppError::Internal("a handler panicked".into())).into_response()
    }
    tower_http::catch_panic::CatchPanicLayer::custom(answer as fn(Box<dyn std::any::Any + Send>) -> axum::response::Response)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn openapi() -> axum::Json<Value> {
    axum::Json(crate::http::openapi::document(&table()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn a_panicking_handler_gets_the_error_page_with_an_id() {
        let router = axum::Router::new().route("/boom", axum::routing::get(boom)).layer(super::catch_panics());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let resp = reqwest::get(format!("http://{addr}/boom")).await.unwrap();
        assert_eq!(resp.status(), 500);
        let page = resp.text().await.unwrap();
        assert!(page.contains("Der skete en fejl hos os") && page.contains("lang=\"da\""), "{page}");
    }
}
