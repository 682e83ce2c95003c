-- Tovholder on SQLite. Timestamps are whole microseconds since the Unix epoch (UTC), dates are
-- ISO 8601 text. The journal is the truth; courses.state, tasks and course_orgs are projections
-- written in the same transaction as the entries they follow from.

CREATE TABLE orgs (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    org_id     INTEGER REFERENCES orgs(id),
    cpr_sealed BLOB,            -- AES-256-GCM, key outside the database
    cpr_index  TEXT             -- HMAC blind index, for look-up without decrypting
);
CREATE INDEX persons_cpr_index ON persons(cpr_index) WHERE cpr_index IS NOT NULL;
CREATE INDEX persons_org ON persons(org_id);

CREATE TABLE users (
    person_id     INTEGER PRIMARY KEY REFERENCES persons(id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    org_roles     TEXT NOT NULL, -- JSON array of standing roles in the person's organisation
    department    TEXT           -- the department (area) they work in, for consent
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES persons(id),
    csrf         TEXT NOT NULL,
    created_us   INTEGER NOT NULL,
    last_seen_us INTEGER NOT NULL
);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ok       INTEGER NOT NULL,
    at_us    INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at_us);

CREATE TABLE courses (
    id         INTEGER PRIMARY KEY,
    model      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    state      TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL
);

-- Each course's head, recorded apart from the journal, so cutting entries off the end shows.
CREATE TABLE course_heads (
    course_id INTEGER PRIMARY KEY REFERENCES courses(id),
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TABLE journal (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    seq       INTEGER NOT NULL,
    at_us     INTEGER NOT NULL,
    actor     INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (course_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

CREATE TABLE course_orgs (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    party     TEXT NOT NULL,
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    shares    INTEGER NOT NULL,
    PRIMARY KEY (course_id, party)
);
CREATE INDEX course_orgs_org ON course_orgs(org_id, shares, course_id);

CREATE TABLE tasks (
    course_id    INTEGER NOT NULL REFERENCES courses(id),
    task         TEXT NOT NULL,
    label        TEXT NOT NULL,
    due_from     TEXT NOT NULL,
    due_to       TEXT NOT NULL,
    done         INTEGER NOT NULL,
    owner_person INTEGER,
    owner_org    INTEGER,
    owner_role   TEXT NOT NULL
);
CREATE INDEX tasks_person ON tasks(owner_person, done, due_to) WHERE owner_person IS NOT NULL;
CREATE INDEX tasks_org_role ON tasks(owner_org, owner_role, done, due_to) WHERE owner_org IS NOT NULL;
CREATE INDEX tasks_course ON tasks(course_id);

CREATE TABLE access_log (
    id        INTEGER PRIMARY KEY,
    at_us     INTEGER NOT NULL,
    person_id INTEGER,
    course_id INTEGER,
    action    TEXT NOT NULL,
    allowed   INTEGER NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX access_log_course ON access_log(course_id, id);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    course_id        INTEGER,
    created_us       INTEGER NOT NULL,
    claimed_until_us INTEGER,
    sent_us          INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox(sent_us, id);

-- Document contents, by course and SHA-256 (the journal entry names the hash).
CREATE TABLE document_blobs (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    sha256    TEXT NOT NULL,
    bytes     BLOB NOT NULL,
    PRIMARY KEY (course_id, sha256)
);

-- Who the family's consents name, for "shared with me" lists (the policy decides with the dates).
CREATE TABLE course_recipients (
    course_id  INTEGER NOT NULL REFERENCES courses(id),
    org_id     INTEGER NOT NULL,
    department TEXT
);
CREATE INDEX course_recipients_org ON course_recipients(org_id, course_id);
