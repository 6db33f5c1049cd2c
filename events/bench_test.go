package events_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"makerlink"
	"makerlink/events"
	"makerlink/store"
	"makerlink/store/storetest"
)

// BenchmarkVote measures the vote path of the service (the INSERT that
// enforces one vote per account and the count cache), in parallel, on
// each engine: go test -run X -bench Vote ./events/
func BenchmarkVote(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			db := eng.open(b)
			benchVote(b, db, nil)
		})
	}
	b.Run("postgres+redis", func(b *testing.B) {
		db := storetest.OpenPostgres(b)
		rc, prefix := redisClientTB(b)
		benchVote(b, db, &events.Config{Redis: rc, RedisPrefix: prefix})
	})
}

func benchVote(b *testing.B, db *store.DB, extra *events.Config) {
	ctx := b.Context()
	org := storetest.NewUser(b, db, makerlink.RoleOrganizer)
	founder := storetest.NewUser(b, db, makerlink.RoleFounder)
	cfg := events.Config{Store: db, BoardInterval: time.Hour}
	if extra != nil {
		cfg.Redis, cfg.RedisPrefix = extra.Redis, extra.RedisPrefix
	}
	svc := events.New(cfg)
	b.Cleanup(func() { svc.Close() })
	e := &makerlink.Event{Name: "bench", StartsAt: time.Now()}
	if err := svc.CreateEvent(ctx, org, e); err != nil {
		b.Fatal(err)
	}
	const pitches = 20
	var ids []string
	for i := range pitches {
		st := storetest.Startup(founder.ID, i)
		if err := db.CreateProfile(ctx, st); err != nil {
			b.Fatal(err)
		}
		p, err := svc.AddPitch(ctx, org, e.ID, st.ID, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range []string{makerlink.ActionStartPitch, makerlink.ActionOpenVoting, makerlink.ActionEndPitch} {
			if _, err := svc.Control(ctx, org, e.ID, a, p.ID); err != nil {
				b.Fatal(err)
			}
		}
		ids = append(ids, p.ID)
	}
	if _, err := svc.Leaderboard(ctx, nil, e.ID); err != nil { // builds the count cache
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			u := &makerlink.User{ID: fmt.Sprintf("u%d", i/pitches)}
			if _, err := svc.Vote(ctx, u, e.ID, ids[i%pitches]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "votes/s")
	lb, err := svc.Leaderboard(ctx, nil, e.ID)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, it := range lb.Items {
		total += it.Votes
	}
	if total != int64(b.N) {
		b.Fatalf("leaderboard counts %d votes after %d", total, b.N)
	}
}
