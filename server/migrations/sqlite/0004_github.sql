-- A Wharf account's GitHub identity. The access token is sealed under the server key, so
-- a copy of the database alone yields no usable token.
CREATE TABLE github_links (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    github_id    BIGINT  NOT NULL UNIQUE,
    login        TEXT    NOT NULL,
    avatar_url   TEXT,
    token_sealed TEXT    NOT NULL,
    -- As granted, comma-separated (GitHub may grant fewer than asked).
    scopes       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

-- OAuth flows in progress. `state` and the browser's flow cookie are stored as MACs; the
-- PKCE verifier is sealed. A flow is used once and expires after ten minutes.
CREATE TABLE github_oauth_flows (
    state_mac       TEXT    PRIMARY KEY,
    browser_mac     TEXT    NOT NULL,
    purpose         TEXT    NOT NULL,
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
    verifier_sealed TEXT    NOT NULL,
    redirect_uri    TEXT    NOT NULL,
    private_access  BOOLEAN NOT NULL,
    expires_at      BIGINT  NOT NULL
);

-- A GitHub identity that signed in but that no account has linked: offered to sign-up,
-- in the same browser, for ten minutes.
CREATE TABLE github_pending_signups (
    browser_mac  TEXT    PRIMARY KEY,
    github_id    BIGINT  NOT NULL,
    login        TEXT    NOT NULL,
    avatar_url   TEXT,
    token_sealed TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    expires_at   BIGINT  NOT NULL
);

-- Import-from-GitHub jobs: one row per job, one item per GitHub repository. Items are
-- idempotent units of work, so a restarted server re-runs the unfinished ones.
CREATE TABLE import_jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    with_assets   BOOLEAN NOT NULL,
    publish       BOOLEAN NOT NULL,
    -- 'running' or 'finished'
    status        TEXT    NOT NULL,
    -- While GitHub's rate limit pauses the job: until when (epoch millis).
    waiting_until BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX import_jobs_status ON import_jobs (status);

CREATE TABLE import_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id         INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
    repo_full_name TEXT    NOT NULL,
    -- The Wharf package it became, once known.
    package        TEXT,
    -- The releases chosen, as JSON: "all" or {"only": [tags]}.
    releases       TEXT    NOT NULL,
    -- 'pending', 'running', 'done' or 'failed'
    status         TEXT    NOT NULL,
    -- Why it failed (user-facing), one line per failed release or asset.
    message        TEXT,
    versions_done  INTEGER NOT NULL DEFAULT 0,
    versions_total INTEGER,
    files_done     INTEGER NOT NULL DEFAULT 0,
    attempts       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (job_id, repo_full_name)
);
