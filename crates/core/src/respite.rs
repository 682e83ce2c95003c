//! Respite (aflastning): an institution offers places (weekend stays, holiday trips, leisure)
//! over a span of dates with a capacity per date, and the foster-care consultant books a child in
//! for some of those dates. A booking is refused when the child is already booked on one of its
//! dates (on any offer), or when one of its dates is full. The offers and bookings are the
//! organisation's own data; each booking is also written to the child's course journal.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::format_date_da;
use crate::ids::{CourseId, OrgId, PersonId};

/// The model's `[respite]`: whose offers a course's child is booked on, who books, and which
/// family role is the child.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RespiteDef {
    pub party: String,
    pub booked_by: Vec<String>,
    pub child: String,
}

/// The kinds of respite: id → Danish label.
pub const KINDS: &[(&str, &str)] = &[("weekend", "Weekendophold"), ("ferie", "Ferietur"), ("fritid", "Fritidstilbud")];

pub fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, l)| l)
}

/// At most this many places on one offer, and this many days long.
pub const MAX_CAPACITY: u32 = 100;
pub const MAX_DAYS: i32 = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Offer {
    pub id: i64,
    pub org: OrgId,
    pub kind: String,
    pub title: String,
    /// The first and the last day (both included).
    pub from: Date,
    pub to: Date,
    /// Children per day.
    pub capacity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Booking {
    pub id: i64,
    pub offer: i64,
    pub course: CourseId,
    pub child: PersonId,
    pub from: Date,
    pub to: Date,
}

fn overlaps(a: (Date, Date), b: (Date, Date)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// A new offer's refusals, by field, in Danish.
pub fn check_offer(kind: &str, title: &str, from: Date, to: Date, capacity: u32) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        out.push(("kind", "Vælg, hvilken slags aflastning det er.".to_string()));
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 120 || crate::cpr::contains_cpr(title) {
        out.push(("title", "Skriv en kort titel (højst 120 tegn), fx «Weekend på Fjordlyst».".to_string()));
    }
    if to < from {
        out.push(("to", "Den sidste dag skal ligge efter den første.".to_string()));
    } else if !from.until(to).is_ok_and(|s| s.get_days() < MAX_DAYS) {
        out.push(("to", format!("Et tilbud varer højst {MAX_DAYS} dage; del det op.")));
    }
    if capacity == 0 || capacity > MAX_CAPACITY {
        out.push(("capacity", format!("Antal pladser skal være mellem 1 og {MAX_CAPACITY}.")));
    }
    out
}

/// How many places are free on each day of the offer, given its bookings.
pub fn free_places(offer: &Offer, bookings: &[Booking]) -> Vec<(Date, u32)> {
    let mut out = Vec::new();
    let mut day = offer.from;
    while day <= offer.to {
        let taken = bookings.iter().filter(|b| b.offer == offer.id && b.from <= day && day <= b.to).count();
        out.push((day, offer.capacity.saturating_sub(u32::try_from(taken).unwrap_or(u32::MAX))));
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    out
}

/// Whether `child` may be booked on `offer` from `from` to `to`: the dates within the offer's,
/// no day full (`on_offer`: the offer's bookings), the child booked nowhere else then (`childs`:
/// the child's bookings on every offer). The refusal by field, in Danish.
pub fn check_booking(offer: &Offer, on_offer: &[Booking], childs: &[Booking], from: Date, to: Date) -> Result<(), (&'static str, String)> {
    if to < from {
        return Err(("to", "Den sidste dag skal ligge efter den første.".into()));
    }
    if from < offer.from || to > offer.to {
        return Err(("from", format!("{} er fra {} til {}.", offer.title, format_date_da(offer.from), format_date_da(offer.to))));
    }
    if let Some(b) = childs.iter().find(|b| overlaps((b.from, b.to), (from, to))) {
        return Err(("from", format!("Barnet er allerede booket til aflastning {} – {}.", format_date_da(b.from), format_date_da(b.to))));
    }
    if let Some((day, _)) = free_places(offer, on_offer).into_iter().find(|(d, free)| *free == 0 && from <= *d && *d <= to) {
        return Err(("from", format!("Der er ikke flere pladser {}.", format_date_da(day))));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn offer(capacity: u32) -> Offer {
        Offer { id: 1, org: OrgId(1), kind: "weekend".into(), title: "Weekend på Fjordlyst".into(), from: date(2027, 3, 12), to: date(2027, 3, 14), capacity }
    }

    fn booking(id: i64, offer: i64, child: i64, from: Date, to: Date) -> Booking {
        Booking { id, offer, course: CourseId(child), child: PersonId(child), from, to }
    }

    #[test]
    fn a_full_day_refuses_the_next_child_and_names_the_day() {
        let o = offer(2);
        let on = [booking(1, 1, 10, date(2027, 3, 12), date(2027, 3, 14)), booking(2, 1, 11, date(2027, 3, 13), date(2027, 3, 13))];
        assert_eq!(free_places(&o, &on), vec![(date(2027, 3, 12), 1), (date(2027, 3, 13), 0), (date(2027, 3, 14), 1)]);
        let refused = check_booking(&o, &on, &[], date(2027, 3, 12), date(2027, 3, 14)).unwrap_err();
        assert_eq!(refused.1, "Der er ikke flere pladser 13. mar. 2027.");
        assert!(check_booking(&o, &on, &[], date(2027, 3, 14), date(2027, 3, 14)).is_ok(), "Sunday still has a place");
    }

    #[test]
    fn a_child_is_never_booked_twice_on_the_same_day_on_any_offer() {
        let o = offer(5);
        let elsewhere = [booking(3, 2, 10, date(2027, 3, 14), date(2027, 3, 20))];
        assert!(check_booking(&o, &[], &elsewhere, date(2027, 3, 12), date(2027, 3, 14)).unwrap_err().1.starts_with("Barnet er allerede booket"));
        assert!(check_booking(&o, &[], &elsewhere, date(2027, 3, 12), date(2027, 3, 13)).is_ok(), "the days before are free");
    }

    #[test]
    fn dates_outside_the_offer_or_backwards_are_refused() {
        let o = offer(5);
        assert_eq!(check_booking(&o, &[], &[], date(2027, 3, 11), date(2027, 3, 12)).unwrap_err().0, "from");
        assert_eq!(check_booking(&o, &[], &[], date(2027, 3, 14), date(2027, 3, 12)).unwrap_err().0, "to");
    }

    #[test]
    fn an_offer_needs_a_kind_a_title_sensible_dates_and_places() {
        assert!(check_offer("weekend", "Weekend", date(2027, 3, 12), date(2027, 3, 14), 4).is_empty());
        let fields: Vec<&str> = check_offer("fest", " ", date(2027, 3, 14), date(2027, 3, 12), 0).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["kind", "title", "to", "capacity"]);
        assert_eq!(check_offer("ferie", "Sommer", date(2027, 6, 1), date(2027, 9, 1), 4)[0].0, "to", "at most 60 days");
    }
}
