-- Family members log in with a link sent to their e-mail address: they are found by it.
CREATE INDEX persons_family_email ON persons (lower(email)) WHERE org_id IS NULL AND email IS NOT NULL;
