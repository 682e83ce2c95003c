//! Typed ids, so a person id cannot be passed where a course id is meant, and the
//! recipient a consent names (an organisation, or a department of it).

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(CourseId, PersonId, OrgId);

/// Who a consent lets see the course: a department of an organisation, or a whole organisation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ConsentRecipient")]
pub struct Recipient {
    pub org: OrgId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

impl Recipient {
    /// Does this recipient include a staff member of `org` working in `department`?
    pub fn includes(&self, org: OrgId, department: Option<&str>) -> bool {
        self.org == org && self.department.as_deref().is_none_or(|d| Some(d) == department)
    }
}
