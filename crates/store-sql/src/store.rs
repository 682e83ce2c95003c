//! `Store` for every SQL dialect: each method's SQL is the dialect's, the Rust is this.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;

use tovholder_core::activities::Activity;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::respite::{Booking, Offer};
use tovholder_store::access::{Access, ChainReport};
use tovholder_store::parts::*;
use tovholder_store::{
    AccessRecord, Commit, Department, Deputy, DutyShift, Erasure, InboxRow, JournalEntry, LoginToken, Mail, MeetingPlace, ModelVersion, NewMail, NewModelVersion, NewPerson, NewUser, Org, OrgCodes,
    Person, RespiteCheck, Result, RetentionRule, Session, StoreError, StoredCourse, TaskRow, User, UserChange, from_micros, to_micros,
};

use crate::{db, json, sealing};
use tovholder_store::keys::TextRow;

for_every_dialect! {
    #[async_trait]
    impl Directory {
        async fn add_org(&self, name: &str, kind: &str) -> Result<OrgId> {
            let r = sqlx::query(D::SQL.insert_org).bind(name).bind(kind).fetch_one(&self.writer).await.map_err(db);
            self.held.invalidate();
            Ok(OrgId(Self::id_row(&r?, "id")?))
        }

        async fn set_org_codes(&self, org: OrgId, codes: &OrgCodes) -> Result<()> {
            let q = sqlx::query(D::SQL.set_org_codes).bind(&codes.cvr).bind(&codes.ean).bind(&codes.sor).bind(&codes.kommunekode).bind(org.0);
            let r = q.fetch_optional(&self.writer).await.map_err(db);
            self.held.invalidate();
            r?.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn set_sign_on_only(&self, org: OrgId, on: bool) -> Result<()> {
            let mut tx = self.begin().await?;
            let found = sqlx::query(D::SQL.set_sign_on_only).bind(on).bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
            // Passwords off: a session a password opened ends with them (in every process).
            if on {
                sqlx::query(D::SQL.delete_sessions_of_org).bind(org.0).execute(&mut *tx).await.map_err(db)?;
            }
            sqlx::query(D::SQL.notify_logins).execute(&mut *tx).await.map_err(db)?;
            let r = tx.commit().await.map_err(db);
            self.held.invalidate();
            self.sessions.clear();
            r?;
            found.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn orgs(&self) -> Result<std::sync::Arc<[Org]>> {
            self.held.orgs_or(async { sqlx::query(D::SQL.orgs).fetch_all(&self.reader).await.map_err(db)?.iter().map(Self::org_row).collect() }).await
        }

        async fn meeting_places(&self, org: OrgId) -> Result<Vec<MeetingPlace>> {
            let rows = sqlx::query(D::SQL.meeting_places).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::meeting_place_row).collect()
        }

        async fn add_meeting_place(&self, org: OrgId, name: &str, address: &str) -> Result<i64> {
            let r = sqlx::query(D::SQL.insert_meeting_place).bind(org.0).bind(name).bind(address).fetch_one(&self.writer).await.map_err(db)?;
            Self::id_row(&r, "id")
        }

        async fn remove_meeting_place(&self, org: OrgId, id: i64) -> Result<()> {
            let removed = sqlx::query(D::SQL.delete_meeting_place).bind(org.0).bind(id).fetch_optional(&self.writer).await.map_err(db)?;
            removed.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn duty_shifts(&self, org: OrgId, from: Timestamp, to: Timestamp) -> Result<Vec<DutyShift>> {
            let rows = sqlx::query(D::SQL.duty_shifts).bind(org.0).bind(to_micros(from)).bind(to_micros(to)).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter()
                .map(|r| {
                    Ok(DutyShift {
                        id: r.try_get("id").map_err(db)?,
                        org: OrgId(r.try_get("org_id").map_err(db)?),
                        person: PersonId(r.try_get("person_id").map_err(db)?),
                        from: from_micros(r.try_get("from_us").map_err(db)?)?,
                        to: from_micros(r.try_get("to_us").map_err(db)?)?,
                        phone: r.try_get("phone").map_err(db)?,
                    })
                })
                .collect()
        }

        async fn add_duty_shift(&self, s: &DutyShift, by: PersonId, at: Timestamp) -> Result<i64> {
            let q = sqlx::query(D::SQL.insert_duty_shift).bind(s.org.0).bind(s.person.0).bind(to_micros(s.from)).bind(to_micros(s.to)).bind(&s.phone).bind(by.0).bind(to_micros(at));
            let r = q.fetch_one(&self.writer).await.map_err(db)?;
            Self::id_row(&r, "id")
        }

        async fn remove_duty_shift(&self, org: OrgId, id: i64) -> Result<()> {
            let removed = sqlx::query(D::SQL.delete_duty_shift).bind(org.0).bind(id).fetch_optional(&self.writer).await.map_err(db)?;
            removed.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn opening_hours(&self, org: OrgId) -> Result<Vec<(i64, String, String)>> {
            let rows = sqlx::query(D::SQL.opening_hours).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok((r.try_get("weekday").map_err(db)?, r.try_get("opens").map_err(db)?, r.try_get("closes").map_err(db)?))).collect()
        }

        async fn set_opening_hours(&self, org: OrgId, hours: &[(i64, String, String)]) -> Result<()> {
            let mut tx = self.begin().await?;
            sqlx::query(D::SQL.delete_opening_hours).bind(org.0).execute(&mut *tx).await.map_err(db)?;
            for (day, opens, closes) in hours {
                sqlx::query(D::SQL.insert_opening_hours).bind(org.0).bind(day).bind(opens).bind(closes).execute(&mut *tx).await.map_err(db)?;
            }
            tx.commit().await.map_err(db)
        }

        async fn respite_offers(&self, org: OrgId, from: Date) -> Result<Vec<Offer>> {
            let rows = sqlx::query(D::SQL.respite_offers).bind(org.0).bind(from.to_string()).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::offer_row).collect()
        }

        async fn respite_offer(&self, id: i64) -> Result<Option<Offer>> {
            let row = sqlx::query(D::SQL.respite_offer).bind(id).fetch_optional(&self.reader).await.map_err(db)?;
            row.as_ref().map(Self::offer_row).transpose()
        }

        async fn add_respite_offer(&self, o: &Offer, by: PersonId, at: Timestamp) -> Result<i64> {
            let q = sqlx::query(D::SQL.insert_respite_offer).bind(o.org.0).bind(&o.kind).bind(&o.title).bind(o.from.to_string()).bind(o.to.to_string()).bind(i64::from(o.capacity)).bind(by.0).bind(to_micros(at));
            Self::id_row(&q.fetch_one(&self.writer).await.map_err(db)?, "id")
        }

        async fn respite_bookings(&self, offer: i64) -> Result<Vec<Booking>> {
            let rows = sqlx::query(D::SQL.respite_bookings).bind(offer).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::booking_row).collect()
        }

        async fn course_respite(&self, course: CourseId) -> Result<Vec<Booking>> {
            let rows = sqlx::query(D::SQL.course_respite).bind(course.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::booking_row).collect()
        }

        async fn book_respite(&self, b: &Booking, by: PersonId, at: Timestamp, check: &RespiteCheck) -> Result<std::result::Result<i64, (&'static str, String)>> {
            let mut tx = self.begin().await?;
            sqlx::query(D::SQL.lock_respite_offer).bind(b.offer).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(StoreError::NotFound)?;
            sqlx::query(D::SQL.lock_person).bind(b.child.0).fetch_optional(&mut *tx).await.map_err(db)?;
            let on_offer: Vec<Booking> = sqlx::query(D::SQL.respite_bookings).bind(b.offer).fetch_all(&mut *tx).await.map_err(db)?.iter().map(Self::booking_row).collect::<Result<_>>()?;
            let childs: Vec<Booking> = sqlx::query(D::SQL.child_respite).bind(b.child.0).fetch_all(&mut *tx).await.map_err(db)?.iter().map(Self::booking_row).collect::<Result<_>>()?;
            if let Err(refused) = check(&on_offer, &childs) {
                return Ok(Err(refused));
            }
            let q = sqlx::query(D::SQL.insert_respite_booking).bind(b.offer).bind(b.course.0).bind(b.child.0).bind(b.from.to_string()).bind(b.to.to_string()).bind(by.0).bind(to_micros(at));
            let id = Self::id_row(&q.fetch_one(&mut *tx).await.map_err(db)?, "id")?;
            tx.commit().await.map_err(db)?;
            Ok(Ok(id))
        }

        async fn cancel_respite(&self, course: CourseId, id: i64) -> Result<()> {
            let removed = sqlx::query(D::SQL.delete_respite_booking).bind(course.0).bind(id).fetch_optional(&self.writer).await.map_err(db)?;
            removed.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn deputies_of(&self, person: PersonId, from: Date) -> Result<Vec<Deputy>> {
            let rows = sqlx::query(D::SQL.deputies_of).bind(person.0).bind(from.to_string()).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::deputy_row).collect()
        }

        async fn deputyships(&self, deputy: PersonId, day: Date) -> Result<Vec<Deputy>> {
            let rows = sqlx::query(D::SQL.deputyships).bind(deputy.0).bind(day.to_string()).bind(day.to_string()).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::deputy_row).collect()
        }

        async fn end_deputy(&self, person: PersonId, id: i64, to: Date) -> Result<()> {
            let ended = sqlx::query(D::SQL.end_deputy).bind(to.to_string()).bind(person.0).bind(id).fetch_optional(&self.writer).await.map_err(db)?;
            ended.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn activities_of_org(&self, org: OrgId) -> Result<Vec<Activity>> {
            let rows = sqlx::query(D::SQL.activities_of_org).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| self.activity_row(r).map(|(a, _)| a)).collect()
        }

        async fn activities_for(&self, person: PersonId) -> Result<Vec<Activity>> {
            let rows = sqlx::query(D::SQL.activities_for).bind(person.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| self.activity_row(r).map(|(a, _)| a)).collect()
        }

        async fn activity(&self, id: i64) -> Result<Option<(Activity, i64)>> {
            let row = sqlx::query(D::SQL.activity).bind(id).fetch_optional(&self.reader).await.map_err(db)?;
            row.map(|r| self.activity_row(&r)).transpose()
        }

        async fn save_activity(&self, a: &Activity, version: i64, mails: &[NewMail]) -> Result<Option<i64>> {
            let now = to_micros(Timestamp::now());
            let mut tx = self.begin().await?;
            let id = if a.id == 0 {
                Self::id_row(&sqlx::query(D::SQL.insert_activity).bind(a.org.0).bind(to_micros(a.created_at)).fetch_one(&mut *tx).await.map_err(db)?, "id")?
            } else {
                a.id
            };
            let stored = Activity { id, ..a.clone() };
            let body = self.keys.seal_text(TextRow::Activity(id, version + 1), &json(&stored)?).map_err(sealing)?;
            let saved = sqlx::query(D::SQL.update_activity).bind(version + 1).bind(body).bind(id).bind(if a.id == 0 { 1 } else { version }).fetch_optional(&mut *tx).await.map_err(db)?;
            if saved.is_none() {
                return Ok(None);
            }
            sqlx::query(D::SQL.delete_activity_invitees).bind(id).execute(&mut *tx).await.map_err(db)?;
            for i in &stored.invitees {
                sqlx::query(D::SQL.insert_activity_invitee).bind(id).bind(i.person.0).execute(&mut *tx).await.map_err(db)?;
            }
            for m in mails {
                Self::insert_mail(&mut tx, m, now).await?;
            }
            tx.commit().await.map_err(db)?;
            Ok(Some(id))
        }

        async fn add_deputy(&self, d: &Deputy, at: Timestamp) -> Result<i64> {
            let q = sqlx::query(D::SQL.insert_deputy).bind(d.org.0).bind(d.person.0).bind(d.deputy.0).bind(d.from.to_string()).bind(d.to.to_string()).bind(to_micros(at));
            Self::id_row(&q.fetch_one(&self.writer).await.map_err(db)?, "id")
        }

        async fn add_person(&self, p: &NewPerson) -> Result<PersonId> {
            Self::insert_person(&self.writer, p).await
        }

        async fn correct_person(&self, id: PersonId, p: &NewPerson) -> Result<()> {
            sqlx::query(D::SQL.correct_person)
                .bind(&p.name)
                .bind(&p.email)
                .bind(p.cpr.as_ref().map(|c| c.ciphertext.clone()))
                .bind(p.cpr.as_ref().map(|c| c.blind_index.clone()))
                .bind(tovholder_store::search_key(&p.name))
                .bind(id.0)
                .execute(&self.writer)
                .await
                .map_err(db)?;
            self.held.forget_person(id);
            Ok(())
        }

        async fn persons(&self, ids: &[PersonId]) -> Result<Vec<Person>> {
            self.held.persons_or(ids, |missing| D::read_persons(self, missing)).await
        }

        async fn person_by_cpr_index(&self, index: &str) -> Result<Option<Person>> {
            let row = sqlx::query(D::SQL.person_by_cpr).bind(index).fetch_optional(&self.reader).await.map_err(db)?;
            row.as_ref().map(Self::person_row).transpose()
        }

        async fn family_by_email(&self, email: &str) -> Result<Vec<Person>> {
            let rows = sqlx::query(D::SQL.family_by_email).bind(email).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::person_row).collect()
        }

        async fn staff(&self, org: OrgId) -> Result<std::sync::Arc<[User]>> {
            self.held.staff_or(org, async { sqlx::query(D::SQL.staff).bind(org.0).fetch_all(&self.reader).await.map_err(db)?.iter().map(Self::user_row).collect() }).await
        }

        async fn add_user(&self, u: &NewUser) -> Result<()> {
            let q = sqlx::query(D::SQL.insert_user).bind(u.person.0).bind(&u.username).bind(&u.password_hash).bind(json(&u.org_roles)?).bind(&u.department);
            let r = q.bind(u.active).bind(u.instance_admin).execute(&self.writer).await.map_err(db);
            self.held.invalidate();
            r?;
            sqlx::query(D::SQL.notify_logins).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
            let row = sqlx::query(D::SQL.user_by_name).bind(username).fetch_optional(&self.reader).await.map_err(db)?;
            row.as_ref().map(Self::user_row).transpose()
        }

        async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
            let row = sqlx::query(D::SQL.user_by_email).bind(email).fetch_optional(&self.reader).await.map_err(db)?;
            row.as_ref().map(Self::user_row).transpose()
        }

        async fn user(&self, person: PersonId) -> Result<Option<User>> {
            self.held
                .user_or(person, async {
                    let row = sqlx::query(D::SQL.user_by_person).bind(person.0).fetch_optional(&self.reader).await.map_err(db)?;
                    row.as_ref().map(Self::user_row).transpose()
                })
                .await
        }

        async fn users_of_org(&self, org: OrgId) -> Result<Vec<User>> {
            let rows = sqlx::query(D::SQL.users_of_org).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::user_row).collect()
        }

        async fn update_user(&self, person: PersonId, change: &UserChange) -> Result<()> {
            let mut tx = self.begin().await?;
            let q = sqlx::query(D::SQL.update_user).bind(change.active).bind(json(&change.org_roles)?).bind(&change.department).bind(person.0);
            let found = q.fetch_optional(&mut *tx).await.map_err(db)?;
            if !change.active {
                sqlx::query(D::SQL.delete_sessions_of).bind(person.0).execute(&mut *tx).await.map_err(db)?;
            }
            sqlx::query(D::SQL.notify_logins).execute(&mut *tx).await.map_err(db)?;
            let r = tx.commit().await.map_err(db);
            // The login as held (and the sessions, which this store cannot name by person) are read again.
            self.held.invalidate();
            self.sessions.clear();
            r?;
            found.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn user_count(&self) -> Result<i64> {
            let r = sqlx::query(D::SQL.user_count).fetch_one(&self.reader).await.map_err(db)?;
            Self::id_row(&r, "n")
        }

        async fn departments(&self, org: OrgId) -> Result<Vec<Department>> {
            let rows = sqlx::query(D::SQL.departments).bind(org.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::department_row).collect()
        }

        async fn add_department(&self, org: OrgId, name: &str, kind: &str) -> Result<i64> {
            let r = sqlx::query(D::SQL.insert_department).bind(org.0).bind(name).bind(kind).fetch_one(&self.writer).await.map_err(db)?;
            Self::id_row(&r, "id")
        }

        async fn model_versions(&self) -> Result<Vec<ModelVersion>> {
            let rows = sqlx::query(D::SQL.model_versions).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::model_version_row).collect()
        }

        async fn add_model_version(&self, v: &NewModelVersion) -> Result<u32> {
            // Two processes may number the same version at once: the loser finds the winner's
            // row (same text) or takes the next number.
            for _ in 0..5 {
                if let Some(r) = sqlx::query(D::SQL.model_version_of).bind(&v.model).bind(&v.sha256).fetch_optional(&self.writer).await.map_err(db)? {
                    return Self::version_number(&r);
                }
                let q = sqlx::query(D::SQL.insert_model_version).bind(&v.model).bind(&v.sha256).bind(&v.text).bind(&v.source).bind(v.added_by.map(|p| p.0)).bind(to_micros(v.at));
                if let Some(r) = q.fetch_optional(&self.writer).await.map_err(db)? {
                    return Self::version_number(&r);
                }
            }
            Err(StoreError::Database(format!("could not number a new version of model {}", v.model)))
        }

        async fn instance_fact(&self, key: &str) -> Result<Option<String>> {
            let row = sqlx::query(D::SQL.instance_fact).bind(key).fetch_optional(&self.reader).await.map_err(db)?;
            row.map(|r| r.try_get("value").map_err(db)).transpose()
        }

        async fn set_instance_fact(&self, key: &str, value: &str) -> Result<()> {
            sqlx::query(D::SQL.set_instance_fact).bind(key).bind(value).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Logins {
        async fn put_session(&self, s: &Session) -> Result<()> {
            let q = sqlx::query(D::SQL.insert_session).bind(&s.token_hash).bind(s.person.0).bind(&s.csrf).bind(to_micros(s.created)).bind(to_micros(s.last_seen));
            let r = q.execute(&self.writer).await.map_err(db);
            self.sessions.written(&s.token_hash);
            r.map(|_| ())
        }

        async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
            self.sessions
                .get_or(token_hash, async {
                    let row = sqlx::query(D::SQL.session).bind(token_hash).fetch_optional(&self.reader).await.map_err(db)?;
                    row.as_ref().map(Self::session_row).transpose()
                })
                .await
        }

        async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<()> {
            let r = sqlx::query(D::SQL.touch_session).bind(to_micros(at)).bind(token_hash).execute(&self.writer).await.map_err(db);
            self.sessions.written(token_hash);
            r.map(|_| ())
        }

        async fn drop_session(&self, token_hash: &str) -> Result<()> {
            let r = sqlx::query(D::SQL.delete_session).bind(token_hash).execute(&self.writer).await.map_err(db);
            self.sessions.written(token_hash);
            r?;
            sqlx::query(D::SQL.notify_logins).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn note_login(&self, username: &str, ok: bool, at: Timestamp) -> Result<i64> {
            let r = sqlx::query(D::SQL.insert_login_attempt).bind(username).bind(ok).bind(to_micros(at)).fetch_one(&self.writer).await.map_err(db)?;
            Self::id_row(&r, "id")
        }

        async fn login_ok(&self, attempt: i64) -> Result<()> {
            sqlx::query(D::SQL.login_ok).bind(attempt).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn failed_logins_since(&self, username: &str, since: Timestamp) -> Result<i64> {
            let r = sqlx::query(D::SQL.failed_logins).bind(username).bind(to_micros(since)).fetch_one(&self.reader).await.map_err(db)?;
            Self::id_row(&r, "n")
        }

        async fn set_password(&self, person: PersonId, hash: &str) -> Result<()> {
            let mut tx = self.begin().await?;
            let found = sqlx::query(D::SQL.set_password).bind(hash).bind(person.0).fetch_optional(&mut *tx).await.map_err(db)?;
            sqlx::query(D::SQL.delete_sessions_of).bind(person.0).execute(&mut *tx).await.map_err(db)?;
            sqlx::query(D::SQL.delete_tokens_of).bind(person.0).execute(&mut *tx).await.map_err(db)?;
            sqlx::query(D::SQL.notify_logins).execute(&mut *tx).await.map_err(db)?;
            let r = tx.commit().await.map_err(db);
            self.held.invalidate();
            self.sessions.clear();
            r?;
            found.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn put_login_token(&self, token: &LoginToken, mail: Option<&NewMail>, at: Timestamp) -> Result<()> {
            let mut tx = self.begin().await?;
            let q = sqlx::query(D::SQL.insert_token).bind(&token.token_hash).bind(token.person.0).bind(&token.purpose).bind(to_micros(token.expires));
            q.execute(&mut *tx).await.map_err(db)?;
            if let Some(m) = mail {
                Self::insert_mail(&mut tx, m, to_micros(at)).await?;
            }
            tx.commit().await.map_err(db)
        }

        async fn login_token(&self, token_hash: &str, purpose: &str, now: Timestamp) -> Result<Option<PersonId>> {
            let row = sqlx::query(D::SQL.token).bind(token_hash).bind(purpose).bind(to_micros(now)).fetch_optional(&self.writer).await.map_err(db)?;
            row.map(|r| Self::id_row(&r, "person_id").map(PersonId)).transpose()
        }

        async fn take_login_token(&self, token_hash: &str, purpose: &str, now: Timestamp) -> Result<Option<PersonId>> {
            let row = sqlx::query(D::SQL.take_token).bind(token_hash).bind(purpose).bind(to_micros(now)).fetch_optional(&self.writer).await.map_err(db)?;
            row.map(|r| Self::id_row(&r, "person_id").map(PersonId)).transpose()
        }

        async fn set_second_factor(&self, person: PersonId, sealed: Option<&str>, recovery_hashes: &[String]) -> Result<()> {
            let mut tx = self.begin().await?;
            let found = sqlx::query(D::SQL.set_totp).bind(sealed).bind(person.0).fetch_optional(&mut *tx).await.map_err(db)?;
            sqlx::query(D::SQL.delete_recovery_codes).bind(person.0).execute(&mut *tx).await.map_err(db)?;
            for h in recovery_hashes {
                sqlx::query(D::SQL.insert_recovery_code).bind(person.0).bind(h).execute(&mut *tx).await.map_err(db)?;
            }
            sqlx::query(D::SQL.notify_logins).execute(&mut *tx).await.map_err(db)?;
            let r = tx.commit().await.map_err(db);
            self.held.invalidate();
            r?;
            found.map(|_| ()).ok_or(StoreError::NotFound)
        }

        async fn use_factor_step(&self, person: PersonId, step: i64) -> Result<bool> {
            let row = sqlx::query(D::SQL.use_totp_step).bind(step).bind(person.0).fetch_optional(&self.writer).await.map_err(db)?;
            Ok(row.is_some())
        }

        async fn use_recovery_code(&self, person: PersonId, code_hash: &str) -> Result<bool> {
            let row = sqlx::query(D::SQL.use_recovery_code).bind(person.0).bind(code_hash).fetch_optional(&self.writer).await.map_err(db)?;
            Ok(row.is_some())
        }

        async fn recovery_codes_left(&self, person: PersonId) -> Result<i64> {
            let r = sqlx::query(D::SQL.recovery_codes_left).bind(person.0).fetch_one(&self.reader).await.map_err(db)?;
            Self::id_row(&r, "n")
        }

        async fn purge_logins(&self, attempts_before: Timestamp, seen_before: Timestamp, begun_before: Timestamp, now: Timestamp) -> Result<()> {
            sqlx::query(D::SQL.purge_attempts).bind(to_micros(attempts_before)).execute(&self.writer).await.map_err(db)?;
            sqlx::query(D::SQL.purge_sessions).bind(to_micros(seen_before)).bind(to_micros(begun_before)).execute(&self.writer).await.map_err(db)?;
            sqlx::query(D::SQL.purge_tokens).bind(to_micros(now)).execute(&self.writer).await.map_err(db)?;
            self.sessions.clear();
            Ok(())
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Courses {
        async fn create_course(&self, commit: &Commit) -> Result<CourseId> {
            let mut tx = self.begin().await?;
            let id = self.insert_course(&mut tx, commit).await?;
            let committed = tx.commit().await.map_err(db);
            self.dialect.written(id, &commit.tasks);
            committed?;
            Ok(id)
        }

        async fn append(&self, id: CourseId, expected_version: i64, commit: &Commit) -> Result<i64> {
            let mut tx = self.begin().await?;
            let current = sqlx::query(D::SQL.course_version).bind(id.0).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(StoreError::NotFound)?;
            let current = Self::id_row(&current, "version")?;
            if current != expected_version {
                return Err(StoreError::Conflict { current });
            }
            let seq = self.write_commit(&mut tx, id, current, commit).await?;
            let committed = tx.commit().await.map_err(db);
            self.dialect.written(id, &commit.tasks);
            committed?;
            Ok(seq)
        }

        async fn course(&self, id: CourseId) -> Result<Option<StoredCourse>> {
            // The version is always current; the state comes from memory when it is that version's.
            Ok(D::courses(self, &[id]).await?.into_iter().next())
        }

        async fn course_as_stored(&self, id: CourseId) -> Result<Option<StoredCourse>> {
            // A state changed behind the store's back (tampering, same version) must show here.
            self.course_uncached(id).await
        }

        async fn courses(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
            D::courses(self, ids).await
        }

        async fn course_ids(&self) -> Result<Vec<CourseId>> {
            let rows = sqlx::query(D::SQL.course_ids).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok(CourseId(Self::id_row(r, "id")?))).collect()
        }

        async fn courses_of_member(&self, person: PersonId) -> Result<Vec<CourseId>> {
            let rows = sqlx::query(D::SQL.courses_of_member).bind(person.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok(CourseId(Self::id_row(r, "course_id")?))).collect()
        }

        async fn courses_of_org(&self, org: OrgId, before: Option<CourseId>, limit: i64) -> Result<Vec<CourseId>> {
            let before = before.map_or(i64::MAX, |c| c.0);
            let rows = sqlx::query(D::SQL.courses_of_org).bind(org.0).bind(before).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok(CourseId(Self::id_row(r, "course_id")?))).collect()
        }

        async fn courses_shared_with(&self, org: OrgId, department: Option<&str>, limit: i64) -> Result<Vec<CourseId>> {
            let rows = sqlx::query(D::SQL.courses_shared_with).bind(org.0).bind(department).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok(CourseId(Self::id_row(r, "course_id")?))).collect()
        }

        async fn inbox(&self, person: PersonId, limit: i64) -> Result<Vec<InboxRow>> {
            let rows = sqlx::query(D::SQL.inbox).bind(person.0).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter()
                .map(|r| {
                    Ok(InboxRow {
                        course: CourseId(Self::id_row(r, "course_id")?),
                        thread: u32::try_from(Self::id_row(r, "thread")?).unwrap_or(0),
                        unread: Self::id_row(r, "unread")?,
                        last: from_micros(Self::id_row(r, "last_us")?)?,
                    })
                })
                .collect()
        }

        async fn journal_after(&self, id: CourseId, seq: i64) -> Result<Vec<JournalEntry>> {
            let rows = sqlx::query(D::SQL.journal).bind(id.0).bind(seq).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| self.journal_row(id, r)).collect()
        }

        async fn blob(&self, course: CourseId, sha256: &str) -> Result<Option<Vec<u8>>> {
            let Some(row) = sqlx::query(D::SQL.blob).bind(course.0).bind(sha256).fetch_optional(&self.reader).await.map_err(db)? else { return Ok(None) };
            let bytes: Vec<u8> = row.try_get("bytes").map_err(db)?;
            if !row.try_get::<bool, _>("sealed").map_err(db)? {
                // Not sealed yet (stored before, the store not yet reopened): served only as written.
                use sha2::Digest as _;
                if hex::encode(sha2::Sha256::digest(&bytes)) != sha256 {
                    return Err(StoreError::Corrupt(format!("course {}: a document's content does not match its hash", course.0)));
                }
                return Ok(Some(bytes));
            }
            // A ciphertext moved from another row (or changed) does not open.
            self.keys.open_document(course.0, sha256, &bytes).map(Some).map_err(|_| StoreError::Corrupt(format!("course {}: a document's content does not open with this key file where it is", course.0)))
        }

        async fn head(&self, id: CourseId) -> Result<Option<(i64, String)>> {
            let row = sqlx::query(D::SQL.head).bind(id.0).fetch_optional(&self.reader).await.map_err(db)?;
            row.map(|r| Ok((r.try_get("seq").map_err(db)?, r.try_get("hash").map_err(db)?))).transpose()
        }

        async fn open_tasks_for(&self, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
            D::open_tasks_for(self, person, org, org_roles).await
        }

        async fn search_courses_of_org(&self, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
            D::search_courses_of_org(self, org, needle, limit).await
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl AccessLog {
        async fn write_access_log(&self, batch: &[Access]) -> Result<()> {
            D::write_access_log(self, batch).await
        }

        async fn check_access_chain(&self) -> Result<ChainReport> {
            self.check_chain().await
        }

        async fn expire_access_log(&self, before: Timestamp, now: Timestamp) -> Result<i64> {
            self.expire(to_micros(before), to_micros(now)).await
        }

        async fn access_log(&self, course: Option<CourseId>, limit: i64) -> Result<Vec<AccessRecord>> {
            let q = match course {
                Some(c) => sqlx::query(D::SQL.access_log_course).bind(c.0).bind(i64::MAX).bind(limit),
                None => sqlx::query(D::SQL.access_log_all).bind(limit),
            };
            q.fetch_all(&self.reader).await.map_err(db)?.iter().map(Self::access_row).collect()
        }

        async fn course_log(&self, course: CourseId, before: Option<i64>, limit: i64) -> Result<Vec<(i64, AccessRecord)>> {
            let rows = sqlx::query(D::SQL.access_log_course).bind(course.0).bind(before.unwrap_or(i64::MAX)).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok((r.try_get::<i64, _>("id").map_err(db)?, Self::access_row(r)?))).collect()
        }

        async fn admin_log(&self, org: Option<OrgId>, action: Option<&str>, limit: i64) -> Result<Vec<AccessRecord>> {
            let q = sqlx::query(D::SQL.admin_log).bind(org.map(|o| o.0)).bind(action).bind(limit);
            q.fetch_all(&self.reader).await.map_err(db)?.iter().map(Self::access_row).collect()
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Outbox {
        async fn outbox(&self, limit: i64) -> Result<Vec<Mail>> {
            let rows = sqlx::query(D::SQL.outbox).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::mail_row).collect()
        }

        async fn claim_mail(&self, now: Timestamp, until: Timestamp, channel: tovholder_store::Channel) -> Result<Option<Mail>> {
            let q = sqlx::query(D::SQL.claim_mail).bind(to_micros(now)).bind(to_micros(until)).bind(channel == tovholder_store::Channel::Sms);
            let row = q.fetch_optional(&self.writer).await.map_err(db)?;
            row.as_ref().map(Self::mail_row).transpose()
        }

        async fn mail_sent(&self, id: i64, at: Timestamp) -> Result<()> {
            sqlx::query(D::SQL.mail_sent).bind(to_micros(at)).bind(id).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn mail_failed(&self, id: i64, retry_at: Timestamp) -> Result<()> {
            sqlx::query(D::SQL.mail_failed).bind(to_micros(retry_at)).bind(id).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Bulk {
        async fn all_persons(&self) -> Result<Vec<Person>> {
            let rows = sqlx::query(D::SQL.all_persons).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(Self::person_row).collect()
        }

        async fn recovery_code_hashes(&self, person: PersonId) -> Result<Vec<String>> {
            let rows = sqlx::query(D::SQL.recovery_codes).bind(person.0).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| r.try_get("code_hash").map_err(db)).collect()
        }

        async fn import_org(&self, org: &Org) -> Result<()> {
            let r = sqlx::query(D::SQL.import_org).bind(org.id.0).bind(&org.name).bind(&org.kind).execute(&self.writer).await.map_err(db);
            self.held.invalidate();
            r?;
            if org.codes != OrgCodes::default() {
                self.set_org_codes(org.id, &org.codes).await?;
            }
            if org.sign_on_only {
                self.set_sign_on_only(org.id, true).await?;
            }
            Ok(())
        }

        async fn import_person(&self, p: &Person) -> Result<()> {
            sqlx::query(D::SQL.import_person)
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
            sqlx::query(D::SQL.import_course)
                .bind(course.id.0)
                .bind(&course.state.model)
                .bind(0i64)
                .bind(self.keys.seal_text(TextRow::State(course.id.0, 0), &json(&course.state)?).map_err(sealing)?)
                .bind(to_micros(course.created))
                .bind(updated)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            for e in journal {
                sqlx::query(D::SQL.insert_entry)
                    .bind(course.id.0)
                    .bind(e.seq)
                    .bind(to_micros(e.stamp.at))
                    .bind(e.stamp.by.0)
                    .bind(e.event.kind())
                    .bind(self.keys.seal_text(TextRow::Entry(course.id.0, e.seq), &e.payload).map_err(sealing)?)
                    .bind(&e.hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
            // The projection and head, written as an append of no entries on top of the journal.
            let version = journal.last().map_or(0, |e| e.seq);
            let head = journal.last().map(|e| e.hash.clone()).unwrap_or_default();
            sqlx::query(D::SQL.upsert_head).bind(course.id.0).bind(version).bind(&head).execute(&mut *tx).await.map_err(db)?;
            self.write_commit(&mut tx, course.id, version, projection).await?;
            let committed = tx.commit().await.map_err(db);
            self.dialect.all_written();
            committed
        }

        async fn import_mail(&self, m: &Mail) -> Result<()> {
            sqlx::query(D::SQL.import_mail)
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
            D::finish_import(self).await
        }

        async fn after_bulk_load(&self) -> Result<()> {
            D::after_bulk_load(self).await
        }

        async fn add_persons(&self, persons: &[NewPerson]) -> Result<Vec<PersonId>> {
            self.bulk_add_persons(persons).await
        }

        async fn create_courses(&self, commits: &[Commit]) -> Result<Vec<CourseId>> {
            self.bulk_create_courses(commits).await
        }

        async fn courses_after(&self, after: CourseId, limit: i64) -> Result<Vec<StoredCourse>> {
            let rows = sqlx::query(D::SQL.courses_after).bind(after.0).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| self.course_row(r)).collect()
        }

        async fn open_tasks_due(&self, until: Date, limit: i64) -> Result<Vec<TaskRow>> {
            let rows = sqlx::query(D::SQL.open_tasks_due).bind(until.to_string()).bind(limit).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| self.task_row(r)).collect()
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Health {
        async fn ready(&self) -> Result<()> {
            sqlx::query("SELECT 1").fetch_one(&self.reader).await.map_err(db)?;
            Ok(())
        }

        async fn outbox_backlog(&self, now: Timestamp) -> Result<(i64, Option<Timestamp>)> {
            let r = sqlx::query(D::SQL.outbox_backlog).bind(to_micros(now)).fetch_one(&self.reader).await.map_err(db)?;
            let oldest: Option<i64> = r.try_get("oldest").map_err(db)?;
            Ok((r.try_get("n").map_err(db)?, oldest.map(from_micros).transpose()?))
        }

        fn pool_use(&self) -> Vec<tovholder_store::PoolUse> {
            let use_of = |name, p: &sqlx::Pool<D::Db>| tovholder_store::PoolUse { name, size: p.size(), idle: p.num_idle() as u32, max: p.options().get_max_connections() };
            // PostgreSQL reads and writes through one pool; SQLite has one writer and readers.
            if D::SHARED {
                vec![use_of("pool", &self.writer)]
            } else {
                vec![use_of("writer", &self.writer), use_of("reader", &self.reader)]
            }
        }
    }
}

for_every_dialect! {
    #[async_trait]
    impl Keeping {
        async fn retention_rules(&self) -> Result<Vec<RetentionRule>> {
            let rows = sqlx::query(D::SQL.retention_rules).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter()
                .map(|r| {
                    Ok(RetentionRule {
                        org: OrgId(r.try_get("org_id").map_err(db)?),
                        model: r.try_get("model_id").map_err(db)?,
                        rule: r.try_get("rule").map_err(db)?,
                        set_by: PersonId(r.try_get("set_by").map_err(db)?),
                        set_at: from_micros(r.try_get("set_us").map_err(db)?)?,
                    })
                })
                .collect()
        }

        async fn set_retention_rule(&self, org: OrgId, model: &str, rule: Option<&str>, by: PersonId, at: Timestamp) -> Result<()> {
            match rule {
                Some(rule) => sqlx::query(D::SQL.set_retention_rule).bind(org.0).bind(model).bind(rule).bind(by.0).bind(to_micros(at)).execute(&self.writer).await,
                None => sqlx::query(D::SQL.delete_retention_rule).bind(org.0).bind(model).execute(&self.writer).await,
            }
            .map_err(db)?;
            Ok(())
        }

        async fn legal_hold(&self, course: CourseId) -> Result<Option<(PersonId, Timestamp)>> {
            let row = sqlx::query(D::SQL.legal_hold).bind(course.0).fetch_optional(&self.reader).await.map_err(db)?;
            row.map(|r| Ok((PersonId(r.try_get("set_by").map_err(db)?), from_micros(r.try_get("set_us").map_err(db)?)?))).transpose()
        }

        async fn set_legal_hold(&self, course: CourseId, on: bool, by: PersonId, at: Timestamp) -> Result<()> {
            let q = if on { sqlx::query(D::SQL.set_legal_hold).bind(course.0).bind(by.0).bind(to_micros(at)) } else { sqlx::query(D::SQL.delete_legal_hold).bind(course.0) };
            q.execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn record_export(&self, course: CourseId, by: PersonId, at: Timestamp, sha256: &str) -> Result<()> {
            sqlx::query(D::SQL.insert_export).bind(course.0).bind(to_micros(at)).bind(by.0).bind(sha256).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn last_export(&self, course: CourseId) -> Result<Option<Timestamp>> {
            let row = sqlx::query(D::SQL.last_export).bind(course.0).fetch_one(&self.reader).await.map_err(db)?;
            let at: Option<i64> = row.try_get("at_us").map_err(db)?;
            at.map(from_micros).transpose()
        }

        async fn closed_courses(&self) -> Result<Vec<CourseId>> {
            let rows = sqlx::query(D::SQL.closed_courses).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok(CourseId(Self::id_row(r, "id")?))).collect()
        }

        async fn set_closed_at(&self, course: CourseId, at: Timestamp) -> Result<()> {
            sqlx::query(D::SQL.set_closed_at).bind(to_micros(at)).bind(course.0).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn erase_course(&self, e: &Erasure, anonymize: &[PersonId]) -> Result<()> {
            let mut tx = self.begin().await?;
            let id = e.course.0;
            // Still closed and as it was decided on: a reopening or a write since then stops it.
            let now = sqlx::query(D::SQL.course_for_erasure).bind(id).fetch_optional(&mut *tx).await.map_err(db)?;
            let (version, closed): (i64, Option<i64>) = match now {
                Some(r) => (r.try_get("version").map_err(db)?, r.try_get("closed_us").map_err(db)?),
                None => return Err(StoreError::NotFound),
            };
            if closed.is_none() || version != e.head_seq {
                return Err(StoreError::Conflict { current: version });
            }
            sqlx::query(D::SQL.insert_erasure).bind(id).bind(&e.stub).bind(e.head_seq).bind(&e.head_hash).bind(to_micros(e.erased)).bind(&e.mac).execute(&mut *tx).await.map_err(db)?;
            sqlx::query(D::SQL.erase_journal).bind(id).execute(&mut *tx).await.map_err(db)?;
            for sql in D::SQL.erase_rest {
                sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(id).execute(&mut *tx).await.map_err(db)?;
            }
            for p in anonymize {
                for sql in D::SQL.anonymize_person {
                    sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(p.0).execute(&mut *tx).await.map_err(db)?;
                }
            }
            let done = tx.commit().await.map_err(db);
            self.dialect.written(e.course, &[]);
            for p in anonymize {
                self.held.forget_person(*p);
            }
            done
        }

        async fn legal_holds(&self) -> Result<Vec<(CourseId, PersonId, Timestamp)>> {
            let rows = sqlx::query(D::SQL.legal_holds).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter().map(|r| Ok((CourseId(r.try_get("course_id").map_err(db)?), PersonId(r.try_get("set_by").map_err(db)?), from_micros(r.try_get("set_us").map_err(db)?)?))).collect()
        }

        async fn exports(&self) -> Result<Vec<(CourseId, PersonId, Timestamp, String)>> {
            let rows = sqlx::query(D::SQL.exports).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter()
                .map(|r| Ok((CourseId(r.try_get("course_id").map_err(db)?), PersonId(r.try_get("by_person").map_err(db)?), from_micros(r.try_get("at_us").map_err(db)?)?, r.try_get("sha256").map_err(db)?)))
                .collect()
        }

        async fn import_erasure(&self, e: &Erasure) -> Result<()> {
            sqlx::query(D::SQL.insert_erasure).bind(e.course.0).bind(&e.stub).bind(e.head_seq).bind(&e.head_hash).bind(to_micros(e.erased)).bind(&e.mac).execute(&self.writer).await.map_err(db)?;
            Ok(())
        }

        async fn erasures(&self) -> Result<Vec<Erasure>> {
            let rows = sqlx::query(D::SQL.erasures).fetch_all(&self.reader).await.map_err(db)?;
            rows.iter()
                .map(|r| {
                    Ok(Erasure {
                        course: CourseId(r.try_get("course_id").map_err(db)?),
                        stub: r.try_get("stub").map_err(db)?,
                        head_seq: r.try_get("head_seq").map_err(db)?,
                        head_hash: r.try_get("head_hash").map_err(db)?,
                        erased: from_micros(r.try_get("erased_us").map_err(db)?)?,
                        mac: r.try_get("mac").map_err(db)?,
                    })
                })
                .collect()
        }
    }
}
