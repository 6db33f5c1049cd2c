package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
	"makerlink/api"
	"makerlink/realtime/client"
	"makerlink/store"
	"makerlink/store/storetest"
)

// Durability tests of live events against the real binary: kill -9 during
// a vote stream, and two `makerlink serve` nodes on one PostgreSQL and one
// Redis.

// buildBinary builds cmd/makerlink into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "makerlink")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a bytes.Buffer safe for a subprocess's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// node is a `makerlink serve` subprocess.
type node struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startNode runs the binary and waits until it answers /healthz.
func startNode(t *testing.T, bin, dataDir string, env ...string) *node {
	t.Helper()
	addr := freeAddr(t)
	n := &node{base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	n.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", dataDir)
	n.cmd.Env = append(os.Environ(), append([]string{"DATABASE_URL=", "REDIS_URL=", "MAKERLINK_LOG_LEVEL=warn"}, env...)...)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = n.cmd.Wait(); close(n.done) }()
	t.Cleanup(func() { n.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(n.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return n
			}
		}
		select {
		case <-n.done:
			t.Fatalf("the server exited on start:\n%s", n.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not come up:\n%s", n.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to exit.
func (n *node) kill() {
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Kill()
	<-n.done
}

// liveFixture is an event whose pitches all take votes, and voters with
// tokens, written straight into the database the nodes use.
type liveFixture struct {
	organizer string // token
	eventID   string
	pitches   []string
	voters    []string // tokens
	voterIDs  []string
}

func setupLive(t *testing.T, db *store.DB, base string, pitches, voters int) *liveFixture {
	t.Helper()
	ctx := t.Context()
	f := &liveFixture{}
	newUser := func(roles ...makerlink.Role) (*makerlink.User, string) {
		u := storetest.NewUser(t, db, roles...)
		tok, err := api.IssueSession(ctx, db, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return u, tok
	}
	_, f.organizer = newUser(makerlink.RoleOrganizer)
	founder, _ := newUser(makerlink.RoleFounder)
	for range voters {
		u, tok := newUser()
		f.voters = append(f.voters, tok)
		f.voterIDs = append(f.voterIDs, u.ID)
	}
	code, b := call(t, "POST", base+"/api/v1/events", f.organizer, map[string]any{"name": "断电演练 kill -9", "starts_at": "2026-12-01T09:00:00+08:00"})
	if code != 201 {
		t.Fatalf("create event: %d %s", code, b)
	}
	var ev struct{ ID string }
	_ = json.Unmarshal(b, &ev)
	f.eventID = ev.ID
	for i := range pitches {
		st := storetest.Startup(founder.ID, i)
		if err := db.CreateProfile(ctx, st); err != nil {
			t.Fatal(err)
		}
		code, b := call(t, "POST", base+"/api/v1/events/"+f.eventID+"/pitches", f.organizer, map[string]any{"startup_id": st.ID})
		if code != 201 {
			t.Fatalf("add pitch: %d %s", code, b)
		}
		var p struct{ ID string }
		_ = json.Unmarshal(b, &p)
		f.pitches = append(f.pitches, p.ID)
		for _, action := range []string{"start_pitch", "open_voting", "end_pitch"} {
			if code, b := call(t, "POST", base+"/api/v1/events/"+f.eventID+"/control", f.organizer,
				map[string]any{"action": action, "pitch_id": p.ID}); code != 200 {
				t.Fatalf("%s: %d %s", action, code, b)
			}
		}
	}
	return f
}

type ballot struct{ voter, pitch int }

// voteStream casts every ballot over HTTP with a few workers and calls
// acked after each 201.
func voteStream(base string, f *liveFixture, ballots []ballot, workers int, acked func(ballot)) {
	jobs := make(chan ballot)
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 10 * time.Second}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				req, _ := http.NewRequest("POST", base+"/api/v1/events/"+f.eventID+"/pitches/"+f.pitches[b.pitch]+"/votes", nil)
				req.Header.Set("Authorization", "Bearer "+f.voters[b.voter])
				resp, err := hc.Do(req)
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == 201 {
					acked(b)
				}
			}
		}()
	}
	for _, b := range ballots {
		jobs <- b
	}
	close(jobs)
	wg.Wait()
}

// storedVotes returns the (user, pitch) pairs in the database.
func storedVotes(t *testing.T, db *store.DB, eventID string) map[[2]string]bool {
	t.Helper()
	rows, err := db.SQL().QueryContext(t.Context(), `SELECT user_id, pitch_id FROM event_votes WHERE event_id = $1`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]string]bool{}
	for rows.Next() {
		var u, p string
		if err := rows.Scan(&u, &p); err != nil {
			t.Fatal(err)
		}
		out[[2]string{u, p}] = true
	}
	return out
}

// TestBinary builds the binary once and runs the tests that need it as
// subprocesses.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	t.Run("Kill9DuringVoteStream", func(t *testing.T) { testKill9DuringVoteStream(t, bin) })
	t.Run("TwoNodes", func(t *testing.T) { testTwoNodes(t, bin) })
}

// testKill9DuringVoteStream streams votes at the real server, kills it with
// SIGKILL in the middle, restarts it on the same database and checks that
// every vote that got its 201 is stored and still counts.
func testKill9DuringVoteStream(t *testing.T, bin string) {
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dataDir := t.TempDir()
			dbURL := e.url(t)
			env := []string{"DATABASE_URL=" + dbURL}
			n := startNode(t, bin, dataDir, env...)
			dsn := dbURL
			if dsn == "" {
				dsn = filepath.Join(dataDir, "makerlink.db")
			}
			db, err := store.Open(t.Context(), dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			const voters, pitches = 150, 2
			f := setupLive(t, db, n.base, pitches, voters)
			var ballots []ballot
			for p := range pitches {
				for v := range voters {
					ballots = append(ballots, ballot{v, p})
				}
			}
			var mu sync.Mutex
			var acked []ballot
			killed := make(chan struct{})
			var once sync.Once
			voteStream(n.base, f, ballots, 8, func(b ballot) {
				mu.Lock()
				acked = append(acked, b)
				k := len(acked) == 120
				mu.Unlock()
				if k {
					// kill -9 while the other workers are mid-request.
					once.Do(func() { n.kill(); close(killed) })
				}
			})
			select {
			case <-killed:
			default:
				t.Fatalf("the stream ended before the kill (%d acknowledged)", len(acked))
			}
			if len(acked) >= len(ballots) {
				t.Fatal("every vote was acknowledged: the kill came too late to test anything")
			}

			n2 := startNode(t, bin, dataDir, env...)
			stored := storedVotes(t, db, f.eventID)
			for _, b := range acked {
				if !stored[[2]string{f.voterIDs[b.voter], f.pitches[b.pitch]}] {
					t.Fatalf("acknowledged vote of voter %d on pitch %d is lost (%d acknowledged, %d stored)", b.voter, b.pitch, len(acked), len(stored))
				}
			}
			t.Logf("%d votes acknowledged before kill -9, %d stored (the difference were in flight)", len(acked), len(stored))
			// After the restart an acknowledged voter cannot vote again,
			// and the leaderboard counts exactly what is stored.
			b := acked[0]
			req := fmt.Sprintf("%s/api/v1/events/%s/pitches/%s/votes", n2.base, f.eventID, f.pitches[b.pitch])
			if code, body := call(t, "POST", req, f.voters[b.voter], nil); code != 409 {
				t.Fatalf("second vote after restart: %d %s", code, body)
			}
			code, body := call(t, "GET", n2.base+"/api/v1/events/"+f.eventID+"/leaderboard", "", nil)
			var lb makerlink.Leaderboard
			if err := json.Unmarshal(body, &lb); err != nil || code != 200 {
				t.Fatalf("leaderboard %d %s", code, body)
			}
			var total int64
			for _, it := range lb.Items {
				total += it.Votes
			}
			if total != int64(len(stored)) {
				t.Fatalf("leaderboard counts %d votes, the database holds %d", total, len(stored))
			}
		})
	}
}

func testRedis(t *testing.T) (*redis.Client, string) {
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
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is required when CI=true: %v", url, err)
		}
		t.Skipf("skipping: no Redis at %s (%v)", url, err)
	}
	return c, url
}

func deleteKeys(t *testing.T, c *redis.Client, prefix string) int {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		if err := c.Del(ctx, keys...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	return len(keys)
}

// testTwoNodes runs two `makerlink serve` processes on one PostgreSQL
// database and one Redis: a vote through node A reaches a websocket client
// on node B, both show the same leaderboard, and after Redis loses every
// key of the deployment mid-event the leaderboards come back equal to the
// database.
func testTwoNodes(t *testing.T, bin string) {
	rc, redisURL := testRedis(t)
	dsn := storetest.PostgresDSN(t)
	prefix := fmt.Sprintf("mltest:%d:", time.Now().UnixNano())
	t.Cleanup(func() { deleteKeys(t, rc, prefix) })
	env := []string{"DATABASE_URL=" + dsn, "REDIS_URL=" + redisURL, "MAKERLINK_REDIS_PREFIX=" + prefix}
	a := startNode(t, bin, t.TempDir(), env...)
	b := startNode(t, bin, t.TempDir(), env...)
	db, err := store.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := setupLive(t, db, a.base, 1, 12)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	ws, err := client.Dial(ctx, "ws://"+b.base[len("http://"):]+"/ws", client.Options{Reconnect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.Subscribe(ctx, "event:"+f.eventID); err != nil {
		t.Fatal(err)
	}
	var ballots []ballot
	for v := range 6 {
		ballots = append(ballots, ballot{v, 0})
	}
	voteStream(a.base, f, ballots, 3, func(ballot) {})

	// The websocket client on B sees the votes cast through A.
	for seen := int64(0); seen != 6; {
		select {
		case m := <-ws.Messages():
			if m.Type != "leaderboard" {
				continue
			}
			var lb makerlink.Leaderboard
			if err := json.Unmarshal(m.Data, &lb); err != nil {
				t.Fatal(err)
			}
			if len(lb.Items) == 1 {
				seen = lb.Items[0].Votes
			}
		case <-ctx.Done():
			t.Fatal("node B's websocket client never saw the 6 votes cast through node A")
		}
	}

	sameBoards := func(stage string, want int64) {
		t.Helper()
		var got [2]makerlink.Leaderboard
		var stored int64
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			for i, n := range []*node{a, b} {
				_, body := call(t, "GET", n.base+"/api/v1/events/"+f.eventID+"/leaderboard", "", nil)
				got[i] = makerlink.Leaderboard{}
				_ = json.Unmarshal(body, &got[i])
			}
			counts, err := db.CountVotes(t.Context(), f.eventID)
			if err != nil {
				t.Fatal(err)
			}
			stored = counts[f.pitches[0]]
			if len(got[0].Items) == 1 && len(got[1].Items) == 1 && got[0].Version == got[1].Version &&
				got[0].Items[0].Votes == want && got[1].Items[0].Votes == want && stored == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: node A shows %+v, node B %+v, the database holds %d votes, want %d", stage, got[0], got[1], stored, want)
			}
		}
	}
	sameBoards("after votes through A", 6)

	// Redis loses everything of this deployment (a restart without
	// persistence) in the middle of the event.
	if n := deleteKeys(t, rc, prefix); n == 0 {
		t.Fatal("no Redis keys under the deployment's prefix: is Redis mode on?")
	}
	ballots = ballots[:0]
	for v := 6; v < 12; v++ {
		ballots = append(ballots, ballot{v, 0})
	}
	voteStream(b.base, f, ballots, 3, func(ballot) {})
	sameBoards("after the Redis flush and more votes through B", 12)
}

// register signs up through the API and returns the user id and token.
func register(t *testing.T, base string, roles ...string) (string, string) {
	t.Helper()
	email := fmt.Sprintf("live%d@example.cn", time.Now().UnixNano())
	code, b := call(t, "POST", base+"/api/v1/auth/register", "", map[string]any{
		"email": email, "password": "correct horse 马", "name": "测试用户", "roles": roles})
	if code != 201 {
		t.Fatalf("register: %d %s", code, b)
	}
	var a struct {
		User  struct{ ID string }
		Token string
	}
	_ = json.Unmarshal(b, &a)
	return a.User.ID, a.Token
}

// nextOfType waits for a message of typ on channel.
func nextOfType(t *testing.T, ctx context.Context, c *client.Client, channel, typ string) client.Message {
	t.Helper()
	for {
		select {
		case m := <-c.Messages():
			if m.Channel == channel && m.Type == typ {
				return m
			}
		case <-ctx.Done():
			t.Fatalf("no %s message on %s", typ, channel)
		}
	}
}

// TestLiveChannels runs `makerlink serve` in process and checks the
// websocket side of events: who may follow which channel, state and
// leaderboard messages in the room, and notifications delivered live on
// the user's channel (and kept in the inbox).
func TestLiveChannels(t *testing.T) {
	m := startMain(t, Config{DataDir: t.TempDir()})
	t.Cleanup(func() { _ = m.Close() })
	base := "http://" + m.Addr()
	wsURL := "ws://" + m.Addr() + "/ws"
	// Plain HTTP to the websocket endpoint: 426 with a problem body.
	if resp, err := http.Get(base + "/ws"); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 426 || !strings.Contains(string(b), `"upgrade_required"`) || resp.Header.Get("Upgrade") != "websocket" {
			t.Errorf("plain GET /ws: %d %s (Upgrade %q), want 426 upgrade_required with Upgrade: websocket", resp.StatusCode, b, resp.Header.Get("Upgrade"))
		}
	}
	_, org := register(t, base, "organizer")
	founderID, founder := register(t, base, "founder")
	judgeID, judge := register(t, base, "mentor")
	_, investor := register(t, base, "investor")
	_, fan := register(t, base)

	code, b := call(t, "POST", base+"/api/v1/startups", founder, map[string]any{
		"name": "六盘山中药材溯源", "sectors": []string{"medicine_health"}, "stage": "seed", "city": "固原"})
	if code != 201 {
		t.Fatalf("startup: %d %s", code, b)
	}
	var st struct{ ID string }
	_ = json.Unmarshal(b, &st)
	_, b = call(t, "POST", base+"/api/v1/events", org, map[string]any{"name": "固原创客路演", "starts_at": "2026-12-01T09:00:00+08:00"})
	var ev struct{ ID string }
	_ = json.Unmarshal(b, &ev)
	ep := base + "/api/v1/events/" + ev.ID
	_, b = call(t, "POST", ep+"/pitches", org, map[string]any{"startup_id": st.ID})
	var p struct{ ID string }
	_ = json.Unmarshal(b, &p)
	call(t, "POST", ep+"/judges", org, map[string]any{"user_id": judgeID})

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	dial := func(token string) *client.Client {
		c, err := client.Dial(ctx, wsURL, client.Options{Token: token})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	wantRefused := func(c *client.Client, channel, code string) {
		t.Helper()
		_, err := c.Subscribe(ctx, channel)
		var e *client.Error
		if !errors.As(err, &e) || e.Code != code {
			t.Fatalf("subscribe %s: %v, want %s", channel, err, code)
		}
	}
	fc, jc, oc := dial(fan), dial(judge), dial(founder)
	wantRefused(fc, "event:"+ev.ID+":judges", "forbidden")
	wantRefused(fc, "user:"+founderID, "forbidden")
	wantRefused(dial(""), "event:"+ev.ID+":judges", "unauthorized")
	for c, ch := range map[*client.Client]string{fc: "event:" + ev.ID, jc: "event:" + ev.ID + ":judges", oc: "user:" + founderID} {
		if _, err := c.Subscribe(ctx, ch); err != nil {
			t.Fatalf("subscribe %s: %v", ch, err)
		}
	}

	for _, a := range []string{"start_pitch", "open_voting"} {
		if code, b := call(t, "POST", ep+"/control", org, map[string]any{"action": a, "pitch_id": p.ID}); code != 200 {
			t.Fatalf("%s: %d %s", a, code, b)
		}
	}
	var state struct {
		Pitches []struct {
			State      string `json:"state"`
			VotingOpen bool   `json:"voting_open"`
		} `json:"pitches"`
	}
	for !(len(state.Pitches) == 1 && state.Pitches[0].VotingOpen) {
		_ = json.Unmarshal(nextOfType(t, ctx, fc, "event:"+ev.ID, "state").Data, &state)
	}
	if code, b := call(t, "POST", ep+"/pitches/"+p.ID+"/votes", fan, nil); code != 201 {
		t.Fatalf("vote: %d %s", code, b)
	}
	var lb makerlink.Leaderboard
	for len(lb.Items) == 0 || lb.Items[0].Votes != 1 {
		_ = json.Unmarshal(nextOfType(t, ctx, fc, "event:"+ev.ID, "leaderboard").Data, &lb)
	}
	nextOfType(t, ctx, jc, "event:"+ev.ID+":judges", "progress")

	// An intent card reaches the founder live, and stays in the inbox.
	if code, b := call(t, "POST", ep+"/pitches/"+p.ID+"/intents", investor, map[string]any{"note": "期待合作"}); code != 201 {
		t.Fatalf("intent: %d %s", code, b)
	}
	var n makerlink.Notification
	_ = json.Unmarshal(nextOfType(t, ctx, oc, "user:"+founderID, "notification").Data, &n)
	if n.Type != makerlink.NotifyIntentReceived || n.UserID != founderID {
		t.Fatalf("live notification %+v", n)
	}
	_, b = call(t, "GET", base+"/api/v1/notifications?unread=true", founder, nil)
	var inbox struct {
		Items []makerlink.Notification `json:"items"`
	}
	_ = json.Unmarshal(b, &inbox)
	if len(inbox.Items) != 1 || inbox.Items[0].ID != n.ID {
		t.Fatalf("inbox %s, live notification %s", b, n.ID)
	}
}
