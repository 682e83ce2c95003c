-- Administration: each organisation's departments (a consent names a department by name), and
-- who may log in (a deactivated login keeps its history but cannot log in) and administer.
CREATE TABLE departments (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    UNIQUE (org_id, name)
);
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN instance_admin INTEGER NOT NULL DEFAULT 0;
