//! What SQLite does its own way: the course search by its trigram index, open tasks and
//! course states from what it knows to be current (`current.rs`), the access log in chunks.

use sqlx::Row;

use jiff::civil::Date;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Owner;
use tovholder_store::access::{Access, LogRow};
use tovholder_store::keys::TextRow;
use tovholder_store::{Result, StoreError, StoredCourse, TaskRow, from_micros, search_key, to_micros};
use tovholder_store_sql::{corrupt, db, json};

use crate::SqliteStore;

const SEARCH: &str = "SELECT DISTINCT co.course_id FROM course_orgs co \
     JOIN course_members m ON m.course_id = co.course_id JOIN persons p ON p.id = m.person_id \
     WHERE co.org_id = ?1 AND co.shares = 1 AND instr(p.name_lc, ?2) > 0 ORDER BY co.course_id DESC LIMIT ?3";
/// The same by the trigram index (migration 0004), for three letters or more: from the people
/// of that name to their courses (CROSS JOIN keeps SQLite to that order), then the organisation.
const SEARCH_BY_NAME: &str = "SELECT DISTINCT co.course_id FROM person_names n \
     CROSS JOIN course_members m ON m.person_id = n.rowid CROSS JOIN course_orgs co ON co.course_id = m.course_id \
     WHERE person_names MATCH ?2 AND co.org_id = ?1 AND co.shares = 1 ORDER BY co.course_id DESC LIMIT ?3";

pub(crate) async fn search_of_org(s: &SqliteStore, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
    let key = search_key(needle);
    let rows = if key.chars().count() >= 3 {
        // One FTS5 phrase: the trigram tokenizer matches it anywhere in the name.
        let phrase = format!("\"{}\"", key.replace('"', "\"\""));
        sqlx::query(SEARCH_BY_NAME).bind(org.0).bind(phrase).bind(limit).fetch_all(&s.reader).await
    } else {
        sqlx::query(SEARCH).bind(org.0).bind(key).bind(limit).fetch_all(&s.reader).await
    }
    .map_err(db)?;
    rows.iter().map(|r| Ok(CourseId(r.try_get("course_id").map_err(db)?))).collect()
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

/// The open tasks `person` holds, or holds through a standing role in `org`, by due date.
pub(crate) async fn open_tasks_of(s: &SqliteStore, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
    s.dialect.current.tasks.get_or((person.0, org.0, org_roles.to_vec()), open_tasks_read(s, person, org, org_roles)).await
}

async fn open_tasks_read(s: &SqliteStore, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
    let row = sqlx::query(OPEN_TASKS_FOR_JSON).bind(person.0).bind(org.0).bind(json(&org_roles)?).fetch_one(&s.reader).await.map_err(db)?;
    let tuples: Vec<TaskTuple> = serde_json::from_str(&row.try_get::<String, _>("rows").map_err(db)?).map_err(corrupt)?;
    let mut tasks = tuples
        .into_iter()
        .map(|(course, task, label, due_from, due_to, done, person, org, role)| {
            let owner = match (person, org) {
                (Some(p), _) => Owner::Person { person: PersonId(p), role },
                (None, Some(o)) => Owner::OrgRole { org: OrgId(o), role },
                (None, None) => return Err(corrupt("a task without an owner")),
            };
            let label = s.open_text(TextRow::Task(course, &task), &label)?.into_owned();
            Ok(TaskRow { course: CourseId(course), task, label, due_from, due_to, done: done != 0, owner })
        })
        .collect::<Result<Vec<_>>>()?;
    tasks.sort_by(|a, b| (a.due_to, a.course, &a.task).cmp(&(b.due_to, b.course, &b.task)));
    Ok(tasks)
}

/// A batch of access records in one transaction: one commit (and one sync) for all of
/// them, list views as one row each (`tovholder_store::access`). The values are bound, not
/// passed as JSON: parsing JSON in SQLite took more of the writer's time than the inserts.
pub(crate) async fn access_batch(s: &SqliteStore, batch: &[Access]) -> Result<()> {
    let (rows, seen) = tovholder_store::access::log_rows(batch)?;
    let mut tx = s.writer.begin().await.map_err(db)?;
    let mut ids = Vec::with_capacity(rows.len());
    for (n, chunk) in chunks(&rows) {
        // Built from constants and a count only: nothing of the records is in the text.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("{} RETURNING id", insert_rows(INSERT_ACCESS, "(?, ?, ?, ?, ?, ?, ?)", n))));
        for LogRow { record: a, courses, allowed, reason } in chunk {
            q = q.bind(to_micros(a.at)).bind(a.person.map(|p| p.0)).bind(if courses.is_some() { None } else { a.course.map(|c| c.0) });
            q = q.bind(&a.action).bind(allowed).bind(reason).bind(courses);
        }
        for r in q.fetch_all(&mut *tx).await.map_err(db)? {
            ids.push(r.try_get::<i64, _>("id").map_err(db)?);
        }
    }
    // SQLite has one writer: nothing links between.
    s.link_access_rows(&mut tx, &ids).await?;
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

/// The courses of a list with their versions, and each state only where the version held in
/// memory is not the current one; all in one row of JSON (one hand-over from SQLite's thread).
/// (`created_us` is stored after the state: reading it would read the state's pages too.)
const COURSES_IF_CHANGED: &str = "SELECT json_group_array(CASE WHEN c.version = json_extract(j.value, '$[1]') \
     THEN json_array(c.id, c.version, 0, NULL) ELSE json_array(c.id, c.version, c.created_us, c.state) END) AS rows \
     FROM json_each(?) j JOIN courses c ON c.id = json_extract(j.value, '$[0]')";

/// A course of `COURSES_IF_CHANGED`: the held state if SQLite left it out, else the read one.
async fn course_from(s: &SqliteStore, (id, version, created, state): (i64, i64, i64, Option<String>)) -> Result<StoredCourse> {
    if let Some(state) = state {
        let c = StoredCourse { id: CourseId(id), version, state: std::sync::Arc::new(s.state_of(id, version, &state)?), created: from_micros(created)? };
        s.states.put(&c);
        return Ok(c);
    }
    if let Some(c) = s.states.get(id, version) {
        return Ok(c);
    }
    // Replaced meanwhile by another version: read it whole.
    s.course_uncached(CourseId(id)).await?.ok_or(StoreError::NotFound)
}

/// Courses by id, in id order: from memory where the version known to be current has its
/// state held, else asking SQLite for the versions (and the states that changed).
pub(crate) async fn courses_current(s: &SqliteStore, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let current = &s.dialect.current.versions;
    let held: Option<Vec<StoredCourse>> = ids.iter().map(|id| current.get(&id.0).and_then(|v| s.states.get(id.0, v))).collect();
    if let Some(held) = held {
        return Ok(held);
    }
    let ticket = current.ticket();
    let read = courses_cached(s, &ids).await?;
    current.put_many(ticket, read.iter().map(|c| (c.id.0, c.version)));
    Ok(read)
}

async fn courses_cached(s: &SqliteStore, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
    let held: Vec<(i64, i64)> = ids.iter().map(|c| (c.0, s.states.version(c.0))).collect();
    let row = sqlx::query(COURSES_IF_CHANGED).bind(json(&held)?).fetch_one(&s.reader).await.map_err(db)?;
    let mut read: Vec<(i64, i64, i64, Option<String>)> = serde_json::from_str(&row.try_get::<String, _>("rows").map_err(db)?).map_err(corrupt)?;
    read.sort_by_key(|c| c.0);
    read.dedup_by_key(|c| c.0);
    let mut out = Vec::with_capacity(read.len());
    for c in read {
        out.push(course_from(s, c).await?);
    }
    Ok(out)
}
