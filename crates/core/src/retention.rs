//! Keeping and erasing closed courses. A municipality's case files are archival material
//! (arkivloven): Tovholder never erases by default. Each organisation decides, per model where it
//! differs: keep (the default), hand over to the archive, or erase after N years. A closed
//! course is erased only when every participating organisation's rule says erase, each of
//! their periods has passed since it was closed, no legal hold is on it, and it was exported
//! (for journalisation or the archive) after it was closed.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Kept in Tovholder (the default).
    #[default]
    Keep,
    /// Handed over to the archive (Rigsarkivet or the municipal archive): exported, never
    /// erased by Tovholder.
    Archive,
    /// Erased this many whole years after the course was closed.
    Erase { years: u16 },
}

/// The longest period an organisation may set: keeping longer is "keep".
pub const MAX_YEARS: u16 = 100;

impl Rule {
    pub fn label_da(&self) -> String {
        match self {
            Rule::Keep => "Opbevares".into(),
            Rule::Archive => "Afleveres til arkiv".into(),
            Rule::Erase { years: 1 } => "Slettes 1 år efter lukning".into(),
            Rule::Erase { years } => format!("Slettes {years} år efter lukning"),
        }
    }

    /// As stored: `keep`, `archive` or `erase:N`.
    pub fn code(&self) -> String {
        match self {
            Rule::Keep => "keep".into(),
            Rule::Archive => "archive".into(),
            Rule::Erase { years } => format!("erase:{years}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        match code {
            "keep" => Some(Rule::Keep),
            "archive" => Some(Rule::Archive),
            _ => code.strip_prefix("erase:")?.parse().ok().filter(|y| (1..=MAX_YEARS).contains(y)).map(|years| Rule::Erase { years }),
        }
    }
}

/// What is known about one course for the decision.
pub struct Facts<'a> {
    /// The day it was closed (Copenhagen), if it is.
    pub closed: Option<Date>,
    /// Each participating organisation's rule for the course's model: (name, rule).
    pub rules: &'a [(String, Rule)],
    pub hold: bool,
    /// Exported whole after it was closed (compared as instants: an export the same day but
    /// before the closing misses what came after).
    pub exported_after_closing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Due for erasure today.
    Erase,
    /// Kept, with why (in Danish), each reason that applies.
    Keep(Vec<String>),
}

/// The day the last participating organisation's period ends, if every one erases.
pub fn erase_on(closed: Date, rules: &[(String, Rule)]) -> Option<Date> {
    let mut last = closed;
    for (_, r) in rules {
        let Rule::Erase { years } = r else { return None };
        last = last.max(closed.checked_add(jiff::Span::new().years(*years)).ok()?);
    }
    (!rules.is_empty()).then_some(last)
}

pub fn verdict(f: &Facts, today: Date) -> Verdict {
    let Some(closed) = f.closed else { return Verdict::Keep(vec!["Forløbet er ikke lukket.".into()]) };
    let mut why = Vec::new();
    for (org, rule) in f.rules {
        match rule {
            Rule::Keep => why.push(format!("{org} opbevarer forløb.")),
            Rule::Archive => why.push(format!("{org} afleverer forløb til arkiv.")),
            Rule::Erase { .. } => {}
        }
    }
    if f.rules.is_empty() {
        why.push("Ingen organisation deltager.".into());
    }
    if why.is_empty()
        && let Some(on) = erase_on(closed, f.rules)
        && today < on
    {
        why.push(format!("Opbevaringsperioden slutter {}.", crate::calendar::format_date_da(on)));
    }
    if f.hold {
        why.push("Forløbet er omfattet af et retligt forbehold (legal hold).".into());
    }
    if !f.exported_after_closing {
        why.push("Forløbet er ikke eksporteret, efter det blev lukket.".into());
    }
    if why.is_empty() { Verdict::Erase } else { Verdict::Keep(why) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rules(r: &[Rule]) -> Vec<(String, Rule)> {
        r.iter().enumerate().map(|(i, r)| (format!("Org {i}"), *r)).collect()
    }

    const CLOSED: Date = date(2026, 3, 31);

    #[test]
    fn the_default_keeps_everything_forever() {
        let r = rules(&[Rule::default(), Rule::Erase { years: 1 }]);
        let f = Facts { closed: Some(CLOSED), rules: &r, hold: false, exported_after_closing: true };
        assert_eq!(verdict(&f, date(2126, 1, 1)), Verdict::Keep(vec!["Org 0 opbevarer forløb.".into()]));
    }

    #[test]
    fn erased_only_when_every_rule_says_so_and_every_period_has_passed() {
        let r = rules(&[Rule::Erase { years: 1 }, Rule::Erase { years: 2 }]);
        let f = Facts { closed: Some(CLOSED), rules: &r, hold: false, exported_after_closing: true };
        assert_eq!(erase_on(CLOSED, &r), Some(date(2028, 3, 31)));
        assert_eq!(verdict(&f, date(2028, 3, 30)), Verdict::Keep(vec!["Opbevaringsperioden slutter 31. mar. 2028.".into()]));
        assert_eq!(verdict(&f, date(2028, 3, 31)), Verdict::Erase);
    }

    #[test]
    fn a_hold_a_missing_export_an_archive_or_an_open_course_stops_it() {
        let r = rules(&[Rule::Erase { years: 1 }]);
        let later = date(2030, 1, 1);
        let held = Facts { closed: Some(CLOSED), rules: &r, hold: true, exported_after_closing: true };
        assert!(matches!(verdict(&held, later), Verdict::Keep(w) if w.iter().any(|w| w.contains("legal hold"))));
        let unexported = Facts { closed: Some(CLOSED), rules: &r, hold: false, exported_after_closing: false };
        assert!(matches!(verdict(&unexported, later), Verdict::Keep(w) if w.iter().any(|w| w.contains("ikke eksporteret"))));
        let open = Facts { closed: None, rules: &r, hold: false, exported_after_closing: true };
        assert_eq!(verdict(&open, later), Verdict::Keep(vec!["Forløbet er ikke lukket.".into()]));
        let archive = rules(&[Rule::Archive]);
        let archived = Facts { closed: Some(CLOSED), rules: &archive, hold: false, exported_after_closing: true };
        assert!(matches!(verdict(&archived, later), Verdict::Keep(_)));
    }

    #[test]
    fn rules_are_stored_as_codes_and_read_back() {
        for r in [Rule::Keep, Rule::Archive, Rule::Erase { years: 5 }] {
            assert_eq!(Rule::from_code(&r.code()), Some(r));
        }
        assert_eq!(Rule::from_code("erase:0"), None);
        assert_eq!(Rule::from_code("erase:x"), None);
        assert_eq!(Rule::Erase { years: 5 }.label_da(), "Slettes 5 år efter lukning");
    }
}
