//! Mine opgaver: each open task, what completes it and the way to its form.

pub mod api;
pub mod pages;

use axum::routing::get;

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/", User, "Mine opgaver.", get(pages::my_tasks)),
        r("GET", "/api/v1/me/tasks", User, "Mine åbne og overskredne opgaver, nærmeste frist først.", get(api::my_tasks)).returns::<Vec<tovholder_app::views::TaskView>>(),
    ]
}
