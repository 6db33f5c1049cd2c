-- Connections and sharing (issue 6): introductions, investors' pipelines,
-- mentoring, trained users per instrument and equipment bookings. Times are
-- INTEGER microseconds since the Unix epoch (UTC). Profile ids are not foreign
-- keys: deleting a profile must not be blocked by its history, and names are
-- kept as they were (reads prefer the current profile name).
--
-- No two bookings of one instrument that hold their slot (pending or
-- confirmed) overlap. SQLite has one writer at a time (the store's writer
-- begins IMMEDIATE transactions), and the triggers below refuse an insert or
-- update that would make two such bookings overlap on [start_at, end_at).

-- +goose Up
CREATE TABLE intros (
    id           TEXT PRIMARY KEY, -- time-ordered: newest first = id DESC
    startup_id   TEXT NOT NULL,
    startup_name TEXT   NOT NULL,
    from_user_id TEXT NOT NULL,
    to_kind      TEXT   NOT NULL,
    to_id        TEXT NOT NULL,
    to_name      TEXT   NOT NULL,
    to_user_id   TEXT NOT NULL,
    message      TEXT   NOT NULL DEFAULT '',
    status       TEXT   NOT NULL,
    created_at   INTEGER NOT NULL,
    answered_at  INTEGER
);
CREATE INDEX intros_from ON intros (from_user_id, id);
CREATE INDEX intros_to ON intros (to_user_id, id);
CREATE INDEX intros_startup ON intros (startup_id, status);
CREATE INDEX intros_repeat ON intros (startup_id, to_user_id, created_at);
CREATE INDEX intros_pending ON intros (created_at) WHERE status = 'pending';
CREATE INDEX intros_recipient ON intros (to_kind, to_id, created_at);

CREATE TABLE pipeline_entries (
    investor_id  TEXT NOT NULL, -- the investor's account
    startup_id   TEXT NOT NULL,
    startup_name TEXT   NOT NULL,
    stage        TEXT   NOT NULL,
    note         TEXT   NOT NULL DEFAULT '',
    pass_reason  TEXT   NOT NULL DEFAULT '',
    source       TEXT   NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (investor_id, startup_id)
);
CREATE INDEX pipeline_startup ON pipeline_entries (startup_id, stage);

CREATE TABLE mentor_settings (
    mentor_id  TEXT PRIMARY KEY,
    paused     INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER  NOT NULL
);

CREATE TABLE mentorships (
    intro_id     TEXT PRIMARY KEY,
    mentor_id    TEXT NOT NULL,
    mentor_user  TEXT NOT NULL,
    startup_id   TEXT NOT NULL,
    startup_name TEXT   NOT NULL,
    founder_id   TEXT NOT NULL,
    status       TEXT   NOT NULL,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER
);
CREATE UNIQUE INDEX mentorships_active ON mentorships (mentor_id, startup_id) WHERE status = 'active';
CREATE INDEX mentorships_user ON mentorships (mentor_user, startup_id);

CREATE TABLE equipment_trained (
    equipment_id TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (equipment_id, user_id)
);

CREATE TABLE bookings (
    id             TEXT PRIMARY KEY,
    equipment_id   TEXT NOT NULL,
    equipment_name TEXT    NOT NULL,
    institution    TEXT    NOT NULL,
    owner_id       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    user_name      TEXT    NOT NULL,
    startup_id     TEXT NOT NULL DEFAULT '',
    start_at       INTEGER  NOT NULL,
    end_at         INTEGER  NOT NULL,
    purpose        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    assisted       INTEGER NOT NULL DEFAULT 0,
    actual_start   INTEGER,
    actual_end     INTEGER,
    price_per_hour INTEGER  NOT NULL DEFAULT 0,
    cost           INTEGER  NOT NULL DEFAULT 0,
    created_at     INTEGER  NOT NULL,
    updated_at     INTEGER  NOT NULL,
    CHECK (end_at > start_at),
    CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled', 'no_show', 'completed'))
);
CREATE INDEX bookings_equipment ON bookings (equipment_id, start_at);
CREATE INDEX bookings_user ON bookings (user_id, start_at);
CREATE INDEX bookings_owner ON bookings (owner_id, start_at);
CREATE INDEX bookings_confirmed ON bookings (start_at) WHERE status = 'confirmed';

CREATE INDEX bookings_holding ON bookings (equipment_id, end_at) WHERE status IN ('pending', 'confirmed');

-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status IN ('pending', 'confirmed')
BEGIN
    SELECT RAISE(ABORT, 'slot_taken: bookings_no_overlap')
    WHERE EXISTS (SELECT 1 FROM bookings
                  WHERE equipment_id = NEW.equipment_id AND status IN ('pending', 'confirmed')
                    AND end_at > NEW.start_at AND start_at < NEW.end_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF status, start_at, end_at, equipment_id ON bookings
WHEN NEW.status IN ('pending', 'confirmed')
BEGIN
    SELECT RAISE(ABORT, 'slot_taken: bookings_no_overlap')
    WHERE EXISTS (SELECT 1 FROM bookings
                  WHERE equipment_id = NEW.equipment_id AND status IN ('pending', 'confirmed') AND id <> NEW.id
                    AND end_at > NEW.start_at AND start_at < NEW.end_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE bookings;
DROP TABLE equipment_trained;
DROP TABLE mentorships;
DROP TABLE mentor_settings;
DROP TABLE pipeline_entries;
DROP TABLE intros;
