//! Support requests (henvendelser): a family member in a role the model names (a foster parent)
//! asks the course's fixed contact for help on a topic and says how urgent it is; the model sets
//! the answer's deadline by urgency. The request is a thread for the family, so the answer is a
//! message in the course. An acute request also goes to whoever is on call at the institution
//! right then (the application finds them on its duty roster): they log what was done, and the
//! fixed contact follows it up the next working day.

use indexmap::IndexMap;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{is_working_day, today_in_copenhagen, working_day_on_or_after};
use crate::ids::PersonId;
use crate::span::{Span, Window};
use crate::stamp::Stamp;

/// The model's `[requests]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestsDef {
    /// The family roles that may ask (e.g. plejeforaelder).
    pub made_by: Vec<String>,
    /// The course roles that answer (e.g. the fixed contact).
    pub answered_by: Vec<String>,
    /// What a request can be about: id → Danish label.
    pub topics: IndexMap<String, String>,
    /// How urgent: id → label, deadline and whether it is acute.
    pub urgencies: IndexMap<String, UrgencyDef>,
    /// The party whose on-call duty (beredskab) takes acute requests and whose duty phone the
    /// family sees.
    #[serde(default)]
    pub duty_party: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencyDef {
    pub label: String,
    /// The answer is due this long after the request (a deadline on a weekend or holiday moves
    /// to the next working day).
    pub within: Span,
    /// Acute: it goes to whoever is on call now as well, who logs what was done.
    #[serde(default)]
    pub acute: bool,
}

/// A request as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: u32,
    /// Its thread: the request's text is the first message, the answers follow.
    pub thread: u32,
    pub topic: String,
    pub urgency: String,
    /// The fixed contacts it went to.
    pub to: Vec<PersonId>,
    /// Whoever was on call when an acute request came in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_duty: Vec<PersonId>,
    pub made: Stamp,
    /// The first message in its thread by someone other than the one who asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<Stamp>,
    /// The first message in its thread by one of the fixed contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_replied: Option<Stamp>,
    /// Acute: what the person on call did, and who logged it when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logged: Option<(String, Stamp)>,
}

impl Request {
    /// The day it came in, in Copenhagen.
    pub fn day(&self) -> Option<Date> {
        today_in_copenhagen(self.made.at).ok()
    }

    /// When the answer is due: `within` after the day it came in, on a working day.
    pub fn due(&self, def: &UrgencyDef) -> Option<Window> {
        let from = self.day()?;
        let to = working_day_on_or_after(def.within.shift(from, 1)?)?;
        Some(Window { from, to })
    }

    /// The fixed contact's follow-up of an acute request: the first working day after it came in.
    pub fn follow_up(&self) -> Option<Window> {
        let day = next_working_day(self.day()?)?;
        Some(Window { from: day, to: day })
    }

    /// A message was posted in its thread.
    pub fn on_message(&mut self, stamp: &Stamp) {
        if stamp.by == self.made.by {
            return;
        }
        if self.answered.is_none() {
            self.answered = Some(stamp.clone());
        }
        if self.contact_replied.is_none() && self.to.contains(&stamp.by) {
            self.contact_replied = Some(stamp.clone());
        }
    }
}

/// The first working day after `d`.
pub fn next_working_day(d: Date) -> Option<Date> {
    let mut day = d.tomorrow().ok()?;
    while !is_working_day(day) {
        day = day.tomorrow().ok()?;
    }
    Some(day)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn request(at: &str) -> Request {
        let at: jiff::Timestamp = at.parse().unwrap();
        Request {
            id: 1,
            thread: 1,
            topic: "samvaer".into(),
            urgency: "x".into(),
            to: vec![PersonId(2)],
            on_duty: vec![PersonId(3)],
            made: Stamp { at, by: PersonId(1) },
            answered: None,
            contact_replied: None,
            logged: None,
        }
    }

    fn urgency(within: &str) -> UrgencyDef {
        UrgencyDef { label: "x".into(), within: Span::parse(within).unwrap(), acute: false }
    }

    #[test]
    fn the_day_is_copenhagens_and_a_deadline_on_a_holiday_moves_to_the_next_working_day() {
        // 23:30 UTC on Wednesday 24 March 2027 is already Skærtorsdag in Copenhagen.
        let r = request("2027-03-24T23:30:00Z");
        assert_eq!(r.day(), Some(date(2027, 3, 25)));
        // Two days on is Saturday; Påskedag and 2. påskedag follow: Tuesday.
        assert_eq!(r.due(&urgency("2d")).unwrap(), Window { from: date(2027, 3, 25), to: date(2027, 3, 30) });
        assert_eq!(r.due(&urgency("1w")).unwrap().to, date(2027, 4, 1));
    }

    #[test]
    fn an_acute_request_at_two_on_a_sunday_night_is_followed_up_on_monday() {
        // 02:00 on Sunday 7 March 2027 in Copenhagen is 01:00 UTC.
        let r = request("2027-03-07T01:00:00Z");
        assert_eq!(r.day(), Some(date(2027, 3, 7)));
        assert_eq!(r.follow_up().unwrap(), Window { from: date(2027, 3, 8), to: date(2027, 3, 8) });
        // Before Easter: Skærtorsdag, Langfredag, the weekend and 2. påskedag pass.
        assert_eq!(request("2027-03-24T20:00:00Z").follow_up().unwrap().from, date(2027, 3, 30));
    }

    #[test]
    fn answered_by_anyone_but_the_asker_and_replied_by_a_fixed_contact() {
        let mut r = request("2027-03-07T01:00:00Z");
        let at = |by| Stamp { at: "2027-03-07T02:00:00Z".parse().unwrap(), by: PersonId(by) };
        r.on_message(&at(1));
        assert_eq!((r.answered.is_some(), r.contact_replied.is_some()), (false, false), "the asker's own message answers nothing");
        r.on_message(&at(3));
        assert_eq!((r.answered.as_ref().map(|s| s.by), r.contact_replied.is_some()), (Some(PersonId(3)), false), "the person on call answered");
        r.on_message(&at(2));
        assert_eq!((r.answered.as_ref().map(|s| s.by), r.contact_replied.as_ref().map(|s| s.by)), (Some(PersonId(3)), Some(PersonId(2))));
    }
}
