//! Logging in and out, and who the API's caller is.

pub mod api;
pub mod pages;

use axum::routing::{get, post};

use crate::http::route::Guard::{Public, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/login", Public, "Login-siden.", get(pages::login_page)),
        r("POST", "/login", Public, "Log ind.", post(pages::login_submit)),
        r("POST", "/logout", User, "Log ud.", post(pages::logout)),
        r("GET", "/api/v1/me", User, "Den indloggede bruger og CSRF-token til skrivninger.", get(api::me)),
    ]
}
