-- Live pitch events (issue 5): events, pitch slots, judges, recusals, scores,
-- audience votes, questions and their upvotes, investors' intent cards and
-- the append-only audit log. Times are INTEGER microseconds since the Unix
-- epoch (UTC). The database enforces one vote per account and pitch, one
-- score per judge and pitch, and one upvote per account and question.

-- +goose Up
CREATE TABLE events (
    id                   TEXT PRIMARY KEY,
    name                 TEXT    NOT NULL,
    organizer_id         TEXT NOT NULL REFERENCES users (id),
    starts_at            INTEGER NOT NULL,
    preset               TEXT    NOT NULL DEFAULT '',
    pitch_seconds        INTEGER NOT NULL,
    qa_seconds           INTEGER NOT NULL,
    rubric               TEXT    NOT NULL, -- JSON array of makerlink.RubricItem
    hide_results         INTEGER NOT NULL DEFAULT 0,
    ranking              TEXT    NOT NULL,
    current_pitch_id     TEXT NOT NULL DEFAULT '',
    results_published_at INTEGER,
    board_version        INTEGER NOT NULL DEFAULT 0, -- rises with every non-vote change of the leaderboard
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX events_organizer ON events (organizer_id, id);

-- startup_id is not a foreign key: deleting a startup profile must not be
-- blocked by a past competition; the name is kept as it was.
CREATE TABLE event_pitches (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events (id),
    startup_id     TEXT NOT NULL,
    startup_name   TEXT    NOT NULL,
    founder_id     TEXT NOT NULL,
    ord            INTEGER NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'scheduled',
    started_at     INTEGER,
    qa_started_at  INTEGER,
    ended_at       INTEGER,
    voting_open    INTEGER NOT NULL DEFAULT 0,
    voting_closed  INTEGER NOT NULL DEFAULT 0,
    scoring_closed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, ord),
    UNIQUE (event_id, startup_id)
);

CREATE TABLE event_judges (
    event_id TEXT NOT NULL REFERENCES events (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_judges_user ON event_judges (user_id);

CREATE TABLE event_recusals (
    event_id   TEXT NOT NULL REFERENCES events (id),
    pitch_id   TEXT NOT NULL REFERENCES event_pitches (id),
    judge_id   TEXT NOT NULL,
    reason     TEXT   NOT NULL,
    detail     TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, judge_id, reason)
);
CREATE INDEX event_recusals_event ON event_recusals (event_id);

CREATE TABLE event_scores (
    event_id   TEXT NOT NULL REFERENCES events (id),
    pitch_id   TEXT NOT NULL REFERENCES event_pitches (id),
    judge_id   TEXT NOT NULL,
    scores     TEXT   NOT NULL, -- JSON object criterion key -> number
    total      REAL NOT NULL,
    comment    TEXT   NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, judge_id)
);
CREATE INDEX event_scores_event ON event_scores (event_id);

CREATE TABLE event_votes (
    event_id   TEXT NOT NULL,
    pitch_id   TEXT NOT NULL REFERENCES event_pitches (id),
    user_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, user_id)
);
CREATE INDEX event_votes_event ON event_votes (event_id, pitch_id);

CREATE TABLE event_questions (
    id         TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events (id),
    user_id    TEXT NOT NULL,
    text       TEXT    NOT NULL,
    upvotes    INTEGER NOT NULL DEFAULT 0,
    hidden     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX event_questions_event ON event_questions (event_id);

CREATE TABLE event_question_upvotes (
    question_id TEXT NOT NULL REFERENCES event_questions (id),
    user_id     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
);

CREATE TABLE event_intents (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES events (id),
    pitch_id    TEXT NOT NULL REFERENCES event_pitches (id),
    startup_id  TEXT NOT NULL,
    investor_id TEXT NOT NULL,
    note        TEXT   NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (pitch_id, investor_id)
);
CREATE INDEX event_intents_investor ON event_intents (investor_id, startup_id);

-- Append-only: triggers refuse every UPDATE and DELETE.
CREATE TABLE event_audit (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL REFERENCES events (id),
    pitch_id TEXT NOT NULL DEFAULT '',
    judge_id TEXT NOT NULL DEFAULT '',
    actor_id TEXT NOT NULL,
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL DEFAULT '',
    at       INTEGER NOT NULL
);
CREATE INDEX event_audit_event ON event_audit (event_id, seq);

-- +goose StatementBegin
CREATE TRIGGER event_audit_no_update BEFORE UPDATE ON event_audit
BEGIN
    SELECT RAISE(ABORT, 'event_audit is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_audit_no_delete BEFORE DELETE ON event_audit
BEGIN
    SELECT RAISE(ABORT, 'event_audit is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER event_audit_no_update;
DROP TRIGGER event_audit_no_delete;
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
