-- Which GitHub repository (`owner/name`, as GitHub spelled it) an import created the package
-- from; NULL for a package made by hand (REST, upload, Docker push). Only the importer sets
-- it, when it creates the package: unlike `github_repo`, Bintray's ordinary package field
-- that any client may send (the Gradle plugin's `githubRepo`), it cannot be claimed, and it
-- is what decides whether an import may write into the package.
--
-- Existing rows, conservatively: a package counts as imported only when its `github_repo`
-- is set AND an import job of its repository recorded writing it (an import item naming the
-- package, from that same GitHub repository in any case). A hand-made package that merely
-- carries `github_repo` stays hand-made, so it is refused rather than overwritten; at worst
-- a package imported before items recorded their package is refused too, which the user can
-- resolve (renaming or deleting it), whereas a wrong "imported" would let an import overwrite
-- published files.
ALTER TABLE packages ADD COLUMN imported_from_github TEXT;

UPDATE packages SET imported_from_github = github_repo
WHERE github_repo IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM import_items i JOIN import_jobs j ON j.id = i.job_id
    WHERE j.repository_id = packages.repository_id
      AND i.package = packages.name
      AND lower(i.repo_full_name) = lower(packages.github_repo)
  );

-- The content (sha256) an import wrote at this file's path. The file counts as imported
-- only while it still holds exactly that content, so a later upload by hand (override=1)
-- makes it hand-made again without the upload path knowing about imports. An import never
-- replaces a published file that is not its own (see import::runner). Existing rows stay
-- NULL, i.e. hand-made: the only cost is that a re-import cannot replace an already
-- published asset whose bytes changed on GitHub (unchanged ones are skipped by digest),
-- whereas guessing "imported" could let an import overwrite a person's published file.
ALTER TABLE files ADD COLUMN imported_sha256 TEXT;
