//! Support requests on a course (`tovholder_app::requests`): the foster family asks on their
//! pages (the family feature); here the staff see every request with its deadline and status,
//! who is on call now, and the person on call logs what was done about an acute one.

pub mod api;
pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::Course;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb/{id}/henvendelser", Course(Action::Read), "Henvendelser: plejefamiliens anmodninger om støtte med frist og status, og hvem der har vagten nu.", get(pages::list)),
        r("POST", "/forloeb/{id}/henvendelser/{request}/log", Course(Action::Read), "Den, der havde vagten, skriver, hvad der blev gjort ved en akut henvendelse.", post(pages::log)),
        r("GET", "/api/v1/courses/{id}/requests", Course(Action::Read), "Forløbets henvendelser med frist og status, og hvem der har vagten nu.", get(api::list)).returns::<api::RequestsOut>(),
        command("/api/v1/courses/{id}/requests/{request}/log", Course(Action::Read), "Log en akut henvendelse: {text}, hvad der blev gjort.", "log_acute"),
    ]
}
