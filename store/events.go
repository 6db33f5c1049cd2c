package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"makerlink"
)

// Live pitch events (issue 5): the tables of migration 0004_events. Every
// transaction that appends to event_audit first bumps the event's
// board_version, which locks the event row; audit entries of one event
// therefore commit in seq order, and the version rises with every change
// behind the leaderboard except votes.

var _ makerlink.EventStore = (*DB)(nil)

const eventColumns = `id, name, organizer_id, starts_at, preset, pitch_seconds, qa_seconds, rubric,
hide_results, ranking, current_pitch_id, results_published_at, created_at, updated_at`

const pitchColumns = `id, event_id, startup_id, startup_name, founder_id, ord, state, started_at,
qa_started_at, ended_at, voting_open, voting_closed, scoring_closed`

type rowScanner interface{ Scan(dest ...any) error }

func scanEvent(r rowScanner) (*makerlink.Event, error) {
	e := &makerlink.Event{}
	var starts, created, updated int64
	var published sql.NullInt64
	var rubric string
	if err := r.Scan(&e.ID, &e.Name, &e.OrganizerID, &starts, &e.Preset, &e.PitchSeconds, &e.QASeconds, &rubric,
		&e.HideResultsUntilClose, &e.Ranking, &e.CurrentPitchID, &published, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(rubric), &e.Rubric); err != nil {
		return nil, fmt.Errorf("store: event %s: bad rubric: %w", e.ID, err)
	}
	e.StartsAt, e.CreatedAt, e.UpdatedAt = fromMicros(starts), fromMicros(created), fromMicros(updated)
	e.ResultsPublishedAt = nullTime(published)
	return e, nil
}

func scanPitch(r rowScanner) (*makerlink.Pitch, error) {
	p := &makerlink.Pitch{}
	var started, qa, ended sql.NullInt64
	if err := r.Scan(&p.ID, &p.EventID, &p.StartupID, &p.StartupName, &p.FounderID, &p.Order, &p.State,
		&started, &qa, &ended, &p.VotingOpen, &p.VotingClosed, &p.ScoringClosed); err != nil {
		return nil, err
	}
	p.StartedAt, p.QAStartedAt, p.EndedAt = nullTime(started), nullTime(qa), nullTime(ended)
	return p, nil
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return toMicros(*t)
}

func allStorable(ss ...string) bool {
	for _, s := range ss {
		if !storable(s) {
			return false
		}
	}
	return true
}

// CreateEvent implements [makerlink.EventStore]. The caller validates e.
// Returns ENotFound when the organizer's account does not exist.
func (db *DB) CreateEvent(ctx context.Context, e *makerlink.Event) error {
	if !allStorable(e.Name, e.OrganizerID, e.Preset, e.Ranking) {
		return errInvalidText("name")
	}
	rubric, err := json.Marshal(e.Rubric)
	if err != nil || !storable(string(rubric)) {
		return errInvalidText("rubric")
	}
	now := db.now()
	if e.ID == "" {
		e.ID = makerlink.NewID(now)
	}
	e.CreatedAt, e.UpdatedAt = now, now
	e.StartsAt = fromMicros(toMicros(e.StartsAt))
	_, err = db.w.ExecContext(ctx, `INSERT INTO events (id, name, organizer_id, starts_at, preset, pitch_seconds,
qa_seconds, rubric, hide_results, ranking, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, e.Name, e.OrganizerID, toMicros(e.StartsAt), e.Preset, e.PitchSeconds, e.QASeconds, string(rubric),
		e.HideResultsUntilClose, e.Ranking, toMicros(now), toMicros(now))
	if err != nil {
		switch db.d.classify(err) {
		case violationForeignKey:
			return errNotFound("Account")
		case violationUnique:
			return makerlink.Errorf(makerlink.EConflict, "The event exists.")
		}
		return fmt.Errorf("store: create event: %w", err)
	}
	return nil
}

// FindEvent implements [makerlink.EventStore].
func (db *DB) FindEvent(ctx context.Context, id string) (*makerlink.Event, error) {
	return db.findEvent(ctx, db.r, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (db *DB) findEvent(ctx context.Context, q querier, id string) (*makerlink.Event, error) {
	if !storable(id) {
		return nil, errNotFound("Event")
	}
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Event")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find event: %w", err)
	}
	return e, nil
}

// FindEvents implements [makerlink.EventStore].
func (db *DB) FindEvents(ctx context.Context, f makerlink.EventFilter) ([]*makerlink.Event, string, error) {
	limit := clampLimit(f.Limit)
	q := `SELECT ` + eventColumns + ` FROM events WHERE 1 = 1`
	var args []any
	if f.OrganizerID != "" {
		args = append(args, f.OrganizerID)
		q += fmt.Sprintf(" AND organizer_id = $%d", len(args))
	}
	if f.Cursor != "" {
		before, err := DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, before)
		q += fmt.Sprintf(" AND id < $%d", len(args))
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: find events: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: scan event: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: find events: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// touchEvent bumps the event's board_version, locking its row until the
// transaction ends. Returns ENotFound for a missing event.
func (db *DB) touchEvent(ctx context.Context, tx *sql.Tx, eventID string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE events SET board_version = board_version + 1, updated_at = $2 WHERE id = $1`,
		eventID, toMicros(now))
	if err != nil {
		return fmt.Errorf("store: lock event: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound("Event")
	}
	return nil
}

// audit appends an entry to the event's audit log.
func audit(ctx context.Context, tx *sql.Tx, eventID, pitchID, judgeID, actorID, action string, detail any, at time.Time) error {
	var d string
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("store: audit detail: %w", err)
		}
		d = string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO event_audit (event_id, pitch_id, judge_id, actor_id, action, detail, at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, eventID, pitchID, judgeID, actorID, action, d, toMicros(at))
	if err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

// AddPitch implements [makerlink.EventStore]. A zero Order puts the pitch
// after the others.
func (db *DB) AddPitch(ctx context.Context, p *makerlink.Pitch, actorID string) error {
	if !allStorable(p.EventID, p.StartupID, actorID) {
		return errNotFound("Startup")
	}
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, p.EventID, now); err != nil {
			return err
		}
		if err := refuseIfPublished(ctx, tx, p.EventID); err != nil {
			return err
		}
		var doc, visibility string
		err := tx.QueryRowContext(ctx, `SELECT owner_id, visibility, doc FROM profiles WHERE id = $1 AND kind = $2`,
			p.StartupID, string(makerlink.KindStartup)).Scan(&p.FounderID, &visibility, &doc)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Startup")
		}
		if err != nil {
			return fmt.Errorf("store: add pitch: %w", err)
		}
		if visibility != makerlink.VisibilityPublic {
			return &makerlink.StartupNotPublicError{StartupID: p.StartupID, OwnerID: p.FounderID, Visibility: visibility}
		}
		var st makerlink.Startup
		if err := json.Unmarshal([]byte(doc), &st); err != nil {
			return fmt.Errorf("store: add pitch: startup doc: %w", err)
		}
		p.StartupName = st.Name
		if p.Order == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ord), 0) + 1 FROM event_pitches WHERE event_id = $1`,
				p.EventID).Scan(&p.Order); err != nil {
				return fmt.Errorf("store: add pitch: %w", err)
			}
		}
		if p.ID == "" {
			p.ID = makerlink.NewID(now)
		}
		p.State = makerlink.PitchScheduled
		_, err = tx.ExecContext(ctx, `INSERT INTO event_pitches (id, event_id, startup_id, startup_name, founder_id, ord, state)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.EventID, p.StartupID, p.StartupName, p.FounderID, p.Order, p.State)
		if err != nil {
			if db.d.classify(err) == violationUnique {
				return makerlink.Errorf(makerlink.EConflict, "The startup is already in this event, or another pitch has order %d.", p.Order)
			}
			return fmt.Errorf("store: add pitch: %w", err)
		}
		return audit(ctx, tx, p.EventID, p.ID, "", actorID, makerlink.AuditPitchAdded,
			map[string]any{"startup_id": p.StartupID, "order": p.Order}, now)
	})
}

// FindPitch implements [makerlink.EventStore].
func (db *DB) FindPitch(ctx context.Context, eventID, pitchID string) (*makerlink.Pitch, error) {
	return db.findPitch(ctx, db.r, eventID, pitchID)
}

func (db *DB) findPitch(ctx context.Context, q querier, eventID, pitchID string) (*makerlink.Pitch, error) {
	if !allStorable(eventID, pitchID) {
		return nil, errNotFound("Pitch")
	}
	p, err := scanPitch(q.QueryRowContext(ctx, `SELECT `+pitchColumns+` FROM event_pitches WHERE id = $1 AND event_id = $2`,
		pitchID, eventID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Pitch")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find pitch: %w", err)
	}
	return p, nil
}

// FindPitches implements [makerlink.EventStore].
func (db *DB) FindPitches(ctx context.Context, eventID string) ([]*makerlink.Pitch, error) {
	return db.findPitches(ctx, db.r, eventID)
}

func (db *DB) findPitches(ctx context.Context, q querier, eventID string) ([]*makerlink.Pitch, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+pitchColumns+` FROM event_pitches WHERE event_id = $1 ORDER BY ord, id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: find pitches: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Pitch{}
	for rows.Next() {
		p, err := scanPitch(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan pitch: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find pitches: %w", err)
	}
	return out, nil
}

// AddJudge implements [makerlink.EventStore]. It fills j.Name and j.AddedAt.
func (db *DB) AddJudge(ctx context.Context, j *makerlink.Judge, actorID string) error {
	if !allStorable(j.EventID, j.UserID, actorID) {
		return errNotFound("Account")
	}
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, j.EventID, now); err != nil {
			return err
		}
		if err := refuseIfPublished(ctx, tx, j.EventID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, j.UserID).Scan(&j.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Account")
		}
		if err != nil {
			return fmt.Errorf("store: add judge: %w", err)
		}
		j.AddedAt = now
		_, err = tx.ExecContext(ctx, `INSERT INTO event_judges (event_id, user_id, added_at) VALUES ($1, $2, $3)`,
			j.EventID, j.UserID, toMicros(now))
		if err != nil {
			if db.d.classify(err) == violationUnique {
				return makerlink.Errorf(makerlink.EConflict, "This account already judges the event.")
			}
			return fmt.Errorf("store: add judge: %w", err)
		}
		return audit(ctx, tx, j.EventID, "", j.UserID, actorID, makerlink.AuditJudgeAdded, nil, now)
	})
}

// FindJudges implements [makerlink.EventStore].
func (db *DB) FindJudges(ctx context.Context, eventID string) ([]*makerlink.Judge, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT j.user_id, u.name, j.added_at FROM event_judges j JOIN users u ON u.id = j.user_id
WHERE j.event_id = $1 ORDER BY j.added_at, j.user_id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: find judges: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Judge{}
	for rows.Next() {
		j := &makerlink.Judge{EventID: eventID}
		var added int64
		if err := rows.Scan(&j.UserID, &j.Name, &added); err != nil {
			return nil, fmt.Errorf("store: scan judge: %w", err)
		}
		j.AddedAt = fromMicros(added)
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find judges: %w", err)
	}
	return out, nil
}

// IsJudge implements [makerlink.EventStore].
func (db *DB) IsJudge(ctx context.Context, eventID, userID string) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM event_judges WHERE event_id = $1 AND user_id = $2`, eventID, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: is judge: %w", err)
	}
	return true, nil
}

func errState(format string, args ...any) error {
	return makerlink.Errorf(makerlink.EConflict, format, args...)
}

// errPublished is the EConflict of every change to an event whose results
// are published.
func errPublished() error {
	return errState("The results of this event are published; nothing can change any more.")
}

// refuseIfPublished returns [errPublished] when the event's results are
// published. Call it after touchEvent, which locks the event's row, so
// that no change commits after publish_results.
func refuseIfPublished(ctx context.Context, tx *sql.Tx, eventID string) error {
	var published sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT results_published_at FROM events WHERE id = $1`, eventID).Scan(&published)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound("Event")
	}
	if err != nil {
		return fmt.Errorf("store: event %s: results published: %w", eventID, err)
	}
	if published.Valid {
		return errPublished()
	}
	return nil
}

// Control implements [makerlink.EventStore]. State machine of a pitch:
// scheduled -start_pitch-> pitching -start_qa-> qa -end_pitch-> ended
// (end_pitch also ends a pitch without Q&A). One pitch is on stage at a
// time. Voting opens any time after start_pitch and closes for good;
// scoring closes by close_scoring or publish_results, which also closes all
// voting. Nothing changes after publish_results.
func (db *DB) Control(ctx context.Context, r makerlink.ControlRequest) (*makerlink.ControlResult, error) {
	if !slices.Contains(makerlink.ControlActions, r.Action) {
		return nil, makerlink.Errorf(makerlink.EValidation, "Unknown action %q.", r.Action)
	}
	if !allStorable(r.EventID, r.PitchID, r.ActorID) {
		return nil, errNotFound("Pitch")
	}
	now := db.now()
	res := &makerlink.ControlResult{}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, r.EventID, now); err != nil {
			return err
		}
		e, err := db.findEvent(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		if e.ResultsPublishedAt != nil {
			return errPublished()
		}
		pitches, err := db.findPitches(ctx, tx, r.EventID)
		if err != nil {
			return err
		}
		var p *makerlink.Pitch
		if r.Action != makerlink.ActionPublishResults {
			if r.PitchID == "" {
				return &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
					Fields: []makerlink.FieldError{{Field: "pitch_id", Code: makerlink.FRequired, Message: "is required for " + r.Action}}}
			}
			for _, x := range pitches {
				if x.ID == r.PitchID {
					p = x
				}
			}
			if p == nil {
				return errNotFound("Pitch")
			}
		}
		exec := func(q string, args ...any) error {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("store: control %s: %w", r.Action, err)
			}
			return nil
		}
		us := toMicros(now)
		switch r.Action {
		case makerlink.ActionStartPitch:
			if p.State != makerlink.PitchScheduled {
				return errState("This pitch has already started (it is %s).", p.State)
			}
			for _, x := range pitches {
				if x.State == makerlink.PitchPitching || x.State == makerlink.PitchQA {
					return errState("Another pitch (order %d) is on stage; end it first.", x.Order)
				}
			}
			if err := exec(`UPDATE event_pitches SET state = $2, started_at = $3 WHERE id = $1`, p.ID, makerlink.PitchPitching, us); err != nil {
				return err
			}
			if err := exec(`UPDATE events SET current_pitch_id = $2 WHERE id = $1`, e.ID, p.ID); err != nil {
				return err
			}
			if next := nextPitch(pitches, p); next != nil && next.FounderID != "" {
				res.Notifications = append(res.Notifications, makerlink.PitchNextNotification(e, next))
			}
		case makerlink.ActionStartQA:
			if p.State != makerlink.PitchPitching {
				return errState("Q&A starts after the pitch; this pitch is %s.", p.State)
			}
			if err := exec(`UPDATE event_pitches SET state = $2, qa_started_at = $3 WHERE id = $1`, p.ID, makerlink.PitchQA, us); err != nil {
				return err
			}
		case makerlink.ActionEndPitch:
			if p.State != makerlink.PitchPitching && p.State != makerlink.PitchQA {
				return errState("Only a pitch on stage can end; this pitch is %s.", p.State)
			}
			if err := exec(`UPDATE event_pitches SET state = $2, ended_at = $3 WHERE id = $1`, p.ID, makerlink.PitchEnded, us); err != nil {
				return err
			}
			if err := exec(`UPDATE events SET current_pitch_id = '' WHERE id = $1 AND current_pitch_id = $2`, e.ID, p.ID); err != nil {
				return err
			}
		case makerlink.ActionOpenVoting:
			switch {
			case p.State == makerlink.PitchScheduled:
				return errState("Voting opens after the pitch starts.")
			case p.VotingClosed:
				return errState("Voting on this pitch is closed for good.")
			case p.VotingOpen:
				return errState("Voting on this pitch is already open.")
			}
			if err := exec(`UPDATE event_pitches SET voting_open = TRUE WHERE id = $1`, p.ID); err != nil {
				return err
			}
		case makerlink.ActionCloseVoting:
			if !p.VotingOpen {
				return errState("Voting on this pitch is not open.")
			}
			if err := exec(`UPDATE event_pitches SET voting_open = FALSE, voting_closed = TRUE WHERE id = $1`, p.ID); err != nil {
				return err
			}
		case makerlink.ActionCloseScoring:
			switch {
			case p.State == makerlink.PitchScheduled:
				return errState("Scoring opens when the pitch starts.")
			case p.ScoringClosed:
				return errState("Scoring of this pitch is already closed.")
			}
			if err := exec(`UPDATE event_pitches SET scoring_closed = TRUE WHERE id = $1`, p.ID); err != nil {
				return err
			}
		case makerlink.ActionPublishResults:
			if err := exec(`UPDATE event_pitches SET voting_open = FALSE, voting_closed = TRUE, scoring_closed = TRUE WHERE event_id = $1`, e.ID); err != nil {
				return err
			}
			if err := exec(`UPDATE events SET results_published_at = $2 WHERE id = $1`, e.ID, us); err != nil {
				return err
			}
			for _, x := range pitches {
				if x.FounderID != "" {
					res.Notifications = append(res.Notifications, makerlink.ScoresPublishedNotification(e, x))
				}
			}
		}
		for _, n := range res.Notifications {
			if err := insertNotification(ctx, tx, n, now); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, e.ID, r.PitchID, "", r.ActorID, makerlink.AuditControl, map[string]string{"action": r.Action}, now); err != nil {
			return err
		}
		if res.Event, err = db.findEvent(ctx, tx, e.ID); err != nil {
			return err
		}
		if p != nil {
			res.Pitch, err = db.findPitch(ctx, tx, e.ID, p.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// nextPitch is the scheduled pitch that follows p: the lowest order above
// p's, else the lowest order of all scheduled ones.
func nextPitch(pitches []*makerlink.Pitch, p *makerlink.Pitch) *makerlink.Pitch {
	var after, first *makerlink.Pitch
	for _, x := range pitches {
		if x.ID == p.ID || x.State != makerlink.PitchScheduled {
			continue
		}
		if first == nil || x.Order < first.Order {
			first = x
		}
		if x.Order > p.Order && (after == nil || x.Order < after.Order) {
			after = x
		}
	}
	if after != nil {
		return after
	}
	return first
}

// Recuse implements [makerlink.EventStore]. Each recusal must name a pitch
// of its event; repeated ones are ignored.
func (db *DB) Recuse(ctx context.Context, rs []*makerlink.Recusal, actorID string) ([]*makerlink.Recusal, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	for _, r := range rs {
		if !allStorable(r.EventID, r.PitchID, r.JudgeID, r.Reason, r.Detail, actorID) {
			return nil, errInvalidText("reason")
		}
	}
	now := db.now()
	var added []*makerlink.Recusal
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		added = added[:0]
		touched := map[string]bool{}
		for _, r := range rs {
			if !touched[r.EventID] {
				if err := db.touchEvent(ctx, tx, r.EventID, now); err != nil {
					return err
				}
				if err := refuseIfPublished(ctx, tx, r.EventID); err != nil {
					return err
				}
				touched[r.EventID] = true
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO event_recusals (event_id, pitch_id, judge_id, reason, detail, created_at)
SELECT event_id, id, $3, $4, $5, $6 FROM event_pitches WHERE id = $2 AND event_id = $1
ON CONFLICT (pitch_id, judge_id, reason) DO NOTHING`, r.EventID, r.PitchID, r.JudgeID, r.Reason, r.Detail, toMicros(now))
			if err != nil {
				return fmt.Errorf("store: recuse: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if _, err := db.findPitch(ctx, tx, r.EventID, r.PitchID); err != nil {
					return err
				}
				continue
			}
			r.CreatedAt = now
			added = append(added, r)
			if err := audit(ctx, tx, r.EventID, r.PitchID, r.JudgeID, actorID, makerlink.AuditRecused,
				map[string]string{"reason": r.Reason, "detail": r.Detail}, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// FindRecusals implements [makerlink.EventStore].
func (db *DB) FindRecusals(ctx context.Context, eventID string) ([]*makerlink.Recusal, error) {
	return db.findRecusals(ctx, db.r, `WHERE event_id = $1`, eventID)
}

func (db *DB) findRecusals(ctx context.Context, q querier, where string, args ...any) ([]*makerlink.Recusal, error) {
	rows, err := q.QueryContext(ctx, `SELECT event_id, pitch_id, judge_id, reason, detail, created_at FROM event_recusals `+
		where+` ORDER BY pitch_id, judge_id, reason`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find recusals: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Recusal{}
	for rows.Next() {
		r := &makerlink.Recusal{}
		var at int64
		if err := rows.Scan(&r.EventID, &r.PitchID, &r.JudgeID, &r.Reason, &r.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: scan recusal: %w", err)
		}
		r.CreatedAt = fromMicros(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find recusals: %w", err)
	}
	return out, nil
}

// ConflictFacts implements [makerlink.EventStore].
func (db *DB) ConflictFacts(ctx context.Context, judgeID, startupID string) (*makerlink.ConflictFacts, error) {
	if !allStorable(judgeID, startupID) {
		return nil, errNotFound("Startup")
	}
	f := &makerlink.ConflictFacts{JudgeID: judgeID, StartupID: startupID}
	var doc string
	err := db.r.QueryRowContext(ctx, `SELECT owner_id, doc FROM profiles WHERE id = $1 AND kind = $2`,
		startupID, string(makerlink.KindStartup)).Scan(&f.OwnerID, &doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// The startup was deleted since it pitched: only the judge's own
		// data remains to compare with.
	case err != nil:
		return nil, fmt.Errorf("store: conflict facts: %w", err)
	default:
		var st makerlink.Startup
		if err := json.Unmarshal([]byte(doc), &st); err == nil {
			f.StartupName = st.Name
		}
	}
	var perr error
	if f.JudgeEmail, f.JudgeOrgs, f.Portfolio, perr = db.personFacts(ctx, judgeID); perr != nil {
		return nil, perr
	}
	if f.OwnerID != "" {
		if f.OwnerEmail, f.OwnerOrgs, _, perr = db.personFacts(ctx, f.OwnerID); perr != nil {
			return nil, perr
		}
	}
	var one int
	err = db.r.QueryRowContext(ctx, `SELECT 1 FROM event_intents WHERE investor_id = $1 AND startup_id = $2 LIMIT 1`,
		judgeID, startupID).Scan(&one)
	switch {
	case err == nil:
		f.HasIntent = true
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: conflict facts: %w", err)
	}
	return f, nil
}

// personFacts returns a user's email and the organizations and portfolio
// entries of their investor and mentor profiles.
func (db *DB) personFacts(ctx context.Context, userID string) (email string, orgs, portfolio []string, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil, fmt.Errorf("store: conflict facts: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT kind, doc FROM profiles WHERE owner_id = $1 AND kind IN ($2, $3)`,
		userID, string(makerlink.KindInvestor), string(makerlink.KindMentor))
	if err != nil {
		return "", nil, nil, fmt.Errorf("store: conflict facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, doc string
		if err := rows.Scan(&kind, &doc); err != nil {
			return "", nil, nil, fmt.Errorf("store: conflict facts: %w", err)
		}
		var p struct {
			Organization string   `json:"organization"`
			Portfolio    []string `json:"portfolio"`
		}
		if json.Unmarshal([]byte(doc), &p) != nil {
			continue
		}
		if strings.TrimSpace(p.Organization) != "" {
			orgs = append(orgs, p.Organization)
		}
		portfolio = append(portfolio, p.Portfolio...)
	}
	if err := rows.Err(); err != nil {
		return "", nil, nil, fmt.Errorf("store: conflict facts: %w", err)
	}
	return email, orgs, portfolio, nil
}

// scoreDetail is what the audit keeps of a score.
type scoreDetail struct {
	Scores   map[string]float64 `json:"scores"`
	Total    float64            `json:"total"`
	Comment  string             `json:"comment"`
	Previous *scoreDetail       `json:"previous,omitempty"`
}

// AuditRefusedScore implements [makerlink.EventStore].
func (db *DB) AuditRefusedScore(ctx context.Context, s *makerlink.Score, reasons []*makerlink.Recusal) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, s.EventID, now); err != nil {
			return err
		}
		return auditRefused(ctx, tx, s, reasons, now)
	})
}

func auditRefused(ctx context.Context, tx *sql.Tx, s *makerlink.Score, reasons []*makerlink.Recusal, now time.Time) error {
	type reason struct {
		Reason string `json:"reason"`
		Detail string `json:"detail"`
	}
	rs := make([]reason, len(reasons))
	for i, r := range reasons {
		rs[i] = reason{r.Reason, r.Detail}
	}
	return audit(ctx, tx, s.EventID, s.PitchID, s.JudgeID, s.JudgeID, makerlink.AuditScoreRefused,
		map[string]any{"code": makerlink.EConflictOfInterest, "reasons": rs, "scores": s.Scores}, now)
}

// SetScore implements [makerlink.EventStore]. It validates the scores
// against the event's rubric and computes Total. A refused score of a
// recused judge is itself recorded in the audit log.
func (db *DB) SetScore(ctx context.Context, s *makerlink.Score) error {
	if !allStorable(s.EventID, s.PitchID, s.JudgeID) {
		return errNotFound("Pitch")
	}
	if !storable(s.Comment) {
		return errInvalidText("comment")
	}
	now := db.now()
	var refused error
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, s.EventID, now); err != nil {
			return err
		}
		e, err := db.findEvent(ctx, tx, s.EventID)
		if err != nil {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM event_judges WHERE event_id = $1 AND user_id = $2`, s.EventID, s.JudgeID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return makerlink.Errorf(makerlink.EForbidden, "Only the judges of this event may score it.")
		}
		if err != nil {
			return fmt.Errorf("store: set score: %w", err)
		}
		p, err := db.findPitch(ctx, tx, s.EventID, s.PitchID)
		if err != nil {
			return err
		}
		if err := makerlink.ValidateScores(e.Rubric, s.Scores); err != nil {
			return err
		}
		recs, err := db.findRecusals(ctx, tx, `WHERE pitch_id = $1 AND judge_id = $2`, s.PitchID, s.JudgeID)
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			refused = &makerlink.Error{Code: makerlink.EConflictOfInterest,
				Message: "You are recused from this pitch (" + recs[0].Detail + "); your score is not accepted."}
			return auditRefused(ctx, tx, s, recs, now)
		}
		if !p.ScoringOpen() {
			if p.State == makerlink.PitchScheduled {
				return errState("Scoring opens when the pitch starts.")
			}
			return errState("Scoring of this pitch is closed.")
		}
		s.Total = makerlink.JudgeScore(e.Rubric, s.Scores)
		doc, err := json.Marshal(s.Scores)
		if err != nil {
			return fmt.Errorf("store: set score: %w", err)
		}
		var prev *scoreDetail
		var prevScores, prevComment string
		var prevTotal float64
		var created int64
		err = tx.QueryRowContext(ctx, `SELECT scores, total, comment, created_at FROM event_scores WHERE pitch_id = $1 AND judge_id = $2`,
			s.PitchID, s.JudgeID).Scan(&prevScores, &prevTotal, &prevComment, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = toMicros(now)
		case err != nil:
			return fmt.Errorf("store: set score: %w", err)
		default:
			prev = &scoreDetail{Total: prevTotal, Comment: prevComment}
			_ = json.Unmarshal([]byte(prevScores), &prev.Scores)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO event_scores (event_id, pitch_id, judge_id, scores, total, comment, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (pitch_id, judge_id) DO UPDATE SET scores = excluded.scores, total = excluded.total,
comment = excluded.comment, updated_at = excluded.updated_at`,
			s.EventID, s.PitchID, s.JudgeID, string(doc), s.Total, s.Comment, created, toMicros(now))
		if err != nil {
			return fmt.Errorf("store: set score: %w", err)
		}
		s.CreatedAt, s.UpdatedAt = fromMicros(created), now
		return audit(ctx, tx, s.EventID, s.PitchID, s.JudgeID, s.JudgeID, makerlink.AuditScoreSet,
			scoreDetail{Scores: s.Scores, Total: s.Total, Comment: s.Comment, Previous: prev}, now)
	})
	if err != nil {
		return err
	}
	return refused
}

// FindScores implements [makerlink.EventStore].
func (db *DB) FindScores(ctx context.Context, eventID string) ([]*makerlink.Score, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT pitch_id, judge_id, scores, total, comment, created_at, updated_at
FROM event_scores WHERE event_id = $1 ORDER BY pitch_id, judge_id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: find scores: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Score{}
	for rows.Next() {
		s := &makerlink.Score{EventID: eventID}
		var doc string
		var created, updated int64
		if err := rows.Scan(&s.PitchID, &s.JudgeID, &doc, &s.Total, &s.Comment, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: scan score: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &s.Scores); err != nil {
			return nil, fmt.Errorf("store: score of %s by %s: %w", s.PitchID, s.JudgeID, err)
		}
		s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find scores: %w", err)
	}
	return out, nil
}

// BoardVersion implements [makerlink.EventStore].
func (db *DB) BoardVersion(ctx context.Context, eventID string) (int64, error) {
	var v int64
	err := db.r.QueryRowContext(ctx, `SELECT board_version FROM events WHERE id = $1`, eventID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNotFound("Event")
	}
	if err != nil {
		return 0, fmt.Errorf("store: board version: %w", err)
	}
	return v, nil
}

const questionColumns = `id, event_id, user_id, text, upvotes, hidden, created_at`

func scanQuestion(r rowScanner) (*makerlink.Question, error) {
	q := &makerlink.Question{}
	var at int64
	if err := r.Scan(&q.ID, &q.EventID, &q.UserID, &q.Text, &q.Upvotes, &q.Hidden, &at); err != nil {
		return nil, err
	}
	q.CreatedAt = fromMicros(at)
	return q, nil
}

// CreateQuestion implements [makerlink.EventStore].
func (db *DB) CreateQuestion(ctx context.Context, q *makerlink.Question) error {
	if !allStorable(q.EventID, q.UserID) {
		return errNotFound("Event")
	}
	if !storable(q.Text) {
		return errInvalidText("text")
	}
	now := db.now()
	if q.ID == "" {
		q.ID = makerlink.NewID(now)
	}
	q.CreatedAt, q.Upvotes, q.Hidden = now, 0, false
	_, err := db.w.ExecContext(ctx, `INSERT INTO event_questions (id, event_id, user_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		q.ID, q.EventID, q.UserID, q.Text, toMicros(now))
	if err != nil {
		if db.d.classify(err) == violationForeignKey {
			return errNotFound("Event")
		}
		return fmt.Errorf("store: create question: %w", err)
	}
	return nil
}

// UpvoteQuestion implements [makerlink.EventStore].
func (db *DB) UpvoteQuestion(ctx context.Context, eventID, questionID, userID string) (*makerlink.Question, error) {
	if !allStorable(eventID, questionID, userID) {
		return nil, errNotFound("Question")
	}
	now := db.now()
	var q *makerlink.Question
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO event_question_upvotes (question_id, user_id, created_at)
SELECT id, $3, $4 FROM event_questions WHERE id = $1 AND event_id = $2 AND NOT hidden`, questionID, eventID, userID, toMicros(now))
		if err != nil {
			if db.d.classify(err) == violationUnique {
				return makerlink.Errorf(makerlink.EAlreadyVoted, "You have already upvoted this question.")
			}
			return fmt.Errorf("store: upvote: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Question")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_questions SET upvotes = upvotes + 1 WHERE id = $1`, questionID); err != nil {
			return fmt.Errorf("store: upvote: %w", err)
		}
		q, err = scanQuestion(tx.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM event_questions WHERE id = $1`, questionID))
		if err != nil {
			return fmt.Errorf("store: upvote: %w", err)
		}
		return nil
	})
	return q, err
}

// HideQuestion implements [makerlink.EventStore]; the change is audited.
func (db *DB) HideQuestion(ctx context.Context, eventID, questionID, actorID string, hidden bool) (*makerlink.Question, error) {
	if !allStorable(eventID, questionID, actorID) {
		return nil, errNotFound("Question")
	}
	now := db.now()
	var q *makerlink.Question
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.touchEvent(ctx, tx, eventID, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE event_questions SET hidden = $3 WHERE id = $1 AND event_id = $2`, questionID, eventID, hidden)
		if err != nil {
			return fmt.Errorf("store: hide question: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Question")
		}
		q, err = scanQuestion(tx.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM event_questions WHERE id = $1`, questionID))
		if err != nil {
			return fmt.Errorf("store: hide question: %w", err)
		}
		return audit(ctx, tx, eventID, "", "", actorID, makerlink.AuditQuestionHide,
			map[string]any{"question_id": questionID, "hidden": hidden}, now)
	})
	return q, err
}

// FindQuestions implements [makerlink.EventStore].
func (db *DB) FindQuestions(ctx context.Context, eventID string, withHidden bool) ([]*makerlink.Question, error) {
	q := `SELECT ` + questionColumns + ` FROM event_questions WHERE event_id = $1`
	if !withHidden {
		q += ` AND NOT hidden`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY upvotes DESC, id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: find questions: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Question{}
	for rows.Next() {
		x, err := scanQuestion(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan question: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find questions: %w", err)
	}
	return out, nil
}

// SaveIntent implements [makerlink.EventStore]. It fills in.StartupID from
// the pitch.
func (db *DB) SaveIntent(ctx context.Context, in *makerlink.Intent) (bool, *makerlink.Notification, error) {
	if !allStorable(in.EventID, in.PitchID, in.InvestorID) {
		return false, nil, errNotFound("Pitch")
	}
	if !storable(in.Note) {
		return false, nil, errInvalidText("note")
	}
	now := db.now()
	var created bool
	var note *makerlink.Notification
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		created, note = false, nil
		e, err := db.findEvent(ctx, tx, in.EventID)
		if err != nil {
			return err
		}
		p, err := db.findPitch(ctx, tx, in.EventID, in.PitchID)
		if err != nil {
			return err
		}
		in.StartupID = p.StartupID
		id := in.ID
		if id == "" {
			id = makerlink.NewID(now)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO event_intents (id, event_id, pitch_id, startup_id, investor_id, note, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (pitch_id, investor_id) DO NOTHING`,
			id, in.EventID, in.PitchID, p.StartupID, in.InvestorID, in.Note, toMicros(now))
		if err != nil {
			return fmt.Errorf("store: save intent: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			in.ID, in.CreatedAt, in.UpdatedAt = id, now, now
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, in.InvestorID).Scan(&name); err != nil {
				return fmt.Errorf("store: save intent: investor: %w", err)
			}
			if p.FounderID != "" {
				note = makerlink.IntentNotification(e, p, in, name)
				return insertNotification(ctx, tx, note, now)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_intents SET note = $3, updated_at = $4 WHERE pitch_id = $1 AND investor_id = $2`,
			in.PitchID, in.InvestorID, in.Note, toMicros(now)); err != nil {
			return fmt.Errorf("store: save intent: %w", err)
		}
		var c, u int64
		if err := tx.QueryRowContext(ctx, `SELECT id, created_at, updated_at FROM event_intents WHERE pitch_id = $1 AND investor_id = $2`,
			in.PitchID, in.InvestorID).Scan(&in.ID, &c, &u); err != nil {
			return fmt.Errorf("store: save intent: %w", err)
		}
		in.CreatedAt, in.UpdatedAt = fromMicros(c), fromMicros(u)
		return nil
	})
	if err != nil {
		return false, nil, err
	}
	return created, note, nil
}

// FindIntents implements [makerlink.EventStore].
func (db *DB) FindIntents(ctx context.Context, eventID, pitchID string) ([]*makerlink.Intent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, startup_id, investor_id, note, created_at, updated_at FROM event_intents
WHERE event_id = $1 AND pitch_id = $2 ORDER BY id`, eventID, pitchID)
	if err != nil {
		return nil, fmt.Errorf("store: find intents: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.Intent{}
	for rows.Next() {
		in := &makerlink.Intent{EventID: eventID, PitchID: pitchID}
		var c, u int64
		if err := rows.Scan(&in.ID, &in.StartupID, &in.InvestorID, &in.Note, &c, &u); err != nil {
			return nil, fmt.Errorf("store: scan intent: %w", err)
		}
		in.CreatedAt, in.UpdatedAt = fromMicros(c), fromMicros(u)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find intents: %w", err)
	}
	return out, nil
}

// FindAudit implements [makerlink.EventStore].
func (db *DB) FindAudit(ctx context.Context, f makerlink.AuditFilter) ([]*makerlink.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, 1000)
	rows, err := db.r.QueryContext(ctx, fmt.Sprintf(`SELECT seq, pitch_id, judge_id, actor_id, action, detail, at FROM event_audit
WHERE event_id = $1 AND seq > $2 ORDER BY seq LIMIT %d`, limit), f.EventID, f.After)
	if err != nil {
		return nil, fmt.Errorf("store: find audit: %w", err)
	}
	defer rows.Close()
	out := []*makerlink.AuditEntry{}
	for rows.Next() {
		a := &makerlink.AuditEntry{EventID: f.EventID}
		var detail string
		var at int64
		if err := rows.Scan(&a.Seq, &a.PitchID, &a.JudgeID, &a.ActorID, &a.Action, &detail, &at); err != nil {
			return nil, fmt.Errorf("store: scan audit: %w", err)
		}
		if detail != "" {
			a.Detail = json.RawMessage(detail)
		}
		a.At = fromMicros(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find audit: %w", err)
	}
	return out, nil
}
