-- At scale (100,000 courses): the course search finds its candidates by index instead of
-- loading an organisation's courses, and the deadline scan reads open tasks by due date.

-- A person's name in lower case (Unicode, computed by the server), for the search.
ALTER TABLE persons ADD COLUMN name_lc TEXT;
CREATE INDEX persons_name_lc_missing ON persons(id) WHERE name_lc IS NULL;

-- Who takes part in each course: a projection of courses.state written with it.
CREATE TABLE course_members (
    course_id INTEGER NOT NULL REFERENCES courses(id),
    person_id INTEGER NOT NULL,
    PRIMARY KEY (course_id, person_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO course_members (course_id, person_id)
    SELECT c.id, json_extract(m.value, '$.person') FROM courses c, json_each(c.state, '$.members') m;

CREATE INDEX tasks_open_due ON tasks(due_to) WHERE done = 0;
