-- Deputies (stedfortrædere): a staff member going on leave names a colleague of their own
-- organisation for a period; during it the colleague acts in their course roles, in each course
-- (core's `policy`, the access reason "deputy:<person>:<role>"). Each course's journal records it.
CREATE TABLE deputies (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    deputy_id INTEGER NOT NULL REFERENCES persons(id),
    from_day  TEXT    NOT NULL,
    to_day    TEXT    NOT NULL,
    set_us    INTEGER NOT NULL
);
CREATE INDEX deputies_deputy ON deputies(deputy_id, to_day);
CREATE INDEX deputies_person ON deputies(person_id, to_day);
