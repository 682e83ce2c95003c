//! Who did something and when, and a value recorded that way: the leaves every part of a
//! course's state is built from.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::PersonId;

/// Who did something and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: Timestamp,
    pub by: PersonId,
}

/// A value as someone recorded it, with an optional note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub stamp: Stamp,
}
