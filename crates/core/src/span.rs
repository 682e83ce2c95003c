//! Lengths of time in model files ("2mo", "4w", "10d") and date rules built from them.

use std::collections::BTreeMap;
use std::fmt;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// A whole number of days, weeks or months. Months are calendar months: 31 Jan + 1mo is
/// 28/29 Feb (clamped to the month end), which is what a caseworker means by "a month later".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Span {
    Days(i32),
    Weeks(i32),
    Months(i32),
}

impl Span {
    pub fn parse(s: &str) -> Result<Span, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: i32 = num.parse().map_err(|_| format!("'{s}' is not a length of time such as \"10d\", \"4w\" or \"2mo\""))?;
        if n > 520 {
            return Err(format!("'{s}': at most 520 of a unit"));
        }
        match unit {
            "d" => Ok(Span::Days(n)),
            "w" => Ok(Span::Weeks(n)),
            "mo" => Ok(Span::Months(n)),
            _ => Err(format!("'{s}': the unit must be d (days), w (weeks) or mo (months)")),
        }
    }

    /// `date` moved forward (`sign` = 1) or back (`sign` = -1) by this span; None past year 9999.
    pub fn shift(self, date: Date, sign: i32) -> Option<Date> {
        let span = match self {
            Span::Days(n) => (n * sign).days(),
            Span::Weeks(n) => (n * sign).weeks(),
            Span::Months(n) => (n * sign).months(),
        };
        date.checked_add(span).ok()
    }

    /// Danish wording: "4 uger", "1 dag", "2 måneder".
    pub fn to_danish(self) -> String {
        match self {
            Span::Days(1) => "1 dag".into(),
            Span::Days(n) => format!("{n} dage"),
            Span::Weeks(1) => "1 uge".into(),
            Span::Weeks(n) => format!("{n} uger"),
            Span::Months(1) => "1 måned".into(),
            Span::Months(n) => format!("{n} måneder"),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Days(n) => write!(f, "{n}d"),
            Span::Weeks(n) => write!(f, "{n}w"),
            Span::Months(n) => write!(f, "{n}mo"),
        }
    }
}

impl From<Span> for String {
    fn from(s: Span) -> String {
        s.to_string()
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Span::parse(&s).map_err(D::Error::custom)
    }
}

/// Which side of its anchor date a rule lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Side {
    Before,
    After,
}

/// A date or a window of dates relative to another date of the course:
/// `{ after = "x", within = "1w" }`   from x up to and including x + 1 week ("senest en uge efter");
/// `{ after = "x", from = "4w", to = "6w" }` a window after x;
/// `{ before = "x", offset = "2mo" }` / `{ after = "x", offset = "3d" }` one date ("ca. 2 måneder før").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateRule {
    pub anchor: String,
    pub side: Side,
    /// Nearest and farthest distance from the anchor; equal for a single date.
    pub near: Span,
    pub far: Span,
}

/// An inclusive range of dates; `from == to` for a single date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

impl Window {
    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }
}

impl DateRule {
    /// The window this rule gives once its anchor date is known.
    pub fn resolve(&self, dates: &BTreeMap<String, Date>) -> Option<Window> {
        let anchor = *dates.get(&self.anchor)?;
        let (a, b) = match self.side {
            Side::After => (self.near.shift(anchor, 1)?, self.far.shift(anchor, 1)?),
            Side::Before => (self.far.shift(anchor, -1)?, self.near.shift(anchor, -1)?),
        };
        Some(Window { from: a.min(b), to: a.max(b) })
    }

    /// Danish wording of the rule, with the anchor's label: "4–6 uger efter Opholdets afslutning".
    pub fn describe(&self, anchor_label: &str) -> String {
        let side = match self.side {
            Side::Before => "før",
            Side::After => "efter",
        };
        if self.near == self.far {
            format!("{} {side} {anchor_label}", self.far.to_danish())
        } else if self.near == Span::Days(0) {
            format!("senest {} {side} {anchor_label}", self.far.to_danish())
        } else {
            format!("{} til {} {side} {anchor_label}", self.near.to_danish(), self.far.to_danish())
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    after: Option<String>,
    before: Option<String>,
    within: Option<Span>,
    offset: Option<Span>,
    from: Option<Span>,
    to: Option<Span>,
}

impl<'de> Deserialize<'de> for DateRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RawRule::deserialize(d)?;
        let (anchor, side) = match (r.after, r.before) {
            (Some(a), None) => (a, Side::After),
            (None, Some(b)) => (b, Side::Before),
            _ => return Err(D::Error::custom("a date rule needs exactly one of `after` or `before`")),
        };
        let (near, far) = match (r.within, r.offset, r.from, r.to) {
            (Some(w), None, None, None) => (Span::Days(0), w),
            (None, Some(o), None, None) => (o, o),
            (None, None, Some(f), Some(t)) => (f, t),
            _ => {
                return Err(D::Error::custom("a date rule needs exactly one of `within`, `offset`, or both `from` and `to`"));
            }
        };
        Ok(DateRule { anchor, side, near, far })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rule(s: &str) -> DateRule {
        toml::from_str::<BTreeMap<String, DateRule>>(&format!("r = {s}")).unwrap().remove("r").unwrap()
    }

    fn dates(pairs: &[(&str, Date)]) -> BTreeMap<String, Date> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn parses_spans() {
        assert_eq!(Span::parse("4w"), Ok(Span::Weeks(4)));
        assert_eq!(Span::parse("2mo"), Ok(Span::Months(2)));
        assert_eq!(Span::parse("10d"), Ok(Span::Days(10)));
        assert!(Span::parse("2 weeks").is_err());
        assert!(Span::parse("w").is_err());
        assert!(Span::parse("9999w").is_err());
    }

    #[test]
    fn window_after() {
        let r = rule(r#"{ after = "slut", from = "4w", to = "6w" }"#);
        let w = r.resolve(&dates(&[("slut", date(2026, 12, 18))])).unwrap();
        assert_eq!(w, Window { from: date(2027, 1, 15), to: date(2027, 1, 29) });
        assert_eq!(r.describe("Opholdets afslutning"), "4 uger til 6 uger efter Opholdets afslutning");
    }

    #[test]
    fn no_later_than() {
        let r = rule(r#"{ after = "opf", within = "1w" }"#);
        let w = r.resolve(&dates(&[("opf", date(2027, 2, 26))])).unwrap();
        assert_eq!(w, Window { from: date(2027, 2, 26), to: date(2027, 3, 5) });
        assert_eq!(r.describe("Opfølgningsdag"), "senest 1 uge efter Opfølgningsdag");
    }

    #[test]
    fn offset_before_clamps_month_end() {
        let r = rule(r#"{ before = "start", offset = "2mo" }"#);
        let w = r.resolve(&dates(&[("start", date(2027, 4, 30))])).unwrap();
        assert_eq!(w, Window { from: date(2027, 2, 28), to: date(2027, 2, 28) });
        let w = r.resolve(&dates(&[("start", date(2028, 4, 30))])).unwrap();
        assert_eq!(w.from, date(2028, 2, 29), "leap year");
    }

    #[test]
    fn missing_anchor_gives_nothing() {
        let r = rule(r#"{ after = "x", within = "1w" }"#);
        assert_eq!(r.resolve(&BTreeMap::new()), None);
    }

    #[test]
    fn rejects_ambiguous_rules() {
        let bad = [
            r#"{ after = "a", before = "b", within = "1w" }"#,
            r#"{ within = "1w" }"#,
            r#"{ after = "a", within = "1w", offset = "1d" }"#,
            r#"{ after = "a", from = "1w" }"#,
            r#"{ after = "a", within = "1w", extra = 1 }"#,
        ];
        for b in bad {
            assert!(toml::from_str::<BTreeMap<String, DateRule>>(&format!("r = {b}")).is_err(), "{b}");
        }
    }

    proptest::proptest! {
        /// "n måneder før/efter" lands in the month n away, on the same day or the month's last
        /// day when that day does not exist (31 Jan + 1 month = 28/29 Feb), in leap years too.
        #[test]
        fn months_clamp_to_the_month_end(y in 1900i16..2200, m in 1i8..=12, d in 1i8..=31, n in 0i32..36, forward in proptest::bool::ANY) {
            let Ok(start) = jiff::civil::Date::new(y, m, d) else { return Ok(()) };
            let sign = if forward { 1 } else { -1 };
            let got = Span::Months(n).shift(start, sign).unwrap();
            let months = |x: Date| x.year() as i32 * 12 + x.month() as i32;
            proptest::prop_assert_eq!(months(got) - months(start), sign * n);
            proptest::prop_assert_eq!(got.day(), start.day().min(got.days_in_month()));
        }

        /// Every resolved window is ordered and its ends lie on the rule's side of the anchor.
        #[test]
        fn windows_are_ordered(y in 2000i16..2100, doy in 0i32..366, n1 in 0i32..60, n2 in 0i32..60,
                               unit in 0u8..3, before in proptest::bool::ANY) {
            let anchor = date(y, 1, 1).checked_add(doy.days()).unwrap();
            let mk = |n| match unit { 0 => Span::Days(n), 1 => Span::Weeks(n), _ => Span::Months(n) };
            let r = DateRule { anchor: "a".into(), side: if before { Side::Before } else { Side::After },
                               near: mk(n1.min(n2)), far: mk(n1.max(n2)) };
            let w = r.resolve(&dates(&[("a", anchor)])).unwrap();
            proptest::prop_assert!(w.from <= w.to);
            if before { proptest::prop_assert!(w.to <= anchor); } else { proptest::prop_assert!(w.from >= anchor); }
        }
    }
}
