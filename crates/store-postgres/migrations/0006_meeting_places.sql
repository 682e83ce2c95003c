-- Each organisation's own meeting places (name and address). Only these go into a calendar
-- invitation's LOCATION; any other place stays inside Tovholder.
CREATE TABLE meeting_places (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  BIGINT NOT NULL REFERENCES orgs(id),
    name    TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX meeting_places_org ON meeting_places(org_id);
