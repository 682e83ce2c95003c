//! The family plan: the network, goals and measurements, interventions, each person's status,
//! and the plan's versions (PDF), issued and sent.

pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::Course;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb/{id}/familieplan", Course(Action::Read), "Familieplanen: netværkskort, mål, indsatser, status og versioner.", get(pages::show_plan)),
        r("POST", "/forloeb/{id}/netvaerk", Course(Action::PlanMeeting), "Tilføj en person til familiens netværk.", post(pages::network)),
        r("POST", "/forloeb/{id}/maal", Course(Action::RecordPlan), "Tilføj et mål eller delmål.", post(pages::goal)),
        r("POST", "/forloeb/{id}/maalinger", Course(Action::RecordPlan), "Registrér en måling (fx fravær).", post(pages::measure)),
        r("POST", "/forloeb/{id}/indsatser", Course(Action::RecordPlan), "Tilføj en indsats.", post(pages::intervention)),
        r("POST", "/forloeb/{id}/status", Course(Action::RecordPlan), "Opdatér en persons aktuelle status.", post(pages::status)),
        r("POST", "/forloeb/{id}/familieplan", Course(Action::IssuePlan), "Udarbejd en ny version af familieplanen (pdf) og send den evt.", post(pages::issue)),
        r("POST", "/forloeb/{id}/familieplan/{doc}/send", Course(Action::IssuePlan), "Send en version af planen til deltagerne, som samtykket dækker.", post(pages::send)),
        command(
            "/api/v1/courses/{id}/network",
            Course(Action::PlanMeeting),
            "Tilføj eller ret en person i familiens netværk: {entry?, quadrant, name, relation?, email?, phone?, person?}.",
            "set_network",
        ),
        command("/api/v1/courses/{id}/goals", Course(Action::RecordPlan), "Tilføj eller ret et mål eller delmål: {goal?, parent?, text, when?, who?, criteria?, reached?}.", "set_goal"),
        command("/api/v1/courses/{id}/measurements", Course(Action::RecordPlan), "Registrér en måling (fx fravær): {indicator, person?, on, value}.", "measure"),
        command(
            "/api/v1/courses/{id}/interventions",
            Course(Action::RecordPlan),
            "Tilføj eller ret en indsats: {intervention (0: ny), person?, plan, offer, hours, follow_up, start?, end?, purpose, goal, responsible, who_does_what}.",
            "set_intervention",
        ),
        command("/api/v1/courses/{id}/status", Course(Action::RecordPlan), "Opdatér en persons aktuelle status: {person, text}.", "record_status"),
        command("/api/v1/courses/{id}/family-plan", Course(Action::IssuePlan), "Udarbejd en ny version af familieplanen (pdf): {meeting?}.", "issue_plan"),
        command("/api/v1/courses/{id}/family-plan/{doc}/send", Course(Action::IssuePlan), "Send en version af planen til deltagerne, som samtykket dækker.", "send_plan"),
    ]
}
