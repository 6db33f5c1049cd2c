-- Audience votes carry only what each vote's insert needs: one B-tree keyed
-- by (pitch, account) (WITHOUT ROWID: one insert per vote instead of the
-- rowid table, its primary-key index and an index by event). The index by
-- event served counting, which event_vote_counts now does; the foreign key
-- to event_pitches is dropped as on PostgreSQL: the insert joins the pitch
-- (open for voting) and pitches are never deleted.

-- +goose Up
CREATE TABLE event_votes_lean (
    event_id   TEXT NOT NULL,
    pitch_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, user_id)
) WITHOUT ROWID;
INSERT INTO event_votes_lean (event_id, pitch_id, user_id, created_at)
SELECT event_id, pitch_id, user_id, created_at FROM event_votes;
DROP TABLE event_votes;
ALTER TABLE event_votes_lean RENAME TO event_votes;

-- +goose Down
CREATE TABLE event_votes_rowid (
    event_id   TEXT NOT NULL,
    pitch_id   TEXT NOT NULL REFERENCES event_pitches (id),
    user_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, user_id)
);
INSERT INTO event_votes_rowid (event_id, pitch_id, user_id, created_at)
SELECT event_id, pitch_id, user_id, created_at FROM event_votes;
DROP TABLE event_votes;
ALTER TABLE event_votes_rowid RENAME TO event_votes;
CREATE INDEX event_votes_event ON event_votes (event_id, pitch_id);
