-- Credentials beyond the password: single-use links (set or reset a password, the step between
-- password and second factor), a TOTP second factor (its key sealed with the key file) and its
-- recovery codes (hashed). A code's time step is kept so a code works once.
CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    purpose    TEXT NOT NULL,
    expires_us INTEGER NOT NULL
);
CREATE INDEX login_tokens_person ON login_tokens(person_id);
CREATE INDEX login_tokens_expiry ON login_tokens(expires_us);
ALTER TABLE users ADD COLUMN totp_sealed TEXT;
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
    person_id INTEGER NOT NULL REFERENCES persons(id),
    code_hash TEXT NOT NULL,
    PRIMARY KEY (person_id, code_hash)
);
CREATE INDEX login_attempts_at ON login_attempts(at_us);
CREATE INDEX sessions_seen ON sessions(last_seen_us);
-- What an instance knows of itself (e.g. `made_by` = `demo`: only `tovholder demo` touches it).
CREATE TABLE instance (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- The administrators' audit log reads the administrative acts of the access log: a small index
-- of those alone.
CREATE INDEX access_log_admin ON access_log(id) WHERE action LIKE 'admin:%';
-- An organisation's official numbers (optional): CVR, EAN (GLN, for e-invoices), SOR (health
-- and care units) and the municipality code.
ALTER TABLE orgs ADD COLUMN cvr TEXT;
ALTER TABLE orgs ADD COLUMN ean TEXT;
ALTER TABLE orgs ADD COLUMN sor TEXT;
ALTER TABLE orgs ADD COLUMN kommunekode TEXT;
