package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"makerlink"
)

// Run runs the contract suite of [makerlink.Store] against the stores open
// returns. open is called once per subtest and must return an empty store
// that is closed when that test ends.
func Run(t *testing.T, open func(t *testing.T) makerlink.Store) {
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("ProfileCRUD", func(t *testing.T) { testProfileCRUD(t, open(t)) })
	t.Run("CreateProfileErrors", func(t *testing.T) { testCreateErrors(t, open(t)) })
	t.Run("BadIdentifiers", func(t *testing.T) { testBadIdentifiers(t, open(t)) })
	t.Run("ConcurrentUpdates", func(t *testing.T) { testConcurrentUpdates(t, open(t)) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, open(t)) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, open(t)) })
	t.Run("Visibility", func(t *testing.T) { testVisibility(t, open(t)) })
	t.Run("ChangeFeed", func(t *testing.T) { testChangeFeed(t, open(t)) })
	t.Run("ProfilesByOwner", func(t *testing.T) { testProfilesByOwner(t, open(t)) })
	t.Run("BulkCreate", func(t *testing.T) { testBulkCreate(t, open(t)) })
	t.Run("CreateUsers", func(t *testing.T) { testCreateUsers(t, open(t)) })
}

// UserBatcher is the optional bulk account insert of a store (the seed
// package uses it when present).
type UserBatcher interface {
	CreateUsers(ctx context.Context, us []*makerlink.User, passwordHash string) error
}

func testCreateUsers(t *testing.T, s makerlink.Store) {
	b, ok := s.(UserBatcher)
	if !ok {
		t.Skip("the store has no CreateUsers")
	}
	ctx := context.Background()
	us := make([]*makerlink.User, 2503)
	for i := range us {
		us[i] = &makerlink.User{Email: fmt.Sprintf("bulk%d@example.cn", i), Name: fmt.Sprintf("批量%d", i),
			Roles: []makerlink.Role{makerlink.RoleFounder}}
	}
	us[7].ID = "given-id"
	if err := b.CreateUsers(ctx, us, "shared-hash"); err != nil {
		t.Fatalf("CreateUsers: %v", err)
	}
	for _, i := range []int{0, 7, 999, 1000, 2502} {
		got, hash, err := s.FindUserByEmail(ctx, us[i].Email)
		if err != nil || hash != "shared-hash" || got.ID != us[i].ID || !got.CreatedAt.Equal(us[i].CreatedAt) || !got.Has(makerlink.RoleFounder) {
			t.Errorf("user %d: %+v %q %v; want %+v", i, got, hash, err, us[i])
		}
	}
	if us[7].ID != "given-id" {
		t.Errorf("given id replaced by %q", us[7].ID)
	}

	again := []*makerlink.User{{Email: "fresh@example.cn", Name: "新"}, {Email: us[3].Email, Name: "dup"}}
	wantCode(t, b.CreateUsers(ctx, again, "h"), makerlink.EConflict)
	if again[0].ID != "" {
		t.Errorf("failed batch set id %q", again[0].ID)
	}
	_, _, err := s.FindUserByEmail(ctx, "fresh@example.cn")
	wantCode(t, err, makerlink.ENotFound) // all or nothing
	if err := b.CreateUsers(ctx, nil, "h"); err != nil {
		t.Errorf("CreateUsers(nil): %v", err)
	}
}

// wantCode fails the test unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := makerlink.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testUsers(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	u := &makerlink.User{Email: "ma.li@example.cn", Name: "马丽", Roles: []makerlink.Role{makerlink.RoleFounder, makerlink.RoleMentor}}
	if err := s.CreateUser(ctx, u, "argon2id$hash"); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.ID == "" || u.CreatedAt.IsZero() {
		t.Fatalf("CreateUser left id %q, created_at %v", u.ID, u.CreatedAt)
	}

	got, hash, err := s.FindUserByEmail(ctx, "ma.li@example.cn")
	if err != nil {
		t.Fatalf("FindUserByEmail: %v", err)
	}
	if hash != "argon2id$hash" {
		t.Errorf("hash = %q", hash)
	}
	if !bytes.Equal(mustJSON(t, got), mustJSON(t, u)) {
		t.Errorf("FindUserByEmail = %s, want %s", mustJSON(t, got), mustJSON(t, u))
	}
	got, err = s.FindUserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("FindUserByID: %v", err)
	}
	if !bytes.Equal(mustJSON(t, got), mustJSON(t, u)) {
		t.Errorf("FindUserByID = %s, want %s", mustJSON(t, got), mustJSON(t, u))
	}

	t.Run("DuplicateEmail", func(t *testing.T) {
		dup := &makerlink.User{Email: "ma.li@example.cn", Name: "另一个"}
		wantCode(t, s.CreateUser(ctx, dup, "x"), makerlink.EConflict)
		if dup.ID != "" {
			t.Errorf("failed CreateUser set id %q", dup.ID)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		_, _, err := s.FindUserByEmail(ctx, "nobody@example.cn")
		wantCode(t, err, makerlink.ENotFound)
		_, err = s.FindUserByID(ctx, "nope")
		wantCode(t, err, makerlink.ENotFound)
	})
	t.Run("AddRole", func(t *testing.T) {
		for range 2 { // granting twice is a no-op
			if err := s.AddRole(ctx, u.ID, makerlink.RoleAdmin); err != nil {
				t.Fatalf("AddRole: %v", err)
			}
		}
		got, err := s.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []makerlink.Role{makerlink.RoleFounder, makerlink.RoleMentor, makerlink.RoleAdmin}
		if !slices.Equal(got.Roles, want) {
			t.Errorf("roles = %v, want %v", got.Roles, want)
		}
		wantCode(t, s.AddRole(ctx, "nope", makerlink.RoleAdmin), makerlink.ENotFound)
		wantCode(t, s.AddRole(ctx, u.ID, "emperor"), makerlink.EValidation)
	})
	t.Run("NoRoles", func(t *testing.T) {
		v := &makerlink.User{Email: "plain@example.cn", Name: "Plain"}
		if err := s.CreateUser(ctx, v, "h"); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserByID(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Roles == nil || len(got.Roles) != 0 {
			t.Errorf("roles = %#v, want an empty slice", got.Roles)
		}
	})
}

func testSessions(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	u := NewUser(t, s, makerlink.RoleInvestor)
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	sessions := []*makerlink.Session{
		{TokenHash: "h-old", UserID: u.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)},
		{TokenHash: "h-older", UserID: u.ID, CreatedAt: base, ExpiresAt: base.Add(30 * time.Minute)},
		{TokenHash: "h-live", UserID: u.ID, CreatedAt: base, ExpiresAt: base.Add(30 * 24 * time.Hour)},
	}
	for _, ss := range sessions {
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	got, gu, err := s.FindSession(ctx, "h-live")
	if err != nil {
		t.Fatalf("FindSession: %v", err)
	}
	if got.UserID != u.ID || !got.ExpiresAt.Equal(sessions[2].ExpiresAt) || !got.CreatedAt.Equal(base) {
		t.Errorf("FindSession = %+v", got)
	}
	if gu.ID != u.ID || gu.Email != u.Email || !gu.Has(makerlink.RoleInvestor) {
		t.Errorf("FindSession user = %+v, want %+v", gu, u)
	}

	wantCode(t, s.CreateSession(ctx, &makerlink.Session{TokenHash: "h-live", UserID: u.ID, ExpiresAt: base}), makerlink.EConflict)
	wantCode(t, s.CreateSession(ctx, &makerlink.Session{TokenHash: "h-x", UserID: "ghost", ExpiresAt: base}), makerlink.ENotFound)
	_, _, err = s.FindSession(ctx, "h-missing")
	wantCode(t, err, makerlink.ENotFound)

	n, err := s.DeleteExpiredSessions(ctx, base.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 2", n, err)
	}
	for _, h := range []string{"h-old", "h-older"} {
		_, _, err = s.FindSession(ctx, h)
		wantCode(t, err, makerlink.ENotFound)
	}
	if err := s.DeleteSession(ctx, "h-live"); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, _, err = s.FindSession(ctx, "h-live")
	wantCode(t, err, makerlink.ENotFound)
	if err := s.DeleteSession(ctx, "h-live"); err != nil {
		t.Errorf("DeleteSession of a missing session: %v", err)
	}
}

// rename changes the name of any profile kind.
func rename(p makerlink.Profile, name string) {
	switch v := p.(type) {
	case *makerlink.Startup:
		v.Name = name
	case *makerlink.Investor:
		v.Name = name
	case *makerlink.Mentor:
		v.Name = name
	case *makerlink.Equipment:
		v.Name = name
	case *makerlink.Space:
		v.Name = name
	}
}

func testProfileCRUD(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	for _, p := range SampleProfiles(owner.ID) {
		k := p.Kind()
		t.Run(string(k), func(t *testing.T) {
			if err := p.Validate(); err != nil {
				t.Fatalf("fixture invalid: %v", err)
			}
			if err := s.CreateProfile(ctx, p); err != nil {
				t.Fatalf("CreateProfile: %v", err)
			}
			m := *p.Base()
			if m.ID == "" || m.Version != 1 || m.OwnerID != owner.ID || m.CreatedAt.IsZero() || !m.UpdatedAt.Equal(m.CreatedAt) {
				t.Fatalf("meta after create = %+v", m)
			}

			rec, err := s.FindProfileRecord(ctx, k, m.ID)
			if err != nil {
				t.Fatalf("FindProfileRecord: %v", err)
			}
			if want := mustJSON(t, p); !bytes.Equal(rec.Doc, want) {
				t.Errorf("doc = %s\nwant %s", rec.Doc, want)
			}
			if rec.Kind != k || rec.ID != m.ID || rec.OwnerID != owner.ID || rec.Version != 1 || rec.Visibility != makerlink.VisibilityPublic {
				t.Errorf("record = %+v", rec)
			}
			got, err := s.FindProfile(ctx, k, m.ID)
			if err != nil {
				t.Fatalf("FindProfile: %v", err)
			}
			if !bytes.Equal(mustJSON(t, got), mustJSON(t, p)) {
				t.Errorf("FindProfile = %s\nwant %s", mustJSON(t, got), mustJSON(t, p))
			}

			// Another kind with the same id does not exist.
			other := makerlink.KindStartup
			if k == other {
				other = makerlink.KindInvestor
			}
			_, err = s.FindProfileRecord(ctx, other, m.ID)
			wantCode(t, err, makerlink.ENotFound)

			// Update: the caller's owner and created_at are ignored.
			rename(got, "新名字 New name")
			got.Base().OwnerID = "someone-else"
			got.Base().CreatedAt = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := s.UpdateProfile(ctx, got); err != nil {
				t.Fatalf("UpdateProfile: %v", err)
			}
			gm := got.Base()
			if gm.Version != 2 || gm.OwnerID != owner.ID || !gm.CreatedAt.Equal(m.CreatedAt) || gm.UpdatedAt.IsZero() {
				t.Errorf("meta after update = %+v", *gm)
			}
			rec, err = s.FindProfileRecord(ctx, k, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rec.Doc, mustJSON(t, got)) || rec.Version != 2 {
				t.Errorf("after update doc = %s (version %d)\nwant %s", rec.Doc, rec.Version, mustJSON(t, got))
			}
			if !strings.Contains(string(rec.Doc), "新名字 New name") {
				t.Errorf("update not stored: %s", rec.Doc)
			}

			// A stale version changes nothing and leaves p as it was.
			stale := p // still at version 1
			before := *stale.Base()
			rename(stale, "stale")
			wantCode(t, s.UpdateProfile(ctx, stale), makerlink.EVersionMismatch)
			if *stale.Base() != before {
				t.Errorf("failed update changed meta: %+v, want %+v", *stale.Base(), before)
			}
			wantCode(t, s.DeleteProfile(ctx, k, m.ID, 1), makerlink.EVersionMismatch)
			if rec2, _ := s.FindProfileRecord(ctx, k, m.ID); rec2 == nil || rec2.Version != 2 {
				t.Fatalf("stale writes changed the record: %+v", rec2)
			}

			if err := s.DeleteProfile(ctx, k, m.ID, 2); err != nil {
				t.Fatalf("DeleteProfile: %v", err)
			}
			_, err = s.FindProfile(ctx, k, m.ID)
			wantCode(t, err, makerlink.ENotFound)
			wantCode(t, s.UpdateProfile(ctx, got), makerlink.ENotFound)
			wantCode(t, s.DeleteProfile(ctx, k, m.ID, 0), makerlink.ENotFound)
			wantCode(t, s.DeleteProfile(ctx, k, m.ID, 2), makerlink.ENotFound)
		})
	}

	t.Run("DeleteWithoutVersion", func(t *testing.T) {
		p := Startup(owner.ID, 1)
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteProfile(ctx, makerlink.KindStartup, p.ID, 0); err != nil {
			t.Fatalf("DeleteProfile(version 0): %v", err)
		}
		_, err := s.FindProfileRecord(ctx, makerlink.KindStartup, p.ID)
		wantCode(t, err, makerlink.ENotFound)
	})
	t.Run("KeepsGivenIDAndTimes", func(t *testing.T) {
		p := Startup(owner.ID, 2)
		p.ID = "startup-given-id"
		p.CreatedAt = time.Date(2024, 6, 1, 12, 30, 0, 123456789, time.UTC)
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		wantCreated := time.Date(2024, 6, 1, 12, 30, 0, 123456000, time.UTC)
		if p.ID != "startup-given-id" || !p.CreatedAt.Equal(wantCreated) || !p.UpdatedAt.Equal(wantCreated) {
			t.Errorf("meta = %+v", p.Meta)
		}
		got, err := s.FindProfile(ctx, makerlink.KindStartup, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Base().CreatedAt.Equal(wantCreated) {
			t.Errorf("created_at = %v, want %v", got.Base().CreatedAt, wantCreated)
		}
	})
}

func testCreateErrors(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	first := Startup(owner.ID, 1)
	if err := s.CreateProfile(ctx, first); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    makerlink.Profile
		code string
	}{
		{"DuplicateID", func() makerlink.Profile { p := Startup(owner.ID, 2); p.ID = first.ID; return p }(), makerlink.EConflict},
		{"DuplicateIDOtherKind", &makerlink.Space{Meta: makerlink.Meta{ID: first.ID, OwnerID: owner.ID}, Name: "x", Type: "incubator", City: "银川"}, makerlink.EConflict},
		{"NoOwner", Startup("", 3), makerlink.EValidation},
		{"UnknownOwner", Startup("ghost-user", 4), makerlink.EValidation},
		{"NULInName", func() makerlink.Profile { p := Startup(owner.ID, 5); p.Name = "a\x00b"; return p }(), makerlink.EValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.p.Base()
			wantCode(t, s.CreateProfile(ctx, tt.p), tt.code)
			if *tt.p.Base() != before {
				t.Errorf("failed create changed meta to %+v", *tt.p.Base())
			}
		})
	}
	rec, err := s.FindProfileRecord(ctx, makerlink.KindStartup, first.ID)
	if err != nil || !bytes.Equal(rec.Doc, mustJSON(t, first)) {
		t.Errorf("the first profile changed: %v %s", err, rec.Doc)
	}
}

func testBadIdentifiers(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	p := Startup(owner.ID, 1)
	if err := s.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "\x00", "bad\xffutf8", strings.Repeat("x", 5000), "'; DROP TABLE profiles; --"} {
		_, err := s.FindProfileRecord(ctx, makerlink.KindStartup, id)
		wantCode(t, err, makerlink.ENotFound)
		wantCode(t, s.DeleteProfile(ctx, makerlink.KindStartup, id, 0), makerlink.ENotFound)
		_, err = s.FindUserByID(ctx, id)
		wantCode(t, err, makerlink.ENotFound)
		_, _, err = s.FindUserByEmail(ctx, id)
		wantCode(t, err, makerlink.ENotFound)
		_, _, err = s.FindSession(ctx, id)
		wantCode(t, err, makerlink.ENotFound)
	}
	_, err := s.FindProfileRecord(ctx, "unicorn", p.ID)
	wantCode(t, err, makerlink.ENotFound)
	for _, f := range []makerlink.ProfileFilter{
		{Kind: makerlink.KindStartup, Sector: "\x00"},
		{Kind: makerlink.KindStartup, City: "\xff"},
		{Kind: makerlink.KindStartup, OwnerID: "\x00"},
	} {
		got, _, err := s.FindProfiles(ctx, f)
		if err != nil || len(got) != 0 {
			t.Errorf("FindProfiles(%+v) = %d items, %v; want none", f, len(got), err)
		}
	}
	if _, err := s.FindProfile(ctx, makerlink.KindStartup, p.ID); err != nil {
		t.Errorf("store damaged: %v", err)
	}
}

func testConcurrentUpdates(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)

	t.Run("SameVersion", func(t *testing.T) {
		p := Startup(owner.ID, 1)
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c := *p
				c.Name = fmt.Sprintf("writer %d", i)
				errs[i] = s.UpdateProfile(ctx, &c)
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch makerlink.ErrorCode(err) {
			case "":
				if winner >= 0 {
					t.Fatalf("writers %d and %d both succeeded with version 1", winner, i)
				}
				winner = i
			case makerlink.EVersionMismatch:
			default:
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no writer succeeded")
		}
		got, err := s.FindProfile(ctx, makerlink.KindStartup, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st := got.(*makerlink.Startup); st.Version != 2 || st.Name != fmt.Sprintf("writer %d", winner) {
			t.Errorf("stored version %d name %q, want 2 and the winner's name", st.Version, st.Name)
		}
	})

	t.Run("ReadModifyWrite", func(t *testing.T) {
		p := Startup(owner.ID, 2)
		p.Needs = nil
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		const workers, each = 6, 5
		var wg sync.WaitGroup
		var mu sync.Mutex
		var applied []string
		conflicts := 0
		for w := range workers {
			wg.Go(func() {
				for i := 0; i < each; {
					cur, err := s.FindProfile(ctx, makerlink.KindStartup, p.ID)
					if err != nil {
						t.Errorf("FindProfile: %v", err)
						return
					}
					st := cur.(*makerlink.Startup)
					item := fmt.Sprintf("w%d-%d", w, i)
					st.Needs = append(st.Needs, item)
					err = s.UpdateProfile(ctx, st)
					mu.Lock()
					switch makerlink.ErrorCode(err) {
					case "":
						applied = append(applied, item)
						i++
					case makerlink.EVersionMismatch:
						conflicts++
					default:
						t.Errorf("UpdateProfile: %v", err)
						mu.Unlock()
						return
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		got, err := s.FindProfile(ctx, makerlink.KindStartup, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		st := got.(*makerlink.Startup)
		sortedNeeds := slices.Sorted(slices.Values(st.Needs))
		sort.Strings(applied)
		if !slices.Equal(sortedNeeds, applied) {
			t.Errorf("stored needs %v\nwant exactly the applied updates %v", sortedNeeds, applied)
		}
		if want := int64(1 + workers*each); st.Version != want {
			t.Errorf("version = %d, want %d", st.Version, want)
		}
		t.Logf("%d updates applied, %d version conflicts retried", len(applied), conflicts)
	})
}

// corpus stores startups (with rotating sectors, stages and cities) and a
// few investors and mentors, and returns them.
func corpus(t *testing.T, s makerlink.Store, owner string, n int) []makerlink.Profile {
	t.Helper()
	var ps []makerlink.Profile
	for i := range n {
		ps = append(ps, Startup(owner, i))
	}
	for _, p := range SampleProfiles(owner)[1:] {
		ps = append(ps, p)
	}
	if err := s.CreateProfiles(context.Background(), ps); err != nil {
		t.Fatalf("CreateProfiles: %v", err)
	}
	return ps
}

// listAll pages through FindProfiles and fails on a repeated id or order.
func listAll(t *testing.T, s makerlink.Store, f makerlink.ProfileFilter) []string {
	t.Helper()
	var ids []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("too many pages")
		}
		recs, next, err := s.FindProfiles(context.Background(), f)
		if err != nil {
			t.Fatalf("FindProfiles(%+v): %v", f, err)
		}
		limit := f.Limit
		if limit <= 0 {
			limit = 20
		}
		if len(recs) > min(limit, 100) {
			t.Fatalf("page of %d items for limit %d", len(recs), f.Limit)
		}
		if next != "" && len(recs) != min(limit, 100) {
			t.Fatalf("short page of %d items with a next cursor", len(recs))
		}
		for _, r := range recs {
			if len(ids) > 0 && r.ID <= ids[len(ids)-1] {
				t.Fatalf("id %q after %q: not in id order or repeated", r.ID, ids[len(ids)-1])
			}
			ids = append(ids, r.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
}

func idsWhere(ps []makerlink.Profile, keep func(p makerlink.Profile) bool) []string {
	var ids []string
	for _, p := range ps {
		if keep(p) {
			ids = append(ids, p.Base().ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func testFilters(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	other := NewUser(t, s, makerlink.RoleFounder)
	ps := corpus(t, s, owner.ID, 60)
	mine := Startup(other.ID, 7)
	if err := s.CreateProfile(ctx, mine); err != nil {
		t.Fatal(err)
	}
	ps = append(ps, mine)

	has := func(l []string, v string) bool { return slices.Contains(l, v) }
	tests := []struct {
		name string
		f    makerlink.ProfileFilter
		keep func(p makerlink.Profile) bool
	}{
		{"AllStartups", makerlink.ProfileFilter{Kind: makerlink.KindStartup},
			func(p makerlink.Profile) bool { return p.Kind() == makerlink.KindStartup }},
		{"Sector", makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "biotech"},
			func(p makerlink.Profile) bool {
				return p.Kind() == makerlink.KindStartup && has(p.Tags().Sectors, "biotech")
			}},
		{"Stage", makerlink.ProfileFilter{Kind: makerlink.KindStartup, Stage: "pre_a"},
			func(p makerlink.Profile) bool {
				return p.Kind() == makerlink.KindStartup && has(p.Tags().Stages, "pre_a")
			}},
		{"CityEnglish", makerlink.ProfileFilter{Kind: makerlink.KindStartup, City: "Guyuan"},
			func(p makerlink.Profile) bool {
				return p.Kind() == makerlink.KindStartup && has(p.Tags().Cities, "固原")
			}},
		{"Combined", makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "new_energy", Stage: "seed", City: "银川"},
			func(p makerlink.Profile) bool {
				t := p.Tags()
				return p.Kind() == makerlink.KindStartup && has(t.Sectors, "new_energy") && has(t.Stages, "seed") && has(t.Cities, "银川")
			}},
		{"Owner", makerlink.ProfileFilter{Kind: makerlink.KindStartup, OwnerID: other.ID},
			func(p makerlink.Profile) bool { return p.Base().OwnerID == other.ID }},
		{"InvestorsBySector", makerlink.ProfileFilter{Kind: makerlink.KindInvestor, Sector: "new_energy"},
			func(p makerlink.Profile) bool { return p.Kind() == makerlink.KindInvestor }},
		{"InvestorsByRegion", makerlink.ProfileFilter{Kind: makerlink.KindInvestor, City: "吴忠"},
			func(p makerlink.Profile) bool { return p.Kind() == makerlink.KindInvestor }},
		{"MentorsByStage", makerlink.ProfileFilter{Kind: makerlink.KindMentor, Stage: "seed"},
			func(p makerlink.Profile) bool { return false }},
		{"AllKinds", makerlink.ProfileFilter{City: "银川"},
			func(p makerlink.Profile) bool { return has(p.Tags().Cities, "银川") }},
		{"NoMatch", makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "no_such_sector"},
			func(p makerlink.Profile) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Limit = 7
			got := listAll(t, s, tt.f)
			want := idsWhere(ps, tt.keep)
			if !slices.Equal(got, want) {
				t.Errorf("got %d ids %v\nwant %d ids %v", len(got), got, len(want), want)
			}
		})
	}

	t.Run("UpdateMovesTags", func(t *testing.T) {
		cur, err := s.FindProfile(ctx, makerlink.KindStartup, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		st := cur.(*makerlink.Startup)
		st.Sectors, st.City = []string{"culture_creative", "culture_creative"}, "中卫"
		if err := s.UpdateProfile(ctx, st); err != nil {
			t.Fatal(err)
		}
		got := listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "culture_creative", City: "中卫", OwnerID: other.ID})
		if !slices.Equal(got, []string{mine.ID}) {
			t.Errorf("after update got %v, want [%s]", got, mine.ID)
		}
		got = listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, City: "银川", OwnerID: other.ID})
		if len(got) != 0 {
			t.Errorf("old city still matches: %v", got)
		}
	})
}

func testPagination(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	ps := corpus(t, s, owner.ID, 126)
	all := idsWhere(ps, func(p makerlink.Profile) bool { return p.Kind() == makerlink.KindStartup })

	for _, limit := range []int{1, 7, 42, 63, 0, 100, 126, 1000, -5} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			got := listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: limit})
			if !slices.Equal(got, all) {
				t.Errorf("pages gave %d ids, want each of %d exactly once", len(got), len(all))
			}
		})
	}
	t.Run("PageSizes", func(t *testing.T) {
		tests := []struct{ limit, want int }{{0, 20}, {-1, 20}, {1, 1}, {100, 100}, {101, 100}, {1000, 100}}
		for _, tt := range tests {
			recs, next, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.want || next == "" {
				t.Errorf("limit %d: %d items (next %q), want %d and a cursor", tt.limit, len(recs), next, tt.want)
			}
		}
	})
	t.Run("ExactLastPage", func(t *testing.T) {
		recs, next, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 63})
		if err != nil || len(recs) != 63 || next == "" {
			t.Fatalf("first page: %d, %q, %v", len(recs), next, err)
		}
		recs, next, err = s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 63, Cursor: next})
		if err != nil || len(recs) != 63 || next != "" {
			t.Fatalf("last page: %d items, next %q, %v; want 63 and no cursor", len(recs), next, err)
		}
	})
	t.Run("BadCursor", func(t *testing.T) {
		for _, c := range []string{"!!!", "%%", "YQ==", "AA", "_w"} {
			_, _, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Cursor: c})
			wantCode(t, err, makerlink.EBadRequest)
		}
	})
	t.Run("UnknownKind", func(t *testing.T) {
		_, _, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: "unicorn"})
		wantCode(t, err, makerlink.EBadRequest)
	})
	t.Run("DeletedDuringPaging", func(t *testing.T) {
		recs, next, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// Deleting the last item of the page must not break its cursor.
		if err := s.DeleteProfile(ctx, makerlink.KindStartup, recs[9].ID, 0); err != nil {
			t.Fatal(err)
		}
		recs2, _, err := s.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 10, Cursor: next})
		if err != nil || len(recs2) != 10 || recs2[0].ID != all[10] {
			t.Errorf("page after a deleted cursor id: %d items, %v", len(recs2), err)
		}
	})
}

func testVisibility(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	founder := NewUser(t, s, makerlink.RoleFounder)
	otherFounder := NewUser(t, s, makerlink.RoleFounder, makerlink.RoleMentor)
	investor := NewUser(t, s, makerlink.RoleInvestor)
	admin := NewUser(t, s, makerlink.RoleOrganizer)
	if err := s.AddRole(ctx, admin.ID, makerlink.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	admin.Roles = append(admin.Roles, makerlink.RoleAdmin)

	public := Startup(founder.ID, 1)
	hidden := Startup(founder.ID, 2)
	hidden.Visibility = makerlink.VisibilityInvestors
	othersHidden := Startup(otherFounder.ID, 3)
	othersHidden.Visibility = makerlink.VisibilityInvestors
	if err := s.CreateProfiles(ctx, []makerlink.Profile{public, hidden, othersHidden}); err != nil {
		t.Fatal(err)
	}
	rec, err := s.FindProfileRecord(ctx, makerlink.KindStartup, hidden.ID)
	if err != nil || rec.Visibility != makerlink.VisibilityInvestors {
		t.Fatalf("hidden record: %+v, %v", rec, err)
	}

	sorted := func(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
	tests := []struct {
		name   string
		viewer *makerlink.User
		want   []string
	}{
		{"Anonymous", nil, sorted(public.ID)},
		{"OtherFounder", otherFounder, sorted(public.ID, othersHidden.ID)},
		{"Owner", founder, sorted(public.ID, hidden.ID)},
		{"Investor", investor, sorted(public.ID, hidden.ID, othersHidden.ID)},
		{"Admin", admin, sorted(public.ID, hidden.ID, othersHidden.ID)},
		{"UserWithoutID", &makerlink.User{}, sorted(public.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Viewer: tt.viewer, Limit: 2})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// The store agrees with makerlink.CanView.
			for _, p := range []*makerlink.Startup{public, hidden, othersHidden} {
				if makerlink.CanView(tt.viewer, p.OwnerID, p.Tags()) != slices.Contains(got, p.ID) {
					t.Errorf("CanView disagrees for %s", p.ID)
				}
			}
		})
	}
}

func testChangeFeed(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	feed, err := s.ProfileChanges(ctx, 0, 0)
	if err != nil || len(feed) != 0 {
		t.Fatalf("empty store feed = %v, %v", feed, err)
	}
	a := Startup(owner.ID, 1)
	sp := SampleProfiles(owner.ID)[4]
	if err := s.CreateProfile(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProfiles(ctx, []makerlink.Profile{sp}); err != nil {
		t.Fatal(err)
	}
	a.Name = "改名"
	if err := s.UpdateProfile(ctx, a); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateProfile(ctx, Startup(owner.ID, 9)), makerlink.ENotFound) // no entry for a failed write
	if err := s.DeleteProfile(ctx, makerlink.KindStartup, a.ID, a.Version); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		kind    makerlink.Kind
		id      string
		deleted bool
	}
	want := []entry{
		{makerlink.KindStartup, a.ID, false},
		{makerlink.KindSpace, sp.Base().ID, false},
		{makerlink.KindStartup, a.ID, false},
		{makerlink.KindStartup, a.ID, true},
	}
	feed, err = s.ProfileChanges(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(feed) != len(want) {
		t.Fatalf("feed has %d entries %+v, want %d", len(feed), feed, len(want))
	}
	for i, c := range feed {
		if (entry{c.Kind, c.ID, c.Deleted}) != want[i] {
			t.Errorf("feed[%d] = %+v, want %+v", i, c, want[i])
		}
		if c.At.IsZero() {
			t.Errorf("feed[%d] has no time", i)
		}
		if i > 0 && c.Seq <= feed[i-1].Seq {
			t.Errorf("seq %d after %d", c.Seq, feed[i-1].Seq)
		}
	}
	after, err := s.ProfileChanges(ctx, feed[1].Seq, 0)
	if err != nil || len(after) != 2 || after[0].Seq != feed[2].Seq {
		t.Errorf("changes after seq %d = %+v, %v", feed[1].Seq, after, err)
	}
	one, err := s.ProfileChanges(ctx, 0, 1)
	if err != nil || len(one) != 1 || one[0].Seq != feed[0].Seq {
		t.Errorf("limit 1 = %+v, %v", one, err)
	}
	none, err := s.ProfileChanges(ctx, feed[3].Seq, 10)
	if err != nil || len(none) != 0 {
		t.Errorf("after the last = %+v, %v", none, err)
	}

	t.Run("ConcurrentWritersAllRecorded", func(t *testing.T) {
		last := feed[len(feed)-1].Seq
		const n = 12
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if err := s.CreateProfile(ctx, Startup(owner.ID, 100+i)); err != nil {
					t.Errorf("CreateProfile: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := s.ProfileChanges(ctx, last, 0)
		if err != nil || len(got) != n {
			t.Fatalf("%d changes after %d concurrent creates, %v", len(got), n, err)
		}
	})
}

func testProfilesByOwner(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder, makerlink.RoleLab)
	other := NewUser(t, s, makerlink.RoleFounder)
	mine := SampleProfiles(owner.ID)
	if err := s.CreateProfiles(ctx, append(mine, Startup(other.ID, 5))); err != nil {
		t.Fatal(err)
	}
	got, err := s.ProfilesByOwner(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []makerlink.ProfileRef
	for _, p := range mine {
		want = append(want, makerlink.ProfileRef{Kind: p.Kind(), ID: p.Base().ID, Name: p.Tags().Name})
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Kind != want[j].Kind {
			return want[i].Kind < want[j].Kind
		}
		return want[i].ID < want[j].ID
	})
	if !slices.Equal(got, want) {
		t.Errorf("ProfilesByOwner = %+v\nwant %+v", got, want)
	}
	none, err := s.ProfilesByOwner(ctx, NewUser(t, s).ID)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("no profiles: %#v, %v; want an empty slice", none, err)
	}
}

func testBulkCreate(t *testing.T, s makerlink.Store) {
	ctx := context.Background()
	owner := NewUser(t, s, makerlink.RoleFounder)
	const n = 1203 // more than two multi-row batches
	ps := make([]makerlink.Profile, n)
	for i := range ps {
		ps[i] = Startup(owner.ID, i)
	}
	if err := s.CreateProfiles(ctx, ps); err != nil {
		t.Fatalf("CreateProfiles: %v", err)
	}
	seen := map[string]bool{}
	for _, p := range ps {
		m := p.Base()
		if m.ID == "" || m.Version != 1 || seen[m.ID] {
			t.Fatalf("meta %+v (duplicate %v)", *m, seen[m.ID])
		}
		seen[m.ID] = true
	}
	for _, i := range []int{0, 499, 500, 1000, n - 1} {
		rec, err := s.FindProfileRecord(ctx, makerlink.KindStartup, ps[i].Base().ID)
		if err != nil || !bytes.Equal(rec.Doc, mustJSON(t, ps[i])) {
			t.Fatalf("profile %d: %v", i, err)
		}
	}
	got := listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "biotech", Limit: 100})
	if want := idsWhere(ps, func(p makerlink.Profile) bool { return slices.Contains(p.Tags().Sectors, "biotech") }); !slices.Equal(got, want) {
		t.Errorf("biotech filter: %d ids, want %d", len(got), len(want))
	}
	feed, err := s.ProfileChanges(ctx, 0, 5000)
	if err != nil || len(feed) != n {
		t.Fatalf("feed has %d entries, want %d (%v)", len(feed), n, err)
	}
	for i, c := range feed {
		if c.ID != ps[i].Base().ID {
			t.Fatalf("feed[%d] = %s, want %s (input order)", i, c.ID, ps[i].Base().ID)
		}
	}

	t.Run("AllOrNothing", func(t *testing.T) {
		batch := []makerlink.Profile{Startup(owner.ID, 1), Startup(owner.ID, 2), Startup(owner.ID, 3)}
		batch[2].Base().ID = ps[0].Base().ID // collides with a stored profile
		wantCode(t, s.CreateProfiles(ctx, batch), makerlink.EConflict)
		for i, p := range batch[:2] {
			if p.Base().ID != "" || p.Base().Version != 0 {
				t.Errorf("batch[%d] meta changed on failure: %+v", i, *p.Base())
			}
		}
		after, err := s.ProfileChanges(ctx, feed[len(feed)-1].Seq, 0)
		if err != nil || len(after) != 0 {
			t.Errorf("failed batch left changes: %+v, %v", after, err)
		}
		if all := listAll(t, s, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 100}); len(all) != n {
			t.Errorf("%d startups stored, want %d", len(all), n)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if err := s.CreateProfiles(ctx, nil); err != nil {
			t.Errorf("CreateProfiles(nil): %v", err)
		}
	})
}
