//! One's own account: the password and the second factor.

pub mod pages;

use axum::routing::{get, post};

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/konto", User, "Min konto: skift adgangskode, totrinsbekræftelse.", get(pages::account)),
        r("POST", "/konto/adgangskode", User, "Skift sin egen adgangskode (den nuværende skal gives); alle andre sessioner slutter.", post(pages::change_password)),
        r("GET", "/konto/totrin", User, "Sæt totrinsbekræftelse op: QR-kode og nøgle.", get(pages::enrol_form)),
        r("POST", "/konto/totrin", User, "Sæt totrinsbekræftelse op med den første kode; viser reservekoderne.", post(pages::enrol)),
        r("POST", "/konto/reservekoder", User, "Lav nye reservekoder (en kode fra appen skal gives).", post(pages::renew_codes)),
    ]
}
