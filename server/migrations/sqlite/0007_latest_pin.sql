-- The version an owner marked as latest (PATCH /packages/:s/:r/:p with "latest_version");
-- NULL: the rule in app::domain::latest decides. Deleting the version drops the mark.
ALTER TABLE packages ADD COLUMN latest_pin_version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL;
