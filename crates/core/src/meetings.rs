//! Meetings: the kinds a model declares (with a time-boxed default agenda and a checklist per
//! round), a course's planned meetings, and the rules around them: whether an agenda fits the
//! meeting, and the cadence rule that gives a caseworker a task to call the family when no
//! meeting is booked within the interval (Ballerup's "proaktive telefonopkald").

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use jiff::civil::{Date, DateTime};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::PersonId;
use crate::span::{Span, Window};
use crate::stamp::{Recorded, Stamp};

/// A kind of meeting in a model file (`[meeting_types.netvaerksmoede]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingType {
    pub label: String,
    /// What the meeting is for, shown when planning it.
    #[serde(default)]
    pub purpose: String,
    /// The meeting's length.
    pub minutes: u32,
    /// Extra room time for setting up and clearing (the room is booked this much longer).
    #[serde(default)]
    pub room_extra: u32,
    /// The default agenda, copied into each meeting of this kind where it can be edited.
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    /// The checklist followed for each meeting of this kind (`[checklists.X]`).
    pub checklist: Option<String>,
    /// The agenda is mailed to the participants this long before the meeting.
    pub agenda_before: Option<Span>,
    /// After the meeting the family plan must be sent within this long (a task until done).
    pub plan_within: Option<Span>,
    /// Held only with the family: planning it without a family member among the participants is
    /// refused (Ballerup: "kun afholdes møder, hvor familierne er til stede").
    #[serde(default)]
    pub with_family: bool,
    /// Questions the family answers on their own pages before the meeting (Furesø's "Din
    /// forberedelse til netværksmødet"); the coordinator reads the answers on the meeting page.
    pub preparation: Option<Preparation>,
    /// Minutes of this kind may be shown on the family's pages, when their author chooses to.
    #[serde(default)]
    pub minutes_to_family: bool,
}

/// The family's preparation for a kind of meeting.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preparation {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub questions: Vec<String>,
}

/// A family member's answers to a meeting's preparation questions, in the questions' order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    pub person: PersonId,
    pub answers: Vec<String>,
    pub stamp: Stamp,
}

/// A checklist for a round of meetings: steps, each ticked with a date and who did it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistDef {
    pub label: String,
    pub steps: IndexMap<String, String>,
}

/// Meetings of `meetings` are to follow each other within `within`; when none is booked in
/// time, the `owner` gets a task (from `call_after` on) to call the family.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceDef {
    pub id: String,
    pub label: String,
    pub meetings: Vec<String>,
    /// The course date that counts as the first anchor (e.g. the first contact), if any.
    pub start: Option<String>,
    pub call_after: Span,
    pub within: Span,
    pub owner: Vec<String>,
}

/// A phase of the process (`[phases.udredning]`), with its expected length.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDef {
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Expected to take at least this long (shown as "6–8 måneder").
    pub min: Option<Span>,
    /// Expected to take at most this long; past it the course page says so.
    pub max: Option<Span>,
}

/// How long an agenda point takes: "5", "5-10" (a range) or "5/deltager" (per participant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(into = "String")]
#[schemars(with = "String")]
pub enum TimeBox {
    Fixed(u32),
    Range(u32, u32),
    PerParticipant(u32),
    /// No time of its own (e.g. "Afrunding").
    Open,
}

impl TimeBox {
    pub fn parse(s: &str) -> Result<TimeBox, String> {
        let s = s.trim();
        let num = |t: &str| t.trim().parse::<u32>().ok().filter(|n| *n <= 600);
        let bad = || format!("'{s}' skal være minutter som \"5\", \"5-10\" eller \"5/deltager\"");
        if s.is_empty() {
            return Ok(TimeBox::Open);
        }
        if let Some(per) = s.strip_suffix("/deltager") {
            return num(per).map(TimeBox::PerParticipant).ok_or_else(bad);
        }
        if let Some((a, b)) = s.split_once(['-', '–']) {
            return match (num(a), num(b)) {
                (Some(a), Some(b)) if a <= b => Ok(TimeBox::Range(a, b)),
                _ => Err(bad()),
            };
        }
        num(s).map(TimeBox::Fixed).ok_or_else(bad)
    }

    /// Least and most minutes, given how many take part.
    pub fn minutes(self, participants: u32) -> (u32, u32) {
        match self {
            TimeBox::Fixed(n) => (n, n),
            TimeBox::Range(a, b) => (a, b),
            TimeBox::PerParticipant(n) => (n * participants, n * participants),
            TimeBox::Open => (0, 0),
        }
    }

    /// Danish wording: "5 minutter", "5–10 minutter", "5 minutter pr. deltager".
    pub fn to_danish(self) -> String {
        match self {
            TimeBox::Fixed(n) => format!("{n} minutter"),
            TimeBox::Range(a, b) => format!("{a}–{b} minutter"),
            TimeBox::PerParticipant(n) => format!("{n} minutter pr. deltager"),
            TimeBox::Open => String::new(),
        }
    }
}

impl fmt::Display for TimeBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeBox::Fixed(n) => write!(f, "{n}"),
            TimeBox::Range(a, b) => write!(f, "{a}-{b}"),
            TimeBox::PerParticipant(n) => write!(f, "{n}/deltager"),
            TimeBox::Open => Ok(()),
        }
    }
}

impl From<TimeBox> for String {
    fn from(t: TimeBox) -> String {
        t.to_string()
    }
}

impl<'de> Deserialize<'de> for TimeBox {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TimeBox::parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub title: String,
    #[serde(default = "open_box")]
    pub time: TimeBox,
}

fn open_box() -> TimeBox {
    TimeBox::Open
}

/// An agenda's planned total against the meeting's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AgendaFit {
    pub least: u32,
    pub most: u32,
    pub length: u32,
}

impl AgendaFit {
    pub fn fits(&self) -> bool {
        self.most <= self.length
    }
}

/// The agenda's total time, counting "per participant" points once per participant.
pub fn agenda_fit(agenda: &[AgendaItem], participants: u32, length: u32) -> AgendaFit {
    let (least, most) = agenda.iter().map(|i| i.time.minutes(participants)).fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
    AgendaFit { least, most, length }
}

/// Who takes part: a member of the course (staff in a role or a family member), or someone in
/// the family's network without a place in the course (a grandmother, a psychiatrist).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    Person(PersonId),
    Network(u32),
}

impl Who {
    /// A stable key for forms ("p12", "n3").
    pub fn key(self) -> String {
        match self {
            Who::Person(p) => format!("p{p}"),
            Who::Network(n) => format!("n{n}"),
        }
    }

    pub fn from_key(s: &str) -> Option<Who> {
        let (kind, n) = s.split_at_checked(1)?;
        match kind {
            "p" => n.parse().ok().map(|n| Who::Person(PersonId(n))),
            "n" => n.parse().ok().map(Who::Network),
            _ => None,
        }
    }
}

/// A meeting as planned (or re-planned): the journal records the whole form each time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingForm {
    pub meeting: u32,
    pub kind: String,
    /// Local time in Europe/Copenhagen.
    pub start: DateTime,
    pub minutes: u32,
    pub place: String,
    pub attendees: Vec<Who>,
    pub agenda: Vec<AgendaItem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Planned,
    Held,
    Cancelled,
}

/// Someone who cannot come, and who comes instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apology {
    pub who: Who,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitute: Option<String>,
    pub stamp: Stamp,
}

/// What was said, on the seed's minutes template; agreements are recorded apart, linked to
/// the meeting, so they can be followed up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Minutes {
    pub present: Vec<Who>,
    pub story: String,
    pub best_hope: String,
    /// Each professional's round: what works, what challenges.
    pub rounds: Vec<Round>,
    pub dialogue: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Round {
    pub who: Who,
    pub works: String,
    pub challenges: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: u32,
    pub form: MeetingForm,
    /// Bumped each time the meeting is re-planned, so calendars replace the old invitation.
    pub sequence: u32,
    pub status: MeetingStatus,
    pub planned: Stamp,
    pub apologies: Vec<Apology>,
    /// When invitations last went out, and for which version of the meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited: Option<(u32, Stamp)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<(Minutes, Stamp)>,
    /// Checklist steps done: step id → (the day it was done, who recorded it).
    pub checklist: BTreeMap<String, (Date, Stamp)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Recorded>,
    /// The family's answers to the preparation questions, one per family member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preparations: Vec<Prepared>,
    /// The minutes are shown on the family's pages (their author chose so).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub minutes_shared: bool,
}

impl Meeting {
    pub fn date(&self) -> Date {
        self.form.start.date()
    }

    pub fn apology(&self, who: Who) -> Option<&Apology> {
        self.apologies.iter().find(|a| a.who == who)
    }

    /// Invitations are out of date once the meeting was re-planned after they were sent.
    pub fn invitations_current(&self) -> bool {
        self.invited.as_ref().is_some_and(|(seq, _)| *seq == self.sequence)
    }
}

/// One task per gap in the cadence: every non-cancelled meeting of the cadence's kinds (and the
/// start date, if given) is an anchor; when no such meeting is booked after an anchor and no
/// later than `within` after it, the owner must call the family, in the window
/// [anchor + call_after, anchor + within]. The task's id names its anchor, so calling once
/// does not silence the next gap.
pub fn cadence_gaps(start: Option<Date>, meetings: &[Date], call_after: Span, within: Span) -> Vec<(Date, Window)> {
    let mut anchors: Vec<Date> = meetings.to_vec();
    anchors.extend(start);
    anchors.sort();
    anchors.dedup();
    let mut out = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let (Some(from), Some(to)) = (call_after.shift(*a, 1), within.shift(*a, 1)) else { continue };
        let next = anchors.get(i + 1);
        if next.is_none_or(|n| *n > to) {
            out.push((*a, Window { from: from.min(to), to }));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn time_boxes_parse_and_sum_like_the_seed_agenda() {
        let items: Vec<AgendaItem> = [
            ("Velkomst", "5"),
            ("Rammer", "5"),
            ("Familiens indlæg", "5-10"),
            ("Netværket", "5/deltager"),
            ("Pause", "10"),
            ("Dialog", "50"),
            ("Opsamling", "10"),
            ("Næste møde", "5"),
            ("Afrunding", ""),
        ]
        .iter()
        .map(|(t, b)| AgendaItem { title: t.to_string(), time: TimeBox::parse(b).unwrap() })
        .collect();
        let fit = agenda_fit(&items, 4, 120);
        assert_eq!((fit.least, fit.most), (110, 115));
        assert!(fit.fits());
        let fit = agenda_fit(&items, 6, 120);
        assert_eq!(fit.most, 125);
        assert!(!fit.fits(), "six presentations of five minutes do not fit in two hours");
        assert_eq!(TimeBox::parse("5–10").unwrap(), TimeBox::Range(5, 10));
        assert!(TimeBox::parse("10-5").is_err());
        assert!(TimeBox::parse("fem").is_err());
        assert_eq!(TimeBox::PerParticipant(5).to_danish(), "5 minutter pr. deltager");
    }

    #[test]
    fn who_keys_round_trip() {
        for w in [Who::Person(PersonId(12)), Who::Network(3)] {
            assert_eq!(Who::from_key(&w.key()), Some(w));
        }
        assert_eq!(Who::from_key("x1"), None);
        assert_eq!(Who::from_key(""), None);
    }

    #[test]
    fn a_booked_meeting_inside_the_interval_leaves_no_call() {
        let six = Span::Weeks(6);
        let twelve = Span::Weeks(12);
        let first = date(2026, 9, 1);
        assert_eq!(cadence_gaps(Some(first), &[date(2026, 10, 20)], six, twelve).len(), 1, "only the gap after the last meeting");
        let gaps = cadence_gaps(Some(first), &[date(2027, 3, 1)], six, twelve);
        assert_eq!(gaps[0].0, first, "six months from first contact to the first meeting is a gap");
        assert_eq!(gaps[0].1, Window { from: date(2026, 10, 13), to: date(2026, 11, 24) });
    }

    proptest::proptest! {
        /// A call task exists for an anchor exactly when no later anchor falls within the interval.
        #[test]
        fn cadence_property(offsets in proptest::collection::vec(0i32..400, 0..8), start in proptest::option::of(0i32..50)) {
            let base = date(2026, 1, 1);
            let day = |n: i32| base.checked_add(jiff::ToSpan::days(n)).unwrap();
            let meetings: Vec<Date> = offsets.iter().map(|o| day(*o)).collect();
            let start = start.map(day);
            let gaps = cadence_gaps(start, &meetings, Span::Weeks(6), Span::Weeks(12));
            let mut anchors: Vec<Date> = meetings.iter().copied().chain(start).collect();
            anchors.sort();
            anchors.dedup();
            for a in &anchors {
                let limit = a.checked_add(jiff::ToSpan::weeks(12)).unwrap();
                let booked = anchors.iter().any(|m| m > a && *m <= limit);
                let task = gaps.iter().any(|(g, _)| g == a);
                proptest::prop_assert_eq!(task, !booked, "anchor {}", a);
            }
            proptest::prop_assert!(gaps.iter().all(|(a, w)| w.from > *a && w.from <= w.to));
            // The last anchor always leaves a gap: someone must book or call.
            proptest::prop_assert_eq!(anchors.is_empty(), gaps.is_empty());
        }
    }
}
