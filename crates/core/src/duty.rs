//! An institution's on-call duty (beredskab) for the foster families it supports: who is on call
//! when, its opening hours, and where the roster leaves a gap (a time outside opening hours with
//! nobody on call) or has two on call at once. Shifts and opening hours are entered in
//! Copenhagen time and compared as instants, so a night across a summer-time change is as long
//! as it really is.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{Disambiguation, TimeZone};

use crate::ids::PersonId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub id: i64,
    pub person: PersonId,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// Opening hours by weekday (Monday first): when staff answer without an on-call duty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningHours(pub [Option<(Time, Time)>; 7]);

/// A span of time, from inclusive to exclusive.
pub type Span = (Timestamp, Timestamp);

/// A Copenhagen wall-clock time as an instant. A time that does not exist (the hour skipped in
/// spring) is taken as the instant after the gap; one that occurs twice (autumn) as the first.
pub fn local_instant(tz: &TimeZone, dt: DateTime) -> Result<Timestamp, String> {
    tz.to_ambiguous_zoned(dt).disambiguate(Disambiguation::Compatible).map(|z| z.timestamp()).map_err(|e| e.to_string())
}

/// Who is on call at `at`: every shift covering it.
pub fn on_duty(shifts: &[Shift], at: Timestamp) -> Vec<&Shift> {
    shifts.iter().filter(|s| s.from <= at && at < s.to).collect()
}

/// A shift's refusal, in Danish, if it is not a sensible one.
pub fn check_shift(from: Timestamp, to: Timestamp) -> Result<(), String> {
    if to <= from {
        return Err("Vagten skal slutte, efter den begynder.".into());
    }
    if to.duration_since(from) > jiff::SignedDuration::from_hours(24 * 7) {
        return Err("En vagt varer højst en uge; del den op.".into());
    }
    Ok(())
}

fn weekday_index(d: Date) -> usize {
    match d.weekday() {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

/// The times within `[from, to)` when the institution is open, as instants.
fn open_spans(tz: &TimeZone, hours: &OpeningHours, from: Timestamp, to: Timestamp) -> Vec<Span> {
    let mut out = Vec::new();
    let Ok(mut day) = from.to_zoned(tz.clone()).date().yesterday() else { return out };
    let last = to.to_zoned(tz.clone()).date();
    while day <= last {
        if let Some((opens, closes)) = hours.0[weekday_index(day)]
            && let (Ok(a), Ok(b)) = (local_instant(tz, day.to_datetime(opens)), local_instant(tz, day.to_datetime(closes)))
        {
            let (a, b) = (a.max(from), b.min(to));
            if a < b {
                out.push((a, b));
            }
        }
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    out
}

/// Whether the institution is open at `at` (staff answer without the on-call duty).
pub fn is_open(tz: &TimeZone, hours: &OpeningHours, at: Timestamp) -> bool {
    !open_spans(tz, hours, at, at + jiff::SignedDuration::from_secs(1)).is_empty()
}

/// `spans` minus `minus`, both sorted by start; the result sorted.
fn subtract(spans: Vec<Span>, minus: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for (mut a, b) in spans {
        for &(c, d) in minus {
            if d <= a || c >= b {
                continue;
            }
            if c > a {
                out.push((a, c));
            }
            a = a.max(d);
            if a >= b {
                break;
            }
        }
        if a < b {
            out.push((a, b));
        }
    }
    out
}

/// Sorted, with touching and overlapping spans joined.
fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::new();
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Outside opening hours with nobody on call.
    pub gaps: Vec<Span>,
    /// Two or more on call at once.
    pub overlaps: Vec<Span>,
}

/// The roster's gaps and overlaps within `[from, to)`.
pub fn coverage(tz: &TimeZone, hours: &OpeningHours, shifts: &[Shift], from: Timestamp, to: Timestamp) -> Coverage {
    let open = union(open_spans(tz, hours, from, to));
    let closed = subtract(vec![(from, to)], &open);
    let covered = union(shifts.iter().map(|s| (s.from.max(from), s.to.min(to))).filter(|(a, b)| a < b).collect());
    let gaps = subtract(closed, &covered);
    let mut pairs = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        for t in &shifts[i + 1..] {
            let (a, b) = (s.from.max(t.from).max(from), s.to.min(t.to).min(to));
            if a < b {
                pairs.push((a, b));
            }
        }
    }
    Coverage { gaps, overlaps: union(pairs) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn cph() -> TimeZone {
        crate::calendar::copenhagen().unwrap()
    }

    fn at(d: Date, h: i8, m: i8) -> Timestamp {
        local_instant(&cph(), d.at(h, m, 0, 0)).unwrap()
    }

    fn shift(id: i64, person: i64, from: Timestamp, to: Timestamp) -> Shift {
        Shift { id, person: PersonId(person), from, to }
    }

    /// Weekdays 8–16, weekends closed.
    fn office() -> OpeningHours {
        let day = Some((time(8, 0, 0, 0), time(16, 0, 0, 0)));
        OpeningHours([day, day, day, day, day, None, None])
    }

    #[test]
    fn a_night_across_the_spring_change_is_eleven_hours_and_an_autumn_one_thirteen() {
        let spring = shift(1, 1, at(date(2027, 3, 27), 20, 0), at(date(2027, 3, 28), 8, 0));
        assert_eq!(spring.to.duration_since(spring.from), jiff::SignedDuration::from_hours(11));
        let autumn = shift(2, 1, at(date(2027, 10, 30), 20, 0), at(date(2027, 10, 31), 8, 0));
        assert_eq!(autumn.to.duration_since(autumn.from), jiff::SignedDuration::from_hours(13));
        // 02:30 on the spring night does not exist: it is taken as 03:30 summer time.
        assert_eq!(at(date(2027, 3, 28), 2, 30), at(date(2027, 3, 28), 3, 30));
    }

    #[test]
    fn the_person_on_call_at_two_on_a_sunday_night() {
        let shifts = [shift(1, 7, at(date(2027, 3, 27), 16, 0), at(date(2027, 3, 28), 8, 0)), shift(2, 8, at(date(2027, 3, 28), 8, 0), at(date(2027, 3, 29), 8, 0))];
        let now = at(date(2027, 3, 28), 2, 0);
        assert_eq!(on_duty(&shifts, now).iter().map(|s| s.person).collect::<Vec<_>>(), vec![PersonId(7)]);
        // The hand-over instant belongs to the next shift.
        assert_eq!(on_duty(&shifts, at(date(2027, 3, 28), 8, 0)).iter().map(|s| s.person).collect::<Vec<_>>(), vec![PersonId(8)]);
    }

    #[test]
    fn a_weekend_roster_shows_its_gap_and_its_overlap() {
        // Friday 16:00 to Monday 08:00 must be covered; Saturday 20–22 is not, and Sunday 07–08
        // has two on call.
        let fri = date(2027, 3, 26);
        let shifts = [
            shift(1, 1, at(fri, 16, 0), at(date(2027, 3, 27), 20, 0)),
            shift(2, 2, at(date(2027, 3, 27), 22, 0), at(date(2027, 3, 28), 8, 0)),
            shift(3, 3, at(date(2027, 3, 28), 7, 0), at(date(2027, 3, 29), 8, 0)),
        ];
        let c = coverage(&cph(), &office(), &shifts, at(fri, 12, 0), at(date(2027, 3, 29), 12, 0));
        assert_eq!(c.gaps, vec![(at(date(2027, 3, 27), 20, 0), at(date(2027, 3, 27), 22, 0))]);
        assert_eq!(c.overlaps, vec![(at(date(2027, 3, 28), 7, 0), at(date(2027, 3, 28), 8, 0))]);
    }

    #[test]
    fn no_shifts_leave_every_closed_hour_a_gap_and_open_hours_none() {
        let mon = date(2027, 3, 29);
        let c = coverage(&cph(), &office(), &[], at(mon, 0, 0), at(date(2027, 3, 30), 0, 0));
        assert_eq!(c.gaps, vec![(at(mon, 0, 0), at(mon, 8, 0)), (at(mon, 16, 0), at(date(2027, 3, 30), 0, 0))]);
        assert!(c.overlaps.is_empty());
    }

    #[test]
    fn open_on_a_weekday_at_nine_and_closed_at_four_and_on_sunday() {
        let mon = date(2027, 3, 29);
        assert!(is_open(&cph(), &office(), at(mon, 9, 0)));
        assert!(!is_open(&cph(), &office(), at(mon, 16, 0)), "closing time is closed");
        assert!(!is_open(&cph(), &office(), at(date(2027, 3, 28), 10, 0)));
    }

    #[test]
    fn a_shift_must_end_after_it_begins_and_last_at_most_a_week() {
        let d = date(2027, 1, 4);
        assert!(check_shift(at(d, 8, 0), at(d, 8, 0)).is_err());
        assert!(check_shift(at(d, 8, 0), at(date(2027, 1, 12), 8, 0)).is_err());
        assert!(check_shift(at(d, 8, 0), at(date(2027, 1, 11), 8, 0)).is_ok());
    }
}
