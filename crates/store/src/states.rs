//! Course states as last read, by id with their version. A state at a given version never
//! changes (every append bumps the version), so a store asks its database for the current
//! versions and reads a state only where the version held here is not the current one: pages
//! showing the same courses again (a coordinator's "Mine opgaver", a course page) skip parsing
//! each state's JSON, and share it (`Arc`) instead of copying it. Only
//! `Store::course_as_stored` (`verify_course`) reads whole. Safe with several server processes:
//! the version always comes from the database (or, for SQLite, which serves one process, from
//! the store's own record of what it wrote: `store-sqlite/src/current.rs`).

use crate::StoredCourse;
use crate::cache::Cache;

/// Most states kept; beyond it the cache starts over.
const MAX_STATES: usize = 1024;

pub struct States {
    held: Cache<i64, StoredCourse>,
}

impl Default for States {
    fn default() -> States {
        States { held: Cache::new(MAX_STATES, None) }
    }
}

impl States {
    pub fn get(&self, id: i64, version: i64) -> Option<StoredCourse> {
        self.held.get_if(&id, |c, _| c.version == version)
    }

    /// The version held for `id`, or -1 (no version is negative).
    pub fn version(&self, id: i64) -> i64 {
        self.held.get(&id).map_or(-1, |c| c.version)
    }

    /// A state as read: a state at a version is the same whenever it was read.
    pub fn put(&self, c: &StoredCourse) {
        self.held.put(self.held.ticket(), c.id.0, c.clone());
    }
}
