//! What the store needs at scale: bulk loading in few transactions, the course search by
//! index, and scans over every course or every open task.

use sqlx::{PgPool, Postgres, Row, Transaction};

use tovholder_core::course::CourseState;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_store::{Commit, NewPerson, Result, StoredCourse, TaskRow, search_key, to_micros};

use crate::{PgStore, course_row, db, json, task_row};

pub(crate) const SET_NAME_LC: &str = "UPDATE persons SET name_lc = $1 WHERE id = $2";
const NAMES_MISSING: &str = "SELECT id, name FROM persons WHERE name_lc IS NULL";
const INSERT_PERSON: &str = "INSERT INTO persons (name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const DELETE_MEMBERS: &str = "DELETE FROM course_members WHERE course_id = $1";
const INSERT_MEMBER: &str = "INSERT INTO course_members (course_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const INSERT_COURSE: &str = "INSERT INTO courses (model, version, state, created_us, updated_us) VALUES ($1, 0, $2, $3, $3) RETURNING id";
const SEARCH: &str = "SELECT DISTINCT co.course_id FROM course_orgs co \
     JOIN course_members m ON m.course_id = co.course_id JOIN persons p ON p.id = m.person_id \
     WHERE co.org_id = $1 AND co.shares = TRUE AND p.name_lc LIKE $2 ORDER BY co.course_id DESC LIMIT $3";
const COURSES_AFTER: &str = "SELECT id, version, state, created_us FROM courses WHERE id > $1 ORDER BY id LIMIT $2";
const OPEN_TASKS_DUE: &str = "SELECT course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role \
     FROM tasks WHERE done = FALSE AND due_to <= $1 ORDER BY due_to, course_id, task LIMIT $2";

impl PgStore {
    /// Fills in the search names of people stored before they were kept (migration 0003).
    pub(crate) async fn backfill_names(writer: &PgPool) -> Result<()> {
        let rows = sqlx::query(NAMES_MISSING).fetch_all(writer).await.map_err(db)?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = writer.begin().await.map_err(db)?;
        for r in &rows {
            let (id, name): (i64, String) = (r.try_get("id").map_err(db)?, r.try_get("name").map_err(db)?);
            sqlx::query(SET_NAME_LC).bind(search_key(&name)).bind(id).execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    /// The course's members, as the search reads them; written with every commit.
    pub(crate) async fn write_members(tx: &mut Transaction<'static, Postgres>, id: CourseId, state: &CourseState) -> Result<()> {
        sqlx::query(DELETE_MEMBERS).bind(id.0).execute(&mut **tx).await.map_err(db)?;
        for m in &state.members {
            sqlx::query(INSERT_MEMBER).bind(id.0).bind(m.person.0).execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }

    pub(crate) async fn bulk_add_persons(&self, persons: &[NewPerson]) -> Result<Vec<PersonId>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(persons.len());
        for p in persons {
            let r = sqlx::query(INSERT_PERSON)
                .bind(&p.name)
                .bind(&p.email)
                .bind(p.org.map(|o| o.0))
                .bind(p.cpr.as_ref().map(|c| c.ciphertext.clone()))
                .bind(p.cpr.as_ref().map(|c| c.blind_index.clone()))
                .bind(search_key(&p.name))
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
            ids.push(PersonId(r.try_get("id").map_err(db)?));
        }
        tx.commit().await.map_err(db)?;
        Ok(ids)
    }

    pub(crate) async fn bulk_create_courses(&self, commits: &[Commit]) -> Result<Vec<CourseId>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(commits.len());
        for commit in commits {
            let created = commit.entries.first().map_or(0, |e| to_micros(e.stamp.at));
            let r = sqlx::query(INSERT_COURSE).bind(&commit.state.model).bind(json(&commit.state)?).bind(created).fetch_one(&mut *tx).await.map_err(db)?;
            let id = CourseId(r.try_get("id").map_err(db)?);
            self.write_commit(&mut tx, id, 0, commit).await?;
            ids.push(id);
        }
        tx.commit().await.map_err(db)?;
        Ok(ids)
    }

    pub(crate) async fn search_of_org(&self, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
        // LIKE, so the trigram index (migration 0004) is used; the needle's own %, _ and backslash match only themselves.
        let pattern = format!("%{}%", search_key(needle).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query(SEARCH).bind(org.0).bind(pattern).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(|r| Ok(CourseId(r.try_get("course_id").map_err(db)?))).collect()
    }

    pub(crate) async fn scan_courses(&self, after: CourseId, limit: i64) -> Result<Vec<StoredCourse>> {
        let rows = sqlx::query(COURSES_AFTER).bind(after.0).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(course_row).collect()
    }

    pub(crate) async fn tasks_due(&self, until: jiff::civil::Date, limit: i64) -> Result<Vec<TaskRow>> {
        let rows = sqlx::query(OPEN_TASKS_DUE).bind(until.to_string()).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(task_row).collect()
    }
}

/// The courses of a list with their versions, and each state only where the version held in
/// memory (`$2`, -1 for none) is not the current one.
const COURSES_IF_CHANGED: &str = "SELECT c.id, c.version, c.created_us, CASE WHEN c.version = h.v THEN NULL ELSE c.state END AS state \
     FROM courses c JOIN unnest($1::BIGINT[], $2::BIGINT[]) AS h(id, v) ON c.id = h.id ORDER BY c.id";

impl PgStore {
    /// One course as stored; what it reads also refreshes the held states.
    pub(crate) async fn course_uncached(&self, id: CourseId) -> Result<Option<StoredCourse>> {
        let row = sqlx::query(crate::sql::COURSE).bind(id.0).fetch_optional(&self.reader).await.map_err(db)?;
        let c = row.as_ref().map(course_row).transpose()?;
        if let Some(c) = &c {
            self.states.put(c);
        }
        Ok(c)
    }

    pub(crate) async fn courses_cached(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        let held: Vec<i64> = ids.iter().map(|c| self.states.version(c.0)).collect();
        let ids: Vec<i64> = ids.iter().map(|c| c.0).collect();
        let rows = sqlx::query(COURSES_IF_CHANGED).bind(&ids).bind(&held).fetch_all(&self.reader).await.map_err(db)?;
        let mut out: Vec<StoredCourse> = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, version): (i64, i64) = (r.try_get("id").map_err(db)?, r.try_get("version").map_err(db)?);
            if out.last().is_some_and(|c| c.id.0 == id) {
                continue; // an id asked for twice
            }
            if !sqlx::ValueRef::is_null(&r.try_get_raw("state").map_err(db)?) {
                let c = course_row(r)?;
                self.states.put(&c);
                out.push(c);
            } else if let Some(c) = self.states.get(id, version) {
                out.push(c);
            } else if let Some(c) = self.course_uncached(CourseId(id)).await? {
                // Replaced meanwhile by another version: read it whole.
                out.push(c);
            }
        }
        Ok(out)
    }
}
