-- Documents' contents are encrypted at rest (AES-256-GCM with a key from the key file, bound to
-- their row). Rows stored before are sealed by the server when it starts (`sealed` false until then).
ALTER TABLE document_blobs ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT FALSE;
