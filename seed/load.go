package seed

import (
	"context"
	"fmt"
	"sync"
	"time"

	"makerlink"
)

// BatchSize is the number of profiles Load stores per transaction.
const BatchSize = 5000

// UserBatcher is implemented by stores that can create many accounts in one
// transaction; Load uses it when available and falls back to
// [makerlink.UserStore.CreateUser] one account at a time otherwise.
type UserBatcher interface {
	// CreateUsers stores the accounts, all with the same password hash, or
	// none of them. Returns EConflict when an email or id is taken.
	CreateUsers(ctx context.Context, us []*makerlink.User, passwordHash string) error
}

// Loaded reports whether demo data is in the store: the admin demo account,
// which [Load] creates last, exists.
func Loaded(ctx context.Context, st makerlink.Store) (bool, error) {
	_, _, err := st.FindUserByEmail(ctx, AdminEmail)
	switch makerlink.ErrorCode(err) {
	case "":
		return true, nil
	case makerlink.ENotFound:
		return false, nil
	}
	return false, fmt.Errorf("seed: look up %s: %w", AdminEmail, err)
}

// Load stores d: the accounts first (every one with passwordHash, the
// caller's hash of [DemoPassword]), then the profiles in batches of
// [BatchSize], then the demo accounts' activity (introductions, the demo
// investor's pipeline, the demo organizer's pitch events, the demo lab's
// bookings; see content.go and bookings.go: each only when st also
// implements [makerlink.ConnectionStore], [makerlink.EventStore] or
// [makerlink.BookingStore]), and the admin marker account last. It does
// nothing when [Loaded] is already true, and resumes an interrupted load: accounts and
// profiles that exist with the same id are skipped. An account whose e-mail
// is taken by a different id (someone registered it) is an EConflict error.
func Load(ctx context.Context, st makerlink.Store, d *Dataset, passwordHash string) error {
	if ok, err := Loaded(ctx, st); err != nil || ok {
		return err
	}
	var marker *makerlink.User
	users := make([]*makerlink.User, 0, len(d.Users))
	for _, u := range d.Users {
		if u.Email == AdminEmail {
			marker = u
			continue
		}
		users = append(users, u)
	}
	if err := createUsers(ctx, st, users, passwordHash); err != nil {
		return err
	}
	for i := 0; i < len(d.Profiles); i += BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := d.Profiles[i:min(i+BatchSize, len(d.Profiles))]
		err := st.CreateProfiles(ctx, batch)
		if makerlink.ErrorCode(err) == makerlink.EConflict {
			// a previous load stopped part way: store what is missing
			err = createMissing(ctx, st, batch)
		}
		if err != nil {
			return fmt.Errorf("seed: create profiles %d–%d: %w", i, i+len(batch)-1, err)
		}
	}
	if err := loadContent(ctx, st, d, time.Now()); err != nil {
		return err
	}
	if marker != nil {
		if err := createUser(ctx, st, marker, passwordHash); err != nil {
			return err
		}
	}
	return nil
}

func createUsers(ctx context.Context, st makerlink.Store, us []*makerlink.User, hash string) error {
	if b, ok := st.(UserBatcher); ok {
		for i := 0; i < len(us); i += BatchSize {
			batch := us[i:min(i+BatchSize, len(us))]
			err := b.CreateUsers(ctx, batch, hash)
			if makerlink.ErrorCode(err) == makerlink.EConflict {
				break // resume one by one below
			}
			if err != nil {
				return fmt.Errorf("seed: create users: %w", err)
			}
			if i+len(batch) == len(us) {
				return nil
			}
		}
	}
	// One at a time is a round trip and a commit per account: overlap them.
	// On SQLite the single writer connection serializes them anyway.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan *makerlink.User)
	var wg sync.WaitGroup
	for range userWorkers {
		wg.Go(func() {
			for u := range next {
				if err := createUser(ctx, st, u, hash); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
feed:
	for _, u := range us {
		select {
		case next <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// userWorkers is the number of accounts Load creates concurrently when the
// store has no [UserBatcher].
const userWorkers = 4

// createUser stores u; an account that already exists with u's id (from an
// interrupted load) is fine.
func createUser(ctx context.Context, st makerlink.Store, u *makerlink.User, hash string) error {
	// CreateUser may set fields on its argument: give it a copy so that the
	// data set stays as generated.
	c := *u
	c.Roles = append([]makerlink.Role(nil), u.Roles...)
	err := st.CreateUser(ctx, &c, hash)
	if makerlink.ErrorCode(err) != makerlink.EConflict {
		if err != nil {
			return fmt.Errorf("seed: create user %s: %w", u.Email, err)
		}
		return nil
	}
	old, _, ferr := st.FindUserByEmail(ctx, u.Email)
	if ferr == nil && old.ID == u.ID {
		return nil
	}
	if ferr != nil && makerlink.ErrorCode(ferr) != makerlink.ENotFound {
		return fmt.Errorf("seed: look up %s: %w", u.Email, ferr)
	}
	return &makerlink.Error{Code: makerlink.EConflict, Op: "seed.Load",
		Message: fmt.Sprintf("The demo account %s already exists with another id: load demo data into an empty database.", u.Email), Err: err}
}

// createMissing stores the profiles of batch that are not in the store yet.
func createMissing(ctx context.Context, st makerlink.Store, batch []makerlink.Profile) error {
	for _, p := range batch {
		_, err := st.FindProfileRecord(ctx, p.Kind(), p.Base().ID)
		switch makerlink.ErrorCode(err) {
		case "":
			continue
		case makerlink.ENotFound:
			if err := st.CreateProfile(ctx, p); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return nil
}
