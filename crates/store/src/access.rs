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

/// A batch as rows: records of one request (the same time, person and action) for two or more
/// courses become one list view's row and its "seen" entries; every other record its own row.
pub fn log_rows(batch: &[AccessRecord]) -> Result<(Vec<LogRow<'_>>, Vec<Seen>)> {
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    let mut rest = batch;
    while let Some(first) = rest.first() {
        let run = rest.iter().take_while(|r| same_view(first, r)).count().max(1);
        let (view, more) = rest.split_at(run);
        match (first.person, view.len()) {
            (Some(person), 2..) => {
                let day = to_micros(first.at).div_euclid(DAY_US);
                let courses: Vec<(i64, bool, &str)> = view.iter().filter_map(|r| Some((r.course?.0, r.allowed, r.reason.as_str()))).collect();
                seen.extend(courses.iter().map(|(course, _, _)| (*course, day, person.0)));
                let courses = serde_json::to_string(&courses).map_err(|e| StoreError::Database(e.to_string()))?;
                rows.push(LogRow { record: first, courses: Some(courses), allowed: view.iter().all(|r| r.allowed), reason: VIEW });
            }
            _ => rows.extend(view.iter().map(|record| LogRow { record, courses: None, allowed: record.allowed, reason: &record.reason })),
        }
        rest = more;
    }
    Ok((rows, seen))
}

fn same_view(a: &AccessRecord, b: &AccessRecord) -> bool {
    a.person.is_some() && a.course.is_some() && b.course.is_some() && a.at == b.at && a.person == b.person && a.action == b.action
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
        let batch = [rec(1, Some(10), "read"), rec(1, Some(11), "list"), denied, rec(2, Some(11), "list"), rec(2, None, "login")];
        let (rows, seen) = log_rows(&batch)?;
        let shape: Vec<(Option<PersonId>, Option<&str>, bool, &str)> = rows.iter().map(|r| (r.record.person, r.courses.as_deref(), r.allowed, r.reason)).collect();
        let view = r#"[[11,true,"role"],[12,false,"no_relation"]]"#;
        let (one, two) = (Some(PersonId(1)), Some(PersonId(2)));
        assert_eq!(shape, [(one, None, true, "role"), (one, Some(view), false, VIEW), (two, None, true, "role"), (two, None, true, "role")]);
        let day = 1_800_000_000 * 1_000_000 / DAY_US;
        assert_eq!(seen, [(11, day, 1), (12, day, 1)]);
        Ok(())
    }
}
