-- A list view (Mine opgaver, the course list, "Delt med mig") is one access-log row naming its
-- courses with each one's decision (JSON [[course, allowed, reason], …]), not a row per course;
-- access_seen says who saw which course on which day (UTC), written only the first time that
-- day, so "who has seen this course" is still found by course (tovholder_store::access).
ALTER TABLE access_log ADD COLUMN courses TEXT;

CREATE TABLE access_seen (
    course_id BIGINT NOT NULL,
    day       BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (course_id, day, person_id)
);

-- A person's list views by time: the rows behind an access_seen entry.
CREATE INDEX access_log_views ON access_log(person_id, at_us) WHERE courses IS NOT NULL;
