//! Letters the system writes into a course (e.g. the home's letter to the municipality's
//! tovholder at call-in): a template from the model with `{date.ID}`, `{role.ID}`, `{field.ID}`,
//! `{decision.ID}` (the answer's label) and `{title}` filled in. Letters are documents inside Tovholder, never e-mails.

use std::collections::HashMap;

use crate::calendar::format_date_da;
use crate::course::CourseState;
use crate::ids::PersonId;
pub use crate::model::placeholders;
use crate::model::{LetterDef, Model};

/// Fills in a letter. `names` gives people's names; `title` the course's title.
pub fn render(model: &Model, state: &CourseState, letter: &LetterDef, names: &HashMap<PersonId, String>, title: &str) -> String {
    let mut out = String::new();
    let mut rest = letter.text.as_str();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else { break };
        let key = &rest[start + 1..start + end];
        out.push_str(&value(model, state, key, names, title));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn value(model: &Model, state: &CourseState, key: &str, names: &HashMap<PersonId, String>, title: &str) -> String {
    let missing = || "(ikke fastsat)".to_string();
    match key.split_once('.') {
        Some(("date", d)) => state.dates.get(d).map(|x| format_date_da(*x)).unwrap_or_else(missing),
        Some(("role", r)) => {
            let list: Vec<String> = state.holders(r).filter_map(|p| names.get(&p).cloned()).collect();
            if list.is_empty() { missing() } else { list.join(", ") }
        }
        Some(("field", f)) => state.fields.get(f).map(|x| x.value.clone()).unwrap_or_else(missing),
        Some(("decision", d)) => state.decision(d).map(|v| model.decisions.get(d).and_then(|def| def.options.get(v)).cloned().unwrap_or_else(|| v.to_string())).unwrap_or_else(missing),
        _ if key == "title" => title.to_string(),
        _ => format!("{{{key}}}"),
    }
}

/// The letters that `before` → `after` sets off: their condition holds now and did not before,
/// and the course has no document of the letter's kind yet (a letter is written once).
pub fn triggered<'m>(model: &'m Model, before: &CourseState, after: &CourseState) -> Vec<&'m LetterDef> {
    model.letters.iter().filter(|l| l.when.holds(after) && !l.when.holds(before) && !after.documents.iter().any(|d| d.meta.kind == l.document)).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::{Event, Stamp};

    #[test]
    fn fills_in_dates_roles_and_the_title() {
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
        let mut st = CourseState::default();
        st.apply(&s, &Event::PersonJoined { person: PersonId(7), role: "kontaktpaedagog".into(), custody: None, born: None });
        st.apply(&s, &Event::DatesSet { dates: [("forbesoeg".to_string(), jiff::civil::date(2026, 12, 3))].into(), reason: None });
        let letter = LetterDef {
            document: "brev".into(),
            title: "Brev".into(),
            when: Default::default(),
            to: vec![],
            text: "Barn: {title}\nForbesøg: {date.forbesoeg}\nInfodag: {date.infodag}\nKontaktpædagog: {role.kontaktpaedagog}".into(),
        };
        let names = [(PersonId(7), "Jonas Holm".to_string())].into();
        let m = Model::parse(include_str!("../../../models/julemaerkehjem.toml")).unwrap();
        assert_eq!(render(&m, &st, &letter, &names, "Sofie Holm"), "Barn: Sofie Holm\nForbesøg: 3. dec. 2026\nInfodag: (ikke fastsat)\nKontaktpædagog: Jonas Holm");
        assert_eq!(placeholders(&letter.text), ["title", "date.forbesoeg", "date.infodag", "role.kontaktpaedagog"]);
    }
}
