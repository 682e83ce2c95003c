//! Writing a course: its journal entries (chained), its state and the tables read from it
//! (members, tasks, parties, recipients, blobs, mails), in the caller's transaction. Bulk
//! loads write the same in few transactions.

use sqlx::{Executor, Pool, Row, Transaction};

use tovholder_core::course::CourseState;
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::tasks::Owner;
use tovholder_store::{Commit, NewMail, NewPerson, Result, StoredCourse, entry_bytes, search_key, task_rows, to_micros};

use crate::{Dialect, db, json, sealing};
use tovholder_store::keys::TextRow;

type Tx<D> = Transaction<'static, <D as Dialect>::Db>;

for_every_dialect! {
    impl {
        /// Fills in the search names of people stored before they were kept (migration 0003).
        pub async fn backfill_names(writer: &Pool<D::Db>) -> Result<()> {
            let rows = sqlx::query(D::SQL.names_missing).fetch_all(writer).await.map_err(db)?;
            if rows.is_empty() {
                return Ok(());
            }
            let mut tx = writer.begin().await.map_err(db)?;
            for r in &rows {
                let (id, name): (i64, String) = (r.try_get("id").map_err(db)?, r.try_get("name").map_err(db)?);
                sqlx::query(D::SQL.set_name_lc).bind(search_key(&name)).bind(id).execute(&mut *tx).await.map_err(db)?;
            }
            tx.commit().await.map_err(db)
        }

        /// Encrypts the documents stored before they were (migration 0011), a batch at a time.
        /// One whose content does not match its hash (changed behind the server's back) is left
        /// as it is, and refused when read.
        pub async fn seal_documents(&self) -> Result<u64> {
            use sha2::Digest as _;
            let (mut sealed, mut after) = (0, (i64::MIN, String::new()));
            loop {
                let rows = sqlx::query(D::SQL.blobs_unsealed).bind(after.0).bind(&after.1).fetch_all(&self.writer).await.map_err(db)?;
                if rows.is_empty() {
                    return Ok(sealed);
                }
                for r in &rows {
                    let (course, sha256, bytes): (i64, String, Vec<u8>) = (r.try_get("course_id").map_err(db)?, r.try_get("sha256").map_err(db)?, r.try_get("bytes").map_err(db)?);
                    after = (course, sha256.clone());
                    if hex::encode(sha2::Sha256::digest(&bytes)) != sha256 {
                        tracing::warn!(course, "a document's content does not match its hash: left unsealed, and refused when read");
                        continue;
                    }
                    let ciphertext = self.keys.seal_document(course, &sha256, &bytes).map_err(sealing)?;
                    sqlx::query(D::SQL.seal_blob).bind(ciphertext).bind(course).bind(&sha256).execute(&self.writer).await.map_err(db)?;
                    sealed += 1;
                }
            }
        }

        /// Encrypts the text stored before it was (migration 0012): courses' states, tasks'
        /// labels and, with `journal` (a role that may change the journal: the server's own
        /// under least privilege may not), journal entries' events; a batch per transaction,
        /// each row only if it is still in clear (several processes may start at once). Once
        /// all is sealed it is marked so, and later starts read nothing. The rows sealed.
        pub async fn seal_text(&self, journal: bool) -> Result<u64> {
            use tovholder_store::keys::SEALED_TEXT;
            let done: i64 = sqlx::query(D::SQL.text_sealed).fetch_one(&self.writer).await.map_err(db)?.try_get("n").map_err(db)?;
            if done > 0 {
                self.text_sealed.store(true, std::sync::atomic::Ordering::Relaxed);
                return Ok(0);
            }
            let mut sealed = 0;
            // Courses a batch at a time, with their tasks' labels.
            let mut after = 0i64;
            loop {
                let rows = sqlx::query(D::SQL.states_after).bind(after).fetch_all(&self.writer).await.map_err(db)?;
                let Some(last) = rows.last() else { break };
                let last: i64 = last.try_get("id").map_err(db)?;
                let mut tx = self.begin().await?;
                for r in &rows {
                    let (id, version, state): (i64, i64, String) = (r.try_get("id").map_err(db)?, r.try_get("version").map_err(db)?, r.try_get("state").map_err(db)?);
                    if !state.starts_with(SEALED_TEXT) {
                        let text = self.keys.seal_text(TextRow::State(id, version), &state).map_err(sealing)?;
                        sqlx::query(D::SQL.seal_state).bind(text).bind(id).bind(&state).execute(&mut *tx).await.map_err(db)?;
                        sealed += 1;
                    }
                }
                for r in sqlx::query(D::SQL.labels_of).bind(after).bind(last).fetch_all(&mut *tx).await.map_err(db)? {
                    let (course, task, label): (i64, String, String) = (r.try_get("course_id").map_err(db)?, r.try_get("task").map_err(db)?, r.try_get("label").map_err(db)?);
                    if !label.starts_with(SEALED_TEXT) {
                        let text = self.keys.seal_text(TextRow::Task(course, &task), &label).map_err(sealing)?;
                        sqlx::query(D::SQL.seal_label).bind(text).bind(course).bind(&task).bind(&label).execute(&mut *tx).await.map_err(db)?;
                        sealed += 1;
                    }
                }
                tx.commit().await.map_err(db)?;
                after = last;
            }
            // The journal, if this role may seal it.
            let mut after = (0i64, 0i64);
            loop {
                let rows = sqlx::query(D::SQL.entries_after).bind(after.0).bind(after.1).fetch_all(&self.writer).await.map_err(db)?;
                let Some(last) = rows.last() else { break };
                after = (last.try_get("course_id").map_err(db)?, last.try_get("seq").map_err(db)?);
                let mut tx = self.begin().await?;
                for r in &rows {
                    let (course, seq, payload): (i64, i64, String) = (r.try_get("course_id").map_err(db)?, r.try_get("seq").map_err(db)?, r.try_get("payload").map_err(db)?);
                    if payload.starts_with(SEALED_TEXT) {
                        continue;
                    }
                    if !journal {
                        tracing::warn!("journal entries stored before encryption at rest are still in clear: run `tovholder migrate` with the key file configured to seal them");
                        return Ok(sealed);
                    }
                    let text = self.keys.seal_text(TextRow::Entry(course, seq), &payload).map_err(sealing)?;
                    sqlx::query(D::SQL.seal_entry).bind(text).bind(course).bind(seq).execute(&mut *tx).await.map_err(db)?;
                    sealed += 1;
                }
                tx.commit().await.map_err(db)?;
            }
            sqlx::query(D::SQL.mark_text_sealed).execute(&self.writer).await.map_err(db)?;
            self.text_sealed.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(sealed)
        }

        pub(crate) async fn begin(&self) -> Result<Tx<D>> {
            self.writer.begin().await.map_err(db)
        }

        /// A new course row and its first commit; its id.
        pub(crate) async fn insert_course(&self, tx: &mut Tx<D>, commit: &Commit) -> Result<CourseId> {
            let created = commit.entries.first().map_or(0, |e| to_micros(e.stamp.at));
            // The state is written (sealed, for the id) by the commit below.
            let r = sqlx::query(D::SQL.insert_course).bind(&commit.state.model).bind("{}").bind(created).fetch_one(&mut **tx).await.map_err(db)?;
            let id = CourseId(r.try_get("id").map_err(db)?);
            self.write_commit(tx, id, 0, commit).await?;
            Ok(id)
        }

        /// Writes entries and the projection; the caller has checked the version.
        pub(crate) async fn write_commit(&self, tx: &mut Tx<D>, id: CourseId, version: i64, commit: &Commit) -> Result<i64> {
            let mut prev: String = sqlx::query(D::SQL.head).bind(id.0).fetch_optional(&mut **tx).await.map_err(db)?.map(|r| r.try_get("hash")).transpose().map_err(db)?.unwrap_or_default();
            let mut seq = version;
            for e in &commit.entries {
                seq += 1;
                let payload = json(&e.event)?;
                let at = to_micros(e.stamp.at);
                // The chain covers the event as written; the row keeps it sealed.
                let hash = self.keys.chain(&prev, &entry_bytes(id, seq, at, e.stamp.by, &payload));
                let sealed = self.keys.seal_text(TextRow::Entry(id.0, seq), &payload).map_err(sealing)?;
                sqlx::query(D::SQL.insert_entry).bind(id.0).bind(seq).bind(at).bind(e.stamp.by.0).bind(e.event.kind()).bind(&sealed).bind(&hash).execute(&mut **tx).await.map_err(db)?;
                prev = hash;
            }
            let updated = commit.entries.last().map_or(0, |e| to_micros(e.stamp.at));
            let state = self.keys.seal_text(TextRow::State(id.0, seq), &json(&commit.state)?).map_err(sealing)?;
            let closed = commit.state.closed.as_ref().map(|c| to_micros(c.stamp.at));
            sqlx::query(D::SQL.update_course).bind(seq).bind(state).bind(updated).bind(closed).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            sqlx::query(D::SQL.upsert_head).bind(id.0).bind(seq).bind(&prev).execute(&mut **tx).await.map_err(db)?;
            Self::write_members(tx, id, &commit.state).await?;
            Self::write_inbox(tx, id, &commit.state).await?;
            sqlx::query(D::SQL.delete_tasks).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            for t in task_rows(id, &commit.tasks) {
                let (person, org, role) = match &t.owner {
                    Owner::Person { person, role } => (Some(person.0), None, role),
                    Owner::OrgRole { org, role } => (None, Some(org.0), role),
                };
                sqlx::query(D::SQL.insert_task)
                    .bind(id.0)
                    .bind(&t.task)
                    .bind(self.keys.seal_text(TextRow::Task(id.0, &t.task), &t.label).map_err(sealing)?)
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
            sqlx::query(D::SQL.delete_course_orgs).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            for (party, org, shares) in &commit.orgs {
                sqlx::query(D::SQL.insert_course_org).bind(id.0).bind(party).bind(org.0).bind(shares).execute(&mut **tx).await.map_err(db)?;
            }
            for b in &commit.blobs {
                let sealed = self.keys.seal_document(id.0, &b.sha256, &b.bytes).map_err(sealing)?;
                sqlx::query(D::SQL.insert_blob).bind(id.0).bind(&b.sha256).bind(sealed).execute(&mut **tx).await.map_err(db)?;
            }
            sqlx::query(D::SQL.delete_course_recipients).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            for (org, department) in &commit.recipients {
                sqlx::query(D::SQL.insert_course_recipient).bind(id.0).bind(org.0).bind(department).execute(&mut **tx).await.map_err(db)?;
            }
            for key in &commit.withdraw {
                sqlx::query(D::SQL.withdraw_mail).bind(key).execute(&mut **tx).await.map_err(db)?;
            }
            for m in &commit.mails {
                Self::insert_mail(tx, m, updated).await?;
            }
            Ok(seq)
        }

        /// A mail into the outbox, in the caller's transaction.
        pub(crate) async fn insert_mail(tx: &mut Tx<D>, m: &NewMail, created_us: i64) -> Result<()> {
            sqlx::query(D::SQL.insert_mail)
                .bind(&m.to)
                .bind(&m.subject)
                .bind(&m.body)
                .bind(m.course.map(|c| c.0))
                .bind(created_us)
                // A deferred mail is held until its time, so the claim query needs no change.
                .bind(m.not_before.map(to_micros))
                .bind(&m.key)
                .bind(m.attachment.as_ref().map(json).transpose()?)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
            Ok(())
        }

        /// The course's members, as the search reads them; written with every commit.
        /// Each thread's participants with what they have not read ("Mine beskeder").
        async fn write_inbox(tx: &mut Tx<D>, id: CourseId, state: &CourseState) -> Result<()> {
            sqlx::query(D::SQL.delete_inbox).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            for t in &state.threads {
                let last = to_micros(t.last().map_or(t.started.at, |m| m.stamp.at));
                for p in &t.participants {
                    let unread = i64::try_from(t.unread(*p)).unwrap_or(i64::MAX);
                    sqlx::query(D::SQL.insert_inbox).bind(id.0).bind(i64::from(t.id)).bind(p.0).bind(unread).bind(last).execute(&mut **tx).await.map_err(db)?;
                }
            }
            Ok(())
        }

        async fn write_members(tx: &mut Tx<D>, id: CourseId, state: &CourseState) -> Result<()> {
            sqlx::query(D::SQL.delete_members).bind(id.0).execute(&mut **tx).await.map_err(db)?;
            // Persons linked from the network too: whom a consent names finds the course by them.
            for p in state.members.iter().map(|m| m.person).chain(state.network.iter().filter_map(|e| e.person)) {
                sqlx::query(D::SQL.insert_member).bind(id.0).bind(p.0).execute(&mut **tx).await.map_err(db)?;
            }
            Ok(())
        }

        /// One course as stored; what it reads also refreshes the held states.
        pub async fn course_uncached(&self, id: CourseId) -> Result<Option<StoredCourse>> {
            let row = sqlx::query(D::SQL.course).bind(id.0).fetch_optional(&self.reader).await.map_err(db)?;
            let c = row.as_ref().map(|r| self.course_row(r)).transpose()?;
            if let Some(c) = &c {
                self.states.put(c);
            }
            Ok(c)
        }

        pub(crate) async fn bulk_add_persons(&self, persons: &[NewPerson]) -> Result<Vec<PersonId>> {
            let mut tx = self.begin().await?;
            let mut ids = Vec::with_capacity(persons.len());
            for p in persons {
                ids.push(Self::insert_person(&mut *tx, p).await?);
            }
            tx.commit().await.map_err(db)?;
            Ok(ids)
        }

        pub(crate) async fn insert_person<'c, E: Executor<'c, Database = D::Db>>(to: E, p: &NewPerson) -> Result<PersonId> {
            let r = sqlx::query(D::SQL.insert_person)
                .bind(&p.name)
                .bind(&p.email)
                .bind(p.org.map(|o| o.0))
                .bind(p.cpr.as_ref().map(|c| c.ciphertext.clone()))
                .bind(p.cpr.as_ref().map(|c| c.blind_index.clone()))
                .bind(search_key(&p.name))
                .fetch_one(to)
                .await
                .map_err(db)?;
            Ok(PersonId(r.try_get("id").map_err(db)?))
        }

        pub(crate) async fn bulk_create_courses(&self, commits: &[Commit]) -> Result<Vec<CourseId>> {
            let mut tx = self.begin().await?;
            let mut ids = Vec::with_capacity(commits.len());
            for commit in commits {
                ids.push(self.insert_course(&mut tx, commit).await?);
            }
            let committed = tx.commit().await.map_err(db);
            self.dialect.all_written();
            committed?;
            Ok(ids)
        }
    }
}
