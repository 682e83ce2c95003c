//! Rows as the store's types: the same columns in both dialects.

use sqlx::{Database, Row};

use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::respite::{Booking, Offer};
use tovholder_core::tasks::Owner;
use tovholder_store::keys::TextRow;
use tovholder_store::{
    AccessRecord, Department, JournalEntry, Mail, MeetingPlace, ModelVersion, NewMail, Org, OrgCodes, Person, Result, SealedCpr, Session, StoreError, StoredCourse, TaskRow, User, from_micros,
};

use crate::{Dialect, corrupt, db};

type DbRow<D> = <<D as Dialect>::Db as Database>::Row;

/// A day stored as its ISO text (`2027-03-12`).
fn day<R: Row>(r: &R, column: &str) -> Result<jiff::civil::Date>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let text: String = r.try_get(column).map_err(db)?;
    text.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("{column}: {e}")))
}

for_every_dialect! {
    impl {
        pub fn id_row(r: &DbRow<D>, column: &str) -> Result<i64> {
            r.try_get(column).map_err(db)
        }

        pub fn org_row(r: &DbRow<D>) -> Result<Org> {
            let codes = OrgCodes { cvr: r.try_get("cvr").map_err(db)?, ean: r.try_get("ean").map_err(db)?, sor: r.try_get("sor").map_err(db)?, kommunekode: r.try_get("kommunekode").map_err(db)? };
            Ok(Org { id: OrgId(r.try_get("id").map_err(db)?), name: r.try_get("name").map_err(db)?, kind: r.try_get("kind").map_err(db)?, codes, sign_on_only: r.try_get("sign_on_only").map_err(db)? })
        }

        pub fn model_version_row(r: &DbRow<D>) -> Result<ModelVersion> {
            let added_by: Option<i64> = r.try_get("added_by").map_err(db)?;
            Ok(ModelVersion {
                model: r.try_get("model_id").map_err(db)?,
                version: Self::version_number(r)?,
                sha256: r.try_get("sha256").map_err(db)?,
                text: r.try_get("text").map_err(db)?,
                source: r.try_get("source").map_err(db)?,
                added_by: added_by.map(PersonId),
                added: from_micros(r.try_get("added_us").map_err(db)?)?,
            })
        }

        pub fn version_number(r: &DbRow<D>) -> Result<u32> {
            let v: i64 = r.try_get("version").map_err(db)?;
            u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("model version {v}")))
        }

        pub fn meeting_place_row(r: &DbRow<D>) -> Result<MeetingPlace> {
            Ok(MeetingPlace { id: r.try_get("id").map_err(db)?, org: OrgId(r.try_get("org_id").map_err(db)?), name: r.try_get("name").map_err(db)?, address: r.try_get("address").map_err(db)? })
        }

        pub fn offer_row(r: &DbRow<D>) -> Result<Offer> {
            let capacity: i64 = r.try_get("capacity").map_err(db)?;
            Ok(Offer {
                id: r.try_get("id").map_err(db)?,
                org: OrgId(r.try_get("org_id").map_err(db)?),
                kind: r.try_get("kind").map_err(db)?,
                title: r.try_get("title").map_err(db)?,
                from: day(r, "from_day")?,
                to: day(r, "to_day")?,
                capacity: u32::try_from(capacity).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            })
        }

        pub fn deputy_row(r: &DbRow<D>) -> Result<tovholder_store::Deputy> {
            Ok(tovholder_store::Deputy {
                id: r.try_get("id").map_err(db)?,
                org: OrgId(r.try_get("org_id").map_err(db)?),
                person: PersonId(r.try_get("person_id").map_err(db)?),
                deputy: PersonId(r.try_get("deputy_id").map_err(db)?),
                from: day(r, "from_day")?,
                to: day(r, "to_day")?,
            })
        }

        pub fn booking_row(r: &DbRow<D>) -> Result<Booking> {
            Ok(Booking {
                id: r.try_get("id").map_err(db)?,
                offer: r.try_get("offer_id").map_err(db)?,
                course: CourseId(r.try_get("course_id").map_err(db)?),
                child: PersonId(r.try_get("child_id").map_err(db)?),
                from: day(r, "from_day")?,
                to: day(r, "to_day")?,
            })
        }

        pub fn department_row(r: &DbRow<D>) -> Result<Department> {
            Ok(Department { id: r.try_get("id").map_err(db)?, org: OrgId(r.try_get("org_id").map_err(db)?), name: r.try_get("name").map_err(db)?, kind: r.try_get("kind").map_err(db)? })
        }

        pub fn person_row(r: &DbRow<D>) -> Result<Person> {
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

        pub fn user_row(r: &DbRow<D>) -> Result<User> {
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
                active: r.try_get("active").map_err(db)?,
                instance_admin: r.try_get("instance_admin").map_err(db)?,
                totp_sealed: r.try_get("totp_sealed").map_err(db)?,
                deputy_for: vec![],
            })
        }

        pub fn session_row(r: &DbRow<D>) -> Result<Session> {
            Ok(Session {
                token_hash: r.try_get("token_hash").map_err(db)?,
                person: PersonId(r.try_get("person_id").map_err(db)?),
                csrf: r.try_get("csrf").map_err(db)?,
                created: from_micros(r.try_get("created_us").map_err(db)?)?,
                last_seen: from_micros(r.try_get("last_seen_us").map_err(db)?)?,
            })
        }

        pub fn course_row(&self, r: &DbRow<D>) -> Result<StoredCourse> {
            let (id, version): (i64, i64) = (r.try_get("id").map_err(db)?, r.try_get("version").map_err(db)?);
            let state: String = r.try_get("state").map_err(db)?;
            Ok(StoredCourse {
                id: CourseId(id),
                version,
                state: std::sync::Arc::new(self.state_of(id, version, &state)?),
                created: from_micros(r.try_get("created_us").map_err(db)?)?,
            })
        }

        /// Text as stored, opened: one that does not open (changed, or moved from another row)
        /// is corrupt, and so is text in clear once all is sealed.
        pub fn open_text<'a>(&self, row: TextRow, stored: &'a str) -> Result<std::borrow::Cow<'a, str>> {
            if !stored.starts_with(tovholder_store::keys::SEALED_TEXT) && self.text_sealed.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(corrupt(format!("{} is stored in clear, though all text is sealed", row.describe())));
            }
            self.keys.open_text(row, stored).map_err(|_| corrupt(format!("{} does not open (changed, or moved from another row)", row.describe())))
        }

        /// An activity as stored (sealed), and its version.
        pub fn activity_row(&self, r: &DbRow<D>) -> Result<(tovholder_core::activities::Activity, i64)> {
            let (id, version, body): (i64, i64, String) = (r.try_get("id").map_err(db)?, r.try_get("version").map_err(db)?, r.try_get("body").map_err(db)?);
            let activity = serde_json::from_str(&self.open_text(TextRow::Activity(id, version), &body)?).map_err(corrupt)?;
            Ok((activity, version))
        }

        /// A course's state as stored (sealed, or written before encryption at rest).
        pub fn state_of(&self, course: i64, version: i64, stored: &str) -> Result<CourseState> {
            serde_json::from_str::<CourseState>(&self.open_text(TextRow::State(course, version), stored)?).map_err(corrupt)
        }

        pub fn journal_row(&self, course: CourseId, r: &DbRow<D>) -> Result<JournalEntry> {
            let seq: i64 = r.try_get("seq").map_err(db)?;
            let stored: String = r.try_get("payload").map_err(db)?;
            let payload = self.open_text(TextRow::Entry(course.0, seq), &stored)?.into_owned();
            Ok(JournalEntry {
                course,
                seq,
                stamp: Stamp { at: from_micros(r.try_get("at_us").map_err(db)?)?, by: PersonId(r.try_get("actor").map_err(db)?) },
                event: serde_json::from_str::<Event>(&payload).map_err(corrupt)?,
                payload,
                hash: r.try_get("hash").map_err(db)?,
            })
        }

        pub fn task_row(&self, r: &DbRow<D>) -> Result<TaskRow> {
            let role: String = r.try_get("owner_role").map_err(db)?;
            let owner = match (r.try_get::<Option<i64>, _>("owner_person").map_err(db)?, r.try_get::<Option<i64>, _>("owner_org").map_err(db)?) {
                (Some(p), _) => Owner::Person { person: PersonId(p), role },
                (None, Some(o)) => Owner::OrgRole { org: OrgId(o), role },
                (None, None) => return Err(corrupt("a task without an owner")),
            };
            let date = |column: &str| -> Result<jiff::civil::Date> { r.try_get::<String, _>(column).map_err(db)?.parse().map_err(corrupt) };
            let (course, task): (i64, String) = (r.try_get("course_id").map_err(db)?, r.try_get("task").map_err(db)?);
            let label: String = r.try_get("label").map_err(db)?;
            Ok(TaskRow {
                course: CourseId(course),
                label: self.open_text(TextRow::Task(course, &task), &label)?.into_owned(),
                task,
                due_from: date("due_from")?,
                due_to: date("due_to")?,
                done: r.try_get("done").map_err(db)?,
                owner,
            })
        }

        pub fn mail_row(r: &DbRow<D>) -> Result<Mail> {
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
                    attachment: r.try_get::<Option<String>, _>("attachment").map_err(db)?.map(|a| serde_json::from_str(&a)).transpose().map_err(corrupt)?,
                },
                created: from_micros(r.try_get("created_us").map_err(db)?)?,
                sent: r.try_get::<Option<i64>, _>("sent_us").map_err(db)?.map(from_micros).transpose()?,
                attempts: r.try_get("attempts").map_err(db)?,
            })
        }

        pub fn access_row(r: &DbRow<D>) -> Result<AccessRecord> {
            Ok(AccessRecord {
                at: from_micros(r.try_get("at_us").map_err(db)?)?,
                person: r.try_get::<Option<i64>, _>("person_id").map_err(db)?.map(PersonId),
                course: r.try_get::<Option<i64>, _>("course_id").map_err(db)?.map(CourseId),
                action: r.try_get("action").map_err(db)?,
                allowed: r.try_get("allowed").map_err(db)?,
                reason: r.try_get("reason").map_err(db)?,
            })
        }
    }
}
