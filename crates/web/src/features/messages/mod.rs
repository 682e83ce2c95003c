//! Secure messages in a course: threads between the people who may see it (a reader by consent
//! while the consent covers messages) and, in threads for the family, the family.

pub mod api;
pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::{Course, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/beskeder", User, "Mine beskeder: de tråde, man er med i, på tværs af forløb, de seneste først.", get(pages::inbox)),
        r("GET", "/api/v1/me/threads", User, "Mine beskeder: de tråde, man er med i, på tværs af forløb.", get(api::inbox)).returns::<Vec<tovholder_app::messages::InboxLine>>(),
        r("GET", "/forloeb/{id}/beskeder", Course(Action::Read), "Forløbets beskeder: de tråde, man er med i, og en ny tråd.", get(pages::list)),
        r("POST", "/forloeb/{id}/beskeder", Course(Action::Read), "Start en tråd med en første besked.", post(pages::start)),
        r("GET", "/forloeb/{id}/beskeder/{thread}", Course(Action::Read), "En tråd: beskederne, og hvem der har læst dem (læsningen registreres).", get(pages::show)),
        r("POST", "/forloeb/{id}/beskeder/{thread}", Course(Action::Read), "Skriv i en tråd, evt. med en fil (samme kontrol som dokumenter).", post(pages::reply)).uploads(),
        r("GET", "/forloeb/{id}/beskeder/{thread}/{message}/fil", Course(Action::Read), "En fil fra en besked, altid som download.", get(pages::file)),
        r("GET", "/api/v1/courses/{id}/threads", Course(Action::Read), "De tråde i forløbet, man er med i.", get(api::threads)).returns::<Vec<tovholder_app::messages::ThreadLine>>(),
        command("/api/v1/courses/{id}/threads", Course(Action::Read), "Start en tråd: {subject, family, participants, text}.", "start_thread"),
        r("GET", "/api/v1/courses/{id}/threads/{thread}", Course(Action::Read), "En tråd med beskeder og «læst af» (læsningen registreres).", get(api::thread))
            .returns::<tovholder_app::messages::ThreadView>(),
        command("/api/v1/courses/{id}/threads/{thread}/messages", Course(Action::Read), "Skriv i en tråd: {text}.", "post_message"),
    ]
}
