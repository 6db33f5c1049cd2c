package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"makerlink"
)

const qFindSession = `SELECT s.user_id, s.created_at, s.expires_at, u.email, u.name, u.roles, u.created_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1`

// CreateUser implements [makerlink.UserStore]. It sets u.ID and u.CreatedAt
// when they are empty. Returns EConflict when the email (or id) is taken and
// EValidation when a field cannot be stored (invalid UTF-8, NUL bytes).
func (db *DB) CreateUser(ctx context.Context, u *makerlink.User, passwordHash string) error {
	for _, f := range []struct{ name, v string }{{"id", u.ID}, {"email", u.Email}, {"name", u.Name}, {"password", passwordHash}} {
		if !storable(f.v) {
			return errInvalidText(f.name)
		}
	}
	for _, r := range u.Roles {
		if !storable(string(r)) || strings.Contains(string(r), ",") {
			return errInvalidText("roles")
		}
	}
	now := db.now()
	id, created := u.ID, u.CreatedAt
	if id == "" {
		id = makerlink.NewID(now)
	}
	if created.IsZero() {
		created = now
	}
	_, err := db.w.ExecContext(ctx,
		`INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, u.Email, u.Name, passwordHash, encodeRoles(u.Roles), toMicros(created))
	if err != nil {
		if db.d.classify(err) == violationUnique {
			return makerlink.Errorf(makerlink.EConflict, "An account with this email already exists.")
		}
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID, u.CreatedAt = id, fromMicros(toMicros(created))
	return nil
}

// CreateUsers stores many accounts with the same password hash in one
// transaction with multi-row inserts, or none of them (demo data). Like
// [DB.CreateUser] it sets each ID and CreatedAt when empty, and returns
// EConflict when an email or id is taken; on error the users are left as
// they were.
func (db *DB) CreateUsers(ctx context.Context, us []*makerlink.User, passwordHash string) error {
	if len(us) == 0 {
		return nil
	}
	if !storable(passwordHash) {
		return errInvalidText("password")
	}
	now := db.now()
	type saved struct {
		id      string
		created time.Time
	}
	old := make([]saved, len(us))
	restore := func() {
		for i, u := range us {
			u.ID, u.CreatedAt = old[i].id, old[i].created
		}
	}
	for i, u := range us {
		old[i] = saved{u.ID, u.CreatedAt}
		for _, f := range []struct{ name, v string }{{"id", u.ID}, {"email", u.Email}, {"name", u.Name}} {
			if !storable(f.v) {
				restore()
				return errInvalidText(f.name)
			}
		}
		for _, r := range u.Roles {
			if !storable(string(r)) || strings.Contains(string(r), ",") {
				restore()
				return errInvalidText("roles")
			}
		}
		if u.ID == "" {
			u.ID = makerlink.NewID(now)
		}
		if u.CreatedAt.IsZero() {
			u.CreatedAt = now
		}
		u.CreatedAt = fromMicros(toMicros(u.CreatedAt))
	}
	const head = `INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES `
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return db.d.execBatched(ctx, tx, head, 6, len(us), batchUsers, func(i int, args []any) []any {
			u := us[i]
			return append(args, u.ID, u.Email, u.Name, passwordHash, encodeRoles(u.Roles), toMicros(u.CreatedAt))
		}, func(err error) error {
			if db.d.classify(err) == violationUnique {
				return makerlink.Errorf(makerlink.EConflict, "An account with this email already exists.")
			}
			return fmt.Errorf("store: create users: %w", err)
		})
	})
	if err != nil {
		restore()
		return err
	}
	return nil
}

// batchUsers is the number of accounts per multi-row insert.
const batchUsers = 1000

// FindUserByEmail implements [makerlink.UserStore].
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*makerlink.User, string, error) {
	if !storable(email) {
		return nil, "", errNotFound("Account")
	}
	u := &makerlink.User{Email: email}
	var roles, hash string
	var created int64
	err := db.r.QueryRowContext(ctx,
		`SELECT id, name, password_hash, roles, created_at FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Name, &hash, &roles, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errNotFound("Account")
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: find user by email: %w", err)
	}
	u.Roles, u.CreatedAt = decodeRoles(roles), fromMicros(created)
	return u, hash, nil
}

// FindUserByID implements [makerlink.UserStore].
func (db *DB) FindUserByID(ctx context.Context, id string) (*makerlink.User, error) {
	if !storable(id) {
		return nil, errNotFound("Account")
	}
	u := &makerlink.User{ID: id}
	var roles string
	var created int64
	err := db.r.QueryRowContext(ctx,
		`SELECT email, name, roles, created_at FROM users WHERE id = $1`, id).
		Scan(&u.Email, &u.Name, &roles, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Account")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find user: %w", err)
	}
	u.Roles, u.CreatedAt = decodeRoles(roles), fromMicros(created)
	return u, nil
}

// AddRole implements [makerlink.UserStore]. Granting a role the user holds
// is not an error. Returns ENotFound for a missing user and EValidation for
// an unknown role.
func (db *DB) AddRole(ctx context.Context, userID string, r makerlink.Role) error {
	if r != makerlink.RoleAdmin && !slices.Contains(makerlink.SelfServiceRoles, r) {
		return &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "role", Code: makerlink.FUnknown, Message: "unknown role"}}}
	}
	if !storable(userID) {
		return errNotFound("Account")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var roles string
		err := tx.QueryRowContext(ctx, `SELECT roles FROM users WHERE id = $1`, userID).Scan(&roles)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Account")
		}
		if err != nil {
			return fmt.Errorf("store: add role: %w", err)
		}
		list := decodeRoles(roles)
		if slices.Contains(list, r) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET roles = $1 WHERE id = $2`,
			encodeRoles(append(list, r)), userID); err != nil {
			return fmt.Errorf("store: add role: %w", err)
		}
		return nil
	})
}

// CreateSession implements [makerlink.UserStore]. It sets s.CreatedAt when
// zero. Returns ENotFound when the user does not exist and EConflict when
// the token hash is already stored.
func (db *DB) CreateSession(ctx context.Context, s *makerlink.Session) error {
	if !storable(s.TokenHash) || !storable(s.UserID) {
		return errInvalidText("token")
	}
	created := s.CreatedAt
	if created.IsZero() {
		created = db.now()
	}
	_, err := db.w.ExecContext(ctx,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s.TokenHash, s.UserID, toMicros(created), toMicros(s.ExpiresAt))
	if err != nil {
		switch db.d.classify(err) {
		case violationUnique:
			return makerlink.Errorf(makerlink.EConflict, "The session exists.")
		case violationForeignKey:
			return errNotFound("Account")
		}
		return fmt.Errorf("store: create session: %w", err)
	}
	s.CreatedAt = fromMicros(toMicros(created))
	return nil
}

// FindSession implements [makerlink.UserStore]. It is one indexed query on
// a prepared statement: it runs on every authenticated request.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*makerlink.Session, *makerlink.User, error) {
	if !storable(tokenHash) {
		return nil, nil, errNotFound("Session")
	}
	s := &makerlink.Session{TokenHash: tokenHash}
	u := &makerlink.User{}
	var sc, se, uc int64
	var roles string
	err := db.getSession.QueryRowContext(ctx, tokenHash).Scan(&s.UserID, &sc, &se, &u.Email, &u.Name, &roles, &uc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotFound("Session")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: find session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(sc), fromMicros(se)
	u.ID, u.Roles, u.CreatedAt = s.UserID, decodeRoles(roles), fromMicros(uc)
	return s, u, nil
}

// DeleteSession implements [makerlink.UserStore].
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if !storable(tokenHash) {
		return nil
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements [makerlink.UserStore]: it removes the
// sessions whose ExpiresAt is before t and returns how many it removed.
func (db *DB) DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, toMicros(t))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}

func encodeRoles(rs []makerlink.Role) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(r))
	}
	return b.String()
}

func decodeRoles(s string) []makerlink.Role {
	if s == "" {
		return []makerlink.Role{}
	}
	parts := strings.Split(s, ",")
	rs := make([]makerlink.Role, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			rs = append(rs, makerlink.Role(p))
		}
	}
	return rs
}
