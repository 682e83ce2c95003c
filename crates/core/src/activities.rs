//! Activities across courses: supervision, teaching and network groups for foster families, and
//! the Julemærkehjem's yearly network meeting for the municipalities' tovholdere and
//! kontaktpersoner. An activity belongs to the organisation that plans it, not to a course: a
//! title, a place, a number of places and one or more sessions (a series), and the people
//! invited. The model names its kinds (`[activities.<kind>]`): which party plans it and which
//! roles are invited. The invitation list is computed from the courses of the model that the
//! organiser took part in within a look-back (a year unless the model says otherwise), and can
//! then be edited. The invited sign up or decline (within the places), the organiser records
//! who came to each session, and everybody shares notes, which must name no child.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::course::CourseState;
use crate::ids::{OrgId, PersonId};
use crate::model::{Model, Scope};

/// At most this many places, sessions and characters.
pub const MAX_PLACES: u32 = 500;
pub const MAX_SESSIONS: usize = 24;
pub const MAX_NOTE: usize = 4000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Activity {
    pub id: i64,
    /// The organisation that plans it.
    pub org: OrgId,
    /// The model and kind it is (`[activities.<kind>]`).
    pub model: String,
    pub kind: String,
    pub title: String,
    pub place: String,
    /// Places: how many may sign up.
    pub capacity: u32,
    pub sessions: Vec<Session>,
    pub invitees: Vec<Invitee>,
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The organiser's minutes (referat), once written; read by everyone invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Note>,
    /// How many times invitations went out (the calendar's SEQUENCE); 0: not yet.
    #[serde(default)]
    pub sequence: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Timestamp>,
    pub created_by: PersonId,
    pub created_at: Timestamp,
}

/// One date of the series, Copenhagen time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Session {
    /// 1, 2, …: stable, as the calendar's UID.
    pub n: u32,
    pub start: DateTime,
    pub minutes: u32,
    /// Who came, once the organiser recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attended: Option<Vec<PersonId>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Invitee {
    pub person: PersonId,
    /// On the list because the model's rule put them there (not added by hand).
    pub computed: bool,
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<Timestamp>,
    /// The invitation went out to them (with the sequence it had).
    #[serde(default)]
    pub invited: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Not answered yet.
    Pending,
    Yes,
    No,
}

impl Answer {
    pub fn label_da(self) -> &'static str {
        match self {
            Answer::Pending => "Har ikke svaret",
            Answer::Yes => "Tilmeldt",
            Answer::No => "Afmeldt",
        }
    }
}

/// A shared note (erfaringsudveksling): everyone invited reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Note {
    pub by: PersonId,
    pub at: Timestamp,
    pub text: String,
}

impl Activity {
    pub fn invitee(&self, person: PersonId) -> Option<&Invitee> {
        self.invitees.iter().find(|i| i.person == person)
    }

    pub fn signed_up(&self) -> usize {
        self.invitees.iter().filter(|i| i.answer == Answer::Yes).count()
    }

    /// On the list, not declined, and not yet sent this version of the invitation.
    pub fn awaits_invitation(&self, i: &Invitee) -> bool {
        i.invited < self.sequence.max(1) && i.answer != Answer::No
    }

    pub fn places_left(&self) -> u32 {
        self.capacity.saturating_sub(u32::try_from(self.signed_up()).unwrap_or(u32::MAX))
    }

    /// The first session's start, and whether the last one has begun (the activity is over).
    pub fn first(&self) -> Option<DateTime> {
        self.sessions.iter().map(|s| s.start).min()
    }

    pub fn is_over(&self, now: DateTime) -> bool {
        self.sessions.iter().all(|s| s.start <= now)
    }
}

/// A planned activity's fields before it is saved: its refusals by field, in Danish.
pub fn check_plan(model: &Model, kind: &str, title: &str, place: &str, capacity: u32, sessions: &[(DateTime, u32)], now: DateTime) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if !model.activities.contains_key(kind) {
        out.push(("kind", "Vælg, hvilken slags aktivitet det er.".to_string()));
    }
    let short = |t: &str, max: usize| !t.trim().is_empty() && t.trim().chars().count() <= max && !crate::cpr::contains_cpr(t);
    if !short(title, 120) {
        out.push(("title", "Skriv en kort titel (højst 120 tegn), fx «Supervision for plejefamilier, forår».".to_string()));
    }
    if !short(place, 200) {
        out.push(("place", "Skriv, hvor aktiviteten holdes (højst 200 tegn), fx «Fjordlyst, Strandvej 2, Egeskov».".to_string()));
    }
    if capacity == 0 || capacity > MAX_PLACES {
        out.push(("capacity", format!("Antal pladser skal være mellem 1 og {MAX_PLACES}.")));
    }
    if sessions.is_empty() || sessions.len() > MAX_SESSIONS {
        out.push(("sessions", format!("Angiv mellem 1 og {MAX_SESSIONS} datoer.")));
    } else if sessions.iter().any(|(start, _)| *start <= now) {
        out.push(("sessions", "Datoerne skal ligge ude i fremtiden.".to_string()));
    } else if sessions.iter().any(|(_, m)| *m == 0 || *m > 24 * 60) {
        out.push(("sessions", "En gang varer mellem 1 minut og et døgn.".to_string()));
    }
    out
}

/// Whether a course was in use within the look-back: still open, or closed on or after `since`.
fn in_use_since(state: &CourseState, since: Date) -> bool {
    state.closed.as_ref().is_none_or(|c| c.stamp.at.to_zoned(crate::calendar::copenhagen().unwrap_or(jiff::tz::TimeZone::UTC)).date() >= since)
}

/// The computed invitation list of an activity of `kind` planned by `organiser`: the holders of
/// the invited roles in the courses of `model` where the organiser fills the planning party and
/// that were in use within the look-back before `today`. A role of the organisation is held by
/// the users of the organisation filling its party (`org_holders(org, role)`). Sorted, once each.
pub fn invitation_list(model: &Model, kind: &str, organiser: OrgId, courses: &[&CourseState], org_holders: &dyn Fn(OrgId, &str) -> Vec<PersonId>, today: Date) -> Vec<PersonId> {
    let Some(def) = model.activities.get(kind) else { return vec![] };
    let since = def.looks_back.shift(today, -1).unwrap_or(today);
    let mut out: Vec<PersonId> = Vec::new();
    for state in courses.iter().filter(|s| s.model == model.id && s.parties.get(&def.organised_by) == Some(&organiser) && in_use_since(s, since)) {
        for role in &def.invite {
            let Some(r) = model.roles.get(role) else { continue };
            match r.scope {
                Scope::Organisation => {
                    if let Some(org) = r.party.as_ref().and_then(|p| state.parties.get(p)) {
                        out.extend(org_holders(*org, role));
                    }
                }
                Scope::Course | Scope::Citizen => out.extend(state.holders(role)),
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `person`'s answer: refused (in Danish) when they are not invited, the activity is cancelled
/// or over, or a yes finds no place left.
pub fn answer(activity: &mut Activity, person: PersonId, yes: bool, at: Timestamp, now: DateTime) -> Result<(), String> {
    if activity.cancelled.is_some() {
        return Err("Aktiviteten er aflyst.".into());
    }
    if activity.is_over(now) {
        return Err("Aktiviteten er begyndt; tilmelding er lukket.".into());
    }
    let full = activity.places_left() == 0;
    let Some(inv) = activity.invitees.iter_mut().find(|i| i.person == person) else { return Err("Du er ikke inviteret til denne aktivitet.".into()) };
    if yes && inv.answer != Answer::Yes && full {
        return Err("Der er ikke flere ledige pladser. Kontakt arrangøren, hvis I gerne vil med.".into());
    }
    inv.answer = if yes { Answer::Yes } else { Answer::No };
    inv.answered = Some(at);
    Ok(())
}

/// Who came to session `n`: refused (in Danish) before it has begun or for someone not invited.
pub fn record_attendance(activity: &mut Activity, n: u32, present: &[PersonId], now: DateTime) -> Result<(), String> {
    if present.iter().any(|p| activity.invitee(*p).is_none()) {
        return Err("Kun inviterede kan registreres som fremmødt.".into());
    }
    let session = activity.sessions.iter_mut().find(|s| s.n == n).ok_or("Vælg en af aktivitetens datoer.")?;
    if session.start > now {
        return Err("Fremmøde registreres, når gangen er begyndt.".into());
    }
    let mut present = present.to_vec();
    present.sort();
    present.dedup();
    session.attended = Some(present);
    Ok(())
}

/// A shared note's refusal, in Danish: empty, too long, a CPR number, or a child's name (first
/// name or full name, as a whole word; `children`: the names of the children of the courses
/// behind the activity). Notes are read by everyone invited, so they speak of "barnet".
pub fn check_note(text: &str, children: &[String]) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(format!("Skriv en note (højst {MAX_NOTE} tegn)."));
    }
    if crate::cpr::contains_cpr(text) {
        return Err("Noten må ikke indeholde et CPR-nummer.".into());
    }
    let words: Vec<String> = text.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    for name in children {
        let parts: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
        let Some(first) = parts.first() else { continue };
        if words.contains(first) {
            let shown: String = name.split_whitespace().next().unwrap_or_default().to_string();
            return Err(format!("Noterne deles med alle deltagere og må ikke nævne et barn: skriv «barnet» i stedet for «{shown}»."));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::Member;
    use crate::stamp::{Recorded, Stamp};
    use jiff::civil::date;

    fn julemaerkehjem() -> Model {
        Model::parse(include_str!("../../../models/julemaerkehjem.toml")).unwrap()
    }

    fn course(model: &str, home: i64, municipality: i64, members: &[(i64, &str)]) -> CourseState {
        let mut s = CourseState { model: model.into(), ..CourseState::default() };
        s.parties.insert("home".into(), OrgId(home));
        s.parties.insert("municipality".into(), OrgId(municipality));
        for (p, role) in members {
            s.members.push(Member { person: PersonId(*p), role: (*role).into(), since: Timestamp::UNIX_EPOCH, custody: None, born: None });
        }
        s
    }

    fn closed_on(mut s: CourseState, day: Date) -> CourseState {
        let at = day.at(12, 0, 0, 0).to_zoned(crate::calendar::copenhagen().unwrap()).unwrap().timestamp();
        s.closed = Some(Recorded { value: "afsluttet".into(), note: None, stamp: Stamp { by: PersonId(1), at } });
        s
    }

    /// The yearly network meeting: the tovholdere (an organisation role, from each municipality
    /// that used the model with this home) and the courses' kontaktpersoner; a course closed more
    /// than a year ago, another home's course and another model's course do not count.
    #[test]
    fn the_network_meeting_invites_the_municipalities_that_used_the_model_within_a_year() {
        let m = julemaerkehjem();
        let today = date(2026, 12, 7);
        let (home, other_home) = (1, 2);
        let open = course("julemaerkehjem", home, 10, &[(100, "kontaktperson"), (900, "barn")]);
        let closed_lately = closed_on(course("julemaerkehjem", home, 11, &[(101, "kontaktperson")]), date(2026, 1, 5));
        let closed_long_ago = closed_on(course("julemaerkehjem", home, 12, &[(102, "kontaktperson")]), date(2025, 11, 30));
        let elsewhere = course("julemaerkehjem", other_home, 13, &[(103, "kontaktperson")]);
        let other_model = course("familiens_fremtid", home, 14, &[(104, "kontaktperson")]);
        let courses = [&open, &closed_lately, &closed_long_ago, &elsewhere, &other_model];
        let tovholdere = |org: OrgId, role: &str| -> Vec<PersonId> {
            assert_eq!(role, "tovholder");
            vec![PersonId(org.0 * 1000)]
        };
        let list = invitation_list(&m, "netvaerksmoede", OrgId(home), &courses, &tovholdere, today);
        assert_eq!(list, vec![PersonId(100), PersonId(101), PersonId(10_000), PersonId(11_000)]);
        // The same course twice, or two courses of one municipality, list each person once.
        let again = course("julemaerkehjem", home, 10, &[(100, "kontaktperson")]);
        let list = invitation_list(&m, "netvaerksmoede", OrgId(home), &[&open, &again], &tovholdere, today);
        assert_eq!(list, vec![PersonId(100), PersonId(10_000)]);
        assert!(invitation_list(&m, "no_such_kind", OrgId(home), &courses, &tovholdere, today).is_empty());
    }

    fn activity(capacity: u32, invited: &[i64]) -> Activity {
        Activity {
            id: 1,
            org: OrgId(1),
            model: "m".into(),
            kind: "k".into(),
            title: "Supervision".into(),
            place: "Fjordlyst".into(),
            capacity,
            sessions: vec![Session { n: 1, start: date(2027, 1, 12).at(17, 0, 0, 0), minutes: 120, attended: None }],
            invitees: invited.iter().map(|p| Invitee { person: PersonId(*p), computed: true, answer: Answer::Pending, answered: None, invited: 0 }).collect(),
            notes: vec![],
            summary: None,
            sequence: 0,
            cancelled: None,
            created_by: PersonId(1),
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn sign_up_keeps_within_the_places_and_attendance_waits_for_the_day() {
        let before = date(2027, 1, 10).at(9, 0, 0, 0);
        let mut a = activity(1, &[5, 6]);
        answer(&mut a, PersonId(5), true, Timestamp::UNIX_EPOCH, before).unwrap();
        let full = answer(&mut a, PersonId(6), true, Timestamp::UNIX_EPOCH, before).unwrap_err();
        assert!(full.contains("ikke flere ledige pladser"), "{full}");
        // Saying yes again is no second place; declining frees it.
        answer(&mut a, PersonId(5), true, Timestamp::UNIX_EPOCH, before).unwrap();
        answer(&mut a, PersonId(5), false, Timestamp::UNIX_EPOCH, before).unwrap();
        answer(&mut a, PersonId(6), true, Timestamp::UNIX_EPOCH, before).unwrap();
        assert_eq!((a.signed_up(), a.places_left()), (1, 0));
        assert!(answer(&mut a, PersonId(7), true, Timestamp::UNIX_EPOCH, before).is_err());

        assert!(record_attendance(&mut a, 1, &[PersonId(6)], before).unwrap_err().contains("begyndt"));
        let during = date(2027, 1, 12).at(17, 30, 0, 0);
        assert!(record_attendance(&mut a, 1, &[PersonId(8)], during).is_err());
        assert!(record_attendance(&mut a, 2, &[PersonId(6)], during).is_err());
        record_attendance(&mut a, 1, &[PersonId(6), PersonId(6)], during).unwrap();
        assert_eq!(a.sessions[0].attended, Some(vec![PersonId(6)]));
        assert!(answer(&mut a, PersonId(5), true, Timestamp::UNIX_EPOCH, during).unwrap_err().contains("lukket"));
    }

    #[test]
    fn a_note_names_no_child() {
        let children = vec!["Malthe Brandt".to_string(), "Ida-Marie Holm".to_string()];
        assert!(check_note("Vi talte om søvn og faste rammer.", &children).is_ok());
        assert!(check_note("Malthe sover dårligt", &children).unwrap_err().contains("«Malthe»"));
        assert!(check_note("hvordan har ida-marie det?", &children).is_err());
        // A name inside another word is no name.
        assert!(check_note("Idamarie-kurset", &children).is_ok());
        assert!(check_note("CPR 010203-1234", &children).unwrap_err().contains("CPR"));
        assert!(check_note("  ", &children).is_err());
    }
}
