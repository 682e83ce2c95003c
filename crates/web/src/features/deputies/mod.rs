//! "Stedfortræder": a staff member going on leave names a colleague to act in their course
//! roles for a period (`tovholder_app::deputies`); the colleague sees whom they stand in for.

pub mod api;
pub mod pages;

use axum::routing::{delete, get, post};

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/stedfortraeder", User, "Stedfortræder: hvem man har udpeget under fravær, og hvem man selv er stedfortræder for.", get(pages::page)),
        r("POST", "/stedfortraeder", User, "Udpeg en kollega som stedfortræder for en periode (fra–til).", post(pages::name)),
        r("POST", "/stedfortraeder/{deputy}/afslut", User, "Kommet tilbage før tid: perioden slutter i går (eller trækkes tilbage, hvis den ikke er begyndt).", post(pages::end)),
        r("GET", "/api/v1/me/deputies", User, "Ens stedfortrædere, og hvem man selv er stedfortræder for.", get(api::mine)).returns::<tovholder_app::deputies::Deputies>(),
        r("POST", "/api/v1/me/deputies", User, "Udpeg en stedfortræder: {deputy, from, to}; svarer 201 med id.", post(api::name))
            .answers(&[201])
            .body::<api::DeputyBody>()
            .returns::<crate::http::json::Created>(),
        r("DELETE", "/api/v1/me/deputies/{deputy}", User, "Afslut en periode før tid (eller træk den tilbage); svarer 204.", delete(api::end)).answers(&[204]).no_body(),
    ]
}
