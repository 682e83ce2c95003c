//! The store for larger installations and several server processes: PostgreSQL through sqlx.
//!
//! Appends lock the course row (`SELECT … FOR UPDATE`), so two processes writing one course
//! take turns and the version check holds; mail is claimed with `FOR UPDATE SKIP LOCKED`.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Owner;
use tovholder_store::{
    AccessRecord, Commit, JournalEntry, Keys, Mail, MeetingPlace, NewMail, NewPerson, NewUser, Org, Person, Result, SealedCpr, Session, StoreError, StoredCourse, TaskRow, User, entry_bytes,
    from_micros, task_rows, to_micros,
};

mod scale;
mod sql;

/// A schema name for tests: letters, digits and underscores only, since it is formatted into SQL.
fn schema_name(s: &str) -> Result<&str> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') { Ok(s) } else { Err(StoreError::Database(format!("invalid schema name {s:?}"))) }
}

pub struct PgStore {
    writer: PgPool,
    reader: PgPool,
    keys: Keys,
    states: tovholder_store::states::States,
    held: tovholder_store::held::Held,
    sessions: tovholder_store::sessions::Sessions,
}

fn db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(d.message().to_string()),
        _ => StoreError::Database(e.to_string()),
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}

fn parse_date(s: &str) -> Result<Date> {
    s.parse().map_err(corrupt)
}

impl PgStore {
    /// Connects to a `postgres://` URL and runs the migrations.
    pub async fn open_url(url: &str, keys: Keys) -> Result<PgStore> {
        Self::connect(PgConnectOptions::from_str(url).map_err(db)?, keys).await
    }

    /// Connects with every table in `schema` (made if missing): for tests, each on a fresh schema.
    pub async fn open_in_schema(url: &str, schema: &str, keys: Keys) -> Result<PgStore> {
        let opts = PgConnectOptions::from_str(url).map_err(db)?;
        let admin = PgPoolOptions::new().max_connections(1).connect_with(opts.clone()).await.map_err(db)?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema_name(schema)?))).execute(&admin).await.map_err(db)?;
        admin.close().await;
        Self::connect(opts.options([("search_path", schema)]), keys).await
    }

    /// Drops a schema made by `open_in_schema`, with everything in it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        let pool = PgPoolOptions::new().max_connections(1).connect_with(PgConnectOptions::from_str(url).map_err(db)?).await.map_err(db)?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", schema_name(schema)?))).execute(&pool).await.map_err(db)?;
        pool.close().await;
        Ok(())
    }

    async fn connect(opts: PgConnectOptions, keys: Keys) -> Result<PgStore> {
        let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await.map_err(db)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| StoreError::Database(e.to_string()))?;
        Self::backfill_names(&pool).await?;
        Ok(PgStore { writer: pool.clone(), reader: pool, keys, states: Default::default(), held: tovholder_store::held::Held::shared(), sessions: tovholder_store::sessions::Sessions::shared() })
    }

    pub async fn close(&self) {
        self.writer.close().await;
    }

    async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        self.writer.begin().await.map_err(db)
    }

    /// Writes entries and the projection; the caller has checked the version.
    async fn write_commit(&self, tx: &mut Transaction<'static, Postgres>, id: CourseId, version: i64, commit: &Commit) -> Result<i64> {
        let mut prev: String = sqlx::query(sql::HEAD).bind(id.0).fetch_optional(&mut **tx).await.map_err(db)?.map(|r| r.try_get("hash")).transpose().map_err(db)?.unwrap_or_default();
        let mut seq = version;
        for e in &commit.entries {
            seq += 1;
            let payload = json(&e.event)?;
            let at = to_micros(e.stamp.at);
            let hash = self.keys.chain(&prev, &entry_bytes(id, seq, at, e.stamp.by, &payload));
            sqlx::query(sql::INSERT_ENTRY).bind(id.0).bind(seq).bind(at).bind(e.stamp.by.0).bind(e.event.kind()).bind(&payload).bind(&hash).execute(&mut **tx).await.map_err(db)?;
            prev = hash;
        }
        let updated = commit.entries.last().map_or(0, |e| to_micros(e.stamp.at));
        sqlx::query(sql::UPDATE_COURSE).bind(seq).bind(json(&commit.state)?).bind(updated).bind(id.0).execute(&mut **tx).await.map_err(db)?;
        sqlx::query(sql::UPSERT_HEAD).bind(id.0).bind(seq).bind(&prev).execute(&mut **tx).await.map_err(db)?;
        Self::write_members(tx, id, &commit.state).await?;
        sqlx::query(sql::DELETE_TASKS).bind(id.0).execute(&mut **tx).await.map_err(db)?;
        for t in task_rows(id, &commit.tasks) {
            let (person, org, role) = match &t.owner {
                Owner::Person { person, role } => (Some(person.0), None, role),
                Owner::OrgRole { org, role } => (None, Some(org.0), role),
            };
            sqlx::query(sql::INSERT_TASK)
                .bind(id.0)
                .bind(&t.task)
                .bind(&t.label)
                .bind(t.due_from.to_string())
                .bind(t.due_to.to_string())
                .bind(t.done)
                .bind(person)
                .bind(org)
                .bind(role)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
        }
        sqlx::query(sql::DELETE_COURSE_ORGS).bind(id.0).execute(&mut **tx).await.map_err(db)?;
        for (party, org, shares) in &commit.orgs {
            sqlx::query(sql::INSERT_COURSE_ORG).bind(id.0).bind(party).bind(org.0).bind(shares).execute(&mut **tx).await.map_err(db)?;
        }
        for b in &commit.blobs {
            sqlx::query(sql::INSERT_BLOB).bind(id.0).bind(&b.sha256).bind(&b.bytes).execute(&mut **tx).await.map_err(db)?;
        }
        sqlx::query(sql::DELETE_COURSE_RECIPIENTS).bind(id.0).execute(&mut **tx).await.map_err(db)?;
        for (org, department) in &commit.recipients {
            sqlx::query(sql::INSERT_COURSE_RECIPIENT).bind(id.0).bind(org.0).bind(department).execute(&mut **tx).await.map_err(db)?;
        }
        for key in &commit.withdraw {
            sqlx::query(sql::WITHDRAW_MAIL).bind(key).execute(&mut **tx).await.map_err(db)?;
        }
        for m in &commit.mails {
            sqlx::query(sql::INSERT_MAIL)
                .bind(&m.to)
                .bind(&m.subject)
                .bind(&m.body)
                .bind(m.course.map(|c| c.0))
                .bind(updated)
                // A deferred mail is held until its time, so the claim query needs no change.
                .bind(m.not_before.map(to_micros))
                .bind(&m.key)
                .bind(m.attachment.as_ref().map(json).transpose()?)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
        }
        Ok(seq)
    }
}

fn person_row(r: &PgRow) -> Result<Person> {
    let sealed: Option<Vec<u8>> = r.try_get("cpr_sealed").map_err(db)?;
    let index: Option<String> = r.try_get("cpr_index").map_err(db)?;
    Ok(Person {
        id: PersonId(r.try_get("id").map_err(db)?),
        name: r.try_get("name").map_err(db)?,
        email: r.try_get("email").map_err(db)?,
        org: r.try_get::<Option<i64>, _>("org_id").map_err(db)?.map(OrgId),
        cpr: match (sealed, index) {
            (Some(ciphertext), Some(blind_index)) => Some(SealedCpr { ciphertext, blind_index }),
            _ => None,
        },
    })
}

fn user_row(r: &PgRow) -> Result<User> {
    let roles: String = r.try_get("org_roles").map_err(db)?;
    Ok(User {
        person: PersonId(r.try_get("person_id").map_err(db)?),
        name: r.try_get("name").map_err(db)?,
        email: r.try_get("email").map_err(db)?,
        username: r.try_get("username").map_err(db)?,
        password_hash: r.try_get("password_hash").map_err(db)?,
        org: OrgId(r.try_get("org_id").map_err(db)?),
        org_name: r.try_get("org_name").map_err(db)?,
        org_roles: serde_json::from_str(&roles).map_err(corrupt)?,
        department: r.try_get("department").map_err(db)?,
    })
}

fn course_row(r: &PgRow) -> Result<StoredCourse> {
    let state: String = r.try_get("state").map_err(db)?;
    Ok(StoredCourse {
        id: CourseId(r.try_get("id").map_err(db)?),
        version: r.try_get("version").map_err(db)?,
        state: std::sync::Arc::new(serde_json::from_str::<CourseState>(&state).map_err(corrupt)?),
        created: from_micros(r.try_get("created_us").map_err(db)?)?,
    })
}

fn task_row(r: &PgRow) -> Result<TaskRow> {
    let role: String = r.try_get("owner_role").map_err(db)?;
    let owner = match (r.try_get::<Option<i64>, _>("owner_person").map_err(db)?, r.try_get::<Option<i64>, _>("owner_org").map_err(db)?) {
        (Some(p), _) => Owner::Person { person: PersonId(p), role },
        (None, Some(o)) => Owner::OrgRole { org: OrgId(o), role },
        (None, None) => return Err(corrupt("a task without an owner")),
    };
    Ok(TaskRow {
        course: CourseId(r.try_get("course_id").map_err(db)?),
        task: r.try_get("task").map_err(db)?,
        label: r.try_get("label").map_err(db)?,
        due_from: parse_date(&r.try_get::<String, _>("due_from").map_err(db)?)?,
        due_to: parse_date(&r.try_get::<String, _>("due_to").map_err(db)?)?,
        done: r.try_get("done").map_err(db)?,
        owner,
    })
}

fn mail_row(r: &PgRow) -> Result<Mail> {
    Ok(Mail {
        id: r.try_get("id").map_err(db)?,
        mail: NewMail {
            to: r.try_get("recipient").map_err(db)?,
            subject: r.try_get("subject").map_err(db)?,
            body: r.try_get("body").map_err(db)?,
            course: r.try_get::<Option<i64>, _>("course_id").map_err(db)?.map(CourseId),
            // Only a mail never claimed still shows its deferral; a claim overwrites it.
            not_before: match r.try_get::<i64, _>("attempts").map_err(db)? {
                0 => r.try_get::<Option<i64>, _>("claimed_until_us").map_err(db)?.map(from_micros).transpose()?,
                _ => None,
            },
            key: r.try_get("mail_key").map_err(db)?,
            attachment: r.try_get::<Option<String>, _>("attachment").map_err(db)?.map(|a| serde_json::from_str(&a)).transpose().map_err(|e| StoreError::Database(e.to_string()))?,
        },
        created: from_micros(r.try_get("created_us").map_err(db)?)?,
        sent: r.try_get::<Option<i64>, _>("sent_us").map_err(db)?.map(from_micros).transpose()?,
        attempts: r.try_get("attempts").map_err(db)?,
    })
}

fn access_row(r: &PgRow) -> Result<AccessRecord> {
    Ok(AccessRecord {
        at: from_micros(r.try_get("at_us").map_err(db)?)?,
        person: r.try_get::<Option<i64>, _>("person_id").map_err(db)?.map(PersonId),
        course: r.try_get::<Option<i64>, _>("course_id").map_err(db)?.map(CourseId),
        action: r.try_get("action").map_err(db)?,
        allowed: r.try_get("allowed").map_err(db)?,
        reason: r.try_get("reason").map_err(db)?,
    })
}

#[async_trait]
impl tovholder_store::Store for PgStore {
    async fn add_org(&self, name: &str, kind: &str) -> Result<OrgId> {
        let r = sqlx::query(sql::INSERT_ORG).bind(name).bind(kind).fetch_one(&self.writer).await.map_err(db);
        self.held.invalidate();
        Ok(OrgId(r?.try_get("id").map_err(db)?))
    }

    async fn orgs(&self) -> Result<std::sync::Arc<[Org]>> {
        self.held
            .orgs_or(async {
                let rows = sqlx::query(sql::ORGS).fetch_all(&self.reader).await.map_err(db)?;
                rows.iter().map(|r| Ok(Org { id: OrgId(r.try_get("id").map_err(db)?), name: r.try_get("name").map_err(db)?, kind: r.try_get("kind").map_err(db)? })).collect()
            })
            .await
    }

    async fn meeting_places(&self, org: OrgId) -> Result<Vec<MeetingPlace>> {
        let rows = sqlx::query(sql::MEETING_PLACES).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(MeetingPlace { id: r.try_get("id").map_err(db)?, org: OrgId(r.try_get("org_id").map_err(db)?), name: r.try_get("name").map_err(db)?, address: r.try_get("address").map_err(db)? })
            })
            .collect()
    }

    async fn add_meeting_place(&self, org: OrgId, name: &str, address: &str) -> Result<i64> {
        let r = sqlx::query(sql::INSERT_MEETING_PLACE).bind(org.0).bind(name).bind(address).fetch_one(&self.writer).await.map_err(db)?;
        r.try_get("id").map_err(db)
    }

    async fn remove_meeting_place(&self, org: OrgId, id: i64) -> Result<()> {
        let done = sqlx::query(sql::DELETE_MEETING_PLACE).bind(org.0).bind(id).execute(&self.writer).await.map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn add_person(&self, p: &NewPerson) -> Result<PersonId> {
        let r = sqlx::query(sql::INSERT_PERSON)
            .bind(&p.name)
            .bind(&p.email)
            .bind(p.org.map(|o| o.0))
            .bind(p.cpr.as_ref().map(|c| c.ciphertext.clone()))
            .bind(p.cpr.as_ref().map(|c| c.blind_index.clone()))
            .bind(tovholder_store::search_key(&p.name))
            .fetch_one(&self.writer)
            .await
            .map_err(db)?;
        Ok(PersonId(r.try_get("id").map_err(db)?))
    }

    async fn persons(&self, ids: &[PersonId]) -> Result<Vec<Person>> {
        self.held
            .persons_or(ids, |missing| async move {
                let rows = sqlx::query(sql::PERSONS).bind(&missing).fetch_all(&self.reader).await.map_err(db)?;
                rows.iter().map(person_row).collect()
            })
            .await
    }

    async fn person_by_cpr_index(&self, index: &str) -> Result<Option<Person>> {
        let row = sqlx::query(sql::PERSON_BY_CPR).bind(index).fetch_optional(&self.reader).await.map_err(db)?;
        row.as_ref().map(person_row).transpose()
    }

    async fn staff(&self, org: OrgId) -> Result<std::sync::Arc<[User]>> {
        self.held
            .staff_or(org, async {
                let rows = sqlx::query(sql::STAFF).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
                rows.iter().map(user_row).collect()
            })
            .await
    }

    async fn add_user(&self, u: &NewUser) -> Result<()> {
        let r = sqlx::query(sql::INSERT_USER).bind(u.person.0).bind(&u.username).bind(&u.password_hash).bind(json(&u.org_roles)?).bind(&u.department).execute(&self.writer).await.map_err(db);
        self.held.invalidate();
        r?;
        Ok(())
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(sql::USER_BY_NAME).bind(username).fetch_optional(&self.reader).await.map_err(db)?;
        row.as_ref().map(user_row).transpose()
    }

    async fn user(&self, person: PersonId) -> Result<Option<User>> {
        self.held
            .user_or(person, async {
                let row = sqlx::query(sql::USER_BY_PERSON).bind(person.0).fetch_optional(&self.reader).await.map_err(db)?;
                row.as_ref().map(user_row).transpose()
            })
            .await
    }

    async fn put_session(&self, s: &Session) -> Result<()> {
        let r = sqlx::query(sql::INSERT_SESSION).bind(&s.token_hash).bind(s.person.0).bind(&s.csrf).bind(to_micros(s.created)).bind(to_micros(s.last_seen)).execute(&self.writer).await.map_err(db);
        self.sessions.written(&s.token_hash);
        r?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        self.sessions
            .get_or(token_hash, async {
                let Some(r) = sqlx::query(sql::SESSION).bind(token_hash).fetch_optional(&self.reader).await.map_err(db)? else {
                    return Ok(None);
                };
                Ok(Some(Session {
                    token_hash: r.try_get("token_hash").map_err(db)?,
                    person: PersonId(r.try_get("person_id").map_err(db)?),
                    csrf: r.try_get("csrf").map_err(db)?,
                    created: from_micros(r.try_get("created_us").map_err(db)?)?,
                    last_seen: from_micros(r.try_get("last_seen_us").map_err(db)?)?,
                }))
            })
            .await
    }

    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<()> {
        let r = sqlx::query(sql::TOUCH_SESSION).bind(to_micros(at)).bind(token_hash).execute(&self.writer).await.map_err(db);
        self.sessions.written(token_hash);
        r?;
        Ok(())
    }

    async fn drop_session(&self, token_hash: &str) -> Result<()> {
        let r = sqlx::query(sql::DELETE_SESSION).bind(token_hash).execute(&self.writer).await.map_err(db);
        self.sessions.written(token_hash);
        r?;
        Ok(())
    }

    async fn note_login(&self, username: &str, ok: bool, at: Timestamp) -> Result<()> {
        sqlx::query(sql::INSERT_LOGIN_ATTEMPT).bind(username).bind(ok).bind(to_micros(at)).execute(&self.writer).await.map_err(db)?;
        Ok(())
    }

    async fn failed_logins_since(&self, username: &str, since: Timestamp) -> Result<i64> {
        let r = sqlx::query(sql::FAILED_LOGINS).bind(username).bind(to_micros(since)).fetch_one(&self.reader).await.map_err(db)?;
        r.try_get("n").map_err(db)
    }

    async fn create_course(&self, commit: &Commit) -> Result<CourseId> {
        let created = commit.entries.first().map_or(0, |e| to_micros(e.stamp.at));
        let mut tx = self.begin().await?;
        let r = sqlx::query(sql::INSERT_COURSE).bind(&commit.state.model).bind(json(&commit.state)?).bind(created).fetch_one(&mut *tx).await.map_err(db)?;
        let id = CourseId(r.try_get("id").map_err(db)?);
        self.write_commit(&mut tx, id, 0, commit).await?;
        tx.commit().await.map_err(db)?;
        Ok(id)
    }

    async fn append(&self, id: CourseId, expected_version: i64, commit: &Commit) -> Result<i64> {
        let mut tx = self.begin().await?;
        let current: i64 = sqlx::query(sql::COURSE_VERSION).bind(id.0).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(StoreError::NotFound)?.try_get("version").map_err(db)?;
        if current != expected_version {
            return Err(StoreError::Conflict { current });
        }
        let seq = self.write_commit(&mut tx, id, current, commit).await?;
        tx.commit().await.map_err(db)?;
        Ok(seq)
    }

    async fn course(&self, id: CourseId) -> Result<Option<StoredCourse>> {
        // The version is always read; the state comes from memory when it is that version's.
        Ok(self.courses_cached(&[id]).await?.into_iter().next())
    }

    async fn course_as_stored(&self, id: CourseId) -> Result<Option<StoredCourse>> {
        // A state changed behind the store's back (tampering, same version) must show here.
        self.course_uncached(id).await
    }

    async fn courses(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        self.courses_cached(ids).await
    }

    async fn course_ids(&self) -> Result<Vec<CourseId>> {
        let rows = sqlx::query(sql::COURSE_IDS).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(|r| Ok(CourseId(r.try_get("id").map_err(db)?))).collect()
    }

    async fn courses_of_org(&self, org: OrgId, before: Option<CourseId>, limit: i64) -> Result<Vec<CourseId>> {
        let before = before.map_or(i64::MAX, |c| c.0);
        let rows = sqlx::query(sql::COURSES_OF_ORG).bind(org.0).bind(before).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(|r| Ok(CourseId(r.try_get("course_id").map_err(db)?))).collect()
    }

    async fn courses_shared_with(&self, org: OrgId, department: Option<&str>, limit: i64) -> Result<Vec<CourseId>> {
        let rows = sqlx::query(sql::COURSES_SHARED_WITH).bind(org.0).bind(department).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(|r| Ok(CourseId(r.try_get("course_id").map_err(db)?))).collect()
    }

    async fn journal_after(&self, id: CourseId, seq: i64) -> Result<Vec<JournalEntry>> {
        let rows = sqlx::query(sql::JOURNAL).bind(id.0).bind(seq).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload").map_err(db)?;
                Ok(JournalEntry {
                    course: id,
                    seq: r.try_get("seq").map_err(db)?,
                    stamp: Stamp { at: from_micros(r.try_get("at_us").map_err(db)?)?, by: PersonId(r.try_get("actor").map_err(db)?) },
                    event: serde_json::from_str::<Event>(&payload).map_err(corrupt)?,
                    payload,
                    hash: r.try_get("hash").map_err(db)?,
                })
            })
            .collect()
    }

    async fn blob(&self, course: CourseId, sha256: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query(sql::BLOB).bind(course.0).bind(sha256).fetch_optional(&self.reader).await.map_err(db)?;
        row.map(|r| r.try_get("bytes").map_err(db)).transpose()
    }

    async fn head(&self, id: CourseId) -> Result<Option<(i64, String)>> {
        let row = sqlx::query(sql::HEAD).bind(id.0).fetch_optional(&self.reader).await.map_err(db)?;
        row.map(|r| Ok((r.try_get("seq").map_err(db)?, r.try_get("hash").map_err(db)?))).transpose()
    }

    async fn open_tasks_for(&self, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
        let rows = sqlx::query(sql::OPEN_TASKS_FOR).bind(person.0).bind(org.0).bind(org_roles).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(task_row).collect()
    }

    async fn write_access_log(&self, batch: &[AccessRecord]) -> Result<()> {
        // One statement (its own transaction, one commit): a round trip per record made a
        // batch of list views thousands of round trips long.
        let (rows, seen) = tovholder_store::access::log_rows(batch)?;
        let records = || rows.iter().map(|r| r.record);
        sqlx::query(sql::INSERT_ACCESS)
            .bind(records().map(|a| to_micros(a.at)).collect::<Vec<i64>>())
            .bind(records().map(|a| a.person.map(|p| p.0)).collect::<Vec<Option<i64>>>())
            .bind(rows.iter().map(|r| if r.courses.is_some() { None } else { r.record.course.map(|c| c.0) }).collect::<Vec<Option<i64>>>())
            .bind(records().map(|a| a.action.as_str()).collect::<Vec<&str>>())
            .bind(rows.iter().map(|r| r.allowed).collect::<Vec<bool>>())
            .bind(rows.iter().map(|r| r.reason).collect::<Vec<&str>>())
            .bind(rows.iter().map(|r| r.courses.as_deref()).collect::<Vec<Option<&str>>>())
            .bind(seen.iter().map(|s| s.0).collect::<Vec<i64>>())
            .bind(seen.iter().map(|s| s.1).collect::<Vec<i64>>())
            .bind(seen.iter().map(|s| s.2).collect::<Vec<i64>>())
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn access_log(&self, course: Option<CourseId>, limit: i64) -> Result<Vec<AccessRecord>> {
        let q = match course {
            Some(c) => sqlx::query(sql::ACCESS_LOG_COURSE).bind(c.0).bind(limit),
            None => sqlx::query(sql::ACCESS_LOG_ALL).bind(limit),
        };
        let rows = q.fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(access_row).collect()
    }

    async fn outbox(&self, limit: i64) -> Result<Vec<Mail>> {
        let rows = sqlx::query(sql::OUTBOX).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(mail_row).collect()
    }

    async fn claim_mail(&self, now: Timestamp, until: Timestamp) -> Result<Option<Mail>> {
        let row = sqlx::query(sql::CLAIM_MAIL).bind(to_micros(now)).bind(to_micros(until)).fetch_optional(&self.writer).await.map_err(db)?;
        row.as_ref().map(mail_row).transpose()
    }

    async fn mail_sent(&self, id: i64, at: Timestamp) -> Result<()> {
        sqlx::query(sql::MAIL_SENT).bind(to_micros(at)).bind(id).execute(&self.writer).await.map_err(db)?;
        Ok(())
    }

    async fn all_persons(&self) -> Result<Vec<Person>> {
        let rows = sqlx::query(sql::ALL_PERSONS).fetch_all(&self.reader).await.map_err(db)?;
        rows.iter().map(person_row).collect()
    }

    async fn import_org(&self, org: &Org) -> Result<()> {
        let r = sqlx::query(sql::IMPORT_ORG).bind(org.id.0).bind(&org.name).bind(&org.kind).execute(&self.writer).await.map_err(db);
        self.held.invalidate();
        r?;
        Ok(())
    }

    async fn import_person(&self, p: &Person) -> Result<()> {
        sqlx::query(sql::IMPORT_PERSON)
            .bind(p.id.0)
            .bind(&p.name)
            .bind(&p.email)
            .bind(p.org.map(|o| o.0))
            .bind(p.cpr.as_ref().map(|c| c.ciphertext.clone()))
            .bind(p.cpr.as_ref().map(|c| c.blind_index.clone()))
            .bind(tovholder_store::search_key(&p.name))
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn import_course(&self, course: &StoredCourse, journal: &[JournalEntry], projection: &Commit) -> Result<()> {
        let mut tx = self.begin().await?;
        let updated = journal.last().map_or(0, |e| to_micros(e.stamp.at));
        sqlx::query(sql::IMPORT_COURSE)
            .bind(course.id.0)
            .bind(&course.state.model)
            .bind(0i64)
            .bind(json(&course.state)?)
            .bind(to_micros(course.created))
            .bind(updated)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for e in journal {
            sqlx::query(sql::INSERT_ENTRY)
                .bind(course.id.0)
                .bind(e.seq)
                .bind(to_micros(e.stamp.at))
                .bind(e.stamp.by.0)
                .bind(e.event.kind())
                .bind(&e.payload)
                .bind(&e.hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        // The projection and head, written as an append of no entries on top of the journal.
        let version = journal.last().map_or(0, |e| e.seq);
        let head = journal.last().map(|e| e.hash.clone()).unwrap_or_default();
        sqlx::query(sql::UPSERT_HEAD).bind(course.id.0).bind(version).bind(&head).execute(&mut *tx).await.map_err(db)?;
        self.write_commit(&mut tx, course.id, version, projection).await?;
        tx.commit().await.map_err(db)
    }

    async fn import_mail(&self, m: &Mail) -> Result<()> {
        sqlx::query(sql::IMPORT_MAIL)
            .bind(&m.mail.to)
            .bind(&m.mail.subject)
            .bind(&m.mail.body)
            .bind(m.mail.course.map(|c| c.0))
            .bind(to_micros(m.created))
            .bind(m.attempts)
            .bind(m.mail.not_before.map(to_micros))
            .bind(&m.mail.key)
            .bind(m.mail.attachment.as_ref().map(json).transpose()?)
            .bind(m.sent.map(to_micros))
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn finish_import(&self) -> Result<()> {
        sqlx::query(sql::RESET_IDS).execute(&self.writer).await.map_err(db)?;
        Ok(())
    }

    async fn after_bulk_load(&self) -> Result<()> {
        // Autovacuum analyses in its own time; until then a search over 100,000 freshly loaded
        // courses took 0.5 s instead of 12 ms, and 64 of them at once emptied the pool.
        sqlx::query("ANALYZE").execute(&self.writer).await.map_err(db)?;
        Ok(())
    }

    async fn mail_failed(&self, id: i64, retry_at: Timestamp) -> Result<()> {
        sqlx::query(sql::MAIL_FAILED).bind(to_micros(retry_at)).bind(id).execute(&self.writer).await.map_err(db)?;
        Ok(())
    }

    async fn add_persons(&self, persons: &[NewPerson]) -> Result<Vec<PersonId>> {
        self.bulk_add_persons(persons).await
    }

    async fn create_courses(&self, commits: &[Commit]) -> Result<Vec<CourseId>> {
        self.bulk_create_courses(commits).await
    }

    async fn search_courses_of_org(&self, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
        self.search_of_org(org, needle, limit).await
    }

    async fn courses_after(&self, after: CourseId, limit: i64) -> Result<Vec<StoredCourse>> {
        self.scan_courses(after, limit).await
    }

    async fn open_tasks_due(&self, until: Date, limit: i64) -> Result<Vec<TaskRow>> {
        self.tasks_due(until, limit).await
    }
}
