-- Courses' states, tasks' labels and journal entries' events are encrypted at rest (the free text
-- is in them: minutes, agreements, notes). What was stored before is sealed when the owner's role
-- opens the store, and `sealed_at_rest` says when that is done. The journal stays append-only,
-- except that an entry's event may be sealed, with nothing else about the entry changed (and the
-- server's role may not UPDATE it at all).
CREATE FUNCTION journal_only_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.payload NOT LIKE 'sealed1:%' AND NEW.payload LIKE 'sealed1:%'
       AND (NEW.course_id, NEW.seq, NEW.at_us, NEW.actor, NEW.kind, NEW.hash)
         = (OLD.course_id, OLD.seq, OLD.at_us, OLD.actor, OLD.kind, OLD.hash) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the journal is append-only';
END;
$$;
DROP TRIGGER journal_no_update ON journal;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal FOR EACH ROW EXECUTE FUNCTION journal_only_sealed();

CREATE TABLE sealed_at_rest (what TEXT PRIMARY KEY);
