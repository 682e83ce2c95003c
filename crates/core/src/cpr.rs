//! Danish CPR numbers (personnummer).
//!
//! A CPR number is sensitive personal data: `Cpr` has no `Display` and no
//! `Serialize`, and its `Debug` hides every digit, so printing one takes an
//! explicit [`Cpr::masked`] or [`Cpr::expose`].

use std::fmt;

use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error("CPR-nummeret skal have formen DDMMÅÅ-XXXX.")]
    Format,
    #[error("CPR-nummeret indeholder ikke en gyldig fødselsdato.")]
    InvalidDate,
}

/// A validated CPR number. Construct only through [`Cpr::parse`].
#[derive(Clone, PartialEq, Eq)]
pub struct Cpr {
    /// Canonical "DDMMYY-SSSS".
    canonical: String,
    birth_date: Date,
}

impl Cpr {
    /// Accepts "DDMMYY-SSSS", "DDMMYYSSSS" and "DDMMYY SSSS", ignoring
    /// surrounding whitespace. The birth date must exist, with the century
    /// taken from the first serial digit per CPR-kontoret. There is no
    /// modulus-11 check: numbers failing it have been issued since 2007.
    pub fn parse(s: &str) -> Result<Cpr, CprError> {
        let b = s.trim().as_bytes();
        let (date, serial) = match b.len() {
            10 => b.split_at(6),
            11 if matches!(b[6], b'-' | b' ') => (&b[..6], &b[7..]),
            _ => return Err(CprError::Format),
        };
        if !all_digits(date) || !all_digits(serial) {
            return Err(CprError::Format);
        }
        let birth_date = birth_date_of(date, serial[0])?;
        let mut canonical = String::with_capacity(11);
        canonical.extend(date.iter().map(|&c| char::from(c)));
        canonical.push('-');
        canonical.extend(serial.iter().map(|&c| char::from(c)));
        Ok(Cpr { canonical, birth_date })
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Age in whole years on `on` (negative before birth). Someone born on
    /// 29 February turns a year older on 1 March in non-leap years.
    pub fn age_on(&self, on: Date) -> i16 {
        let birth = self.birth_date;
        let years = on.year() - birth.year();
        if (on.month(), on.day()) < (birth.month(), birth.day()) { years - 1 } else { years }
    }

    /// "DDMMYY-XXXX": the birth date shown, the serial hidden.
    pub fn masked(&self) -> String {
        format!("{}-XXXX", &self.canonical[..6])
    }

    /// The canonical "DDMMYY-SSSS". Only for encryption at rest and the blind
    /// index; named so every disclosure is easy to find.
    pub fn expose(&self) -> &str {
        &self.canonical
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cpr(**********)")
    }
}

fn all_digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

/// The birth date from the ASCII digits "DDMMYY" and the first serial digit,
/// which gives the century per CPR-kontoret:
/// 0–3: 1900–1999; 4 and 9: 2000–2036 if YY <= 36, else 1937–1999;
/// 5–8: 2000–2057 if YY <= 57, else 1858–1899.
fn birth_date_of(ddmmyy: &[u8], century_digit: u8) -> Result<Date, CprError> {
    // Callers pass ASCII digits, so each pair is 0..=99 and fits in an i8.
    let pair = |i: usize| ((ddmmyy[i] - b'0') * 10 + (ddmmyy[i + 1] - b'0')) as i8;
    let (day, month, yy) = (pair(0), pair(2), i16::from(pair(4)));
    let century = match (century_digit - b'0', yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) | (5..=8, 0..=57) => 2000,
        (4 | 9, _) => 1900,
        _ => 1800,
    };
    Date::new(century + yy, month, day).map_err(|_| CprError::InvalidDate)
}

/// Whether `text` contains something that looks like a CPR number: six
/// digits, an optional separator, four digits, not inside a longer run of
/// digits, and a valid birth date. Meant to keep CPR numbers out of mail
/// subjects, logs and calendar invitations, so beyond '-' and ' ' it also
/// accepts the separators word processors substitute (en dash, no-break space).
pub fn contains_cpr(text: &str) -> bool {
    const SEPARATORS: [&str; 5] = ["", "-", " ", "\u{2013}", "\u{a0}"];
    let b = text.as_bytes();
    (0..b.len()).any(|start| {
        let starts_run = start == 0 || !b[start - 1].is_ascii_digit();
        let Some(date) = b.get(start..start + 6) else {
            return false;
        };
        if !starts_run || !all_digits(date) {
            return false;
        }
        // `date` is ASCII, so start + 6 is a char boundary.
        let rest = &text[start + 6..];
        SEPARATORS.iter().any(|sep| {
            let Some(serial) = rest.strip_prefix(sep).map(str::as_bytes) else {
                return false;
            };
            serial.len() >= 4 && all_digits(&serial[..4]) && !serial.get(4).is_some_and(u8::is_ascii_digit) && birth_date_of(date, serial[0]).is_ok()
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn century_from_seventh_digit() {
        for (s, expected) in [
            ("010107-1234", date(1907, 1, 1)),
            ("010107-4234", date(2007, 1, 1)),
            ("010137-4234", date(1937, 1, 1)),
            ("010136-9234", date(2036, 1, 1)),
            ("010157-5234", date(2057, 1, 1)),
            ("010158-8234", date(1858, 1, 1)),
            ("311299-0000", date(1999, 12, 31)),
            ("311299-9999", date(1999, 12, 31)),
            ("311299-5999", date(1899, 12, 31)),
        ] {
            assert_eq!(Cpr::parse(s).unwrap().birth_date(), expected, "{s}");
        }
    }

    #[test]
    fn accepted_forms_are_canonicalised() {
        for s in ["010107-4234", "0101074234", "010107 4234", "  010107-4234\n"] {
            assert_eq!(Cpr::parse(s).unwrap().expose(), "010107-4234", "{s:?}");
        }
    }

    #[test]
    fn leap_days() {
        assert_eq!(Cpr::parse("290200-4321").unwrap().birth_date(), date(2000, 2, 29));
        assert_eq!(Cpr::parse("290296-1234").unwrap().birth_date(), date(1996, 2, 29));
        // Same digits, but serial digit 1 puts it in 1900, which was not a leap year.
        assert_eq!(Cpr::parse("290200-1234"), Err(CprError::InvalidDate));
        assert_eq!(Cpr::parse("290201-4321"), Err(CprError::InvalidDate));
    }

    #[test]
    fn invalid_dates() {
        for s in ["000107-1234", "320107-1234", "310407-1234", "011307-1234", "010007-1234"] {
            assert_eq!(Cpr::parse(s), Err(CprError::InvalidDate), "{s}");
        }
    }

    #[test]
    fn bad_formats() {
        for s in [
            "",
            "010107-123",
            "010107-12345",
            "01010712345",
            "010107123",
            "0101071-234",
            "010107--1234",
            "010107_1234",
            "01a107-1234",
            "010107-12b4",
            "010107-XXXX",
            "******-****",
            "010107\u{2013}1234",
            "٠١٠١٠٧-١٢٣٤",
            "+10107-1234",
        ] {
            assert_eq!(Cpr::parse(s), Err(CprError::Format), "{s:?}");
        }
    }

    #[test]
    fn error_messages_are_danish() {
        assert_eq!(CprError::Format.to_string(), "CPR-nummeret skal have formen DDMMÅÅ-XXXX.");
        assert_eq!(CprError::InvalidDate.to_string(), "CPR-nummeret indeholder ikke en gyldig fødselsdato.");
    }

    #[test]
    fn masked_and_debug() {
        let cpr = Cpr::parse("0101074234").unwrap();
        assert_eq!(cpr.masked(), "010107-XXXX");
        assert_eq!(format!("{cpr:?}"), "Cpr(**********)");
        assert_eq!(format!("{:?}", Some(&cpr)), "Some(Cpr(**********))");
        assert!(Cpr::parse(&cpr.masked()).is_err());
    }

    #[test]
    fn age() {
        let cpr = Cpr::parse("150690-1234").unwrap();
        assert_eq!(cpr.age_on(date(2026, 6, 14)), 35);
        assert_eq!(cpr.age_on(date(2026, 6, 15)), 36);
        assert_eq!(cpr.age_on(date(1990, 6, 15)), 0);
        assert_eq!(cpr.age_on(date(1990, 6, 14)), -1);
        let leapling = Cpr::parse("290296-1234").unwrap();
        assert_eq!(leapling.age_on(date(2026, 2, 28)), 29);
        assert_eq!(leapling.age_on(date(2026, 3, 1)), 30);
        assert_eq!(leapling.age_on(date(2028, 2, 29)), 32);
    }

    #[test]
    fn finds_cpr_in_text() {
        for text in ["0101074234", "Vedr. borger 010107-4234 og sag 17", "cpr:010107 4234.", "(010107\u{2013}4234)", "nr010107\u{a0}4234x"] {
            assert!(contains_cpr(text), "{text:?}");
        }
    }

    #[test]
    fn ignores_non_cpr_numbers() {
        for text in
            ["", "12345678901", "Ring på +45 12 34 56 78", "tlf. 12345678", "sag 2026-0001234", "1010107-4234", "010107-42345", "320107-4234", "290200-1234", "010107-XXXX", "12.03.2026 kl. 14.05"]
        {
            assert!(!contains_cpr(text), "{text:?}");
        }
    }

    /// Valid CPR numbers in all three accepted forms.
    fn valid_cpr_text() -> impl Strategy<Value = String> {
        (1u8..=31, 1u8..=12, 0u8..=99, 0u16..=9999, prop::sample::select(vec!["-", "", " "]))
            .prop_map(|(d, m, y, serial, sep)| format!("{d:02}{m:02}{y:02}{sep}{serial:04}"))
            .prop_filter("invalid date", |s| Cpr::parse(s).is_ok())
    }

    proptest! {
        #[test]
        fn debug_never_shows_digits(s in valid_cpr_text()) {
            let cpr = Cpr::parse(&s).unwrap();
            let debug = format!("{cpr:?} {cpr:#?}");
            let digits = cpr.expose().replace('-', "");
            prop_assert!(!debug.contains(&digits), "{}", debug);
            prop_assert!(!debug.contains(&digits[6..]), "{}", debug);
            prop_assert!(!debug.bytes().any(|c| c.is_ascii_digit()), "{}", debug);
        }

        #[test]
        fn expose_round_trips(s in valid_cpr_text()) {
            let cpr = Cpr::parse(&s).unwrap();
            prop_assert_eq!(Cpr::parse(cpr.expose()).unwrap(), cpr.clone());
            prop_assert_eq!(cpr.expose().replace('-', ""), s.replace(['-', ' '], ""));
            prop_assert!(Cpr::parse(&cpr.masked()).is_err());
        }

        #[test]
        fn contains_cpr_finds_embedded_numbers(
            s in valid_cpr_text(),
            before in "[a-zæøå .,:(]{0,8}",
            after in "[a-zæøå .,:)]{0,8}",
        ) {
            let text = format!("{before}{s}{after}");
            prop_assert!(contains_cpr(&text), "{}", text);
        }

        #[test]
        fn contains_cpr_agrees_with_parse_on_bare_input(s in "[0-9]{6}[- ]?[0-9]{4}") {
            prop_assert_eq!(contains_cpr(&s), Cpr::parse(&s).is_ok());
        }
    }
}
