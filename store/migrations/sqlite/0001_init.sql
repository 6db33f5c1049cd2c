-- Accounts, sessions, profiles, their filter tags and the change feed.
-- Times are INTEGER microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    roles         TEXT    NOT NULL DEFAULT '', -- comma-separated makerlink.Role values
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE profiles (
    id         TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    owner_id   TEXT    NOT NULL REFERENCES users (id),
    version    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    visibility TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    doc        TEXT    NOT NULL -- the exact bytes of json.Marshal(profile), Meta included
);
CREATE INDEX profiles_kind ON profiles (kind, id);
CREATE INDEX profiles_owner ON profiles (owner_id, kind, id);

-- tag is 'sector', 'stage' or 'city'.
CREATE TABLE profile_tags (
    tag        TEXT NOT NULL,
    value      TEXT NOT NULL,
    profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, value, profile_id)
) WITHOUT ROWID;
CREATE INDEX profile_tags_profile ON profile_tags (profile_id);

CREATE TABLE profile_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    profile_id TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    at         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE profile_changes;
DROP TABLE profile_tags;
DROP TABLE profiles;
DROP TABLE sessions;
DROP TABLE users;
