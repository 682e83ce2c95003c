-- The access log is chained like the journal: each batch written adds a link holding a keyed
-- hash over the previous link's hash and the batch's rows (tovholder_store::access), so a row
-- changed, removed or slipped in behind the server's back is found by `tovholder audit verify`.
-- The log and its chain take inserts only (TRUNCATE included). Writers take the transaction
-- lock `ACCESS_CHAIN_LOCK` (tovholder_store_postgres) so batches chain one after another.
CREATE TABLE access_chain (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_id BIGINT NOT NULL,
    last_id  BIGINT NOT NULL,
    rows     BIGINT NOT NULL,
    hash     TEXT NOT NULL
);
-- The rows up to this id were written before the chain began.
INSERT INTO instance (key, value) SELECT 'access_chain_from', COALESCE(MAX(id), 0)::TEXT FROM access_log;
CREATE FUNCTION access_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is insert-only';
END;
$$;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_insert_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION access_insert_only();
CREATE TRIGGER access_chain_no_change BEFORE UPDATE OR DELETE ON access_chain FOR EACH ROW EXECUTE FUNCTION access_insert_only();
CREATE TRIGGER access_chain_no_truncate BEFORE TRUNCATE ON access_chain FOR EACH STATEMENT EXECUTE FUNCTION access_insert_only();
