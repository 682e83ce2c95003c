-- "Mine beskeder": for each participant of each thread, how much is unread and when it last
-- moved, rewritten from the course's state at each write (like tasks).
CREATE TABLE thread_inbox (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    thread    INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    unread    INTEGER NOT NULL,
    last_us   INTEGER NOT NULL,
    PRIMARY KEY (course_id, thread, person_id)
);
CREATE INDEX thread_inbox_person ON thread_inbox(person_id, last_us);
