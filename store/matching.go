package store

import (
	"context"
	"fmt"

	"makerlink"
)

// Match feedback and the connection signals of the ranking (issue 4,
// migration 0003).

var _ makerlink.MatchStore = (*DB)(nil)

// SaveMatchFeedback implements [makerlink.MatchStore].
func (db *DB) SaveMatchFeedback(ctx context.Context, f *makerlink.MatchFeedback) error {
	for _, s := range []string{string(f.FromKind), f.FromID, string(f.ToKind), f.ToID, f.Action, f.UserID} {
		if !storable(s) {
			return errInvalidText("match feedback")
		}
	}
	if f.Action != makerlink.MatchSave && f.Action != makerlink.MatchDismiss {
		return makerlink.Errorf(makerlink.EValidation, "The action must be save or dismiss.")
	}
	f.CreatedAt = db.now()
	_, err := db.w.ExecContext(ctx, `INSERT INTO match_feedback (from_kind, from_id, to_kind, to_id, action, user_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (from_kind, from_id, to_kind, to_id) DO UPDATE SET action = excluded.action, user_id = excluded.user_id, created_at = excluded.created_at`,
		string(f.FromKind), f.FromID, string(f.ToKind), f.ToID, f.Action, f.UserID, toMicros(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save match feedback: %w", err)
	}
	return nil
}

// DeleteMatchFeedback implements [makerlink.MatchStore].
func (db *DB) DeleteMatchFeedback(ctx context.Context, fromKind makerlink.Kind, fromID string, toKind makerlink.Kind, toID string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM match_feedback WHERE from_kind = $1 AND from_id = $2 AND to_kind = $3 AND to_id = $4`,
		string(fromKind), fromID, string(toKind), toID)
	if err != nil {
		return fmt.Errorf("store: delete match feedback: %w", err)
	}
	return nil
}

// FindMatchFeedback implements [makerlink.MatchStore].
func (db *DB) FindMatchFeedback(ctx context.Context) ([]*makerlink.MatchFeedback, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT from_kind, from_id, to_kind, to_id, action, user_id, created_at
FROM match_feedback ORDER BY created_at, from_kind, from_id, to_kind, to_id`)
	if err != nil {
		return nil, fmt.Errorf("store: find match feedback: %w", err)
	}
	defer rows.Close()
	var out []*makerlink.MatchFeedback
	for rows.Next() {
		f := &makerlink.MatchFeedback{}
		var fk, tk string
		var at int64
		if err := rows.Scan(&fk, &f.FromID, &tk, &f.ToID, &f.Action, &f.UserID, &at); err != nil {
			return nil, fmt.Errorf("store: scan match feedback: %w", err)
		}
		f.FromKind, f.ToKind, f.CreatedAt = makerlink.Kind(fk), makerlink.Kind(tk), fromMicros(at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find match feedback: %w", err)
	}
	return out, nil
}

// MatchSignals implements [makerlink.MatchStore] with three grouped reads
// of the connections tables (migration 0005).
func (db *DB) MatchSignals(ctx context.Context) (*makerlink.MatchSignals, error) {
	sig := &makerlink.MatchSignals{
		OpenRequests: map[makerlink.ProfileRef]int{},
		Mentees:      map[string]int{},
		Interest:     map[makerlink.ProfileRef][]string{},
		Pipeline:     map[string][]string{},
		Paused:       map[string]bool{},
		Passed:       map[string][]string{},
	}
	err := db.scanRows(ctx, `SELECT to_kind, to_id, COUNT(*) FROM intros WHERE status = $1 GROUP BY to_kind, to_id`,
		[]any{makerlink.IntroPending}, func(scan func(...any) error) error {
			var k, id string
			var n int
			if err := scan(&k, &id, &n); err != nil {
				return err
			}
			sig.OpenRequests[makerlink.ProfileRef{Kind: makerlink.Kind(k), ID: id}] = n
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.scanRows(ctx, `SELECT mentor_id, startup_id FROM mentorships WHERE status = $1`,
		[]any{makerlink.MentorshipActive}, func(scan func(...any) error) error {
			var m, s string
			if err := scan(&m, &s); err != nil {
				return err
			}
			sig.Mentees[m]++
			r := makerlink.ProfileRef{Kind: makerlink.KindMentor, ID: m}
			sig.Interest[r] = append(sig.Interest[r], s)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.scanRows(ctx, `SELECT to_kind, to_id, startup_id FROM intros WHERE status = $1 AND to_kind = $2`,
		[]any{makerlink.IntroAccepted, string(makerlink.KindInvestor)}, func(scan func(...any) error) error {
			var k, id, s string
			if err := scan(&k, &id, &s); err != nil {
				return err
			}
			r := makerlink.ProfileRef{Kind: makerlink.Kind(k), ID: id}
			sig.Interest[r] = append(sig.Interest[r], s)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.scanRows(ctx, `SELECT mentor_id FROM mentor_settings WHERE paused = $1`, []any{true}, func(scan func(...any) error) error {
		var m string
		if err := scan(&m); err != nil {
			return err
		}
		sig.Paused[m] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.scanRows(ctx, `SELECT investor_id, startup_id, stage FROM pipeline_entries`,
		nil, func(scan func(...any) error) error {
			var u, s, stage string
			if err := scan(&u, &s, &stage); err != nil {
				return err
			}
			if stage == makerlink.StagePassed {
				sig.Passed[u] = append(sig.Passed[u], s)
			} else {
				sig.Pipeline[u] = append(sig.Pipeline[u], s)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return sig, nil
}

// scanRows runs a query on the read pool and calls fn for every row.
func (db *DB) scanRows(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: match signals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return fmt.Errorf("store: match signals: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: match signals: %w", err)
	}
	return nil
}
