-- Keeping and erasing closed courses (core's `retention`). Nothing is erased by default.
-- When a course was closed, for the erasure's checks (NULL while open).
ALTER TABLE courses ADD COLUMN closed_us BIGINT;

-- Each organisation's rule: for every model (model_id '') or for one. keep, archive, erase:N.
CREATE TABLE retention_rules (
    org_id   BIGINT NOT NULL REFERENCES orgs(id),
    model_id TEXT   NOT NULL,
    rule     TEXT   NOT NULL,
    set_by   BIGINT NOT NULL,
    set_us   BIGINT NOT NULL,
    PRIMARY KEY (org_id, model_id)
);

-- A legal hold stops erasure whatever the rules say.
CREATE TABLE legal_holds (
    course_id BIGINT PRIMARY KEY REFERENCES courses(id),
    set_by    BIGINT NOT NULL,
    set_us    BIGINT NOT NULL
);

-- Every export of a whole course (for journalisation or the archive).
CREATE TABLE course_exports (
    course_id BIGINT NOT NULL,
    at_us     BIGINT NOT NULL,
    by_person BIGINT NOT NULL,
    sha256    TEXT   NOT NULL
);
CREATE INDEX course_exports_course ON course_exports(course_id, at_us);

-- What is left of an erased course: an anonymous stub (model, organisations, months, counts)
-- and its journal's head, signed with the journal's key, so `audit verify` proves what was
-- removed was that course and nothing else. Never changed (the server's role may only add).
CREATE TABLE course_erasures (
    course_id BIGINT PRIMARY KEY,
    stub      TEXT   NOT NULL,
    head_seq  BIGINT NOT NULL,
    head_hash TEXT   NOT NULL,
    erased_us BIGINT NOT NULL,
    mac       TEXT   NOT NULL
);

-- The journal still refuses every delete, except of a course listed as erased (in the same
-- transaction, by the erasure).
CREATE FUNCTION journal_delete_only_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM course_erasures WHERE course_id = OLD.course_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the journal is append-only';
END;
$$;
DROP TRIGGER journal_no_delete ON journal;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_delete_only_erased();

-- The one way to delete a course's journal: the tables' owner runs it for the server, which may
-- not delete journal rows itself. It checks again, by the database's own clock, what the
-- server decided: listed as erased, closed, no legal hold, exported after closing, and every
-- organisation of the course erases with its period passed (years counted as 365 days; the
-- server holds to calendar years).
CREATE FUNCTION erase_course(p_course BIGINT) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    c RECORD;
    r RECORD;
BEGIN
    SELECT id, model, closed_us INTO c FROM courses WHERE id = p_course;
    IF c.id IS NULL OR c.closed_us IS NULL THEN
        RAISE EXCEPTION 'course % is not closed', p_course;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM course_erasures WHERE course_id = p_course) THEN
        RAISE EXCEPTION 'course % is not listed as erased', p_course;
    END IF;
    IF EXISTS (SELECT 1 FROM legal_holds WHERE course_id = p_course) THEN
        RAISE EXCEPTION 'course % is on legal hold', p_course;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM course_exports WHERE course_id = p_course AND at_us >= c.closed_us) THEN
        RAISE EXCEPTION 'course % was not exported after closing', p_course;
    END IF;
    FOR r IN
        SELECT COALESCE((SELECT rule FROM retention_rules WHERE org_id = o.org_id AND model_id = c.model),
                        (SELECT rule FROM retention_rules WHERE org_id = o.org_id AND model_id = ''), 'keep') AS rule
        FROM course_orgs o WHERE o.course_id = p_course
    LOOP
        IF r.rule NOT LIKE 'erase:%'
           OR c.closed_us + substr(r.rule, 7)::BIGINT * 365 * 86400000000 > (extract(epoch FROM now()) * 1000000)::BIGINT THEN
            RAISE EXCEPTION 'course % is not due for erasure', p_course;
        END IF;
    END LOOP;
    DELETE FROM journal WHERE course_id = p_course;
    DELETE FROM course_heads WHERE course_id = p_course;
END;
$$;
REVOKE ALL ON FUNCTION erase_course(BIGINT) FROM PUBLIC;
