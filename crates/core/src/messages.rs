//! Secure messages in a course: threads between its participants, each with a subject, the
//! people in it and their messages, journaled like everything else. Staff of every organisation
//! that may see the course take part (a reader by consent only while the consent covers
//! messages, its own kind); the family takes part in threads marked for the family. Whoever is in
//! a thread reads it; nobody else learns it exists (`commands::messages` decides who may).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::PersonId;
use crate::stamp::Stamp;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub id: u32,
    pub subject: String,
    /// Marked for the family: the family members in it read and write it.
    pub family: bool,
    /// Who is in it (the one who started it first).
    pub participants: Vec<PersonId>,
    pub started: Stamp,
    pub messages: Vec<Message>,
    /// How far each participant has read: the last message they have seen.
    #[serde(default)]
    pub read: BTreeMap<PersonId, u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: u32,
    pub text: String,
    pub stamp: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A file sent with a message, stored by its SHA-256 like a document's content; its original
/// name is not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

impl Thread {
    /// Messages `person` has not read (their own count as read).
    pub fn unread(&self, person: PersonId) -> usize {
        let seen = self.read.get(&person).copied().unwrap_or(0);
        self.messages.iter().filter(|m| m.id > seen && m.stamp.by != person).count()
    }

    pub fn last(&self) -> Option<&Message> {
        self.messages.last()
    }
}
