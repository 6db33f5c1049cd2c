package makerlink

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Store is the system of record: accounts, sessions and profiles. The store
// package implements it on SQLite (the embedded default) and PostgreSQL.
type Store interface {
	UserStore
	ProfileStore
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database; it waits for running statements.
	Close() error
}

// UserStore keeps accounts and sessions.
type UserStore interface {
	// CreateUser stores a new account with a password hash. It sets u.ID
	// and u.CreatedAt when they are empty. Emails are compared as given:
	// callers lowercase them. Returns EConflict when the email is taken.
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	// FindUserByEmail returns the account and its password hash, or ENotFound.
	FindUserByEmail(ctx context.Context, email string) (*User, string, error)
	// FindUserByID returns the account, or ENotFound.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// AddRole grants a role to an existing account (used for admins).
	AddRole(ctx context.Context, userID string, r Role) error

	// CreateSession stores a session; only the token's hash is kept.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session with the token hash and its user, or
	// ENotFound. Callers check ExpiresAt.
	FindSession(ctx context.Context, tokenHash string) (*Session, *User, error)
	// DeleteSession revokes a session. Deleting a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error)
}

// ProfileRecord is a stored profile: the attributes lists and access checks
// need, and the profile's JSON document (metadata included) ready to send.
type ProfileRecord struct {
	Kind       Kind
	ID         string
	OwnerID    string
	Version    int64
	Visibility string
	Doc        []byte
}

// Decode returns the profile the record holds. The record's id, owner and
// version win over the document's.
func (r *ProfileRecord) Decode() (Profile, error) {
	p, ok := NewProfile(r.Kind)
	if !ok {
		return nil, fmt.Errorf("decode profile %s: unknown kind %q", r.ID, r.Kind)
	}
	if err := json.Unmarshal(r.Doc, p); err != nil {
		return nil, fmt.Errorf("decode profile %s/%s: %w", r.Kind, r.ID, err)
	}
	m := p.Base()
	m.ID, m.OwnerID, m.Version = r.ID, r.OwnerID, r.Version
	return p, nil
}

// FeedHead returns the sequence number of the last change in st's feed,
// 0 when it is empty.
func FeedHead(ctx context.Context, st ProfileStore) (int64, error) {
	const page = 10000
	var head int64
	for {
		cs, err := st.ProfileChanges(ctx, head, page)
		if err != nil {
			return 0, fmt.Errorf("read change feed: %w", err)
		}
		if len(cs) == 0 {
			return head, nil
		}
		head = cs[len(cs)-1].Seq
		if len(cs) < page {
			return head, nil
		}
	}
}

// ProfileRef names a profile.
type ProfileRef struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ProfileFilter selects profiles of one kind. Empty fields do not filter.
// Sector, Stage and City match any of a profile's values. Viewer decides
// which investors-only startups are included (see [CanView]).
type ProfileFilter struct {
	Kind    Kind
	Sector  string
	Stage   string
	City    string
	OwnerID string
	Viewer  *User
	Cursor  string // an opaque value returned by a previous call
	Limit   int    // 1..100; 0 means 20
}

// ProfileChange is one entry of the change feed that search indexes follow.
// Seq rises with every committed write.
type ProfileChange struct {
	Seq     int64
	Kind    Kind
	ID      string
	Deleted bool
	At      time.Time
}

// ProfileStore keeps the five kinds of profiles.
type ProfileStore interface {
	// CreateProfile stores p. The caller sets the owner; the store sets the
	// id (when empty), version 1 and the timestamps (when zero).
	// Returns EConflict when the id exists.
	CreateProfile(ctx context.Context, p Profile) error
	// CreateProfiles stores many profiles in one transaction (demo data).
	CreateProfiles(ctx context.Context, ps []Profile) error
	// FindProfile returns the decoded profile, or ENotFound.
	FindProfile(ctx context.Context, k Kind, id string) (Profile, error)
	// FindProfileRecord returns the stored profile, or ENotFound.
	FindProfileRecord(ctx context.Context, k Kind, id string) (*ProfileRecord, error)
	// UpdateProfile replaces p when its stored version equals p's version,
	// then increments p's version and sets its UpdatedAt. Returns ENotFound
	// or EVersionMismatch.
	UpdateProfile(ctx context.Context, p Profile) error
	// DeleteProfile removes a profile. A version of 0 skips the version
	// check. Returns ENotFound or EVersionMismatch.
	DeleteProfile(ctx context.Context, k Kind, id string, version int64) error
	// FindProfiles lists profiles in id order and returns the cursor of the
	// next page, "" on the last. Returns EBadRequest for a bad cursor.
	FindProfiles(ctx context.Context, f ProfileFilter) ([]*ProfileRecord, string, error)
	// ProfilesByOwner lists the profiles a user owns.
	ProfilesByOwner(ctx context.Context, ownerID string) ([]ProfileRef, error)
	// ProfileChanges returns up to limit changes with Seq > after, in order.
	ProfileChanges(ctx context.Context, after int64, limit int) ([]ProfileChange, error)
}
