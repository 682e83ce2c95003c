//! Changes that need every party's agreement, such as a postponement.

pub mod pages;

use axum::routing::post;
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::Course;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("POST", "/forloeb/{id}/aendringer", Course(Action::ProposeChange), "Foreslå en ændring, fx en udsættelse.", post(pages::propose)),
        r("POST", "/forloeb/{id}/aendringer/{change}/svar", Course(Action::AnswerChange), "Registrér en parts svar på en ændring.", post(pages::answer)),
        command("/api/v1/courses/{id}/changes", Course(Action::ProposeChange), "Foreslå en ændring: {kind, dates, reason}.", "propose_change"),
        command("/api/v1/courses/{id}/changes/{change}/answers", Course(Action::AnswerChange), "En parts svar: {party, agreed, note}.", "answer_change"),
    ]
}
