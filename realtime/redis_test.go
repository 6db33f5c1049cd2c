package realtime_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink/realtime"
	"makerlink/realtime/realtimetest"
)

// redisNode opens a Redis broker on prefix with a known node id.
func redisNode(t *testing.T, url, prefix, node string) *realtime.Redis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := realtime.NewRedis(ctx, realtime.BrokerConfig{RedisURL: url, Prefix: prefix, NodeID: node})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func rawClient(t *testing.T, url string) *redis.Client {
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func seqs(ms []realtime.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

// A node whose pub/sub stream misses messages fills the gap from the
// channel's stream (key layout: see the Redis type's doc).
func TestRedisFillsGapsFromTheStream(t *testing.T) {
	url := realtimetest.RedisURL(t)
	prefix := realtimetest.RandomPrefix()
	t.Cleanup(func() { realtimetest.DeletePrefix(t, url, prefix) })
	b := redisNode(t, url, prefix, "gap")
	c := realtimetest.NewCollector()
	b.SetHandler(c)
	ctx := context.Background()
	if err := b.Subscribe(ctx, "event:g"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, "event:g", "test", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	// Seqs 2 and 3 reach the stream but never pub/sub.
	rc := rawClient(t, url)
	for seq := 2; seq <= 3; seq++ {
		rc.HIncrBy(ctx, prefix+"{event:g}:meta", "s", 1)
		rc.XAdd(ctx, &redis.XAddArgs{Stream: prefix + "{event:g}:stream", ID: strconv.Itoa(seq) + "-0", Values: []string{"t", "test", "d", strconv.Itoa(seq)}})
	}
	if seq, err := b.Publish(ctx, "event:g", "test", []byte(`4`)); err != nil || seq != 4 {
		t.Fatalf("Publish = %d, %v", seq, err)
	}
	got := c.WaitMessages(t, "event:g", 4)
	for i, m := range got {
		if m.Seq != int64(i+1) || string(m.Data) != strconv.Itoa(i+1) {
			t.Fatalf("messages %v: want seqs 1..4 with their data", seqs(got))
		}
	}
}

// When Redis loses a channel's data the node reports a reset and then
// delivers the new sequence.
func TestRedisReportsReset(t *testing.T) {
	url := realtimetest.RedisURL(t)
	prefix := realtimetest.RandomPrefix()
	t.Cleanup(func() { realtimetest.DeletePrefix(t, url, prefix) })
	b := redisNode(t, url, prefix, "reset")
	c := realtimetest.NewCollector()
	b.SetHandler(c)
	ctx := context.Background()
	if err := b.Subscribe(ctx, "event:r"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.Publish(ctx, "event:r", "test", []byte(`0`)); err != nil {
			t.Fatal(err)
		}
	}
	c.WaitMessages(t, "event:r", 2)
	before, _ := b.History(ctx, "event:r", -1)
	rawClient(t, url).Del(ctx, prefix+"{event:r}:meta", prefix+"{event:r}:stream")
	for range 2 {
		if _, err := b.Publish(ctx, "event:r", "test", []byte(`0`)); err != nil {
			t.Fatal(err)
		}
	}
	c.WaitFor(t, "a reset", func() bool { return len(c.Resets()) == 1 })
	after, _ := b.History(ctx, "event:r", -1)
	if after.Epoch == before.Epoch {
		t.Fatal("the epoch did not change after the data was lost")
	}
	// Messages up to the reset's position are part of the state subscribers
	// refetch; the next one is delivered live.
	next, err := b.Publish(ctx, "event:r", "test", []byte(`0`))
	if err != nil {
		t.Fatal(err)
	}
	c.WaitFor(t, "the message after the reset", func() bool {
		ms := c.Messages("event:r")
		return ms[len(ms)-1].Seq == next
	})
	if n := len(c.Resets()); n != 1 {
		t.Fatalf("%d resets, want 1", n)
	}
}

// A node that stops refreshing its presence drops out of the count.
func TestRedisPresenceOfDeadNodesExpires(t *testing.T) {
	url := realtimetest.RedisURL(t)
	prefix := realtimetest.RandomPrefix()
	t.Cleanup(func() { realtimetest.DeletePrefix(t, url, prefix) })
	b := redisNode(t, url, prefix, "alive")
	ctx := context.Background()
	if err := b.SetPresence(ctx, "event:p", 2); err != nil {
		t.Fatal(err)
	}
	rc := rawClient(t, url)
	now := time.Now().UnixMilli()
	for node, exp := range map[string]int64{"dead": now - 1000, "other": now + 60000} {
		rc.HSet(ctx, prefix+"presence:node:"+node, "event:p", 5)
		rc.ZAdd(ctx, prefix+"presence:nodes", redis.Z{Score: float64(exp), Member: node})
	}
	n, err := b.Presence(ctx, "event:p")
	if err != nil || n != 7 {
		t.Fatalf("Presence = %d, %v; want 7 (2 here + 5 on the live node, not the dead one)", n, err)
	}
}

// A node whose pub/sub connection is killed reconnects and still delivers
// every message, in order.
func TestRedisPubSubReconnect(t *testing.T) {
	url := realtimetest.RedisURL(t)
	prefix := realtimetest.RandomPrefix()
	t.Cleanup(func() { realtimetest.DeletePrefix(t, url, prefix) })
	a := redisNode(t, url, prefix, "victim-"+prefix[7:19])
	pub := redisNode(t, url, prefix, "publisher")
	c := realtimetest.NewCollector()
	a.SetHandler(c)
	ctx := context.Background()
	if err := a.Subscribe(ctx, "event:k"); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(ctx, "event:k", "test", []byte(`0`)); err != nil {
		t.Fatal(err)
	}
	c.WaitMessages(t, "event:k", 1)
	rc := rawClient(t, url)
	list, err := rc.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, "name=makerlink-rt-victim-"+prefix[7:19]+" ") || !strings.Contains(line, "sub=1") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				n, _ := strconv.ParseInt(id, 10, 64)
				if err := rc.ClientKillByFilter(ctx, "ID", strconv.FormatInt(n, 10)).Err(); err == nil {
					killed++
				}
			}
		}
	}
	if killed != 1 {
		t.Fatalf("killed %d pub/sub connections, want 1", killed)
	}
	for range 20 {
		if _, err := pub.Publish(ctx, "event:k", "test", []byte(`0`)); err != nil {
			t.Fatal(err)
		}
	}
	got := c.WaitMessages(t, "event:k", 21)
	for i, m := range got {
		if m.Seq != int64(i+1) {
			t.Fatalf("after the reconnect got seqs %v, want 1..21", seqs(got))
		}
	}
}
