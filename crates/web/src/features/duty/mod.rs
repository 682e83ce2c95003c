//! "Beredskab": an organisation's on-call duty and opening hours (`tovholder_app::duty`). Its
//! staff see who is on call now and the roster with its gaps; its administrators edit it.

pub mod api;
pub mod pages;

use axum::routing::{delete, get, post, put};

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/beredskab", User, "Beredskab: hvem har vagten nu, vagtplanen de næste to uger med huller og overlap, og åbningstiderne.", get(pages::roster)),
        r("POST", "/beredskab/vagter", User, "Sæt en medarbejder på vagt (fra–til, vagttelefon).", post(pages::add)),
        r("POST", "/beredskab/vagter/{id}/slet", User, "Fjern en vagt.", post(pages::remove)),
        r("POST", "/beredskab/aabningstider", User, "Ret åbningstiderne.", post(pages::hours)),
        r("GET", "/api/v1/duty", User, "Beredskab for ens organisation: hvem har vagten nu, vagterne de næste to uger, huller og overlap, åbningstider.", get(api::roster))
            .returns::<tovholder_app::duty::Roster>(),
        r("POST", "/api/v1/duty/shifts", User, "Sæt en medarbejder på vagt: {person, from, to (lokal tid, 2027-03-27T20:00), phone}; svarer 201 med id.", post(api::add))
            .answers(&[201])
            .body::<api::ShiftBody>()
            .returns::<crate::http::json::Created>(),
        r("DELETE", "/api/v1/duty/shifts/{id}", User, "Fjern en vagt; svarer 204.", delete(api::remove)).answers(&[204]).no_body(),
        r("PUT", "/api/v1/duty/opening-hours", User, "Åbningstider: [{weekday (1 = mandag), opens, closes}]; de udeladte dage er lukket.", put(api::hours))
            .body::<Vec<api::HoursBody>>()
            .returns::<tovholder_app::duty::Roster>(),
    ]
}
