//! Changes that need several parties' agreement (e.g. a postponement of the stay): proposed
//! with a reason and new dates; nothing moves until every party has agreed, and one "no" ends it.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{CommandError, Ctx, FieldError, check_changed, invalid};
use crate::course::{ChangeStatus, Event};
use crate::model::Action;
use crate::policy;

pub fn propose_change(ctx: &Ctx, kind: &str, dates: &BTreeMap<String, Date>, reason: &str) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::ProposeChange)?;
    let Some(def) = ctx.model.changes.get(kind) else {
        return Err(invalid("kind", format!("Forløbet har ingen ændring ved navn '{kind}'.")));
    };
    ctx.require_role(&def.proposed_by, "kind", &def.label)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("reason", "Skriv en begrundelse for ændringen."));
    }
    super::note_text("reason", Some(reason.to_string()))?;
    let changed: BTreeMap<String, Date> = dates.iter().filter(|(k, v)| ctx.state.dates.get(*k) != Some(v)).map(|(k, v)| (k.clone(), *v)).collect();
    if changed.is_empty() {
        return Err(invalid("dates", "Angiv mindst én ny dato."));
    }
    let mut errors = Vec::new();
    for id in changed.keys() {
        if !def.dates.contains(id) {
            errors.push(FieldError { field: id.clone(), message: format!("{} kan ikke ændres med en {}.", ctx.model.date_label(id), def.label.to_lowercase()) });
        }
    }
    errors.extend(check_changed(ctx.model, &ctx.state.dates, &changed, ctx.today));
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    if ctx.state.changes.iter().any(|c| c.kind == kind && c.status == ChangeStatus::Open) {
        return Err(invalid("kind", format!("Der er allerede en {} til behandling.", def.label.to_lowercase())));
    }
    let id = ctx.state.changes.iter().map(|c| c.id).max().unwrap_or(0) + 1;
    let mut events = vec![Event::ChangeProposed { change: id, kind: kind.into(), dates: changed, reason: reason.into() }];
    // Proposing is agreeing for the parties the proposer speaks for (not on someone's behalf).
    for a in def.agree.iter().filter(|a| !a.on_behalf && policy::holds_any(ctx.model, ctx.state, ctx.actor, &a.by)) {
        events.push(Event::ChangeAnswered { change: id, party: a.id.clone(), agreed: true, note: None });
    }
    Ok(events)
}

/// Records one party's answer. With the last "yes" the dates move in the same commit.
pub fn answer_change(ctx: &Ctx, change: u32, party: &str, agreed: bool, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::AnswerChange)?;
    let Some(c) = ctx.state.change(change) else {
        return Err(invalid("change", "Ændringen findes ikke."));
    };
    let Some(def) = ctx.model.changes.get(&c.kind) else {
        return Err(invalid("change", "Ændringen findes ikke."));
    };
    if c.status != ChangeStatus::Open {
        return Err(invalid("change", "Ændringen er allerede afgjort."));
    }
    let Some(a) = def.agree.iter().find(|a| a.id == party) else {
        return Err(invalid("party", format!("'{party}' skal ikke svare på ændringen.")));
    };
    ctx.require_role(&a.by, "party", &format!("{}s svar", a.label))?;
    if c.answers.contains_key(party) {
        return Err(invalid("party", format!("{} har allerede svaret.", a.label)));
    }
    let note = super::note_text("note", note)?;
    if a.on_behalf && note.is_none() {
        return Err(invalid("note", format!("Skriv hvordan og hvornår {} svarede.", a.label.to_lowercase())));
    }
    let mut events = vec![Event::ChangeAnswered { change, party: party.into(), agreed, note }];
    let all_agreed = agreed && def.agree.iter().all(|x| x.id == party || c.answers.get(&x.id).is_some_and(|ans| ans.agreed));
    if all_agreed {
        // The course may have moved on since the proposal: the dates must still be valid.
        let errors = check_changed(ctx.model, &ctx.state.dates, &c.dates, ctx.today);
        if !errors.is_empty() {
            return Err(CommandError::Invalid(errors));
        }
        let reason = format!("{}: {}", def.label, c.reason);
        events.push(Event::DatesSet { dates: c.dates.clone(), reason: Some(reason) });
        events.push(Event::ChangeApplied { change });
    }
    Ok(events)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::CourseState;
    use crate::ids::OrgId;
    use crate::tasks;
    #[allow(unused_imports)]
    use crate::testkit::*;
    use jiff::civil::date;

    fn course() -> CourseState {
        let mut st = CourseState::default();
        apply(
            &mut st,
            vec![
                Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into() },
                Event::DecisionRecorded { decision: "samarbejde".into(), value: "ja".into(), note: None },
                Event::DatesSet {
                    dates: [("ophold_start", date(2027, 2, 22)), ("ophold_slut", date(2027, 4, 16)), ("opfoelgningsdag", date(2027, 5, 18))].into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    reason: None,
                },
            ],
        );
        st
    }
    fn new_dates() -> BTreeMap<String, Date> {
        [("ophold_start", date(2027, 8, 16)), ("ophold_slut", date(2027, 10, 8)), ("opfoelgningsdag", date(2027, 11, 8))].into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn a_postponement_moves_the_dates_only_when_all_three_agree() {
        let m = model();
        let mut st = course();
        let due_before = tasks::tasks(&m, &st).into_iter().find(|t| t.id == "kontakt_efter_opfoelgning").unwrap().window;
        let evs = propose_change(&Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY }, "udsaettelse", &new_dates(), "Barnet afslutter et behandlingsforløb i kommunen").unwrap();
        assert_eq!(evs.len(), 2, "the proposing municipality agrees by proposing");
        apply(&mut st, evs);
        assert_eq!(st.dates["ophold_start"], date(2027, 2, 22), "nothing moves yet");
        // The family's answer, recorded by staff, must say how and when.
        let e = answer_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, 1, "familie", true, None).unwrap_err();
        assert!(matches!(e, CommandError::Invalid(ref f) if f[0].field == "note"));
        let evs = answer_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, 1, "familie", true, Some("Mor sagde ja i telefonen 24. nov.".into())).unwrap();
        apply(&mut st, evs);
        assert_eq!(st.dates["ophold_start"], date(2027, 2, 22), "still waiting for the home");
        // The municipality cannot answer for the home.
        assert!(answer_change(&Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY }, 1, "hjem", true, None).is_err());
        let evs = answer_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, 1, "hjem", true, None).unwrap();
        assert!(matches!(evs.last(), Some(Event::ChangeApplied { change: 1 })));
        apply(&mut st, evs);
        assert_eq!(st.dates["ophold_start"], date(2027, 8, 16));
        let due_after = tasks::tasks(&m, &st).into_iter().find(|t| t.id == "kontakt_efter_opfoelgning").unwrap().window;
        assert_eq!((due_before.to, due_after.to), (date(2027, 5, 25), date(2027, 11, 15)), "deadlines follow the dates");
    }

    #[test]
    fn one_no_ends_it_and_bad_dates_are_refused_up_front() {
        let m = model();
        let mut st = course();
        let mut bad = new_dates();
        bad.insert("opfoelgningsdag".into(), date(2027, 10, 15));
        let e = propose_change(&Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY }, "udsaettelse", &bad, "x").unwrap_err();
        assert!(matches!(e, CommandError::Invalid(ref f) if f[0].field == "opfoelgningsdag"));
        let e = propose_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, "udsaettelse", &new_dates(), "x").unwrap_err();
        assert!(matches!(e, CommandError::Denied(_)), "the home does not propose postponements in this model");
        let evs = propose_change(&Ctx { model: &m, state: &st, actor: &tovholder(), today: TODAY }, "udsaettelse", &new_dates(), "x").unwrap();
        apply(&mut st, evs);
        let evs = answer_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, 1, "hjem", false, Some("Ingen plads i august".into())).unwrap();
        apply(&mut st, evs);
        assert_eq!(st.changes[0].status, ChangeStatus::Rejected);
        assert!(answer_change(&Ctx { model: &m, state: &st, actor: &staff(), today: TODAY }, 1, "familie", true, Some("ja".into())).is_err());
        assert_eq!(st.dates["ophold_start"], date(2027, 2, 22));
    }
}
