package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"makerlink"
)

// Equipment bookings (issue 6): the equipment_trained and bookings tables of
// migration 0005_connections. The database refuses overlapping bookings that
// hold their slot: on PostgreSQL the exclusion constraint
// bookings_no_overlap, on SQLite the triggers of the same name, which run
// inside the single writer's IMMEDIATE transaction. Either violation becomes
// makerlink.ESlotTaken.

var _ makerlink.BookingStore = (*DB)(nil)

const bookingColumns = `id, equipment_id, equipment_name, institution, owner_id, user_id, user_name, startup_id, start_at, end_at,
purpose, status, assisted, actual_start, actual_end, price_per_hour, cost, created_at, updated_at`

func scanBooking(r rowScanner) (*makerlink.Booking, error) {
	b := &makerlink.Booking{}
	var start, end, created, updated int64
	var as, ae sql.NullInt64
	if err := r.Scan(&b.ID, &b.EquipmentID, &b.EquipmentName, &b.Institution, &b.OwnerID, &b.UserID, &b.UserName, &b.StartupID,
		&start, &end, &b.Purpose, &b.Status, &b.Assisted, &as, &ae, &b.PricePerHourCNY, &b.CostCNY, &created, &updated); err != nil {
		return nil, err
	}
	b.Start, b.End, b.CreatedAt, b.UpdatedAt = fromMicros(start), fromMicros(end), fromMicros(created), fromMicros(updated)
	b.ActualStart, b.ActualEnd = nullTime(as), nullTime(ae)
	return b, nil
}

// isSlotTaken reports whether err is the overlap rule of either engine.
func isSlotTaken(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23P01" // exclusion_violation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return strings.Contains(se.Error(), "slot_taken")
	}
	return false
}

func errSlotTaken() error {
	return makerlink.Errorf(makerlink.ESlotTaken, "That time overlaps another booking of this instrument; pick another slot.")
}

// CreateBooking implements [makerlink.BookingStore].
func (db *DB) CreateBooking(ctx context.Context, b *makerlink.Booking,
	notes func(*makerlink.Booking) []*makerlink.Notification) ([]*makerlink.Notification, error) {
	if !allStorable(b.EquipmentID, b.EquipmentName, b.Institution, b.OwnerID, b.UserID, b.UserName, b.StartupID, b.Status) {
		return nil, errNotFound("Equipment")
	}
	if !storable(b.Purpose) {
		return nil, errInvalidText("purpose")
	}
	// Fast path: an overlapping booking already committed means 409
	// without queueing for the writer. Readers run in parallel (WAL on
	// SQLite); the check inside the write transaction still decides.
	if makerlink.HoldsSlot(b.Status) {
		taken, err := db.slotTaken(ctx, b.EquipmentID, b.Start, b.End)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, errSlotTaken()
		}
	}
	now := db.now()
	b.ID = makerlink.NewID(now)
	b.CreatedAt, b.UpdatedAt = now, now
	b.Start, b.End = fromMicros(toMicros(b.Start)), fromMicros(toMicros(b.End))
	var out []*makerlink.Notification
	insert := func(tx *sql.Tx) error {
		out = nil
		// Concurrent inserts that violate an exclusion constraint can
		// deadlock each other (each waits for the other's index entry);
		// queueing the inserts of one instrument avoids that. The
		// constraint still decides.
		if err := db.lockKey(ctx, tx, "booking:"+b.EquipmentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bookings (`+bookingColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
			b.ID, b.EquipmentID, b.EquipmentName, b.Institution, b.OwnerID, b.UserID, b.UserName, b.StartupID,
			toMicros(b.Start), toMicros(b.End), b.Purpose, b.Status, b.Assisted, nullMicros(b.ActualStart), nullMicros(b.ActualEnd),
			b.PricePerHourCNY, b.CostCNY, toMicros(now)); err != nil {
			if isSlotTaken(err) {
				return errSlotTaken()
			}
			return fmt.Errorf("store: create booking: %w", err)
		}
		if notes != nil {
			out = compact(notes(b))
		}
		return storeNotes(ctx, tx, out, now)
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = db.inTx(ctx, insert)
		if attempt == 2 || !isRetryable(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// slotTaken reports whether a committed booking of the instrument that
// holds its slot overlaps [start, end). Each engine's query uses its
// overlap index: the exclusion constraint's GiST index on PostgreSQL, the
// partial index bookings_holding on SQLite.
func (db *DB) slotTaken(ctx context.Context, equipmentID string, start, end time.Time) (bool, error) {
	q := `SELECT 1 FROM bookings WHERE equipment_id = $1 AND status IN ('pending', 'confirmed') AND end_at > $2 AND start_at < $3 LIMIT 1`
	if db.engine == EnginePostgres {
		q = `SELECT 1 FROM bookings WHERE equipment_id = $1 AND status IN ('pending', 'confirmed')
AND int8range(start_at, end_at) && int8range($2, $3) LIMIT 1`
	}
	var one int
	err := db.r.QueryRowContext(ctx, q, equipmentID, toMicros(start), toMicros(end)).Scan(&one)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	}
	return false, fmt.Errorf("store: check slot: %w", err)
}

// isRetryable reports whether err is a PostgreSQL deadlock or
// serialization failure, after which the transaction may simply run again.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// FindBooking implements [makerlink.BookingStore].
func (db *DB) FindBooking(ctx context.Context, id string) (*makerlink.Booking, error) {
	return db.findBooking(ctx, db.r, id, "")
}

func (db *DB) findBooking(ctx context.Context, q querier, id, lock string) (*makerlink.Booking, error) {
	if !storable(id) {
		return nil, errNotFound("Booking")
	}
	b, err := scanBooking(q.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Booking")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find booking: %w", err)
	}
	return b, nil
}

// FindBookings implements [makerlink.BookingStore].
func (db *DB) FindBookings(ctx context.Context, f makerlink.BookingFilter) ([]*makerlink.Booking, error) {
	out := []*makerlink.Booking{}
	if !allStorable(f.EquipmentID, f.UserID, f.OwnerID) {
		return out, nil
	}
	q := `SELECT ` + bookingColumns + ` FROM bookings WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.EquipmentID != "" {
		add("equipment_id = $%d", f.EquipmentID)
	}
	if f.UserID != "" {
		add("user_id = $%d", f.UserID)
	}
	if f.OwnerID != "" {
		add("owner_id = $%d", f.OwnerID)
	}
	if !f.From.IsZero() {
		add("end_at > $%d", toMicros(f.From))
	}
	if !f.To.IsZero() {
		add("start_at < $%d", toMicros(f.To))
	}
	if !f.StartFrom.IsZero() {
		add("start_at >= $%d", toMicros(f.StartFrom))
	}
	if !f.StartTo.IsZero() {
		add("start_at < $%d", toMicros(f.StartTo))
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, s := range f.Statuses {
			args = append(args, s)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND status IN (" + strings.Join(ph, ", ") + ")"
	}
	q += " ORDER BY start_at, id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find bookings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan booking: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find bookings: %w", err)
	}
	return out, nil
}

// UpdateBooking implements [makerlink.BookingStore].
func (db *DB) UpdateBooking(ctx context.Context, id string,
	fn func(b *makerlink.Booking) ([]*makerlink.Notification, error)) (*makerlink.Booking, []*makerlink.Notification, error) {
	now := db.now()
	lock := ""
	if db.engine == EnginePostgres {
		lock = " FOR UPDATE"
	}
	var b *makerlink.Booking
	var out []*makerlink.Notification
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if b, err = db.findBooking(ctx, tx, id, lock); err != nil {
			return err
		}
		ns, err := fn(b)
		if err != nil {
			return err
		}
		out = compact(ns)
		b.UpdatedAt = now
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = $2, actual_start = $3, actual_end = $4, cost = $5, updated_at = $6 WHERE id = $1`,
			b.ID, b.Status, nullMicros(b.ActualStart), nullMicros(b.ActualEnd), b.CostCNY, toMicros(now)); err != nil {
			if isSlotTaken(err) {
				return errSlotTaken()
			}
			return fmt.Errorf("store: update booking: %w", err)
		}
		return storeNotes(ctx, tx, out, now)
	})
	if err != nil {
		return nil, nil, err
	}
	return b, out, nil
}

// MarkNoShows implements [makerlink.BookingStore]. The cost of a no-show
// is the booked time, which a confirmed booking already carries.
func (db *DB) MarkNoShows(ctx context.Context, equipmentID string, now time.Time) (int, error) {
	if !storable(equipmentID) {
		return 0, nil
	}
	cutoff := toMicros(now.Add(-makerlink.NoShowAfter))
	// Read first, so that most calls take no write lock.
	q := `SELECT COUNT(*) FROM bookings WHERE status = 'confirmed' AND actual_start IS NULL AND start_at <= $1`
	args := []any{cutoff}
	if equipmentID != "" {
		q += ` AND equipment_id = $2`
		args = append(args, equipmentID)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: due no-shows: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	u := `UPDATE bookings SET status = 'no_show', updated_at = $2 WHERE status = 'confirmed' AND actual_start IS NULL AND start_at <= $1`
	uargs := []any{cutoff, toMicros(db.now())}
	if equipmentID != "" {
		u += ` AND equipment_id = $3`
		uargs = append(uargs, equipmentID)
	}
	res, err := db.w.ExecContext(ctx, u, uargs...)
	if err != nil {
		return 0, fmt.Errorf("store: mark no-shows: %w", err)
	}
	k, _ := res.RowsAffected()
	return int(k), nil
}

// AddTrainedUser implements [makerlink.BookingStore].
func (db *DB) AddTrainedUser(ctx context.Context, equipmentID, userID string) error {
	if !allStorable(equipmentID, userID) {
		return errNotFound("Account")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO equipment_trained (equipment_id, user_id, added_at) VALUES ($1, $2, $3)
ON CONFLICT (equipment_id, user_id) DO NOTHING`, equipmentID, userID, toMicros(db.now()))
	if err != nil {
		if db.d.classify(err) == violationForeignKey {
			return errNotFound("Account")
		}
		return fmt.Errorf("store: add trained user: %w", err)
	}
	return nil
}

// RemoveTrainedUser implements [makerlink.BookingStore].
func (db *DB) RemoveTrainedUser(ctx context.Context, equipmentID, userID string) error {
	if !allStorable(equipmentID, userID) {
		return errNotFound("Trained user")
	}
	res, err := db.w.ExecContext(ctx, `DELETE FROM equipment_trained WHERE equipment_id = $1 AND user_id = $2`, equipmentID, userID)
	if err != nil {
		return fmt.Errorf("store: remove trained user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound("Trained user")
	}
	return nil
}

// FindTrainedUsers implements [makerlink.BookingStore].
func (db *DB) FindTrainedUsers(ctx context.Context, equipmentID string) ([]*makerlink.TrainedUser, error) {
	out := []*makerlink.TrainedUser{}
	if !storable(equipmentID) {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT t.user_id, u.name, u.email, t.added_at FROM equipment_trained t
JOIN users u ON u.id = t.user_id WHERE t.equipment_id = $1 ORDER BY t.added_at, t.user_id`, equipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: find trained users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t := &makerlink.TrainedUser{}
		var added int64
		if err := rows.Scan(&t.UserID, &t.Name, &t.Email, &added); err != nil {
			return nil, fmt.Errorf("store: scan trained user: %w", err)
		}
		t.AddedAt = fromMicros(added)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find trained users: %w", err)
	}
	return out, nil
}

// IsTrained implements [makerlink.BookingStore].
func (db *DB) IsTrained(ctx context.Context, equipmentID, userID string) (bool, error) {
	if !allStorable(equipmentID, userID) {
		return false, nil
	}
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM equipment_trained WHERE equipment_id = $1 AND user_id = $2`, equipmentID, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: is trained: %w", err)
	}
	return true, nil
}
