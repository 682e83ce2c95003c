//! Delt med mig: courses the family's consent shares with the user.

pub mod api;
pub mod pages;

use axum::routing::get;

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/delt", User, "Forløb, som familiens samtykke deler med min afdeling eller organisation.", get(pages::shared)),
        r("GET", "/api/v1/shared", User, "Forløb, som familiens samtykke deler med mig (id'er og titler).", get(api::shared)).returns::<Vec<tovholder_app::queries::SharedCourse>>(),
    ]
}
