-- Activities across courses (core's `activities`): supervision and network groups for foster
-- families, the yearly network meeting. The organisation's own data; the whole activity (its
-- sessions, invitations, answers, attendance and shared notes) is one sealed text, replaced at a
-- version so two people saving at once cannot overwrite each other. The invited are indexed so
-- each finds what they are invited to.
CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    created_us INTEGER NOT NULL
);
CREATE INDEX activities_org ON activities(org_id);

CREATE TABLE activity_invitees (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX activity_invitees_person ON activity_invitees(person_id);
