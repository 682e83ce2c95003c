//! What the store knows to be current about courses, so that a page needs no query to learn
//! it: each course's version (with `States`, the state itself) and each coordinator's open
//! tasks. SQLite serves one process, so every course write passes through this store: after
//! its commit, the write drops what it changed here. A counter of course writes keeps a read
//! that raced a write from putting back what it read before the write.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Owner;
use tovholder_store::TaskRow;

/// Whose open tasks a list holds: a person, and the standing roles they have in an organisation.
type TasksKey = (i64, i64, Vec<String>);

#[derive(Default)]
pub(crate) struct Current {
    writes: AtomicU64,
    versions: RwLock<HashMap<i64, i64>>,
    tasks: RwLock<HashMap<TasksKey, Vec<TaskRow>>>,
}

/// Most course versions held (a few MB); beyond it the map starts over.
const MAX_VERSIONS: usize = 200_000;
/// Most task lists held; beyond it the map starts over.
const MAX_TASK_LISTS: usize = 10_000;

/// Whether a task row with this owner belongs in the list of `key`.
fn owned_by(owner: &Owner, (person, org, roles): &TasksKey) -> bool {
    match owner {
        Owner::Person { person: p, .. } => p.0 == *person,
        Owner::OrgRole { org: o, role } => o.0 == *org && roles.contains(role),
    }
}

impl Current {
    /// Taken before a read from SQLite, and handed back with what it read.
    pub(crate) fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    pub(crate) fn version(&self, id: CourseId) -> Option<i64> {
        self.versions.read().ok().and_then(|v| v.get(&id.0).copied())
    }

    /// Keeps versions read from SQLite, unless a course was written since the read began.
    pub(crate) fn put_versions(&self, writes: u64, read: impl Iterator<Item = (CourseId, i64)>) {
        if let Ok(mut v) = self.versions.write()
            && self.writes() == writes
        {
            if v.len() >= MAX_VERSIONS {
                v.clear();
            }
            v.extend(read.map(|(id, version)| (id.0, version)));
        }
    }

    pub(crate) fn tasks(&self, person: PersonId, org: OrgId, roles: &[String]) -> Option<Vec<TaskRow>> {
        self.tasks.read().ok().and_then(|t| t.get(&(person.0, org.0, roles.to_vec())).cloned())
    }

    pub(crate) fn put_tasks(&self, writes: u64, person: PersonId, org: OrgId, roles: &[String], rows: &[TaskRow]) {
        if let Ok(mut t) = self.tasks.write()
            && self.writes() == writes
        {
            if t.len() >= MAX_TASK_LISTS {
                t.clear();
            }
            t.insert((person.0, org.0, roles.to_vec()), rows.to_vec());
        }
    }

    /// After a course was written (or its write failed): its version is read again, and so is
    /// every task list that held one of its tasks or that one of its new tasks belongs in.
    pub(crate) fn written(&self, id: CourseId, new_tasks: &[TaskRow]) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut v) = self.versions.write() {
            v.remove(&id.0);
        }
        if let Ok(mut t) = self.tasks.write() {
            t.retain(|key, rows| !rows.iter().any(|r| r.course == id) && !new_tasks.iter().any(|r| owned_by(&r.owner, key)));
        }
    }

    /// After many courses were written at once (bulk load, import): everything is read again.
    pub(crate) fn all_written(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut v) = self.versions.write() {
            v.clear();
        }
        if let Ok(mut t) = self.tasks.write() {
            t.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(course: i64, owner: Owner) -> TaskRow {
        TaskRow { course: CourseId(course), task: "t".into(), label: "T".into(), due_from: date(2026, 1, 1), due_to: date(2026, 1, 2), done: false, owner }
    }

    #[test]
    fn a_write_drops_the_lists_it_touches_and_no_other() {
        let c = Current::default();
        let roles = vec!["tovholder".to_string()];
        let w = c.writes();
        c.put_tasks(w, PersonId(1), OrgId(10), &roles, &[row(100, Owner::Person { person: PersonId(1), role: "r".into() })]);
        c.put_tasks(w, PersonId(2), OrgId(10), &roles, &[]);
        c.put_tasks(w, PersonId(3), OrgId(11), &[], &[]);
        c.put_versions(w, [(CourseId(100), 4), (CourseId(101), 7)].into_iter());
        // Course 100 now gives a task to the tovholder role of organisation 10.
        c.written(CourseId(100), &[row(100, Owner::OrgRole { org: OrgId(10), role: "tovholder".into() })]);
        assert!(c.tasks(PersonId(1), OrgId(10), &roles).is_none(), "held a task of the course");
        assert!(c.tasks(PersonId(2), OrgId(10), &roles).is_none(), "a new task belongs in it");
        assert_eq!(c.tasks(PersonId(3), OrgId(11), &[]), Some(vec![]), "untouched");
        assert_eq!((c.version(CourseId(100)), c.version(CourseId(101))), (None, Some(7)));
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let c = Current::default();
        let before = c.writes();
        c.written(CourseId(5), &[]);
        c.put_versions(before, [(CourseId(5), 1)].into_iter());
        c.put_tasks(before, PersonId(1), OrgId(1), &[], &[]);
        assert_eq!((c.version(CourseId(5)), c.tasks(PersonId(1), OrgId(1), &[])), (None, None));
    }
}
