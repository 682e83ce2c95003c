-- The course search by part of a name: a trigram index over people's names (in lower case,
-- as the server computes them), so a search looks up the people of that name instead of
-- testing every member of every one of the organisation's courses.
CREATE VIRTUAL TABLE person_names USING fts5(name_lc, content = 'persons', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO person_names (person_names) VALUES ('rebuild');

-- People are never changed, but their search name is filled in after migration 0003.
CREATE TRIGGER person_names_insert AFTER INSERT ON persons WHEN new.name_lc IS NOT NULL BEGIN
    INSERT INTO person_names (rowid, name_lc) VALUES (new.id, new.name_lc);
END;
CREATE TRIGGER person_names_unset AFTER UPDATE OF name_lc ON persons WHEN old.name_lc IS NOT NULL BEGIN
    INSERT INTO person_names (person_names, rowid, name_lc) VALUES ('delete', old.id, old.name_lc);
END;
CREATE TRIGGER person_names_set AFTER UPDATE OF name_lc ON persons WHEN new.name_lc IS NOT NULL BEGIN
    INSERT INTO person_names (rowid, name_lc) VALUES (new.id, new.name_lc);
END;

-- From a person to their courses.
CREATE INDEX course_members_person ON course_members(person_id);
