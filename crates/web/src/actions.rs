//! The command layer: each action on a course is one function here, called by both the HTML
//! form handler and the JSON handler. Each asks core for the events (core decides), stamps
//! them, recomputes the projection and appends it all in one transaction, with an access-log
//! record of the write, allowed or denied.

use std::collections::BTreeMap;

use jiff::civil::Date;
use tovholder_core::commands::{self, CommandError, Ctx, OpenCourse};
use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_core::cpr::Cpr;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::model::Model;
use tovholder_core::policy;
use tovholder_core::tasks;
use tovholder_store::{AccessRecord, Commit, NewEntry, NewMail, NewPerson};

use crate::App;
use crate::auth::CurrentUser;
use crate::course_access::{AuthorizedCourse, log};
use crate::error::AppError;

/// The projection and side effects that follow from a course's new state.
fn commit(model: &Model, state: CourseState, entries: Vec<NewEntry>, mails: Vec<NewMail>) -> Commit {
    let tasks = tasks::tasks(model, &state);
    let orgs = state.parties.iter().map(|(party, org)| (party.clone(), *org, policy::party_shares(model, &state, party))).collect();
    Commit { entries, state, tasks, orgs, mails }
}

/// Runs one command against a loaded course and stores its events.
async fn run<A>(
    app: &App,
    course: &AuthorizedCourse<A>,
    name: &str,
    decide: impl FnOnce(&Ctx) -> Result<Vec<Event>, CommandError>,
) -> Result<(), AppError> {
    let actor = course.user.actor();
    let ctx = Ctx { model: &course.model, state: &course.state, actor: &actor };
    let result = decide(&ctx);
    let (allowed, reason) = match &result {
        Err(CommandError::Denied(d)) => (false, d.reason.code()),
        Err(CommandError::Invalid(_)) => (true, "invalid_input".to_string()),
        Ok(_) => (true, course.decision.reason.code()),
    };
    let now = app.clock.now();
    let rec = AccessRecord { at: now, person: Some(actor.person), course: Some(course.id), action: format!("write:{name}"), allowed, reason };
    log(app, rec).await?;
    let events = result?;
    if events.is_empty() {
        return Ok(());
    }
    let stamp = Stamp { at: now, by: actor.person };
    let mut state = course.state.clone();
    for e in &events {
        state.apply(&stamp, e);
    }
    let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
    let c = commit(&course.model, state, entries, vec![]);
    app.store.append(course.id, course.version, &c).await?;
    Ok(())
}

pub async fn set_dates<A>(app: &App, course: &AuthorizedCourse<A>, dates: BTreeMap<String, Date>, reason: Option<String>) -> Result<(), AppError> {
    run(app, course, "set_dates", |ctx| commands::set_dates(ctx, &dates, reason)).await
}

/// Appoints a staff member; the person's organisation comes from the store, not the request.
pub async fn appoint<A>(app: &App, course: &AuthorizedCourse<A>, role: &str, person: PersonId) -> Result<(), AppError> {
    let org = app.store.user(person).await?.map(|u| u.org).unwrap_or(OrgId(-1));
    run(app, course, "appoint", |ctx| commands::appoint(ctx, role, person, org)).await
}

pub async fn decide<A>(app: &App, course: &AuthorizedCourse<A>, decision: &str, value: &str, note: Option<String>) -> Result<(), AppError> {
    run(app, course, "decide", |ctx| commands::decide(ctx, decision, value, note)).await
}

pub async fn record_field<A>(app: &App, course: &AuthorizedCourse<A>, field: &str, value: &str) -> Result<(), AppError> {
    run(app, course, "record_field", |ctx| commands::record_field(ctx, field, value)).await
}

pub async fn complete_task<A>(app: &App, course: &AuthorizedCourse<A>, task: &str, outcome: &str, note: Option<String>) -> Result<(), AppError> {
    run(app, course, "complete_task", |ctx| commands::complete_task(ctx, task, outcome, note)).await
}

/// A family member as entered at registration.
#[derive(Clone, Debug)]
pub struct FamilyMember {
    pub role: String,
    pub name: String,
    pub email: Option<String>,
    pub cpr: Option<Cpr>,
}

#[derive(Clone, Debug)]
pub struct Registration {
    pub model: String,
    pub parties: BTreeMap<String, OrgId>,
    pub family: Vec<FamilyMember>,
    pub dates: BTreeMap<String, Date>,
    pub decisions: BTreeMap<String, String>,
}

/// Opens a course: checks it with core first, then creates the family's records and the course.
pub async fn open_course(app: &App, user: &CurrentUser, reg: Registration) -> Result<CourseId, AppError> {
    let model = app.models.get(&reg.model).ok_or(AppError::NotFound)?;
    let actor = user.actor();
    let now = app.clock.now();
    // Decide with placeholder person ids first, so nothing is written for a refused registration.
    let mut input = OpenCourse {
        parties: reg.parties.clone(),
        family: reg.family.iter().enumerate().map(|(i, m)| (PersonId(-(i as i64) - 1), m.role.clone())).collect(),
        dates: reg.dates.clone(),
        decisions: reg.decisions.clone(),
    };
    let checked = commands::open_course(&model, &actor, &input);
    let rec = |allowed: bool, reason: String| AccessRecord { at: now, person: Some(actor.person), course: None, action: "write:open_course".into(), allowed, reason };
    match &checked {
        Err(CommandError::Denied(d)) => log(app, rec(false, d.reason.code())).await?,
        Err(CommandError::Invalid(_)) => log(app, rec(true, "invalid_input".into())).await?,
        Ok(_) => {}
    }
    checked?;
    for party_org in reg.parties.values() {
        if !app.store.orgs().await?.iter().any(|o| o.id == *party_org) {
            return Err(AppError::Invalid(vec![commands::FieldError { field: "parties".into(), message: "Vælg en organisation fra listen.".into() }]));
        }
    }
    let mut family = Vec::new();
    for (m, slot) in reg.family.iter().zip(input.family.iter_mut()) {
        let cpr = m.cpr.as_ref().map(|c| app.keys.seal_cpr(c)).transpose().map_err(|e| AppError::Internal(e.to_string()))?;
        let id = app.store.add_person(&NewPerson { name: m.name.clone(), email: m.email.clone(), org: None, cpr }).await?;
        slot.0 = id;
        family.push(id);
    }
    let events = commands::open_course(&model, &actor, &input)?;
    let stamp = Stamp { at: now, by: actor.person };
    let mut state = CourseState::default();
    for e in &events {
        state.apply(&stamp, e);
    }
    let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
    let id = app.store.create_course(&commit(&model, state, entries, vec![])).await?;
    log(app, AccessRecord { course: Some(id), ..rec(true, "open_course".into()) }).await?;
    Ok(id)
}
