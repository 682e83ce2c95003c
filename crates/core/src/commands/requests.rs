//! Support requests: made by a family member on their pages (`make`), logged by the person on
//! call when acute (`log_acute`). Who the fixed contacts are and who is on call now the
//! application finds (the roster is the organisation's, not the course's).

use super::{CommandError, Ctx, FieldError, invalid, note_text};
use crate::course::{CourseState, Event};
use crate::ids::PersonId;
use crate::model::{Action, Model};

/// The request's subject as its thread shows it.
pub fn subject(topic_label: &str) -> String {
    format!("Henvendelse: {topic_label}")
}

/// Whether `person` holds one of the family roles that may ask.
pub fn may_ask(model: &Model, state: &CourseState, person: PersonId) -> bool {
    model.requests.as_ref().is_some_and(|d| state.members.iter().any(|m| m.person == person && d.made_by.contains(&m.role)))
}

/// What a family member asks: a topic and an urgency of the model's, and the text.
pub struct Ask<'a> {
    pub topic: &'a str,
    pub urgency: &'a str,
    pub text: &'a str,
}

/// A family member asks for support: a thread for the family with the fixed contacts `to`
/// (and whoever is on call, `on_duty`), its first message, and the request.
pub fn make(model: &Model, state: &CourseState, person: PersonId, ask: Ask, to: &[PersonId], on_duty: &[PersonId]) -> Result<Vec<Event>, CommandError> {
    let Ask { topic, urgency, text } = ask;
    let Some(def) = model.requests.as_ref().filter(|_| may_ask(model, state, person)) else {
        return Err(invalid("topic", "Du kan ikke sende henvendelser i dette forløb."));
    };
    let mut errors = Vec::new();
    let topic_label = def.topics.get(topic);
    if topic_label.is_none() {
        errors.push(FieldError { field: "topic".into(), message: "Vælg, hvad henvendelsen handler om.".into() });
    }
    if !def.urgencies.contains_key(urgency) {
        errors.push(FieldError { field: "urgency".into(), message: "Vælg, hvor hurtigt du har brug for svar.".into() });
    }
    let text = super::messages::message_text(text);
    if let Err(CommandError::Invalid(e)) = &text {
        errors.extend(e.iter().cloned());
    }
    if to.is_empty() {
        errors.push(FieldError { field: "topic".into(), message: "Forløbet har endnu ingen fast kontaktperson. Ring til institutionen.".into() });
    }
    let (Some(topic_label), Ok(text), true) = (topic_label, text, errors.is_empty()) else {
        return Err(CommandError::Invalid(errors));
    };
    let mut people = vec![person];
    let mut rest: Vec<PersonId> = to.iter().chain(on_duty).copied().filter(|p| *p != person).collect();
    rest.sort();
    rest.dedup();
    people.extend(rest);
    let thread = state.threads.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let request = state.requests.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    Ok(vec![
        Event::ThreadStarted { thread, subject: subject(topic_label), family: true, participants: people },
        Event::MessagePosted { thread, message: 1, text, attachment: None },
        Event::RequestMade { request, thread, topic: topic.into(), urgency: urgency.into(), to: to.to_vec(), on_duty: on_duty.to_vec() },
    ])
}

/// Whoever was on call, a fixed contact, or staff of the duty's organisation who may read the
/// course logs what was done about an acute request, once.
pub fn log_acute(ctx: &Ctx, request: u32, text: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::Read)?;
    let def = ctx.model.requests.as_ref();
    let Some(r) = ctx.state.requests.iter().find(|r| r.id == request) else {
        return Err(invalid("request", "Henvendelsen findes ikke."));
    };
    if !def.and_then(|d| d.urgencies.get(&r.urgency)).is_some_and(|u| u.acute) {
        return Err(invalid("request", "Kun akutte henvendelser logges."));
    }
    if r.logged.is_some() {
        return Err(invalid("request", "Henvendelsen er allerede logget."));
    }
    let me = ctx.actor.person;
    let duty_org = def.and_then(|d| d.duty_party.as_ref()).and_then(|p| ctx.state.parties.get(p));
    let answers = def.is_some_and(|d| crate::policy::holds_any(ctx.model, ctx.state, ctx.actor, &d.answered_by));
    if !(r.on_duty.contains(&me) || r.to.contains(&me) || answers || duty_org == Some(&ctx.actor.org)) {
        return Err(invalid("request", "Kun den, der havde vagten, eller den faste kontaktperson kan logge henvendelsen."));
    }
    let Some(text) = note_text("text", Some(text.to_string()))? else {
        return Err(invalid("text", "Skriv, hvad der blev gjort."));
    };
    Ok(vec![Event::AcuteLogged { request, text }])
}
