//! The family plan's contents (goals, indicators, interventions, status) and its versions.

use jiff::civil::Date;

use super::meetings::text;
use super::{CommandError, Ctx, FieldError, NewDocument, invalid};
use crate::consent::coverage;
use crate::course::{Event, Recipient};
use crate::family_plan::{Goal, Intervention, Measurement, next_version};
use crate::ids::{OrgId, PersonId};
use crate::meetings::{MeetingStatus, Who};
use crate::model::{Action, Scope};

pub struct GoalInput {
    pub goal: Option<u32>,
    pub parent: Option<u32>,
    pub text: String,
    pub when: String,
    pub who: String,
    pub criteria: String,
    pub reached: bool,
}

pub fn set_goal(ctx: &Ctx, g: GoalInput) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordPlan)?;
    let text_ = text("text", &g.text, 500, true)?;
    let when = text("when", &g.when, 100, false)?;
    let who = text("who", &g.who, 200, false)?;
    let criteria = text("criteria", &g.criteria, 1000, false)?;
    if g.goal.is_some_and(|id| !ctx.state.goals.iter().any(|x| x.goal == id)) {
        return Err(invalid("goal", "Målet findes ikke."));
    }
    if let Some(p) = g.parent
        && (Some(p) == g.goal || !ctx.state.goals.iter().any(|x| x.goal == p && x.parent.is_none()))
    {
        return Err(invalid("parent", "Et delmål hører under et af familiens mål."));
    }
    let goal = g.goal.unwrap_or_else(|| ctx.state.goals.iter().map(|x| x.goal).max().unwrap_or(0) + 1);
    Ok(vec![Event::GoalSet(Goal { goal, parent: g.parent, text: text_, when, who, criteria, reached: g.reached })])
}

/// Records a measurement of one of the model's indicators (e.g. "36,6" % school absence).
pub fn measure(ctx: &Ctx, indicator: &str, person: Option<PersonId>, on: Option<Date>, value: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordPlan)?;
    let Some(def) = ctx.model.indicators.get(indicator) else {
        return Err(invalid("indicator", "Vælg hvad der er målt."));
    };
    let mut errors = Vec::new();
    let number: Option<f64> = value.trim().replace(',', ".").parse().ok().filter(|n: &f64| n.is_finite());
    match number {
        None => errors.push(FieldError { field: "value".into(), message: "Skriv et tal, fx 12,5.".into() }),
        Some(n) if def.min.is_some_and(|m| n < m) || def.max.is_some_and(|m| n > m) => {
            errors.push(FieldError { field: "value".into(), message: format!("{} skal ligge mellem {} og {}.", def.label, def.min.unwrap_or(f64::MIN), def.max.unwrap_or(f64::MAX)) })
        }
        Some(_) => {}
    }
    match on {
        None => errors.push(FieldError { field: "on".into(), message: "Angiv hvornår det er målt.".into() }),
        Some(d) if d > ctx.today => errors.push(FieldError { field: "on".into(), message: "En måling kan ikke ligge i fremtiden.".into() }),
        Some(_) => {}
    }
    if person.is_some_and(|p| !ctx.state.members.iter().any(|m| m.person == p)) {
        errors.push(FieldError { field: "person".into(), message: "Personen er ikke med i forløbet.".into() });
    }
    let (Some(n), Some(on), true) = (number, on, errors.is_empty()) else {
        return Err(CommandError::Invalid(errors));
    };
    Ok(vec![Event::Measured(Measurement { indicator: indicator.into(), person, on, value: format!("{n}") })])
}

/// Adds or corrects an intervention for a family member.
pub fn set_intervention(ctx: &Ctx, mut i: Intervention, is_new: bool) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordPlan)?;
    if !is_new && !ctx.state.interventions.iter().any(|x| x.intervention == i.intervention) {
        return Err(invalid("intervention", "Indsatsen findes ikke."));
    }
    if !i.person.is_some_and(|p| is_family(ctx, p)) {
        return Err(invalid("person", "Vælg hvem i familien indsatsen er for."));
    }
    i.offer = text("offer", &i.offer, 300, true)?;
    for (name, v) in [("plan", &mut i.plan), ("hours", &mut i.hours), ("follow_up", &mut i.follow_up), ("responsible", &mut i.responsible)] {
        *v = text(name, v, 300, false)?;
    }
    for (name, v) in [("purpose", &mut i.purpose), ("goal", &mut i.goal), ("who_does_what", &mut i.who_does_what)] {
        *v = text(name, v, 2000, false)?;
    }
    if let (Some(a), Some(b)) = (i.start, i.end)
        && b < a
    {
        return Err(invalid("end", "Slutdatoen ligger før startdatoen."));
    }
    if is_new {
        i.intervention = ctx.state.interventions.iter().map(|x| x.intervention).max().unwrap_or(0) + 1;
    }
    Ok(vec![Event::InterventionSet(i)])
}

fn is_family(ctx: &Ctx, p: PersonId) -> bool {
    super::family::is_family(ctx.model, ctx.state, p)
}

pub fn record_status(ctx: &Ctx, person: PersonId, status: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordPlan)?;
    if !is_family(ctx, person) {
        return Err(invalid("person", "Vælg hvem i familien."));
    }
    Ok(vec![Event::StatusRecorded { person, text: text("status", status, 2000, true)? }])
}

/// The period a new plan covers: from today to the next planned meeting of the kind that
/// issues plans, or the model's standard period.
pub fn plan_period(ctx: &Ctx) -> (Date, Date) {
    let from = ctx.today;
    let next = ctx
        .state
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Planned && m.date() > from && ctx.model.meeting_types.get(&m.form.kind).is_some_and(|t| t.plan_within.is_some()))
        .map(|m| m.date())
        .min();
    let standard = ctx.model.plan.as_ref().and_then(|p| p.period.shift(from, 1)).unwrap_or(from);
    (from, next.unwrap_or(standard))
}

/// A new plan version, stored as a document whose content the edge rendered. `meeting` is
/// the meeting it follows, if any (the deadline to send it counts from there).
pub fn issue_plan(ctx: &Ctx, doc: NewDocument, meeting: Option<u32>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::IssuePlan)?;
    let Some(def) = &ctx.model.plan else {
        return Err(invalid("plan", "Forløbet har ingen familieplan."));
    };
    ctx.require_role(&def.issued_by, "plan", &def.label)?;
    if meeting.is_some_and(|m| ctx.state.meeting(m).is_none_or(|m| m.status == MeetingStatus::Cancelled)) {
        return Err(invalid("meeting", "Mødet findes ikke."));
    }
    let doc = NewDocument { kind: def.document.clone(), ..doc };
    let meta = super::document_meta(ctx.state, ctx.actor, doc);
    let (period_from, period_to) = plan_period(ctx);
    let version = next_version(&ctx.state.plans);
    let doc = meta.doc;
    Ok(vec![Event::DocumentAdded(meta), Event::PlanIssued { version, doc, meeting, period_from, period_to }])
}

/// Someone a plan could go to, as the edge knows them (organisation and department).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub person: PersonId,
    pub org: OrgId,
    pub department: Option<String>,
}

/// Who a plan version goes to: the family members at its meeting (or all of them: it is their
/// plan; "sendes ud til familien og netværket"), and every participant (or every staff member in
/// the course and network) who is staff in the course, or whom the family's consent covers for
/// documents today. Returns the recipients and, apart, those left out for want of consent.
pub fn plan_recipients(ctx: &Ctx, doc: u32, candidates: &[Candidate]) -> (Vec<Recipient>, Vec<PersonId>) {
    let meeting = ctx.state.plans.iter().find(|p| p.doc == doc).and_then(|p| p.meeting).and_then(|m| ctx.state.meeting(m));
    let invited = |p: PersonId| {
        meeting.is_none_or(|m| {
            m.form.attendees.iter().any(|w| match w {
                Who::Person(x) => *x == p,
                Who::Network(n) => ctx.state.network.iter().any(|e| e.entry == *n && e.person == Some(p)),
            })
        })
    };
    let docs_kind = ctx.model.consent.as_ref().and_then(|c| c.documents_kind.clone());
    let mut to = Vec::new();
    let mut left_out = Vec::new();
    for m in ctx.state.members.iter().filter(|m| ctx.model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen) && invited(m.person)) {
        to.push(Recipient { person: m.person, role: m.role.clone() });
    }
    // Persons of the network (not staff) whom a consent covering documents names.
    for e in ctx.state.network.iter().filter(|e| e.person.is_some_and(|p| invited(p) && !candidates.iter().any(|c| c.person == p))) {
        if let (Some(p), Some(k)) = (e.person, docs_kind.as_ref())
            && crate::consent::network_coverage(ctx.model, ctx.state, e.entry, k, ctx.today).allowed()
        {
            to.push(Recipient { person: p, role: NETWORK_ROLE.into() });
        }
    }
    for c in candidates.iter().filter(|c| c.person != ctx.actor.person && invited(c.person)) {
        let staff_role = ctx.state.members.iter().find(|m| m.person == c.person && ctx.model.role(&m.role).is_some_and(|r| r.scope == Scope::Course));
        if let Some(m) = staff_role {
            to.push(Recipient { person: c.person, role: m.role.clone() });
        } else if docs_kind.as_ref().is_some_and(|k| coverage(ctx.model, ctx.state, c.org, c.department.as_deref(), k, ctx.today).allowed()) {
            to.push(Recipient { person: c.person, role: NETWORK_ROLE.into() });
        } else {
            left_out.push(c.person);
        }
    }
    to.sort();
    to.dedup();
    (to, left_out)
}

/// The role a document recipient has when they see the course by consent, not by a role.
pub const NETWORK_ROLE: &str = "netvaerk";

/// Sends a plan version to the recipients `plan_recipients` chose.
pub fn send_plan(ctx: &Ctx, doc: u32, candidates: &[Candidate]) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::IssuePlan)?;
    let Some(d) = ctx.state.document(doc).filter(|_| ctx.state.plans.iter().any(|p| p.doc == doc)) else {
        return Err(invalid("doc", "Planen findes ikke."));
    };
    let (to, _) = plan_recipients(ctx, doc, candidates);
    let new: Vec<Recipient> = to.into_iter().filter(|r| !d.sent_to(r.person)).collect();
    if new.is_empty() {
        return Err(invalid("doc", "Der er ingen modtagere, som samtykket dækker, og som ikke allerede har fået planen."));
    }
    Ok(vec![Event::DocumentSent { doc, to: new, forwarded: false }])
}
