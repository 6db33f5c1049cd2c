-- List filters walk the tag index of one kind in id order (see FindProfiles).

-- +goose Up
ALTER TABLE profile_tags ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE profile_tags SET kind = (SELECT p.kind FROM profiles p WHERE p.id = profile_tags.profile_id);
CREATE INDEX profile_tags_kind ON profile_tags (kind, tag, value, profile_id);

-- +goose Down
DROP INDEX profile_tags_kind;
ALTER TABLE profile_tags DROP COLUMN kind;
