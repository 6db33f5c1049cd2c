package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"makerlink"
)

// Connections (issue 6): the intros, pipeline_entries, mentor_settings and
// mentorships tables of migration 0005_connections. Checks that span rows
// (open requests per startup, a mentor's free slots) run inside the write
// transaction: SQLite has a single writer; PostgreSQL takes a transaction
// advisory lock on the startup or mentor first.

var (
	_ makerlink.ConnectionStore = (*DB)(nil)
	_ makerlink.RelationFinder  = (*DB)(nil)
)

// lockKey serialises the transactions that lock the same key (PostgreSQL;
// SQLite's single writer serialises every write transaction anyway).
func (db *DB) lockKey(ctx context.Context, tx *sql.Tx, key string) error {
	if db.engine != EnginePostgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
		return fmt.Errorf("store: lock %s: %w", key, err)
	}
	return nil
}

// forUpdate is the row-lock clause of a read-modify-write on PostgreSQL.
func (db *DB) forUpdate() string {
	if db.engine == EnginePostgres {
		return " FOR UPDATE OF i"
	}
	return ""
}

const introSelect = `SELECT i.id, i.startup_id, COALESCE(ps.name, i.startup_name), i.from_user_id, i.to_kind, i.to_id,
COALESCE(pt.name, i.to_name), i.to_user_id, i.message, i.status, i.created_at, i.answered_at,
COALESCE(uf.name, ''), COALESCE(uf.email, ''), COALESCE(ut.name, ''), COALESCE(ut.email, '')
FROM intros i
LEFT JOIN profiles ps ON ps.id = i.startup_id
LEFT JOIN profiles pt ON pt.id = i.to_id
LEFT JOIN users uf ON uf.id = i.from_user_id
LEFT JOIN users ut ON ut.id = i.to_user_id`

func scanIntro(r rowScanner) (*makerlink.Intro, error) {
	in := &makerlink.Intro{}
	var kind string
	var created int64
	var answered sql.NullInt64
	if err := r.Scan(&in.ID, &in.StartupID, &in.StartupName, &in.FromUserID, &kind, &in.ToID, &in.ToName, &in.ToUserID,
		&in.Message, &in.Status, &created, &answered, &in.FromName, &in.FromEmail, &in.ToUserName, &in.ToEmail); err != nil {
		return nil, err
	}
	in.ToKind = makerlink.Kind(kind)
	in.CreatedAt = fromMicros(created)
	in.AnsweredAt = nullTime(answered)
	in.ExpiresAt = in.CreatedAt.Add(makerlink.IntroAnswerWindow)
	return in, nil
}

func storeNotes(ctx context.Context, tx *sql.Tx, ns []*makerlink.Notification, now time.Time) error {
	for _, n := range ns {
		if n == nil || n.UserID == "" {
			continue
		}
		if err := insertNotification(ctx, tx, n, now); err != nil {
			return err
		}
	}
	return nil
}

func compact(ns []*makerlink.Notification) []*makerlink.Notification {
	out := ns[:0:0]
	for _, n := range ns {
		if n != nil && n.UserID != "" {
			out = append(out, n)
		}
	}
	return out
}

// CreateIntro implements [makerlink.ConnectionStore].
func (db *DB) CreateIntro(ctx context.Context, in *makerlink.Intro, lim makerlink.IntroLimits,
	notes func(*makerlink.Intro) []*makerlink.Notification) ([]*makerlink.Notification, error) {
	if !allStorable(in.StartupID, in.StartupName, in.FromUserID, string(in.ToKind), in.ToID, in.ToName, in.ToUserID) {
		return nil, errNotFound("Profile")
	}
	if !storable(in.Message) {
		return nil, errInvalidText("message")
	}
	lim = lim.WithDefaults()
	now := db.now()
	var out []*makerlink.Notification
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		if err := db.lockKey(ctx, tx, "intro:"+in.StartupID); err != nil {
			return err
		}
		// Overdue requests count as expired even before a sweep marks them.
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM intros WHERE startup_id = $1 AND status = 'pending' AND created_at > $2`,
			in.StartupID, toMicros(now.Add(-makerlink.IntroAnswerWindow))).Scan(&open); err != nil {
			return fmt.Errorf("store: count open intros: %w", err)
		}
		if open >= lim.MaxOpen {
			return makerlink.Errorf(makerlink.EIntroLimit,
				"This startup already has %d open requests (the limit is %d); wait for answers before asking more people.", open, lim.MaxOpen)
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(created_at) FROM intros WHERE startup_id = $1 AND to_user_id = $2`,
			in.StartupID, in.ToUserID).Scan(&last); err != nil {
			return fmt.Errorf("store: last intro: %w", err)
		}
		if last.Valid {
			if again := fromMicros(last.Int64).Add(lim.RepeatWindow); now.Before(again) {
				return makerlink.Errorf(makerlink.EAskedRecently,
					"This startup asked %s recently; it may ask again from %s.", in.ToName, again.In(makerlink.Shanghai()).Format("2006-01-02"))
			}
		}
		in.ID = makerlink.NewID(now)
		in.Status = makerlink.IntroPending
		in.CreatedAt = now
		in.AnsweredAt = nil
		in.ExpiresAt = now.Add(makerlink.IntroAnswerWindow)
		if _, err := tx.ExecContext(ctx, `INSERT INTO intros (id, startup_id, startup_name, from_user_id, to_kind, to_id, to_name,
to_user_id, message, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			in.ID, in.StartupID, in.StartupName, in.FromUserID, string(in.ToKind), in.ToID, in.ToName, in.ToUserID,
			in.Message, in.Status, toMicros(now)); err != nil {
			return fmt.Errorf("store: create intro: %w", err)
		}
		if notes != nil {
			out = compact(notes(in))
		}
		return storeNotes(ctx, tx, out, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindIntro implements [makerlink.ConnectionStore].
func (db *DB) FindIntro(ctx context.Context, id string) (*makerlink.Intro, error) {
	return db.findIntro(ctx, db.r, id, "")
}

func (db *DB) findIntro(ctx context.Context, q querier, id, lock string) (*makerlink.Intro, error) {
	if !storable(id) {
		return nil, errNotFound("Introduction")
	}
	in, err := scanIntro(q.QueryRowContext(ctx, introSelect+` WHERE i.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Introduction")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find intro: %w", err)
	}
	return in, nil
}

// FindIntros implements [makerlink.ConnectionStore].
func (db *DB) FindIntros(ctx context.Context, f makerlink.IntroFilter) ([]*makerlink.Intro, string, error) {
	limit := clampLimit(f.Limit)
	q := introSelect + ` WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !allStorable(f.FromUserID, f.ToUserID, f.StartupID, f.Status) {
		return []*makerlink.Intro{}, "", nil
	}
	if f.FromUserID != "" {
		add("i.from_user_id = $%d", f.FromUserID)
	}
	if f.ToUserID != "" {
		add("i.to_user_id = $%d", f.ToUserID)
	}
	if f.StartupID != "" {
		add("i.startup_id = $%d", f.StartupID)
	}
	if f.Status != "" {
		add("i.status = $%d", f.Status)
	}
	if f.Cursor != "" {
		before, err := DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		add("i.id < $%d", before)
	}
	q += fmt.Sprintf(" ORDER BY i.id DESC LIMIT %d", limit+1)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: find intros: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Intro{}
	for rows.Next() {
		in, err := scanIntro(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: scan intro: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: find intros: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// AnswerIntro implements [makerlink.ConnectionStore].
func (db *DB) AnswerIntro(ctx context.Context, id, userID string, accept bool,
	notes func(*makerlink.Intro) []*makerlink.Notification) (*makerlink.Intro, []*makerlink.Notification, error) {
	now := db.now()
	var in *makerlink.Intro
	var out []*makerlink.Notification
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		var err error
		if in, err = db.findIntro(ctx, tx, id, db.forUpdate()); err != nil {
			return err
		}
		if in.ToUserID != userID {
			return errNotFound("Introduction")
		}
		switch {
		case in.Status == makerlink.IntroExpired || in.Overdue(now):
			return makerlink.Errorf(makerlink.EExpired, "This request went unanswered for 14 days and was closed.")
		case in.Status != makerlink.IntroPending:
			return makerlink.Errorf(makerlink.EConflict, "This request was %s already.", in.Status)
		}
		in.Status = makerlink.IntroDeclined
		if accept {
			// A deleted startup can no longer be mentored nor invested
			// in: accepting would take a mentor's place for nothing.
			if err := db.startupExists(ctx, tx, in); err != nil {
				return err
			}
			in.Status = makerlink.IntroAccepted
			switch in.ToKind {
			case makerlink.KindMentor:
				if err := db.startMentorship(ctx, tx, in, now); err != nil {
					return err
				}
			case makerlink.KindInvestor:
				if _, err := tx.ExecContext(ctx, `INSERT INTO pipeline_entries (investor_id, startup_id, startup_name, stage, note,
pass_reason, source, created_at, updated_at) VALUES ($1, $2, $3, $4, '', '', $5, $6, $6) ON CONFLICT (investor_id, startup_id) DO NOTHING`,
					in.ToUserID, in.StartupID, in.StartupName, makerlink.StageContacted, makerlink.SourceIntro, toMicros(now)); err != nil {
					return fmt.Errorf("store: intro to pipeline: %w", err)
				}
			}
		}
		in.AnsweredAt = &now
		if _, err := tx.ExecContext(ctx, `UPDATE intros SET status = $2, answered_at = $3 WHERE id = $1`,
			in.ID, in.Status, toMicros(now)); err != nil {
			return fmt.Errorf("store: answer intro: %w", err)
		}
		if notes != nil {
			out = compact(notes(in))
		}
		return storeNotes(ctx, tx, out, now)
	})
	if err != nil {
		return nil, nil, err
	}
	return in, out, nil
}

// startupExists returns EConflict when the intro's startup was deleted. On
// PostgreSQL it holds a share lock on the profile until the transaction
// ends, so a concurrent delete waits for the acceptance.
func (db *DB) startupExists(ctx context.Context, tx *sql.Tx, in *makerlink.Intro) error {
	q := `SELECT 1 FROM profiles WHERE id = $1 AND kind = $2`
	if db.engine == EnginePostgres {
		q += ` FOR SHARE`
	}
	var one int
	err := tx.QueryRowContext(ctx, q, in.StartupID, string(makerlink.KindStartup)).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return makerlink.Errorf(makerlink.EConflict,
			"The startup %s no longer exists, so this request can no longer be accepted; decline it instead.", in.StartupName)
	case err != nil:
		return fmt.Errorf("store: intro startup: %w", err)
	}
	return nil
}

// startMentorship links the intro's startup to its mentor when a slot is
// free. The caller holds the write transaction.
func (db *DB) startMentorship(ctx context.Context, tx *sql.Tx, in *makerlink.Intro, now time.Time) error {
	if err := db.lockKey(ctx, tx, "mentor:"+in.ToID); err != nil {
		return err
	}
	var doc string
	err := tx.QueryRowContext(ctx, `SELECT doc FROM profiles WHERE id = $1 AND kind = $2`, in.ToID, string(makerlink.KindMentor)).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound("Mentor")
	}
	if err != nil {
		return fmt.Errorf("store: mentor capacity: %w", err)
	}
	var m makerlink.Mentor
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return fmt.Errorf("store: mentor %s: %w", in.ToID, err)
	}
	var active int
	var already bool
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(CASE WHEN startup_id = $2 THEN 1 ELSE 0 END), 0) = 1
FROM mentorships WHERE mentor_id = $1 AND status = 'active'`, in.ToID, in.StartupID).Scan(&active, &already); err != nil {
		return fmt.Errorf("store: count mentees: %w", err)
	}
	if already {
		return nil
	}
	if active >= m.Capacity {
		return makerlink.Errorf(makerlink.EMentorFull,
			"You mentor %d startups, your capacity; end a mentorship or raise your capacity before accepting.", active)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mentorships (intro_id, mentor_id, mentor_user, startup_id, startup_name, founder_id,
status, started_at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)`,
		in.ID, in.ToID, in.ToUserID, in.StartupID, in.StartupName, in.FromUserID, toMicros(now)); err != nil {
		return fmt.Errorf("store: start mentorship: %w", err)
	}
	return nil
}

// maxExpireBatch bounds the intros one ExpireIntros call closes.
const maxExpireBatch = 500

// ExpireIntros implements [makerlink.ConnectionStore].
func (db *DB) ExpireIntros(ctx context.Context, cutoff time.Time, userID string,
	notes func(in *makerlink.Intro, otherMentors []string) []*makerlink.Notification) ([]*makerlink.Notification, error) {
	if !storable(userID) {
		return nil, nil
	}
	// A cheap read first: most calls find nothing to do and then take no
	// write lock.
	q := `SELECT COUNT(*) FROM intros WHERE status = 'pending' AND created_at <= $1`
	args := []any{toMicros(cutoff)}
	if userID != "" {
		q += ` AND (from_user_id = $2 OR to_user_id = $2)`
		args = append(args, userID)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: overdue intros: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	now := db.now()
	var out []*makerlink.Notification
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		sel := introSelect + ` WHERE i.status = 'pending' AND i.created_at <= $1`
		if userID != "" {
			sel += ` AND (i.from_user_id = $2 OR i.to_user_id = $2)`
		}
		sel += fmt.Sprintf(" ORDER BY i.id LIMIT %d", maxExpireBatch)
		rows, err := tx.QueryContext(ctx, sel, args...)
		if err != nil {
			return fmt.Errorf("store: overdue intros: %w", err)
		}
		var due []*makerlink.Intro
		for rows.Next() {
			in, err := scanIntro(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: scan intro: %w", err)
			}
			due = append(due, in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: overdue intros: %w", err)
		}
		var mentors []makerlink.ProfileRef
		loaded := false
		for _, in := range due {
			var others []string
			if in.ToKind == makerlink.KindMentor {
				if !loaded {
					loaded = true
					if mentors, err = availableMentors(ctx, tx, "", 20); err != nil {
						return err
					}
				}
				for _, m := range mentors {
					if m.ID != in.ToID && len(others) < 3 {
						others = append(others, m.ID)
					}
				}
			}
			res, err := tx.ExecContext(ctx, `UPDATE intros SET status = 'expired' WHERE id = $1 AND status = 'pending'`, in.ID)
			if err != nil {
				return fmt.Errorf("store: expire intro: %w", err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				continue
			}
			in.Status = makerlink.IntroExpired
			if notes != nil {
				out = append(out, compact(notes(in, others))...)
			}
		}
		return storeNotes(ctx, tx, out, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IntroTimings implements [makerlink.ConnectionStore].
func (db *DB) IntroTimings(ctx context.Context, toKind makerlink.Kind, toID string, since time.Time) ([]makerlink.IntroTiming, error) {
	if !storable(toID) {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT status, created_at, answered_at FROM intros WHERE to_kind = $1 AND to_id = $2 AND created_at >= $3`,
		string(toKind), toID, toMicros(since))
	if err != nil {
		return nil, fmt.Errorf("store: intro timings: %w", err)
	}
	defer rows.Close()
	var out []makerlink.IntroTiming
	for rows.Next() {
		var t makerlink.IntroTiming
		var created int64
		var answered sql.NullInt64
		if err := rows.Scan(&t.Status, &created, &answered); err != nil {
			return nil, fmt.Errorf("store: intro timings: %w", err)
		}
		t.CreatedAt, t.AnsweredAt = fromMicros(created), nullTime(answered)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: intro timings: %w", err)
	}
	return out, nil
}

const pipelineSelect = `SELECT e.investor_id, e.startup_id, COALESCE(p.name, e.startup_name), e.stage, e.note, e.pass_reason, e.source,
e.created_at, e.updated_at FROM pipeline_entries e LEFT JOIN profiles p ON p.id = e.startup_id`

func scanPipeline(r rowScanner) (*makerlink.PipelineEntry, error) {
	e := &makerlink.PipelineEntry{}
	var created, updated int64
	if err := r.Scan(&e.InvestorID, &e.StartupID, &e.StartupName, &e.Stage, &e.Note, &e.PassReason, &e.Source, &created, &updated); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return e, nil
}

// SavePipelineEntry implements [makerlink.ConnectionStore]. A nil note
// keeps the stored one.
func (db *DB) SavePipelineEntry(ctx context.Context, investorID, startupID string, u makerlink.PipelineUpdate) (*makerlink.PipelineEntry, error) {
	if !allStorable(investorID, startupID) {
		return nil, errNotFound("Startup")
	}
	note, setNote := "", u.Note != nil
	if setNote {
		note = *u.Note
	}
	if !storable(note) {
		return nil, errInvalidText("note")
	}
	now := db.now()
	var out *makerlink.PipelineEntry
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM profiles WHERE id = $1 AND kind = $2`, startupID, string(makerlink.KindStartup)).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Startup")
		}
		if err != nil {
			return fmt.Errorf("store: pipeline startup: %w", err)
		}
		keep := 0
		if !setNote {
			keep = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pipeline_entries (investor_id, startup_id, startup_name, stage, note, pass_reason,
source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
ON CONFLICT (investor_id, startup_id) DO UPDATE SET startup_name = excluded.startup_name, stage = excluded.stage,
note = CASE WHEN $9 = 1 THEN pipeline_entries.note ELSE excluded.note END, pass_reason = excluded.pass_reason,
updated_at = excluded.updated_at`,
			investorID, startupID, name, u.Stage, note, u.PassReason, makerlink.SourceManual, toMicros(now), keep); err != nil {
			return fmt.Errorf("store: save pipeline entry: %w", err)
		}
		out, err = scanPipeline(tx.QueryRowContext(ctx, pipelineSelect+` WHERE e.investor_id = $1 AND e.startup_id = $2`, investorID, startupID))
		if err != nil {
			return fmt.Errorf("store: read pipeline entry: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindPipelineEntry implements [makerlink.ConnectionStore].
func (db *DB) FindPipelineEntry(ctx context.Context, investorID, startupID string) (*makerlink.PipelineEntry, error) {
	if !allStorable(investorID, startupID) {
		return nil, errNotFound("Pipeline entry")
	}
	e, err := scanPipeline(db.r.QueryRowContext(ctx, pipelineSelect+` WHERE e.investor_id = $1 AND e.startup_id = $2`, investorID, startupID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Pipeline entry")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find pipeline entry: %w", err)
	}
	return e, nil
}

// FindPipeline implements [makerlink.ConnectionStore].
func (db *DB) FindPipeline(ctx context.Context, investorID string) ([]*makerlink.PipelineEntry, error) {
	out := []*makerlink.PipelineEntry{}
	if !storable(investorID) {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, pipelineSelect+` WHERE e.investor_id = $1 ORDER BY e.updated_at DESC, e.startup_id`, investorID)
	if err != nil {
		return nil, fmt.Errorf("store: find pipeline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanPipeline(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan pipeline: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find pipeline: %w", err)
	}
	return out, nil
}

// DeletePipelineEntry implements [makerlink.ConnectionStore].
func (db *DB) DeletePipelineEntry(ctx context.Context, investorID, startupID string) error {
	if !allStorable(investorID, startupID) {
		return errNotFound("Pipeline entry")
	}
	res, err := db.w.ExecContext(ctx, `DELETE FROM pipeline_entries WHERE investor_id = $1 AND startup_id = $2`, investorID, startupID)
	if err != nil {
		return fmt.Errorf("store: delete pipeline entry: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound("Pipeline entry")
	}
	return nil
}

// PassReasons implements [makerlink.ConnectionStore].
func (db *DB) PassReasons(ctx context.Context, startupID string) ([]string, error) {
	if !storable(startupID) {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT pass_reason FROM pipeline_entries WHERE startup_id = $1 AND stage = $2`,
		startupID, makerlink.StagePassed)
	if err != nil {
		return nil, fmt.Errorf("store: pass reasons: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("store: pass reasons: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pass reasons: %w", err)
	}
	return out, nil
}

// AddIntent puts an investor's intent card from a pitch event on their
// pipeline (stage new) unless the startup is there already; it implements
// the PipelineSink of package events. investorID is the investor's account.
func (db *DB) AddIntent(ctx context.Context, investorID, startupID, note string) error {
	if !allStorable(investorID, startupID, note) {
		return errNotFound("Startup")
	}
	now := db.now()
	_, err := db.w.ExecContext(ctx, `INSERT INTO pipeline_entries (investor_id, startup_id, startup_name, stage, note, pass_reason,
source, created_at, updated_at)
SELECT $1, $2, COALESCE((SELECT name FROM profiles WHERE id = $2), ''), $3, $4, '', $5, $6, $6 WHERE TRUE
ON CONFLICT (investor_id, startup_id) DO NOTHING`,
		investorID, startupID, makerlink.StageNew, note, makerlink.SourceIntent, toMicros(now))
	if err != nil {
		return fmt.Errorf("store: intent to pipeline: %w", err)
	}
	return nil
}

// StartupRelations implements [makerlink.RelationFinder]: the startup on
// the user's pipeline (invested, or any other stage), and an active
// mentorship of the user's.
func (db *DB) StartupRelations(ctx context.Context, userID, startupID string) ([]makerlink.Relation, error) {
	if !allStorable(userID, startupID) {
		return nil, nil
	}
	var out []makerlink.Relation
	var stage string
	err := db.r.QueryRowContext(ctx, `SELECT stage FROM pipeline_entries WHERE investor_id = $1 AND startup_id = $2`, userID, startupID).Scan(&stage)
	switch {
	case err == nil && stage == makerlink.StageInvested:
		out = append(out, makerlink.Relation{Reason: makerlink.RecuseInvested, Detail: "the judge's pipeline marks the startup invested"})
	case err == nil:
		out = append(out, makerlink.Relation{Reason: makerlink.RecusePipeline, Detail: "the startup is on the judge's pipeline (stage " + stage + ")"})
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: startup relations: %w", err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM mentorships WHERE mentor_user = $1 AND startup_id = $2 AND status = 'active'`,
		userID, startupID).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: startup relations: %w", err)
	}
	if n > 0 {
		out = append(out, makerlink.Relation{Reason: makerlink.RecuseMentor, Detail: "the judge mentors the startup"})
	}
	return out, nil
}

// MentorPaused implements [makerlink.ConnectionStore].
func (db *DB) MentorPaused(ctx context.Context, mentorID string) (bool, error) {
	if !storable(mentorID) {
		return false, nil
	}
	var paused bool
	err := db.r.QueryRowContext(ctx, `SELECT paused FROM mentor_settings WHERE mentor_id = $1`, mentorID).Scan(&paused)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: mentor paused: %w", err)
	}
	return paused, nil
}

// SetMentorPaused implements [makerlink.ConnectionStore].
func (db *DB) SetMentorPaused(ctx context.Context, mentorID string, paused bool) error {
	if !storable(mentorID) {
		return errNotFound("Mentor")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO mentor_settings (mentor_id, paused, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (mentor_id) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at`, mentorID, paused, toMicros(db.now()))
	if err != nil {
		return fmt.Errorf("store: pause mentor: %w", err)
	}
	return nil
}

// FindMentorships implements [makerlink.ConnectionStore].
func (db *DB) FindMentorships(ctx context.Context, mentorID string, activeOnly bool) ([]*makerlink.Mentorship, error) {
	out := []*makerlink.Mentorship{}
	if !storable(mentorID) {
		return out, nil
	}
	q := `SELECT m.mentor_id, m.startup_id, COALESCE(p.name, m.startup_name), m.intro_id, m.status, m.started_at, m.ended_at
FROM mentorships m LEFT JOIN profiles p ON p.id = m.startup_id WHERE m.mentor_id = $1`
	if activeOnly {
		q += ` AND m.status = 'active'`
	}
	q += ` ORDER BY CASE WHEN m.status = 'active' THEN 0 ELSE 1 END, m.started_at DESC`
	rows, err := db.r.QueryContext(ctx, q, mentorID)
	if err != nil {
		return nil, fmt.Errorf("store: find mentorships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m := &makerlink.Mentorship{}
		var started int64
		var ended sql.NullInt64
		if err := rows.Scan(&m.MentorID, &m.StartupID, &m.StartupName, &m.IntroID, &m.Status, &started, &ended); err != nil {
			return nil, fmt.Errorf("store: scan mentorship: %w", err)
		}
		m.StartedAt, m.EndedAt = fromMicros(started), nullTime(ended)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find mentorships: %w", err)
	}
	return out, nil
}

// EndMentorship implements [makerlink.ConnectionStore].
func (db *DB) EndMentorship(ctx context.Context, mentorID, startupID string) error {
	if !allStorable(mentorID, startupID) {
		return errNotFound("Mentorship")
	}
	res, err := db.w.ExecContext(ctx, `UPDATE mentorships SET status = 'ended', ended_at = $3 WHERE mentor_id = $1 AND startup_id = $2 AND status = 'active'`,
		mentorID, startupID, toMicros(db.now()))
	if err != nil {
		return fmt.Errorf("store: end mentorship: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound("Mentorship")
	}
	return nil
}

// AvailableMentors implements [makerlink.ConnectionStore]: mentors not
// paused and below capacity, in id order, skipping except.
func (db *DB) AvailableMentors(ctx context.Context, except string, limit int) ([]makerlink.ProfileRef, error) {
	return availableMentors(ctx, db.r, except, limit)
}

func availableMentors(ctx context.Context, q querier, except string, limit int) ([]makerlink.ProfileRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.doc,
(SELECT COUNT(*) FROM mentorships m WHERE m.mentor_id = p.id AND m.status = 'active'),
COALESCE((SELECT s.paused FROM mentor_settings s WHERE s.mentor_id = p.id), FALSE)
FROM profiles p WHERE p.kind = $1 AND p.id <> $2 ORDER BY p.id LIMIT 1000`, string(makerlink.KindMentor), except)
	if err != nil {
		return nil, fmt.Errorf("store: available mentors: %w", err)
	}
	defer rows.Close()
	out := []makerlink.ProfileRef{}
	for rows.Next() {
		var r makerlink.ProfileRef
		var doc string
		var active int
		var paused bool
		if err := rows.Scan(&r.ID, &r.Name, &doc, &active, &paused); err != nil {
			return nil, fmt.Errorf("store: available mentors: %w", err)
		}
		var m makerlink.Mentor
		if paused || json.Unmarshal([]byte(doc), &m) != nil || active >= m.Capacity || len(out) >= limit {
			continue
		}
		r.Kind = makerlink.KindMentor
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: available mentors: %w", err)
	}
	return out, nil
}
