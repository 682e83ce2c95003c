-- The access log expires under its own retention, in whole links of its chain from the oldest:
-- the cut records the last link expired (its last row and its hash, on which the next link
-- chains), so `audit verify` walks on from there and still finds any other row changed or
-- removed. Rows of erased courses stay until then, pointing at the erasure's stub.
CREATE TABLE access_chain_cut (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    link_id  INTEGER NOT NULL,
    last_row INTEGER NOT NULL,
    hash     TEXT    NOT NULL,
    rows     INTEGER NOT NULL,
    at_us    INTEGER NOT NULL
);

-- Deletes only at or below the cut (written first, in the same transaction).
DROP TRIGGER access_log_no_delete;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN old.id > COALESCE((SELECT last_row FROM access_chain_cut WHERE id = 1), -1)
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
DROP TRIGGER access_chain_no_delete;
CREATE TRIGGER access_chain_no_delete BEFORE DELETE ON access_chain
WHEN old.id > COALESCE((SELECT link_id FROM access_chain_cut WHERE id = 1), -1)
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
-- The cut only moves forward.
CREATE TRIGGER access_chain_cut_forward BEFORE UPDATE ON access_chain_cut
WHEN new.link_id <= old.link_id OR new.last_row < old.last_row
BEGIN SELECT RAISE(ABORT, 'the access log''s cut only moves forward'); END;
CREATE TRIGGER access_chain_cut_no_delete BEFORE DELETE ON access_chain_cut
BEGIN SELECT RAISE(ABORT, 'the access log''s cut only moves forward'); END;
