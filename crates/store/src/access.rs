//! How the access log is stored, the same in both stores.
//!
//! A read of one course is one row. A list view (one request's records of several courses:
//! Mine opgaver, the course list, "Delt med mig") is one row naming its courses with each one's
//! decision (`courses`: JSON `[[course, allowed, reason], …]`), plus a "seen" entry per course,
//! day and person, written only the first time that day. A row per course made Mine opgaver
//! insert ≈50 entries into an index ordered by course on every view (a third of the server's
//! time); a coordinator opens the same list all day, so the "seen" entries are nearly always
//! there already, and looking one up writes nothing.
//!
//! Nothing is lost: every course shown, with its decision, is in the view's row, written in the
//! same transaction as the rest of the batch. "Who has seen this course" is found from the
//! "seen" entries (which people, which days) and those people's view rows of those days.

use crate::{AccessRecord, Result, StoreError, to_micros};

/// Microseconds in a day (UTC): the "seen" entries' unit.
pub const DAY_US: i64 = 86_400_000_000;

/// One row of the log: a record on its own, or a list view (the time, person and action of its
/// records) with its courses.
pub struct LogRow<'a> {
    pub record: &'a AccessRecord,
    /// A list view's courses as JSON `[[course, allowed, reason], …]`; `None` for a single record.
    pub courses: Option<String>,
    /// The record's answer; for a list view whether every course was allowed, and "view" (each
    /// course's own answer is in `courses`).
    pub allowed: bool,
    pub reason: &'a str,
}

/// The reason a list view's row gives.
pub const VIEW: &str = "view";

/// "This person saw this course on this day (UTC)": (course, day, person).
pub type Seen = (i64, i64, i64);

/// One request's records, as the request wrote them: a record on its own (a read of one course,
/// a write, a login), or a list view's records of several courses. Which it is is said, never
/// guessed: two reads in the same microsecond are two records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    One(AccessRecord),
    View(Vec<AccessRecord>),
}

/// A batch as rows: a list view of two or more courses becomes one row naming them, and its
/// "seen" entries; every other record its own row.
pub fn log_rows<'a>(batch: &'a [Access]) -> Result<(Vec<LogRow<'a>>, Vec<Seen>)> {
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    let own = |record: &'a AccessRecord| LogRow { record, courses: None, allowed: record.allowed, reason: &record.reason };
    for access in batch {
        match access {
            Access::View(view) if view.len() >= 2 && view.iter().all(|r| r.course.is_some()) && view[0].person.is_some() => {
                let (first, person) = (&view[0], view[0].person.map_or(0, |p| p.0));
                let day = to_micros(first.at).div_euclid(DAY_US);
                let courses: Vec<(i64, bool, &str)> = view.iter().filter_map(|r| Some((r.course?.0, r.allowed, r.reason.as_str()))).collect();
                seen.extend(courses.iter().map(|(course, _, _)| (*course, day, person)));
                let courses = serde_json::to_string(&courses).map_err(|e| StoreError::Database(e.to_string()))?;
                rows.push(LogRow { record: first, courses: Some(courses), allowed: view.iter().all(|r| r.allowed), reason: VIEW });
            }
            Access::View(view) => rows.extend(view.iter().map(own)),
            Access::One(record) => rows.push(own(record)),
        }
    }
    Ok((rows, seen))
}

/// A row of the access log as stored, with its id: what the chain covers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoredRow {
    pub id: i64,
    pub at_us: i64,
    pub person: Option<i64>,
    pub course: Option<i64>,
    pub action: String,
    pub allowed: bool,
    pub reason: String,
    pub courses: Option<String>,
}

/// The bytes of a batch's rows the chain's hash covers: one JSON array per row, in id order.
pub fn chain_bytes(rows: &[StoredRow]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in rows {
        let line = serde_json::to_vec(&(r.id, r.at_us, r.person, r.course, &r.action, r.allowed, &r.reason, &r.courses)).map_err(|e| StoreError::Database(e.to_string()))?;
        out.extend(line);
        out.push(b'\n');
    }
    Ok(out)
}

/// A link of the chain: a batch's rows (ids `first..=last`, `rows` of them) and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLink {
    pub id: i64,
    pub first: i64,
    pub last: i64,
    pub rows: i64,
    pub hash: String,
}

/// What `check_access_chain` found: the rows and batches it checked, the list views among the
/// rows, the rows from before the chain began, and the first break, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainReport {
    pub batches: i64,
    pub rows: i64,
    pub views: i64,
    pub before_chain: i64,
    /// Rows expired under the access log's retention (the walk starts at the cut).
    pub expired: i64,
    /// The newest link's id and hash: noted down, they show later whether links were cut off the end.
    pub head: Option<(i64, String)>,
    pub broken: Option<String>,
}

#[cfg(test)]
mod tests {
    use tovholder_core::ids::{CourseId, PersonId};

    use super::*;

    fn rec(person: i64, course: Option<i64>, action: &str) -> AccessRecord {
        AccessRecord { at: jiff::Timestamp::constant(1_800_000_000, 0), person: Some(PersonId(person)), course: course.map(CourseId), action: action.into(), allowed: true, reason: "role".into() }
    }

    #[test]
    fn a_list_view_is_one_row_naming_its_courses_and_a_read_of_one_course_its_own_row() -> Result<()> {
        let mut denied = rec(1, Some(12), "list");
        denied.allowed = false;
        denied.reason = "no_relation".into();
        let batch = [Access::One(rec(1, Some(10), "read")), Access::View(vec![rec(1, Some(11), "list"), denied]), Access::View(vec![rec(2, Some(11), "list")]), Access::One(rec(2, None, "login"))];
        let (rows, seen) = log_rows(&batch)?;
        let shape: Vec<(Option<PersonId>, Option<&str>, bool, &str)> = rows.iter().map(|r| (r.record.person, r.courses.as_deref(), r.allowed, r.reason)).collect();
        let view = r#"[[11,true,"role"],[12,false,"no_relation"]]"#;
        let (one, two) = (Some(PersonId(1)), Some(PersonId(2)));
        assert_eq!(shape, [(one, None, true, "role"), (one, Some(view), false, VIEW), (two, None, true, "role"), (two, None, true, "role")]);
        let day = 1_800_000_000 * 1_000_000 / DAY_US;
        assert_eq!(seen, [(11, day, 1), (12, day, 1)]);
        Ok(())
    }

    #[test]
    fn two_reads_in_the_same_microsecond_are_two_reads() -> Result<()> {
        let read = rec(1, Some(10), "read:GET /forloeb/{id}");
        let batch = [Access::One(read.clone()), Access::One(read)];
        let (rows, seen) = log_rows(&batch)?;
        assert_eq!(rows.iter().map(|r| (r.courses.is_none(), r.reason)).collect::<Vec<_>>(), [(true, "role"), (true, "role")]);
        assert!(seen.is_empty());
        Ok(())
    }
}
