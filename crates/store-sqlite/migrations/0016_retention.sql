-- Keeping and erasing closed courses (core's `retention`). Nothing is erased by default.
-- When a course was closed, for the erasure's checks (NULL while open).
ALTER TABLE courses ADD COLUMN closed_us INTEGER;

-- Each organisation's rule: for every model (model_id '') or for one. keep, archive, erase:N.
CREATE TABLE retention_rules (
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    model_id TEXT    NOT NULL,
    rule     TEXT    NOT NULL,
    set_by   INTEGER NOT NULL,
    set_us   INTEGER NOT NULL,
    PRIMARY KEY (org_id, model_id)
);

-- A legal hold stops erasure whatever the rules say.
CREATE TABLE legal_holds (
    course_id INTEGER PRIMARY KEY REFERENCES courses(id),
    set_by    INTEGER NOT NULL,
    set_us    INTEGER NOT NULL
);

-- Every export of a whole course (for journalisation or the archive).
CREATE TABLE course_exports (
    course_id INTEGER NOT NULL,
    at_us     INTEGER NOT NULL,
    by_person INTEGER NOT NULL,
    sha256    TEXT    NOT NULL
);
CREATE INDEX course_exports_course ON course_exports(course_id, at_us);

-- What is left of an erased course: an anonymous stub (model, organisations, months, counts)
-- and its journal's head, signed with the journal's key, so `audit verify` proves what was
-- removed was that course and nothing else. Never changed.
CREATE TABLE course_erasures (
    course_id INTEGER PRIMARY KEY,
    stub      TEXT    NOT NULL,
    head_seq  INTEGER NOT NULL,
    head_hash TEXT    NOT NULL,
    erased_us INTEGER NOT NULL,
    mac       TEXT    NOT NULL
);
CREATE TRIGGER course_erasures_no_update BEFORE UPDATE ON course_erasures
BEGIN SELECT RAISE(ABORT, 'an erasure record never changes'); END;
CREATE TRIGGER course_erasures_no_delete BEFORE DELETE ON course_erasures
BEGIN SELECT RAISE(ABORT, 'an erasure record never changes'); END;

-- The journal still refuses every delete, except of a course listed as erased (in the same
-- transaction, by the erasure).
DROP TRIGGER journal_no_delete;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
WHEN NOT EXISTS (SELECT 1 FROM course_erasures WHERE course_id = old.course_id)
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
