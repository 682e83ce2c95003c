-- Courses' states, tasks' labels and journal entries' events are encrypted at rest (the free text
-- is in them: minutes, agreements, notes). What was stored before is sealed by the server when it
-- starts, and `sealed_at_rest` says when that is done. The journal stays append-only, except that
-- an entry's event may be sealed, with nothing else about the entry changed.
DROP TRIGGER IF EXISTS journal_no_update;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
WHEN NOT (OLD.payload NOT LIKE 'sealed1:%' AND NEW.payload LIKE 'sealed1:%'
          AND NEW.course_id = OLD.course_id AND NEW.seq = OLD.seq AND NEW.at_us = OLD.at_us
          AND NEW.actor = OLD.actor AND NEW.kind = OLD.kind AND NEW.hash = OLD.hash)
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

CREATE TABLE sealed_at_rest (what TEXT PRIMARY KEY);
