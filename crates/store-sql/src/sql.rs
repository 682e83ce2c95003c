//! The statements every SQL store runs, each written once per dialect (`store-sqlite/src/sql.rs`,
//! `store-postgres/src/sql.rs`): the Rust that runs them is written once, here.

pub struct Sql {
    pub insert_org: &'static str,
    pub orgs: &'static str,
    pub meeting_places: &'static str,
    pub insert_meeting_place: &'static str,
    pub delete_meeting_place: &'static str,
    pub insert_person: &'static str,
    /// People by id, in id order (the ids as the dialect binds a list).
    pub persons: &'static str,
    pub person_by_cpr: &'static str,
    pub staff: &'static str,
    pub insert_user: &'static str,
    pub user_by_name: &'static str,
    pub user_by_person: &'static str,
    /// Every login of an organisation, deactivated ones too (`staff` is the active ones).
    pub users_of_org: &'static str,
    pub update_user: &'static str,
    pub delete_sessions_of: &'static str,
    pub user_count: &'static str,
    pub departments: &'static str,
    pub insert_department: &'static str,
    pub insert_session: &'static str,
    pub session: &'static str,
    pub touch_session: &'static str,
    pub delete_session: &'static str,
    pub insert_login_attempt: &'static str,
    /// An attempt noted as failed before its password was checked, which then proved right.
    pub login_ok: &'static str,
    pub failed_logins: &'static str,
    pub insert_course: &'static str,
    /// The course's version, locked for the append where the database can.
    pub course_version: &'static str,
    pub update_course: &'static str,
    pub course: &'static str,
    pub course_ids: &'static str,
    pub courses_of_org: &'static str,
    pub courses_shared_with: &'static str,
    pub journal: &'static str,
    pub blob: &'static str,
    pub head: &'static str,
    /// The course's last journal entry (sequence number and hash).
    pub upsert_head: &'static str,
    pub insert_entry: &'static str,
    pub delete_tasks: &'static str,
    pub insert_task: &'static str,
    pub delete_course_orgs: &'static str,
    pub insert_course_org: &'static str,
    pub insert_blob: &'static str,
    pub delete_course_recipients: &'static str,
    pub insert_course_recipient: &'static str,
    pub withdraw_mail: &'static str,
    /// A mail; `claimed_until_us` holds a deferred mail until its time.
    pub insert_mail: &'static str,
    /// The newest records about a course, list views included.
    pub access_log_course: &'static str,
    /// The newest records of the whole log, list views as one record per course.
    pub access_log_all: &'static str,
    pub outbox: &'static str,
    /// Claims the oldest mail due, for one sender at a time; returns it.
    pub claim_mail: &'static str,
    pub mail_sent: &'static str,
    pub mail_failed: &'static str,
    pub all_persons: &'static str,
    pub import_org: &'static str,
    pub import_person: &'static str,
    pub import_course: &'static str,
    pub import_mail: &'static str,
    /// People stored before search names were kept (migration 0003).
    pub names_missing: &'static str,
    pub set_name_lc: &'static str,
    pub delete_members: &'static str,
    /// A course member as the search reads it; a second time does nothing.
    pub insert_member: &'static str,
    pub courses_after: &'static str,
    pub open_tasks_due: &'static str,
}
