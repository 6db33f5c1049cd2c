package seed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/seed"
	"makerlink/store/storetest"
)

var engines = []struct {
	name string
	open func(testing.TB) makerlink.Store
}{
	{"sqlite", func(tb testing.TB) makerlink.Store { return storetest.OpenSQLite(tb) }},
	{"postgres", func(tb testing.TB) makerlink.Store { return storetest.OpenPostgres(tb) }},
}

var demoHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// changes counts the store's change feed: every stored profile adds one.
func changes(t *testing.T, st makerlink.Store) int {
	t.Helper()
	n, after := 0, int64(0)
	for {
		cs, err := st.ProfileChanges(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return n
		}
		n += len(cs)
		after = cs[len(cs)-1].Seq
	}
}

func TestLoad(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			st := e.open(t)
			d := seed.Generate(seed.Options{Seed: 1})
			before := mustJSON(t, d)

			if ok, err := seed.Loaded(ctx, st); err != nil || ok {
				t.Fatalf("Loaded on an empty store = %v, %v", ok, err)
			}
			if err := seed.Load(ctx, st, d, demoHash); err != nil {
				t.Fatal(err)
			}
			if ok, err := seed.Loaded(ctx, st); err != nil || !ok {
				t.Fatalf("Loaded after Load = %v, %v", ok, err)
			}
			if !bytes.Equal(before, mustJSON(t, d)) {
				t.Error("Load changed the data set")
			}
			if n := changes(t, st); n != len(d.Profiles) {
				t.Errorf("store has %d profile changes, want %d", n, len(d.Profiles))
			}

			t.Run("DemoLogins", func(t *testing.T) {
				for _, a := range d.Accounts {
					u, hash, err := st.FindUserByEmail(ctx, a.Email)
					if err != nil {
						t.Fatalf("%s: %v", a.Email, err)
					}
					if bcrypt.CompareHashAndPassword([]byte(hash), []byte(seed.DemoPassword)) != nil {
						t.Errorf("%s: DemoPassword does not match", a.Email)
					}
					if !u.Has(makerlink.Role(a.Role)) {
						t.Errorf("%s: roles %v, want %s", a.Email, u.Roles, a.Role)
					}
					refs, err := st.ProfilesByOwner(ctx, u.ID)
					if err != nil {
						t.Fatal(err)
					}
					if want := d.OwnedBy(u.ID); len(refs) != len(want) {
						t.Errorf("%s owns %d profiles in the store, %d in the data set", a.Email, len(refs), len(want))
					}
				}
				admin, _, _ := st.FindUserByEmail(ctx, seed.AdminEmail)
				if !admin.IsAdmin() {
					t.Errorf("admin roles %v", admin.Roles)
				}
			})

			t.Run("ProfilesRoundTrip", func(t *testing.T) {
				for _, p := range []makerlink.Profile{d.Profiles[0], d.Profiles[30], d.Profiles[300], d.Profiles[len(d.Profiles)-1]} {
					got, err := st.FindProfile(ctx, p.Kind(), p.Base().ID)
					if err != nil {
						t.Fatalf("%s %s: %v", p.Kind(), p.Base().ID, err)
					}
					if a, b := mustJSON(t, p), mustJSON(t, got); !bytes.Equal(a, b) {
						t.Errorf("stored %s differs:\n%s\n%s", p.Kind(), a, b)
					}
				}
				recs, _, err := st.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "new_energy", City: "中卫", Limit: 100})
				if err != nil || len(recs) == 0 {
					t.Errorf("no new-energy startups in Zhongwei: %d, %v", len(recs), err)
				}
			})

			t.Run("Idempotent", func(t *testing.T) {
				if err := seed.Load(ctx, st, seed.Generate(seed.Options{Seed: 1}), demoHash); err != nil {
					t.Fatal(err)
				}
				// another seed is not loaded over existing demo data either
				if err := seed.Load(ctx, st, seed.Generate(seed.Options{Seed: 2, Total: 50}), demoHash); err != nil {
					t.Fatal(err)
				}
				if n := changes(t, st); n != len(d.Profiles) {
					t.Errorf("a second Load wrote: %d changes, want %d", n, len(d.Profiles))
				}
			})
		})
	}
}

// TestLoadResumes: a load that stopped part way (a crash, a cancelled
// context) is completed by the next Load.
func TestLoadResumes(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			st := e.open(t)
			d := seed.Generate(seed.Options{Seed: 3, Total: 300})

			// store some accounts and a few profiles, as an interrupted load would
			owners := map[string]bool{}
			for _, u := range d.Users[:len(d.Users)/2] {
				c := *u
				if err := st.CreateUser(ctx, &c, demoHash); err != nil {
					t.Fatal(err)
				}
				owners[u.ID] = true
			}
			var some []makerlink.Profile
			for _, p := range d.Profiles {
				if owners[p.Base().OwnerID] && len(some) < 20 {
					some = append(some, p)
				}
			}
			if err := st.CreateProfiles(ctx, some); err != nil {
				t.Fatal(err)
			}

			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := seed.Load(cctx, st, d, demoHash); !errors.Is(err, context.Canceled) {
				t.Errorf("Load with a cancelled context = %v", err)
			}
			if ok, _ := seed.Loaded(ctx, st); ok {
				t.Fatal("Loaded before the load completed")
			}
			if err := seed.Load(ctx, st, d, demoHash); err != nil {
				t.Fatal(err)
			}
			if n := changes(t, st); n != len(d.Profiles) {
				t.Errorf("%d profiles stored, want %d", n, len(d.Profiles))
			}
			if ok, _ := seed.Loaded(ctx, st); !ok {
				t.Error("not Loaded after the resumed load")
			}
		})
	}
}

// TestLoadRefusesTakenDemoEmail: when someone registered a demo e-mail
// address before the demo data was loaded, Load stops with a conflict
// instead of giving that person's account to the demo data.
func TestLoadRefusesTakenDemoEmail(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	if err := st.CreateUser(ctx, &makerlink.User{Email: seed.FounderEmail, Name: "someone", Roles: []makerlink.Role{makerlink.RoleFounder}}, demoHash); err != nil {
		t.Fatal(err)
	}
	err := seed.Load(ctx, st, seed.Generate(seed.Options{Seed: 1, Total: 50}), demoHash)
	if makerlink.ErrorCode(err) != makerlink.EConflict {
		t.Fatalf("Load = %v, want a conflict", err)
	}
	if ok, _ := seed.Loaded(ctx, st); ok {
		t.Error("Loaded after a failed load")
	}
}

// TestDatasetJSON: the data set encodes to JSON that decodes back into the
// same profiles (cmd/makerlink and fixtures may dump it).
func TestDatasetJSON(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	var raw struct {
		Profiles []json.RawMessage `json:"profiles"`
	}
	if err := json.Unmarshal(mustJSON(t, d), &raw); err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Profiles {
		q, _ := makerlink.NewProfile(p.Kind())
		if err := json.Unmarshal(raw.Profiles[i], q); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mustJSON(t, p), mustJSON(t, q)) {
			t.Fatalf("profile %d does not round-trip", i)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, e := range engines {
		for _, total := range []int{seed.DefaultTotal, 20_000, 100_000} {
			b.Run(e.name+"/"+strconv.Itoa(total), func(b *testing.B) {
				d := seed.Generate(seed.Options{Seed: 1, Total: total})
				for b.Loop() {
					b.StopTimer()
					st := e.open(b)
					b.StartTimer()
					if err := seed.Load(context.Background(), st, d, demoHash); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(d.Profiles))*float64(b.N)/b.Elapsed().Seconds(), "profiles/s")
			})
		}
	}
}
