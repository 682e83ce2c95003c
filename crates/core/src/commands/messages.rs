//! Threads of messages: started and written in by staff (through `Ctx`, as the policy and the
//! consent allow) and by the family in threads marked for them; read receipts.

use super::{CommandError, Ctx, invalid};
use crate::consent::coverage;
use crate::course::{CourseState, Event};
use crate::ids::PersonId;
use crate::messages::{Attachment, Thread};
use crate::model::{Action, Model};
use crate::policy::{self, Actor, Decision, Reason};

/// May `actor` take part in the course's messages at all? Whoever may read the course by a
/// role; a reader by consent only while the consent covers the model's messages kind.
pub fn may_message(model: &Model, state: &CourseState, actor: &Actor, today: jiff::civil::Date) -> Decision {
    let d = policy::decide(model, state, actor, Action::Read, today);
    if !d.allowed || !matches!(d.reason, Reason::Consent { .. }) {
        return d;
    }
    let Some(kind) = model.consent.as_ref().and_then(|c| c.messages_kind.as_ref()) else {
        return Decision { allowed: false, reason: Reason::Consent { coverage: crate::consent::Coverage::None } };
    };
    let c = coverage(model, state, actor.org, actor.department.as_deref(), kind, today);
    Decision { allowed: c.allowed(), reason: Reason::Consent { coverage: c } }
}

/// The threads `actor` is in and may read now.
pub fn visible<'a>(model: &Model, state: &'a CourseState, actor: &Actor, today: jiff::civil::Date) -> Vec<&'a Thread> {
    if !may_message(model, state, actor, today).allowed {
        return vec![];
    }
    state.threads.iter().filter(|t| t.participants.contains(&actor.person)).collect()
}

pub const MAX_MESSAGE: usize = 5000;
pub const MAX_SUBJECT: usize = 120;

/// A message's text: trimmed, not empty, at most `MAX_MESSAGE` characters, never a CPR number
/// (the journal keeps it for good).
pub(crate) fn message_text(text: &str) -> Result<String, CommandError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid("text", "Skriv en besked."));
    }
    if t.chars().count() > MAX_MESSAGE {
        return Err(invalid("text", "Beskeden er for lang (højst 5.000 tegn)."));
    }
    if crate::cpr::contains_cpr(t) {
        return Err(invalid("text", "Skriv ikke CPR-numre i beskeder."));
    }
    Ok(t.to_string())
}

fn require_messages(ctx: &Ctx) -> Result<(), CommandError> {
    let d = may_message(ctx.model, ctx.state, ctx.actor, ctx.today);
    if d.allowed { Ok(()) } else { Err(CommandError::Denied(d)) }
}

/// A thread someone is in; for anyone else it does not exist.
fn thread_of(state: &CourseState, id: u32, person: PersonId) -> Result<&Thread, CommandError> {
    state.threads.iter().find(|t| t.id == id && t.participants.contains(&person)).ok_or(CommandError::Denied(Decision { allowed: false, reason: Reason::NoRelation }))
}

fn next_message(t: &Thread) -> u32 {
    t.last().map_or(1, |m| m.id + 1)
}

/// Starts a thread with its first message. `choices` are the staff who may be in a thread of
/// this course (the application finds them: the course's staff, the parties' role holders and
/// readers whose consent covers messages); the family's members only in a thread for the family.
pub fn start_thread(ctx: &Ctx, subject: &str, family: bool, participants: &[PersonId], choices: &[PersonId], text: &str, attachment: Option<Attachment>) -> Result<Vec<Event>, CommandError> {
    require_messages(ctx)?;
    let members = crate::commands::family::members(ctx.model, ctx.state);
    let subject = subject.trim();
    let mut errors = Vec::new();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT || crate::cpr::contains_cpr(subject) {
        errors.push(super::FieldError { field: "subject".into(), message: "Skriv et kort emne (højst 120 tegn, ingen CPR-numre).".into() });
    }
    let others: Vec<PersonId> = participants.iter().copied().filter(|p| *p != ctx.actor.person).collect();
    if others.is_empty() {
        errors.push(super::FieldError { field: "participants".into(), message: "Vælg, hvem du vil skrive med.".into() });
    } else if others.iter().any(|p| !(choices.contains(p) || (family && members.contains(p)))) {
        let why = if family { "Vælg deltagere fra listen." } else { "Familien kan kun være med i tråde, der er markeret for familien." };
        errors.push(super::FieldError { field: "participants".into(), message: why.into() });
    } else if family && !others.iter().any(|p| members.contains(p)) {
        errors.push(super::FieldError { field: "participants".into(), message: "Vælg mindst ét familiemedlem til en tråd med familien.".into() });
    }
    let text = message_text(text);
    if let Err(CommandError::Invalid(e)) = &text {
        errors.extend(e.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let text = text?;
    let mut people = vec![ctx.actor.person];
    let mut rest = others;
    rest.sort();
    rest.dedup();
    people.extend(rest);
    let thread = ctx.state.threads.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    Ok(vec![Event::ThreadStarted { thread, subject: subject.into(), family, participants: people }, Event::MessagePosted { thread, message: 1, text, attachment }])
}

/// Writes in a thread the actor is in.
pub fn post_message(ctx: &Ctx, thread: u32, text: &str, attachment: Option<Attachment>) -> Result<Vec<Event>, CommandError> {
    require_messages(ctx)?;
    let t = thread_of(ctx.state, thread, ctx.actor.person)?;
    Ok(vec![Event::MessagePosted { thread, message: next_message(t), text: message_text(text)?, attachment }])
}

/// The staff a family member may write to: those holding a role in the course (their
/// coordinator, caseworker, contact person).
pub fn family_choices(model: &Model, state: &CourseState) -> Vec<PersonId> {
    let mut out: Vec<PersonId> = state.members.iter().filter(|m| model.role(&m.role).is_some_and(|r| r.scope == crate::model::Scope::Course)).map(|m| m.person).collect();
    out.sort();
    out.dedup();
    out
}

/// A family member starts a thread for the family with staff of the course.
pub fn family_start(model: &Model, state: &CourseState, person: PersonId, subject: &str, participants: &[PersonId], text: &str) -> Result<Vec<Event>, CommandError> {
    if !super::family::is_family(model, state, person) {
        return Err(invalid("participants", "Tråden findes ikke."));
    }
    let subject = subject.trim();
    let mut errors = Vec::new();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT || crate::cpr::contains_cpr(subject) {
        errors.push(super::FieldError { field: "subject".into(), message: "Skriv et kort emne (højst 120 tegn, ingen CPR-numre).".into() });
    }
    let choices = family_choices(model, state);
    let mut chosen: Vec<PersonId> = participants.iter().copied().filter(|p| *p != person).collect();
    chosen.sort();
    chosen.dedup();
    if chosen.is_empty() || chosen.iter().any(|p| !choices.contains(p)) {
        errors.push(super::FieldError { field: "participants".into(), message: "Vælg, hvem du vil skrive til.".into() });
    }
    let text = message_text(text);
    if let Err(CommandError::Invalid(e)) = &text {
        errors.extend(e.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let thread = state.threads.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let mut people = vec![person];
    people.extend(chosen);
    Ok(vec![Event::ThreadStarted { thread, subject: subject.into(), family: true, participants: people }, Event::MessagePosted { thread, message: 1, text: text?, attachment: None }])
}

/// A family member writes in a thread for the family that they are in.
pub fn family_post(state: &CourseState, person: PersonId, thread: u32, text: &str, attachment: Option<Attachment>) -> Result<Vec<Event>, CommandError> {
    let t = thread_of(state, thread, person).ok().filter(|t| t.family).ok_or_else(|| invalid("thread", "Tråden findes ikke."))?;
    Ok(vec![Event::MessagePosted { thread, message: next_message(t), text: message_text(text)?, attachment }])
}

/// The read receipt of `person` opening a thread they are in: none if nothing is new.
pub fn read_thread(state: &CourseState, person: PersonId, thread: u32) -> Vec<Event> {
    match state.threads.iter().find(|t| t.id == thread && t.participants.contains(&person)) {
        Some(t) if t.unread(person) > 0 => t.last().map(|m| vec![Event::ThreadRead { thread, upto: m.id }]).unwrap_or_default(),
        _ => vec![],
    }
}
