//! The storage boundary: the `Store` trait every backend implements, its records and errors, the
//! server's keys, and the journal's hash chain.

pub mod access;
pub mod cache;
pub mod held;
pub mod keys;
pub mod sessions;
pub mod states;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use tovholder_core::activities::Activity;
use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::respite::{Booking, Offer};
use tovholder_core::tasks::{Owner, Task};

pub use keys::{KeyError, Keys, SealedCpr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else appended to the course since it was loaded.
    #[error("the course changed meanwhile (now at version {current})")]
    Conflict { current: i64 },
    #[error("already exists: {0}")]
    Duplicate(String),
    #[error("not found")]
    NotFound,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub kind: String,
    #[serde(flatten)]
    pub codes: OrgCodes,
    /// Staff log in only through single sign-on (instance administrators keep their password).
    #[serde(default)]
    pub sign_on_only: bool,
}

/// An organisation's official numbers, each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgCodes {
    #[serde(default)]
    pub cvr: Option<String>,
    #[serde(default)]
    pub ean: Option<String>,
    #[serde(default)]
    pub sor: Option<String>,
    #[serde(default)]
    pub kommunekode: Option<String>,
}

/// An organisation's retention rule (core's `retention::Rule`, as its code): for every model
/// (`model` empty) or for one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionRule {
    pub org: OrgId,
    pub model: String,
    pub rule: String,
    pub set_by: PersonId,
    pub set_at: Timestamp,
}

/// What is left of an erased course: an anonymous stub and its journal's head, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasure {
    pub course: CourseId,
    /// JSON: model, version, organisations, months opened and closed, counts.
    pub stub: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub erased: Timestamp,
    /// The journal key's keyed hash over the rest (`erasure_bytes`).
    pub mac: String,
}

/// The bytes an erasure's `mac` covers.
pub fn erasure_bytes(e: &Erasure) -> Vec<u8> {
    format!("erasure\n{}\n{}\n{}\n{}\n{}", e.course.0, e.head_seq, e.head_hash, to_micros(e.erased), e.stub).into_bytes()
}

/// One stored version of a collaboration model: never changed once stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelVersion {
    pub model: String,
    pub version: u32,
    pub sha256: String,
    pub text: String,
    /// "indbygget" (shipped), "mappe" (the configured `models_dir`) or "upload".
    pub source: String,
    pub added_by: Option<PersonId>,
    pub added: Timestamp,
}

/// A model text to store as its model's next version (unless that text is stored already).
#[derive(Clone, Debug)]
pub struct NewModelVersion {
    pub model: String,
    pub sha256: String,
    pub text: String,
    pub source: String,
    pub added_by: Option<PersonId>,
    pub at: Timestamp,
}

/// A booking's check (core's `respite::check_booking`), given the offer's and the child's bookings.
pub type RespiteCheck = dyn Fn(&[Booking], &[Booking]) -> std::result::Result<(), (&'static str, String)> + Send + Sync;

/// A deputy (stedfortræder) for a period: `deputy` acts in `person`'s course roles from `from` to
/// `to` (both included).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Deputy {
    pub id: i64,
    pub org: OrgId,
    pub person: PersonId,
    pub deputy: PersonId,
    pub from: Date,
    pub to: Date,
}

/// One shift of an organisation's on-call duty (core's `duty`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DutyShift {
    pub id: i64,
    pub org: OrgId,
    pub person: PersonId,
    pub from: Timestamp,
    pub to: Timestamp,
    pub phone: String,
}

/// One of an organisation's own meeting places: only these go into calendar invitations.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct MeetingPlace {
    pub id: i64,
    pub org: OrgId,
    pub name: String,
    pub address: String,
}

impl MeetingPlace {
    /// The place as a meeting records it and a calendar shows it.
    pub fn label(&self) -> String {
        format!("{}, {}", self.name, self.address)
    }
}

#[derive(Clone, Debug)]
pub struct NewPerson {
    pub name: String,
    pub email: Option<String>,
    pub org: Option<OrgId>,
    pub cpr: Option<SealedCpr>,
}

/// A staff member or a citizen. The CPR number stays sealed until a page needs it.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: Option<String>,
    pub org: Option<OrgId>,
    pub cpr: Option<SealedCpr>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub person: PersonId,
    pub username: String,
    pub password_hash: String,
    pub org_roles: Vec<String>,
    pub department: Option<String>,
    /// Administers the whole instance (every organisation).
    pub instance_admin: bool,
    /// False: the login exists but cannot be used (kept for the history it signed).
    pub active: bool,
}

/// What an administrator changes about a login: all three, as they are to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserChange {
    pub active: bool,
    pub org_roles: Vec<String>,
    pub department: Option<String>,
}

/// A department of an organisation: a consent names it by name; its kind says what it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Department {
    pub id: i64,
    pub org: OrgId,
    pub name: String,
    pub kind: String,
}

/// A staff login. `Debug` leaves out the password hash.
#[derive(Clone)]
pub struct User {
    pub person: PersonId,
    pub name: String,
    pub email: Option<String>,
    pub username: String,
    pub password_hash: String,
    pub org: OrgId,
    pub org_name: String,
    pub org_roles: Vec<String>,
    pub department: Option<String>,
    /// False: deactivated; cannot log in, and a session of theirs ends.
    pub active: bool,
    pub instance_admin: bool,
    /// The second factor's key, sealed with the key file (`Keys::seal_factor`); None: no TOTP.
    pub totp_sealed: Option<String>,
    /// Colleagues on leave this person stands in for today: not stored with the login but
    /// filled in where a request is made (`Store::deputyships`); empty elsewhere.
    pub deputy_for: Vec<PersonId>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User").field("person", &self.person).field("username", &self.username).finish_non_exhaustive()
    }
}

/// A server-side session; the cookie holds a random token, the store only its hash.
#[derive(Clone)]
pub struct Session {
    pub token_hash: String,
    pub person: PersonId,
    pub csrf: String,
    pub created: Timestamp,
    pub last_seen: Timestamp,
}

/// A single-use token sent to a login (a link to set a password) or held between the steps of a
/// login (password, then second factor). The store keeps only the token's hash.
#[derive(Clone)]
pub struct LoginToken {
    pub token_hash: String,
    pub person: PersonId,
    /// What it is for (`set_password`, `second_factor`, …): a token works for that only.
    pub purpose: String,
    pub expires: Timestamp,
}

/// What the caller supplies for a journal entry; the store numbers and chains it.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub stamp: Stamp,
    pub event: Event,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    pub course: CourseId,
    pub seq: i64,
    pub stamp: Stamp,
    pub event: Event,
    /// The event exactly as stored; the chain covers these bytes.
    #[serde(skip)]
    pub payload: String,
    pub hash: String,
}

/// The exact bytes the chain covers, from the stored columns (timestamps as stored: microseconds).
pub fn entry_bytes(course: CourseId, seq: i64, at_micros: i64, by: PersonId, payload: &str) -> Vec<u8> {
    format!("{course}|{seq}|{at_micros}|{by}|{payload}").into_bytes()
}

/// Timestamps are stored as whole microseconds (PostgreSQL's precision), so what is hashed is
/// what is kept; callers truncate before stamping.
pub fn to_micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub fn from_micros(us: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(us).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A thread as kept for "Mine beskeder": one row per participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxRow {
    pub course: CourseId,
    pub thread: u32,
    pub unread: i64,
    pub last: Timestamp,
}

/// A task as kept for cross-course queries ("Mine opgaver"): one row per owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub course: CourseId,
    pub task: String,
    pub label: String,
    pub due_from: Date,
    pub due_to: Date,
    pub done: bool,
    pub owner: Owner,
}

pub fn task_rows(course: CourseId, tasks: &[Task]) -> Vec<TaskRow> {
    tasks
        .iter()
        .flat_map(|t| {
            t.owners.iter().map(move |o| TaskRow { course, task: t.id.clone(), label: t.label.clone(), due_from: t.window.from, due_to: t.window.to, done: t.done.is_some(), owner: o.clone() })
        })
        .collect()
}

/// Everything one action changes, written in one transaction: the journal entries, the new
/// projection (state, tasks, which organisations take part) and the mails to send.
#[derive(Clone, Debug)]
pub struct Commit {
    pub entries: Vec<NewEntry>,
    pub state: CourseState,
    pub tasks: Vec<Task>,
    /// The organisations that currently take part, by party, and whether each shares.
    pub orgs: Vec<(String, OrgId, bool)>,
    /// Who the family's consents name (organisation, department), for "shared with me".
    pub recipients: Vec<(OrgId, Option<String>)>,
    pub mails: Vec<NewMail>,
    /// Keys of unsent mails to withdraw (before the new `mails` are queued).
    pub withdraw: Vec<String>,
    /// Contents of documents added by these entries, stored by SHA-256.
    pub blobs: Vec<Blob>,
}

/// A document's content. `Debug` leaves out the bytes.
#[derive(Clone)]
pub struct Blob {
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({}, {} bytes)", self.sha256, self.bytes.len())
    }
}

#[derive(Clone, Debug)]
pub struct StoredCourse {
    pub id: CourseId,
    pub version: i64,
    /// Shared: the stores keep states they have read, and a page reads them without a copy.
    pub state: std::sync::Arc<CourseState>,
    pub created: Timestamp,
}

/// An e-mail waiting in (or sent from) the outbox. It carries no personal data about the family:
/// a notice and a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub course: Option<CourseId>,
    /// Sent no earlier than this (e.g. the agenda a week before a meeting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Timestamp>,
    /// Names the thing the mail is about (e.g. "agenda:12:3"), so a later change can withdraw
    /// mails not yet sent (`Commit::withdraw`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

impl NewMail {
    pub fn new(to: String, subject: String, body: String, course: Option<CourseId>) -> NewMail {
        NewMail { to, subject, body, course, not_before: None, key: None, attachment: None }
    }

    /// A text message to `phone` through the SMS webhook, waiting in the same outbox (so it is
    /// written with the change that caused it, and retried like a mail); `text` is its body.
    pub fn sms(phone: &str, text: String, course: Option<CourseId>) -> NewMail {
        NewMail::new(format!("{SMS_PREFIX}{}", phone.chars().filter(|c| !c.is_whitespace()).collect::<String>()), String::new(), text, course)
    }

    /// The phone number of a text message; None for an e-mail.
    pub fn sms_to(&self) -> Option<&str> {
        self.to.strip_prefix(SMS_PREFIX)
    }
}

/// How an outbox row marks a text message: its recipient is `sms:<phone>`.
pub const SMS_PREFIX: &str = "sms:";

/// What a delivery worker claims from the outbox: e-mails (SMTP) or text messages (the webhook).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Mail,
    Sms,
}

/// A text attachment, e.g. an iCalendar invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mail {
    pub id: i64,
    pub mail: NewMail,
    pub created: Timestamp,
    pub sent: Option<Timestamp>,
    pub attempts: i64,
}

/// One line of the access log: every read of personal data and every write, allowed or denied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessRecord {
    pub at: Timestamp,
    pub person: Option<PersonId>,
    pub course: Option<CourseId>,
    pub action: String,
    pub allowed: bool,
    pub reason: String,
}

/// What the application needs of a store, in parts: `Directory`, `Logins`, `Courses`,
/// `AccessLog` and `Outbox`. A store is every part; bulk loading and moving an instance
/// (`Bulk`) are for the binary only (`BulkStore`).
pub trait Store: Directory + Logins + Courses + Keeping + AccessLog + Outbox + Health {}
impl<T: Directory + Logins + Courses + Keeping + AccessLog + Outbox + Health> Store for T {}

/// A store the binary can also load in bulk and move to another store.
pub trait BulkStore: Store + Bulk {}
impl<T: Store + Bulk> BulkStore for T {}

/// The parts of `Store`, for `use tovholder_store::parts::*` where their methods are called.
pub mod parts {
    pub use crate::{AccessLog, Bulk, Courses, Directory, Health, Keeping, Logins, Outbox};
}

/// Keeping and erasing closed courses: the organisations' rules, legal holds, exports, and the
/// erasure itself (which only the database's own check lets delete a journal).
#[async_trait]
pub trait Keeping: Send + Sync + 'static {
    async fn retention_rules(&self) -> Result<Vec<RetentionRule>>;
    /// Sets an organisation's rule (for `model`, or "" for every model); `None` removes it.
    async fn set_retention_rule(&self, org: OrgId, model: &str, rule: Option<&str>, by: PersonId, at: Timestamp) -> Result<()>;
    async fn legal_hold(&self, course: CourseId) -> Result<Option<(PersonId, Timestamp)>>;
    async fn set_legal_hold(&self, course: CourseId, on: bool, by: PersonId, at: Timestamp) -> Result<()>;
    async fn record_export(&self, course: CourseId, by: PersonId, at: Timestamp, sha256: &str) -> Result<()>;
    async fn last_export(&self, course: CourseId) -> Result<Option<Timestamp>>;
    /// The closed courses, by id.
    async fn closed_courses(&self) -> Result<Vec<CourseId>>;
    /// Records when a course was closed where a write before this version did not (once, after
    /// the upgrade that began keeping it).
    async fn set_closed_at(&self, course: CourseId, at: Timestamp) -> Result<()>;
    /// In one transaction: records the erasure, deletes the course's journal (PostgreSQL: through
    /// the owner's `erase_course`, which checks again) and everything else of it, and
    /// anonymizes the persons given (family members in no other course).
    async fn erase_course(&self, erasure: &Erasure, anonymize: &[PersonId]) -> Result<()>;
    async fn erasures(&self) -> Result<Vec<Erasure>>;
    /// For moving an instance: every hold, every export, and an erasure record as it was.
    async fn legal_holds(&self) -> Result<Vec<(CourseId, PersonId, Timestamp)>>;
    async fn exports(&self) -> Result<Vec<(CourseId, PersonId, Timestamp, String)>>;
    async fn import_erasure(&self, erasure: &Erasure) -> Result<()>;
}

/// Organisations, their meeting places, people and logins.
#[async_trait]
pub trait Directory: Send + Sync + 'static {
    async fn add_org(&self, name: &str, kind: &str) -> Result<OrgId>;
    async fn set_org_codes(&self, org: OrgId, codes: &OrgCodes) -> Result<()>;
    async fn set_sign_on_only(&self, org: OrgId, on: bool) -> Result<()>;
    async fn orgs(&self) -> Result<std::sync::Arc<[Org]>>;
    /// An organisation's meeting places, by name.
    async fn meeting_places(&self, org: OrgId) -> Result<Vec<MeetingPlace>>;
    async fn add_meeting_place(&self, org: OrgId, name: &str, address: &str) -> Result<i64>;
    /// Removes one of `org`'s places (meetings keep the place they had); NotFound if it has none such.
    async fn remove_meeting_place(&self, org: OrgId, id: i64) -> Result<()>;
    /// The organisation's duty shifts that overlap `[from, to)`, by start.
    async fn duty_shifts(&self, org: OrgId, from: Timestamp, to: Timestamp) -> Result<Vec<DutyShift>>;
    async fn add_duty_shift(&self, shift: &DutyShift, by: PersonId, at: Timestamp) -> Result<i64>;
    /// Removes one of the organisation's own shifts (`NotFound` for another's).
    async fn remove_duty_shift(&self, org: OrgId, id: i64) -> Result<()>;
    /// Opening hours by weekday (1 = Monday): (weekday, opens, closes) as `HH:MM`.
    async fn opening_hours(&self, org: OrgId) -> Result<Vec<(i64, String, String)>>;
    /// Replaces the organisation's opening hours.
    async fn set_opening_hours(&self, org: OrgId, hours: &[(i64, String, String)]) -> Result<()>;
    /// The organisation's respite offers whose last day is on or after `from`, by first day.
    async fn respite_offers(&self, org: OrgId, from: Date) -> Result<Vec<Offer>>;
    async fn respite_offer(&self, id: i64) -> Result<Option<Offer>>;
    async fn add_respite_offer(&self, offer: &Offer, by: PersonId, at: Timestamp) -> Result<i64>;
    /// The bookings on an offer, by first day.
    async fn respite_bookings(&self, offer: i64) -> Result<Vec<Booking>>;
    /// A course's bookings, by first day.
    async fn course_respite(&self, course: CourseId) -> Result<Vec<Booking>>;
    /// Books `booking` in one transaction that holds its offer and its child while `check` looks
    /// at the offer's bookings and the child's (so two bookings at once cannot both take the last
    /// place): the new id, or the check's refusal.
    async fn book_respite(&self, booking: &Booking, by: PersonId, at: Timestamp, check: &RespiteCheck) -> Result<std::result::Result<i64, (&'static str, String)>>;
    /// Cancels one of the course's bookings (`NotFound` for another's).
    async fn cancel_respite(&self, course: CourseId, id: i64) -> Result<()>;
    /// The deputies `person` has named for periods ending on or after `from`.
    async fn deputies_of(&self, person: PersonId, from: Date) -> Result<Vec<Deputy>>;
    /// The periods in which `deputy` stands in for someone on `day`.
    async fn deputyships(&self, deputy: PersonId, day: Date) -> Result<Vec<Deputy>>;
    async fn add_deputy(&self, d: &Deputy, at: Timestamp) -> Result<i64>;
    /// Ends `person`'s deputy period `id` on `to` (the day before it would have begun: it is
    /// withdrawn); `NotFound` for another's.
    async fn end_deputy(&self, person: PersonId, id: i64, to: Date) -> Result<()>;
    /// The organisation's activities, newest first.
    async fn activities_of_org(&self, org: OrgId) -> Result<Vec<Activity>>;
    /// The activities `person` is invited to, newest first.
    async fn activities_for(&self, person: PersonId) -> Result<Vec<Activity>>;
    /// An activity and the version it is stored at.
    async fn activity(&self, id: i64) -> Result<Option<(Activity, i64)>>;
    /// Saves an activity with `mails` for the outbox, in one transaction: a new one (id 0,
    /// `version` 0) or over the stored one at `version`. Its id, or None when someone else saved
    /// it first (nothing is written then).
    async fn save_activity(&self, activity: &Activity, version: i64, mails: &[NewMail]) -> Result<Option<i64>>;
    async fn add_person(&self, p: &NewPerson) -> Result<PersonId>;
    /// A family member's record corrected (name, e-mail, CPR number): only a person of no
    /// organisation, whose login is the family's.
    async fn correct_person(&self, id: PersonId, p: &NewPerson) -> Result<()>;
    async fn persons(&self, ids: &[PersonId]) -> Result<Vec<Person>>;
    async fn person_by_cpr_index(&self, index: &str) -> Result<Option<Person>>;
    /// Family members (people of no organisation) with this e-mail address, any case.
    async fn family_by_email(&self, email: &str) -> Result<Vec<Person>>;
    /// Staff of an organisation who have a login.
    async fn staff(&self, org: OrgId) -> Result<std::sync::Arc<[User]>>;
    async fn add_user(&self, u: &NewUser) -> Result<()>;
    async fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    /// The login with this e-mail address (case ignored); the oldest if several share it.
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    async fn user(&self, person: PersonId) -> Result<Option<User>>;
    /// Every login of an organisation, deactivated ones too, by name (`staff`: the active ones).
    async fn users_of_org(&self, org: OrgId) -> Result<Vec<User>>;
    /// Changes a login as an administrator says (NotFound if there is none); a deactivated
    /// login's sessions end.
    async fn update_user(&self, person: PersonId, change: &UserChange) -> Result<()>;
    /// How many logins there are: none on an instance set up from empty.
    async fn user_count(&self) -> Result<i64>;
    async fn departments(&self, org: OrgId) -> Result<Vec<Department>>;
    /// Adds a department (Duplicate if the organisation has one of that name).
    async fn add_department(&self, org: OrgId, name: &str, kind: &str) -> Result<i64>;
    /// What the instance knows of itself under `key` (e.g. `made_by`).
    /// Every stored version of every model, by model and version.
    async fn model_versions(&self) -> Result<Vec<ModelVersion>>;
    /// Stores the text as its model's next version unless the same text (by sha256) is
    /// stored already; either way returns the version it has. Safe for processes starting
    /// together: they agree on the numbers.
    async fn add_model_version(&self, v: &NewModelVersion) -> Result<u32>;
    async fn instance_fact(&self, key: &str) -> Result<Option<String>>;
    async fn set_instance_fact(&self, key: &str, value: &str) -> Result<()>;
}

/// Sessions and login throttling.
#[async_trait]
pub trait Logins: Send + Sync + 'static {
    async fn put_session(&self, s: &Session) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Option<Session>>;
    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> Result<()>;
    async fn drop_session(&self, token_hash: &str) -> Result<()>;
    /// Notes a login attempt; its id. An attempt is noted as failed before its password is
    /// checked (so parallel guesses count at once) and marked `login_ok` if it was right.
    async fn note_login(&self, username: &str, ok: bool, at: Timestamp) -> Result<i64>;
    async fn login_ok(&self, attempt: i64) -> Result<()>;
    async fn failed_logins_since(&self, username: &str, since: Timestamp) -> Result<i64>;
    /// Sets a login's password hash, and ends its sessions and any links to set a password.
    async fn set_password(&self, person: PersonId, hash: &str) -> Result<()>;
    /// Stores a token, and the mail that carries it (if any, queued `at`), together.
    async fn put_login_token(&self, token: &LoginToken, mail: Option<&NewMail>, at: Timestamp) -> Result<()>;
    /// Whose a token still valid at `now` is, without using it up.
    async fn login_token(&self, token_hash: &str, purpose: &str, now: Timestamp) -> Result<Option<PersonId>>;
    /// Uses a token up: of many asking at once, one gets its person.
    async fn take_login_token(&self, token_hash: &str, purpose: &str, now: Timestamp) -> Result<Option<PersonId>>;
    /// Sets (or with None removes) a login's second factor and replaces its recovery codes' hashes.
    async fn set_second_factor(&self, person: PersonId, sealed: Option<&str>, recovery_hashes: &[String]) -> Result<()>;
    /// Notes a code's time step as used; false if it or a later step already was (a replay).
    async fn use_factor_step(&self, person: PersonId, step: i64) -> Result<bool>;
    /// Uses a recovery code up; false if it is not (or no longer) one of the login's.
    async fn use_recovery_code(&self, person: PersonId, code_hash: &str) -> Result<bool>;
    async fn recovery_codes_left(&self, person: PersonId) -> Result<i64>;
    /// Deletes what no longer counts: login attempts before `attempts_before`, sessions last seen
    /// before `seen_before` or begun before `begun_before`, and tokens expired by `now`.
    async fn purge_logins(&self, attempts_before: Timestamp, seen_before: Timestamp, begun_before: Timestamp, now: Timestamp) -> Result<()>;
}

/// Courses: the journal and what is read from it.
#[async_trait]
pub trait Courses: Send + Sync + 'static {
    async fn create_course(&self, commit: &Commit) -> Result<CourseId>;
    /// Appends if the course is still at `expected_version`, else `StoreError::Conflict`.
    async fn append(&self, id: CourseId, expected_version: i64, commit: &Commit) -> Result<i64>;
    /// The course at its current version (a store may answer from states it has read before).
    async fn course(&self, id: CourseId) -> Result<Option<StoredCourse>>;
    /// The course row exactly as stored now, never from memory: what `verify_course` compares.
    async fn course_as_stored(&self, id: CourseId) -> Result<Option<StoredCourse>> {
        self.course(id).await
    }
    async fn courses(&self, ids: &[CourseId]) -> Result<Vec<StoredCourse>>;
    async fn course_ids(&self) -> Result<Vec<CourseId>>;
    /// Courses in which `org` takes part and currently shares, newest first (older than `before`).
    /// The courses `person` is a member of, in any role.
    async fn courses_of_member(&self, person: PersonId) -> Result<Vec<CourseId>>;
    async fn courses_of_org(&self, org: OrgId, before: Option<CourseId>, limit: i64) -> Result<Vec<CourseId>>;
    /// Courses whose consents name this organisation (or this department of it), newest first.
    async fn courses_shared_with(&self, org: OrgId, department: Option<&str>, limit: i64) -> Result<Vec<CourseId>>;
    /// The threads `person` is in, across courses, the most recently active first.
    async fn inbox(&self, person: PersonId, limit: i64) -> Result<Vec<InboxRow>>;
    /// The course's whole journal, oldest first.
    async fn journal(&self, id: CourseId) -> Result<Vec<JournalEntry>> {
        self.journal_after(id, 0).await
    }
    /// The entries after `seq`, oldest first: the newest of a long journal, for a page.
    async fn journal_after(&self, id: CourseId, seq: i64) -> Result<Vec<JournalEntry>>;
    /// A document's content, by the SHA-256 its journal entry names.
    async fn blob(&self, course: CourseId, sha256: &str) -> Result<Option<Vec<u8>>>;
    /// The head recorded apart from the journal: (last seq, its hash).
    async fn head(&self, id: CourseId) -> Result<Option<(i64, String)>>;
    /// Open tasks owned by this person, or by one of their standing roles in their organisation.
    async fn open_tasks_for(&self, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>>;
    /// Courses in which `org` takes part and shares, with a member whose name contains
    /// `needle` (compared in lower case), newest first: the indexed candidates of a search.
    async fn search_courses_of_org(&self, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>>;
}

/// Every read of personal data and every write, allowed or denied.
#[async_trait]
pub trait AccessLog: Send + Sync + 'static {
    /// A batch of requests' records, in one transaction with its link of the chain.
    async fn write_access_log(&self, batch: &[access::Access]) -> Result<()>;
    /// Checks the chain over the log from its first link (see `access::ChainReport`).
    async fn check_access_chain(&self) -> Result<access::ChainReport>;
    /// Expires the access log's oldest links whose rows are all older than `before`, whole, and
    /// moves the chain's cut to the last one expired; how many rows went.
    async fn expire_access_log(&self, before: Timestamp, now: Timestamp) -> Result<i64>;
    async fn access_log(&self, course: Option<CourseId>, limit: i64) -> Result<Vec<AccessRecord>>;
    /// "Hvem har set forløbet": a course's records newest first, with their log ids, those
    /// older than `before` (a page's last id) if given.
    async fn course_log(&self, course: CourseId, before: Option<i64>, limit: i64) -> Result<Vec<(i64, AccessRecord)>>;
    /// The newest administrative acts (`admin:…`), of actors in `org` if given, of one `action`
    /// if given.
    async fn admin_log(&self, org: Option<OrgId>, action: Option<&str>, limit: i64) -> Result<Vec<AccessRecord>>;
}

/// A connection pool's use, for the operator's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolUse {
    pub name: &'static str,
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// What the operator asks of a store: is it there, how much mail waits, how busy its pools are.
#[async_trait]
pub trait Health: Send + Sync + 'static {
    /// Answers a trivial query (readiness).
    async fn ready(&self) -> Result<()>;
    /// Mails due and not yet sent, and when the oldest of them was made.
    async fn outbox_backlog(&self, now: Timestamp) -> Result<(i64, Option<Timestamp>)>;
    fn pool_use(&self) -> Vec<PoolUse>;
}

/// Mail waiting to be sent, claimed by one sender at a time.
#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    async fn outbox(&self, limit: i64) -> Result<Vec<Mail>>;
    /// Takes the oldest unsent mail nobody holds (or whose hold ran out) and holds it until
    /// `until`: with several server processes each mail is claimed by one at a time.
    async fn claim_mail(&self, now: Timestamp, until: Timestamp, channel: Channel) -> Result<Option<Mail>>;
    async fn mail_sent(&self, id: i64, at: Timestamp) -> Result<()>;
    /// Gives a claimed mail back, to be tried again from `retry_at`.
    async fn mail_failed(&self, id: i64, retry_at: Timestamp) -> Result<()>;
}

/// Bulk loading and scans at scale (`tovholder generate`, `bench-scan`), and moving an
/// instance to another store (`tovholder migrate-store`): ids are kept, so every journal entry
/// and reference stays valid and the hash chains verify on the new store.
#[async_trait]
pub trait Bulk: Send + Sync + 'static {
    async fn all_persons(&self) -> Result<Vec<Person>>;
    /// The hashes of a login's unused recovery codes, to move them with the login.
    async fn recovery_code_hashes(&self, person: PersonId) -> Result<Vec<String>>;
    async fn import_org(&self, org: &Org) -> Result<()>;
    async fn import_person(&self, p: &Person) -> Result<()>;
    /// A course with its journal as stored (hashes included) and its projection and blobs.
    async fn import_course(&self, course: &StoredCourse, journal: &[JournalEntry], projection: &Commit) -> Result<()>;
    async fn import_mail(&self, m: &Mail) -> Result<()>;
    /// After imports with explicit ids: the id counters continue above them.
    async fn finish_import(&self) -> Result<()>;

    /// Adds many people in one transaction; their ids in the same order.
    async fn add_persons(&self, persons: &[NewPerson]) -> Result<Vec<PersonId>>;
    /// Creates many courses in one transaction, each exactly as `create_course` would (its
    /// journal numbered and HMAC-chained, its head and projections written); ids in order.
    async fn create_courses(&self, commits: &[Commit]) -> Result<Vec<CourseId>>;
    /// Up to `limit` courses with ids above `after`, by id: for scans over every course.
    async fn courses_after(&self, after: CourseId, limit: i64) -> Result<Vec<StoredCourse>>;
    /// Open tasks (any owner) due on or before `until`, soonest first: the deadline scan.
    async fn open_tasks_due(&self, until: Date, limit: i64) -> Result<Vec<TaskRow>>;
    /// After a bulk load (`generate`, `migrate-store`): refresh the query planner's statistics,
    /// so the first searches do not run on plans made for empty tables.
    async fn after_bulk_load(&self) -> Result<()> {
        Ok(())
    }
}

/// A name as the course search compares it.
pub fn search_key(name: &str) -> String {
    name.to_lowercase()
}

/// Checks one course's hash chain against the key and its separately recorded head, and that
/// the stored state is exactly what the journal adds up to.
/// Returns the first broken link as a sentence, or None if the journal is intact.
/// `audit verify` for erased courses: each stub's signature holds and nothing of its journal
/// is left. A description of each problem.
pub async fn verify_erasures(store: &dyn Store, keys: &Keys) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for e in store.erasures().await? {
        if keys.chain(&e.head_hash, &erasure_bytes(&e)) != e.mac {
            problems.push(format!("erased course {}: the erasure record does not match its signature", e.course.0));
        }
        if store.head(e.course).await?.is_some() || !store.journal(e.course).await?.is_empty() {
            problems.push(format!("erased course {}: its journal is still there", e.course.0));
        }
    }
    Ok(problems)
}

pub async fn verify_course(store: &dyn Store, keys: &Keys, id: CourseId) -> Result<Option<String>> {
    match verify_chain(store, keys, id).await {
        // Sealed text that does not open (changed, or moved from another row) is a break too.
        Err(StoreError::Corrupt(what)) => Ok(Some(format!("course {id}: {what}"))),
        other => other,
    }
}

async fn verify_chain(store: &dyn Store, keys: &Keys, id: CourseId) -> Result<Option<String>> {
    let entries = store.journal(id).await?;
    let mut prev = String::new();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq {
            return Ok(Some(format!("course {id}: entry {expected_seq} is missing (found {})", e.seq)));
        }
        let bytes = entry_bytes(id, e.seq, to_micros(e.stamp.at), e.stamp.by, &e.payload);
        if keys.chain(&prev, &bytes) != e.hash {
            return Ok(Some(format!("course {id}: entry {} does not match its hash", e.seq)));
        }
        prev = e.hash.clone();
    }
    match store.head(id).await? {
        Some((seq, hash)) if seq == entries.len() as i64 && hash == prev => {}
        Some((seq, _)) => return Ok(Some(format!("course {id}: the head says {seq} entries, the journal has {}", entries.len()))),
        None => return Ok(Some(format!("course {id}: no head recorded"))),
    }
    // The projection pages and the policy read must be what the journal adds up to.
    let replayed = tovholder_core::course::replay(entries.iter().map(|e| (&e.stamp, &e.event)));
    match store.course_as_stored(id).await? {
        Some(c) if *c.state == replayed => Ok(None),
        Some(_) => Ok(Some(format!("course {id}: the stored state differs from what its journal adds up to"))),
        None => Ok(Some(format!("course {id}: the course row is missing"))),
    }
}
