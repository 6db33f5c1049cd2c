-- Match feedback (issue 4): a profile owner's save or dismiss of a match.
-- One row per (from, to) pair: a new action replaces the old one. Profile
-- ids are not foreign keys, like the connections tables: deleting a profile
-- must not be blocked by its history. Times are microseconds.

-- +goose Up
CREATE TABLE match_feedback (
    from_kind  TEXT NOT NULL,
    from_id    TEXT NOT NULL,
    to_kind    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('save', 'dismiss')),
    user_id    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (from_kind, from_id, to_kind, to_id)
);

-- +goose Down
DROP TABLE match_feedback;
