-- Audience votes carry only what each vote's insert needs: the primary key
-- (one vote per account per pitch). The index by event served counting,
-- which event_vote_counts now does; the foreign key to event_pitches was
-- checked by a trigger on every vote although the insert joins the pitch
-- (open for voting, share-locked) and pitches are never deleted.

-- +goose Up
DROP INDEX event_votes_event;
ALTER TABLE event_votes DROP CONSTRAINT event_votes_pitch_id_fkey;

-- +goose Down
ALTER TABLE event_votes ADD CONSTRAINT event_votes_pitch_id_fkey FOREIGN KEY (pitch_id) REFERENCES event_pitches (id);
CREATE INDEX event_votes_event ON event_votes (event_id, pitch_id);
