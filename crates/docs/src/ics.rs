//! iCalendar (RFC 5545) meeting invitations and cancellations, as `.ics` text.
//!
//! [`invitation`] writes one calendar object for one recipient: the only
//! `ATTENDEE` is that recipient, so nobody learns the other participants'
//! addresses from the file (send one `.ics` per recipient). Times are written
//! as local Copenhagen time with `TZID=Europe/Copenhagen` and a `VTIMEZONE`
//! describing CET/CEST by yearly rules, which is what Outlook needs to place
//! the meeting correctly; the end is computed through the real time zone, so a
//! meeting across a DST change keeps its true length. Lines end in CRLF and are
//! folded at 75 octets, as the RFC requires and strict clients enforce.

use jiff::SignedDuration;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// The zone every Tovholder meeting is held in.
const TZID: &str = "Europe/Copenhagen";

/// Europe/Copenhagen as yearly rules (EU rules since 1996: last Sunday of
/// March at 02:00 to CEST, last Sunday of October at 03:00 back to CET).
/// Outlook ignores a bare TZID and needs these rules to resolve local times.
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Copenhagen",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
];

/// Longest content line in octets, CRLF excluded (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// Whether the invitation books or cancels the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `METHOD:REQUEST`, `STATUS:CONFIRMED`: a new or changed meeting.
    Request,
    /// `METHOD:CANCEL`, `STATUS:CANCELLED`: the meeting is off. Send it with
    /// the same `uid` and a higher `sequence` than the last request.
    Cancel,
}

/// One meeting as seen by one recipient.
#[derive(Clone, Debug)]
pub struct Invitation<'a> {
    pub method: Method,
    /// Stable per meeting (e.g. `tovholder-12-3@tovholder.local`), so a
    /// client updates the existing entry instead of adding a second one.
    pub uid: &'a str,
    /// Bump whenever the meeting changes (time, place, cancellation).
    pub sequence: u32,
    /// `DTSTAMP`: when this version of the invitation was made.
    pub stamp: jiff::Timestamp,
    /// Start, as local time in Europe/Copenhagen.
    pub start: DateTime,
    /// Duration in minutes.
    pub minutes: u32,
    /// Title shown in calendars. Must not carry personal data.
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// Organiser's e-mail address.
    pub organizer: &'a str,
    /// E-mail address of this recipient only.
    pub attendee: &'a str,
}

/// Writes the `.ics` text (CRLF line endings, folded) for one recipient.
///
/// Attach it as `text/calendar; method=REQUEST; charset=UTF-8` (or
/// `method=CANCEL`): Outlook only offers Accept/Decline when the MIME
/// `method` matches the `METHOD` inside.
pub fn invitation(inv: &Invitation) -> String {
    let (method, status) = match inv.method {
        Method::Request => ("REQUEST", "CONFIRMED"),
        Method::Cancel => ("CANCEL", "CANCELLED"),
    };
    let end = end_time(inv.start, inv.minutes);

    let mut lines: Vec<String> = vec!["BEGIN:VCALENDAR".into(), "VERSION:2.0".into(), "PRODID:-//Tovholder//Tovholder//DA".into(), "CALSCALE:GREGORIAN".into(), format!("METHOD:{method}")];
    lines.extend(VTIMEZONE.iter().map(|l| (*l).to_owned()));
    lines.extend([
        "BEGIN:VEVENT".into(),
        format!("UID:{}", plain(inv.uid)),
        format!("SEQUENCE:{}", inv.sequence),
        format!("DTSTAMP:{}", inv.stamp.strftime("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;TZID={TZID}:{}", local(inv.start)),
        format!("DTEND;TZID={TZID}:{}", local(end)),
        format!("SUMMARY:{}", text(inv.summary)),
        format!("LOCATION:{}", text(inv.location)),
        format!("DESCRIPTION:{}", text(inv.description)),
        format!("ORGANIZER:mailto:{}", plain(inv.organizer)),
        format!("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}", plain(inv.attendee)),
        format!("STATUS:{status}"),
        "TRANSP:OPAQUE".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);

    let mut out = String::new();
    for line in &lines {
        fold_into(&mut out, line);
    }
    out
}

/// Start plus `minutes` of elapsed time, as Copenhagen wall-clock time: a
/// 60-minute meeting at 02:30 on the October change ends at 02:30 (CET).
fn end_time(start: DateTime, minutes: u32) -> DateTime {
    let elapsed = SignedDuration::from_mins(i64::from(minutes));
    let zoned = TimeZone::get(TZID).and_then(|tz| start.to_zoned(tz)).and_then(|z| z.checked_add(elapsed));
    match zoned {
        Ok(z) => z.datetime(),
        // Unreachable with the bundled tzdb; wall-clock arithmetic is the
        // best remaining answer (wrong by an hour only across a DST change).
        Err(_) => start.saturating_add(elapsed),
    }
}

/// `DATE-TIME` in local ("form #3", with TZID) notation.
fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11). Line breaks become `\n`;
/// other control characters are not allowed in TEXT and are dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push(ch),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A non-TEXT value (UID, address): no escaping exists for these, so drop
/// control characters, which could otherwise start a new property.
fn plain(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Appends `line` folded to at most 75 octets per physical line, breaking
/// only between UTF-8 characters; each continuation starts with a space.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for ch in line.chars() {
        if used + ch.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += ch.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use icalendar::parser::{Component, Property, read_calendar, unfold};
    use jiff::civil::{Weekday, date};

    fn sample(start: DateTime, minutes: u32) -> Invitation<'static> {
        Invitation {
            method: Method::Request,
            uid: "tovholder-12-3@tovholder.local",
            sequence: 2,
            stamp: "2026-11-01T08:15:30Z".parse().unwrap(),
            start,
            minutes,
            summary: "Netværksmøde",
            location: "Rådhuset, mødelokale 2; 1. sal",
            description: "Vi taler om planen.\nMedbring gerne noter, spørgsmål\\ønsker.",
            organizer: "raadgiver@kommune.dk",
            attendee: "soeren@example.dk",
        }
    }

    fn prop<'a>(c: &'a Component<'a>, name: &str) -> &'a Property<'a> {
        c.find_prop(name).unwrap_or_else(|| panic!("{} lacks {name}", c.name.as_str()))
    }

    fn param<'a>(p: &'a Property<'a>, key: &str) -> Option<&'a str> {
        p.params.iter().find(|x| x.key.as_str() == key).and_then(|x| x.val.as_ref()).map(|v| v.as_str())
    }

    fn child<'a>(c: &'a [Component<'a>], name: &str) -> &'a Component<'a> {
        c.iter().find(|x| x.name.as_str() == name).unwrap_or_else(|| panic!("no {name} component"))
    }

    #[test]
    fn parses_back_with_expected_fields() {
        let ics = invitation(&sample(date(2026, 11, 23).at(9, 0, 0, 0), 90));
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();

        assert_eq!(prop_val(&cal.properties, "METHOD"), "REQUEST");
        assert_eq!(prop_val(&cal.properties, "VERSION"), "2.0");
        assert_eq!(prop_val(&cal.properties, "PRODID"), "-//Tovholder//Tovholder//DA");

        let tz = child(&cal.components, "VTIMEZONE");
        assert_eq!(prop(tz, "TZID").val.as_str(), TZID);
        child(&tz.components, "STANDARD");
        child(&tz.components, "DAYLIGHT");

        let ev = child(&cal.components, "VEVENT");
        assert_eq!(prop(ev, "UID").val.as_str(), "tovholder-12-3@tovholder.local");
        assert_eq!(prop(ev, "SEQUENCE").val.as_str(), "2");
        assert_eq!(prop(ev, "DTSTAMP").val.as_str(), "20261101T081530Z");
        let start = prop(ev, "DTSTART");
        assert_eq!(start.val.as_str(), "20261123T090000");
        assert_eq!(param(start, "TZID"), Some(TZID));
        let end = prop(ev, "DTEND");
        assert_eq!(end.val.as_str(), "20261123T103000");
        assert_eq!(param(end, "TZID"), Some(TZID));
        assert_eq!(prop(ev, "SUMMARY").val.as_str(), "Netværksmøde");
        assert_eq!(prop(ev, "LOCATION").val.as_str(), "Rådhuset, mødelokale 2; 1. sal");
        assert_eq!(prop(ev, "DESCRIPTION").val.as_str(), "Vi taler om planen.\nMedbring gerne noter, spørgsmål\\ønsker.");
        assert_eq!(prop(ev, "ORGANIZER").val.as_str(), "mailto:raadgiver@kommune.dk");
        let att = prop(ev, "ATTENDEE");
        assert_eq!(att.val.as_str(), "mailto:soeren@example.dk");
        assert_eq!(param(att, "ROLE"), Some("REQ-PARTICIPANT"));
        assert_eq!(param(att, "PARTSTAT"), Some("NEEDS-ACTION"));
        assert_eq!(param(att, "RSVP"), Some("TRUE"));
        assert_eq!(ev.properties.iter().filter(|p| p.name.as_str() == "ATTENDEE").count(), 1);
        assert_eq!(prop(ev, "STATUS").val.as_str(), "CONFIRMED");
        assert_eq!(prop(ev, "TRANSP").val.as_str(), "OPAQUE");

        // The typed layer agrees (TZID kept with the local time).
        let typed: icalendar::Calendar = ics.parse().unwrap();
        use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime};
        let event = typed.events().next().unwrap();
        match event.get_start() {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
                assert_eq!(tzid, TZID);
                assert_eq!(date_time.to_string(), "2026-11-23 09:00:00");
            }
            other => panic!("unexpected DTSTART {other:?}"),
        }
        assert_eq!(event.get_uid(), Some("tovholder-12-3@tovholder.local"));
    }

    fn prop_val<'a>(props: &'a [Property<'a>], name: &str) -> &'a str {
        props.iter().find(|p| p.name.as_str() == name).map(|p| p.val.as_str()).unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn cancel_sets_method_and_status() {
        let mut inv = sample(date(2026, 11, 23).at(9, 0, 0, 0), 60);
        inv.method = Method::Cancel;
        inv.sequence = 3;
        let ics = invitation(&inv);
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();
        assert_eq!(prop_val(&cal.properties, "METHOD"), "CANCEL");
        let ev = child(&cal.components, "VEVENT");
        assert_eq!(prop(ev, "STATUS").val.as_str(), "CANCELLED");
        assert_eq!(prop(ev, "SEQUENCE").val.as_str(), "3");
    }

    #[test]
    fn crlf_everywhere() {
        let ics = invitation(&sample(date(2026, 11, 23).at(9, 0, 0, 0), 60));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
    }

    /// Resolves a local DTSTART the way a client does from our VTIMEZONE
    /// (the last Sunday of BYMONTH at the rule's DTSTART time switches to
    /// TZOFFSETTO), independently of jiff's tzdb.
    fn utc_by_vtimezone(ics: &str) -> jiff::Timestamp {
        let unfolded = unfold(ics);
        let cal = read_calendar(&unfolded).unwrap();
        let ev = child(&cal.components, "VEVENT");
        let start_prop = prop(ev, "DTSTART");
        let tzid = param(start_prop, "TZID").unwrap();
        let vtz = cal.components.iter().find(|c| c.name.as_str() == "VTIMEZONE" && prop(c, "TZID").val.as_str() == tzid).expect("VTIMEZONE matching the TZID");
        let local: DateTime = jiff::fmt::strtime::parse("%Y%m%dT%H%M%S", start_prop.val.as_str()).unwrap().to_datetime().unwrap();

        // Each rule: (instant in local wall time of the year it starts, offset after).
        let mut changes: Vec<(DateTime, i32)> = vtz
            .components
            .iter()
            .map(|rule| {
                let rrule = prop(rule, "RRULE").val.as_str();
                let month: i8 = rrule.split(';').find_map(|p| p.strip_prefix("BYMONTH=")).unwrap().parse().unwrap();
                assert!(rrule.contains("FREQ=YEARLY") && rrule.contains("BYDAY=-1SU"));
                let at: DateTime = jiff::fmt::strtime::parse("%Y%m%dT%H%M%S", prop(rule, "DTSTART").val.as_str()).unwrap().to_datetime().unwrap();
                let last = date(local.year(), month, 1).last_of_month();
                let sunday = last.nth_weekday_of_month(-1, Weekday::Sunday).unwrap();
                let offset = prop(rule, "TZOFFSETTO").val.as_str();
                let sign = if offset.starts_with('-') { -1 } else { 1 };
                let hh: i32 = offset[1..3].parse().unwrap();
                let mm: i32 = offset[3..5].parse().unwrap();
                (sunday.to_datetime(at.time()), sign * (hh * 3600 + mm * 60))
            })
            .collect();
        changes.sort();
        // In force: the latest change this year at or before the local time,
        // else the last change of the previous year (same rules: the latest).
        let offset = changes.iter().rev().find(|(at, _)| *at <= local).or(changes.last()).unwrap().1;
        let offset = jiff::tz::Offset::from_seconds(offset).unwrap();
        offset.to_timestamp(local).unwrap()
    }

    #[test]
    fn summer_and_winter_resolve_to_right_utc() {
        let cph = TimeZone::get(TZID).unwrap();
        for (start, utc) in [
            // CEST, UTC+2.
            (date(2026, 6, 15).at(9, 0, 0, 0), "2026-06-15T07:00:00Z"),
            // CET, UTC+1.
            (date(2026, 12, 1).at(9, 0, 0, 0), "2026-12-01T08:00:00Z"),
            // Day after the spring change, and the Friday before the autumn one.
            (date(2027, 3, 29).at(13, 30, 0, 0), "2027-03-29T11:30:00Z"),
            (date(2027, 10, 29).at(13, 30, 0, 0), "2027-10-29T11:30:00Z"),
        ] {
            let ics = invitation(&sample(start, 60));
            let expected: jiff::Timestamp = utc.parse().unwrap();
            assert_eq!(utc_by_vtimezone(&ics), expected, "{start} by VTIMEZONE");
            assert_eq!(start.to_zoned(cph.clone()).unwrap().timestamp(), expected, "{start} by tzdb");
        }
    }

    #[test]
    fn end_is_computed_through_the_zone() {
        // 60 minutes from 02:30 on the autumn change (first 02:30 is CEST)
        // ends at the second 02:30, which is CET.
        assert_eq!(end_time(date(2026, 10, 25).at(2, 30, 0, 0), 60), date(2026, 10, 25).at(2, 30, 0, 0));
        // 90 minutes from 01:30 on the spring change skips the missing hour.
        assert_eq!(end_time(date(2026, 3, 29).at(1, 30, 0, 0), 90), date(2026, 3, 29).at(4, 0, 0, 0));
        // Across midnight on an ordinary day.
        assert_eq!(end_time(date(2026, 12, 31).at(23, 30, 0, 0), 45), date(2027, 1, 1).at(0, 15, 0, 0));
    }

    #[test]
    fn long_danish_text_folds_within_75_octets_and_unfolds() {
        let description = "Familien Ærø Åberg og netværket mødes for at følge op på \
            målene: Søren vil gerne være mere på skolen, og Åse ønsker hjælp til \
            økonomien; bedsteforældrene i Ølstykke tilbyder at køre. \
            æøåÆØÅ æøåÆØÅ æøåÆØÅ æøåÆØÅ æøåÆØÅ æøåÆØÅ æøåÆØÅ æøåÆØÅ slut.";
        let mut inv = sample(date(2026, 11, 23).at(9, 0, 0, 0), 60);
        inv.description = description;
        let ics = invitation(&inv);

        let body = ics.strip_suffix("\r\n").unwrap();
        let mut folded = 0;
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            if line.starts_with(' ') {
                folded += 1;
            }
        }
        assert!(folded >= 3, "expected the description to fold:\n{ics}");

        let unfolded = unfold(&ics);
        let expected_line = format!("DESCRIPTION:{}", text(description));
        assert!(unfolded.split("\r\n").any(|l| l == expected_line));
        let cal = read_calendar(&unfolded).unwrap();
        let ev = child(&cal.components, "VEVENT");
        assert_eq!(prop(ev, "DESCRIPTION").val.as_str(), description);
    }

    #[test]
    fn fold_boundaries() {
        let mut out = String::new();
        fold_into(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));

        let mut out = String::new();
        fold_into(&mut out, &"a".repeat(76));
        assert_eq!(out, format!("{}\r\n a\r\n", "a".repeat(75)));

        // A two-octet letter that would straddle octet 75 moves to the next line.
        let mut out = String::new();
        fold_into(&mut out, &format!("{}ø", "a".repeat(74)));
        assert_eq!(out, format!("{}\r\n ø\r\n", "a".repeat(74)));
    }

    #[test]
    fn text_escaping_and_injection() {
        assert_eq!(text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
        assert_eq!(text("x\u{7}y\tz"), "xy\tz");
        // A newline in an address cannot start a new property.
        let mut inv = sample(date(2026, 11, 23).at(9, 0, 0, 0), 60);
        inv.attendee = "a@b.dk\r\nATTENDEE:mailto:evil@x.dk";
        inv.summary = "Møde\r\nATTENDEE:mailto:evil@x.dk";
        let ics = invitation(&inv);
        assert_eq!(ics.matches("\r\nATTENDEE").count(), 1, "{ics}");
    }
}

/// The fuzz target of the escaping, as a property test (`scripts/fuzz` runs it longer): any
/// summary, place and description give lines of at most 75 octets with no stray line break,
/// and an independent parser (the `icalendar` crate) reads each value back as written.
#[cfg(test)]
mod fuzz {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use icalendar::parser::{read_calendar, unfold};
    use proptest::prelude::*;

    use super::*;

    /// A TEXT value as the escaping keeps it: each line break one `\n`, other control
    /// characters gone.
    fn kept(s: &str) -> String {
        s.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| matches!(c, '\n' | '\t') || !c.is_control()).collect()
    }

    proptest! {
        #[test]
        fn fuzz_ics_text_is_escaped_and_folded(summary in "[;,:\\\\\r\n\t \"a-zæøå]{0,90}", location in "\\PC{0,160}", description in any::<String>()) {
            let start = jiff::civil::date(2027, 3, 1).at(10, 0, 0, 0);
            let inv = Invitation {
                method: Method::Request,
                uid: "tovholder-1-1@tovholder.local",
                sequence: 1,
                stamp: jiff::Timestamp::UNIX_EPOCH,
                start,
                minutes: 60,
                summary: &summary,
                location: &location,
                description: &description,
                organizer: "a@b.dk",
                attendee: "c@d.dk",
            };
            let ics = invitation(&inv);
            prop_assert!(ics.ends_with("\r\n"));
            for line in ics.split_terminator("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
                prop_assert!(!line.contains(['\r', '\n']));
            }
            let unfolded = unfold(&ics);
            let cal = read_calendar(&unfolded).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let event = cal.components.iter().flat_map(|c| c.components.iter().chain(std::iter::once(c))).find(|c| c.name.as_str() == "VEVENT").unwrap();
            for (name, value) in [("SUMMARY", &summary), ("LOCATION", &location), ("DESCRIPTION", &description)] {
                let read = event.find_prop(name).map(|p| p.val.as_str().to_string());
                prop_assert_eq!(read, Some(kept(value)), "{}", name);
            }
        }
    }
}
