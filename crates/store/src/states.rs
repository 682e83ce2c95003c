//! Course states as last read, by id with their version. A state at a given version never
//! changes (every append bumps the version), so a store asks its database for the current
//! versions and reads a state only where the version held here is not the current one: pages
//! showing the same courses again (a coordinator's "Mine opgaver", a course page) skip parsing
//! each state's JSON, and share it (`Arc`) instead of copying it. Only
//! `Store::course_as_stored` (`verify_course`) reads whole. Safe with several server processes:
//! the version always comes from the database (or, for SQLite, which serves one process, from
//! the store's own record of what it wrote: `store-sqlite/src/current.rs`).

use std::collections::HashMap;
use std::sync::RwLock;

use crate::StoredCourse;

#[derive(Default)]
pub struct States {
    map: RwLock<HashMap<i64, StoredCourse>>,
}

/// Most states kept; beyond it the map starts over.
const MAX_STATES: usize = 1024;

impl States {
    pub fn get(&self, id: i64, version: i64) -> Option<StoredCourse> {
        self.map.read().ok().and_then(|m| m.get(&id).filter(|c| c.version == version).cloned())
    }

    /// The version held for `id`, or -1 (no version is negative).
    pub fn version(&self, id: i64) -> i64 {
        self.map.read().ok().and_then(|m| m.get(&id).map(|c| c.version)).unwrap_or(-1)
    }

    pub fn put(&self, c: &StoredCourse) {
        if let Ok(mut m) = self.map.write() {
            if m.len() >= MAX_STATES && !m.contains_key(&c.id.0) {
                m.clear();
            }
            m.insert(c.id.0, c.clone());
        }
    }
}
