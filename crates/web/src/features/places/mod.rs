//! An organisation's meeting places (only these go into calendar invitations).

pub mod api;
pub mod pages;

use axum::routing::{get, post};

use crate::http::json::Created;
use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/moedesteder", User, "Min organisations mødesteder (kun de kommer med i kalenderinvitationer).", get(pages::list)),
        r("POST", "/moedesteder", User, "Tilføj et mødested: navn og adresse.", post(pages::add)),
        r("POST", "/moedesteder/{place}/fjern", User, "Fjern et af min organisations mødesteder.", post(pages::remove)),
        r(
            "GET",
            "/api/v1/meeting-places",
            User,
            "Min organisations mødesteder: {id, name, address}; et møde med et af dem som sted (`name, address`) får stedet med i kalenderinvitationen.",
            get(api::meeting_places),
        )
        .returns::<Vec<tovholder_store::MeetingPlace>>(),
        r("POST", "/api/v1/meeting-places", User, "Tilføj et mødested: {name, address}; svarer 201 med dets id.", post(api::add_meeting_place))
            .answers(&[201])
            .body::<pages::PlaceForm>()
            .returns::<Created>(),
    ]
}
