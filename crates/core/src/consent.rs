//! The family's consent: who may see what, and why. A consent is a form per consent giver (a
//! parent with custody) about one or more children, naming recipients (departments of the
//! municipality, or outside organisations), kinds of information, a purpose and a period. It
//! counts once the giver has signed; a youth of 15 or more signs too, for the kinds the model
//! says; it ends at its last day or when revoked, with no job to run: the date decides.

use jiff::civil::Date;
use serde::Serialize;

use crate::course::{Consent, CourseState};
pub use crate::ids::Recipient;
use crate::ids::{OrgId, PersonId};
use crate::model::{ConsentDef, Givers, Model, Scope};

/// The answer for one recipient and kind on one day, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Coverage {
    /// Covered by these consents (one per giver needed) until the earliest end.
    Covered {
        consents: Vec<u32>,
        until: Date,
    },
    /// No consent names this recipient and kind at all.
    None,
    /// Consents exist, but none counts today; the most telling reason.
    NotYetValid {
        consent: u32,
        from: Date,
    },
    Expired {
        consent: u32,
        ended: Date,
    },
    Revoked {
        consent: u32,
    },
    Unsigned {
        consent: u32,
    },
    /// Some givers with custody have consented, these have not (and the model needs all).
    WaitingFor {
        givers: Vec<PersonId>,
    },
    /// A youth of 15 or more has not signed.
    YouthMissing {
        youth: PersonId,
        consent: u32,
    },
}

impl Coverage {
    pub fn allowed(&self) -> bool {
        matches!(self, Coverage::Covered { .. })
    }

    /// A short, stable code for the access log.
    pub fn code(&self) -> String {
        match self {
            Coverage::Covered { consents, .. } => format!("consent:{}", join(consents)),
            Coverage::None => "no_consent".into(),
            Coverage::NotYetValid { consent, .. } => format!("consent_not_yet_valid:{consent}"),
            Coverage::Expired { consent, .. } => format!("consent_expired:{consent}"),
            Coverage::Revoked { consent } => format!("consent_revoked:{consent}"),
            Coverage::Unsigned { consent } => format!("consent_unsigned:{consent}"),
            Coverage::WaitingFor { givers } => format!("consent_waiting_for:{}", join(givers)),
            Coverage::YouthMissing { youth, consent } => format!("consent_youth_missing:{consent}:{youth}"),
        }
    }
}

fn join<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
}

/// Whether a person is 15 or older on `day`.
pub fn is_youth(born: Option<Date>, day: Date) -> bool {
    born.and_then(|b| b.checked_add(jiff::ToSpan::years(15)).ok()).is_some_and(|fifteen| fifteen <= day)
}

/// The parents whose consent counts: family members in a giver role with custody.
pub fn custody_holders(model: &Model, state: &CourseState) -> Vec<PersonId> {
    let Some(def) = &model.consent else { return vec![] };
    state
        .members
        .iter()
        .filter(|m| def.giver_roles.contains(&m.role) && m.custody.unwrap_or(true))
        .filter(|m| model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen))
        .map(|m| m.person)
        .collect()
}

/// Why one consent does not count today, or None if it does (for this recipient and kind).
fn blocker(def: &ConsentDef, state: &CourseState, c: &Consent, kind: &str, today: Date) -> Option<Coverage> {
    if c.revoked.is_some() {
        return Some(Coverage::Revoked { consent: c.id });
    }
    if today < c.valid_from {
        return Some(Coverage::NotYetValid { consent: c.id, from: c.valid_from });
    }
    if today > c.valid_to {
        return Some(Coverage::Expired { consent: c.id, ended: c.valid_to });
    }
    if !c.signed_by(c.giver) {
        return Some(Coverage::Unsigned { consent: c.id });
    }
    if def.youth_signs_for.iter().any(|k| k == kind) {
        for child in &c.about {
            let born = state.members.iter().find(|m| m.person == *child).and_then(|m| m.born);
            if is_youth(born, today) && !c.signed_by(*child) {
                return Some(Coverage::YouthMissing { youth: *child, consent: c.id });
            }
        }
    }
    None
}

/// May `org`/`department` see information of `kind` in this course on `today`, by consent?
pub fn coverage(model: &Model, state: &CourseState, org: OrgId, department: Option<&str>, kind: &str, today: Date) -> Coverage {
    coverage_where(model, state, |c| c.recipients.iter().any(|r| r.includes(org, department)), kind, today)
}

/// May the person of the family's network `entry` see information of `kind`, by consent?
pub fn network_coverage(model: &Model, state: &CourseState, entry: u32, kind: &str, today: Date) -> Coverage {
    coverage_where(model, state, |c| c.network.contains(&entry), kind, today)
}

/// The network entry `person` is, if a consent names it and covers any kind today.
pub fn network_reader(model: &Model, state: &CourseState, person: PersonId, today: Date) -> Option<(u32, Coverage)> {
    let def = model.consent.as_ref()?;
    let entry = state.network.iter().find(|e| e.person == Some(person))?.entry;
    def.kinds.keys().map(|k| network_coverage(model, state, entry, k, today)).find(Coverage::allowed).map(|c| (entry, c))
}

fn coverage_where(model: &Model, state: &CourseState, names: impl Fn(&Consent) -> bool, kind: &str, today: Date) -> Coverage {
    let Some(def) = &model.consent else { return Coverage::None };
    let naming: Vec<&Consent> = state.consents.iter().filter(|c| c.kinds.iter().any(|k| k == kind) && names(c)).collect();
    if naming.is_empty() {
        return Coverage::None;
    }
    let valid: Vec<&Consent> = naming.iter().copied().filter(|c| blocker(def, state, c, kind, today).is_none()).collect();
    let givers = custody_holders(model, state);
    let covered_givers: Vec<PersonId> = givers.iter().copied().filter(|g| valid.iter().any(|c| c.giver == *g)).collect();
    let enough = match def.givers {
        Givers::One => !covered_givers.is_empty(),
        Givers::All => !givers.is_empty() && covered_givers.len() == givers.len(),
    };
    if enough {
        let used: Vec<&Consent> = valid.iter().copied().filter(|c| givers.contains(&c.giver)).collect();
        let until = used.iter().map(|c| c.valid_to).min().unwrap_or(today);
        return Coverage::Covered { consents: used.iter().map(|c| c.id).collect(), until };
    }
    if !covered_givers.is_empty() {
        return Coverage::WaitingFor { givers: givers.into_iter().filter(|g| !covered_givers.contains(g)).collect() };
    }
    // Nothing counts: tell the most recent consent's reason.
    naming.iter().rev().find_map(|c| blocker(def, state, c, kind, today)).unwrap_or(Coverage::None)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::commands::{ConsentInput, Ctx, record_consent, revoke_consent, sign_consent};
    use crate::course::Event;
    use crate::model::Action;
    use crate::policy::{Actor, decide};
    #[allow(unused_imports)]
    use crate::testkit::*;
    use jiff::civil::date;

    const HOME: OrgId = OrgId(1);
    const KOMMUNE: OrgId = OrgId(2);
    const REGION: OrgId = OrgId(3);
    const MOR: PersonId = PersonId(10);
    const FAR: PersonId = PersonId(11);
    const BARN: PersonId = PersonId(12);

    fn staff() -> Actor {
        Actor { person: PersonId(1), org: HOME, org_roles: vec!["personale".into()], department: None, deputy_for: vec![] }
    }
    fn jobcentret() -> Actor {
        Actor { person: PersonId(5), org: KOMMUNE, org_roles: vec![], department: Some("Jobcentret".into()), deputy_for: vec![] }
    }
    /// A course with two parents with custody and a child born on `born`.
    fn course(born: Date) -> CourseState {
        let mut st = CourseState::default();
        apply(
            &mut st,
            vec![
                Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), HOME), ("municipality".to_string(), KOMMUNE)].into() },
                Event::DecisionRecorded { decision: "samarbejde".into(), value: "ja".into(), note: None },
                Event::PersonJoined { person: BARN, role: "barn".into(), custody: None, born: Some(born) },
                Event::PersonJoined { person: MOR, role: "foraelder".into(), custody: Some(true), born: None },
                Event::PersonJoined { person: FAR, role: "foraelder".into(), custody: Some(true), born: None },
            ],
        );
        st
    }
    fn give(m: &Model, st: &mut CourseState, giver: PersonId, recipient: Recipient, kinds: &[&str], sign: &[PersonId]) -> u32 {
        let today = date(2027, 1, 3);
        let input = ConsentInput {
            giver,
            about: vec![BARN],
            recipients: vec![recipient],
            network: vec![],
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            purpose: "Støtte familien".into(),
            valid_from: date(2027, 1, 3),
            valid_to: date(2027, 6, 30),
        };
        let evs = record_consent(&Ctx { model: m, state: st, actor: &staff(), today }, input).unwrap();
        let Event::ConsentRecorded(f) = &evs[0] else { panic!() };
        let id = f.consent;
        apply(st, evs);
        for by in sign {
            let evs = sign_consent(&Ctx { model: m, state: st, actor: &staff(), today }, id, *by, "På papir ved mødet", today).unwrap();
            apply(st, evs);
        }
        id
    }
    fn dept(d: &str) -> Recipient {
        Recipient { org: KOMMUNE, department: Some(d.into()) }
    }

    /// (case, child born, both parents sign, youth signs, revoked, recipient asked, kind, day, expected code)
    type Case<'a> = (&'a str, Date, bool, bool, bool, Option<&'a str>, &'a str, Date, &'a str);

    /// The decision matrix: recipient × kind × time × revoked × the child's age.
    #[test]
    fn decision_matrix() {
        let m = model();
        let young = date(2015, 3, 15); // 11–12 years old in 2027
        let fifteen = date(2011, 12, 1); // turns 15 before the consent period
        let cases: &[Case] = &[
            ("covered", young, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 2, 1), "consent:1,2"),
            ("first day", young, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 1, 3), "consent:1,2"),
            ("last day", young, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 6, 30), "consent:1,2"),
            ("before start", young, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 1, 2), "consent_not_yet_valid:2"),
            ("after end", young, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 7, 1), "consent_expired:2"),
            ("revoked", young, true, false, true, Some("Jobcentret"), "forloeb", date(2027, 2, 1), "consent_waiting_for:10"),
            ("another department", young, true, false, false, Some("Sundhedsplejen"), "forloeb", date(2027, 2, 1), "no_consent"),
            ("a kind not covered", young, true, false, false, Some("Jobcentret"), "dokumenter", date(2027, 2, 1), "no_consent"),
            ("one parent of two", young, false, false, false, Some("Jobcentret"), "forloeb", date(2027, 2, 1), "consent_waiting_for:11"),
            ("youth 15+ unsigned", fifteen, true, false, false, Some("Jobcentret"), "forloeb", date(2027, 2, 1), "consent_youth_missing:2:12"),
            ("youth 15+ signed", fifteen, true, true, false, Some("Jobcentret"), "forloeb", date(2027, 2, 1), "consent:1,2"),
            ("the whole organisation is not a department", young, true, false, false, None, "forloeb", date(2027, 2, 1), "no_consent"),
        ];
        for (case, born, both, youth, revoked, asked, kind, day, expected) in cases {
            let mut st = course(*born);
            let mut signers = vec![MOR];
            if *youth {
                signers.push(BARN);
            }
            give(&m, &mut st, MOR, dept("Jobcentret"), &["forloeb"], &signers);
            let mut far = vec![];
            if *both {
                far.push(FAR);
            }
            if *youth {
                far.push(BARN);
            }
            let second = give(&m, &mut st, FAR, dept("Jobcentret"), &["forloeb"], &far);
            if *revoked {
                let evs = revoke_consent(&Ctx { model: &m, state: &st, actor: &staff(), today: *day }, 1, Some("Mor trak det tilbage".into())).unwrap();
                apply(&mut st, evs);
            }
            let _ = second;
            let got = coverage(&m, &st, KOMMUNE, *asked, kind, *day);
            assert_eq!(got.code(), *expected, "{case}");
        }
    }

    #[test]
    fn the_policy_lets_a_covered_department_read_and_nothing_more() {
        let m = model();
        let mut st = course(date(2015, 3, 15));
        give(&m, &mut st, MOR, dept("Jobcentret"), &["forloeb"], &[MOR]);
        let day = date(2027, 2, 1);
        assert_eq!(decide(&m, &st, &jobcentret(), Action::Read, day).reason.code(), "consent_waiting_for:11", "both parents must consent");
        give(&m, &mut st, FAR, dept("Jobcentret"), &["forloeb"], &[FAR]);
        let read = decide(&m, &st, &jobcentret(), Action::Read, day);
        assert!(read.allowed, "{read:?}");
        assert!(!decide(&m, &st, &jobcentret(), Action::SetDates, day).allowed, "consent opens reading only");
        assert!(!decide(&m, &st, &jobcentret(), Action::Read, date(2027, 7, 1)).allowed, "expired by the clock alone");
        let region = Actor { person: PersonId(6), org: REGION, org_roles: vec![], department: None, deputy_for: vec![] };
        assert_eq!(decide(&m, &st, &region, Action::Read, day).reason.code(), "no_relation");
        // An outside party named as a whole organisation.
        give(&m, &mut st, MOR, Recipient { org: REGION, department: None }, &["forloeb"], &[MOR]);
        give(&m, &mut st, FAR, Recipient { org: REGION, department: None }, &["forloeb"], &[FAR]);
        assert_eq!(decide(&m, &st, &region, Action::Read, day).reason.code(), "consent:3,4");
        // Parents' "no" to the collaboration hides the municipality's roles; consent does not reopen them.
        let tov = Actor { person: PersonId(2), org: KOMMUNE, org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] };
        assert!(decide(&m, &st, &tov, Action::Read, day).allowed);
    }

    #[test]
    fn recording_checks_the_form() {
        let m = model();
        let st = course(date(2015, 3, 15));
        let ctx = Ctx { model: &m, state: &st, actor: &staff(), today: date(2027, 1, 3) };
        let bad = ConsentInput {
            giver: BARN,
            about: vec![],
            recipients: vec![dept("Skattecenter")],
            network: vec![],
            kinds: vec!["alt".into()],
            purpose: " ".into(),
            valid_from: date(2027, 1, 3),
            valid_to: date(2026, 1, 1),
        };
        let Err(crate::commands::CommandError::Invalid(errors)) = record_consent(&ctx, bad) else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["giver", "about", "recipients", "kinds", "purpose", "valid_to"]);
        let tov = Actor { person: PersonId(2), org: OrgId(99), org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] };
        let ok = ConsentInput {
            giver: MOR,
            about: vec![BARN],
            recipients: vec![dept("Jobcentret")],
            network: vec![],
            kinds: vec!["forloeb".into()],
            purpose: "x".into(),
            valid_from: date(2027, 1, 3),
            valid_to: date(2027, 2, 1),
        };
        assert!(matches!(record_consent(&Ctx { model: &m, state: &st, actor: &tov, today: date(2027, 1, 3) }, ok), Err(crate::commands::CommandError::Denied(_))));
    }
}
