//! The Danish calendar: closing days, working days, Copenhagen time and
//! Danish date formatting.
//!
//! Dates follow jiff's proleptic Gregorian calendar (years -9999..=9999).

use jiff::civil::{Date, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{Timestamp, ToSpan};

const COPENHAGEN: &str = "Europe/Copenhagen";

/// The last year store bededag was a helligdag (abolished by law from 2024).
const LAST_STORE_BEDEDAG: i16 = 2023;

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("Tidszonen Europe/Copenhagen kunne ikke indlæses.")]
    TimeZone(#[source] jiff::Error),
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
///
/// Historically meaningful for 1583..=9999; earlier years get the proleptic
/// Gregorian date. `None` only when `year` is outside jiff's range.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    // Euclidean division keeps the algorithm correct for negative years too.
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = i8::try_from(n / 31).ok()?;
    let day = i8::try_from(n % 31 + 1).ok()?;
    Date::new(year, month, day).ok()
}

/// How a closing day is placed within its year.
enum Rule {
    Fixed {
        month: i8,
        day: i8,
    },
    /// Days after Easter Sunday.
    Easter(i32),
    /// Store bededag: the 4th Friday after Easter, only up to `LAST_STORE_BEDEDAG`.
    StoreBededag,
}

/// Official helligdage first, then the customary closing days: when two fall
/// on the same date (grundlovsdag on pinsedag or 2. pinsedag), the earlier
/// entry's name wins.
const RULES: [(Rule, &str); 14] = [
    (Rule::Fixed { month: 1, day: 1 }, "nytårsdag"),
    (Rule::Easter(-3), "skærtorsdag"),
    (Rule::Easter(-2), "langfredag"),
    (Rule::Easter(0), "påskedag"),
    (Rule::Easter(1), "2. påskedag"),
    (Rule::StoreBededag, "store bededag"),
    (Rule::Easter(39), "Kristi himmelfartsdag"),
    (Rule::Easter(49), "pinsedag"),
    (Rule::Easter(50), "2. pinsedag"),
    (Rule::Fixed { month: 12, day: 25 }, "juledag"),
    (Rule::Fixed { month: 12, day: 26 }, "2. juledag"),
    (Rule::Fixed { month: 6, day: 5 }, "grundlovsdag"),
    (Rule::Fixed { month: 12, day: 24 }, "juleaftensdag"),
    (Rule::Fixed { month: 12, day: 31 }, "nytårsaftensdag"),
];

/// The days Danish public offices are closed in `year`, sorted by date, one
/// entry per date, with their Danish names: the official helligdage
/// (store bededag only up to 2023) plus grundlovsdag, juleaftensdag and
/// nytårsaftensdag. Empty if `year` is outside jiff's range.
pub fn closing_days(year: i16) -> Vec<(Date, &'static str)> {
    let Some(easter) = easter_sunday(year) else {
        return Vec::new();
    };
    let mut days: Vec<(Date, &'static str)> = RULES
        .iter()
        .filter_map(|(rule, name)| {
            let date = match *rule {
                Rule::Fixed { month, day } => Date::new(year, month, day).ok(),
                Rule::Easter(offset) => easter.checked_add(offset.days()).ok(),
                Rule::StoreBededag if year <= LAST_STORE_BEDEDAG => easter.checked_add(26.days()).ok(),
                Rule::StoreBededag => None,
            };
            date.map(|d| (d, *name))
        })
        .collect();
    // Stable sort + dedup keeps the helligdag name on coinciding dates.
    days.sort_by_key(|&(d, _)| d);
    days.dedup_by_key(|&mut (d, _)| d);
    days
}

/// The name of the closing day `d` falls on, if any.
pub fn holiday_name(d: Date) -> Option<&'static str> {
    closing_days(d.year()).into_iter().find_map(|(day, name)| (day == d).then_some(name))
}

/// Monday–Friday and not a closing day.
pub fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && holiday_name(d).is_none()
}

/// `d` itself if it is a working day, else the next working day after it.
/// `None` only when that would lie beyond `Date::MAX`.
pub fn working_day_on_or_after(d: Date) -> Option<Date> {
    let mut day = d;
    // Terminates: the longest closure (skærtorsdag–2. påskedag) is 5 days.
    while !is_working_day(day) {
        day = day.tomorrow().ok()?;
    }
    Some(day)
}

/// `d` itself if it is a working day, else the nearest earlier working day.
/// `None` only when that would lie before `Date::MIN`.
pub fn working_day_on_or_before(d: Date) -> Option<Date> {
    let mut day = d;
    while !is_working_day(day) {
        day = day.yesterday().ok()?;
    }
    Some(day)
}

/// The Europe/Copenhagen time zone. Prefers the system tzdb (it may carry
/// newer rules) and falls back to the copy bundled into the binary, so it
/// also works on hosts with a missing or partial /usr/share/zoneinfo. Looked up once per
/// process: a page asks for today's date once per course it shows, and each lookup in the
/// tzdb took a few per cent of "Mine opgaver".
pub fn copenhagen() -> Result<TimeZone, CalendarError> {
    static HELD: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    if let Some(tz) = HELD.get() {
        return Ok(tz.clone());
    }
    let tz = jiff::tz::db().get(COPENHAGEN).or_else(|_| TimeZoneDatabase::bundled().get(COPENHAGEN)).map_err(CalendarError::TimeZone)?;
    Ok(HELD.get_or_init(|| tz).clone())
}

/// The civil date in Copenhagen at the instant `now`.
pub fn today_in_copenhagen(now: Timestamp) -> Result<Date, CalendarError> {
    Ok(copenhagen()?.to_datetime(now).date())
}

/// A date the Danish way: "23. nov. 2026", "1. maj 2027".
pub fn format_date_da(d: Date) -> String {
    let month = match d.month() {
        1 => "jan.",
        2 => "feb.",
        3 => "mar.",
        4 => "apr.",
        5 => "maj",
        6 => "jun.",
        7 => "jul.",
        8 => "aug.",
        9 => "sep.",
        10 => "okt.",
        11 => "nov.",
        // jiff guarantees 1..=12, so this is December.
        _ => "dec.",
    };
    format!("{}. {} {}", d.day(), month, d.year())
}

/// The Danish name of the weekday of `d` ("mandag" .. "søndag").
pub fn weekday_da(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "mandag",
        Weekday::Tuesday => "tirsdag",
        Weekday::Wednesday => "onsdag",
        Weekday::Thursday => "torsdag",
        Weekday::Friday => "fredag",
        Weekday::Saturday => "lørdag",
        Weekday::Sunday => "søndag",
    }
}

/// An instant in Copenhagen time, Dansk Sprognævn style: "23. nov. 2026 kl. 14.05",
/// "3. jan. 2027 kl. 9.30".
pub fn format_timestamp_da(t: Timestamp) -> Result<String, CalendarError> {
    Ok(format_datetime_da(copenhagen()?.to_datetime(t)))
}

/// A Copenhagen wall-clock time the same way: "3. dec. 2026 kl. 9.00".
pub fn format_datetime_da(dt: jiff::civil::DateTime) -> String {
    format!("{} kl. {}", format_date_da(dt.date()), format_time_da(dt.time()))
}

/// "9.00", "14.05".
pub fn format_time_da(t: jiff::civil::Time) -> String {
    format!("{}.{:02}", t.hour(), t.minute())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn known_easter_dates() {
        for (y, m, d) in [(2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2027, 3, 28), (2038, 4, 25), (2285, 3, 22), (1583, 4, 10), (2000, 4, 23), (1818, 3, 22), (1943, 4, 25)] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
        assert_eq!(easter_sunday(10_000), None);
        assert_eq!(easter_sunday(-10_000), None);
    }

    #[test]
    fn closing_days_2026() {
        let expected = [
            (date(2026, 1, 1), "nytårsdag"),
            (date(2026, 4, 2), "skærtorsdag"),
            (date(2026, 4, 3), "langfredag"),
            (date(2026, 4, 5), "påskedag"),
            (date(2026, 4, 6), "2. påskedag"),
            (date(2026, 5, 14), "Kristi himmelfartsdag"),
            (date(2026, 5, 24), "pinsedag"),
            (date(2026, 5, 25), "2. pinsedag"),
            (date(2026, 6, 5), "grundlovsdag"),
            (date(2026, 12, 24), "juleaftensdag"),
            (date(2026, 12, 25), "juledag"),
            (date(2026, 12, 26), "2. juledag"),
            (date(2026, 12, 31), "nytårsaftensdag"),
        ];
        assert_eq!(closing_days(2026), expected);
        assert!(closing_days(10_000).is_empty());
    }

    #[test]
    fn store_bededag_abolished_from_2024() {
        assert_eq!(holiday_name(date(2023, 5, 5)), Some("store bededag"));
        assert!(!is_working_day(date(2023, 5, 5)));
        // 2024's would have been 26 April.
        assert_eq!(holiday_name(date(2024, 4, 26)), None);
        assert!(is_working_day(date(2024, 4, 26)));
        assert!(closing_days(2024).iter().all(|&(_, n)| n != "store bededag"));
        assert_eq!(closing_days(2023).len(), 14);
        assert_eq!(closing_days(2024).len(), 13);
    }

    #[test]
    fn coinciding_days_keep_the_helligdag_name() {
        // Easter 2022 was 17 April, so pinsedag was 5 June.
        assert_eq!(holiday_name(date(2022, 6, 5)), Some("pinsedag"));
        assert_eq!(closing_days(2022).len(), 13);
        // Easter 2017 was 16 April, so 2. pinsedag was 5 June.
        assert_eq!(holiday_name(date(2017, 6, 5)), Some("2. pinsedag"));
    }

    #[test]
    fn working_day_navigation() {
        // Skærtorsdag 2026 → first working day after Easter is Tuesday 7 April.
        assert_eq!(working_day_on_or_after(date(2026, 4, 2)), Some(date(2026, 4, 7)));
        assert_eq!(working_day_on_or_before(date(2026, 4, 6)), Some(date(2026, 4, 1)));
        assert_eq!(working_day_on_or_after(date(2026, 11, 23)), Some(date(2026, 11, 23)));
        // 9999-12-31 is nytårsaftensdag and -9999-01-01 nytårsdag.
        assert_eq!(working_day_on_or_after(Date::MAX), None);
        assert_eq!(working_day_on_or_before(Date::MIN), None);
    }

    #[test]
    fn danish_formatting() {
        assert_eq!(format_date_da(date(2026, 11, 23)), "23. nov. 2026");
        assert_eq!(format_date_da(date(2027, 5, 1)), "1. maj 2027");
        assert_eq!(format_date_da(date(2027, 1, 3)), "3. jan. 2027");
        assert_eq!(weekday_da(date(2026, 11, 23)), "mandag");
        assert_eq!(weekday_da(date(2026, 11, 29)), "søndag");
        assert_eq!(format_timestamp_da(ts("2026-11-23T13:05:00Z")).unwrap(), "23. nov. 2026 kl. 14.05");
        assert_eq!(format_timestamp_da(ts("2026-07-01T07:30:00Z")).unwrap(), "1. jul. 2026 kl. 9.30");
    }

    #[test]
    fn copenhagen_dates_at_boundaries() {
        for (instant, expected) in [
            ("2026-03-29T00:59:59Z", date(2026, 3, 29)),
            ("2026-03-28T22:59:59Z", date(2026, 3, 28)),
            ("2026-03-28T23:00:00Z", date(2026, 3, 29)),
            ("2026-10-24T22:00:00Z", date(2026, 10, 25)),
            ("2026-10-25T22:59:59Z", date(2026, 10, 25)),
            ("2026-12-31T23:30:00Z", date(2027, 1, 1)),
        ] {
            assert_eq!(today_in_copenhagen(ts(instant)).unwrap(), expected, "{instant}");
        }
    }

    #[test]
    fn bundled_tzdb_has_copenhagen() {
        assert!(TimeZoneDatabase::bundled().get(COPENHAGEN).is_ok());
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1583i16..=9999, 1i8..=12, 1i8..=31).prop_filter_map("no such date", |(y, m, d)| Date::new(y, m, d).ok())
    }

    /// Dates on or up to a week around closing days, where navigation is interesting.
    fn date_near_closing_day() -> impl Strategy<Value = Date> {
        (1583i16..=9999, 0usize..14, -7i32..=7).prop_filter_map("out of range", |(y, i, offset)| {
            let days = closing_days(y);
            let (d, _) = days.get(i % days.len())?;
            d.checked_add(offset.days()).ok()
        })
    }

    fn interesting_date() -> impl Strategy<Value = Date> {
        prop_oneof![any_date(), date_near_closing_day()]
    }

    /// Copenhagen's offset under the EU rules (in force since 1996): summer time
    /// from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
    /// Sunday of October. Independent of the tzdb, to check it.
    fn expected_copenhagen_date(t: Timestamp) -> Date {
        let utc = TimeZone::UTC.to_datetime(t);
        let year = utc.year();
        let switch = |month| {
            let sunday = date(year, month, 1).nth_weekday_of_month(-1, Weekday::Sunday).unwrap();
            sunday.at(1, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap().timestamp()
        };
        let hours = if switch(3) <= t && t < switch(10) { 2 } else { 1 };
        TimeZone::UTC.to_datetime(t.checked_add(hours.hours()).unwrap()).date()
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_from_22_march_to_25_april(year in -9999i16..=9999) {
            let e = easter_sunday(year).unwrap();
            prop_assert_eq!(e.weekday(), Weekday::Sunday);
            prop_assert!(date(year, 3, 22) <= e && e <= date(year, 4, 25));
        }

        #[test]
        fn closing_days_are_never_working_days(year in 1583i16..=9999) {
            for (d, name) in closing_days(year) {
                prop_assert!(!is_working_day(d), "{} {}", d, name);
                prop_assert_eq!(holiday_name(d), Some(name));
            }
        }

        #[test]
        fn on_or_after_finds_the_next_working_day(d in interesting_date()) {
            let w = working_day_on_or_after(d).unwrap();
            prop_assert!(is_working_day(w));
            prop_assert!(d <= w);
            // The longest closure is skærtorsdag–2. påskedag (5 days).
            prop_assert!(w <= d.checked_add(5.days()).unwrap());
            let mut between = d;
            while between < w {
                prop_assert!(!is_working_day(between));
                between = between.tomorrow().unwrap();
            }
        }

        #[test]
        fn on_or_before_finds_the_previous_working_day(d in interesting_date()) {
            let w = working_day_on_or_before(d).unwrap();
            prop_assert!(is_working_day(w));
            prop_assert!(w <= d);
            prop_assert!(d.checked_sub(5.days()).unwrap() <= w);
            let mut between = d;
            while between > w {
                prop_assert!(!is_working_day(between));
                between = between.yesterday().unwrap();
            }
        }

        #[test]
        fn copenhagen_date_around_dst_switches(
            year in 1996i16..=2200,
            october in any::<bool>(),
            seconds in -2 * 86_400i64..=2 * 86_400,
        ) {
            let month = if october { 10 } else { 3 };
            let sunday = date(year, month, 1).nth_weekday_of_month(-1, Weekday::Sunday).unwrap();
            let switch = sunday.at(1, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap().timestamp();
            let t = switch.checked_add(seconds.seconds()).unwrap();
            prop_assert_eq!(today_in_copenhagen(t).unwrap(), expected_copenhagen_date(t));
        }
    }
}
