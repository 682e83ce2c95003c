//! The family's consents: recording, signing and revoking them, and the consent form as PDF.

pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::Course;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb/{id}/samtykker/ny", Course(Action::RecordConsent), "Formularen til at registrere et samtykke.", get(pages::new_consent)),
        r("POST", "/forloeb/{id}/samtykker", Course(Action::RecordConsent), "Registrér et samtykke (én samtykkegiver pr. formular).", post(pages::record)),
        r("POST", "/forloeb/{id}/samtykker/{consent}/underskrift", Course(Action::RecordConsent), "Registrér en underskrift på et samtykke.", post(pages::sign)),
        r("GET", "/forloeb/{id}/samtykker/{consent}/pdf", Course(Action::RecordConsent), "Samtykkeerklæringen til underskrift (pdf).", get(pages::pdf)),
        r("POST", "/forloeb/{id}/samtykker/{consent}/tilbagekald", Course(Action::RecordConsent), "Tilbagekald et samtykke.", post(pages::revoke)),
        command("/api/v1/courses/{id}/consents", Course(Action::RecordConsent), "Registrér et samtykke: {giver, about, recipients, kinds, purpose, valid_from, valid_to}.", "record_consent"),
        command("/api/v1/courses/{id}/consents/{consent}/signatures", Course(Action::RecordConsent), "Registrér en underskrift: {by, how, on}.", "sign_consent"),
        command("/api/v1/courses/{id}/consents/{consent}/revoke", Course(Action::RecordConsent), "Tilbagekald et samtykke: {note}.", "revoke_consent"),
    ]
}
