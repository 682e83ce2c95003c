//! Documents: writing or uploading, reading, sending and forwarding.

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
        r("POST", "/forloeb/{id}/dokumenter", Course(Action::AddDocument), "Skriv eller upload et dokument (og send det).", post(pages::add)).uploads(),
        r("GET", "/forloeb/{id}/dokumenter/{doc}", Course(Action::Read), "Læs et dokument.", get(pages::show)),
        r(
            "POST",
            "/forloeb/{id}/dokumenter/{doc}/familie",
            Course(Action::AddDocument),
            "Vis et dokument på familiens sider (shared=ja), eller skjul det igen (nej); kun forfatteren, og kun typer, modellen tillader.",
            post(pages::share),
        ),
        r("POST", "/forloeb/{id}/dokumenter/{doc}/send", Course(Action::SendDocument), "Send eller videresend et dokument.", post(pages::send)),
        r("POST", "/api/v1/courses/{id}/documents", Course(Action::AddDocument), "Skriv et dokument: {kind, title, text, to}.", post(api::add_document))
            .body::<api::DocumentBody>()
            .returns::<tovholder_app::views::CourseView>(),
        r("GET", "/api/v1/courses/{id}/documents/{doc}", Course(Action::Read), "Læs et dokument (kun forfatterens organisation og modtagerne).", get(api::document)).returns::<api::DocumentContent>(),
        r("GET", "/api/v1/courses/{id}/documents/{doc}/recipients", Course(Action::Read), "Hvem dokumentet kan sendes eller videresendes til.", get(api::document_recipients))
            .returns::<Vec<api::DocumentRecipient>>(),
        command("/api/v1/courses/{id}/documents/{doc}/send", Course(Action::SendDocument), "Send eller videresend et dokument: {to}.", "send_document"),
    ]
}
