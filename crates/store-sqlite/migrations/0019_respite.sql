-- Respite (aflastning, core's `respite`): an organisation's offers with places per day, and the
-- children booked on them from their courses. The organisation's own data; a booking is also
-- written to the course's journal, and erased with the course.
CREATE TABLE respite_offers (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    from_day   TEXT    NOT NULL,
    to_day     TEXT    NOT NULL,
    capacity   INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    created_us INTEGER NOT NULL
);
CREATE INDEX respite_offers_org ON respite_offers(org_id, to_day);

CREATE TABLE respite_bookings (
    id        INTEGER PRIMARY KEY,
    offer_id  INTEGER NOT NULL REFERENCES respite_offers(id),
    course_id INTEGER NOT NULL,
    child_id  INTEGER NOT NULL,
    from_day  TEXT    NOT NULL,
    to_day    TEXT    NOT NULL,
    booked_by INTEGER NOT NULL,
    booked_us INTEGER NOT NULL
);
CREATE INDEX respite_bookings_offer ON respite_bookings(offer_id);
CREATE INDEX respite_bookings_child ON respite_bookings(child_id);
CREATE INDEX respite_bookings_course ON respite_bookings(course_id);
