//! Moving a running course to another version of its model: what would change (tasks and their
//! deadlines, dates the new rules no longer accept) and what forbids the move (anything the
//! course has recorded that the new version does not define). Nothing recorded is rewritten.

use jiff::civil::Date;

use crate::commands::check_date;
use crate::course::CourseState;
use crate::model::Model;
use crate::span::Window;
use crate::tasks::tasks;

/// One task whose deadline or state differs between the versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskChange {
    pub label: String,
    /// Under the course's version and under the new one; `None`: no such task (yet).
    pub before: Option<Window>,
    pub after: Option<Window>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoveCheck {
    /// Why the course cannot move, in Danish; empty when it can.
    pub blockers: Vec<String>,
    pub tasks: Vec<TaskChange>,
    /// Recorded dates the new version's rules would not accept, with the rule's words.
    pub dates: Vec<String>,
    /// Changes to who takes part and what they may do: when a party shares, a role's actions.
    pub access: Vec<String>,
}

impl MoveCheck {
    pub fn changes_anything(&self) -> bool {
        !self.tasks.is_empty() || !self.dates.is_empty() || !self.access.is_empty()
    }
}

pub fn check_move(old: &Model, new: &Model, state: &CourseState, today: Date) -> MoveCheck {
    let mut out = MoveCheck::default();
    let mut lacks = |what: &str, id: &str| out.blockers.push(format!("Den nye version mangler {what} '{id}', som forløbet bruger."));
    for p in state.parties.keys().filter(|p| !new.parties.contains_key(*p)) {
        lacks("parten", p);
    }
    let roles: Vec<&String> = state.members.iter().map(|m| &m.role).chain(state.vacancies.iter().map(|v| &v.role)).collect();
    for r in &roles {
        if new.role(r).is_none() {
            lacks("rollen", r);
        }
    }
    for d in state.dates.keys().filter(|d| !new.dates.contains_key(*d)) {
        lacks("datoen", d);
    }
    for d in state.decisions.keys().filter(|d| !new.decisions.contains_key(*d)) {
        lacks("beslutningen", d);
    }
    for f in state.fields.keys().filter(|f| !new.fields.contains_key(*f)) {
        lacks("feltet", f);
    }
    for k in state.documents.iter().map(|d| &d.meta.kind).filter(|k| !new.documents.contains_key(*k)) {
        lacks("dokumenttypen", k);
    }
    for k in state.meetings.iter().map(|m| &m.form.kind).filter(|k| !new.meeting_types.contains_key(*k)) {
        lacks("mødetypen", k);
    }
    let new_requests = new.requests.as_ref();
    for r in &state.requests {
        if new_requests.is_none_or(|d| !d.topics.contains_key(&r.topic)) {
            lacks("henvendelsesemnet", &r.topic);
        }
        if new_requests.is_none_or(|d| !d.urgencies.contains_key(&r.urgency)) {
            lacks("hastegraden", &r.urgency);
        }
    }
    // Hand-completed tasks of the old model's list (meeting and cadence tasks have other ids).
    for t in state.completed.keys().filter(|t| old.task(t).is_some() && new.task(t).is_none()) {
        lacks("opgaven", t);
    }
    // A role held in the course that changes party or kind would move people between
    // organisations: that is a new course, not a new version.
    for r in &roles {
        if let (Some(o), Some(n)) = (old.role(r), new.role(r))
            && (o.party != n.party || o.scope != n.scope)
        {
            out.blockers.push(format!("Rollen '{r}' skifter part eller slags i den nye version."));
        }
    }
    out.blockers.sort();
    out.blockers.dedup();
    for (id, p) in &new.parties {
        if old.parties.get(id).is_some_and(|o| o.shares_when != p.shares_when) {
            out.access.push(format!("{} deltager på andre betingelser i den nye version.", p.label));
        }
    }
    let mut held: Vec<&String> = roles.clone();
    held.sort();
    held.dedup();
    for r in held {
        if let (Some(o), Some(n)) = (old.role(r), new.role(r))
            && o.may != n.may
        {
            out.access.push(format!("{} må noget andet i den nye version.", n.label));
        }
    }

    let before = tasks(old, state);
    let after = tasks(new, state);
    for b in &before {
        let a = after.iter().find(|a| a.id == b.id);
        if a.is_none_or(|a| a.window != b.window || a.done.is_some() != b.done.is_some()) {
            out.tasks.push(TaskChange { label: b.label.clone(), before: Some(b.window), after: a.map(|a| a.window) });
        }
    }
    for a in after.iter().filter(|a| !before.iter().any(|b| b.id == a.id)) {
        out.tasks.push(TaskChange { label: a.label.clone(), before: None, after: Some(a.window) });
    }
    for (id, value) in &state.dates {
        if new.dates.contains_key(id)
            && check_date(old, &state.dates, id, *value, today).is_ok()
            && let Err(e) = check_date(new, &state.dates, id, *value, today)
        {
            out.dates.push(e);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::ids::OrgId;
    use crate::testkit::{TODAY, model};
    use jiff::civil::date;

    fn with_dates(dates: &[(&str, Date)]) -> CourseState {
        let parties = [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into();
        let mut st = CourseState { model: "julemaerkehjem".into(), model_version: 1, parties, ..Default::default() };
        st.dates = dates.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        st
    }

    fn edited(edits: &[(&str, &str)]) -> Model {
        let mut text = include_str!("../../../models/julemaerkehjem.toml").to_string();
        for (from, to) in edits {
            assert!(text.contains(from), "{from}");
            text = text.replace(from, to);
        }
        Model::parse(&text).unwrap()
    }

    #[test]
    fn the_same_model_changes_nothing() {
        let st = with_dates(&[("ansoegning", date(2026, 11, 2))]);
        let check = check_move(&model(), &model(), &st, TODAY);
        assert_eq!(check, MoveCheck::default());
    }

    #[test]
    fn a_longer_deadline_is_listed_with_both_windows() {
        let st = with_dates(&[("ansoegning", date(2026, 11, 2))]);
        let new = edited(&[("due = { after = \"ansoegning\", within = \"2w\" }", "due = { after = \"ansoegning\", within = \"3w\" }")]);
        let check = check_move(&model(), &new, &st, TODAY);
        assert!(check.blockers.is_empty());
        assert_eq!(check.tasks.len(), 1, "{check:?}");
        let t = &check.tasks[0];
        assert_eq!(t.before.map(|w| w.to), Some(date(2026, 11, 16)));
        assert_eq!(t.after.map(|w| w.to), Some(date(2026, 11, 23)));
    }

    #[test]
    fn a_recorded_date_the_new_version_lacks_forbids_the_move() {
        let st = with_dates(&[("ansoegning", date(2026, 11, 2)), ("infodag", date(2026, 12, 1))]);
        let new = edited(&[("[dates.infodag]\nlabel = \"Infodag\"\nset_by = [\"personale\", \"kontaktpaedagog\"]\n", ""), ("\"infodag\", ", ""), ("- Infodag: {date.infodag}\n", "")]);
        let check = check_move(&model(), &new, &st, TODAY);
        assert_eq!(check.blockers, vec!["Den nye version mangler datoen 'infodag', som forløbet bruger.".to_string()]);
    }

    #[test]
    fn a_change_to_who_takes_part_is_named_and_a_role_moving_party_forbids_the_move() {
        let st = with_dates(&[("ansoegning", date(2026, 11, 2))]);
        let new = edited(&[("shares_when = { decision = \"samarbejde\", is = \"ja\" }\n", "")]);
        let check = check_move(&model(), &new, &st, TODAY);
        assert_eq!(check.access, vec!["Hjemkommune deltager på andre betingelser i den nye version.".to_string()]);
        assert!(check.blockers.is_empty());
        let mut st = st;
        st.members.push(crate::course::Member { person: crate::ids::PersonId(5), role: "kontaktpaedagog".into(), since: jiff::Timestamp::UNIX_EPOCH, custody: None, born: None });
        let moved = edited(&[(
            "party = \"home\"\nscope = \"course\"\nappointed_by = [\"personale\"]\nheld_by = [\"personale\"]\n# Until someone holds the role, its tasks go to the holders of this role.\nstands_in = \"personale\"",
            "party = \"municipality\"\nscope = \"course\"\nappointed_by = [\"tovholder\"]\nheld_by = [\"tovholder\"]\nstands_in = \"tovholder\"",
        )]);
        let check = check_move(&model(), &moved, &st, TODAY);
        assert_eq!(check.blockers, vec!["Rollen 'kontaktpaedagog' skifter part eller slags i den nye version.".to_string()]);
    }

    #[test]
    fn a_narrower_window_names_the_date_it_no_longer_accepts() {
        let st = with_dates(&[("ophold_start", date(2027, 1, 4)), ("ophold_slut", date(2027, 3, 26))]);
        let new = edited(&[("window = { after = \"ophold_start\", from = \"1d\", to = \"26w\" }", "window = { after = \"ophold_start\", from = \"1d\", to = \"8w\" }")]);
        let check = check_move(&model(), &new, &st, TODAY);
        assert_eq!(check.dates.len(), 1, "{check:?}");
        assert!(check.dates[0].starts_with("Opholdets afslutning skal ligge mellem"), "{check:?}");
    }
}
