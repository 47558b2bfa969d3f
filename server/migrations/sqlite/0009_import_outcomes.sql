-- Issue 10 item 9: what an import did to each version of a repository, as JSON
-- {"new": [..], "updated": [..], "unchanged": [..]} (app::domain::import_outcome).
ALTER TABLE import_items ADD COLUMN outcomes TEXT;
