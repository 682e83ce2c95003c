-- An organisation whose staff log in only through single sign-on (local passwords turned off);
-- instance administrators keep theirs as the way in when the identity provider is down.
ALTER TABLE orgs ADD COLUMN sign_on_only INTEGER NOT NULL DEFAULT 0;
