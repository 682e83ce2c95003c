//! "Hvem har set forløbet": a course's reads and refusals as the access log has them, for its
//! coordinators and its organisations' administrators (others get "not found").

pub mod pages;

use axum::routing::get;

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb/{id}/adgangslog", User, "Hvem har set forløbet: hver læsning og hver afvisning, de nyeste først (?foer= for ældre).", get(pages::page)),
        r("GET", "/api/v1/courses/{id}/access-log", User, "Hvem har set forløbet: hver læsning og hver afvisning, de nyeste først; ?before= giver de ældre.", get(pages::api))
            .query::<pages::LogQuery>()
            .returns::<tovholder_app::course_log::LogPage>(),
    ]
}
