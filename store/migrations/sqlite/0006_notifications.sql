-- The notification inbox every feature writes into. Times are microseconds.

-- +goose Up
CREATE TABLE notifications (
    id         TEXT   PRIMARY KEY, -- time-ordered (makerlink.NewID): newest first = id DESC
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT   NOT NULL,
    title_zh   TEXT   NOT NULL,
    title_en   TEXT   NOT NULL,
    data       TEXT   NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
