-- Collaboration models as data: every version of every model the instance has known, never
-- changed once stored. Courses record the version they run under in their journal (a course
-- opened before versions were kept ran under version 1, which the first start stores).
CREATE TABLE model_versions (
    model_id TEXT   NOT NULL,
    version  BIGINT NOT NULL,
    sha256   TEXT   NOT NULL,
    text     TEXT   NOT NULL,
    -- Where it came from: "indbygget" (shipped), "mappe" (models_dir) or "upload".
    source   TEXT   NOT NULL,
    -- The administrator who uploaded it; none for shipped files and the folder.
    added_by BIGINT REFERENCES persons(id),
    added_us BIGINT NOT NULL,
    PRIMARY KEY (model_id, version),
    UNIQUE (model_id, sha256)
);
CREATE FUNCTION model_versions_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'model versions never change';
END;
$$;
CREATE TRIGGER model_versions_no_change BEFORE UPDATE OR DELETE ON model_versions
    FOR EACH ROW EXECUTE FUNCTION model_versions_unchanged();
