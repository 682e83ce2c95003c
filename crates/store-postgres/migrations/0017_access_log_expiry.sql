-- The access log expires under its own retention, in whole links of its chain from the oldest:
-- the cut records the last link expired (its last row and its hash, on which the next link
-- chains), so `audit verify` walks on from there and still finds any other row changed or
-- removed. Rows of erased courses stay until then, pointing at the erasure's stub.
CREATE TABLE access_chain_cut (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    link_id  BIGINT NOT NULL,
    last_row BIGINT NOT NULL,
    hash     TEXT   NOT NULL,
    rows     BIGINT NOT NULL,
    at_us    BIGINT NOT NULL
);

-- Deletes only at or below the cut (moved first, in the same transaction).
CREATE OR REPLACE FUNCTION access_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'access_log'
       AND OLD.id <= COALESCE((SELECT last_row FROM access_chain_cut WHERE id = 1), -1) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'access_chain'
       AND OLD.id <= COALESCE((SELECT link_id FROM access_chain_cut WHERE id = 1), -1) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is insert-only';
END;
$$;

-- The one way to expire it: the tables' owner runs it for the server, whose role may not delete
-- from the log. Whole links, oldest first, up to `p_link`, and only when every row in them is
-- older than a year by the database's own clock (the configured period is longer).
CREATE FUNCTION expire_access_log(p_link BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    l RECORD;
    newest BIGINT;
    gone BIGINT;
    year_ago BIGINT := (extract(epoch FROM now()) * 1000000)::BIGINT - 365 * 86400000000;
BEGIN
    SELECT id, last_id, hash INTO l FROM access_chain WHERE id = p_link;
    IF l.id IS NULL THEN
        RAISE EXCEPTION 'no link %', p_link;
    END IF;
    SELECT max(at_us) INTO newest FROM access_log WHERE id <= l.last_id
        AND id > COALESCE((SELECT last_row FROM access_chain_cut WHERE id = 1), -1);
    IF newest >= year_ago THEN
        RAISE EXCEPTION 'the access log is kept at least a year';
    END IF;
    -- Rows written before the chain began go with the first links expired.
    SELECT count(*) INTO gone FROM access_log WHERE id <= l.last_id
        AND id > COALESCE((SELECT last_row FROM access_chain_cut WHERE id = 1), -1);
    INSERT INTO access_chain_cut (id, link_id, last_row, hash, rows, at_us)
        VALUES (1, l.id, l.last_id, l.hash, gone, (extract(epoch FROM now()) * 1000000)::BIGINT)
        ON CONFLICT (id) DO UPDATE SET link_id = excluded.link_id, last_row = excluded.last_row, hash = excluded.hash,
            rows = access_chain_cut.rows + excluded.rows, at_us = excluded.at_us
        WHERE excluded.link_id > access_chain_cut.link_id;
    DELETE FROM access_log WHERE id <= l.last_id;
    DELETE FROM access_chain WHERE id <= l.id;
    RETURN gone;
END;
$$;
REVOKE ALL ON FUNCTION expire_access_log(BIGINT) FROM PUBLIC;
