//! Tasks and deadlines: computed from a model's rules and a course's state, never stored as truth.
//! The store keeps a copy (a projection) only so "Mine opgaver" can be queried across courses.

use jiff::civil::Date;
use serde::Serialize;

use crate::course::{CourseState, Recorded};
use crate::family_plan::AgreementStatus;
use crate::ids::{OrgId, PersonId};
use crate::meetings::{MeetingStatus, Who, cadence_gaps};
use crate::model::{Model, Scope};
use crate::policy::party_shares;
use crate::span::Window;

/// Who a task is for: a named person, or everyone holding a standing role in an organisation
/// (e.g. the municipality's tovholder while no kontaktperson is appointed).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    Person { person: PersonId, role: String },
    OrgRole { org: OrgId, role: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: String,
    pub label: String,
    pub window: Window,
    pub owners: Vec<Owner>,
    /// Set when the task is done, by hand (with the outcome) or by its `done_when` condition.
    pub done: Option<Done>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Done {
    Outcome(Recorded),
    Condition,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Overdue,
    Open,
    Upcoming,
    Done,
}

impl Status {
    pub fn label_da(self) -> &'static str {
        match self {
            Status::Overdue => "Overskredet",
            Status::Open => "Åben",
            Status::Upcoming => "Kommende",
            Status::Done => "Udført",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Open => "open",
            Status::Upcoming => "upcoming",
            Status::Done => "done",
        }
    }
}

impl Task {
    /// Overdue the day after the window closes (dates are Copenhagen dates); upcoming before it opens.
    pub fn status(&self, today: Date) -> Status {
        status_of(self.done.is_some(), self.window, today)
    }
}

pub fn status_of(done: bool, window: Window, today: Date) -> Status {
    if done {
        Status::Done
    } else if today > window.to {
        Status::Overdue
    } else if today < window.from {
        Status::Upcoming
    } else {
        Status::Open
    }
}

/// The course's active tasks: those whose `due` date is known, whose `when` holds and that have
/// at least one owner in a party that currently shares the course.
pub fn tasks(model: &Model, state: &CourseState) -> Vec<Task> {
    model
        .tasks
        .iter()
        .filter_map(|def| {
            let window = def.due.resolve(&state.dates)?;
            if let Some(w) = &def.when
                && !w.holds(state)
                && !state.completed.contains_key(&def.id)
            {
                return None;
            }
            let owners = owners(model, state, &def.owner);
            if owners.is_empty() {
                return None;
            }
            let done = match state.completed.get(&def.id) {
                Some(r) => Some(Done::Outcome(r.clone())),
                None if def.done_when.as_ref().is_some_and(|c| c.holds(state)) => Some(Done::Condition),
                None => None,
            };
            Some(Task { id: def.id.clone(), label: def.label.clone(), window, owners, done })
        })
        .chain(meeting_tasks(model, state))
        .chain(vacancy_tasks(model, state))
        .chain(request_tasks(model, state))
        .chain(handover_tasks(model, state))
        .collect()
}

/// The role an on-call owner of an acute request is shown in.
pub const ON_CALL: &str = "beredskab";

/// The family's support requests: each answered by the fixed contact within its urgency's
/// deadline; an acute one logged the same day by whoever was on call (or the fixed contact, if
/// nobody was), and followed up by the fixed contact the next working day.
fn request_tasks(model: &Model, state: &CourseState) -> Vec<Task> {
    let Some(def) = &model.requests else { return vec![] };
    let contacts = owners(model, state, &def.answered_by);
    let mut out = Vec::new();
    for r in &state.requests {
        let Some(urgency) = def.urgencies.get(&r.urgency) else { continue };
        let topic = def.topics.get(&r.topic).map_or(r.topic.as_str(), String::as_str);
        if urgency.acute {
            let on_call: Vec<Owner> = r.on_duty.iter().map(|p| Owner::Person { person: *p, role: ON_CALL.into() }).collect();
            if let (Some(day), false) = (r.day(), on_call.is_empty() && contacts.is_empty()) {
                let owners = if on_call.is_empty() { contacts.clone() } else { on_call };
                let done = r.logged.as_ref().map(|(_, s)| Done::Outcome(Recorded { value: "logget".into(), note: None, stamp: s.clone() }));
                out.push(Task {
                    id: format!("akut:{}", r.id),
                    label: format!("Akut henvendelse ({}): skriv, hvad der blev gjort", topic.to_lowercase()),
                    window: Window { from: day, to: day },
                    owners,
                    done,
                });
            }
            if let (Some(window), false) = (r.follow_up(), contacts.is_empty()) {
                let done = r.contact_replied.as_ref().map(|_| Done::Condition);
                out.push(Task { id: format!("opfoelg_akut:{}", r.id), label: format!("Følg op på akut henvendelse ({})", topic.to_lowercase()), window, owners: contacts.clone(), done });
            }
        } else if let (Some(window), false) = (r.due(urgency), contacts.is_empty()) {
            let done = r.answered.as_ref().map(|_| Done::Condition);
            out.push(Task { id: format!("henvendelse:{}", r.id), label: format!("Besvar henvendelse: {topic}"), window, owners: contacts.clone(), done });
        }
    }
    out
}

/// Days the new holder of a role has to read its hand-over note.
const READ_HANDOVER_DAYS: i64 = 2;

/// "Læs overdragelsen" for the new holder of a role, until they have read it.
fn handover_tasks(model: &Model, state: &CourseState) -> Vec<Task> {
    let mut out = Vec::new();
    for h in &state.handovers {
        let Ok(from) = crate::calendar::today_in_copenhagen(h.written.at) else { continue };
        let Ok(to) = from.checked_add(jiff::Span::new().days(READ_HANDOVER_DAYS)) else { continue };
        let label = model.role(&h.role).map_or(h.role.as_str(), |r| r.label.as_str()).to_lowercase();
        out.push(Task {
            id: format!("overdragelse:{}", h.id),
            label: format!("Læs overdragelsen som ny {label}"),
            window: Window { from, to },
            owners: vec![Owner::Person { person: h.to, role: h.role.clone() }],
            done: h.read.as_ref().map(|_| Done::Condition),
        });
    }
    out
}

/// Days a vacancy task is open before it is overdue.
const APPOINT_WITHIN_DAYS: i64 = 7;

/// "Udpeg ny <rolle>" for each course role a closed login left empty, for those who appoint to
/// it; done when someone is appointed.
fn vacancy_tasks(model: &Model, state: &CourseState) -> Vec<Task> {
    let mut out = Vec::new();
    for v in &state.vacancies {
        let Some(role) = model.role(&v.role) else { continue };
        let Ok(from) = crate::calendar::today_in_copenhagen(v.since.at) else { continue };
        let Ok(to) = from.checked_add(jiff::Span::new().days(APPOINT_WITHIN_DAYS)) else { continue };
        let owners = owners(model, state, &role.appointed_by);
        if owners.is_empty() {
            continue;
        }
        let id = format!("udpeg:{}:{}", v.role, v.since.at.as_second());
        out.push(Task { id, label: format!("Udpeg ny {}", role.label.to_lowercase()), window: Window { from, to }, owners, done: v.filled.as_ref().map(|_| Done::Condition) });
    }
    out
}

/// Tasks that come from meetings rather than from the model's task list: an open agreement
/// on its responsible person's list, the family plan to send after a meeting, and a call to
/// the family when no meeting is booked within the cadence.
fn meeting_tasks(model: &Model, state: &CourseState) -> Vec<Task> {
    let mut out = Vec::new();
    let follow_up: &[String] = model.plan.as_ref().map_or(&[], |p| &p.follow_up_by);
    for a in &state.agreements {
        let owners = match responsible_person(model, state, a.form.responsible) {
            Some(person) => vec![Owner::Person { person, role: "ansvarlig".into() }],
            None => owners(model, state, follow_up),
        };
        if owners.is_empty() {
            continue;
        }
        let from = a.form.meeting.and_then(|m| state.meeting(m)).map_or(a.form.due, |m| m.date().min(a.form.due));
        let done = a.closed.clone().filter(|_| a.status != AgreementStatus::Open).map(Done::Outcome);
        out.push(Task { id: format!("aftale:{}", a.form.agreement), label: format!("Aftale: {}", a.form.what), window: Window { from, to: a.form.due }, owners, done });
    }
    if let Some(plan) = &model.plan {
        for m in state.meetings.iter().filter(|m| m.status != MeetingStatus::Cancelled) {
            let Some(within) = model.meeting_types.get(&m.form.kind).and_then(|t| t.plan_within) else { continue };
            let Some(to) = within.shift(m.date(), 1) else { continue };
            let id = format!("plan:{}", m.id);
            let done = state.plans.iter().find(|p| p.meeting == Some(m.id) && state.document(p.doc).is_some_and(|d| !d.sent.is_empty())).map(|_| Done::Condition);
            let done = done.or_else(|| state.completed.get(&id).cloned().map(Done::Outcome));
            let owners = owners(model, state, &plan.issued_by);
            if !owners.is_empty() {
                out.push(Task { id, label: format!("Send {} efter mødet", plan.label.to_lowercase()), window: Window { from: m.date(), to }, owners, done });
            }
        }
    }
    for c in &model.cadences {
        let dates: Vec<Date> = state.meetings.iter().filter(|m| m.status != MeetingStatus::Cancelled && c.meetings.contains(&m.form.kind)).map(|m| m.date()).collect();
        let start = c.start.as_ref().and_then(|d| state.dates.get(d)).copied();
        let owners = owners(model, state, &c.owner);
        if owners.is_empty() {
            continue;
        }
        for (anchor, window) in cadence_gaps(start, &dates, c.call_after, c.within) {
            let id = format!("{}:{anchor}", c.id);
            let done = state.completed.get(&id).cloned().map(Done::Outcome);
            out.push(Task { id, label: c.label.clone(), window, owners: owners.clone(), done });
        }
    }
    out
}

/// The staff member answering for an agreement, if it is one (family members and people named
/// only in the network have no login; their agreements are followed up by the plan's roles).
pub fn responsible_person(model: &Model, state: &CourseState, who: Who) -> Option<PersonId> {
    match who {
        Who::Person(p) => state.members.iter().any(|m| m.person == p && model.role(&m.role).is_some_and(|r| r.scope != Scope::Citizen)).then_some(p),
        Who::Network(n) => state.network.iter().find(|e| e.entry == n).and_then(|e| e.person),
    }
}

/// Who holds `roles` in the course now. A course role no one holds falls to the role it names as
/// standing in; one left empty by a closed login without a stand-in falls to those who appoint
/// to it, so nothing falls between chairs.
fn owners(model: &Model, state: &CourseState, roles: &[String]) -> Vec<Owner> {
    owners_within(model, state, roles, 2)
}

fn owners_within(model: &Model, state: &CourseState, roles: &[String], depth: u8) -> Vec<Owner> {
    let mut out = Vec::new();
    for role_id in roles {
        let Some(role) = model.role(role_id) else { continue };
        let Some(party) = &role.party else { continue };
        let (Some(org), true) = (state.parties.get(party), party_shares(model, state, party)) else { continue };
        match role.scope {
            Scope::Organisation => out.push(Owner::OrgRole { org: *org, role: role_id.clone() }),
            Scope::Course => {
                let holders: Vec<PersonId> = state.holders(role_id).collect();
                if holders.is_empty() {
                    if let Some(s) = &role.stands_in {
                        out.push(Owner::OrgRole { org: *org, role: s.clone() });
                    } else if depth > 0 && state.vacancies.iter().any(|v| v.role == *role_id && v.filled.is_none()) {
                        out.extend(owners_within(model, state, &role.appointed_by, depth - 1));
                    }
                } else {
                    out.extend(holders.into_iter().map(|p| Owner::Person { person: p, role: role_id.clone() }));
                }
            }
            Scope::Citizen => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::{Event, Stamp};
    #[allow(unused_imports)]
    use crate::testkit::*;
    use jiff::civil::date;

    fn state(events: &[Event]) -> CourseState {
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
        let mut st = CourseState::default();
        st.apply(&s, &Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into() });
        for e in events {
            st.apply(&s, e);
        }
        st
    }

    fn dates(pairs: &[(&str, Date)]) -> Event {
        Event::DatesSet { dates: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(), reason: None }
    }

    fn decide(v: &str) -> Event {
        Event::DecisionRecorded { decision: "samarbejde".into(), value: v.into(), note: None }
    }

    #[test]
    fn municipality_tasks_go_to_the_tovholder_until_a_kontaktperson_is_appointed() {
        let m = model();
        let mut events = vec![decide("ja"), dates(&[("opfoelgningsdag", date(2027, 2, 26))])];
        let t = tasks(&m, &state(&events));
        let contact = t.iter().find(|t| t.id == "kontakt_efter_opfoelgning").unwrap();
        assert_eq!(contact.window.to, date(2027, 3, 5));
        assert_eq!(contact.owners, vec![Owner::OrgRole { org: OrgId(1), role: "personale".into() }, Owner::OrgRole { org: OrgId(2), role: "tovholder".into() },]);
        events.push(Event::PersonJoined { person: PersonId(9), role: "kontaktperson".into(), custody: None, born: None });
        let t = tasks(&m, &state(&events));
        let contact = t.iter().find(|t| t.id == "kontakt_efter_opfoelgning").unwrap();
        assert!(contact.owners.contains(&Owner::Person { person: PersonId(9), role: "kontaktperson".into() }));
    }

    #[test]
    fn a_parents_no_hides_municipal_tasks_and_creates_the_homes_follow_up() {
        let m = model();
        let st = state(&[decide("nej"), dates(&[("ansoegning", date(2026, 11, 2)), ("indkaldelse", date(2026, 11, 20))])]);
        let ids: Vec<String> = tasks(&m, &st).iter().map(|t| t.id.clone()).collect();
        assert!(ids.contains(&"opfoelg_nej".to_string()), "{ids:?}");
        assert!(!ids.contains(&"udpeg_kontaktperson".to_string()), "the municipality sees nothing: {ids:?}");
        let st = state(&[decide("ja"), dates(&[("ansoegning", date(2026, 11, 2)), ("indkaldelse", date(2026, 11, 20))])]);
        let ids: Vec<String> = tasks(&m, &st).iter().map(|t| t.id.clone()).collect();
        assert!(!ids.contains(&"opfoelg_nej".to_string()));
        assert!(ids.contains(&"udpeg_kontaktperson".to_string()));
    }

    #[test]
    fn done_by_condition_or_outcome_and_overdue_after_the_window() {
        let m = model();
        let mut events = vec![decide("ja"), dates(&[("indkaldelse", date(2026, 11, 2))])];
        let find = |events: &[Event]| tasks(&m, &state(events)).into_iter().find(|t| t.id == "udpeg_kontaktperson").unwrap();
        let t = find(&events);
        assert_eq!(t.status(date(2026, 11, 16)), Status::Open, "the last day is still open");
        assert_eq!(t.status(date(2026, 11, 17)), Status::Overdue);
        events.push(Event::PersonJoined { person: PersonId(9), role: "kontaktperson".into(), custody: None, born: None });
        assert_eq!(find(&events).status(date(2026, 11, 17)), Status::Overdue, "the field is still missing");
        events.push(Event::FieldRecorded { field: "aktiviteter".into(), value: "Familiekursus".into() });
        assert_eq!(find(&events).done, Some(Done::Condition));
    }

    #[test]
    fn a_closed_login_leaves_its_tasks_to_the_stand_in_and_a_task_to_appoint_someone_new() {
        let m = model();
        let joined = Event::PersonJoined { person: PersonId(9), role: "kontaktperson".into(), custody: None, born: None };
        let mut events = vec![decide("ja"), dates(&[("opfoelgningsdag", date(2027, 2, 26))]), joined];
        let left = |because| Event::PersonLeft { person: PersonId(9), role: "kontaktperson".into(), because };
        // Replaced by an appointment: no vacancy, no task.
        let mut replaced = events.clone();
        replaced.push(left(None));
        assert!(state(&replaced).vacancies.is_empty());
        events.push(left(Some(crate::course::Leaving::LoginClosed)));
        let t = tasks(&m, &state(&events));
        let contact = t.iter().find(|t| t.id == "kontakt_efter_opfoelgning").unwrap();
        assert!(contact.owners.contains(&Owner::OrgRole { org: OrgId(2), role: "tovholder".into() }), "{:?}", contact.owners);
        let appoint = t.iter().find(|t| t.id.starts_with("udpeg:kontaktperson:")).expect("a task to appoint a new kontaktperson");
        assert_eq!(appoint.label, "Udpeg ny kontaktperson");
        assert_eq!(appoint.owners, vec![Owner::OrgRole { org: OrgId(2), role: "tovholder".into() }]);
        assert_eq!(appoint.done, None);
        events.push(Event::PersonJoined { person: PersonId(10), role: "kontaktperson".into(), custody: None, born: None });
        let t = tasks(&m, &state(&events));
        assert_eq!(t.iter().find(|t| t.id == appoint.id).unwrap().done, Some(Done::Condition));
    }

    #[test]
    fn a_course_role_left_empty_without_a_stand_in_falls_to_those_who_appoint_it() {
        let m = ff_model();
        let mut st = CourseState { parties: [("kommune".to_string(), OrgId(4))].into(), model: "familiens_fremtid".into(), ..Default::default() };
        assert!(owners(&m, &st, &["moedeleder".to_string()]).is_empty(), "never held: as before");
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
        st.apply(&s, &Event::PersonJoined { person: PersonId(7), role: "moedeleder".into(), custody: None, born: None });
        st.apply(&s, &Event::PersonLeft { person: PersonId(7), role: "moedeleder".into(), because: Some(crate::course::Leaving::LoginClosed) });
        assert_eq!(owners(&m, &st, &["moedeleder".to_string()]), vec![Owner::OrgRole { org: OrgId(4), role: "familiekoordinator".into() }]);
    }
}
