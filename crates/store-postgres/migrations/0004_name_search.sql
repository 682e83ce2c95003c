-- The course search by part of a name: a trigram index over people's names (in lower case,
-- as the server computes them), so a search looks up the people of that name instead of
-- testing every member of every one of the organisation's courses. pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database's owner may create it. An extension is
-- one per database, so it goes in `public` whatever schema Tovholder's tables are in.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX persons_name_trgm ON persons USING gin (name_lc public.gin_trgm_ops);

-- From a person to their courses.
CREATE INDEX course_members_person ON course_members(person_id);
