//! Meetings, their minutes and checklist, the network, agreements and phases.

use jiff::civil::{Date, DateTime};

use super::{CommandError, Ctx, FieldError, invalid};
use crate::course::Event;
use crate::family_plan::{AgreementForm, AgreementStatus, NetworkEntry};
use crate::meetings::{AgendaItem, MeetingForm, MeetingStatus, Minutes, Round, Who};
use crate::model::Action;

/// Free text for minutes and plans: trimmed, at most `max` characters, never a CPR number.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, CommandError> {
    let t = value.trim();
    if required && t.is_empty() {
        return Err(invalid(field, "Udfyld feltet."));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("Teksten er for lang (højst {max} tegn).")));
    }
    if crate::cpr::contains_cpr(t) {
        return Err(invalid(field, "Skriv ikke CPR-numre her."));
    }
    Ok(t.to_string())
}

/// A plausible e-mail address (the SMTP server has the last word).
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace)
}

pub fn set_phase(ctx: &Ctx, phase: &str, on: Date) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::SetPhase)?;
    if !ctx.model.phases.contains_key(phase) {
        return Err(invalid("phase", "Vælg en fase."));
    }
    if ctx.state.phase().is_some_and(|(p, _)| p == phase) {
        return Err(invalid("phase", "Forløbet er allerede i den fase."));
    }
    if on > ctx.today || ctx.state.phase().is_some_and(|(_, d)| on < d) {
        return Err(invalid("on", "Datoen kan ikke ligge i fremtiden eller før den nuværende fase begyndte."));
    }
    Ok(vec![Event::PhaseEntered { phase: phase.into(), on }])
}

/// A meeting as typed into the form; `meeting` is set when re-planning one.
pub struct MeetingInput {
    pub meeting: Option<u32>,
    pub kind: String,
    pub start: Option<DateTime>,
    pub minutes: Option<u32>,
    pub place: String,
    pub attendees: Vec<Who>,
    /// None: the kind's default agenda (or the meeting's current one when re-planning).
    pub agenda: Option<Vec<AgendaItem>>,
}

/// Plans or re-plans a meeting. The place is free text: only an organisation's registered
/// meeting place goes into a calendar invitation (the command layer decides that), so a place
/// that names the family stays inside Tovholder.
pub fn plan_meeting(ctx: &Ctx, input: MeetingInput) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let mut errors = Vec::new();
    let Some(def) = ctx.model.meeting_types.get(&input.kind) else {
        return Err(invalid("kind", "Vælg en mødetype."));
    };
    let current = match input.meeting {
        Some(id) => match ctx.state.meeting(id) {
            Some(m) if m.status == MeetingStatus::Planned => Some(m),
            Some(_) => return Err(invalid("meeting", "Mødet er holdt eller aflyst og kan ikke ændres.")),
            None => return Err(invalid("meeting", "Mødet findes ikke.")),
        },
        None => None,
    };
    match input.start {
        None => errors.push(FieldError { field: "start".into(), message: "Angiv dato og klokkeslæt for mødet.".into() }),
        // A meeting already held may be recorded afterwards; a year either way catches typos.
        Some(s) if !within_a_year(ctx.today, s.date()) => errors.push(FieldError { field: "start".into(), message: "Datoen skal ligge inden for et år fra i dag.".into() }),
        Some(_) => {}
    }
    let minutes = input.minutes.unwrap_or(def.minutes);
    if minutes == 0 || minutes > 12 * 60 {
        errors.push(FieldError { field: "minutes".into(), message: "Mødet skal vare mellem 1 minut og 12 timer.".into() });
    }
    let place = match text("place", &input.place, 200, false) {
        Ok(p) if p.is_empty() => {
            errors.push(FieldError { field: "place".into(), message: "Vælg et af jeres mødesteder, eller skriv, hvor mødet holdes.".into() });
            p
        }
        Ok(p) => p,
        Err(CommandError::Invalid(mut e)) => {
            errors.append(&mut e);
            String::new()
        }
        Err(e) => return Err(e),
    };
    if input.attendees.is_empty() {
        errors.push(FieldError { field: "attendees".into(), message: "Vælg mindst én deltager.".into() });
    }
    if let Some(w) = input.attendees.iter().find(|w| !known(ctx, **w)) {
        errors.push(FieldError { field: "attendees".into(), message: format!("Deltageren {} er ikke med i forløbet.", w.key()) });
    } else if def.with_family && !input.attendees.is_empty() && !input.attendees.iter().any(|w| of_the_family(ctx, *w)) {
        errors.push(FieldError { field: "attendees".into(), message: format!("Et {} holdes kun med familien: vælg mindst én fra familien blandt deltagerne.", def.label.to_lowercase()) });
    }
    let agenda = input.agenda.unwrap_or_else(|| current.map_or_else(|| def.agenda.clone(), |m| m.form.agenda.clone()));
    if agenda.iter().any(|i| i.title.trim().is_empty() || i.title.chars().count() > 200 || crate::cpr::contains_cpr(&i.title)) {
        errors.push(FieldError { field: "agenda".into(), message: "Hvert dagsordenspunkt skal have en overskrift på højst 200 tegn uden CPR-numre.".into() });
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let Some(start) = input.start else { return Err(invalid("start", "Angiv dato og klokkeslæt for mødet.")) };
    let mut attendees = input.attendees;
    attendees.dedup();
    let meeting = input.meeting.unwrap_or_else(|| ctx.state.meetings.iter().map(|m| m.id).max().unwrap_or(0) + 1);
    let form = MeetingForm { meeting, kind: input.kind, start, minutes, place, attendees, agenda };
    if current.is_some_and(|m| m.form == form) {
        return Ok(vec![]);
    }
    Ok(vec![Event::MeetingPlanned(form)])
}

fn within_a_year(today: Date, d: Date) -> bool {
    let span = jiff::ToSpan::years(1);
    today.checked_sub(span).is_ok_and(|from| d >= from) && today.checked_add(span).is_ok_and(|to| d <= to)
}

fn known(ctx: &Ctx, who: Who) -> bool {
    match who {
        Who::Person(p) => ctx.state.members.iter().any(|m| m.person == p),
        Who::Network(n) => ctx.state.network.iter().any(|e| e.entry == n),
    }
}

/// A member of the family: one who holds a citizen role in the course.
fn of_the_family(ctx: &Ctx, who: Who) -> bool {
    let Who::Person(p) = who else { return false };
    ctx.state.members.iter().any(|m| m.person == p && ctx.model.roles.get(&m.role).is_some_and(|r| r.scope == crate::model::Scope::Citizen))
}

fn planned<'a>(ctx: &Ctx<'a>, meeting: u32) -> Result<&'a crate::meetings::Meeting, CommandError> {
    match ctx.state.meeting(meeting) {
        Some(m) if m.status == MeetingStatus::Planned => Ok(m),
        Some(_) => Err(invalid("meeting", "Mødet er holdt eller aflyst.")),
        None => Err(invalid("meeting", "Mødet findes ikke.")),
    }
}

pub fn cancel_meeting(ctx: &Ctx, meeting: u32, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    planned(ctx, meeting)?;
    Ok(vec![Event::MeetingCancelled { meeting, note: super::note_text("note", note)? }])
}

/// Records that invitations went out for the meeting as it stands; the edge sends them.
pub fn send_invitations(ctx: &Ctx, meeting: u32) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let m = planned(ctx, meeting)?;
    if m.invitations_current() {
        return Err(invalid("meeting", "Invitationerne er allerede sendt."));
    }
    if m.date() < ctx.today {
        return Err(invalid("meeting", "Mødet er overstået; der sendes ikke invitationer til det."));
    }
    Ok(vec![Event::InvitationsSent { meeting, sequence: m.sequence }])
}

pub fn record_apology(ctx: &Ctx, meeting: u32, who: Who, substitute: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let m = planned(ctx, meeting)?;
    if !m.form.attendees.contains(&who) {
        return Err(invalid("who", "Vælg en af mødets deltagere."));
    }
    let substitute = text("substitute", substitute, 200, false)?;
    Ok(vec![Event::ApologyRecorded { meeting, who, substitute: Some(substitute).filter(|s| !s.is_empty()) }])
}

pub fn record_minutes(ctx: &Ctx, meeting: u32, minutes: Minutes) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let Some(m) = ctx.state.meeting(meeting) else {
        return Err(invalid("meeting", "Mødet findes ikke."));
    };
    if m.status == MeetingStatus::Cancelled {
        return Err(invalid("meeting", "Mødet er aflyst."));
    }
    if m.date() > ctx.today {
        return Err(invalid("meeting", "Referatet kan først skrives, når mødet er holdt."));
    }
    let mut errors = Vec::new();
    let mut field = |name: &str, value: &str, max: usize| match text(name, value, max, false) {
        Ok(t) => t,
        Err(CommandError::Invalid(mut e)) => {
            errors.append(&mut e);
            String::new()
        }
        Err(_) => String::new(),
    };
    let story = field("story", &minutes.story, 5000);
    let best_hope = field("best_hope", &minutes.best_hope, 2000);
    let dialogue = field("dialogue", &minutes.dialogue, 10000);
    let rounds: Vec<Round> = minutes
        .rounds
        .iter()
        .enumerate()
        .map(|(i, r)| Round { who: r.who, works: field(&format!("works_{i}"), &r.works, 3000), challenges: field(&format!("challenges_{i}"), &r.challenges, 3000) })
        .filter(|r| !(r.works.is_empty() && r.challenges.is_empty()))
        .collect();
    if minutes.present.iter().chain(rounds.iter().map(|r| &r.who)).any(|w| !m.form.attendees.contains(w)) {
        errors.push(FieldError { field: "present".into(), message: "Kun mødets deltagere kan stå i referatet.".into() });
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    Ok(vec![Event::MinutesRecorded { meeting, minutes: Minutes { present: minutes.present, story, best_hope, rounds, dialogue } }])
}

pub fn tick_checklist(ctx: &Ctx, meeting: u32, step: &str, on: Date) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let Some(m) = ctx.state.meeting(meeting) else {
        return Err(invalid("meeting", "Mødet findes ikke."));
    };
    let steps = ctx.model.meeting_types.get(&m.form.kind).and_then(|t| t.checklist.as_ref()).and_then(|c| ctx.model.checklists.get(c));
    if !steps.is_some_and(|c| c.steps.contains_key(step)) {
        return Err(invalid("step", "Trinnet findes ikke på mødets tjekliste."));
    }
    if on > ctx.today {
        return Err(invalid("on", "Et trin kan ikke være udført i fremtiden."));
    }
    Ok(vec![Event::ChecklistTicked { meeting, step: step.into(), on }])
}

/// Adds someone to the family's network (`is_new`: the entry number is given here) or corrects them.
pub fn set_network(ctx: &Ctx, e: NetworkEntry, is_new: bool) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let name = text("name", &e.name, 200, true)?;
    let relation = text("relation", &e.relation, 200, false)?;
    let email = text("email", &e.email, 200, false)?;
    if !email.is_empty() && !looks_like_email(&email) {
        return Err(invalid("email", "Skriv en gyldig e-mailadresse."));
    }
    let phone = text("phone", &e.phone, 40, false)?;
    if !is_new && !ctx.state.network.iter().any(|n| n.entry == e.entry) {
        return Err(invalid("entry", "Personen findes ikke i netværket."));
    }
    let entry = if is_new { ctx.state.network.iter().map(|e| e.entry).max().unwrap_or(0) + 1 } else { e.entry };
    Ok(vec![Event::NetworkSet(NetworkEntry { entry, quadrant: e.quadrant, name, relation, email, phone, person: e.person })])
}

/// An agreement: what, who answers for it, by when; made at a meeting or between meetings.
pub fn make_agreement(ctx: &Ctx, meeting: Option<u32>, what: &str, responsible: Option<Who>, due: Option<Date>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::PlanMeeting)?;
    let mut errors = Vec::new();
    let what = match text("what", what, 1000, true) {
        Ok(w) => w,
        Err(CommandError::Invalid(mut e)) => {
            errors.append(&mut e);
            String::new()
        }
        Err(e) => return Err(e),
    };
    if !responsible.is_some_and(|r| known(ctx, r)) {
        errors.push(FieldError { field: "responsible".into(), message: "Vælg, hvem der er ansvarlig.".into() });
    }
    match due {
        None => errors.push(FieldError { field: "due".into(), message: "Angiv en tidsfrist.".into() }),
        Some(d) if d < ctx.today => errors.push(FieldError { field: "due".into(), message: "Tidsfristen kan ikke ligge i fortiden.".into() }),
        Some(_) => {}
    }
    if meeting.is_some_and(|m| ctx.state.meeting(m).is_none()) {
        errors.push(FieldError { field: "meeting".into(), message: "Mødet findes ikke.".into() });
    }
    let (Some(responsible), Some(due), true) = (responsible, due, errors.is_empty()) else {
        return Err(CommandError::Invalid(errors));
    };
    let agreement = ctx.state.agreements.iter().map(|a| a.form.agreement).max().unwrap_or(0) + 1;
    Ok(vec![Event::AgreementMade(AgreementForm { agreement, meeting, what, responsible, due })])
}

/// Marks an agreement kept or dropped: the coordinator at follow-up, or the staff member who
/// answers for it (who may see the course only by consent).
pub fn close_agreement(ctx: &Ctx, agreement: u32, done: bool, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::Read)?;
    let Some(a) = ctx.state.agreements.iter().find(|a| a.form.agreement == agreement) else {
        return Err(invalid("agreement", "Aftalen findes ikke."));
    };
    let own = crate::tasks::responsible_person(ctx.model, ctx.state, a.form.responsible) == Some(ctx.actor.person);
    if !own {
        ctx.require(Action::PlanMeeting)?;
    }
    if a.status != AgreementStatus::Open {
        return Err(invalid("agreement", "Aftalen er allerede afsluttet."));
    }
    Ok(vec![Event::AgreementClosed { agreement, done, note: super::note_text("note", note)? }])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::{CourseState, Stamp};
    use crate::family_plan::Quadrant;
    use crate::ids::{OrgId, PersonId};
    use crate::policy::Actor;
    use crate::tasks::{Owner, tasks};
    use crate::testkit::*;
    use jiff::civil::date;

    const KOORDINATOR: PersonId = PersonId(5);
    const MOR: PersonId = PersonId(20);

    fn coordinator() -> Actor {
        Actor { person: KOORDINATOR, org: OrgId(7), org_roles: vec!["familiekoordinator".into()], department: Some("Familiens Fremtid".into()), deputy_for: vec![] }
    }

    fn course() -> CourseState {
        let mut st = CourseState::default();
        apply(
            &mut st,
            vec![
                Event::CourseOpened { model: "familiens_fremtid".into(), version: 1, parties: [("kommune".to_string(), OrgId(7))].into() },
                Event::PersonJoined { person: MOR, role: "voksen".into(), custody: Some(true), born: None },
                Event::PersonJoined { person: PersonId(21), role: "barn".into(), custody: None, born: Some(date(2012, 5, 1)) },
                Event::PersonJoined { person: KOORDINATOR, role: "koordinator".into(), custody: None, born: None },
            ],
        );
        st
    }

    fn run(st: &mut CourseState, f: impl FnOnce(&Ctx) -> Result<Vec<Event>, CommandError>) -> Vec<Event> {
        let m = ff_model();
        let a = coordinator();
        let evs = f(&Ctx { model: &m, state: st, actor: &a, today: TODAY }).unwrap();
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: KOORDINATOR };
        for e in &evs {
            st.apply(&s, e);
        }
        evs
    }

    fn input(start: Option<DateTime>, place: &str) -> MeetingInput {
        MeetingInput { meeting: None, kind: "netvaerksmoede".into(), start, minutes: None, place: place.into(), attendees: vec![Who::Person(MOR), Who::Person(KOORDINATOR)], agenda: None }
    }

    #[test]
    fn a_network_meeting_gets_the_seed_agenda_and_needs_a_place_and_a_near_date() {
        let m = ff_model();
        let st = course();
        let ctx = Ctx { model: &m, state: &st, actor: &coordinator(), today: TODAY };
        let e = plan_meeting(&ctx, input(Some(date(2026, 12, 3).at(9, 0, 0, 0)), " ")).unwrap_err();
        let CommandError::Invalid(errs) = e else { panic!() };
        assert_eq!(errs[0].field, "place");
        let e = plan_meeting(&ctx, input(Some(date(2028, 1, 2).at(9, 0, 0, 0)), "Rådhuset")).unwrap_err();
        assert!(matches!(e, CommandError::Invalid(ref v) if v[0].field == "start"), "{e:?}");
        let evs = plan_meeting(&ctx, input(Some(date(2026, 12, 3).at(9, 0, 0, 0)), "Familiens Fremtid, mødelokale 2")).unwrap();
        let Event::MeetingPlanned(f) = &evs[0] else { panic!() };
        assert_eq!(f.agenda.len(), 9);
        assert_eq!(f.minutes, 120);
    }

    #[test]
    fn a_round_from_meeting_to_agreements_tasks_and_the_plan_deadline() {
        let mut st = course();
        run(&mut st, |c| {
            set_network(
                c,
                NetworkEntry { entry: 0, quadrant: Quadrant::Familie, name: "Mormor Inge".into(), relation: "Mormor".into(), email: String::new(), phone: String::new(), person: None },
                true,
            )
        });
        run(&mut st, |c| plan_meeting(c, MeetingInput { attendees: vec![Who::Person(MOR), Who::Person(KOORDINATOR), Who::Network(1)], ..input(Some(TODAY.at(9, 0, 0, 0)), "Rådhuset") }));
        run(&mut st, |c| send_invitations(c, 1));
        assert!(st.meeting(1).unwrap().invitations_current());
        // Re-planning makes the invitations out of date (a new SEQUENCE goes out).
        run(&mut st, |c| {
            plan_meeting(c, MeetingInput { meeting: Some(1), attendees: vec![Who::Person(MOR), Who::Person(KOORDINATOR), Who::Network(1)], ..input(Some(TODAY.at(10, 0, 0, 0)), "Rådhuset") })
        });
        assert!(!st.meeting(1).unwrap().invitations_current());
        run(&mut st, |c| record_apology(c, 1, Who::Network(1), "Morfar Ib"));
        run(&mut st, |c| {
            record_minutes(
                c,
                1,
                Minutes { present: vec![Who::Person(MOR)], story: "Vi vil gerne have ro på hjemme.".into(), best_hope: "At Søren kommer i skole".into(), rounds: vec![], dialogue: "".into() },
            )
        });
        assert_eq!(st.meeting(1).unwrap().status, MeetingStatus::Held);
        run(&mut st, |c| make_agreement(c, Some(1), "Mor kontakter skolen", Some(Who::Person(MOR)), Some(date(2026, 12, 1))));
        run(&mut st, |c| make_agreement(c, Some(1), "Koordinatoren booker næste møde", Some(Who::Person(KOORDINATOR)), Some(date(2026, 12, 1))));
        let m = ff_model();
        let t = tasks(&m, &st);
        let a1 = t.iter().find(|t| t.id == "aftale:1").unwrap();
        assert_eq!(a1.owners, vec![Owner::Person { person: KOORDINATOR, role: "koordinator".into() }], "the family's agreements are followed up by the coordinator");
        let plan = t.iter().find(|t| t.id == "plan:1").unwrap();
        assert_eq!(plan.window.to, date(2026, 11, 30), "the plan within a week after the meeting");
        assert!(plan.done.is_none());
        let next = t.iter().find(|t| t.id.starts_with("naeste_netvaerksmoede:")).unwrap();
        assert_eq!(next.window.to, date(2027, 2, 23));
        // The responsible coordinator closes their agreement.
        run(&mut st, |c| close_agreement(c, 2, true, None));
        assert!(tasks(&m, &st).iter().find(|t| t.id == "aftale:2").unwrap().done.is_some());
        // A step of the checklist cannot be ticked in the future or be unknown.
        let ctx = Ctx { model: &m, state: &st, actor: &coordinator(), today: TODAY };
        assert!(tick_checklist(&ctx, 1, "formoede", date(2026, 12, 24)).is_err());
        assert!(tick_checklist(&ctx, 1, "ukendt", TODAY).is_err());
        assert!(tick_checklist(&ctx, 1, "formoede", TODAY).is_ok());
    }

    #[test]
    fn ballerup_gives_the_caseworker_a_call_task_when_no_meeting_is_booked() {
        let m = ballerup_model();
        let mut st = CourseState::default();
        apply(
            &mut st,
            vec![
                Event::CourseOpened { model: "ballerup_unge".into(), version: 1, parties: [("kommune".to_string(), OrgId(7))].into() },
                Event::PersonJoined { person: KOORDINATOR, role: "sagsbehandler".into(), custody: None, born: None },
                Event::DatesSet { dates: [("foerste_kontakt".to_string(), date(2026, 9, 1))].into(), reason: None },
            ],
        );
        let call = |st: &CourseState| tasks(&m, st).into_iter().filter(|t| t.id.starts_with("ring_til_familien:")).collect::<Vec<_>>();
        assert_eq!(call(&st).len(), 1);
        assert_eq!(call(&st)[0].window.to, date(2026, 11, 24));
        let a = Actor { person: KOORDINATOR, org: OrgId(7), org_roles: vec![], department: None, deputy_for: vec![] };
        let ctx = Ctx { model: &m, state: &st, actor: &a, today: TODAY };
        let evs = crate::commands::complete_task(&ctx, "ring_til_familien:2026-09-01", "ringet", Some("Aftalt møde i december".into())).unwrap();
        apply(&mut st, evs);
        assert!(call(&st)[0].done.is_some(), "the call closes that gap");
    }
}
