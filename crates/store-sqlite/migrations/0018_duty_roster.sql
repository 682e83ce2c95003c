-- An organisation's on-call duty (beredskab) and opening hours (core's `duty`): its own data,
-- entered on a page and through the API, not in model files.
CREATE TABLE duty_shifts (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    from_us   INTEGER NOT NULL,
    to_us     INTEGER NOT NULL,
    -- The duty phone for this shift, shown only to those the organisation serves.
    phone     TEXT    NOT NULL,
    set_by    INTEGER NOT NULL,
    set_us    INTEGER NOT NULL
);
CREATE INDEX duty_shifts_org ON duty_shifts(org_id, to_us);

-- Opening hours by weekday (1 = Monday), Copenhagen time: outside them the duty answers.
CREATE TABLE opening_hours (
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    weekday INTEGER NOT NULL,
    opens   TEXT    NOT NULL,
    closes  TEXT    NOT NULL,
    PRIMARY KEY (org_id, weekday)
);
