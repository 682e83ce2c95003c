//! What PostgreSQL does its own way: the course search by its trigram index, and course states
//! read only where the version held in memory is not the current one.

use sqlx::Row;

use tovholder_core::ids::{CourseId, OrgId};
use tovholder_store::{Result, StoredCourse, search_key};
use tovholder_store_sql::db;

use crate::PgStore;

const SEARCH: &str = "SELECT DISTINCT co.course_id FROM course_orgs co \
     JOIN course_members m ON m.course_id = co.course_id JOIN persons p ON p.id = m.person_id \
     WHERE co.org_id = $1 AND co.shares = TRUE AND p.name_lc LIKE $2 ORDER BY co.course_id DESC LIMIT $3";

pub(crate) async fn search_of_org(s: &PgStore, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
    // LIKE, so the trigram index (migration 0004) is used; the needle's own %, _ and backslash match only themselves.
    let pattern = format!("%{}%", search_key(needle).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let rows = sqlx::query(SEARCH).bind(org.0).bind(pattern).bind(limit).fetch_all(&s.reader).await.map_err(db)?;
    rows.iter().map(|r| Ok(CourseId(r.try_get("course_id").map_err(db)?))).collect()
}

/// The courses of a list with their versions, and each state only where the version held in
/// memory (`$2`, -1 for none) is not the current one.
const COURSES_IF_CHANGED: &str = "SELECT c.id, c.version, c.created_us, CASE WHEN c.version = h.v THEN NULL ELSE c.state END AS state \
     FROM courses c JOIN unnest($1::BIGINT[], $2::BIGINT[]) AS h(id, v) ON c.id = h.id ORDER BY c.id";

pub(crate) async fn courses_cached(s: &PgStore, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
    let held: Vec<i64> = ids.iter().map(|c| s.states.version(c.0)).collect();
    let ids: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let rows = sqlx::query(COURSES_IF_CHANGED).bind(&ids).bind(&held).fetch_all(&s.reader).await.map_err(db)?;
    let mut out: Vec<StoredCourse> = Vec::with_capacity(rows.len());
    for r in &rows {
        let (id, version): (i64, i64) = (r.try_get("id").map_err(db)?, r.try_get("version").map_err(db)?);
        if out.last().is_some_and(|c| c.id.0 == id) {
            continue; // an id asked for twice
        }
        if !sqlx::ValueRef::is_null(&r.try_get_raw("state").map_err(db)?) {
            let c = s.course_row(r)?;
            s.states.put(&c);
            out.push(c);
        } else if let Some(c) = s.states.get(id, version) {
            out.push(c);
        } else if let Some(c) = s.course_uncached(CourseId(id)).await? {
            // Replaced meanwhile by another version: read it whole.
            out.push(c);
        }
    }
    Ok(out)
}
