//! The family's pages under `/familie`: their own login (a link and a code by e-mail), what
//! happens next, who is who, the agreements, the plan and their consents. Staff invite a family
//! member from the course page.

pub mod login;
pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::{Course, Family, Public};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/familie/login", Public, "Familiens login: bed om et link til sin e-mailadresse.", get(login::login_page)),
        r("POST", "/familie/login", Public, "Send et link til familiens sider (svaret er det samme, om adressen kendes eller ej).", post(login::ask_link)),
        r("GET", "/familie/link", Public, "Et link fra en e-mail (?t=...): viser knappen «Fortsæt» (linket bruges først, når der trykkes).", get(login::link_page)),
        r("POST", "/familie/link", Public, "Brug linket: en kode på seks cifre sendes til samme adresse.", post(login::use_link)),
        r("GET", "/familie/kode", Public, "Skriv koden fra e-mailen.", get(login::code_page)),
        r("POST", "/familie/kode", Public, "Send koden; den rigtige åbner familiens sider.", post(login::code_submit)),
        r("POST", "/familie/logout", Family, "Log af familiens sider.", post(login::logout)),
        r("GET", "/familie", Family, "Familiens side: ens forløb.", get(pages::home)),
        r("GET", "/familie/forloeb/{id}", Family, "Forløbet set af familien: hvad sker der, hvem er hvem, aftaler, planen og samtykker.", get(pages::course)),
        r("GET", "/familie/forloeb/{id}/plan/{doc}", Family, "En version af familieplanen som pdf.", get(pages::plan)),
        r("GET", "/familie/forloeb/{id}/samtykker/ny", Family, "Formularen til at give et nyt samtykke (en forælder med forældremyndighed).", get(pages::new_consent)),
        r("POST", "/familie/forloeb/{id}/samtykker", Family, "Giv et nyt samtykke; det er skrevet under digitalt, når det gives.", post(pages::give_consent)),
        r("GET", "/familie/forloeb/{id}/dokumenter/{doc}", Family, "Et dokument, som forfatteren viser familien, som download.", get(pages::document)),
        r("POST", "/familie/forloeb/{id}/samtykker/{consent}/tilbagekald", Family, "Tilbagekald et samtykke, man selv har givet.", post(pages::withdraw)),
        r("POST", "/familie/forloeb/{id}/samtykker/{consent}/underskriv", Family, "Skriv under på et samtykke digitalt (samtykkegiveren, eller en ung fra 15 år, det handler om).", post(pages::sign)),
        r("POST", "/familie/forloeb/{id}/moeder/{meeting}/forberedelse", Family, "Besvar spørgsmålene til forberedelsen af et møde.", post(pages::prepare)),
        r("POST", "/familie/forloeb/{id}/beskeder", Family, "Skriv til en af dem, der arbejder med familien (en ny tråd).", post(pages::start_thread)),
        r("GET", "/familie/forloeb/{id}/beskeder/{thread}", Family, "En tråd med familien: beskederne, og hvem der har læst dem.", get(pages::thread)),
        r("POST", "/familie/forloeb/{id}/beskeder/{thread}", Family, "Skriv i en tråd med familien, evt. med en fil (samme kontrol som dokumenter).", post(pages::reply)).uploads(),
        r("GET", "/familie/forloeb/{id}/beskeder/{thread}/{message}/fil", Family, "En fil fra en besked, altid som download.", get(pages::file)),
        r(
            "POST",
            "/familie/forloeb/{id}/henvendelser",
            Family,
            "En plejeforælder beder den faste kontaktperson om støtte: emne, hvor hurtigt, tekst (akut: også til den, der har vagten).",
            post(pages::request),
        ),
        r("POST", "/familie/forloeb/{id}/oensker", Family, "Barnets «Mine ønsker»: hvad de voksne skal vide før mødet.", post(pages::wishes)),
        r(
            "POST",
            "/forloeb/{id}/familie/{person}/beskyttelse",
            Course(Action::RecordConsent),
            "Markér et familiemedlem med navne- og adressebeskyttelse (protected=ja), eller fjern markeringen (nej).",
            post(pages::protection),
        ),
        r("POST", "/forloeb/{id}/familie/tilfoej", Course(Action::Read), "Tilføj et familiemedlem efter oprettelsen (forløbets koordinatorer), med hvorfor.", post(pages::add_member)),
        r("POST", "/forloeb/{id}/familie/{person}/ret", Course(Action::Read), "Ret et familiemedlems navn, e-mail, CPR-nummer eller forældremyndighed, med hvorfor.", post(pages::correct_member)),
        r("POST", "/forloeb/{id}/familie/{person}/fjern", Course(Action::Read), "Tag et familiemedlem ud af forløbet, med hvorfor.", post(pages::remove_member)),
        command("/api/v1/courses/{id}/family", Course(Action::Read), "Tilføj et familiemedlem: {role, name, email?, cpr?, custody?, why}.", "add_family_member"),
        command("/api/v1/courses/{id}/family/{person}", Course(Action::Read), "Ret et familiemedlem: {name?, email?, cpr?, custody?, why}.", "correct_family_member"),
        command("/api/v1/courses/{id}/family/{person}/remove", Course(Action::Read), "Tag et familiemedlem ud af forløbet: {role, why}.", "remove_family_member"),
        r("POST", "/forloeb/{id}/familie/{person}/inviter", Course(Action::Read), "Invitér et familiemedlem til familiens sider (link og kode på e-mail).", post(pages::invite)),
    ]
}
