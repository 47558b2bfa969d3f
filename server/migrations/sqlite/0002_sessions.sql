-- Browser sessions. The cookie holds a random id; only its HMAC under the server key is
-- stored, so a copy of the database cannot be replayed as a session.
CREATE TABLE sessions (
    id_mac      TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
