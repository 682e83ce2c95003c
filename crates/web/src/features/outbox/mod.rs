//! The demo's outbox.

pub mod pages;

use axum::routing::get;

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![r("GET", "/udbakke", User, "Demoens udbakke.", get(pages::outbox))]
}
