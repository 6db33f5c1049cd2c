package events_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
	"makerlink/events"
	"makerlink/store"
	"makerlink/store/storetest"
)

// recorder is a Publisher that keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs map[string][]message // channel -> messages
}

type message struct {
	typ  string
	data json.RawMessage
}

func newRecorder() *recorder { return &recorder{msgs: map[string][]message{}} }

func (r *recorder) Publish(_ context.Context, channel, typ string, data any) (int64, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs[channel] = append(r.msgs[channel], message{typ, b})
	return int64(len(r.msgs[channel])), nil
}

func (r *recorder) of(channel, typ string) []json.RawMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []json.RawMessage
	for _, m := range r.msgs[channel] {
		if m.typ == typ {
			out = append(out, m.data)
		}
	}
	return out
}

var engines = []struct {
	name string
	open func(testing.TB) *store.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

// world is a store with accounts, three startups and an event.
type world struct {
	db                                *store.DB
	organizer, judge, conflicted, fan *makerlink.User
	founders                          []*makerlink.User
	startups                          []*makerlink.Startup
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{db: db}
	mk := func(email string, roles ...makerlink.Role) *makerlink.User {
		var b [4]byte
		_, _ = rand.Read(b[:])
		u := &makerlink.User{Email: hex.EncodeToString(b[:]) + email, Name: email, Roles: roles}
		if err := db.CreateUser(ctx, u, "h"); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.organizer = mk("@organizer.example.com", makerlink.RoleOrganizer)
	w.judge = mk("@qq.com", makerlink.RoleInvestor)
	w.conflicted = mk("@goji-tech.cn", makerlink.RoleMentor)
	w.fan = mk("@163.com")
	for i := range 3 {
		domain := "@qq.com"
		if i == 0 {
			domain = "@goji-tech.cn" // shares a company domain with the conflicted judge
		}
		u := mk(domain, makerlink.RoleFounder)
		s := storetest.Startup(u.ID, i)
		if err := db.CreateProfile(ctx, s); err != nil {
			t.Fatal(err)
		}
		w.founders = append(w.founders, u)
		w.startups = append(w.startups, s)
	}
	return w
}

func (w *world) event(t *testing.T, svc *events.Service, hide bool) (*makerlink.Event, []*makerlink.Pitch) {
	t.Helper()
	ctx := t.Context()
	e := &makerlink.Event{Name: "塞上江南创客大赛", StartsAt: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC),
		HideResultsUntilClose: hide,
		Rubric:                []makerlink.RubricItem{{Key: "a", Label: "A", Weight: 2, Max: 10}, {Key: "b", Label: "B", Weight: 1, Max: 5}}}
	if err := svc.CreateEvent(ctx, w.organizer, e); err != nil {
		t.Fatal(err)
	}
	for _, j := range []*makerlink.User{w.judge, w.conflicted} {
		if _, err := svc.AddJudge(ctx, w.organizer, e.ID, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	var ps []*makerlink.Pitch
	for _, s := range w.startups {
		p, err := svc.AddPitch(ctx, w.organizer, e.ID, s.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return e, ps
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := makerlink.ErrorCode(err); got != code {
		t.Fatalf("got %v (code %q), want %q", err, got, code)
	}
}

func TestServiceEvent(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			ctx := t.Context()
			db := eng.open(t)
			w := newWorld(t, db)
			rec := newRecorder()
			// A board interval of an hour: no tick comes during the test,
			// so every leaderboard change is coalesced into the one
			// message Close flushes.
			svc := events.New(events.Config{Store: db, Users: db, Notifications: db, Publisher: rec, BoardInterval: time.Hour})
			e, ps := w.event(t, svc, false)

			// The conflicted judge was recused from pitch 1 automatically.
			prog := must[*events.Progress](t)(svc.Progress(ctx, w.organizer, e.ID))
			if got := prog.Pitches[0].Recusals; len(got) != 1 || got[0].JudgeID != w.conflicted.ID || got[0].Reason != makerlink.RecuseEmailDomain {
				t.Fatalf("recusals of pitch 1: %+v", got)
			}
			_, err := svc.Progress(ctx, w.judge, e.ID)
			wantCode(t, err, makerlink.EForbidden)

			// Run pitch 1: state messages, the next founder notified live.
			v := must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionStartPitch, ps[0].ID))
			if p := v.Pitches[0]; p.PhaseEndsAt == nil || p.RemainingSeconds == nil || p.PhaseSeconds != 480 ||
				!p.PhaseEndsAt.Equal(p.StartedAt.Add(480*time.Second)) {
				t.Fatalf("timer of the pitch on stage: %+v", p)
			}
			if len(rec.of("event:"+e.ID, events.TypeState)) == 0 {
				t.Fatal("no state message")
			}
			if n := rec.of("user:"+w.founders[1].ID, events.TypeNotification); len(n) != 1 {
				t.Fatalf("the next founder got %d live notifications, want 1", len(n))
			}
			_, err = svc.Control(ctx, w.judge, e.ID, makerlink.ActionStartQA, ps[0].ID)
			wantCode(t, err, makerlink.EForbidden)
			_, err = svc.Control(ctx, w.organizer, e.ID, "dance", ps[0].ID)
			wantCode(t, err, makerlink.EValidation)

			// Scores.
			_, err = svc.SetScore(ctx, w.conflicted, e.ID, ps[0].ID, map[string]float64{"a": 10, "b": 5}, "")
			wantCode(t, err, makerlink.EConflictOfInterest)
			must[*makerlink.Score](t)(svc.SetScore(ctx, w.judge, e.ID, ps[0].ID, map[string]float64{"a": 8, "b": 5}, "清晰"))
			_, err = svc.SetScore(ctx, w.fan, e.ID, ps[0].ID, map[string]float64{"a": 8, "b": 5}, "")
			wantCode(t, err, makerlink.EForbidden)
			_, err = svc.SetScore(ctx, w.judge, e.ID, ps[0].ID, map[string]float64{"a": 8, "b": 6}, "")
			wantCode(t, err, makerlink.EValidation)

			// Votes.
			must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionOpenVoting, ps[0].ID))
			for i := range 25 {
				u := &makerlink.User{ID: fmt.Sprintf("fan-%d", i)}
				must[*makerlink.Vote](t)(svc.Vote(ctx, u, e.ID, ps[0].ID))
			}
			_, err = svc.Vote(ctx, &makerlink.User{ID: "fan-3"}, e.ID, ps[0].ID)
			wantCode(t, err, makerlink.EAlreadyVoted)
			_, err = svc.Vote(ctx, nil, e.ID, ps[0].ID)
			wantCode(t, err, makerlink.EUnauthorized)

			lb := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, nil, e.ID))
			if lb.Hidden || lb.Items[0].PitchID != ps[0].ID || lb.Items[0].Votes != 25 || math.Abs(*lb.Items[0].JudgeScore-260.0/3) > 1e-9 || lb.Items[0].Judges != 1 {
				t.Fatalf("leaderboard %+v", lb.Items[0])
			}

			// Questions and an intent card.
			q := must[*makerlink.Question](t)(svc.Ask(ctx, w.fan, e.ID, "  你们的客户在哪里？ "))
			must[*makerlink.Question](t)(svc.Upvote(ctx, w.judge, e.ID, q.ID))
			_, err = svc.HideQuestion(ctx, w.fan, e.ID, q.ID, true)
			wantCode(t, err, makerlink.EForbidden)
			must[*makerlink.Question](t)(svc.HideQuestion(ctx, w.organizer, e.ID, q.ID, true))
			if qs := must[[]*makerlink.Question](t)(svc.Questions(ctx, w.fan, e.ID)); len(qs) != 0 {
				t.Fatalf("the audience still sees a hidden question: %+v", qs)
			}
			if n := len(rec.of("event:"+e.ID, events.TypeQuestion)); n != 3 {
				t.Fatalf("%d question messages, want 3 (asked, upvoted, hidden)", n)
			}
			_, _, err = svc.Intent(ctx, w.fan, e.ID, ps[0].ID, "")
			wantCode(t, err, makerlink.EForbidden)
			in, created, err := svc.Intent(ctx, w.judge, e.ID, ps[0].ID, "愿意领投")
			if err != nil || !created || in.StartupID != w.startups[0].ID {
				t.Fatalf("intent %+v %v %v", in, created, err)
			}
			if n := rec.of("user:"+w.founders[0].ID, events.TypeNotification); len(n) != 1 {
				t.Fatalf("founder got %d intent notifications, want 1", len(n))
			}
			if got := must[[]*makerlink.Intent](t)(svc.Intents(ctx, w.founders[0], e.ID, ps[0].ID)); len(got) != 1 {
				t.Fatalf("founder sees %d intents", len(got))
			}
			_, err = svc.Intents(ctx, w.fan, e.ID, ps[0].ID)
			wantCode(t, err, makerlink.EForbidden)

			// Leaderboard messages were coalesced: none yet (no tick), one
			// on Close, equal to what the database says.
			if n := len(rec.of("event:"+e.ID, events.TypeLeaderboard)); n != 0 {
				t.Fatalf("%d leaderboard messages before any tick", n)
			}
			if err := svc.Close(); err != nil {
				t.Fatal(err)
			}
			boards := rec.of("event:"+e.ID, events.TypeLeaderboard)
			if len(boards) != 1 {
				t.Fatalf("%d leaderboard messages after Close, want 1", len(boards))
			}
			var got makerlink.Leaderboard
			if err := json.Unmarshal(boards[0], &got); err != nil {
				t.Fatal(err)
			}
			want := dbBoard(t, db, e.ID)
			if fmt.Sprint(boardKey(&got)) != fmt.Sprint(boardKey(want)) {
				t.Fatalf("published %v, database says %v", boardKey(&got), boardKey(want))
			}
			if len(rec.of("event:"+e.ID+":judges", events.TypeProgress)) != 1 {
				t.Fatal("no progress message for the judges")
			}
		})
	}
}

// dbBoard computes the leaderboard straight from the database.
func dbBoard(t *testing.T, db *store.DB, eventID string) *makerlink.Leaderboard {
	t.Helper()
	ctx := t.Context()
	e := must[*makerlink.Event](t)(db.FindEvent(ctx, eventID))
	ps := must[[]*makerlink.Pitch](t)(db.FindPitches(ctx, eventID))
	sc := must[[]*makerlink.Score](t)(db.FindScores(ctx, eventID))
	rs := must[[]*makerlink.Recusal](t)(db.FindRecusals(ctx, eventID))
	votes := must[map[string]int64](t)(db.CountVotes(ctx, eventID))
	return makerlink.BuildLeaderboard(e, ps, sc, rs, votes)
}

// boardKey is what two leaderboards must agree on.
func boardKey(lb *makerlink.Leaderboard) []string {
	var out []string
	for _, it := range lb.Items {
		js := "-"
		if it.JudgeScore != nil {
			js = fmt.Sprintf("%.4f/%.4f", *it.JudgeScore, *it.JudgeScoreNormalized)
		}
		out = append(out, fmt.Sprintf("%d:%s:%s:%d", it.Rank, it.PitchID, js, it.Votes))
	}
	return out
}

func TestHiddenResults(t *testing.T) {
	ctx := t.Context()
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db)
	svc := events.New(events.Config{Store: db, BoardInterval: time.Hour})
	t.Cleanup(func() { svc.Close() })
	e, ps := w.event(t, svc, true)
	for _, p := range ps {
		must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionStartPitch, p.ID))
		must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionOpenVoting, p.ID))
		must[*makerlink.Vote](t)(svc.Vote(ctx, w.fan, e.ID, p.ID))
		must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionEndPitch, p.ID))
	}
	for _, viewer := range []*makerlink.User{nil, w.fan, w.founders[0]} {
		lb := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, viewer, e.ID))
		if !lb.Hidden || len(lb.Items) != 0 {
			t.Fatalf("the audience sees hidden results: %+v", lb)
		}
	}
	for _, insider := range []*makerlink.User{w.organizer, w.judge} {
		lb := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, insider, e.ID))
		if lb.Hidden || len(lb.Items) != 3 {
			t.Fatalf("an insider must see the results: %+v", lb)
		}
	}
	var buf writerCounter
	wantCode(t, svc.ResultsCSV(ctx, w.fan, e.ID, &buf, false), makerlink.EForbidden)
	for i, p := range ps {
		must[*events.EventView](t)(svc.Control(ctx, w.organizer, e.ID, makerlink.ActionCloseVoting, p.ID))
		lb := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, w.fan, e.ID))
		if last := i == len(ps)-1; lb.Hidden == last {
			t.Fatalf("after closing voting on %d of %d pitches: hidden = %v", i+1, len(ps), lb.Hidden)
		}
	}
	lb := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, w.fan, e.ID))
	for _, it := range lb.Items {
		if it.Votes != 1 {
			t.Fatalf("final votes %+v", it)
		}
	}
}

type writerCounter struct{ n int }

func (w *writerCounter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func TestChannelAuthorizer(t *testing.T) {
	ctx := t.Context()
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db)
	svc := events.New(events.Config{Store: db, BoardInterval: time.Hour})
	t.Cleanup(func() { svc.Close() })
	e, _ := w.event(t, svc, false)
	admin := storetest.NewUser(t, db, makerlink.RoleAdmin)
	other := &makerlink.Event{Name: "另一场", StartsAt: time.Now()}
	must[struct{}](t)(struct{}{}, svc.CreateEvent(ctx, w.organizer, other))
	authz := events.ChannelAuthorizer(db, db)
	tests := []struct {
		user, channel, code string
	}{
		{"", "event:" + e.ID, ""},
		{w.fan.ID, "event:" + e.ID, ""},
		{w.judge.ID, "event:" + e.ID + ":judges", ""},
		{w.organizer.ID, "event:" + e.ID + ":judges", ""},
		{admin.ID, "event:" + e.ID + ":judges", ""},
		{w.fan.ID, "event:" + e.ID + ":judges", makerlink.EForbidden},
		{w.judge.ID, "event:" + other.ID + ":judges", makerlink.EForbidden}, // a judge of another event
		{"", "event:" + e.ID + ":judges", makerlink.EUnauthorized},
		{w.fan.ID, "event:nope:judges", makerlink.ENotFound},
		{w.fan.ID, "user:" + w.fan.ID, ""},
	}
	for _, tt := range tests {
		if got := makerlink.ErrorCode(authz(ctx, tt.user, tt.channel)); got != tt.code {
			t.Errorf("%s on %s: %q, want %q", tt.user, tt.channel, got, tt.code)
		}
	}
}

// redisClient returns a client of the test Redis server and a fresh key
// prefix whose keys are deleted when the test ends. Outside CI the test is
// skipped when Redis does not answer.
func redisClient(t *testing.T) (*redis.Client, string) { return redisClientTB(t) }

func redisClientTB(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("MAKERLINK_TEST_REDIS")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is required when CI=true: %v", url, err)
		}
		t.Skipf("skipping: no Redis at %s (%v)", url, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "mltest:ev:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		deletePrefix(c, prefix)
		c.Close()
	})
	return c, prefix
}

func deletePrefix(c *redis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var keys []string
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}

// TestRedisAcrossNodes runs two services (two nodes) on one PostgreSQL
// database and one Redis: votes through either show on both nodes' equal
// leaderboards, the leaderboard is kept in Redis sorted sets, and after
// the Redis keys are flushed mid-event the leaderboards are still equal to
// the database and the sorted sets come back at the next publish.
func TestRedisAcrossNodes(t *testing.T) {
	ctx := t.Context()
	rc, prefix := redisClient(t)
	db := storetest.OpenPostgres(t)
	w := newWorld(t, db)
	cfg := events.Config{Store: db, Redis: rc, RedisPrefix: prefix, BoardInterval: time.Hour}
	a, b := events.New(cfg), events.New(cfg)
	t.Cleanup(func() { a.Close(); b.Close() })
	e, ps := w.event(t, a, false)
	for _, p := range ps[:2] {
		must[*events.EventView](t)(a.Control(ctx, w.organizer, e.ID, makerlink.ActionStartPitch, p.ID))
		must[*events.EventView](t)(a.Control(ctx, w.organizer, e.ID, makerlink.ActionOpenVoting, p.ID))
		must[*events.EventView](t)(a.Control(ctx, w.organizer, e.ID, makerlink.ActionEndPitch, p.ID))
	}
	vote := func(svc *events.Service, user string, p *makerlink.Pitch) {
		t.Helper()
		must[*makerlink.Vote](t)(svc.Vote(ctx, &makerlink.User{ID: user}, e.ID, p.ID))
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := a
			if i%2 == 1 {
				svc = b
			}
			vote(svc, fmt.Sprintf("u%d", i), ps[i%2])
		}()
	}
	wg.Wait()
	same := func(stage string) {
		t.Helper()
		want := boardKey(dbBoard(t, db, e.ID))
		for name, svc := range map[string]*events.Service{"A": a, "B": b} {
			got := must[*makerlink.Leaderboard](t)(svc.Leaderboard(ctx, nil, e.ID))
			if fmt.Sprint(boardKey(got)) != fmt.Sprint(want) {
				t.Fatalf("%s: node %s shows %v, database says %v", stage, name, boardKey(got), want)
			}
		}
	}
	same("after votes on both nodes")

	// Redis loses everything of this deployment mid-event.
	deletePrefix(rc, prefix)
	vote(b, "late-1", ps[0])
	vote(a, "late-2", ps[1])
	same("after the flush")

	// The publishing node rewrites the sorted sets from the database.
	a.Close()
	n, err := rc.ZScore(ctx, prefix+e.ID+":votes", ps[0].ID).Result()
	if err != nil || n != 21 {
		t.Fatalf("votes sorted set: pitch 1 has %v (%v), want 21", n, err)
	}
	if ids, err := rc.ZRevRange(ctx, prefix+e.ID+":board", 0, -1).Result(); err != nil || len(ids) != 3 {
		t.Fatalf("board sorted set %v, %v", ids, err)
	}
}
