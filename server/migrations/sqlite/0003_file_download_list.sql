-- Bintray's "download list": files the owner chose to show in the package's downloads.
ALTER TABLE files ADD COLUMN list_in_downloads BOOLEAN NOT NULL DEFAULT FALSE;
