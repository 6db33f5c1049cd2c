-- Live pitch events (issue 5): events, pitch slots, judges, recusals, scores,
-- audience votes, questions and their upvotes, investors' intent cards and
-- the append-only audit log. Times are BIGINT microseconds since the Unix
-- epoch (UTC). The database enforces one vote per account and pitch, one
-- score per judge and pitch, and one upvote per account and question.

-- +goose Up
CREATE TABLE events (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    name                 TEXT    NOT NULL,
    organizer_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    starts_at            BIGINT  NOT NULL,
    preset               TEXT    NOT NULL DEFAULT '',
    pitch_seconds        INTEGER NOT NULL,
    qa_seconds           INTEGER NOT NULL,
    rubric               TEXT    NOT NULL, -- JSON array of makerlink.RubricItem
    hide_results         BOOLEAN NOT NULL DEFAULT FALSE,
    ranking              TEXT    NOT NULL,
    current_pitch_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    results_published_at BIGINT,
    board_version        BIGINT  NOT NULL DEFAULT 0, -- rises with every non-vote change of the leaderboard
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX events_organizer ON events (organizer_id, id);

-- startup_id is not a foreign key: deleting a startup profile must not be
-- blocked by a past competition; the name is kept as it was.
CREATE TABLE event_pitches (
    id             TEXT COLLATE "C" PRIMARY KEY,
    event_id       TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    startup_id     TEXT COLLATE "C" NOT NULL,
    startup_name   TEXT    NOT NULL,
    founder_id     TEXT COLLATE "C" NOT NULL,
    ord            INTEGER NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'scheduled',
    started_at     BIGINT,
    qa_started_at  BIGINT,
    ended_at       BIGINT,
    voting_open    BOOLEAN NOT NULL DEFAULT FALSE,
    voting_closed  BOOLEAN NOT NULL DEFAULT FALSE,
    scoring_closed BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (event_id, ord),
    UNIQUE (event_id, startup_id)
);

CREATE TABLE event_judges (
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    user_id  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_judges_user ON event_judges (user_id);

CREATE TABLE event_recusals (
    event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    pitch_id   TEXT COLLATE "C" NOT NULL REFERENCES event_pitches (id),
    judge_id   TEXT COLLATE "C" NOT NULL,
    reason     TEXT   NOT NULL,
    detail     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pitch_id, judge_id, reason)
);
CREATE INDEX event_recusals_event ON event_recusals (event_id);

CREATE TABLE event_scores (
    event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    pitch_id   TEXT COLLATE "C" NOT NULL REFERENCES event_pitches (id),
    judge_id   TEXT COLLATE "C" NOT NULL,
    scores     TEXT   NOT NULL, -- JSON object criterion key -> number
    total      DOUBLE PRECISION NOT NULL,
    comment    TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pitch_id, judge_id)
);
CREATE INDEX event_scores_event ON event_scores (event_id);

CREATE TABLE event_votes (
    event_id   TEXT COLLATE "C" NOT NULL,
    pitch_id   TEXT COLLATE "C" NOT NULL REFERENCES event_pitches (id),
    user_id    TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pitch_id, user_id)
);
CREATE INDEX event_votes_event ON event_votes (event_id, pitch_id);

CREATE TABLE event_questions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    user_id    TEXT COLLATE "C" NOT NULL,
    text       TEXT    NOT NULL,
    upvotes    INTEGER NOT NULL DEFAULT 0,
    hidden     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL
);
CREATE INDEX event_questions_event ON event_questions (event_id);

CREATE TABLE event_question_upvotes (
    question_id TEXT COLLATE "C" NOT NULL REFERENCES event_questions (id),
    user_id     TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);

CREATE TABLE event_intents (
    id          TEXT COLLATE "C" PRIMARY KEY,
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    pitch_id    TEXT COLLATE "C" NOT NULL REFERENCES event_pitches (id),
    startup_id  TEXT COLLATE "C" NOT NULL,
    investor_id TEXT COLLATE "C" NOT NULL,
    note        TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (pitch_id, investor_id)
);
CREATE INDEX event_intents_investor ON event_intents (investor_id, startup_id);

-- Append-only: triggers refuse every UPDATE and DELETE.
CREATE TABLE event_audit (
    seq      BIGSERIAL PRIMARY KEY,
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    pitch_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    judge_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    actor_id TEXT COLLATE "C" NOT NULL,
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL DEFAULT '',
    at       BIGINT NOT NULL
);
CREATE INDEX event_audit_event ON event_audit (event_id, seq);

-- +goose StatementBegin
CREATE FUNCTION event_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_audit is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER event_audit_no_change BEFORE UPDATE OR DELETE ON event_audit
    FOR EACH ROW EXECUTE FUNCTION event_audit_append_only();

-- +goose Down
DROP TRIGGER event_audit_no_change ON event_audit;
DROP FUNCTION event_audit_append_only();
DROP TABLE event_audit;
DROP TABLE event_intents;
DROP TABLE event_question_upvotes;
DROP TABLE event_questions;
DROP TABLE event_votes;
DROP TABLE event_scores;
DROP TABLE event_recusals;
DROP TABLE event_judges;
DROP TABLE event_pitches;
DROP TABLE events;
