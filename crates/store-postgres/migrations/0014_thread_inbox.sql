-- "Mine beskeder": for each participant of each thread, how much is unread and when it last
-- moved, rewritten from the course's state at each write (like tasks).
CREATE TABLE thread_inbox (
    course_id BIGINT NOT NULL REFERENCES courses(id),
    thread    BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    unread    BIGINT NOT NULL,
    last_us   BIGINT NOT NULL,
    PRIMARY KEY (course_id, thread, person_id)
);
CREATE INDEX thread_inbox_person ON thread_inbox(person_id, last_us);
