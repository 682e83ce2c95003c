-- Administration: each organisation's departments (a consent names a department by name), and
-- who may log in (a deactivated login keeps its history but cannot log in) and administer.
CREATE TABLE departments (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    UNIQUE (org_id, name)
);
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN instance_admin BOOLEAN NOT NULL DEFAULT FALSE;
