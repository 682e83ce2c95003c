-- Tovholder on PostgreSQL. Timestamps are whole microseconds since the Unix epoch (UTC) in
-- BIGINT, as on SQLite, so the journal's hash chain covers the same bytes on both stores.
-- The journal is the truth; courses.state, tasks and course_orgs are projections written in
-- the same transaction as the entries they follow from.

CREATE TABLE orgs (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE persons (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    org_id     BIGINT REFERENCES orgs(id),
    cpr_sealed BYTEA,           -- AES-256-GCM, key outside the database
    cpr_index  TEXT             -- HMAC blind index, for look-up without decrypting
);
CREATE INDEX persons_cpr_index ON persons(cpr_index) WHERE cpr_index IS NOT NULL;
CREATE INDEX persons_org ON persons(org_id);

CREATE TABLE users (
    person_id     BIGINT PRIMARY KEY REFERENCES persons(id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    org_roles     TEXT NOT NULL, -- JSON array of standing roles in the person's organisation
    department    TEXT           -- the department (area) they work in, for consent
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    csrf         TEXT NOT NULL,
    created_us   BIGINT NOT NULL,
    last_seen_us BIGINT NOT NULL
);

CREATE TABLE login_attempts (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    ok       BOOLEAN NOT NULL,
    at_us    BIGINT NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at_us);

CREATE TABLE courses (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model      TEXT NOT NULL,
    version    BIGINT NOT NULL,
    state      TEXT NOT NULL,
    created_us BIGINT NOT NULL,
    updated_us BIGINT NOT NULL
);

-- Each course's head, recorded apart from the journal, so cutting entries off the end shows.
CREATE TABLE course_heads (
    course_id BIGINT PRIMARY KEY REFERENCES courses(id),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TABLE journal (
    course_id BIGINT NOT NULL REFERENCES courses(id),
    seq       BIGINT NOT NULL,
    at_us     BIGINT NOT NULL,
    actor     BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (course_id, seq)
);

CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only';
END;
$$;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();

CREATE TABLE course_orgs (
    course_id BIGINT NOT NULL REFERENCES courses(id),
    party     TEXT NOT NULL,
    org_id    BIGINT NOT NULL REFERENCES orgs(id),
    shares    BOOLEAN NOT NULL,
    PRIMARY KEY (course_id, party)
);
CREATE INDEX course_orgs_org ON course_orgs(org_id, shares, course_id);

CREATE TABLE tasks (
    course_id    BIGINT NOT NULL REFERENCES courses(id),
    task         TEXT NOT NULL,
    label        TEXT NOT NULL,
    due_from     TEXT NOT NULL,
    due_to       TEXT NOT NULL,
    done         BOOLEAN NOT NULL,
    owner_person BIGINT,
    owner_org    BIGINT,
    owner_role   TEXT NOT NULL
);
CREATE INDEX tasks_person ON tasks(owner_person, done, due_to) WHERE owner_person IS NOT NULL;
CREATE INDEX tasks_org_role ON tasks(owner_org, owner_role, done, due_to) WHERE owner_org IS NOT NULL;
CREATE INDEX tasks_course ON tasks(course_id);

CREATE TABLE access_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_us     BIGINT NOT NULL,
    person_id BIGINT,
    course_id BIGINT,
    action    TEXT NOT NULL,
    allowed   BOOLEAN NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX access_log_course ON access_log(course_id, id);

CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    course_id        BIGINT,
    created_us       BIGINT NOT NULL,
    claimed_until_us BIGINT,
    sent_us          BIGINT,
    attempts         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox(id) WHERE sent_us IS NULL;

-- Document contents, by course and SHA-256 (the journal entry names the hash).
CREATE TABLE document_blobs (
    course_id BIGINT NOT NULL REFERENCES courses(id),
    sha256    TEXT NOT NULL,
    bytes     BYTEA NOT NULL,
    PRIMARY KEY (course_id, sha256)
);

-- Who the family's consents name, for "shared with me" lists (the policy decides with the dates).
CREATE TABLE course_recipients (
    course_id  BIGINT NOT NULL REFERENCES courses(id),
    org_id     BIGINT NOT NULL,
    department TEXT
);
CREATE INDEX course_recipients_org ON course_recipients(org_id, course_id);
