//! Fixtures shared by the unit tests: the shipped model, two actors and a fixed day.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::civil::{Date, date};

use crate::course::{CourseState, Event, Stamp};
use crate::ids::{OrgId, PersonId};
use crate::model::Model;
use crate::policy::Actor;

pub const TODAY: Date = date(2026, 11, 23);

pub fn model() -> Model {
    Model::parse(include_str!("../../../models/julemaerkehjem.toml")).unwrap()
}

/// Furesø's Familiens Fremtid model.
pub fn ff_model() -> Model {
    Model::parse(include_str!("../../../models/familiens_fremtid.toml")).unwrap()
}

/// Ballerup's youth model.
pub fn ballerup_model() -> Model {
    Model::parse(include_str!("../../../models/ballerup_unge.toml")).unwrap()
}

/// Staff of the home (organisation 1).
pub fn staff() -> Actor {
    Actor { person: PersonId(1), org: OrgId(1), org_roles: vec!["personale".into()], department: None, deputy_for: vec![] }
}

/// The municipality's tovholder (organisation 2).
pub fn tovholder() -> Actor {
    Actor { person: PersonId(2), org: OrgId(2), org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] }
}

/// Applies events as person 1 at the epoch.
pub fn apply(state: &mut CourseState, events: Vec<Event>) {
    let stamp = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) };
    for e in &events {
        state.apply(&stamp, e);
    }
}
