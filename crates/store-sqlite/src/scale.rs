//! What the store needs at scale: bulk loading in few transactions, the course search by
//! index, and scans over every course or every open task.

use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use jiff::civil::Date;
use tovholder_core::course::CourseState;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Owner;
use tovholder_store::access::LogRow;
use tovholder_store::{AccessRecord, Commit, NewPerson, Result, StoredCourse, TaskRow, from_micros, search_key, to_micros};

use crate::{SqliteStore, corrupt, course_row, db, json, task_row};

pub(crate) const SET_NAME_LC: &str = "UPDATE persons SET name_lc = ? WHERE id = ?";
const NAMES_MISSING: &str = "SELECT id, name FROM persons WHERE name_lc IS NULL";
const INSERT_PERSON: &str = "INSERT INTO persons (name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
const DELETE_MEMBERS: &str = "DELETE FROM course_members WHERE course_id = ?";
const INSERT_MEMBER: &str = "INSERT OR IGNORE INTO course_members (course_id, person_id) VALUES (?, ?)";
const INSERT_COURSE: &str = "INSERT INTO courses (model, version, state, created_us, updated_us) VALUES (?, 0, ?, ?3, ?3) RETURNING id";
const SEARCH: &str = "SELECT DISTINCT co.course_id FROM course_orgs co \
     JOIN course_members m ON m.course_id = co.course_id JOIN persons p ON p.id = m.person_id \
     WHERE co.org_id = ?1 AND co.shares = 1 AND instr(p.name_lc, ?2) > 0 ORDER BY co.course_id DESC LIMIT ?3";
/// The same by the trigram index (migration 0004), for three letters or more: from the people
/// of that name to their courses (CROSS JOIN keeps SQLite to that order), then the organisation.
const SEARCH_BY_NAME: &str = "SELECT DISTINCT co.course_id FROM person_names n \
     CROSS JOIN course_members m ON m.person_id = n.rowid CROSS JOIN course_orgs co ON co.course_id = m.course_id \
     WHERE person_names MATCH ?2 AND co.org_id = ?1 AND co.shares = 1 ORDER BY co.course_id DESC LIMIT ?3";
const COURSES_AFTER: &str = "SELECT id, version, state, created_us FROM courses WHERE id > ? ORDER BY id LIMIT ?";
const OPEN_TASKS_DUE: &str = "SELECT course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role \
     FROM tasks WHERE done = 0 AND due_to <= ? ORDER BY due_to, course_id, task LIMIT ?";

impl SqliteStore {
    /// Fills in the search names of people stored before they were kept (migration 0003).
    pub(crate) async fn backfill_names(writer: &SqlitePool) -> Result<()> {
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
    pub(crate) async fn write_members(tx: &mut Transaction<'static, Sqlite>, id: CourseId, state: &CourseState) -> Result<()> {
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
        let committed = tx.commit().await.map_err(db);
        self.current.all_written();
        committed?;
        Ok(ids)
    }

    pub(crate) async fn search_of_org(&self, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
        let key = search_key(needle);
        let rows = if key.chars().count() >= 3 {
            // One FTS5 phrase: the trigram tokenizer matches it anywhere in the name.
            let phrase = format!("\"{}\"", key.replace('"', "\"\""));
            sqlx::query(SEARCH_BY_NAME).bind(org.0).bind(phrase).bind(limit).fetch_all(&self.reader).await
        } else {
            sqlx::query(SEARCH).bind(org.0).bind(key).bind(limit).fetch_all(&self.reader).await
        }
        .map_err(db)?;
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

/// `sql::OPEN_TASKS_FOR` as one row of JSON: sqlx's SQLite driver hands every row across
/// threads and copies each value, which for a busy coordinator's 90 tasks cost three times the
/// query itself.
const OPEN_TASKS_FOR_JSON: &str = "SELECT json_group_array(json_array(course_id, task, label, due_from, due_to, done, \
     owner_person, owner_org, owner_role)) AS rows FROM (SELECT * FROM tasks WHERE done = 0 AND owner_person = ?1 \
     UNION ALL SELECT * FROM tasks WHERE done = 0 AND owner_org = ?2 AND owner_role IN (SELECT value FROM json_each(?3)))";

type TaskTuple = (i64, String, String, Date, Date, i64, Option<i64>, Option<i64>, String);

/// Rows one statement inserts at most, and the smaller statements a remainder is split into
/// (powers of two): few distinct statements, each prepared once per connection.
const INSERT_ROWS: [usize; 10] = [500, 256, 128, 64, 32, 16, 8, 4, 2, 1];

/// `head` followed by `rows` groups of `group` (`(?, …)`).
fn insert_rows(head: &str, group: &str, rows: usize) -> String {
    format!("{head} VALUES {}", vec![group; rows].join(", "))
}

const INSERT_ACCESS: &str = "INSERT INTO access_log (at_us, person_id, course_id, action, allowed, reason, courses)";
/// Already seen that day: nothing is written (the look-up finds the key).
const INSERT_SEEN: &str = "INSERT OR IGNORE INTO access_seen (course_id, day, person_id)";

/// `items` in chunks of `INSERT_ROWS`, each with its count.
fn chunks<T>(mut items: &[T]) -> impl Iterator<Item = (usize, &[T])> {
    std::iter::from_fn(move || {
        let n = INSERT_ROWS.into_iter().find(|n| *n <= items.len())?;
        let (chunk, more) = items.split_at(n);
        items = more;
        Some((n, chunk))
    })
}

impl SqliteStore {
    /// The open tasks `person` holds, or holds through a standing role in `org`, by due date.
    pub(crate) async fn open_tasks_of(&self, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
        if let Some(rows) = self.current.tasks(person, org, org_roles) {
            return Ok(rows);
        }
        let writes = self.current.writes();
        let rows = self.open_tasks_read(person, org, org_roles).await?;
        self.current.put_tasks(writes, person, org, org_roles, &rows);
        Ok(rows)
    }

    async fn open_tasks_read(&self, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
        let row = sqlx::query(OPEN_TASKS_FOR_JSON).bind(person.0).bind(org.0).bind(json(&org_roles)?).fetch_one(&self.reader).await.map_err(db)?;
        let tuples: Vec<TaskTuple> = serde_json::from_str(&row.try_get::<String, _>("rows").map_err(db)?).map_err(corrupt)?;
        let mut tasks = tuples
            .into_iter()
            .map(|(course, task, label, due_from, due_to, done, person, org, role)| {
                let owner = match (person, org) {
                    (Some(p), _) => Owner::Person { person: PersonId(p), role },
                    (None, Some(o)) => Owner::OrgRole { org: OrgId(o), role },
                    (None, None) => return Err(corrupt("a task without an owner")),
                };
                Ok(TaskRow { course: CourseId(course), task, label, due_from, due_to, done: done != 0, owner })
            })
            .collect::<Result<Vec<_>>>()?;
        tasks.sort_by(|a, b| (a.due_to, a.course, &a.task).cmp(&(b.due_to, b.course, &b.task)));
        Ok(tasks)
    }

    /// A batch of access records in one transaction: one commit (and one sync) for all of
    /// them, list views as one row each (`tovholder_store::access`). The values are bound, not
    /// passed as JSON: parsing JSON in SQLite took more of the writer's time than the inserts.
    pub(crate) async fn access_batch(&self, batch: &[AccessRecord]) -> Result<()> {
        let (rows, seen) = tovholder_store::access::log_rows(batch)?;
        let mut tx = self.writer.begin().await.map_err(db)?;
        for (n, chunk) in chunks(&rows) {
            // Built from constants and a count only: nothing of the records is in the text.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_rows(INSERT_ACCESS, "(?, ?, ?, ?, ?, ?, ?)", n)));
            for LogRow { record: a, courses, allowed, reason } in chunk {
                q = q.bind(to_micros(a.at)).bind(a.person.map(|p| p.0)).bind(if courses.is_some() { None } else { a.course.map(|c| c.0) });
                q = q.bind(&a.action).bind(allowed).bind(reason).bind(courses);
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }
        for (n, chunk) in chunks(&seen) {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_rows(INSERT_SEEN, "(?, ?, ?)", n)));
            for (course, day, person) in chunk {
                q = q.bind(course).bind(day).bind(person);
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}

/// The courses of a list with their versions, and each state only where the version held in
/// memory is not the current one; all in one row of JSON (one hand-over from SQLite's thread).
/// (`created_us` is stored after the state: reading it would read the state's pages too.)
const COURSES_IF_CHANGED: &str = "SELECT json_group_array(CASE WHEN c.version = json_extract(j.value, '$[1]') \
     THEN json_array(c.id, c.version, 0, NULL) ELSE json_array(c.id, c.version, c.created_us, json(c.state)) END) AS rows \
     FROM json_each(?) j JOIN courses c ON c.id = json_extract(j.value, '$[0]')";
const COURSE: &str = "SELECT id, version, state, created_us FROM courses WHERE id = ?";

impl SqliteStore {
    /// A course of `COURSES_IF_CHANGED`: the held state if SQLite left it out, else the read one.
    async fn course_from(&self, (id, version, created, state): (i64, i64, i64, Option<CourseState>)) -> Result<StoredCourse> {
        if let Some(state) = state {
            let c = StoredCourse { id: CourseId(id), version, state: std::sync::Arc::new(state), created: from_micros(created)? };
            self.states.put(&c);
            return Ok(c);
        }
        if let Some(c) = self.states.get(id, version) {
            return Ok(c);
        }
        // Replaced meanwhile by another version: read it whole.
        let row = sqlx::query(COURSE).bind(id).fetch_one(&self.reader).await.map_err(db)?;
        course_row(&row)
    }

    /// One course as stored; what it reads also refreshes the list cache.
    pub(crate) async fn course_uncached(&self, id: CourseId) -> Result<Option<StoredCourse>> {
        let row = sqlx::query(COURSE).bind(id.0).fetch_optional(&self.reader).await.map_err(db)?;
        let c = row.as_ref().map(course_row).transpose()?;
        if let Some(c) = &c {
            self.states.put(c);
        }
        Ok(c)
    }

    /// Courses by id, in id order: from memory where the version known to be current has its
    /// state held, else asking SQLite for the versions (and the states that changed).
    pub(crate) async fn courses_current(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        let held: Option<Vec<StoredCourse>> = ids.iter().map(|id| self.current.version(*id).and_then(|v| self.states.get(id.0, v))).collect();
        if let Some(held) = held {
            return Ok(held);
        }
        let writes = self.current.writes();
        let read = self.courses_cached(&ids).await?;
        self.current.put_versions(writes, read.iter().map(|c| (c.id, c.version)));
        Ok(read)
    }

    async fn courses_cached(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        let held: Vec<(i64, i64)> = ids.iter().map(|c| (c.0, self.states.version(c.0))).collect();
        let row = sqlx::query(COURSES_IF_CHANGED).bind(json(&held)?).fetch_one(&self.reader).await.map_err(db)?;
        let mut read: Vec<(i64, i64, i64, Option<CourseState>)> = serde_json::from_str(&row.try_get::<String, _>("rows").map_err(db)?).map_err(corrupt)?;
        read.sort_by_key(|c| c.0);
        read.dedup_by_key(|c| c.0);
        let mut out = Vec::with_capacity(read.len());
        for c in read {
            out.push(self.course_from(c).await?);
        }
        Ok(out)
    }
}
