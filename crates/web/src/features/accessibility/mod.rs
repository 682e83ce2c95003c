//! The accessibility statement (tilgængelighedserklæring) that the law on accessible public
//! websites requires, linked from every page's footer.

pub mod pages;

use axum::routing::get;

use crate::http::route::Guard::Public;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![r("GET", "/tilgaengelighed", Public, "Tilgængelighedserklæring: hvordan Tovholder lever op til WCAG 2.1 AA, og hvor man melder et problem.", get(pages::statement))]
}
