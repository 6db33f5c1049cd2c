-- Connections and sharing (issue 6): introductions, investors' pipelines,
-- mentoring, trained users per instrument and equipment bookings. Times are
-- BIGINT microseconds since the Unix epoch (UTC). Profile ids are not foreign
-- keys: deleting a profile must not be blocked by its history, and names are
-- kept as they were (reads prefer the current profile name).
--
-- No two bookings of one instrument that hold their slot (pending or
-- confirmed) overlap: an exclusion constraint over the half-open range
-- [start_at, end_at) enforces it, also against concurrent transactions.

-- +goose Up
CREATE TABLE intros (
    id           TEXT COLLATE "C" PRIMARY KEY, -- time-ordered: newest first = id DESC
    startup_id   TEXT COLLATE "C" NOT NULL,
    startup_name TEXT   NOT NULL,
    from_user_id TEXT COLLATE "C" NOT NULL,
    to_kind      TEXT   NOT NULL,
    to_id        TEXT COLLATE "C" NOT NULL,
    to_name      TEXT   NOT NULL,
    to_user_id   TEXT COLLATE "C" NOT NULL,
    message      TEXT   NOT NULL DEFAULT '',
    status       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    answered_at  BIGINT
);
CREATE INDEX intros_from ON intros (from_user_id, id);
CREATE INDEX intros_to ON intros (to_user_id, id);
CREATE INDEX intros_startup ON intros (startup_id, status);
CREATE INDEX intros_repeat ON intros (startup_id, to_user_id, created_at);
CREATE INDEX intros_pending ON intros (created_at) WHERE status = 'pending';
CREATE INDEX intros_recipient ON intros (to_kind, to_id, created_at);

CREATE TABLE pipeline_entries (
    investor_id  TEXT COLLATE "C" NOT NULL, -- the investor's account
    startup_id   TEXT COLLATE "C" NOT NULL,
    startup_name TEXT   NOT NULL,
    stage        TEXT   NOT NULL,
    note         TEXT   NOT NULL DEFAULT '',
    pass_reason  TEXT   NOT NULL DEFAULT '',
    source       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (investor_id, startup_id)
);
CREATE INDEX pipeline_startup ON pipeline_entries (startup_id, stage);

CREATE TABLE mentor_settings (
    mentor_id  TEXT COLLATE "C" PRIMARY KEY,
    paused     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT  NOT NULL
);

CREATE TABLE mentorships (
    intro_id     TEXT COLLATE "C" PRIMARY KEY,
    mentor_id    TEXT COLLATE "C" NOT NULL,
    mentor_user  TEXT COLLATE "C" NOT NULL,
    startup_id   TEXT COLLATE "C" NOT NULL,
    startup_name TEXT   NOT NULL,
    founder_id   TEXT COLLATE "C" NOT NULL,
    status       TEXT   NOT NULL,
    started_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE UNIQUE INDEX mentorships_active ON mentorships (mentor_id, startup_id) WHERE status = 'active';
CREATE INDEX mentorships_user ON mentorships (mentor_user, startup_id);

CREATE TABLE equipment_trained (
    equipment_id TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (equipment_id, user_id)
);

CREATE TABLE bookings (
    id             TEXT COLLATE "C" PRIMARY KEY,
    equipment_id   TEXT COLLATE "C" NOT NULL,
    equipment_name TEXT    NOT NULL,
    institution    TEXT    NOT NULL,
    owner_id       TEXT COLLATE "C" NOT NULL,
    user_id        TEXT COLLATE "C" NOT NULL,
    user_name      TEXT    NOT NULL,
    startup_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    start_at       BIGINT  NOT NULL,
    end_at         BIGINT  NOT NULL,
    purpose        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    assisted       BOOLEAN NOT NULL DEFAULT FALSE,
    actual_start   BIGINT,
    actual_end     BIGINT,
    price_per_hour BIGINT  NOT NULL DEFAULT 0,
    cost           BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    CHECK (end_at > start_at),
    CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled', 'no_show', 'completed'))
);
CREATE INDEX bookings_equipment ON bookings (equipment_id, start_at);
CREATE INDEX bookings_user ON bookings (user_id, start_at);
CREATE INDEX bookings_owner ON bookings (owner_id, start_at);
CREATE INDEX bookings_confirmed ON bookings (start_at) WHERE status = 'confirmed';

-- btree_gist gives TEXT an equality operator class for GiST. It is created
-- once per database, in public (test runs use a schema each and drop it), and
-- an advisory lock keeps concurrent migrators from racing to create it. The
-- constraint names the operator class with the extension's schema, so it
-- works whatever the search_path.
-- +goose StatementBegin
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(7305061906550411);
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN
        CREATE EXTENSION btree_gist WITH SCHEMA public;
    END IF;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'btree_gist';
    EXECUTE format('ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist '
        '(equipment_id %I.gist_text_ops WITH =, int8range(start_at, end_at) WITH &&) '
        'WHERE (status IN (''pending'', ''confirmed''))', ext_schema);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE bookings;
DROP TABLE equipment_trained;
DROP TABLE mentorships;
DROP TABLE mentor_settings;
DROP TABLE pipeline_entries;
DROP TABLE intros;
