//! The access policy: the one place that decides whether a person may take an action on a
//! course, and why. Everything not allowed is answered by the edges as if it did not exist.

use serde::Serialize;

use crate::course::CourseState;
use crate::ids::{OrgId, PersonId};
use crate::model::{Action, Model, Scope};

/// A logged-in staff member: who, in which organisation, with which standing roles there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub person: PersonId,
    pub org: OrgId,
    pub org_roles: Vec<String>,
    /// The department (area) of the organisation the person works in, if any.
    pub department: Option<String>,
    /// Colleagues on leave whom the person stands in for today (stedfortræder): in each course
    /// the person acts in their course roles.
    pub deputy_for: Vec<PersonId>,
}

/// A role through which the actor relates to a course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capacity {
    pub role: String,
    pub scope: Scope,
    /// Held as the deputy of this colleague, not in one's own name.
    pub for_person: Option<PersonId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Allowed through this role.
    Role { role: String },
    /// The actor's organisation takes part only after a decision that has not been made.
    NotShared { party: String, decision: String },
    /// The actor has no role in the course at all.
    NoRelation,
    /// The actor has roles, but none that may take this action.
    NotPermitted { roles: Vec<String> },
    /// The course's model is not known to this server.
    UnknownModel,
    /// Allowed or denied by the family's consent (see `consent::Coverage`).
    Consent { coverage: crate::consent::Coverage },
    /// Allowed through a colleague's course role, as their deputy for a period.
    Deputy { role: String, for_person: PersonId },
}

impl Reason {
    /// A short, stable code for the access log.
    pub fn code(&self) -> String {
        match self {
            Reason::Role { role } => format!("role:{role}"),
            Reason::NotShared { party, decision } => format!("not_shared:{party}:{decision}"),
            Reason::NoRelation => "no_relation".into(),
            Reason::NotPermitted { roles } => format!("not_permitted:{}", roles.join(",")),
            Reason::UnknownModel => "unknown_model".into(),
            Reason::Consent { coverage } => coverage.code(),
            Reason::Deputy { role, for_person } => format!("deputy:{}:{role}", for_person.0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
}

impl Decision {
    fn allow(role: &str) -> Decision {
        Decision { allowed: true, reason: Reason::Role { role: role.to_string() } }
    }
    fn deny(reason: Reason) -> Decision {
        Decision { allowed: false, reason }
    }
}

/// Whether `party` currently takes part in the course (its `shares_when` decision holds).
pub fn party_shares(model: &Model, state: &CourseState, party: &str) -> bool {
    match model.parties.get(party).and_then(|p| p.shares_when.as_ref()) {
        Some(cond) => state.decision(&cond.decision) == Some(cond.is.as_str()),
        None => model.parties.contains_key(party),
    }
}

/// The roles through which `actor` takes part in the course, leaving out those of a party that
/// does not share yet. The second value names the first such withheld party, for the reason.
fn capacities_and_withheld(model: &Model, state: &CourseState, actor: &Actor) -> (Vec<Capacity>, Option<String>) {
    let mut caps = Vec::new();
    let mut withheld = None;
    for (role_id, role) in &model.roles {
        let Some(party) = &role.party else { continue };
        if state.parties.get(party) != Some(&actor.org) {
            continue;
        }
        let (holds, for_person) = match role.scope {
            Scope::Organisation => (actor.org_roles.iter().any(|r| r == role_id), None),
            Scope::Course if state.holds(actor.person, role_id) => (true, None),
            Scope::Course => match actor.deputy_for.iter().find(|p| state.holds(**p, role_id)) {
                Some(p) => (true, Some(*p)),
                None => (false, None),
            },
            Scope::Citizen => (false, None),
        };
        if !holds {
            continue;
        }
        if party_shares(model, state, party) {
            caps.push(Capacity { role: role_id.clone(), scope: role.scope, for_person });
        } else if withheld.is_none() {
            withheld = Some(party.clone());
        }
    }
    (caps, withheld)
}

/// The roles through which `actor` currently takes part in the course.
pub fn capacities(model: &Model, state: &CourseState, actor: &Actor) -> Vec<Capacity> {
    capacities_and_withheld(model, state, actor).0
}

/// May `actor` take `action` on this course on `today` (a Copenhagen date)? Always answers
/// with the reason. Roles come first; someone with no role in the course may read it exactly
/// while the family's consent covers their department or organisation.
pub fn decide(model: &Model, state: &CourseState, actor: &Actor, action: Action, today: jiff::civil::Date) -> Decision {
    if model.id != state.model {
        return Decision::deny(Reason::UnknownModel);
    }
    let (caps, withheld) = capacities_and_withheld(model, state, actor);
    if caps.is_empty()
        && withheld.is_none()
        && let Some(def) = &model.consent
    {
        let coverage = crate::consent::coverage(model, state, actor.org, actor.department.as_deref(), &def.read_kind, today);
        if coverage != crate::consent::Coverage::None {
            let allowed = coverage.allowed() && action == Action::Read;
            return Decision { allowed, reason: Reason::Consent { coverage } };
        }
    }
    if caps.is_empty() {
        return Decision::deny(match withheld {
            Some(party) => Reason::NotShared { decision: model.parties.get(&party).and_then(|p| p.shares_when.as_ref()).map(|c| c.decision.clone()).unwrap_or_default(), party },
            None => Reason::NoRelation,
        });
    }
    // One's own roles first: a deputy's ground is named only where it is the only one.
    let mut ordered: Vec<&Capacity> = caps.iter().collect();
    ordered.sort_by_key(|c| c.for_person.is_some());
    for cap in ordered {
        if model.roles.get(&cap.role).is_some_and(|r| r.may.contains(&action)) {
            return Decision {
                allowed: true,
                reason: match cap.for_person {
                    Some(p) => Reason::Deputy { role: cap.role.clone(), for_person: p },
                    None => Reason::Role { role: cap.role.clone() },
                },
            };
        }
    }
    Decision::deny(Reason::NotPermitted { roles: caps.into_iter().map(|c| c.role).collect() })
}

/// May `actor` open a new course of this model with their own organisation as the opening party?
pub fn may_open(model: &Model, actor: &Actor) -> Decision {
    for (role_id, role) in &model.roles {
        if role.scope == Scope::Organisation && role.party.as_deref() == Some(model.opened_by.as_str()) && role.may.contains(&Action::OpenCourse) && actor.org_roles.iter().any(|r| r == role_id) {
            return Decision::allow(role_id);
        }
    }
    Decision::deny(Reason::NotPermitted { roles: actor.org_roles.clone() })
}

/// Does the actor hold (in this course) one of `roles`? For per-item rules such as which roles
/// may set a date or appoint to a role.
pub fn holds_any(model: &Model, state: &CourseState, actor: &Actor, roles: &[String]) -> bool {
    capacities(model, state, actor).iter().any(|c| roles.contains(&c.role))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::{Event, Stamp};
    #[allow(unused_imports)]
    use crate::testkit::*;

    const HOME: OrgId = OrgId(1);
    const KOMMUNE_A: OrgId = OrgId(2);
    const KOMMUNE_B: OrgId = OrgId(3);

    fn course(samarbejde: Option<&str>, kontaktperson: Option<PersonId>) -> CourseState {
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(100) };
        let mut st = CourseState::default();
        st.apply(&s, &Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), HOME), ("municipality".to_string(), KOMMUNE_A)].into() });
        if let Some(v) = samarbejde {
            st.apply(&s, &Event::DecisionRecorded { decision: "samarbejde".into(), value: v.into(), note: None });
        }
        if let Some(p) = kontaktperson {
            st.apply(&s, &Event::PersonJoined { person: p, role: "kontaktperson".into(), custody: None, born: None });
        }
        st
    }

    fn actor(person: i64, org: OrgId, roles: &[&str]) -> Actor {
        Actor { person: PersonId(person), org, org_roles: roles.iter().map(|r| r.to_string()).collect(), department: None, deputy_for: vec![] }
    }

    /// The decision matrix: who × parents' answer × action.
    #[test]
    fn decision_matrix() {
        let m = model();
        let staff = actor(1, HOME, &["personale"]);
        let tovholder_a = actor(2, KOMMUNE_A, &["tovholder"]);
        let tovholder_b = actor(3, KOMMUNE_B, &["tovholder"]);
        let kp = actor(4, KOMMUNE_A, &[]);
        let other_a = actor(5, KOMMUNE_A, &[]);
        let cases: &[(&Actor, Option<&str>, Action, bool, &str)] = &[
            (&staff, None, Action::Read, true, "role:personale"),
            (&staff, Some("nej"), Action::SetDates, true, "role:personale"),
            (&tovholder_a, None, Action::Read, false, "not_shared:municipality:samarbejde"),
            (&tovholder_a, Some("nej"), Action::Read, false, "not_shared:municipality:samarbejde"),
            (&tovholder_a, Some("ja"), Action::Read, true, "role:tovholder"),
            (&tovholder_a, Some("ja"), Action::Appoint, true, "role:tovholder"),
            (&tovholder_a, Some("ja"), Action::SetDates, false, "not_permitted:tovholder"),
            (&tovholder_b, Some("ja"), Action::Read, false, "no_relation"),
            (&kp, Some("ja"), Action::Read, true, "role:kontaktperson"),
            (&kp, Some("ja"), Action::Appoint, false, "not_permitted:kontaktperson"),
            (&kp, Some("nej"), Action::Read, false, "not_shared:municipality:samarbejde"),
            (&other_a, Some("ja"), Action::Read, false, "no_relation"),
        ];
        for (a, samarbejde, action, allowed, reason) in cases {
            let st = course(*samarbejde, Some(PersonId(4)));
            let d = decide(&m, &st, a, *action, TODAY);
            assert_eq!((d.allowed, d.reason.code().as_str()), (*allowed, *reason), "{a:?} {samarbejde:?} {action:?}");
        }
    }

    #[test]
    fn a_deputy_acts_in_the_colleagues_course_role_and_says_so() {
        let m = model();
        let st = course(Some("ja"), Some(PersonId(4)));
        let mut deputy = actor(6, KOMMUNE_A, &[]);
        assert_eq!(decide(&m, &st, &deputy, Action::Read, TODAY).reason.code(), "no_relation", "not while the colleague is here");
        deputy.deputy_for = vec![PersonId(4)];
        let d = decide(&m, &st, &deputy, Action::Read, TODAY);
        assert_eq!((d.allowed, d.reason.code().as_str()), (true, "deputy:4:kontaktperson"));
        assert!(!decide(&m, &st, &deputy, Action::Appoint, TODAY).allowed, "no more than the colleague may");
        // Someone with a role of their own reads in their own name.
        let mut tovholder = actor(2, KOMMUNE_A, &["tovholder"]);
        tovholder.deputy_for = vec![PersonId(4)];
        assert_eq!(decide(&m, &st, &tovholder, Action::Read, TODAY).reason.code(), "role:tovholder");
    }

    #[test]
    fn a_course_of_another_model_is_denied() {
        let m = model();
        let mut st = course(Some("ja"), None);
        st.model = "other".into();
        assert!(!decide(&m, &st, &actor(1, HOME, &["personale"]), Action::Read, TODAY).allowed);
    }

    #[test]
    fn only_home_staff_open_courses() {
        let m = model();
        assert!(may_open(&m, &actor(1, HOME, &["personale"])).allowed);
        assert!(!may_open(&m, &actor(2, KOMMUNE_A, &["tovholder"])).allowed);
    }

    proptest::proptest! {
        /// Nobody outside the course's organisations is ever allowed anything, whatever their roles.
        #[test]
        fn outsiders_never_get_in(org in 4i64..1000, person in 1i64..1000, roles in proptest::sample::subsequence(vec!["personale", "tovholder", "kontaktperson", "kontaktpaedagog"], 0..4),
                                  answer in proptest::option::of(proptest::sample::select(vec!["ja", "nej"])), action in proptest::sample::select(Action::ALL.to_vec())) {
            let st = course(answer, Some(PersonId(person)));
            let a = actor(person, OrgId(org), &roles);
            proptest::prop_assert!(!decide(&model(), &st, &a, action, TODAY).allowed);
        }
    }
}
