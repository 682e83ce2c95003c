//! The statements every SQL store runs, each written once per dialect (`store-sqlite/src/sql.rs`,
//! `store-postgres/src/sql.rs`): the Rust that runs them is written once, here.

pub struct Sql {
    pub insert_org: &'static str,
    pub orgs: &'static str,
    pub set_org_codes: &'static str,
    pub set_sign_on_only: &'static str,
    /// Ends the sessions of an organisation's logins but its instance administrators'.
    pub delete_sessions_of_org: &'static str,
    pub meeting_places: &'static str,
    pub insert_meeting_place: &'static str,
    pub delete_meeting_place: &'static str,
    pub insert_person: &'static str,
    pub correct_person: &'static str,
    /// People by id, in id order (the ids as the dialect binds a list).
    pub persons: &'static str,
    pub person_by_cpr: &'static str,
    /// Family members (no organisation) by e-mail address, any case.
    pub family_by_email: &'static str,
    pub staff: &'static str,
    pub insert_user: &'static str,
    pub user_by_name: &'static str,
    pub user_by_email: &'static str,
    pub user_by_person: &'static str,
    /// Every login of an organisation, deactivated ones too (`staff` is the active ones).
    pub users_of_org: &'static str,
    pub update_user: &'static str,
    pub delete_sessions_of: &'static str,
    pub user_count: &'static str,
    pub departments: &'static str,
    pub insert_department: &'static str,
    pub model_versions: &'static str,
    pub model_version_of: &'static str,
    /// Inserts the next version number of a model; nothing when another process took it.
    pub insert_model_version: &'static str,
    pub instance_fact: &'static str,
    pub set_instance_fact: &'static str,
    pub insert_session: &'static str,
    pub session: &'static str,
    pub touch_session: &'static str,
    pub delete_session: &'static str,
    pub insert_login_attempt: &'static str,
    /// An attempt noted as failed before its password was checked, which then proved right.
    pub login_ok: &'static str,
    pub failed_logins: &'static str,
    pub set_password: &'static str,
    pub delete_tokens_of: &'static str,
    pub insert_token: &'static str,
    pub token: &'static str,
    /// Takes a token: deletes it and returns whose it was, so it works once however many ask.
    pub take_token: &'static str,
    pub set_totp: &'static str,
    pub delete_recovery_codes: &'static str,
    pub insert_recovery_code: &'static str,
    /// Notes a second-factor code's time step as used, if no later one was: a code works once.
    pub use_totp_step: &'static str,
    pub use_recovery_code: &'static str,
    pub recovery_codes_left: &'static str,
    pub recovery_codes: &'static str,
    pub purge_attempts: &'static str,
    pub purge_sessions: &'static str,
    pub purge_tokens: &'static str,
    /// Tells the other server processes that logins changed (PostgreSQL: `NOTIFY`, sent at
    /// commit); a statement that does nothing where one process has the database.
    pub notify_logins: &'static str,
    pub insert_course: &'static str,
    /// The course's version, locked for the append where the database can.
    pub course_version: &'static str,
    pub update_course: &'static str,
    pub course: &'static str,
    pub course_ids: &'static str,
    pub courses_of_org: &'static str,
    pub courses_of_member: &'static str,
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
    /// Documents stored before they were encrypted, a batch at a time, and sealing one.
    pub blobs_unsealed: &'static str,
    pub seal_blob: &'static str,
    /// Text stored before it was encrypted (courses' states, tasks' labels, journal entries'
    /// events), in key order a batch at a time, and sealing one row's; the mark that all is sealed.
    pub states_after: &'static str,
    pub seal_state: &'static str,
    pub labels_of: &'static str,
    pub seal_label: &'static str,
    pub entries_after: &'static str,
    pub seal_entry: &'static str,
    pub text_sealed: &'static str,
    pub mark_text_sealed: &'static str,
    pub delete_course_recipients: &'static str,
    /// "Mine beskeder": a course's rows, rewritten at each write; a person's, newest first.
    pub delete_inbox: &'static str,
    pub insert_inbox: &'static str,
    pub inbox: &'static str,
    pub insert_course_recipient: &'static str,
    pub withdraw_mail: &'static str,
    /// A mail; `claimed_until_us` holds a deferred mail until its time.
    pub insert_mail: &'static str,
    /// The newest records about a course, list views included.
    pub access_log_course: &'static str,
    /// The newest records of the whole log, list views as one record per course.
    pub access_log_all: &'static str,
    pub admin_log: &'static str,
    /// The access log's chain: its newest link, the links after an id, the rows of an id range,
    /// a new link, and the rows (and list views) in an id range `(a, b]`.
    pub access_chain_last: &'static str,
    pub access_chain_after: &'static str,
    pub access_rows_between: &'static str,
    pub insert_access_link: &'static str,
    pub access_counts_between: &'static str,
    pub outbox: &'static str,
    /// Mails due and unsent (`n`), and the oldest one's `created_us` (`oldest`).
    pub outbox_backlog: &'static str,
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
