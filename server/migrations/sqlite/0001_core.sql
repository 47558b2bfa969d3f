-- The core nouns: users (subjects), repositories, packages, versions, files and their
-- attributes. Times are milliseconds since the Unix epoch (UTC); JSON arrays are TEXT.
-- Kept to SQL that PostgreSQL also understands, so its migrations can mirror these.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    -- lower-cased name: "Alice" and "alice" are the same subject
    name_key        TEXT    NOT NULL UNIQUE,
    full_name       TEXT,
    password_hash   TEXT    NOT NULL,
    -- HMAC of the API key under the server key, and the key sealed with it (see secrets.rs)
    api_key_mac     TEXT    NOT NULL,
    api_key_sealed  TEXT    NOT NULL,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    is_premium      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE repositories (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    repo_type    TEXT    NOT NULL,
    is_private   BOOLEAN NOT NULL DEFAULT FALSE,
    description  TEXT,
    labels       TEXT    NOT NULL DEFAULT '[]',
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    UNIQUE (owner_id, name)
);

CREATE TABLE packages (
    id                 INTEGER PRIMARY KEY,
    repository_id      INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    description        TEXT,
    labels             TEXT    NOT NULL DEFAULT '[]',
    licenses           TEXT    NOT NULL DEFAULT '[]',
    vcs_url            TEXT,
    website_url        TEXT,
    issue_tracker_url  TEXT,
    github_repo        TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    UNIQUE (repository_id, name)
);

CREATE TABLE versions (
    id             INTEGER PRIMARY KEY,
    package_id     INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    description    TEXT,
    vcs_tag        TEXT,
    release_notes  TEXT,
    is_prerelease  BOOLEAN NOT NULL DEFAULT FALSE,
    released_at    BIGINT,
    downloads      BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (package_id, name)
);

-- File contents, stored once per sha256 whatever the number of files that hold them.
CREATE TABLE blobs (
    sha256      TEXT    PRIMARY KEY,
    sha1        TEXT    NOT NULL,
    md5         TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX blobs_sha1 ON blobs (sha1);

CREATE TABLE files (
    id             INTEGER PRIMARY KEY,
    repository_id  INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    version_id     INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    -- normalised path inside the repository: the download URL is /dl/:s/:r/:path
    path           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    blob_sha256    TEXT    NOT NULL REFERENCES blobs(sha256),
    is_published   BOOLEAN NOT NULL DEFAULT FALSE,
    downloads      BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL,
    published_at   BIGINT,
    UNIQUE (repository_id, path)
);
CREATE INDEX files_version ON files (version_id);
CREATE INDEX files_name ON files (name);

-- Attributes of a package or of a version (exactly one of the two).
CREATE TABLE attributes (
    id          INTEGER PRIMARY KEY,
    package_id  INTEGER REFERENCES packages(id) ON DELETE CASCADE,
    version_id  INTEGER REFERENCES versions(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    attr_type   TEXT    NOT NULL,
    attr_values TEXT    NOT NULL,
    CHECK ((package_id IS NULL) <> (version_id IS NULL))
);
CREATE UNIQUE INDEX attributes_package_name ON attributes (package_id, name) WHERE package_id IS NOT NULL;
CREATE UNIQUE INDEX attributes_version_name ON attributes (version_id, name) WHERE version_id IS NOT NULL;
