package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

var engines = []struct {
	name string
	open func(testing.TB) *store.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

// benchParallelism multiplies GOMAXPROCS into the number of goroutines of
// the parallel benchmarks, to resemble a server under concurrent load.
const benchParallelism = 8

// benchProfiles is the size of the store the read benchmarks query.
const benchProfiles = 100_000

// seedStartups bulk-loads n startups owned by one founder and returns their
// ids.
func seedStartups(b *testing.B, db *store.DB, n int) (*makerlink.User, []string) {
	b.Helper()
	ctx := context.Background()
	owner := storetest.NewUser(b, db, makerlink.RoleFounder)
	ids := make([]string, 0, n)
	for start := 0; start < n; start += 5000 {
		ps := make([]makerlink.Profile, 0, 5000)
		for i := start; i < min(start+5000, n); i++ {
			ps = append(ps, storetest.Startup(owner.ID, i))
		}
		if err := db.CreateProfiles(ctx, ps); err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			ids = append(ids, p.Base().ID)
		}
	}
	return owner, ids
}

// BenchmarkFindProfileRecord measures the hot read path of GET
// /startups/{id}: random lookups among 100,000 startups from concurrent
// goroutines. The store is loaded once per engine, outside the timing.
func BenchmarkFindProfileRecord(b *testing.B) {
	for _, e := range engines {
		db := e.open(b) // PostgreSQL may skip here, after SQLite ran
		_, ids := seedStartups(b, db, benchProfiles)
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			var seed atomic.Uint64
			b.SetParallelism(benchParallelism)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(seed.Add(1), 7))
				for pb.Next() {
					if _, err := db.FindProfileRecord(ctx, makerlink.KindStartup, ids[r.IntN(len(ids))]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkFindProfiles measures first pages of 20 among 100,000 startups:
// unfiltered, by one sector (about 20% of startups match), by sector and
// city (10%), and by a sector and city no startup has together (the whole
// sector is probed).
func BenchmarkFindProfiles(b *testing.B) {
	for _, e := range engines {
		db := e.open(b)
		seedStartups(b, db, benchProfiles)
		for _, c := range []struct {
			name string
			f    func(i int) makerlink.ProfileFilter
		}{
			{"all", func(i int) makerlink.ProfileFilter { return makerlink.ProfileFilter{} }},
			{"sector", func(i int) makerlink.ProfileFilter {
				return makerlink.ProfileFilter{Sector: makerlink.Sectors[i%10].Code}
			}},
			{"sector+city", func(i int) makerlink.ProfileFilter {
				return makerlink.ProfileFilter{Sector: makerlink.Sectors[i%10].Code, City: makerlink.Cities[i%5].ZH}
			}},
			{"no-match", func(i int) makerlink.ProfileFilter {
				return makerlink.ProfileFilter{Sector: makerlink.Sectors[i%10].Code, City: makerlink.Cities[(i+1)%5].ZH}
			}},
		} {
			b.Run(e.name+"/"+c.name, func(b *testing.B) {
				ctx := context.Background()
				b.SetParallelism(benchParallelism)
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						f := c.f(i)
						f.Kind = makerlink.KindStartup
						i++
						if _, _, err := db.FindProfiles(ctx, f); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkFindSession measures the session lookup every authenticated
// request makes.
func BenchmarkFindSession(b *testing.B) {
	for _, e := range engines {
		db := e.open(b)
		ctx := context.Background()
		u := storetest.NewUser(b, db, makerlink.RoleInvestor)
		const n = 1000
		for i := range n {
			s := &makerlink.Session{TokenHash: fmt.Sprintf("hash-%d", i), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
			if err := db.CreateSession(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(e.name, func(b *testing.B) {
			b.SetParallelism(benchParallelism)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, _, err := db.FindSession(ctx, fmt.Sprintf("hash-%d", i%n)); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkCreateProfile measures single creates (one transaction each:
// profile, tags, change feed), from one goroutine and from many.
func BenchmarkCreateProfile(b *testing.B) {
	for _, e := range engines {
		for _, parallel := range []bool{false, true} {
			name := e.name + "/serial"
			if parallel {
				name = e.name + "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				db := e.open(b)
				ctx := context.Background()
				owner := storetest.NewUser(b, db, makerlink.RoleFounder)
				var n atomic.Int64
				create := func() {
					if err := db.CreateProfile(ctx, storetest.Startup(owner.ID, int(n.Add(1)))); err != nil {
						b.Error(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				if !parallel {
					for b.Loop() {
						create()
					}
					return
				}
				b.SetParallelism(benchParallelism)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						create()
					}
				})
			})
		}
	}
}

// BenchmarkCreateProfiles100k measures the bulk load of 100,000 startups in
// one CreateProfiles call (demo data at benchmark size).
func BenchmarkCreateProfiles100k(b *testing.B) {
	const n = 100_000
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := e.open(b)
			ctx := context.Background()
			owner := storetest.NewUser(b, db, makerlink.RoleFounder)
			var elapsed time.Duration
			loads := 0
			for b.Loop() {
				loads++
				b.StopTimer()
				ps := make([]makerlink.Profile, n)
				for i := range ps {
					ps[i] = storetest.Startup(owner.ID, i)
				}
				b.StartTimer()
				start := time.Now()
				if err := db.CreateProfiles(ctx, ps); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(n*loads)/elapsed.Seconds(), "profiles/s")
		})
	}
}
