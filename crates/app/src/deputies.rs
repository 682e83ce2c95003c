//! Deputies (stedfortrædere): a staff member going on leave names a colleague of their own
//! organisation for a period. During it the colleague acts in their course roles in every
//! course (the policy's `Actor::deputy_for`, filled at each request from the store), with the
//! access reason "stedfortræder for <navn>", and has their tasks on "Mine opgaver". Each course
//! the person holds a role in records it in its journal, and shows it.

use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::calendar::format_date_da;
use tovholder_core::course::Event;
use tovholder_core::ids::PersonId;
use tovholder_core::model::{Action, Scope};
use tovholder_store::{AccessRecord, Deputy, User};

use crate::App;
use crate::course::{Course, log};
use crate::error::AppError;

/// At most this long at a time.
const MAX_DAYS: i32 = 366;

/// The colleagues `user` stands in for today.
pub async fn standing_in_for(app: &App, user: &User) -> Result<Vec<PersonId>, AppError> {
    Ok(app.store.deputyships(user.person, app.clock.today()).await?.into_iter().map(|d| d.person).collect())
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DeputyLine {
    pub id: i64,
    /// The other person: the deputy (on one's own list) or the colleague on leave.
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub period_da: String,
    pub now: bool,
}

/// "Stedfortræder": whom one has named for which periods, whom one stands in for, and the
/// colleagues one can name.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Deputies {
    pub named: Vec<DeputyLine>,
    pub standing_in_for: Vec<DeputyLine>,
    /// (person, name)
    pub colleagues: Vec<(PersonId, String)>,
}

async fn lines(app: &App, rows: Vec<Deputy>, other: impl Fn(&Deputy) -> PersonId) -> Result<Vec<DeputyLine>, AppError> {
    let people = app.store.persons(&rows.iter().map(&other).collect::<Vec<_>>()).await?;
    let today = app.clock.today();
    Ok(rows
        .iter()
        .map(|d| DeputyLine {
            id: d.id,
            name: people.iter().find(|p| p.id == other(d)).map_or_else(|| "(ukendt)".into(), |p| p.name.clone()),
            from: d.from,
            to: d.to,
            period_da: format!("{} – {}", format_date_da(d.from), format_date_da(d.to)),
            now: d.from <= today && today <= d.to,
        })
        .collect())
}

pub async fn mine(app: &App, user: &User) -> Result<Deputies, AppError> {
    let today = app.clock.today();
    // A period withdrawn before it began ends before it begins: it is gone.
    let named = lines(app, app.store.deputies_of(user.person, today).await?.into_iter().filter(|d| d.from <= d.to).collect(), |d| d.deputy).await?;
    let standing_in_for = lines(app, app.store.deputyships(user.person, today).await?, |d| d.person).await?;
    let colleagues = app.store.staff(user.org).await?.iter().filter(|u| u.person != user.person).map(|u| (u.person, u.name.clone())).collect();
    Ok(Deputies { named, standing_in_for, colleagues })
}

/// `user` names `deputy` (a colleague of their organisation) from `from` to `to`: stored, and
/// written to each course where `user` holds a course role. Refused by field, in Danish.
pub async fn name(app: &App, user: &User, deputy: PersonId, from: Date, to: Date) -> Result<i64, AppError> {
    let colleague = app.store.staff(user.org).await?.iter().any(|u| u.person == deputy && u.person != user.person);
    if !colleague {
        return Err(AppError::invalid("deputy", "Vælg en kollega fra din egen organisation."));
    }
    if from < app.clock.today() {
        return Err(AppError::invalid("from", "Perioden kan ikke begynde før i dag."));
    }
    if to < from {
        return Err(AppError::invalid("to", "Perioden skal slutte, efter den begynder."));
    }
    if !from.until(to).is_ok_and(|s| s.get_days() < MAX_DAYS) {
        return Err(AppError::invalid("to", "En periode er højst et år ad gangen."));
    }
    let at = app.clock.now();
    let id = app.store.add_deputy(&Deputy { id: 0, org: user.org, person: user.person, deputy, from, to }, at).await?;
    log(app, AccessRecord { at, person: Some(user.person), course: None, action: format!("write:deputy:{id}"), allowed: true, reason: "own".into() }).await?;
    for course in app.store.courses_of_member(user.person).await? {
        let Ok(c) = Course::load(app, user.clone(), course, Action::Read, "write:deputy".into()).await else { continue };
        let holds = c.state.members.iter().any(|m| m.person == user.person && c.model.role(&m.role).is_some_and(|r| r.scope == Scope::Course));
        if holds && c.state.closed.is_none() {
            crate::actions::record(app, &c, Event::DeputyNamed { person: user.person, deputy, from, to }).await?;
        }
    }
    Ok(id)
}

/// `user` is back early: their period `id` ends yesterday (or, not yet begun, is withdrawn),
/// and each course where they hold a course role records it.
pub async fn end(app: &App, user: &User, id: i64) -> Result<(), AppError> {
    let today = app.clock.today();
    let period = app.store.deputies_of(user.person, today).await?.into_iter().find(|d| d.id == id && d.from <= d.to).ok_or(AppError::NotFound)?;
    let to = if period.from < today { today.yesterday().unwrap_or(today) } else { period.from.yesterday().unwrap_or(period.from) };
    app.store.end_deputy(user.person, id, to).await?;
    log(app, AccessRecord { at: app.clock.now(), person: Some(user.person), course: None, action: format!("write:deputy:{id}:end"), allowed: true, reason: "own".into() }).await?;
    for course in app.store.courses_of_member(user.person).await? {
        let Ok(c) = Course::load(app, user.clone(), course, Action::Read, "write:deputy".into()).await else { continue };
        let recorded = c.state.deputies.iter().any(|d| d.person == user.person && d.deputy == period.deputy && d.from == period.from);
        if recorded && c.state.closed.is_none() {
            crate::actions::record(app, &c, Event::DeputyEnded { person: user.person, deputy: period.deputy, from: period.from, to }).await?;
        }
    }
    Ok(())
}
