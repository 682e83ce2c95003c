//! Fuzz targets for core's parsers, as property tests: any text, and edits of real input, must
//! give an answer (a value or errors), never a panic. CI runs them at proptest's case count;
//! `scripts/fuzz` runs them for longer (FUZZING.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::collection::vec;
use proptest::prelude::*;

use crate::cpr::{Cpr, contains_cpr};
use crate::model::Model;

const MODELS: [&str; 3] = [include_str!("../../../models/julemaerkehjem.toml"), include_str!("../../../models/familiens_fremtid.toml"), include_str!("../../../models/ballerup_unge.toml")];

/// `text` with `edits` applied: (where, delete / insert / replace, the character).
fn edited(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, op, c) in edits {
        let i = at % (chars.len() + 1);
        match op % 3 {
            0 if i < chars.len() => {
                chars.remove(i);
            }
            1 => chars.insert(i, c),
            _ if i < chars.len() => chars[i] = c,
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Characters that matter to TOML and to the model's references, and any other.
fn toml_char() -> impl Strategy<Value = char> {
    prop_oneof![prop::sample::select(vec!['"', '\'', '[', ']', '=', '\n', '#', ',', '{', '}', '.', '-', '0', 'x', ' ']), any::<char>()]
}

proptest! {
    #[test]
    fn fuzz_model_parser_takes_any_text(text in "\\PC{0,300}") {
        if let Err(errors) = Model::parse(&text) {
            prop_assert!(!errors.is_empty() && errors.iter().all(|e| !e.to_string().is_empty()));
        }
    }

    #[test]
    fn fuzz_model_parser_takes_any_edit_of_a_shipped_model(which in 0..MODELS.len(), edits in vec((any::<usize>(), any::<u8>(), toml_char()), 1..6)) {
        let text = edited(MODELS[which], &edits);
        match Model::parse(&text) {
            // What parses is a whole model: parsing it again gives the same.
            Ok(m) => prop_assert_eq!(Model::parse(&text).map(|again| again.id == m.id).ok(), Some(true)),
            Err(errors) => prop_assert!(!errors.is_empty() && errors.iter().all(|e| !e.to_string().is_empty())),
        }
    }

    #[test]
    fn fuzz_cpr_parsing_takes_any_text(text in "\\PC{0,24}|[0-9 -]{0,14}") {
        if let Ok(cpr) = Cpr::parse(&text) {
            // A number read is ten digits, and written and read back the same.
            prop_assert_eq!(cpr.expose().chars().filter(char::is_ascii_digit).count(), 10);
            prop_assert_eq!(Cpr::parse(cpr.expose()).ok(), Some(cpr.clone()));
        }
        let _ = contains_cpr(&text);
    }
}
