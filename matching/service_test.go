package matching_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"makerlink"
	"makerlink/matching"
	"makerlink/store"
	"makerlink/store/storetest"
)

// serviceEnv is a store with a founder's startup and two investors, and a
// loaded service over it.
type serviceEnv struct {
	db       *store.DB
	svc      *matching.Service
	founder  *makerlink.User
	investor *makerlink.User
	startup  *makerlink.Startup
}

func newServiceEnv(t *testing.T, open func(testing.TB) *store.DB) *serviceEnv {
	t.Helper()
	db := open(t)
	ctx := t.Context()
	env := &serviceEnv{db: db}
	env.founder = storetest.NewUser(t, db, makerlink.RoleFounder)
	env.investor = storetest.NewUser(t, db, makerlink.RoleInvestor)
	env.startup = solar()
	env.startup.ID, env.startup.OwnerID = "", env.founder.ID
	if err := db.CreateProfile(ctx, env.startup); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		i := investor(id, nil)
		i.OwnerID = env.investor.ID
		if err := db.CreateProfile(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	env.svc = matching.NewService(matching.ServiceOptions{Store: db, Feedback: db})
	if err := env.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return env
}

func (env *serviceEnv) matches(t *testing.T) []makerlink.Match {
	t.Helper()
	ms, err := env.svc.Matches(t.Context(), makerlink.MatchQuery{FromKind: makerlink.KindStartup, FromID: env.startup.ID,
		ToKind: makerlink.KindInvestor, Viewer: env.founder})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func engines() map[string]func(testing.TB) *store.DB {
	return map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres}
}

func TestServiceFollowsStore(t *testing.T) {
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			env := newServiceEnv(t, open)
			ctx := t.Context()
			ms := env.matches(t)
			if len(ms) != 2 {
				t.Fatalf("%d matches after load, want 2", len(ms))
			}
			// An investor stops accepting, another one arrives, one is deleted.
			a, err := env.db.FindProfile(ctx, makerlink.KindInvestor, ms[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			a.(*makerlink.Investor).Accepting = false
			if err := env.db.UpdateProfile(ctx, a); err != nil {
				t.Fatal(err)
			}
			c := investor("c", nil)
			c.ID, c.OwnerID = "", env.investor.ID
			if err := env.db.CreateProfile(ctx, c); err != nil {
				t.Fatal(err)
			}
			if err := env.db.DeleteProfile(ctx, makerlink.KindInvestor, ms[1].ID, 0); err != nil {
				t.Fatal(err)
			}
			n, err := env.svc.Sync(ctx)
			if err != nil || n != 3 {
				t.Fatalf("Sync applied %d changes (%v), want 3", n, err)
			}
			if got := ids(env.matches(t)); !slices.Equal(got, []string{c.ID}) {
				t.Errorf("after the changes: %v, want only the new investor %s", got, c.ID)
			}
			if n, _ := env.svc.Sync(ctx); n != 0 {
				t.Errorf("a second Sync applied %d changes", n)
			}
		})
	}
}

func TestServiceRun(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	founder := storetest.NewUser(t, db, makerlink.RoleFounder)
	s := solar()
	s.ID, s.OwnerID = "", founder.ID
	if err := db.CreateProfile(ctx, s); err != nil {
		t.Fatal(err)
	}
	svc := matching.NewService(matching.ServiceOptions{Store: db, Feedback: db, Interval: 20 * time.Millisecond,
		OnError: func(err error) { t.Errorf("background error: %v", err) }})
	q := makerlink.MatchQuery{FromKind: makerlink.KindStartup, FromID: s.ID, ToKind: makerlink.KindInvestor}
	if _, err := svc.Matches(ctx, q); makerlink.ErrorCode(err) != makerlink.EUnavailable {
		t.Errorf("before loading: %v, want unavailable", err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Run(ctx) }()
	i := investor("late", nil)
	i.ID, i.OwnerID = "", founder.ID
	if err := db.CreateProfile(ctx, i); err != nil {
		t.Fatal(err)
	}
	svc.Kick()
	// Wait (with a generous deadline, not a timing assertion) for the new
	// investor to be ranked.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms, err := svc.Matches(ctx, q)
		if err == nil && len(ms) == 1 && ms[0].ID == i.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new investor never showed up: %v %v", ms, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

func TestServiceFeedback(t *testing.T) {
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			env := newServiceEnv(t, open)
			ctx := t.Context()
			ms := env.matches(t)
			f := makerlink.MatchFeedback{FromKind: makerlink.KindStartup, FromID: env.startup.ID,
				ToKind: makerlink.KindInvestor, ToID: ms[0].ID, Action: makerlink.MatchDismiss}
			stranger := &makerlink.User{ID: "someone", Roles: []makerlink.Role{makerlink.RoleFounder}}
			bad := []struct {
				name   string
				viewer *makerlink.User
				mod    func(*makerlink.MatchFeedback)
				code   string
			}{
				{"stranger", stranger, nil, makerlink.EForbidden},
				{"anonymous", nil, nil, makerlink.EForbidden},
				{"unknown action", env.founder, func(f *makerlink.MatchFeedback) { f.Action = "like" }, makerlink.EValidation},
				{"kinds not matched", env.founder, func(f *makerlink.MatchFeedback) { f.ToKind = makerlink.KindSpace }, makerlink.EValidation},
				{"unknown profile", env.founder, func(f *makerlink.MatchFeedback) { f.FromID = "nope" }, makerlink.ENotFound},
				{"unknown candidate", env.founder, func(f *makerlink.MatchFeedback) { f.ToID = "nope" }, makerlink.ENotFound},
				{"empty id", env.founder, func(f *makerlink.MatchFeedback) { f.ToID = "" }, makerlink.EValidation},
			}
			for _, b := range bad {
				g := f
				if b.mod != nil {
					b.mod(&g)
				}
				if err := env.svc.Feedback(ctx, b.viewer, g); makerlink.ErrorCode(err) != b.code {
					t.Errorf("%s: %v, want %s", b.name, err, b.code)
				}
			}
			if err := env.svc.Feedback(ctx, env.founder, f); err != nil {
				t.Fatal(err)
			}
			if got := ids(env.matches(t)); slices.Contains(got, ms[0].ID) {
				t.Fatalf("dismissed investor still listed: %v", got)
			}
			// A fresh service (a restart) reads the dismissal back.
			svc2 := matching.NewService(matching.ServiceOptions{Store: env.db, Feedback: env.db})
			if err := svc2.Load(ctx); err != nil {
				t.Fatal(err)
			}
			env.svc = svc2
			if got := ids(env.matches(t)); slices.Contains(got, ms[0].ID) || len(got) != 1 {
				t.Errorf("after a restart: %v, want the dismissed investor gone", got)
			}
			// Saving brings it back.
			f.Action = makerlink.MatchSave
			if err := svc2.Feedback(ctx, env.founder, f); err != nil {
				t.Fatal(err)
			}
			if got := ids(env.matches(t)); len(got) != 2 {
				t.Errorf("after saving: %v", got)
			}
		})
	}
}

func TestServiceSignals(t *testing.T) {
	env := newServiceEnv(t, storetest.OpenSQLite)
	ctx := t.Context()
	ms := env.matches(t)
	busy := ms[0].ID
	for i := range 30 {
		_, err := env.db.SQL().ExecContext(ctx, `INSERT INTO intros (id, startup_id, startup_name, from_user_id, to_kind, to_id, to_name, to_user_id, message, status, created_at)
VALUES ($1, 'x', 'S', 'f', 'investor', $2, 'T', 'u', '', 'pending', 1)`, "intro"+string(rune('a'+i)), busy)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := env.svc.RefreshSignals(ctx); err != nil {
		t.Fatal(err)
	}
	after := env.matches(t)
	if after[0].ID == busy {
		t.Errorf("an investor with 30 open requests still ranks first: %v", ids(after))
	}
	if f := find(after, busy).Factors["exposure"]; f >= 0 {
		t.Errorf("exposure factor %v, want negative", f)
	}
	// Answering the requests lifts the penalty.
	if _, err := env.db.SQL().ExecContext(ctx, `UPDATE intros SET status = 'declined'`); err != nil {
		t.Fatal(err)
	}
	if err := env.svc.RefreshSignals(ctx); err != nil {
		t.Fatal(err)
	}
	if f := find(env.matches(t), busy).Factors["exposure"]; f != 0 {
		t.Errorf("exposure factor %v after the requests were answered", f)
	}
}

func TestServiceMentorAssignments(t *testing.T) {
	env := newServiceEnv(t, storetest.OpenSQLite)
	ctx := t.Context()
	sp := &makerlink.Space{Meta: makerlink.Meta{OwnerID: env.founder.ID}, Name: "银川创客空间", Type: "maker_space", City: "银川"}
	if err := env.db.CreateProfile(ctx, sp); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"one", "two", "three"} {
		s := startup(name, nil)
		s.ID, s.OwnerID, s.SpaceID = "", env.founder.ID, makerlink.OptText(sp.ID)
		if err := env.db.CreateProfile(ctx, s); err != nil {
			t.Fatal(err)
		}
		m := mentor(name, func(m *makerlink.Mentor) { m.Capacity = i % 2 })
		m.ID, m.OwnerID = "", env.investor.ID
		if err := env.db.CreateProfile(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.svc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	as, err := env.svc.MentorAssignments(ctx, nil, sp.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One mentor has a place (capacity 1), so one startup of the space gets it.
	if len(as) != 1 || as[0].Score <= 0 {
		t.Fatalf("assignments %+v, want one", as)
	}
	if _, err := env.svc.MentorAssignments(ctx, nil, sp.ID, []string{"nope"}, nil); makerlink.ErrorCode(err) != makerlink.ENotFound {
		t.Errorf("unknown startup: %v", err)
	}
	as, err = env.svc.MentorAssignments(ctx, nil, "empty-space", nil, nil)
	if err != nil || as == nil || len(as) != 0 {
		t.Errorf("a space without startups: %v, %v", as, err)
	}
}
