-- The access log is chained like the journal: each batch written adds a link holding a keyed
-- hash over the previous link's hash and the batch's rows (tovholder_store::access), so a row
-- changed, removed or slipped in behind the server's back is found by `tovholder audit verify`.
-- The log and its chain take inserts only.
CREATE TABLE access_chain (
    id       INTEGER PRIMARY KEY,
    first_id INTEGER NOT NULL,
    last_id  INTEGER NOT NULL,
    rows     INTEGER NOT NULL,
    hash     TEXT NOT NULL
);
-- The rows up to this id were written before the chain began.
INSERT INTO instance (key, value) SELECT 'access_chain_from', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM access_log;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
CREATE TRIGGER access_chain_no_update BEFORE UPDATE ON access_chain
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
CREATE TRIGGER access_chain_no_delete BEFORE DELETE ON access_chain
BEGIN SELECT RAISE(ABORT, 'the access log is insert-only'); END;
