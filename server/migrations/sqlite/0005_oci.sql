-- Docker/OCI registries (repositories of type docker) and the garbage collection of blobs.
-- Registry blobs live in the same store as files: one `blobs` row and one object per
-- sha256. These tables say which registry holds which blob, what each manifest is made
-- of, and which tag (a version of the image's package) names which manifest.

-- When a blob was last relied on (an upload that found it stored, a push that checked it
-- exists). The garbage collector spares blobs created or relied on within its grace
-- period, so a push that skipped an upload does not lose the blob before its manifest.
ALTER TABLE blobs ADD COLUMN touched_at BIGINT;

-- Files by blob, for "is this blob still referenced?".
CREATE INDEX files_blob ON files (blob_sha256);

-- Blobs pushed to (or mounted into) an image of a registry: only these can be pulled from
-- it. `digest` is the client's name for the blob (sha256:… or sha512:…).
CREATE TABLE oci_blobs (
    repository_id  INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image          TEXT    NOT NULL,
    digest         TEXT    NOT NULL,
    blob_sha256    TEXT    NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
    created_at     BIGINT  NOT NULL,
    PRIMARY KEY (repository_id, image, digest)
);
CREATE INDEX oci_blobs_digest ON oci_blobs (digest);
CREATE INDEX oci_blobs_blob ON oci_blobs (blob_sha256);

-- Uploads in flight. Their chunks wait as objects `oci-uploads/<id>.<n>` (n < parts)
-- until the upload is closed, cancelled, or expires.
CREATE TABLE oci_uploads (
    id             TEXT    PRIMARY KEY,
    repository_id  INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    image          TEXT    NOT NULL,
    size           BIGINT  NOT NULL DEFAULT 0,
    parts          INTEGER NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX oci_uploads_updated ON oci_uploads (updated_at);

-- Manifests of an image (a package). The bytes are a blob like any other.
CREATE TABLE oci_manifests (
    id             INTEGER PRIMARY KEY,
    package_id     INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    digest         TEXT    NOT NULL,
    blob_sha256    TEXT    NOT NULL REFERENCES blobs(sha256),
    media_type     TEXT    NOT NULL,
    size           BIGINT  NOT NULL,
    -- the manifest and everything it references (config, layers, listed manifests)
    total_size     BIGINT  NOT NULL,
    -- JSON array of os/arch[/variant]
    platforms      TEXT    NOT NULL DEFAULT '[]',
    -- what the referrers API lists: the manifest's subject, type and annotations (JSON)
    subject        TEXT,
    artifact_type  TEXT,
    annotations    TEXT,
    created_at     BIGINT  NOT NULL,
    UNIQUE (package_id, digest)
);
CREATE INDEX oci_manifests_subject ON oci_manifests (package_id, subject);
CREATE INDEX oci_manifests_blob ON oci_manifests (blob_sha256);

-- The blobs a manifest references. The foreign key is the garbage collector's guarantee:
-- a blob a manifest references cannot be deleted.
CREATE TABLE oci_manifest_blobs (
    manifest_id  INTEGER NOT NULL REFERENCES oci_manifests(id) ON DELETE CASCADE,
    blob_sha256  TEXT    NOT NULL REFERENCES blobs(sha256),
    PRIMARY KEY (manifest_id, blob_sha256)
);
CREATE INDEX oci_manifest_blobs_blob ON oci_manifest_blobs (blob_sha256);

-- Tags: a tag is a version of the image's package, naming one manifest. Deleting the
-- version removes the tag.
CREATE TABLE oci_tags (
    version_id   INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
    manifest_id  INTEGER NOT NULL REFERENCES oci_manifests(id) ON DELETE CASCADE
);
CREATE INDEX oci_tags_manifest ON oci_tags (manifest_id);
