-- The user confirmed that the job may import private GitHub repositories into a public
-- Wharf repository (where anyone can read and download them). Each item checks it again.
ALTER TABLE import_jobs ADD COLUMN private_to_public BOOLEAN NOT NULL DEFAULT FALSE;
