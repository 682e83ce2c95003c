//! The SQL for SQLite (sqlx 0.9 takes `&'static str`; nothing is ever formatted into SQL).

use tovholder_store_sql::Sql;

/// A list view's courses, one record each (`tovholder_store::access`).
macro_rules! view_records {
    () => {
        "SELECT a.id, j.key AS k, a.at_us, a.person_id, json_extract(j.value, '$[0]') AS course_id, a.action, \
         json_extract(j.value, '$[1]') AS allowed, json_extract(j.value, '$[2]') AS reason"
    };
}

pub const SQL: Sql = Sql {
    insert_org: "INSERT INTO orgs (name, kind) VALUES (?, ?) RETURNING id",
    orgs: "SELECT id, name, kind, cvr, ean, sor, kommunekode, sign_on_only FROM orgs ORDER BY name",
    set_sign_on_only: "UPDATE orgs SET sign_on_only = ? WHERE id = ? RETURNING id",
    delete_sessions_of_org: "DELETE FROM sessions WHERE person_id IN (SELECT u.person_id FROM users u JOIN persons p ON p.id = u.person_id WHERE p.org_id = ? AND u.instance_admin = 0)",
    set_org_codes: "UPDATE orgs SET cvr = ?, ean = ?, sor = ?, kommunekode = ? WHERE id = ? RETURNING id",
    meeting_places: "SELECT id, org_id, name, address FROM meeting_places WHERE org_id = ? ORDER BY name, id",
    insert_meeting_place: "INSERT INTO meeting_places (org_id, name, address) VALUES (?, ?, ?) RETURNING id",
    delete_meeting_place: "DELETE FROM meeting_places WHERE org_id = ? AND id = ? RETURNING id",
    insert_person: "INSERT INTO persons (name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    correct_person: "UPDATE persons SET name = ?, email = ?, cpr_sealed = ?, cpr_index = ?, name_lc = ? WHERE id = ? AND org_id IS NULL",
    persons: "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons \
     WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
    person_by_cpr: "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons WHERE cpr_index = ? LIMIT 1",
    family_by_email: "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons WHERE lower(email) = lower(?) AND org_id IS NULL AND email IS NOT NULL ORDER BY id LIMIT 20",
    staff: "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department, u.active, u.instance_admin, u.totp_sealed \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE p.org_id = ? AND u.active = 1 ORDER BY p.name",
    insert_user: "INSERT INTO users (person_id, username, password_hash, org_roles, department, active, instance_admin) VALUES (?, ?, ?, ?, ?, ?, ?)",
    user_by_name: "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department, u.active, u.instance_admin, u.totp_sealed \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE u.username = ?",
    user_by_email: "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department, u.active, u.instance_admin, u.totp_sealed \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE lower(p.email) = lower(?) ORDER BY u.person_id LIMIT 1",
    user_by_person: "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department, u.active, u.instance_admin, u.totp_sealed \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE u.person_id = ?",
    users_of_org: "SELECT u.person_id, p.name, p.email, u.username, u.password_hash, p.org_id, o.name AS org_name, u.org_roles, u.department, u.active, u.instance_admin, u.totp_sealed \
     FROM users u JOIN persons p ON p.id = u.person_id JOIN orgs o ON o.id = p.org_id WHERE p.org_id = ? ORDER BY p.name",
    update_user: "UPDATE users SET active = ?, org_roles = ?, department = ? WHERE person_id = ? RETURNING person_id",
    delete_sessions_of: "DELETE FROM sessions WHERE person_id = ?",
    user_count: "SELECT COUNT(*) AS n FROM users",
    departments: "SELECT id, org_id, name, kind FROM departments WHERE org_id = ? ORDER BY name",
    insert_department: "INSERT INTO departments (org_id, name, kind) VALUES (?, ?, ?) RETURNING id",
    model_versions: "SELECT model_id, version, sha256, text, source, added_by, added_us FROM model_versions ORDER BY model_id, version",
    model_version_of: "SELECT version FROM model_versions WHERE model_id = ?1 AND sha256 = ?2",
    insert_model_version: "INSERT INTO model_versions (model_id, version, sha256, text, source, added_by, added_us) SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM model_versions WHERE model_id = ?1 ON CONFLICT DO NOTHING RETURNING version",
    retention_rules: "SELECT org_id, model_id, rule, set_by, set_us FROM retention_rules ORDER BY org_id, model_id",
    legal_holds: "SELECT course_id, set_by, set_us FROM legal_holds ORDER BY course_id",
    exports: "SELECT course_id, by_person, at_us, sha256 FROM course_exports ORDER BY course_id, at_us",
    set_retention_rule: "INSERT INTO retention_rules (org_id, model_id, rule, set_by, set_us) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, model_id) DO UPDATE SET rule = excluded.rule, set_by = excluded.set_by, set_us = excluded.set_us",
    delete_retention_rule: "DELETE FROM retention_rules WHERE org_id = ? AND model_id = ?",
    legal_hold: "SELECT set_by, set_us FROM legal_holds WHERE course_id = ?",
    set_legal_hold: "INSERT INTO legal_holds (course_id, set_by, set_us) VALUES (?, ?, ?) ON CONFLICT (course_id) DO NOTHING",
    delete_legal_hold: "DELETE FROM legal_holds WHERE course_id = ?",
    insert_export: "INSERT INTO course_exports (course_id, at_us, by_person, sha256) VALUES (?, ?, ?, ?)",
    last_export: "SELECT max(at_us) AS at_us FROM course_exports WHERE course_id = ?",
    closed_courses: "SELECT id FROM courses WHERE closed_us IS NOT NULL ORDER BY id",
    course_for_erasure: "SELECT version, closed_us FROM courses WHERE id = ?",
    set_closed_at: "UPDATE courses SET closed_us = ? WHERE id = ? AND closed_us IS NULL",
    insert_erasure: "INSERT INTO course_erasures (course_id, stub, head_seq, head_hash, erased_us, mac) VALUES (?, ?, ?, ?, ?, ?)",
    erasures: "SELECT course_id, stub, head_seq, head_hash, erased_us, mac FROM course_erasures ORDER BY course_id",
    erase_journal: "DELETE FROM journal WHERE course_id = ?",
    // What else of an erased course goes, in this order (each with the course's id).
    erase_rest: &[
        "DELETE FROM course_heads WHERE course_id = ?",
        "DELETE FROM tasks WHERE course_id = ?",
        "DELETE FROM respite_bookings WHERE course_id = ?",
        "DELETE FROM course_orgs WHERE course_id = ?",
        "DELETE FROM course_recipients WHERE course_id = ?",
        "DELETE FROM course_members WHERE course_id = ?",
        "DELETE FROM thread_inbox WHERE course_id = ?",
        "DELETE FROM access_seen WHERE course_id = ?",
        "DELETE FROM document_blobs WHERE course_id = ?",
        "DELETE FROM outbox WHERE course_id = ?",
        "DELETE FROM courses WHERE id = ?",
    ],
    // A family member or network person in no other course: no name, address, e-mail or CPR
    // number left, and no login.
    anonymize_person: &[
        "UPDATE persons SET name = '', email = NULL, cpr_sealed = NULL, cpr_index = NULL, name_lc = NULL WHERE id = ? AND org_id IS NULL",
        "DELETE FROM sessions WHERE person_id = ?",
        "DELETE FROM login_tokens WHERE person_id = ?",
    ],
    duty_shifts: "SELECT id, org_id, person_id, from_us, to_us, phone FROM duty_shifts WHERE org_id = ? AND to_us > ? AND from_us < ? ORDER BY from_us, id",
    insert_duty_shift: "INSERT INTO duty_shifts (org_id, person_id, from_us, to_us, phone, set_by, set_us) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    delete_duty_shift: "DELETE FROM duty_shifts WHERE org_id = ? AND id = ? RETURNING id",
    opening_hours: "SELECT weekday, opens, closes FROM opening_hours WHERE org_id = ? ORDER BY weekday",
    delete_opening_hours: "DELETE FROM opening_hours WHERE org_id = ?",
    insert_opening_hours: "INSERT INTO opening_hours (org_id, weekday, opens, closes) VALUES (?, ?, ?, ?)",
    respite_offers: "SELECT id, org_id, kind, title, from_day, to_day, capacity FROM respite_offers WHERE org_id = ? AND to_day >= ? ORDER BY from_day, id",
    respite_offer: "SELECT id, org_id, kind, title, from_day, to_day, capacity FROM respite_offers WHERE id = ?",
    insert_respite_offer: "INSERT INTO respite_offers (org_id, kind, title, from_day, to_day, capacity, created_by, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    lock_respite_offer: "SELECT id FROM respite_offers WHERE id = ?",
    lock_person: "SELECT id FROM persons WHERE id = ?",
    respite_bookings: "SELECT id, offer_id, course_id, child_id, from_day, to_day FROM respite_bookings WHERE offer_id = ? ORDER BY from_day, id",
    child_respite: "SELECT id, offer_id, course_id, child_id, from_day, to_day FROM respite_bookings WHERE child_id = ? ORDER BY from_day, id",
    course_respite: "SELECT id, offer_id, course_id, child_id, from_day, to_day FROM respite_bookings WHERE course_id = ? ORDER BY from_day, id",
    insert_respite_booking: "INSERT INTO respite_bookings (offer_id, course_id, child_id, from_day, to_day, booked_by, booked_us) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    delete_respite_booking: "DELETE FROM respite_bookings WHERE course_id = ? AND id = ? RETURNING id",
    deputies_of: "SELECT id, org_id, person_id, deputy_id, from_day, to_day FROM deputies WHERE person_id = ? AND to_day >= ? ORDER BY from_day, id",
    deputyships: "SELECT id, org_id, person_id, deputy_id, from_day, to_day FROM deputies WHERE deputy_id = ? AND from_day <= ? AND to_day >= ? ORDER BY from_day, id",
    insert_deputy: "INSERT INTO deputies (org_id, person_id, deputy_id, from_day, to_day, set_us) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    end_deputy: "UPDATE deputies SET to_day = ? WHERE person_id = ? AND id = ? RETURNING id",
    activities_of_org: "SELECT id, version, body FROM activities WHERE org_id = ? ORDER BY id DESC",
    activities_for: "SELECT a.id, a.version, a.body FROM activities a JOIN activity_invitees i ON i.activity_id = a.id WHERE i.person_id = ? ORDER BY a.id DESC",
    activity: "SELECT id, version, body FROM activities WHERE id = ?",
    insert_activity: "INSERT INTO activities (org_id, version, body, created_us) VALUES (?, 1, '', ?) RETURNING id",
    update_activity: "UPDATE activities SET version = ?, body = ? WHERE id = ? AND version = ? RETURNING id",
    delete_activity_invitees: "DELETE FROM activity_invitees WHERE activity_id = ?",
    insert_activity_invitee: "INSERT INTO activity_invitees (activity_id, person_id) VALUES (?, ?)",
    instance_fact: "SELECT value FROM instance WHERE key = ?",
    set_instance_fact: "INSERT INTO instance (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    insert_session: "INSERT INTO sessions (token_hash, person_id, csrf, created_us, last_seen_us) VALUES (?, ?, ?, ?, ?)",
    session: "SELECT token_hash, person_id, csrf, created_us, last_seen_us FROM sessions WHERE token_hash = ?",
    touch_session: "UPDATE sessions SET last_seen_us = ? WHERE token_hash = ?",
    delete_session: "DELETE FROM sessions WHERE token_hash = ?",
    insert_login_attempt: "INSERT INTO login_attempts (username, ok, at_us) VALUES (?, ?, ?) RETURNING id",
    login_ok: "UPDATE login_attempts SET ok = 1 WHERE id = ?",
    failed_logins: "SELECT COUNT(*) AS n FROM login_attempts WHERE username = ? AND ok = 0 AND at_us >= ?",
    set_password: "UPDATE users SET password_hash = ? WHERE person_id = ? RETURNING person_id",
    delete_tokens_of: "DELETE FROM login_tokens WHERE person_id = ?",
    insert_token: "INSERT INTO login_tokens (token_hash, person_id, purpose, expires_us) VALUES (?, ?, ?, ?)",
    token: "SELECT person_id FROM login_tokens WHERE token_hash = ? AND purpose = ? AND expires_us > ?",
    take_token: "DELETE FROM login_tokens WHERE token_hash = ? AND purpose = ? AND expires_us > ? RETURNING person_id",
    set_totp: "UPDATE users SET totp_sealed = ?, totp_step = 0 WHERE person_id = ? RETURNING person_id",
    delete_recovery_codes: "DELETE FROM recovery_codes WHERE person_id = ?",
    insert_recovery_code: "INSERT INTO recovery_codes (person_id, code_hash) VALUES (?, ?)",
    use_totp_step: "UPDATE users SET totp_step = ?1 WHERE person_id = ?2 AND totp_step < ?1 RETURNING person_id",
    use_recovery_code: "DELETE FROM recovery_codes WHERE person_id = ? AND code_hash = ? RETURNING person_id",
    recovery_codes_left: "SELECT COUNT(*) AS n FROM recovery_codes WHERE person_id = ?",
    recovery_codes: "SELECT code_hash FROM recovery_codes WHERE person_id = ? ORDER BY code_hash",
    purge_attempts: "DELETE FROM login_attempts WHERE at_us < ?",
    purge_sessions: "DELETE FROM sessions WHERE last_seen_us < ? OR created_us < ?",
    purge_tokens: "DELETE FROM login_tokens WHERE expires_us <= ?",
    notify_logins: "SELECT 1",
    insert_course: "INSERT INTO courses (model, version, state, created_us, updated_us) VALUES (?, 0, ?, ?3, ?3) RETURNING id",
    course_version: "SELECT version FROM courses WHERE id = ?",
    update_course: "UPDATE courses SET version = ?, state = ?, updated_us = ?, closed_us = ? WHERE id = ?",
    course: "SELECT id, version, state, created_us FROM courses WHERE id = ?",
    course_ids: "SELECT id FROM courses ORDER BY id",
    courses_of_member: "SELECT course_id FROM course_members WHERE person_id = ? ORDER BY course_id",
    courses_of_org: "SELECT course_id FROM course_orgs WHERE org_id = ?1 AND shares = 1 AND course_id < ?2 ORDER BY course_id DESC LIMIT ?3",
    courses_shared_with: "SELECT DISTINCT course_id FROM course_recipients WHERE org_id = ?1 AND (department IS NULL OR department = ?2) ORDER BY course_id DESC LIMIT ?3",
    journal: "SELECT seq, at_us, actor, payload, hash FROM journal WHERE course_id = ? AND seq > ? ORDER BY seq",
    blob: "SELECT bytes, sealed FROM document_blobs WHERE course_id = ? AND sha256 = ?",
    head: "SELECT seq, hash FROM course_heads WHERE course_id = ?",
    upsert_head: "INSERT INTO course_heads (course_id, seq, hash) VALUES (?, ?, ?) \
     ON CONFLICT (course_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    insert_entry: "INSERT INTO journal (course_id, seq, at_us, actor, kind, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    delete_tasks: "DELETE FROM tasks WHERE course_id = ?",
    insert_task: "INSERT INTO tasks (course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    delete_course_orgs: "DELETE FROM course_orgs WHERE course_id = ?",
    insert_course_org: "INSERT INTO course_orgs (course_id, party, org_id, shares) VALUES (?, ?, ?, ?)",
    insert_blob: "INSERT INTO document_blobs (course_id, sha256, bytes, sealed) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING",
    blobs_unsealed: "SELECT course_id, sha256, bytes FROM document_blobs WHERE sealed = 0 AND (course_id, sha256) > (?, ?) ORDER BY course_id, sha256 LIMIT 100",
    seal_blob: "UPDATE document_blobs SET bytes = ?, sealed = 1 WHERE course_id = ? AND sha256 = ? AND sealed = 0",
    states_after: "SELECT id, version, state FROM courses WHERE id > ? ORDER BY id LIMIT 500",
    seal_state: "UPDATE courses SET state = ? WHERE id = ? AND state = ?",
    labels_of: "SELECT course_id, task, label FROM tasks WHERE course_id > ? AND course_id <= ?",
    seal_label: "UPDATE tasks SET label = ? WHERE course_id = ? AND task = ? AND label = ?",
    entries_after: "SELECT course_id, seq, payload FROM journal WHERE (course_id, seq) > (?, ?) ORDER BY course_id, seq LIMIT 500",
    seal_entry: "UPDATE journal SET payload = ? WHERE course_id = ? AND seq = ? AND payload NOT LIKE 'sealed1:%'",
    text_sealed: "SELECT count(*) AS n FROM sealed_at_rest WHERE what = 'text'",
    mark_text_sealed: "INSERT INTO sealed_at_rest (what) VALUES ('text') ON CONFLICT DO NOTHING",
    delete_course_recipients: "DELETE FROM course_recipients WHERE course_id = ?",
    delete_inbox: "DELETE FROM thread_inbox WHERE course_id = ?",
    insert_inbox: "INSERT INTO thread_inbox (course_id, thread, person_id, unread, last_us) VALUES (?, ?, ?, ?, ?)",
    inbox: "SELECT course_id, thread, unread, last_us FROM thread_inbox WHERE person_id = ? ORDER BY last_us DESC LIMIT ?",
    insert_course_recipient: "INSERT INTO course_recipients (course_id, org_id, department) VALUES (?, ?, ?)",
    withdraw_mail: "DELETE FROM outbox WHERE mail_key = ? AND sent_us IS NULL",
    insert_mail: "INSERT INTO outbox (recipient, subject, body, course_id, created_us, claimed_until_us, mail_key, attachment) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    // The newest records of a course: its single reads, and the list views of the people who saw
    // it, on the days they saw it, that name it.
    access_log_course: concat!(
        "SELECT id, 0 AS k, at_us, person_id, course_id, action, allowed, reason FROM access_log WHERE course_id = ?1 AND id < ?2 UNION ALL ",
        view_records!(),
        " FROM access_seen s JOIN access_log a ON a.person_id = s.person_id AND a.courses IS NOT NULL \
     AND a.at_us >= s.day * 86400000000 AND a.at_us < (s.day + 1) * 86400000000, json_each(a.courses) j \
     WHERE s.course_id = ?1 AND a.id < ?2 AND json_extract(j.value, '$[0]') = ?1 ORDER BY id DESC, k DESC LIMIT ?3"
    ),
    // The newest records of the whole log, list views as one record per course.
    access_log_all: concat!(
        "SELECT id, 0 AS k, at_us, person_id, course_id, action, allowed, reason FROM access_log WHERE courses IS NULL UNION ALL ",
        view_records!(),
        " FROM access_log a, json_each(a.courses) j WHERE a.courses IS NOT NULL ORDER BY id DESC, k DESC LIMIT ?1"
    ),
    access_chain_cut: "SELECT link_id, last_row, hash, rows FROM access_chain_cut WHERE id = 1",
    // Each link after `after` with the time of its newest row, oldest first.
    access_links_aged: "SELECT c.id, (SELECT max(at_us) FROM access_log WHERE id >= c.first_id AND id <= c.last_id) AS newest FROM access_chain c WHERE c.id > ? ORDER BY c.id LIMIT ?",
    access_chain_last: "SELECT id, first_id, last_id, rows, hash FROM access_chain ORDER BY id DESC LIMIT 1",
    access_chain_after: "SELECT id, first_id, last_id, rows, hash FROM access_chain WHERE id > ? ORDER BY id LIMIT ?",
    access_rows_between: "SELECT id, at_us, person_id, course_id, action, allowed, reason, courses FROM access_log WHERE id >= ? AND id <= ? ORDER BY id",
    insert_access_link: "INSERT INTO access_chain (first_id, last_id, rows, hash) VALUES (?, ?, ?, ?)",
    access_counts_between: "SELECT COUNT(*) AS n, COUNT(courses) AS v FROM access_log WHERE id > ? AND id <= ?",
    admin_log: "SELECT a.id, 0 AS k, a.at_us, a.person_id, a.course_id, a.action, a.allowed, a.reason FROM access_log a LEFT JOIN persons p ON p.id = a.person_id \
     WHERE a.action LIKE 'admin:%' AND (?1 IS NULL OR p.org_id = ?1) AND (?2 IS NULL OR a.action = ?2) ORDER BY a.id DESC LIMIT ?3",
    outbox_backlog: "SELECT COUNT(*) AS n, MIN(created_us) AS oldest FROM outbox WHERE sent_us IS NULL AND (claimed_until_us IS NULL OR claimed_until_us <= ?)",
    outbox: "SELECT id, recipient, subject, body, course_id, created_us, claimed_until_us, sent_us, attempts, mail_key, attachment FROM outbox ORDER BY id DESC LIMIT ?",
    claim_mail: "UPDATE outbox SET claimed_until_us = ?2, attempts = attempts + 1 WHERE id = \
     (SELECT id FROM outbox WHERE sent_us IS NULL AND (claimed_until_us IS NULL OR claimed_until_us <= ?1) AND (recipient LIKE 'sms:%') = ?3 ORDER BY id LIMIT 1) \
     RETURNING id, recipient, subject, body, course_id, created_us, claimed_until_us, sent_us, attempts, mail_key, attachment",
    mail_sent: "UPDATE outbox SET sent_us = ? WHERE id = ?",
    mail_failed: "UPDATE outbox SET claimed_until_us = ? WHERE id = ? AND sent_us IS NULL",
    all_persons: "SELECT id, name, email, org_id, cpr_sealed, cpr_index FROM persons ORDER BY id",
    import_org: "INSERT INTO orgs (id, name, kind) VALUES (?, ?, ?)",
    import_person: "INSERT INTO persons (id, name, email, org_id, cpr_sealed, cpr_index, name_lc) VALUES (?, ?, ?, ?, ?, ?, ?)",
    import_course: "INSERT INTO courses (id, model, version, state, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?)",
    import_mail: "INSERT INTO outbox (recipient, subject, body, course_id, created_us, attempts, claimed_until_us, mail_key, attachment, sent_us) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    names_missing: "SELECT id, name FROM persons WHERE name_lc IS NULL",
    set_name_lc: "UPDATE persons SET name_lc = ? WHERE id = ?",
    delete_members: "DELETE FROM course_members WHERE course_id = ?",
    insert_member: "INSERT OR IGNORE INTO course_members (course_id, person_id) VALUES (?, ?)",
    courses_after: "SELECT id, version, state, created_us FROM courses WHERE id > ? ORDER BY id LIMIT ?",
    open_tasks_due: "SELECT course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role \
     FROM tasks WHERE done = 0 AND due_to <= ? ORDER BY due_to, course_id, task LIMIT ?",
};

pub const BACKUP: &str = "VACUUM INTO ?";
pub const INTEGRITY_CHECK: &str = "PRAGMA integrity_check";
