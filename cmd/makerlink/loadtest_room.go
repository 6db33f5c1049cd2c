package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"

	"makerlink"
	"makerlink/api"
	"makerlink/events"
	"makerlink/realtime"
	"makerlink/realtime/client"
	rtload "makerlink/realtime/loadtest"
	"makerlink/store"
)

// roomConfig configures `makerlink loadtest room`.
type roomConfig struct {
	Clients     int           // websocket clients in the event room
	Duration    time.Duration // of the vote stream
	VoteRate    float64       // votes per second offered
	Workers     int           // concurrent HTTP voters
	Pitches     int           // pitches open for voting
	DatabaseURL string        // PostgreSQL (a fresh schema is made and dropped); empty: a temporary SQLite file
	RedisURL    string        // Redis mode; empty: in-process broker and counts
	Fanout      bool          // also run realtime/loadtest's 10 Hz stream (latency, idle memory)
	Storm       bool          // with Fanout: a reconnect storm
	CPUProfile  string        // write a CPU profile of the vote phase here
}

func runLoadtestRoom(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest room", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c roomConfig
	fs.IntVar(&c.Clients, "clients", 1000, "websocket clients subscribed to the event room")
	fs.DurationVar(&c.Duration, "d", 20*time.Second, "duration of the vote stream")
	fs.Float64Var(&c.VoteRate, "votes", 1000, "votes per second to offer")
	fs.IntVar(&c.Workers, "workers", 64, "concurrent HTTP voters")
	fs.IntVar(&c.Pitches, "pitches", 20, "pitches open for voting (the leaderboard's size)")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL URL (a fresh schema is used and dropped); empty: a temporary SQLite database")
	fs.StringVar(&c.RedisURL, "redis-url", "", "Redis URL: Redis broker and sorted-set vote counts; empty: in process")
	fs.BoolVar(&c.Fanout, "fanout", false, "also run the realtime 10 Hz stream test on the same server (latency, idle memory per connection)")
	fs.BoolVar(&c.Storm, "storm", false, "with -fanout: close every client and resume them all at once")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the vote phase (server and load tool) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	return runRoom(ctx, c, stdout, logf)
}

// roomServer is an in-process makerlink server: store, broker, hub,
// events service and the HTTP API on a loopback port.
type roomServer struct {
	st     *store.DB
	rc     *redis.Client
	broker realtime.Broker
	hub    *realtime.Hub
	events *events.Service
	srv    *api.Server
	base   string // http://addr
	addr   string // host:port of the listener
	ws     string
	engine string
	// appName is the application_name of the PostgreSQL connections.
	appName string
	close   []func()
}

func (s *roomServer) Close() {
	for i := len(s.close) - 1; i >= 0; i-- {
		s.close[i]()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func startRoomServer(ctx context.Context, c roomConfig) (*roomServer, error) {
	s := &roomServer{}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	dsn := c.DatabaseURL
	if dsn == "" {
		dir, err := os.MkdirTemp("", "makerlink-loadtest-")
		if err != nil {
			return nil, err
		}
		s.close = append(s.close, func() { _ = os.RemoveAll(dir) })
		dsn = filepath.Join(dir, "load.db")
	} else {
		schema := "mlload_" + randomHex(6)
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, fmt.Errorf("create schema: %w", err)
		}
		s.close = append(s.close, func() {
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		})
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		// The backends of this run are told apart by their name: the
		// report counts their CPU (serverCPU).
		s.appName = "makerlink-loadtest-" + schema
		q.Set("application_name", s.appName)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	st, err := store.Open(ctx, dsn, quiet)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.st, s.engine = st, st.Engine()
	s.close = append(s.close, func() { _ = st.Close() })

	prefix := "makerlink:loadtest:" + randomHex(4) + ":"
	bcfg := realtime.BrokerConfig{Prefix: prefix + "rt:", Logger: quiet}
	if c.RedisURL != "" {
		opt, err := redis.ParseURL(c.RedisURL)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.rc = redis.NewClient(opt)
		s.close = append(s.close, func() {
			ctx := context.Background()
			iter := s.rc.Scan(ctx, 0, prefix+"*", 1000).Iterator()
			for iter.Next(ctx) {
				s.rc.Del(ctx, iter.Val())
			}
			_ = s.rc.Close()
		})
		if s.broker, err = realtime.NewRedisClient(ctx, s.rc, bcfg); err != nil {
			s.Close()
			return nil, err
		}
		s.engine += "+redis"
	} else {
		s.broker = realtime.NewMemory(bcfg)
		s.engine += "+memory"
	}
	s.close = append(s.close, func() { _ = s.broker.Close() })
	s.hub = realtime.NewHub(s.broker, realtime.Config{
		Authenticate:  api.TokenAuthenticator(st, nil),
		Authorize:     events.ChannelAuthorizer(st, st),
		Logger:        quiet,
		FrameRate:     1000,
		FrameBurst:    1000,
		SubscribeRate: 100,
	})
	s.events = events.New(events.Config{Store: st, Users: st, Notifications: st, Publisher: s.hub,
		Redis: s.rc, RedisPrefix: prefix + "ev:", Logger: quiet})
	s.close = append(s.close, func() { _ = s.events.Close() })
	s.srv = api.New(api.Config{Store: st, Events: s.events, Hub: s.hub, Logger: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		return nil, err
	}
	go func() { _ = s.srv.Listener(ln) }()
	s.close = append(s.close, func() {
		_ = s.hub.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(sctx)
	})
	s.addr = ln.Addr().String()
	s.base = "http://" + s.addr
	s.ws = "ws://" + ln.Addr().String() + "/ws"
	return s, nil
}

// roomEvent is an event with Pitches pitches, every one open for voting.
type roomEvent struct {
	id      string
	pitches []string
	voters  []string // tokens
}

func setupRoomEvent(ctx context.Context, s *roomServer, pitches, voters int, logf func(string, ...any)) (*roomEvent, error) {
	org := &makerlink.User{Email: "organizer-" + randomHex(4) + "@loadtest.example.com", Name: "主办方", Roles: []makerlink.Role{makerlink.RoleOrganizer}}
	founder := &makerlink.User{Email: "founder-" + randomHex(4) + "@loadtest.example.com", Name: "创始人", Roles: []makerlink.Role{makerlink.RoleFounder}}
	for _, u := range []*makerlink.User{org, founder} {
		if err := s.st.CreateUser(ctx, u, "-"); err != nil {
			return nil, err
		}
	}
	e := &makerlink.Event{Name: "负载测试路演", StartsAt: time.Now()}
	if err := s.events.CreateEvent(ctx, org, e); err != nil {
		return nil, err
	}
	ev := &roomEvent{id: e.ID}
	var profiles []makerlink.Profile
	for i := range pitches {
		profiles = append(profiles, &makerlink.Startup{Meta: makerlink.Meta{OwnerID: founder.ID}, Name: fmt.Sprintf("负载测试公司%03d", i),
			Sectors: []string{"electronic_info"}, Stage: "seed", City: "银川", Visibility: makerlink.VisibilityPublic})
	}
	if err := s.st.CreateProfiles(ctx, profiles); err != nil {
		return nil, err
	}
	for _, p := range profiles {
		pitch, err := s.events.AddPitch(ctx, org, e.ID, p.Base().ID, 0)
		if err != nil {
			return nil, err
		}
		for _, a := range []string{makerlink.ActionStartPitch, makerlink.ActionOpenVoting, makerlink.ActionEndPitch} {
			if _, err := s.events.Control(ctx, org, e.ID, a, pitch.ID); err != nil {
				return nil, err
			}
		}
		ev.pitches = append(ev.pitches, pitch.ID)
	}
	logf("creating %d voters with sessions", voters)
	ev.voters = make([]string, voters)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= voters {
					return
				}
				u := &makerlink.User{Email: fmt.Sprintf("voter%d-%s@loadtest.example.com", i, randomHex(3)), Name: "观众", Roles: []makerlink.Role{}}
				err := s.st.CreateUser(ctx, u, "-")
				var tok string
				if err == nil {
					tok, err = api.IssueSession(ctx, s.st, u.ID, 24*time.Hour)
				}
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				ev.voters[i] = tok
			}
		}()
	}
	wg.Wait()
	return ev, firstErr
}

// durations is a latency sample.
type durations struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *durations) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *durations) quantiles(qs ...float64) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]time.Duration, len(qs))
	if len(s.d) == 0 {
		return out
	}
	slices.Sort(s.d)
	for i, q := range qs {
		out[i] = s.d[min(len(s.d)-1, int(math.Ceil(q*float64(len(s.d))))-1)]
	}
	return out
}

// subscriber is a websocket client of the room.
type subscriber struct {
	c       *client.Client
	last    atomic.Int64 // last seq
	version atomic.Int64 // version of the last leaderboard
	msgs    atomic.Int64
	lost    atomic.Int64
	dup     atomic.Int64
}

func runRoom(ctx context.Context, c roomConfig, stdout io.Writer, logf func(string, ...any)) error {
	if c.Pitches < 1 || c.Clients < 0 || c.VoteRate <= 0 || c.Workers < 1 {
		return errors.New("loadtest room: -pitches, -votes and -workers must be positive")
	}
	s, err := startRoomServer(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	total := int(math.Ceil(c.VoteRate * c.Duration.Seconds()))
	voters := (total + c.Pitches - 1) / c.Pitches
	ev, err := setupRoomEvent(ctx, s, c.Pitches, voters, logf)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	fmt.Fprintf(stdout, "## loadtest room: %s, %d clients, %d pitches, %.0f votes/s offered for %s (%s, GOMAXPROCS %d)\n\n",
		s.engine, c.Clients, c.Pitches, c.VoteRate, c.Duration, time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0))

	if c.Fanout && c.Clients > 0 {
		logf("fan-out stream: %d clients, 10 Hz, %s", c.Clients, c.Duration)
		rep, err := rtload.Run(ctx, rtload.Config{URL: s.ws, Publisher: s.hub, Clients: c.Clients, Channel: "event:" + ev.id + "-fanout",
			Rate: 10, Duration: c.Duration, PayloadBytes: 200 * c.Pitches, Storm: c.Storm, Log: logf})
		if err != nil {
			return fmt.Errorf("fan-out: %w", err)
		}
		fmt.Fprintf(stdout, "### 10 Hz stream through the server's hub (realtime/loadtest)\n\n%s\n", rep.Markdown())
	}

	// Subscribers of the event room.
	logf("connecting %d subscribers", c.Clients)
	subs := make([]*subscriber, c.Clients)
	boardLat := &durations{}
	var connectErr atomic.Int64
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	connStart := time.Now()
	for i := range subs {
		sub := &subscriber{}
		subs[i] = sub
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cl, err := client.Dial(ctx, s.ws, client.Options{OnMessage: func(m client.Message) {
				if last := sub.last.Load(); m.Seq <= last {
					sub.dup.Add(1)
					return
				} else if last > 0 && m.Seq > last+1 {
					sub.lost.Add(m.Seq - last - 1)
				}
				sub.last.Store(m.Seq)
				if m.Type != events.TypeLeaderboard {
					return
				}
				// Read two fields without decoding the whole leaderboard: the
				// load tool must not eat the CPU the server is measured on.
				if sent, version, ok := boardStamp(m.Data); ok {
					boardLat.add(time.Since(sent))
					sub.version.Store(version)
					sub.msgs.Add(1)
				}
			}, OnEvent: func(client.Event) {}})
			if err != nil {
				connectErr.Add(1)
				return
			}
			sub.c = cl
			if _, err := cl.Subscribe(ctx, "event:"+ev.id); err != nil {
				connectErr.Add(1)
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, sub := range subs {
			if sub.c != nil {
				_ = sub.c.Close()
			}
		}
	}()
	connTime := time.Since(connStart)

	// The vote stream: an open loop at the offered rate.
	logf("voting: %d votes at %.0f/s with %d workers", total, c.VoteRate, c.Workers)
	// fasthttp's client: one keep-alive connection per worker without
	// net/http's two goroutines and channel hand-offs per connection (in
	// a profile the net/http client was 17% of the process's CPU, which
	// the server on the same cores did not get).
	hc := &fasthttp.HostClient{Addr: s.addr, MaxConns: c.Workers, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		MaxIdemponentCallAttempts: 1}
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ackLat := &durations{}
	var acked, refused, failed, next atomic.Int64
	var firstErr atomic.Value
	cpu0, srv0 := processCPU(), s.serverCPU(ctx)
	start := time.Now()
	for range c.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer func() { fasthttp.ReleaseRequest(req); fasthttp.ReleaseResponse(resp) }()
			for {
				i := next.Add(1) - 1
				if i >= int64(total) || ctx.Err() != nil {
					return
				}
				if wait := time.Until(start.Add(time.Duration(float64(i) / c.VoteRate * float64(time.Second)))); wait > 0 {
					time.Sleep(wait)
				}
				voter, pitch := int(i)/c.Pitches, int(i)%c.Pitches
				req.SetRequestURI(s.base + "/api/v1/events/" + ev.id + "/pitches/" + ev.pitches[pitch] + "/votes")
				req.Header.SetMethod(http.MethodPost)
				req.Header.Set("Authorization", "Bearer "+ev.voters[voter])
				t0 := time.Now()
				err := hc.Do(req, resp)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				switch resp.StatusCode() {
				case 201:
					acked.Add(1)
					ackLat.add(time.Since(t0))
				case 409:
					refused.Add(1)
				default:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d", resp.StatusCode()))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu, srv := processCPU()-cpu0, s.serverCPU(ctx)

	// Every acknowledged vote is in the database, and every client ends
	// with the final leaderboard.
	counts, err := s.st.CountVotes(ctx, ev.id)
	if err != nil {
		return err
	}
	var stored int64
	for _, n := range counts {
		stored += n
	}
	final, err := s.events.Leaderboard(ctx, nil, ev.id)
	if err != nil {
		return err
	}
	var boardVotes int64
	for _, it := range final.Items {
		boardVotes += it.Votes
	}
	settle := time.Now().Add(10 * time.Second)
	upToDate := 0
	for {
		upToDate = 0
		for _, sub := range subs {
			if sub.c != nil && sub.version.Load() >= final.Version {
				upToDate++
			}
		}
		if upToDate == c.Clients-int(connectErr.Load()) || time.Now().After(settle) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var msgs, lost, dup int64
	for _, sub := range subs {
		msgs += sub.msgs.Load()
		lost += sub.lost.Load()
		dup += sub.dup.Load()
	}
	aq := ackLat.quantiles(0.5, 0.9, 0.99, 1)
	bq := boardLat.quantiles(0.5, 0.9, 0.99, 1)
	fmt.Fprintf(stdout, "### votes over HTTP, leaderboard pushed to the room\n\n")
	fmt.Fprintf(stdout, "| votes acked | refused | failed | achieved votes/s | ack p50 | ack p90 | ack p99 | ack max | stored | lost acked votes |\n|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(stdout, "| %d | %d | %d | %.0f | %s | %s | %s | %s | %d | %d |\n\n", acked.Load(), refused.Load(), failed.Load(),
		float64(acked.Load())/elapsed.Seconds(), r(aq[0]), r(aq[1]), r(aq[2]), r(aq[3]), stored, max(0, acked.Load()-stored))
	perClient := 0.0
	if n := c.Clients - int(connectErr.Load()); n > 0 {
		perClient = float64(msgs) / float64(n) / elapsed.Seconds()
	}
	fmt.Fprintf(stdout, "| clients | connected in | leaderboard msgs/s per client | board p50 | board p90 | board p99 | board max | seq gaps | duplicates | clients with the final board |\n|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(stdout, "| %d/%d | %s | %.1f | %s | %s | %s | %s | %d | %d | %d |\n\n", c.Clients-int(connectErr.Load()), c.Clients, r(connTime),
		perClient, r(bq[0]), r(bq[1]), r(bq[2]), r(bq[3]), lost, dup, upToDate)
	fmt.Fprintf(stdout, "final leaderboard: version %d, %d votes (database: %d)\n", final.Version, boardVotes, stored)
	if n := acked.Load() + refused.Load(); n > 0 {
		fmt.Fprintf(stdout, "CPU of this process (server and load tool; not PostgreSQL's or Redis's) during the votes: %.1f s, %.0f µs per vote, %.0f%% of %d cores\n",
			cpu.Seconds(), float64(cpu.Microseconds())/float64(n), 100*cpu.Seconds()/elapsed.Seconds()/float64(runtime.GOMAXPROCS(0)), runtime.GOMAXPROCS(0))
		if pg := srv.sub(srv0, "pg"); pg > 0 {
			fmt.Fprintf(stdout, "CPU of this run's PostgreSQL backends: %.1f s, %.0f µs per vote\n", pg.Seconds(), float64(pg.Microseconds())/float64(n))
		}
		if rd := srv.sub(srv0, "redis"); rd > 0 && s.rc != nil {
			fmt.Fprintf(stdout, "CPU of redis-server (all its clients): %.1f s, %.0f µs per vote\n", rd.Seconds(), float64(rd.Microseconds())/float64(n))
		}
	}
	if e, ok := firstErr.Load().(string); ok {
		fmt.Fprintf(stdout, "first error: %s\n", e)
	}
	if acked.Load() > stored || boardVotes != stored {
		return fmt.Errorf("loadtest room: %d votes acknowledged, %d stored, %d on the leaderboard", acked.Load(), stored, boardVotes)
	}
	return nil
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuSample is the CPU time used so far by processes outside this one:
// "pg:<pid>" for this run's PostgreSQL backends, "redis:<pid>" for
// redis-server.
type cpuSample map[string]time.Duration

// sub sums the CPU used since before by the processes of a kind; a
// process that started since counts from zero.
func (after cpuSample) sub(before cpuSample, kind string) time.Duration {
	var d time.Duration
	for k, v := range after {
		if strings.HasPrefix(k, kind+":") {
			d += v - before[k]
		}
	}
	return d
}

// serverCPU samples the CPU of this run's PostgreSQL backends (found by
// application_name) and of redis-server processes, from /proc (Linux; an
// empty sample elsewhere).
func (s *roomServer) serverCPU(ctx context.Context) cpuSample {
	out := cpuSample{}
	if s.appName != "" {
		rows, err := s.st.SQL().QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, s.appName)
		if err == nil {
			for rows.Next() {
				var pid int
				if rows.Scan(&pid) == nil {
					if d, ok := procCPU(pid); ok {
						out["pg:"+strconv.Itoa(pid)] = d
					}
				}
			}
			rows.Close()
		}
	}
	if s.rc != nil {
		dirs, _ := os.ReadDir("/proc")
		for _, d := range dirs {
			pid, err := strconv.Atoi(d.Name())
			if err != nil {
				continue
			}
			if comm, _ := os.ReadFile("/proc/" + d.Name() + "/comm"); strings.TrimSpace(string(comm)) == "redis-server" {
				if d, ok := procCPU(pid); ok {
					out["redis:"+strconv.Itoa(pid)] = d
				}
			}
		}
	}
	return out
}

// procCPU reads a process's user and system time from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command may hold spaces; the fields after its ')' are fixed:
	// utime and stime are the 12th and 13th after it, in clock ticks
	// (USER_HZ, 100 on Linux).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}

// boardStamp extracts "sent_at" and "version" from a leaderboard message.
func boardStamp(data []byte) (time.Time, int64, bool) {
	field := func(name string) []byte {
		i := bytes.Index(data, []byte(`"`+name+`":`))
		if i < 0 {
			return nil
		}
		v := data[i+len(name)+3:]
		end := bytes.IndexAny(v, ",}")
		if end < 0 {
			return nil
		}
		return bytes.Trim(v[:end], `"`)
	}
	sent, err := time.Parse(time.RFC3339Nano, string(field("sent_at")))
	if err != nil {
		return time.Time{}, 0, false
	}
	version, err := strconv.ParseInt(string(field("version")), 10, 64)
	if err != nil {
		return time.Time{}, 0, false
	}
	return sent, version, true
}

func r(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
