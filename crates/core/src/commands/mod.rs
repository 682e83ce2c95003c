//! The actions on a course, as pure decisions: given the model, the state and the actor, each
//! either returns the events to append or says why not. The web layer's HTML and JSON handlers
//! both go through these (via `tovholder_web::actions`), so the rules live in one place.

use std::collections::BTreeMap;

use jiff::civil::Date;

mod changes;
pub mod closing;
mod consents;
mod documents;
pub mod family;
mod meetings;
pub mod members;
pub mod messages;
mod plan;
pub mod requests;

pub use changes::{answer_change, propose_change};
pub use consents::{ConsentInput, record_consent, revoke_consent, sign_consent};
pub use documents::{NewDocument, add_document, may_read_document, meta as document_meta, read_document, send_document};
pub use meetings::*;
pub use plan::*;

use crate::calendar::{format_date_da, holiday_name, is_working_day, weekday_da, working_day_on_or_after, working_day_on_or_before};
use crate::course::{CourseState, Event};
use crate::ids::{OrgId, PersonId};
use crate::model::{Action, Model, Scope};
use crate::policy::{self, Actor, Decision};
use crate::span::Side;
use crate::tasks::{self, Owner};

/// One invalid input, with a Danish message for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Not allowed; the edges answer as if the course did not exist.
    #[error("not allowed: {}", .0.reason.code())]
    Denied(Decision),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
}

/// A free-text note that goes into the journal: trimmed, at most 1,000 characters, and never a
/// CPR number (the journal is append-only, so what is written cannot be removed).
pub fn note_text(field: &str, note: Option<String>) -> Result<Option<String>, CommandError> {
    let Some(n) = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) else { return Ok(None) };
    if n.chars().count() > 1000 {
        return Err(invalid(field, "Teksten er for lang (højst 1.000 tegn)."));
    }
    if crate::cpr::contains_cpr(&n) {
        return Err(invalid(field, "Skriv ikke CPR-numre her."));
    }
    Ok(Some(n))
}

pub fn invalid(field: &str, message: impl Into<String>) -> CommandError {
    CommandError::Invalid(vec![FieldError { field: field.to_string(), message: message.into() }])
}

pub struct Ctx<'a> {
    pub model: &'a Model,
    pub state: &'a CourseState,
    pub actor: &'a Actor,
    /// Today in Copenhagen: consents are valid by date.
    pub today: Date,
}

impl Ctx<'_> {
    pub fn require(&self, action: Action) -> Result<(), CommandError> {
        let d = policy::decide(self.model, self.state, self.actor, action, self.today);
        if d.allowed { Ok(()) } else { Err(CommandError::Denied(d)) }
    }

    /// The action is allowed, but this particular item needs one of `roles`.
    pub(crate) fn require_role(&self, roles: &[String], field: &str, what: &str) -> Result<(), CommandError> {
        if policy::holds_any(self.model, self.state, self.actor, roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| self.model.role_label(r)).collect();
            Err(invalid(field, format!("{what} kan kun gøres af {}.", names.join(" eller ").to_lowercase())))
        }
    }
}

/// A family member as the course records them.
#[derive(Clone, Debug)]
pub struct FamilyMember {
    pub person: PersonId,
    pub role: String,
    /// For a parent: custody (forældremyndighed).
    pub custody: Option<bool>,
    /// For a child: the birth date, for the age-15 rule on consent.
    pub born: Option<Date>,
}

/// What is needed to open a course.
#[derive(Clone, Debug)]
pub struct OpenCourse {
    pub parties: BTreeMap<String, OrgId>,
    /// Family members and their citizen roles.
    pub family: Vec<FamilyMember>,
    pub dates: BTreeMap<String, Date>,
    pub decisions: BTreeMap<String, String>,
}

pub fn open_course(model: &Model, actor: &Actor, input: &OpenCourse, today: Date) -> Result<Vec<Event>, CommandError> {
    let d = policy::may_open(model, actor);
    if !d.allowed {
        return Err(CommandError::Denied(d));
    }
    let mut errors = Vec::new();
    for party in model.parties.keys() {
        if !input.parties.contains_key(party) {
            errors.push(FieldError { field: party.clone(), message: format!("Vælg {}.", model.parties[party].label.to_lowercase()) });
        }
    }
    if input.parties.get(&model.opened_by) != Some(&actor.org) {
        errors.push(FieldError { field: model.opened_by.clone(), message: "Forløbet skal oprettes i din egen organisation.".into() });
    }
    for m in &input.family {
        if model.role(&m.role).map(|r| r.scope) != Some(Scope::Citizen) {
            errors.push(FieldError { field: m.role.clone(), message: format!("'{}' er ikke en rolle for familien.", m.role) });
        }
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let mut events = vec![Event::CourseOpened { model: model.id.clone(), version: model.version, parties: input.parties.clone() }];
    events.extend(input.family.iter().map(|m| Event::PersonJoined { person: m.person, role: m.role.clone(), custody: m.custody, born: m.born }));
    // Dates and decisions go through the same checks as later changes, against the new course.
    let mut state = CourseState::default();
    let stamp = crate::course::Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: actor.person };
    for e in &events {
        state.apply(&stamp, e);
    }
    for (decision, value) in &input.decisions {
        let ctx = Ctx { model, state: &state, actor, today };
        let mut evs = decide(&ctx, decision, value, None)?;
        for e in &evs {
            state.apply(&stamp, e);
        }
        events.append(&mut evs);
    }
    if !input.dates.is_empty() {
        let ctx = Ctx { model, state: &state, actor, today };
        events.extend(set_dates(&ctx, &input.dates, None)?);
    }
    Ok(events)
}

/// The date the model proposes for `id`, given the dates known so far, from its `suggest`
/// rule (the typical distance from another date) moved to a working day where the date must
/// be one: never a day before `today`, never outside the date's window. A window alone says
/// what is allowed, not what is typical, so a date with no `suggest` rule gets no proposal
/// (the first day of "1 day to 2 years after" is no sensible end of a course).
pub fn suggest_date(model: &Model, dates: &BTreeMap<String, Date>, id: &str, today: Date) -> Option<Date> {
    let def = model.dates.get(id)?;
    let rule = def.suggest.as_ref()?;
    let w = rule.resolve(dates)?;
    let d = match (def.working_day, rule.side) {
        (false, _) => w.from,
        (true, Side::After) => working_day_on_or_after(w.from)?,
        (true, Side::Before) => working_day_on_or_before(w.to)?,
    };
    let inside = def.window.as_ref().and_then(|r| r.resolve(dates)).is_none_or(|w| w.contains(d));
    (inside && d >= today).then_some(d)
}

/// Checks one date against its model rules, given all the course's dates (with the new ones).
pub fn check_date(model: &Model, dates: &BTreeMap<String, Date>, id: &str, value: Date, today: Date) -> Result<(), String> {
    let Some(def) = model.dates.get(id) else {
        return Err(format!("Forløbet har ingen dato ved navn '{id}'."));
    };
    if let Some(rule) = &def.window
        && let Some(w) = rule.resolve(dates)
        && !w.contains(value)
    {
        let mut msg = format!("{} skal ligge mellem {} og {} ({}).", def.label, format_date_da(w.from), format_date_da(w.to), rule.describe(model.date_label(&rule.anchor)),);
        if let Some(s) = suggest_date(model, dates, id, today) {
            msg.push_str(&format!(" Forslag: {} {}.", weekday_da(s), format_date_da(s)));
        }
        return Err(msg);
    }
    if def.working_day && !is_working_day(value) {
        let why = match holiday_name(value) {
            Some(h) => format!("{} er {h}", format_date_da(value)),
            None => format!("{} er en {}", format_date_da(value), weekday_da(value)),
        };
        return Err(format!("{} skal ligge på en hverdag, og {why}.", def.label));
    }
    Ok(())
}

/// Checks new dates against every rule, with the course's other dates: the new ones and those
/// whose window hangs on a moved date (a later stay can push the follow-up day out of its window).
pub(crate) fn check_changed(model: &Model, current: &BTreeMap<String, Date>, new: &BTreeMap<String, Date>, today: Date) -> Vec<FieldError> {
    let mut merged = current.clone();
    merged.extend(new.iter().map(|(k, v)| (k.clone(), *v)));
    let mut errors = Vec::new();
    for (id, def) in &model.dates {
        let Some(value) = merged.get(id) else { continue };
        let anchor_moved = def.window.as_ref().is_some_and(|w| new.contains_key(&w.anchor));
        if (new.contains_key(id) || anchor_moved)
            && let Err(message) = check_date(model, &merged, id, *value, today)
        {
            errors.push(FieldError { field: id.clone(), message });
        }
    }
    errors
}

pub fn set_dates(ctx: &Ctx, new: &BTreeMap<String, Date>, reason: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::SetDates)?;
    if new.is_empty() {
        return Err(invalid("dates", "Angiv mindst én dato."));
    }
    let mut errors = Vec::new();
    for id in new.keys() {
        match ctx.model.dates.get(id) {
            None => errors.push(FieldError { field: id.clone(), message: format!("Forløbet har ingen dato ved navn '{id}'.") }),
            Some(def) if !policy::holds_any(ctx.model, ctx.state, ctx.actor, &def.set_by) => {
                errors.push(FieldError { field: id.clone(), message: format!("Du kan ikke ændre {}.", def.label.to_lowercase()) })
            }
            Some(_) => {}
        }
    }
    errors.extend(check_changed(ctx.model, &ctx.state.dates, new, ctx.today));
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let changed: BTreeMap<String, Date> = new.iter().filter(|(k, v)| ctx.state.dates.get(*k) != Some(v)).map(|(k, v)| (k.clone(), *v)).collect();
    if changed.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![Event::DatesSet { dates: changed, reason: note_text("reason", reason)? }])
}

/// Appoints `person` (staff of `person_org`) to a course role; a previous holder steps down.
/// Taking over a role whose model asks for it needs a hand-over note, which the new holder reads
/// first.
pub fn appoint(ctx: &Ctx, role_id: &str, person: PersonId, person_org: OrgId, handover: Option<&str>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::Appoint)?;
    let role = match ctx.model.role(role_id) {
        Some(r) if r.scope == Scope::Course => r,
        _ => return Err(invalid("role", format!("'{role_id}' er ikke en rolle, man kan udpege til."))),
    };
    ctx.require_role(&role.appointed_by, "role", &format!("Udpegning af {}", role.label.to_lowercase()))?;
    let party_org = role.party.as_ref().and_then(|p| ctx.state.parties.get(p));
    if party_org != Some(&person_org) {
        return Err(invalid("person", format!("{} skal komme fra {}.", role.label, role.party.as_deref().and_then(|p| ctx.model.parties.get(p)).map_or("", |p| p.label.as_str()).to_lowercase())));
    }
    if ctx.state.holds(person, role_id) {
        return Ok(vec![]);
    }
    let from: Vec<PersonId> = ctx.state.holders(role_id).collect();
    let note = handover.map(str::trim).filter(|t| !t.is_empty());
    if role.handover && !from.is_empty() && note.is_none() {
        return Err(invalid(&format!("handover.{role_id}"), format!("Skriv en overdragelse til den nye {}: hvad skal de vide først?", role.label.to_lowercase())));
    }
    if let Some(text) = note
        && (text.chars().count() > 10_000 || crate::cpr::contains_cpr(text))
    {
        return Err(invalid(&format!("handover.{role_id}"), "Overdragelsen må højst være 10.000 tegn og må ikke indeholde CPR-numre.".to_string()));
    }
    let mut events: Vec<Event> = from.iter().map(|p| Event::PersonLeft { person: *p, role: role_id.to_string(), because: None }).collect();
    events.push(Event::PersonJoined { person, role: role_id.to_string(), custody: None, born: None });
    if let (Some(text), true) = (note, role.handover) {
        let id = ctx.state.handovers.iter().map(|h| h.id).max().unwrap_or(0) + 1;
        events.push(Event::HandoverWritten { handover: id, role: role_id.to_string(), from, to: person, text: text.to_string() });
    }
    Ok(events)
}

/// The new holder marks the hand-over note read.
pub fn read_handover(ctx: &Ctx, handover: u32) -> Result<Vec<Event>, CommandError> {
    let h = ctx.state.handovers.iter().find(|h| h.id == handover).ok_or_else(|| invalid("handover", "Der er ingen sådan overdragelse.".to_string()))?;
    if h.to != ctx.actor.person && !ctx.actor.deputy_for.contains(&h.to) {
        return Err(invalid("handover", "Kun den, overdragelsen er til, kan markere den læst.".to_string()));
    }
    if h.read.is_some() {
        return Ok(vec![]);
    }
    Ok(vec![Event::HandoverRead { handover }])
}

pub fn decide(ctx: &Ctx, decision: &str, value: &str, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::Decide)?;
    let Some(def) = ctx.model.decisions.get(decision) else {
        return Err(invalid("decision", format!("Forløbet har ingen beslutning ved navn '{decision}'.")));
    };
    ctx.require_role(&def.decided_by, decision, &def.label)?;
    if !def.options.contains_key(value) {
        return Err(invalid(decision, format!("Vælg et af svarene til «{}».", def.label)));
    }
    if ctx.state.decision(decision) == Some(value) {
        return Ok(vec![]);
    }
    Ok(vec![Event::DecisionRecorded { decision: decision.into(), value: value.into(), note: note_text("note", note)? }])
}

pub fn record_field(ctx: &Ctx, field: &str, value: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordField)?;
    let Some(def) = ctx.model.fields.get(field) else {
        return Err(invalid("field", format!("Forløbet har intet felt ved navn '{field}'.")));
    };
    ctx.require_role(&def.recorded_by, field, &def.label)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, format!("Udfyld «{}».", def.label)));
    }
    if value.chars().count() > 10_000 {
        return Err(invalid(field, "Teksten er for lang (højst 10.000 tegn)."));
    }
    if crate::cpr::contains_cpr(value) {
        return Err(invalid(field, "Skriv ikke CPR-numre i dette felt."));
    }
    if ctx.state.fields.get(field).is_some_and(|r| r.value == value) {
        return Ok(vec![]);
    }
    Ok(vec![Event::FieldRecorded { field: field.into(), value: value.into() }])
}

/// Completes an open task with one of its outcomes; only one of its owners may.
pub fn complete_task(ctx: &Ctx, task_id: &str, outcome: &str, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::CompleteTask)?;
    let def = ctx.model.task(task_id);
    let Some((outcomes, owner_roles)) = completable(ctx.model, task_id) else {
        return Err(invalid("task", "Opgaven findes ikke i dette forløb."));
    };
    let active = tasks::tasks(ctx.model, ctx.state);
    let Some(task) = active.iter().find(|t| t.id == task_id) else {
        return Err(invalid("task", "Opgaven er ikke aktuel i forløbet endnu."));
    };
    if task.done.is_some() {
        return Err(invalid("task", "Opgaven er allerede udført."));
    }
    if !owns(ctx, task, owner_roles) {
        return Err(invalid("task", "Opgaven er ikke din."));
    }
    if !outcomes.iter().any(|(k, _)| *k == outcome) {
        return Err(invalid("outcome", "Vælg, hvordan opgaven blev afsluttet."));
    }
    let note = note_text("note", note)?;
    let mut events = vec![Event::TaskCompleted { task: task_id.into(), outcome: outcome.into(), note }];
    if let Some(set) = def.and_then(|d| d.on_outcome.get(outcome)) {
        events.push(Event::DecisionRecorded { decision: set.decision.clone(), value: set.set.clone(), note: None });
    }
    Ok(events)
}

/// The outcomes a task can be completed with (id, label; none for a task done by its condition)
/// and its owner roles; None for tasks of meetings that close otherwise (agreements, the plan).
pub fn completable<'m>(model: &'m Model, task_id: &str) -> Option<Completable<'m>> {
    if let Some(d) = model.task(task_id) {
        return Some((d.outcomes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(), d.owner.as_slice()));
    }
    let c = model.cadences.iter().find(|c| task_id.strip_prefix(c.id.as_str()).is_some_and(|r| r.starts_with(':')))?;
    Some((CALL_OUTCOMES.to_vec(), c.owner.as_slice()))
}

/// A task's outcomes (id, label) and owner roles.
pub type Completable<'m> = (Vec<(&'m str, &'m str)>, &'m [String]);

/// How a cadence's call task is closed.
pub const CALL_OUTCOMES: [(&str, &str); 2] = [("ringet", "Familien er ringet op"), ("ikke_truffet", "Forsøgt, familien blev ikke truffet")];

/// Whether the actor is one of the task's owners (or holds a role that stands in for one).
fn owns(ctx: &Ctx, task: &tasks::Task, owner_roles: &[String]) -> bool {
    task.owners.iter().any(|o| match o {
        Owner::Person { person, .. } => *person == ctx.actor.person || ctx.actor.deputy_for.contains(person),
        Owner::OrgRole { org, role } => *org == ctx.actor.org && ctx.actor.org_roles.contains(role),
    }) || policy::holds_any(ctx.model, ctx.state, ctx.actor, &stand_ins(ctx.model, owner_roles))
}

/// What the actor may change in this course, item by item: what the forms offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Allowed {
    pub dates: Vec<String>,
    pub roles: Vec<String>,
    pub decisions: Vec<String>,
    pub fields: Vec<String>,
    /// Open tasks the actor may complete by hand (those with outcomes).
    pub tasks: Vec<String>,
    /// Kinds of change the actor may propose.
    pub changes: Vec<String>,
    /// Open changes and the parties whose answer the actor may record: (change, party).
    pub answers: Vec<(u32, String)>,
    /// Kinds of document the actor may write or upload.
    pub documents: Vec<String>,
    /// Whether the actor records, signs and revokes consents.
    pub consent: bool,
    /// Whether the actor closes the course (or reopens it, when closed).
    pub close: bool,
    /// Whether the actor adds, corrects and removes family members (a coordinator).
    pub family: bool,
    pub plan_meeting: bool,
    pub record_plan: bool,
    pub issue_plan: bool,
    pub set_phase: bool,
}

pub fn allowed(model: &Model, state: &CourseState, actor: &Actor, today: Date) -> Allowed {
    let ctx = Ctx { model, state, actor, today };
    let may = |a: Action| policy::decide(model, state, actor, a, today).allowed;
    let holds = |roles: &[String]| policy::holds_any(model, state, actor, roles);
    let coordinator = may(Action::Read) && holds(&model.coordinators);
    let mut out = Allowed { close: coordinator && model.closing.is_some(), family: coordinator, ..Allowed::default() };
    // A closed course offers nothing to do but to reopen it.
    if state.closed.is_some() {
        return out;
    }
    if may(Action::SetDates) {
        out.dates = model.dates.iter().filter(|(_, d)| holds(&d.set_by)).map(|(k, _)| k.clone()).collect();
    }
    if may(Action::Appoint) {
        out.roles = model.roles.iter().filter(|(_, r)| r.scope == Scope::Course && holds(&r.appointed_by)).map(|(k, _)| k.clone()).collect();
    }
    if may(Action::Decide) {
        out.decisions = model.decisions.iter().filter(|(_, d)| holds(&d.decided_by)).map(|(k, _)| k.clone()).collect();
    }
    if may(Action::RecordField) {
        out.fields = model.fields.iter().filter(|(_, f)| holds(&f.recorded_by)).map(|(k, _)| k.clone()).collect();
    }
    if may(Action::CompleteTask) {
        out.tasks = tasks::tasks(model, state)
            .iter()
            .filter(|t| t.done.is_none() && completable(model, &t.id).is_some_and(|(outcomes, roles)| !outcomes.is_empty() && owns(&ctx, t, roles)))
            .map(|t| t.id.clone())
            .collect();
    }
    if may(Action::ProposeChange) {
        out.changes = model.changes.iter().filter(|(_, c)| holds(&c.proposed_by)).map(|(k, _)| k.clone()).collect();
    }
    if may(Action::AnswerChange) {
        for c in state.changes.iter().filter(|c| c.status == crate::course::ChangeStatus::Open) {
            let Some(def) = model.changes.get(&c.kind) else { continue };
            for a in def.agree.iter().filter(|a| !c.answers.contains_key(&a.id) && holds(&a.by)) {
                out.answers.push((c.id, a.id.clone()));
            }
        }
    }
    if may(Action::AddDocument) {
        out.documents = model.documents.iter().filter(|(_, d)| holds(&d.written_by)).map(|(k, _)| k.clone()).collect();
    }
    out.consent = may(Action::RecordConsent) && model.consent.as_ref().is_some_and(|c| holds(&c.recorded_by));
    out.plan_meeting = may(Action::PlanMeeting) && !model.meeting_types.is_empty();
    out.record_plan = may(Action::RecordPlan);
    out.issue_plan = may(Action::IssuePlan) && model.plan.as_ref().is_some_and(|p| holds(&p.issued_by));
    out.set_phase = may(Action::SetPhase) && !model.phases.is_empty();
    out
}

/// The owner roles plus the organisation roles that stand in for them: a tovholder may complete
/// the kontaktperson's task even after appointing one.
fn stand_ins(model: &Model, owners: &[String]) -> Vec<String> {
    let mut roles: Vec<String> = owners.to_vec();
    roles.extend(owners.iter().filter_map(|o| model.role(o).and_then(|r| r.stands_in.clone())));
    roles
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::Stamp;
    #[allow(unused_imports)]
    use crate::testkit::*;
    use jiff::civil::date;

    fn opened(answer: &str) -> CourseState {
        let m = model();
        let input = OpenCourse {
            parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into(),
            family: vec![
                FamilyMember { person: PersonId(10), role: "barn".into(), custody: None, born: Some(date(2015, 3, 1)) },
                FamilyMember { person: PersonId(11), role: "foraelder".into(), custody: Some(true), born: None },
            ],
            dates: [("ansoegning".to_string(), date(2026, 11, 2))].into(),
            decisions: [("samarbejde".to_string(), answer.to_string())].into(),
        };
        let events = open_course(&m, &staff(), &input, TODAY).unwrap();
        let stamp = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
        crate::course::replay(events.iter().map(|e| (&stamp, e)))
    }
    #[test]
    fn allowed_lists_what_each_party_may_change() {
        let m = model();
        let st = opened("ja");
        let home = allowed(&m, &st, &staff(), TODAY);
        assert!(home.dates.contains(&"opfoelgningsdag".to_string()) && home.roles == ["kontaktpaedagog"] && home.decisions == ["samarbejde"]);
        let kommune = allowed(&m, &st, &tovholder(), TODAY);
        assert!(kommune.dates.is_empty() && kommune.decisions.is_empty());
        assert_eq!((kommune.roles, kommune.fields), (vec!["kontaktperson".to_string()], vec!["aktiviteter".to_string()]));
        let outsider = Actor { person: PersonId(9), org: OrgId(9), org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] };
        assert_eq!(allowed(&m, &st, &outsider, TODAY), Allowed::default());
    }

    fn errors(r: Result<Vec<Event>, CommandError>) -> Vec<FieldError> {
        match r {
            Err(CommandError::Invalid(e)) => e,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn opfoelgningsdag_is_proposed_in_its_window_on_a_working_day_and_refused_outside() {
        let m = model();
        let mut st = opened("ja");
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        // Stay ends Friday 2027-04-16; 4 weeks later is Friday 2027-05-14, 2027's Kristi himmelfartsdag is 6 May.
        let evs = set_dates(&ctx, &[("ophold_start".to_string(), date(2027, 2, 22)), ("ophold_slut".to_string(), date(2027, 4, 16))].into(), None).unwrap();
        apply(&mut st, evs);
        assert_eq!(suggest_date(&m, &st.dates, "opfoelgningsdag", TODAY), Some(date(2027, 5, 14)));
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let e = errors(set_dates(&ctx, &[("opfoelgningsdag".to_string(), date(2027, 6, 4))].into(), None));
        assert_eq!(e[0].field, "opfoelgningsdag");
        assert_eq!(e[0].message, "Opfølgningsdag skal ligge mellem 14. maj 2027 og 28. maj 2027 (4 uger til 6 uger efter Opholdets afslutning). Forslag: fredag 14. maj 2027.");
        // 2. pinsedag 2027 is Monday 17 May.
        let e = errors(set_dates(&ctx, &[("opfoelgningsdag".to_string(), date(2027, 5, 17))].into(), None));
        assert!(e[0].message.contains("2. pinsedag"), "{}", e[0].message);
        assert!(set_dates(&ctx, &[("opfoelgningsdag".to_string(), date(2027, 5, 18))].into(), None).is_ok());
    }

    #[test]
    fn moving_the_stay_checks_the_dates_that_depend_on_it() {
        let m = model();
        let mut st = opened("ja");
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let evs = set_dates(&ctx, &[("ophold_start".to_string(), date(2027, 2, 22)), ("ophold_slut".to_string(), date(2027, 4, 16)), ("opfoelgningsdag".to_string(), date(2027, 5, 18))].into(), None)
            .unwrap();
        apply(&mut st, evs);
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let e = errors(set_dates(&ctx, &[("ophold_slut".to_string(), date(2027, 5, 14))].into(), None));
        assert_eq!(e[0].field, "opfoelgningsdag");
    }

    #[test]
    fn the_municipality_cannot_see_or_act_on_a_course_the_parents_said_no_to() {
        let m = model();
        let st = opened("nej");
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        assert!(matches!(appoint(&ctx, "kontaktperson", PersonId(3), OrgId(2), None), Err(CommandError::Denied(_))));
    }

    #[test]
    fn a_later_yes_from_the_follow_up_task_opens_sharing() {
        let m = model();
        let mut st = opened("nej");
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let evs = complete_task(&ctx, "opfoelg_nej", "ja", Some("Talt med mor".into())).unwrap();
        assert_eq!(evs.len(), 2);
        apply(&mut st, evs);
        assert_eq!(st.decision("samarbejde"), Some("ja"));
        assert!(policy::decide(&m, &st, &tovholder(), Action::Read, TODAY).allowed);
    }

    #[test]
    fn appointing_checks_the_role_and_the_organisation() {
        let m = model();
        let mut st = opened("ja");
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        let e = errors(appoint(&ctx, "kontaktperson", PersonId(3), OrgId(7), None));
        assert_eq!(e[0].field, "person");
        let e = errors(appoint(&ctx, "kontaktpaedagog", PersonId(3), OrgId(2), None));
        assert_eq!(e[0].field, "role");
        // The first kontaktperson needs no hand-over.
        let evs = appoint(&ctx, "kontaktperson", PersonId(3), OrgId(2), None).unwrap();
        assert!(!evs.iter().any(|e| matches!(e, Event::HandoverWritten { .. })));
        apply(&mut st, evs);
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        // A permanent change asks for one (the model's `handover`), without a CPR number.
        let e = errors(appoint(&ctx, "kontaktperson", PersonId(4), OrgId(2), Some("  ")));
        assert_eq!(e[0].field, "handover.kontaktperson");
        let e = errors(appoint(&ctx, "kontaktperson", PersonId(4), OrgId(2), Some("Mor: 010203-1234")));
        assert_eq!(e[0].field, "handover.kontaktperson");
        let evs = appoint(&ctx, "kontaktperson", PersonId(4), OrgId(2), Some("Familien ønsker opkald om formiddagen.")).unwrap();
        assert_eq!(evs[0], Event::PersonLeft { person: PersonId(3), role: "kontaktperson".into(), because: None });
        assert_eq!(evs[2], Event::HandoverWritten { handover: 1, role: "kontaktperson".into(), from: vec![PersonId(3)], to: PersonId(4), text: "Familien ønsker opkald om formiddagen.".into() });
        apply(&mut st, evs);
        // Only the new holder marks it read, once.
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        assert!(read_handover(&ctx, 1).is_err());
        let new = Actor { person: PersonId(4), ..tovholder() };
        let ctx = Ctx { model: &m, state: &st, actor: &new, today: TODAY };
        let evs = read_handover(&ctx, 1).unwrap();
        assert_eq!(evs, vec![Event::HandoverRead { handover: 1 }]);
        apply(&mut st, evs);
        let ctx = Ctx { model: &m, state: &st, actor: &new, today: TODAY };
        assert!(read_handover(&ctx, 1).unwrap().is_empty());
    }

    #[test]
    fn only_owners_complete_tasks_with_a_known_outcome() {
        let m = model();
        let mut st = opened("ja");
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let evs = set_dates(&ctx, &[("ophold_start".to_string(), date(2027, 2, 22)), ("ophold_slut".to_string(), date(2027, 4, 16)), ("opfoelgningsdag".to_string(), date(2027, 5, 18))].into(), None)
            .unwrap();
        apply(&mut st, evs);
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        let e = errors(complete_task(&ctx, "kontakt_efter_opfoelgning", "maaske", None));
        assert_eq!(e[0].field, "outcome");
        let e = errors(complete_task(&ctx, "godkend_ansoegning", "sendt", None));
        assert_eq!(e[0].message, "Opgaven er ikke din.");
        let evs = complete_task(&ctx, "kontakt_efter_opfoelgning", "ikke_noedvendigt", None).unwrap();
        apply(&mut st, evs);
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: TODAY };
        let e = errors(complete_task(&ctx, "kontakt_efter_opfoelgning", "kontakt_holdt", None));
        assert_eq!(e[0].message, "Opgaven er allerede udført.");
    }

    proptest::proptest! {
        /// Whatever day a stay ends, the proposed opfølgningsdag lies 4–6 weeks later on a
        /// working day: never a weekend, Easter, Kristi himmelfart, pinse or Christmas; and the
        /// proposal is always accepted.
        #[test]
        fn the_proposed_follow_up_day_is_a_working_day_in_its_window(days in 0i64..(365 * 40)) {
            let m = model();
            let end = date(2000, 1, 1).checked_add(jiff::ToSpan::days(days)).unwrap();
            let dates: BTreeMap<String, Date> = [("ophold_slut".to_string(), end)].into();
            let s = suggest_date(&m, &dates, "opfoelgningsdag", date(1999, 1, 1)).unwrap();
            proptest::prop_assert!(crate::calendar::is_working_day(s), "{s}");
            proptest::prop_assert!(end.checked_add(jiff::ToSpan::weeks(4)).unwrap() <= s && s <= end.checked_add(jiff::ToSpan::weeks(6)).unwrap());
            proptest::prop_assert!(check_date(&m, &dates, "opfoelgningsdag", s, date(1999, 1, 1)).is_ok());
            let easter = crate::calendar::easter_sunday(s.year()).unwrap();
            proptest::prop_assert_ne!(s, easter.checked_add(jiff::ToSpan::days(39)).unwrap(), "Kristi himmelfartsdag");
        }
    }

    #[test]
    fn a_suggestion_is_never_in_the_past_and_a_window_alone_suggests_nothing() {
        let m = model();
        let dates: BTreeMap<String, Date> = [("ophold_slut".to_string(), date(2026, 9, 4)), ("ophold_start".to_string(), date(2026, 7, 1))].into();
        // 4 weeks after 4 Sep is 2 Oct, before TODAY (23 Nov 2026): no proposal in the past.
        assert_eq!(suggest_date(&m, &dates, "opfoelgningsdag", date(2026, 9, 1)), Some(date(2026, 10, 2)));
        assert_eq!(suggest_date(&m, &dates, "opfoelgningsdag", TODAY), None);
        // "Slutsamtale" may lie anywhere in the stay: no typical day, so no proposal.
        assert_eq!(suggest_date(&m, &dates, "slutsamtale", date(2026, 1, 1)), None);
        // Familiens Fremtid's "Udsluset" was proposed one day after visitation.
        let ff = crate::testkit::ff_model();
        let visited: BTreeMap<String, Date> = [("visiteret".to_string(), TODAY)].into();
        assert_eq!(suggest_date(&ff, &visited, "udsluset", TODAY), None);
        // The forbesøg is proposed about two months before the stay, on a working day.
        let start: BTreeMap<String, Date> = [("ophold_start".to_string(), date(2027, 4, 5))].into();
        assert_eq!(suggest_date(&m, &start, "forbesoeg", TODAY), Some(date(2027, 2, 5)));
    }

    #[test]
    fn kristi_himmelfart_is_refused_for_a_working_day_date() {
        let m = model();
        // Kristi himmelfartsdag 2027 is Thursday 6 May; a stay ending 1 April puts it in the window.
        let dates: BTreeMap<String, Date> = [("ophold_slut".to_string(), date(2027, 4, 1))].into();
        let err = check_date(&m, &dates, "opfoelgningsdag", date(2027, 5, 6), TODAY).unwrap_err();
        assert!(err.contains("Kristi himmelfartsdag"), "{err}");
        assert_eq!(suggest_date(&m, &dates, "opfoelgningsdag", TODAY), Some(date(2027, 4, 29)));
    }

    #[test]
    fn fields_refuse_cpr_numbers() {
        let m = model();
        let st = opened("ja");
        let ctx = Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY };
        let e = errors(record_field(&ctx, "aktiviteter", "Barnet 010115-4321 får støtte"));
        assert!(e[0].message.contains("CPR"));
    }
}
