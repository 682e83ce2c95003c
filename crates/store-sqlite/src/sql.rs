//! The SQL, as constants (sqlx 0.9 takes `&'static str`; nothing is ever formatted into SQL).

pub const INSERT_ORG: &str = "INSERT INTO orgs (name, kind) VALUES (?, ?) RETURNING id";
pub const ORGS: &str = "SELECT id, name, kind FROM orgs ORDER BY name";
pub const INSERT_MEETING_PLACE: &str = "INSERT INTO meeting_places (org_id, name, address) VALUES (?, ?, ?) RETURNING id";
pub const MEETING_PLACES: &str = "SELECT id, org_id, name, address FROM meeting_places WHERE org_id = ? ORDER BY name, id";
pub const DELETE_MEETING_PLACE: &str = "DELETE FROM meeting_places WHERE org_id = ? AND id = ?";

pub const INSERT_PERSON: &str = "INSERT INTO persons (name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
pub const PERSONS: &str = "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons \
     WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id";
pub const PERSON_BY_CPR: &str = "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons WHERE cpr_index = ? LIMIT 1";

pub const STAFF: &str = "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE p.org_id = ? ORDER BY p.name";
pub const INSERT_USER: &str = "INSERT INTO users (person_id, username, password_hash, org_roles, department) VALUES (?, ?, ?, ?, ?)";
pub const USER_BY_NAME: &str = "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE u.username = ?";
pub const USER_BY_PERSON: &str = "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE u.person_id = ?";

pub const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, person_id, csrf, created_us, last_seen_us) VALUES (?, ?, ?, ?, ?)";
pub const SESSION: &str = "SELECT token_hash, person_id, csrf, created_us, last_seen_us FROM sessions WHERE token_hash = ?";
pub const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_us = ? WHERE token_hash = ?";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = ?";
pub const INSERT_LOGIN_ATTEMPT: &str = "INSERT INTO login_attempts (username, ok, at_us) VALUES (?, ?, ?)";
pub const FAILED_LOGINS: &str = "SELECT COUNT(*) AS n FROM login_attempts WHERE username = ? AND ok = 0 AND at_us >= ?";

pub const INSERT_COURSE: &str = "INSERT INTO courses (model, version, state, created_us, updated_us) VALUES (?, 0, ?, ?3, ?3) RETURNING id";
pub const COURSE_VERSION: &str = "SELECT version FROM courses WHERE id = ?";
pub const UPDATE_COURSE: &str = "UPDATE courses SET version = ?, state = ?, updated_us = ? WHERE id = ?";
pub const COURSE_IDS: &str = "SELECT id FROM courses ORDER BY id";
pub const COURSES_OF_ORG: &str = "SELECT course_id FROM course_orgs WHERE org_id = ?1 AND shares = 1 AND course_id < ?2 ORDER BY course_id DESC LIMIT ?3";

pub const HEAD: &str = "SELECT seq, hash FROM course_heads WHERE course_id = ?";
pub const UPSERT_HEAD: &str = "INSERT INTO course_heads (course_id, seq, hash) VALUES (?, ?, ?) \
     ON CONFLICT (course_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
pub const INSERT_ENTRY: &str = "INSERT INTO journal (course_id, seq, at_us, actor, kind, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?)";
pub const JOURNAL: &str = "SELECT seq, at_us, actor, payload, hash FROM journal WHERE course_id = ? AND seq > ? ORDER BY seq";

pub const DELETE_TASKS: &str = "DELETE FROM tasks WHERE course_id = ?";
pub const INSERT_TASK: &str = "INSERT INTO tasks (course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

pub const DELETE_COURSE_ORGS: &str = "DELETE FROM course_orgs WHERE course_id = ?";
pub const INSERT_COURSE_ORG: &str = "INSERT INTO course_orgs (course_id, party, org_id, shares) VALUES (?, ?, ?, ?)";

/// A list view's courses, one record each (`tovholder_store::access`).
macro_rules! view_records {
    () => {
        "SELECT a.id, j.key AS k, a.at_us, a.person_id, json_extract(j.value, '$[0]') AS course_id, a.action, \
         json_extract(j.value, '$[1]') AS allowed, json_extract(j.value, '$[2]') AS reason"
    };
}

/// The newest records of a course: its single reads, and the list views of the people who saw
/// it, on the days they saw it, that name it.
pub const ACCESS_LOG_COURSE: &str = concat!(
    "SELECT id, 0 AS k, at_us, person_id, course_id, action, allowed, reason FROM access_log WHERE course_id = ?1 UNION ALL ",
    view_records!(),
    " FROM access_seen s JOIN access_log a ON a.person_id = s.person_id AND a.courses IS NOT NULL \
     AND a.at_us >= s.day * 86400000000 AND a.at_us < (s.day + 1) * 86400000000, json_each(a.courses) j \
     WHERE s.course_id = ?1 AND json_extract(j.value, '$[0]') = ?1 ORDER BY id DESC, k DESC LIMIT ?2"
);

/// The newest records of the whole log, list views as one record per course.
pub const ACCESS_LOG_ALL: &str = concat!(
    "SELECT id, 0 AS k, at_us, person_id, course_id, action, allowed, reason FROM access_log WHERE courses IS NULL UNION ALL ",
    view_records!(),
    " FROM access_log a, json_each(a.courses) j WHERE a.courses IS NOT NULL ORDER BY id DESC, k DESC LIMIT ?1"
);

pub const INSERT_MAIL: &str = "INSERT INTO outbox (recipient, subject, body, course_id, created_us, claimed_until_us, mail_key, attachment) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
pub const OUTBOX: &str = "SELECT id, recipient, subject, body, course_id, created_us, claimed_until_us, sent_us, attempts, mail_key, attachment FROM outbox ORDER BY id DESC LIMIT ?";
pub const CLAIM_MAIL: &str = "UPDATE outbox SET claimed_until_us = ?2, attempts = attempts + 1 WHERE id = \
     (SELECT id FROM outbox WHERE sent_us IS NULL AND (claimed_until_us IS NULL OR claimed_until_us <= ?1) ORDER BY id LIMIT 1) \
     RETURNING id, recipient, subject, body, course_id, created_us, claimed_until_us, sent_us, attempts, mail_key, attachment";
pub const WITHDRAW_MAIL: &str = "DELETE FROM outbox WHERE mail_key = ? AND sent_us IS NULL";
pub const MAIL_SENT: &str = "UPDATE outbox SET sent_us = ? WHERE id = ?";
pub const MAIL_FAILED: &str = "UPDATE outbox SET claimed_until_us = ? WHERE id = ? AND sent_us IS NULL";

pub const INSERT_BLOB: &str = "INSERT INTO document_blobs (course_id, sha256, bytes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
pub const BLOB: &str = "SELECT bytes FROM document_blobs WHERE course_id = ? AND sha256 = ?";

pub const BACKUP: &str = "VACUUM INTO ?";
pub const INTEGRITY_CHECK: &str = "PRAGMA integrity_check";

pub const ALL_PERSONS: &str = "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons ORDER BY id";
pub const IMPORT_ORG: &str = "INSERT INTO orgs (id, name, kind) VALUES (?, ?, ?)";
pub const IMPORT_PERSON: &str = "INSERT INTO persons (id, name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES (?, ?, ?, ?, ?, ?, ?)";
pub const IMPORT_COURSE: &str = "INSERT INTO courses (id, model, version, state, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?)";
pub const IMPORT_MAIL: &str = "INSERT INTO outbox (recipient, subject, body, course_id, created_us, attempts, claimed_until_us, mail_key, attachment, sent_us) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

pub const DELETE_COURSE_RECIPIENTS: &str = "DELETE FROM course_recipients WHERE course_id = ?";
pub const INSERT_COURSE_RECIPIENT: &str = "INSERT INTO course_recipients (course_id, org_id, department) VALUES (?, ?, ?)";
pub const COURSES_SHARED_WITH: &str = "SELECT DISTINCT course_id FROM course_recipients WHERE org_id = ?1 AND (department IS NULL OR department = ?2) ORDER BY course_id DESC LIMIT ?3";
