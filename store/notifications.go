package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"makerlink"
)

var _ makerlink.NotificationStore = (*DB)(nil)

// CreateNotification implements [makerlink.NotificationStore].
func (db *DB) CreateNotification(ctx context.Context, n *makerlink.Notification) error {
	if err := insertNotification(ctx, db.w, n, db.now()); err != nil {
		switch db.d.classify(err) {
		case violationForeignKey:
			return errNotFound("Account")
		case violationUnique:
			return makerlink.Errorf(makerlink.EConflict, "The notification exists.")
		}
		return err
	}
	return nil
}

// insertNotification stores n through ex (the writer, or a transaction of
// the feature that notifies, so the notification commits with its cause),
// setting its ID and CreatedAt when empty.
func insertNotification(ctx context.Context, ex interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, n *makerlink.Notification, now time.Time) error {
	if !allStorable(n.UserID, n.Type, n.Title.ZH, n.Title.EN, string(n.Data)) {
		return errInvalidText("notification")
	}
	if n.ID == "" {
		n.ID = makerlink.NewID(now)
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now
	}
	_, err := ex.ExecContext(ctx,
		`INSERT INTO notifications (id, user_id, type, title_zh, title_en, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		n.ID, n.UserID, n.Type, n.Title.ZH, n.Title.EN, string(n.Data), toMicros(n.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create notification: %w", err)
	}
	return nil
}

// FindNotifications implements [makerlink.NotificationStore]. Pages run
// newest first; the cursor is that of [EncodeCursor] over the last id.
func (db *DB) FindNotifications(ctx context.Context, f makerlink.NotificationFilter) ([]*makerlink.Notification, string, error) {
	limit := clampLimit(f.Limit)
	q := `SELECT id, user_id, type, title_zh, title_en, data, created_at, read_at FROM notifications WHERE user_id = $1`
	args := []any{f.UserID}
	if f.Cursor != "" {
		before, err := DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, before)
		q += fmt.Sprintf(" AND id < $%d", len(args))
	}
	if f.UnreadOnly {
		q += " AND read_at IS NULL"
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: find notifications: %w", err)
	}
	defer rows.Close()
	var out []*makerlink.Notification
	for rows.Next() {
		n := &makerlink.Notification{}
		var data string
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Type, &n.Title.ZH, &n.Title.EN, &data, &created, &read); err != nil {
			return nil, "", fmt.Errorf("store: scan notification: %w", err)
		}
		if data != "" {
			n.Data = json.RawMessage(data)
		}
		n.CreatedAt = fromMicros(created)
		if read.Valid {
			t := fromMicros(read.Int64)
			n.ReadAt = &t
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: find notifications: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// MarkNotificationRead implements [makerlink.NotificationStore]. Marking
// an already read notification keeps its first read time.
func (db *DB) MarkNotificationRead(ctx context.Context, userID, id string, at time.Time) error {
	res, err := db.w.ExecContext(ctx,
		`UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2`,
		id, userID, toMicros(at))
	if err != nil {
		return fmt.Errorf("store: mark notification read: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errNotFound("Notification")
	}
	return nil
}

// CountUnread implements [makerlink.NotificationStore].
func (db *DB) CountUnread(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count unread: %w", err)
	}
	return n, nil
}

// clampLimit maps a requested page size to 1..MaxLimit, 0 and below to
// DefaultLimit.
func clampLimit(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}
