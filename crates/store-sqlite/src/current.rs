//! What the store knows to be current about courses, so that a page needs no query to learn
//! it: each course's version (with `States`, the state itself) and each coordinator's open
//! tasks. SQLite serves one process, so every course write passes through this store: after
//! its commit, the write drops what it changed here. A read that raced a write is not kept
//! (`tovholder_store::cache`).

use tovholder_core::ids::CourseId;
use tovholder_core::tasks::Owner;
use tovholder_store::TaskRow;
use tovholder_store::cache::Cache;

/// Whose open tasks a list holds: a person, and the standing roles they have in an organisation.
pub(crate) type TasksKey = (i64, i64, Vec<String>);

pub(crate) struct Current {
    pub(crate) versions: Cache<i64, i64>,
    pub(crate) tasks: Cache<TasksKey, Vec<TaskRow>>,
}

/// Most course versions held (a few MB); beyond it the cache starts over.
const MAX_VERSIONS: usize = 200_000;
/// Most task lists held; beyond it the cache starts over.
const MAX_TASK_LISTS: usize = 10_000;

impl Default for Current {
    fn default() -> Current {
        Current { versions: Cache::new(MAX_VERSIONS, None), tasks: Cache::new(MAX_TASK_LISTS, None) }
    }
}

/// Whether a task row with this owner belongs in the list of `key`.
fn owned_by(owner: &Owner, (person, org, roles): &TasksKey) -> bool {
    match owner {
        Owner::Person { person: p, .. } => p.0 == *person,
        Owner::OrgRole { org: o, role } => o.0 == *org && roles.contains(role),
    }
}

impl Current {
    /// After a course was written (or its write failed): its version is read again, and so is
    /// every task list that held one of its tasks or that one of its new tasks belongs in.
    pub(crate) fn written(&self, id: CourseId, new_tasks: &[TaskRow]) {
        self.versions.remove(&id.0);
        self.tasks.retain(|key, rows| !rows.iter().any(|r| r.course == id) && !new_tasks.iter().any(|r| owned_by(&r.owner, key)));
    }

    /// After many courses were written at once (bulk load, import): everything is read again.
    pub(crate) fn all_written(&self) {
        self.versions.clear();
        self.tasks.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use tovholder_core::ids::{OrgId, PersonId};

    fn row(course: i64, owner: Owner) -> TaskRow {
        TaskRow { course: CourseId(course), task: "t".into(), label: "T".into(), due_from: date(2026, 1, 1), due_to: date(2026, 1, 2), done: false, owner }
    }

    #[test]
    fn a_write_drops_the_lists_it_touches_and_no_other() {
        let c = Current::default();
        let roles = vec!["tovholder".to_string()];
        let t = c.tasks.ticket();
        c.tasks.put(t, (1, 10, roles.clone()), vec![row(100, Owner::Person { person: PersonId(1), role: "r".into() })]);
        c.tasks.put(t, (2, 10, roles.clone()), vec![]);
        c.tasks.put(t, (3, 11, vec![]), vec![]);
        c.versions.put_many(c.versions.ticket(), [(100, 4), (101, 7)]);
        // Course 100 now gives a task to the tovholder role of organisation 10.
        c.written(CourseId(100), &[row(100, Owner::OrgRole { org: OrgId(10), role: "tovholder".into() })]);
        assert!(c.tasks.get(&(1, 10, roles.clone())).is_none(), "held a task of the course");
        assert!(c.tasks.get(&(2, 10, roles)).is_none(), "a new task belongs in it");
        assert_eq!(c.tasks.get(&(3, 11, vec![])), Some(vec![]), "untouched");
        assert_eq!((c.versions.get(&100), c.versions.get(&101)), (None, Some(7)));
    }
}
