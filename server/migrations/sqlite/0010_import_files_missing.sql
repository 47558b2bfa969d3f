-- Issue 10 QA F5: how many of a version's release assets its last import could not store
-- (a failed download, a digest mismatch). Only versions with none missing count as
-- imported on the import page (Db::imported_tags).
ALTER TABLE versions ADD COLUMN import_files_missing INTEGER NOT NULL DEFAULT 0;
