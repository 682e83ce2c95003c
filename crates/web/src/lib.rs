//! Tovholder's web layer: HTML pages and the JSON API over one route table, sessions and CSRF.
//! Everything else is the application layer's (`tovholder_app`).

pub mod features;
pub mod http;
pub mod routes;
pub mod ui;

pub use tovholder_app::App;

/// Serves the app on a bound listener until the future `shutdown` completes.
pub async fn serve(listener: tokio::net::TcpListener, app: App, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let router = routes::router(app);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown).await
}
