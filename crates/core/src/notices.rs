//! Which e-mail notices an action causes: those whose condition holds after it and did not
//! before. Recipients are roles; the web layer turns them into addresses.

use crate::course::CourseState;
use crate::model::{Model, NoticeDef};
use crate::policy::party_shares;

/// Someone took the condition's role who did not hold it before (e.g. a new kontaktperson).
fn new_holder(c: &crate::model::Condition, before: &CourseState, after: &CourseState) -> bool {
    c.role.as_ref().is_some_and(|r| after.holders(r).any(|p| !before.holds(p, r)))
}

/// The notices that `before` → `after` sets off, with the roles that may receive them now:
/// roles of a party that does not share the course are left out.
pub fn triggered<'m>(model: &'m Model, before: &CourseState, after: &CourseState) -> Vec<(&'m NoticeDef, Vec<&'m str>)> {
    model
        .notices
        .iter()
        .filter(|n| n.when.holds(after) && (!n.when.holds(before) || new_holder(&n.when, before, after)))
        .map(|n| {
            let roles = n.to.iter().filter(|r| model.role(r).and_then(|role| role.party.as_deref()).is_none_or(|p| party_shares(model, after, p))).map(String::as_str).collect();
            (n, roles)
        })
        .filter(|(_, roles): &(_, Vec<&str>)| !roles.is_empty())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::{Event, Stamp};
    use crate::ids::{OrgId, PersonId};
    #[allow(unused_imports)]
    use crate::testkit::*;

    fn with(events: &[Event]) -> CourseState {
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
        let mut st = CourseState::default();
        st.apply(&s, &Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into() });
        for e in events {
            st.apply(&s, e);
        }
        st
    }

    #[test]
    fn a_notice_fires_once_and_only_to_parties_that_share() {
        let m = model();
        let called = Event::DatesSet { dates: [("indkaldelse".to_string(), jiff::civil::date(2026, 11, 23))].into(), reason: None };
        let ja = Event::DecisionRecorded { decision: "samarbejde".into(), value: "ja".into(), note: None };
        let nej = Event::DecisionRecorded { decision: "samarbejde".into(), value: "nej".into(), note: None };
        let ids = |b: &CourseState, a: &CourseState| triggered(&m, b, a).iter().map(|(n, _)| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&with(std::slice::from_ref(&ja)), &with(&[ja.clone(), called.clone()])), ["indkaldt"]);
        assert!(ids(&with(&[ja.clone(), called.clone()]), &with(&[ja.clone(), called.clone()])).is_empty(), "not twice");
        assert!(ids(&with(std::slice::from_ref(&nej)), &with(&[nej.clone(), called.clone()])).is_empty(), "a municipality that does not share hears nothing");
        assert_eq!(ids(&with(&[nej.clone(), called.clone()]), &with(&[nej, called, ja])), ["samarbejde_ja"]);
    }

    #[test]
    fn a_new_kontaktperson_is_told_too() {
        let m = model();
        let ja = Event::DecisionRecorded { decision: "samarbejde".into(), value: "ja".into(), note: None };
        let first = Event::PersonJoined { person: PersonId(5), role: "kontaktperson".into(), custody: None, born: None };
        let left = Event::PersonLeft { person: PersonId(5), role: "kontaktperson".into(), because: None };
        let second = Event::PersonJoined { person: PersonId(6), role: "kontaktperson".into(), custody: None, born: None };
        let before = with(&[ja.clone(), first.clone()]);
        let after = with(&[ja, first, left, second]);
        assert_eq!(triggered(&m, &before, &after).iter().map(|(n, _)| n.id.as_str()).collect::<Vec<_>>(), ["udpeget"]);
    }

    #[test]
    fn model_check_refuses_personal_data_in_notices() {
        let text = include_str!("../../../models/julemaerkehjem.toml").replace("Du er udpeget som kontaktperson\"", "Barn 010115-4321\"");
        let errs = Model::parse(&text).unwrap_err();
        assert!(errs.iter().any(|e| e.field == "notices[2].subject"), "{errs:?}");
    }
}
