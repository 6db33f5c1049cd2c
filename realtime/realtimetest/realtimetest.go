// Package realtimetest is the conformance suite of realtime.Broker engines
// and the helpers tests use to reach the Redis server.
//
// Every engine runs the same [Run]; the realtime package runs it on the
// memory and the Redis engines.
package realtimetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
	"makerlink/realtime"
)

// Factory returns a broker (the first node) made with cfg on a namespace of
// its own, and a function returning further nodes on the same namespace.
// Brokers are closed by the factory's t.Cleanup.
type Factory func(t *testing.T, cfg realtime.BrokerConfig) (realtime.Broker, func() realtime.Broker)

// MemoryFactory is the [Factory] of the memory engine.
func MemoryFactory(t *testing.T, cfg realtime.BrokerConfig) (realtime.Broker, func() realtime.Broker) {
	m := realtime.NewMemory(cfg)
	t.Cleanup(func() { _ = m.Close() })
	return m, func() realtime.Broker {
		p := m.Peer()
		t.Cleanup(func() { _ = p.Close() })
		return p
	}
}

// RedisFactory is the [Factory] of the Redis engine on the server of
// [RedisURL], with a random key prefix per call so runs never collide. The
// keys are deleted at cleanup.
func RedisFactory(t *testing.T, cfg realtime.BrokerConfig) (realtime.Broker, func() realtime.Broker) {
	cfg.RedisURL = RedisURL(t)
	cfg.Prefix = RandomPrefix()
	t.Cleanup(func() { DeletePrefix(t, cfg.RedisURL, cfg.Prefix) })
	newNode := func() realtime.Broker {
		c := cfg
		c.NodeID = ""
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b, err := realtime.NewRedis(ctx, c)
		if err != nil {
			t.Fatalf("NewRedis: %v", err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	}
	return newNode(), newNode
}

// RandomPrefix returns a fresh Redis key prefix for one test.
func RandomPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "mltest:" + hex.EncodeToString(b[:]) + ":"
}

// RedisURL returns the URL of the test Redis server: $MAKERLINK_TEST_REDIS
// or redis://127.0.0.1:6379/0. When the server does not answer the test is
// skipped with a message, or fails when CI=true.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("MAKERLINK_TEST_REDIS")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("MAKERLINK_TEST_REDIS=%q: %v", url, err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Redis at %s is required when CI=true: %v", url, err)
		}
		tb.Skipf("skipping: no Redis at %s (%v); start one or set MAKERLINK_TEST_REDIS", url, err)
	}
	return url
}

// RedisClient returns a client of the test Redis server (see [RedisURL])
// and a fresh key prefix; the test's cleanup deletes the prefix's keys and
// closes the client.
func RedisClient(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	url := RedisURL(tb)
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opt)
	prefix := RandomPrefix()
	tb.Cleanup(func() { DeletePrefix(tb, url, prefix); c.Close() })
	return c, prefix
}

// DeletePrefix removes every key under prefix.
func DeletePrefix(tb testing.TB, url, prefix string) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			c.Del(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}

// Collector is a [realtime.Handler] that records what it receives.
type Collector struct {
	mu     sync.Mutex
	msgs   []realtime.Message
	resets []string
	notify chan struct{}
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{notify: make(chan struct{}, 1)} }

// HandleMessage implements [realtime.Handler].
func (c *Collector) HandleMessage(m realtime.Message) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// HandleReset implements [realtime.Handler].
func (c *Collector) HandleReset(channel string, _ realtime.History) {
	c.mu.Lock()
	c.resets = append(c.resets, channel)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Messages returns a copy of the messages received on channel ("" = all).
func (c *Collector) Messages(channel string) []realtime.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []realtime.Message
	for _, m := range c.msgs {
		if channel == "" || m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// Resets returns the channels reported by HandleReset.
func (c *Collector) Resets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.resets...)
}

// WaitFor waits until cond holds, failing the test after 10 s.
func (c *Collector) WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-c.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

// WaitMessages waits until n messages of channel arrived and returns them.
func (c *Collector) WaitMessages(tb testing.TB, channel string, n int) []realtime.Message {
	tb.Helper()
	c.WaitFor(tb, fmt.Sprintf("%d messages on %s", n, channel), func() bool { return len(c.Messages(channel)) >= n })
	return c.Messages(channel)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func data(i int) []byte { return []byte(`{"i":` + strconv.Itoa(i) + `}`) }

func index(t *testing.T, m realtime.Message) int {
	t.Helper()
	var v struct{ I int }
	if err := json.Unmarshal(m.Data, &v); err != nil {
		t.Fatalf("message %d data %q: %v", m.Seq, m.Data, err)
	}
	return v.I
}

func publish(t *testing.T, b realtime.Broker, ch string, from, to int) {
	t.Helper()
	for i := from; i <= to; i++ {
		seq, err := b.Publish(ctx(t), ch, "test", data(i))
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		if seq != int64(i) {
			t.Fatalf("Publish %d: seq %d, want %d", i, seq, i)
		}
	}
}

// checkRun verifies that msgs are the seqs from..to with data {"i":seq}.
func checkRun(t *testing.T, msgs []realtime.Message, from, to int) {
	t.Helper()
	if len(msgs) != to-from+1 {
		t.Fatalf("got %d messages, want %d (seqs %d..%d)", len(msgs), to-from+1, from, to)
	}
	for k, m := range msgs {
		want := from + k
		if m.Seq != int64(want) || index(t, m) != want || m.Type != "test" {
			t.Fatalf("message %d: seq %d type %q data %s, want seq %d", k, m.Seq, m.Type, m.Data, want)
		}
	}
}

// Run runs the conformance suite on the engine of f.
func Run(t *testing.T, f Factory) {
	t.Run("SeqRisesByOne", func(t *testing.T) {
		b, _ := f(t, realtime.BrokerConfig{})
		publish(t, b, "event:a", 1, 5)
		publish(t, b, "event:b", 1, 2) // channels count independently
		h, err := b.History(ctx(t), "event:a", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Recovered || h.Latest != 5 || h.Epoch == "" {
			t.Fatalf("History(0) = recovered %v latest %d epoch %q", h.Recovered, h.Latest, h.Epoch)
		}
		checkRun(t, h.Messages, 1, 5)
	})

	t.Run("HistoryAfterSince", func(t *testing.T) {
		b, _ := f(t, realtime.BrokerConfig{HistorySize: 100})
		publish(t, b, "event:h", 1, 10)
		tests := []struct {
			name      string
			since     int64
			recovered bool
			from, to  int
		}{
			{"position only", -1, true, 1, 0},
			{"from the start", 0, true, 1, 10},
			{"middle", 6, true, 7, 10},
			{"up to date", 10, true, 1, 0},
			{"ahead of latest", 11, false, 1, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h, err := b.History(ctx(t), "event:h", tt.since)
				if err != nil {
					t.Fatal(err)
				}
				if h.Recovered != tt.recovered || h.Latest != 10 {
					t.Fatalf("recovered %v latest %d, want %v 10", h.Recovered, h.Latest, tt.recovered)
				}
				checkRun(t, h.Messages, tt.from, tt.to)
			})
		}
		h, err := b.History(ctx(t), "event:never", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Recovered || h.Latest != 0 || len(h.Messages) != 0 || h.Epoch == "" {
			t.Fatalf("History of an unused channel = %+v", h)
		}
	})

	t.Run("TrimmedHistoryIsNotRecovered", func(t *testing.T) {
		const size = 10
		b, _ := f(t, realtime.BrokerConfig{HistorySize: size})
		const n = 30 * size // Redis trims whole stream nodes (100 entries): go well past them
		publish(t, b, "event:t", 1, n)
		h, err := b.History(ctx(t), "event:t", 0)
		if err != nil {
			t.Fatal(err)
		}
		if h.Recovered || len(h.Messages) != 0 || h.Latest != n {
			t.Fatalf("History(0) after trimming: recovered %v, %d messages, latest %d", h.Recovered, len(h.Messages), h.Latest)
		}
		h, err = b.History(ctx(t), "event:t", n-size)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Recovered {
			t.Fatalf("History(latest-%d) not recovered: the history must keep at least HistorySize", size)
		}
		checkRun(t, h.Messages, n-size+1, n)
	})

	t.Run("SubscribeDeliversInOrder", func(t *testing.T) {
		b, _ := f(t, realtime.BrokerConfig{})
		c := NewCollector()
		b.SetHandler(c)
		if err := b.Subscribe(ctx(t), "event:s"); err != nil {
			t.Fatal(err)
		}
		if err := b.Subscribe(ctx(t), "event:s"); err != nil {
			t.Fatalf("second Subscribe: %v", err)
		}
		publish(t, b, "event:other", 1, 3)
		publish(t, b, "event:s", 1, 50)
		checkRun(t, c.WaitMessages(t, "event:s", 50), 1, 50)
		if got := c.Messages("event:other"); len(got) != 0 {
			t.Fatalf("received %d messages of a channel not subscribed", len(got))
		}
	})

	t.Run("TwoNodes", func(t *testing.T) {
		a, peer := f(t, realtime.BrokerConfig{})
		b := peer()
		ca, cb := NewCollector(), NewCollector()
		a.SetHandler(ca)
		b.SetHandler(cb)
		for _, br := range []realtime.Broker{a, b} {
			if err := br.Subscribe(ctx(t), "event:room"); err != nil {
				t.Fatal(err)
			}
		}
		publish(t, a, "event:room", 1, 3)
		publish(t, b, "event:room", 4, 6)
		checkRun(t, ca.WaitMessages(t, "event:room", 6), 1, 6)
		checkRun(t, cb.WaitMessages(t, "event:room", 6), 1, 6)
		h, err := b.History(ctx(t), "event:room", 2)
		if err != nil {
			t.Fatal(err)
		}
		checkRun(t, h.Messages, 3, 6)
	})

	t.Run("Unsubscribe", func(t *testing.T) {
		b, _ := f(t, realtime.BrokerConfig{})
		c := NewCollector()
		b.SetHandler(c)
		for _, ch := range []string{"event:u1", "event:u2"} {
			if err := b.Subscribe(ctx(t), ch); err != nil {
				t.Fatal(err)
			}
		}
		publish(t, b, "event:u1", 1, 1)
		c.WaitMessages(t, "event:u1", 1)
		if err := b.Unsubscribe(ctx(t), "event:u1"); err != nil {
			t.Fatal(err)
		}
		if err := b.Unsubscribe(ctx(t), "event:u1"); err != nil {
			t.Fatalf("second Unsubscribe: %v", err)
		}
		publish(t, b, "event:u1", 2, 3)
		publish(t, b, "event:u2", 1, 1) // delivered after u1's, if those were delivered
		c.WaitMessages(t, "event:u2", 1)
		if got := c.Messages("event:u1"); len(got) != 1 {
			t.Fatalf("got %d messages on event:u1, want 1 (before unsubscribing)", len(got))
		}
		// Subscribing again resumes live delivery.
		if err := b.Subscribe(ctx(t), "event:u1"); err != nil {
			t.Fatal(err)
		}
		publish(t, b, "event:u1", 4, 4)
		got := c.WaitMessages(t, "event:u1", 2)
		if got[1].Seq != 4 {
			t.Fatalf("after resubscribing got seq %d, want 4", got[1].Seq)
		}
	})

	t.Run("Presence", func(t *testing.T) {
		a, peer := f(t, realtime.BrokerConfig{})
		b := peer()
		count := func(want int) {
			t.Helper()
			for _, br := range []realtime.Broker{a, b} {
				n, err := br.Presence(ctx(t), "event:p")
				if err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Fatalf("Presence = %d, want %d", n, want)
				}
			}
		}
		count(0)
		steps := []struct {
			node *realtime.Broker
			n    int
			want int
		}{{&a, 2, 2}, {&b, 3, 5}, {&a, 1, 4}, {&a, 0, 3}, {&b, 0, 0}, {&b, 7, 7}}
		for _, s := range steps {
			if err := (*s.node).SetPresence(ctx(t), "event:p", s.n); err != nil {
				t.Fatal(err)
			}
			count(s.want)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		n, err := a.Presence(ctx(t), "event:p")
		if err != nil || n != 0 {
			t.Fatalf("Presence after the node closed = %d, %v; want 0", n, err)
		}
	})

	t.Run("ConcurrentPublishers", func(t *testing.T) {
		a, peer := f(t, realtime.BrokerConfig{HistorySize: 1000})
		b := peer()
		c := NewCollector()
		a.SetHandler(c)
		if err := a.Subscribe(ctx(t), "event:c"); err != nil {
			t.Fatal(err)
		}
		const workers, each = 4, 50
		var wg sync.WaitGroup
		seqs := make(chan int64, workers*each)
		for w := range workers {
			node := a
			if w%2 == 1 {
				node = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					seq, err := node.Publish(context.Background(), "event:c", "test", data(0))
					if err != nil {
						t.Error(err)
						return
					}
					seqs <- seq
				}
			}()
		}
		wg.Wait()
		close(seqs)
		seen := map[int64]bool{}
		for s := range seqs {
			if seen[s] {
				t.Fatalf("seq %d assigned twice", s)
			}
			seen[s] = true
		}
		msgs := c.WaitMessages(t, "event:c", workers*each)
		for k, m := range msgs {
			if m.Seq != int64(k+1) {
				t.Fatalf("message %d has seq %d: out of order or duplicated", k, m.Seq)
			}
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		b, _ := f(t, realtime.BrokerConfig{})
		tests := []struct {
			name, channel, typ, data, code string
		}{
			{"bad channel", "lobby", "test", `{}`, makerlink.EValidation},
			{"channel with space", "event:a b", "test", `{}`, makerlink.EValidation},
			{"bad type", "event:a", "Has Space", `{}`, makerlink.EValidation},
			{"not JSON", "event:a", "test", `{nope`, makerlink.EValidation},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := b.Publish(ctx(t), tt.channel, tt.typ, []byte(tt.data))
				if got := makerlink.ErrorCode(err); got != tt.code {
					t.Fatalf("code %q (%v), want %q", got, err, tt.code)
				}
			})
		}
		h, err := b.History(ctx(t), "event:a", 0)
		if err != nil || h.Latest != 0 {
			t.Fatalf("rejected publications changed the channel: latest %d, %v", h.Latest, err)
		}
	})
}
