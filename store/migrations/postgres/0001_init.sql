-- Accounts, sessions, profiles, their filter tags and the change feed.
-- Times are BIGINT microseconds since the Unix epoch (UTC). Ids use the "C"
-- collation so that ORDER BY id is byte order, as on SQLite. doc is TEXT, not
-- JSONB, so that the bytes json.Marshal produced are returned verbatim.

-- +goose Up
CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    roles         TEXT   NOT NULL DEFAULT '', -- comma-separated makerlink.Role values
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE profiles (
    id         TEXT COLLATE "C" PRIMARY KEY,
    kind       TEXT   NOT NULL,
    owner_id   TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    version    BIGINT NOT NULL,
    name       TEXT   NOT NULL,
    visibility TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    doc        TEXT   NOT NULL -- the exact bytes of json.Marshal(profile), Meta included
);
CREATE INDEX profiles_kind ON profiles (kind, id);
CREATE INDEX profiles_owner ON profiles (owner_id, kind, id);

-- tag is 'sector', 'stage' or 'city'.
CREATE TABLE profile_tags (
    tag        TEXT NOT NULL,
    value      TEXT NOT NULL,
    profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, value, profile_id)
);
CREATE INDEX profile_tags_profile ON profile_tags (profile_id);

-- Writers take LOCK TABLE profile_changes IN EXCLUSIVE MODE before inserting,
-- so seq values become visible in commit order and a follower never skips one.
CREATE TABLE profile_changes (
    seq        BIGSERIAL PRIMARY KEY,
    kind       TEXT    NOT NULL,
    profile_id TEXT COLLATE "C" NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    at         BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE profile_changes;
DROP TABLE profile_tags;
DROP TABLE profiles;
DROP TABLE sessions;
DROP TABLE users;
