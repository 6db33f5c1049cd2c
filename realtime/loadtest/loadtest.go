// Package loadtest measures a room of the realtime engine: N websocket
// clients (realtime/client) subscribe to one channel, a publisher sends a
// stream at a fixed rate, and the report gives publish-to-receive latency
// percentiles, lost, duplicated and out-of-order messages, and the memory
// per idle connection. An optional reconnect storm closes every client and
// resumes them all at once with since.
//
// The server runs in the same process ([Config.Publisher] is a
// *realtime.Hub) or in another one started with [Serve] (publish through
// its control endpoint with [HTTPPublisher], read its memory with
// [Config.ControlURL]), so that the server's memory is measured alone.
// [Main] implements the command line (`rtload room`, `rtload serve`).
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"makerlink/realtime/client"
)

// Publisher publishes a message; *realtime.Hub and [HTTPPublisher] are
// Publishers.
type Publisher interface {
	Publish(ctx context.Context, channel, typ string, data any) (int64, error)
}

// Config configures [Run].
type Config struct {
	URL        string    // websocket URL, e.g. ws://127.0.0.1:8091/ws
	Publisher  Publisher // publishes the stream
	ControlURL string    // optional: the control endpoint of [Serve], for the server's memory

	Clients         int           // websocket clients (default 100)
	Channel         string        // default "event:loadtest"
	Rate            float64       // messages per second (default 10)
	Duration        time.Duration // of the stream (default 10 s)
	PayloadBytes    int           // padding in each message (default 512, a small leaderboard)
	DialConcurrency int           // concurrent dials (default 50)
	Settle          time.Duration // wait for stragglers after the last publish (default 2 s)
	Storm           bool          // after the stream: close every client and resume all at once
	// Clients is how the clients read: [ClientsRaw] (the default on
	// Linux) or [ClientsGoroutine].
	ClientMode string
	// ReadThreads is the number of epoll readers of [ClientsRaw] (default 1).
	ReadThreads int
	// PollInterval, when > 0, makes the readers of [ClientsRaw] poll
	// their epoll sets this often instead of waiting on them.
	PollInterval time.Duration
	Log          func(format string, args ...any)
}

func (c *Config) defaults() {
	if c.Clients <= 0 {
		c.Clients = 100
	}
	if c.Channel == "" {
		c.Channel = "event:loadtest"
	}
	if c.Rate <= 0 {
		c.Rate = 10
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.PayloadBytes <= 0 {
		c.PayloadBytes = 512
	}
	if c.DialConcurrency <= 0 {
		c.DialConcurrency = 50
	}
	if c.Settle <= 0 {
		c.Settle = 2 * time.Second
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
	if c.ClientMode == "" {
		c.ClientMode = ClientsGoroutine
		if rawSupported {
			c.ClientMode = ClientsRaw
		}
	}
	if c.ReadThreads <= 0 {
		c.ReadThreads = 1
	}
}

// Ways the load tool's clients read ([Config.ClientMode]).
const (
	// ClientsRaw: each client is a websocket on a raw socket: Go's net
	// package dials and upgrades it, then a few epoll readers (Linux only)
	// read many ready sockets per wait, one non-blocking read each, and
	// parse the frames. No goroutine per connection, no wake-up per
	// message; a dropped client redials and resumes with since.
	ClientsRaw = "raw"
	// ClientsGoroutine: each client is a realtime/client.Client, with its
	// reader goroutine (the library users get).
	ClientsGoroutine = "client"
)

// Report is the outcome of [Run].
type Report struct {
	Clients     int
	Connected   int
	DialErrors  int
	ConnectTime time.Duration // to dial and subscribe every client

	Published  int   // messages published during the stream
	Expected   int64 // Published x Connected
	Received   int64 // messages received, duplicates included
	Lost       int64 // expected messages never received
	Duplicated int64 // messages received twice
	OutOfOrder int64 // messages with a seq below one already received
	Drops      int64 // disconnections seen by clients

	P50, P90, P99, Max time.Duration // publish-to-receive latency

	// Memory per idle connection (after a GC): of the server alone when
	// ControlURL is set, else of this process (both ends of each
	// connection).
	MemScope        string
	HeapPerConn     float64 // bytes of heap in use
	StackPerConn    float64 // bytes of goroutine stacks
	RSSPerConn      float64 // bytes of resident memory (Linux)
	GoroutinesPerCn float64

	// CPU time per message delivered during the stream (user+system):
	// of the server alone with ControlURL, and of this process (the
	// clients, plus the server when it runs here).
	ServerCPUPerMsg time.Duration
	LocalCPUPerMsg  time.Duration

	StormTime      time.Duration // reconnect storm: until every client resumed
	StormRecovered int           // clients whose resume replayed (recovered:true)
	StormErrors    int
}

// Markdown renders the report as a table row set.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| clients | connected in | published | lost | duplicated | out of order | drops | p50 | p90 | p99 | max |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d/%d | %s | %d | %d | %d | %d | %d | %s | %s | %s | %s |\n",
		r.Connected, r.Clients, r.ConnectTime.Round(time.Millisecond), r.Published, r.Lost, r.Duplicated, r.OutOfOrder, r.Drops,
		r.P50.Round(10*time.Microsecond), r.P90.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond))
	fmt.Fprintf(&b, "\nidle memory per connection (%s): heap %.1f KiB, stacks %.1f KiB, RSS %.1f KiB, %.1f goroutines\n",
		r.MemScope, r.HeapPerConn/1024, r.StackPerConn/1024, r.RSSPerConn/1024, r.GoroutinesPerCn)
	fmt.Fprintf(&b, "\nCPU per delivered message: server %s, load tool process %s\n", r.ServerCPUPerMsg, r.LocalCPUPerMsg)
	if r.StormTime > 0 {
		fmt.Fprintf(&b, "\nreconnect storm: %d clients resumed in %s (%d recovered, %d errors)\n",
			r.Connected, r.StormTime.Round(time.Millisecond), r.StormRecovered, r.StormErrors)
	}
	return b.String()
}

// dialer dials the load tool's clients: a 4 KiB read buffer takes several
// ~600-byte frames per read when a client falls behind.
var dialer = &websocket.Dialer{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   4096,
	WriteBufferSize:  1024,
	WriteBufferPool:  &sync.Pool{},
}

// payload is the data of each message.
type payload struct {
	T   int64  `json:"t"` // publish time, Unix ns
	Pad string `json:"pad,omitempty"`
}

// member is one client's tally, touched by its reader goroutine only.
type member struct {
	c        *client.Client // ClientsGoroutine, and after a storm
	raw      bool           // connected by the raw pool
	base     int64          // the seq when it subscribed
	last     int64
	unique   int64
	received int64
	dups     int64
	ooo      int64
}

// Run runs the load described by cfg.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg.defaults()
	rep := Report{Clients: cfg.Clients}
	if cfg.Publisher == nil {
		return rep, fmt.Errorf("loadtest: no Publisher")
	}
	hist := newHistogram()
	var drops atomic.Int64
	var streaming atomic.Bool

	before, err := memSnapshot(ctx, cfg.ControlURL)
	if err != nil {
		return rep, err
	}
	members := make([]*member, cfg.Clients)
	var pool *rawPool
	switch cfg.ClientMode {
	case ClientsRaw:
		if pool, err = newRawPool(cfg.ReadThreads, cfg.Clients, cfg.URL, cfg.Channel, cfg.PollInterval, hist, &streaming, &drops); err != nil {
			return rep, err
		}
		defer pool.close()
	case ClientsGoroutine:
	default:
		return rep, fmt.Errorf("loadtest: client mode %q: want %s or %s", cfg.ClientMode, ClientsRaw, ClientsGoroutine)
	}
	// dial connects and subscribes member i with the configured clients
	dial := func(ctx context.Context, i int, m *member) error {
		if pool != nil {
			if err := pool.dial(ctx, i, m, -1); err != nil {
				return err
			}
			m.raw = true
			return nil
		}
		c, err := client.Dial(ctx, cfg.URL, client.Options{
			Reconnect:  true,
			Dialer:     dialer,
			BorrowData: true, // receive only reads the publish time
			OnMessage:  func(msg client.Message) { m.receive(msg, hist, &streaming) },
			OnEvent: func(e client.Event) {
				if e.Kind == client.EventDisconnected {
					drops.Add(1)
				}
			},
		})
		if err != nil {
			return err
		}
		sub, err := c.Subscribe(ctx, cfg.Channel)
		if err != nil {
			_ = c.Close()
			return err
		}
		m.base = sub.Seq
		atomic.StoreInt64(&m.last, sub.Seq)
		m.c = c
		return nil
	}
	start := time.Now()
	sem := make(chan struct{}, cfg.DialConcurrency)
	var wg sync.WaitGroup
	var dialErrs atomic.Int64
	var firstErr atomic.Value
	for i := range members {
		m := &member{}
		members[i] = m
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := dial(dctx, i, m); err != nil {
				dialErrs.Add(1)
				firstErr.CompareAndSwap(nil, err)
			}
		}()
		if ctx.Err() != nil {
			break
		}
	}
	wg.Wait()
	rep.ConnectTime = time.Since(start)
	rep.DialErrors = int(dialErrs.Load())
	var live []*member
	for _, m := range members {
		if m != nil && (m.c != nil || m.raw) {
			live = append(live, m)
		}
	}
	rep.Connected = len(live)
	defer func() {
		for _, m := range live {
			if m.c != nil {
				_ = m.c.Close()
			}
		}
	}()
	cfg.Log("connected %d/%d clients in %s", rep.Connected, rep.Clients, rep.ConnectTime.Round(time.Millisecond))
	if rep.Connected == 0 {
		if err, ok := firstErr.Load().(error); ok {
			return rep, fmt.Errorf("loadtest: no client connected: %w", err)
		}
		return rep, fmt.Errorf("loadtest: no client connected")
	}

	// Idle memory: every client connected and subscribed, nothing sent yet.
	time.Sleep(500 * time.Millisecond)
	after, err := memSnapshot(ctx, cfg.ControlURL)
	if err != nil {
		return rep, err
	}
	n := float64(rep.Connected)
	rep.MemScope = before.Scope
	rep.HeapPerConn = float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / n
	rep.StackPerConn = float64(int64(after.StackInuse)-int64(before.StackInuse)) / n
	rep.RSSPerConn = float64(after.RSS-before.RSS) / n
	rep.GoroutinesPerCn = float64(after.Goroutines-before.Goroutines) / n

	// The stream: each client expects every seq after the one its
	// subscribed frame gave.
	cpuServer0, err := memSnapshot(ctx, cfg.ControlURL)
	if err != nil {
		return rep, err
	}
	cpuLocal0 := cpuTime()
	streaming.Store(true)
	pad := strings.Repeat("x", cfg.PayloadBytes)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	tick := time.NewTicker(interval)
	end := time.After(cfg.Duration)
	// Each publish runs on its own goroutine so that a slow publish does
	// not lower the rate; the broker orders them by seq.
	var published atomic.Int64
	var lastSeq atomic.Int64
	var pubErr atomic.Value
	var pubs sync.WaitGroup
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-end:
			break loop
		case <-tick.C:
			if err, ok := pubErr.Load().(error); ok {
				tick.Stop()
				return rep, fmt.Errorf("loadtest: publish: %w", err)
			}
			pubs.Add(1)
			go func() {
				defer pubs.Done()
				seq, err := cfg.Publisher.Publish(ctx, cfg.Channel, "loadtest", payload{T: time.Now().UnixNano(), Pad: pad})
				if err != nil {
					pubErr.CompareAndSwap(nil, err)
					return
				}
				published.Add(1)
				for {
					cur := lastSeq.Load()
					if seq <= cur || lastSeq.CompareAndSwap(cur, seq) {
						break
					}
				}
			}()
		}
	}
	tick.Stop()
	pubs.Wait()
	if err, ok := pubErr.Load().(error); ok {
		return rep, fmt.Errorf("loadtest: publish: %w", err)
	}
	rep.Published = int(published.Load())
	cfg.Log("published %d messages; settling", rep.Published)
	// Wait until every client has the last seq, or Settle passes.
	deadline := time.Now().Add(cfg.Settle)
	for time.Now().Before(deadline) {
		done := true
		for _, m := range live {
			if atomic.LoadInt64(&m.last) < lastSeq.Load() {
				done = false
				break
			}
		}
		if done {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	streaming.Store(false)
	cpuLocal1 := cpuTime()
	cpuServer1, err := memSnapshot(ctx, cfg.ControlURL)
	if err != nil {
		return rep, err
	}
	for _, m := range live {
		got := atomic.LoadInt64(&m.unique)
		rep.Received += atomic.LoadInt64(&m.received)
		rep.Duplicated += atomic.LoadInt64(&m.dups)
		rep.OutOfOrder += atomic.LoadInt64(&m.ooo)
		if want := lastSeq.Load() - m.base; got < want {
			rep.Lost += want - got
		}
	}
	rep.Expected = int64(rep.Published) * int64(rep.Connected)
	rep.Drops = drops.Load()
	if rep.Received > 0 {
		rep.LocalCPUPerMsg = (cpuLocal1 - cpuLocal0) / time.Duration(rep.Received)
		if cfg.ControlURL != "" {
			rep.ServerCPUPerMsg = time.Duration((cpuServer1.CPUSeconds - cpuServer0.CPUSeconds) * float64(time.Second) / float64(rep.Received))
		}
	}
	rep.P50, rep.P90, rep.P99, rep.Max = hist.quantile(0.50), hist.quantile(0.90), hist.quantile(0.99), hist.max()

	if cfg.Storm {
		if pool != nil {
			pool.close() // closes every raw client; the storm redials with realtime/client
		}
		if err := storm(ctx, cfg, live, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// receive tallies a message on the client's reader goroutine.
func (m *member) receive(msg client.Message, h *histogram, streaming *atomic.Bool) {
	m.receiveAt(msg.Seq, msg.Data, 0, h, streaming)
}

// receiveAt tallies message seq with data, received at now (Unix ns; 0:
// read the clock). One goroutine at a time calls it for a member.
func (m *member) receiveAt(seq int64, data []byte, now int64, h *histogram, streaming *atomic.Bool) {
	atomic.AddInt64(&m.received, 1)
	last := atomic.LoadInt64(&m.last)
	switch {
	case seq == last:
		atomic.AddInt64(&m.dups, 1)
		return
	case seq < last:
		atomic.AddInt64(&m.ooo, 1)
		return
	}
	atomic.StoreInt64(&m.last, seq)
	// unique counts the seqs after base: a gap (seq > last+1) ends up lost.
	atomic.AddInt64(&m.unique, 1)
	if !streaming.Load() {
		return
	}
	if t := publishTime(data); t > 0 {
		if now == 0 {
			now = time.Now().UnixNano()
		}
		h.add(time.Duration(now - t))
	}
}

// publishTime reads the "t" field the stream puts first in each message
// without decoding the padding.
func publishTime(data []byte) int64 {
	const key = `{"t":`
	if !bytes.HasPrefix(data, []byte(key)) {
		var p payload
		if json.Unmarshal(data, &p) == nil {
			return p.T
		}
		return 0
	}
	var t int64
	for _, c := range data[len(key):] {
		if c < '0' || c > '9' {
			break
		}
		t = t*10 + int64(c-'0')
	}
	return t
}

// storm closes every client and resumes them all at once with since.
func storm(ctx context.Context, cfg Config, live []*member, rep *Report) error {
	for _, m := range live {
		if m.c != nil {
			_ = m.c.Close()
		}
	}
	cfg.Log("storm: %d clients reconnecting", len(live))
	start := time.Now()
	sem := make(chan struct{}, max(cfg.DialConcurrency, 200))
	var wg sync.WaitGroup
	var recovered, errs atomic.Int64
	for _, m := range live {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			c, err := client.Dial(dctx, cfg.URL, client.Options{Dialer: dialer, BorrowData: true, OnMessage: func(client.Message) {}})
			if err != nil {
				errs.Add(1)
				return
			}
			sub, err := c.SubscribeSince(dctx, cfg.Channel, atomic.LoadInt64(&m.last))
			if err != nil {
				errs.Add(1)
				_ = c.Close()
				return
			}
			if sub.Recovered {
				recovered.Add(1)
			}
			m.c = c
		}()
	}
	wg.Wait()
	rep.StormTime = time.Since(start)
	rep.StormRecovered = int(recovered.Load())
	rep.StormErrors = int(errs.Load())
	return nil
}

// histogram records durations in log buckets of 1% width.
type histogram struct {
	counts [3000]atomic.Int64
	maxNs  atomic.Int64
}

func newHistogram() *histogram { return &histogram{} }

const histBase = 1.01

func (h *histogram) add(d time.Duration) {
	us := float64(d) / float64(time.Microsecond)
	i := 0
	if us > 1 {
		i = int(math.Log(us) / math.Log(histBase))
	}
	if i >= len(h.counts) {
		i = len(h.counts) - 1
	}
	h.counts[i].Add(1)
	for {
		m := h.maxNs.Load()
		if int64(d) <= m || h.maxNs.CompareAndSwap(m, int64(d)) {
			break
		}
	}
}

func (h *histogram) quantile(q float64) time.Duration {
	var total int64
	for i := range h.counts {
		total += h.counts[i].Load()
	}
	if total == 0 {
		return 0
	}
	want := int64(math.Ceil(q * float64(total)))
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= want {
			return time.Duration(math.Pow(histBase, float64(i+1)) * float64(time.Microsecond))
		}
	}
	return h.max()
}

func (h *histogram) max() time.Duration { return time.Duration(h.maxNs.Load()) }

// MemStats is the memory snapshot [Serve]'s control endpoint returns.
type MemStats struct {
	Scope       string  `json:"scope"`
	HeapInuse   uint64  `json:"heap_inuse"`
	StackInuse  uint64  `json:"stack_inuse"`
	RSS         int64   `json:"rss"`
	Goroutines  int     `json:"goroutines"`
	Connections int     `json:"connections"`
	CPUSeconds  float64 `json:"cpu_seconds"` // user+system time of the process so far
}

// ReadMemStats collects garbage and returns this process's memory.
func ReadMemStats() MemStats {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return MemStats{Scope: "this process", HeapInuse: ms.HeapInuse, StackInuse: ms.StackInuse, RSS: rss(),
		Goroutines: runtime.NumGoroutine(), CPUSeconds: cpuTime().Seconds()}
}
