//! "Aflastning" (respite, `tovholder_app::respite`): an organisation's offers with their free
//! places and bookings (its administrators add offers), and a course's bookings, which the roles
//! the model names make and cancel. The family sees the child's bookings on their pages.

pub mod api;
pub mod pages;

use axum::routing::{delete, get, post};
use tovholder_core::model::Action;

use crate::http::route::Guard::{Course, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/aflastning", User, "Aflastning: organisationens tilbud med ledige pladser pr. dag og hvem der er booket.", get(pages::org)),
        r("POST", "/aflastning/tilbud", User, "Et nyt tilbud om aflastning (organisationens administrator): slags, titel, første og sidste dag, pladser.", post(pages::add_offer)),
        r("GET", "/forloeb/{id}/aflastning", Course(Action::Read), "Forløbets aflastning: barnets bookinger og de tilbud, barnet kan bookes på.", get(pages::course)),
        r("POST", "/forloeb/{id}/aflastning", Course(Action::Read), "Book barnet på et tilbud (fra–til); afvises ved fuldt hus eller dobbeltbooking.", post(pages::book)),
        r("POST", "/forloeb/{id}/aflastning/{booking}/aflys", Course(Action::Read), "Aflys en booking.", post(pages::cancel)),
        r("GET", "/api/v1/respite", User, "Aflastning: ens organisations tilbud med ledige pladser og bookinger.", get(api::org)).returns::<tovholder_app::respite::OrgRespite>(),
        r("POST", "/api/v1/respite/offers", User, "Et nyt tilbud: {kind (weekend, ferie, fritid), title, from, to, capacity}; svarer 201 med id.", post(api::add_offer))
            .answers(&[201])
            .body::<api::OfferBody>()
            .returns::<crate::http::json::Created>(),
        r("GET", "/api/v1/courses/{id}/respite", Course(Action::Read), "Forløbets aflastning: barnets bookinger og tilbuddene med ledige pladser.", get(api::course))
            .returns::<tovholder_app::respite::CourseRespite>(),
        r("POST", "/api/v1/courses/{id}/respite", Course(Action::Read), "Book barnet: {offer, from, to}; svarer 201 med id, 422 ved fuldt hus eller dobbeltbooking.", post(api::book))
            .answers(&[201])
            .body::<api::BookBody>()
            .returns::<crate::http::json::Created>(),
        r("DELETE", "/api/v1/courses/{id}/respite/{booking}", Course(Action::Read), "Aflys en booking; svarer 204.", delete(api::cancel)).answers(&[204]).no_body(),
    ]
}
