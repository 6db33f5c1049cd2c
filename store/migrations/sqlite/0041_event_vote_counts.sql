-- Exact audience vote counts, kept in the transaction of each vote batch:
-- one row per pitch and shard (concurrent batches update different shards,
-- so they do not queue on one row). A pitch's votes are the sum of its rows.

-- +goose Up
CREATE TABLE event_vote_counts (
    event_id TEXT NOT NULL,
    pitch_id TEXT NOT NULL REFERENCES event_pitches (id),
    shard    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, shard)
);
CREATE INDEX event_vote_counts_event ON event_vote_counts (event_id);
INSERT INTO event_vote_counts (event_id, pitch_id, shard, n)
SELECT event_id, pitch_id, 0, COUNT(*) FROM event_votes GROUP BY event_id, pitch_id;

-- +goose Down
DROP TABLE event_vote_counts;
