-- Collaboration models as data: every version of every model the instance has known, never
-- changed once stored. Courses record the version they run under in their journal (a course
-- opened before versions were kept ran under version 1, which the first start stores).
CREATE TABLE model_versions (
    model_id TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    sha256   TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    -- Where it came from: "indbygget" (shipped), "mappe" (models_dir) or "upload".
    source   TEXT    NOT NULL,
    -- The administrator who uploaded it; none for shipped files and the folder.
    added_by INTEGER REFERENCES persons(id),
    added_us INTEGER NOT NULL,
    PRIMARY KEY (model_id, version),
    UNIQUE (model_id, sha256)
);
CREATE TRIGGER model_versions_no_update BEFORE UPDATE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions never change'); END;
CREATE TRIGGER model_versions_no_delete BEFORE DELETE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions never change'); END;
