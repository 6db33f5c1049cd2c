package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink/ratelimit"
	"makerlink/realtime/realtimetest"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// engines returns a constructor per implementation: each call is another
// node of one deployment (the Redis limiters share their buckets).
func engines(t *testing.T) map[string]func(l ratelimit.Limit) ratelimit.Limiter {
	out := map[string]func(l ratelimit.Limit) ratelimit.Limiter{
		"memory": func(l ratelimit.Limit) ratelimit.Limiter { return ratelimit.NewMemory(l) },
	}
	rdb, prefix := realtimetest.RedisClient(t)
	n := 0
	out["redis"] = func(l ratelimit.Limit) ratelimit.Limiter {
		n++ // a fresh bucket space per test case
		return ratelimit.NewRedis(rdb, prefix+string(rune('a'+n))+":", l, nil)
	}
	return out
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	for name, newLimiter := range engines(t) {
		t.Run(name, func(t *testing.T) {
			three := ratelimit.Limit{Events: 3, Per: 3 * time.Minute} // a burst of 3, then one a minute
			tests := []struct {
				name string
				run  func(t *testing.T, l ratelimit.Limiter)
			}{
				{"burst then refill", func(t *testing.T, l ratelimit.Limiter) {
					for i := range 3 {
						if d := l.Take(ctx, "k", t0); d != 0 {
							t.Fatalf("take %d of the burst waits %v", i+1, d)
						}
					}
					if d := l.Take(ctx, "k", t0); d != time.Minute {
						t.Fatalf("4th take waits %v, want 1m", d)
					}
					if d := l.Take(ctx, "k", t0.Add(30*time.Second)); d != 30*time.Second {
						t.Fatalf("a refused take must not count: waits %v at +30s, want 30s", d)
					}
					if d := l.Take(ctx, "k", t0.Add(time.Minute)); d != 0 {
						t.Fatalf("take after one interval waits %v", d)
					}
					if d := l.Wait(ctx, "k", t0.Add(time.Minute)); d != time.Minute {
						t.Fatalf("then wait = %v, want 1m", d)
					}
				}},
				{"wait records nothing", func(t *testing.T, l ratelimit.Limiter) {
					for range 10 {
						if d := l.Wait(ctx, "k", t0); d != 0 {
							t.Fatalf("wait on a full bucket = %v", d)
						}
					}
					if d := l.Take(ctx, "k", t0); d != 0 {
						t.Fatalf("take after waits = %v", d)
					}
				}},
				{"add counts refused events, reset forgets", func(t *testing.T, l ratelimit.Limiter) {
					for range 5 {
						l.Add(ctx, "k", t0)
					}
					if d := l.Wait(ctx, "k", t0); d != 3*time.Minute {
						t.Fatalf("after 5 adds wait = %v, want 3m", d)
					}
					if d := l.Wait(ctx, "other", t0); d != 0 {
						t.Fatalf("another key waits %v", d)
					}
					l.Reset(ctx, "k")
					if d := l.Wait(ctx, "k", t0); d != 0 {
						t.Fatalf("after reset wait = %v", d)
					}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, newLimiter(three)) })
			}
		})
	}
}

// Two nodes on one Redis count against one limit.
func TestRedisLimitHoldsAcrossNodes(t *testing.T) {
	a, prefix := realtimetest.RedisClient(t)
	b, _ := realtimetest.RedisClient(t) // a second node's connection
	l := ratelimit.Limit{Events: 4, Per: time.Hour}
	nodeA, nodeB := ratelimit.NewRedis(a, prefix, l, nil), ratelimit.NewRedis(b, prefix, l, nil)
	ctx := context.Background()
	allowed := 0
	for i := range 8 {
		node := ratelimit.Limiter(nodeA)
		if i%2 == 1 {
			node = nodeB
		}
		if node.Take(ctx, "mallory@example.cn", t0) == 0 {
			allowed++
		}
	}
	if allowed != 4 {
		t.Fatalf("%d of 8 attempts through two nodes allowed, want 4", allowed)
	}
}

// With Redis down the limiter still limits, in this process.
func TestRedisDownCountsInProcess(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	l := ratelimit.NewRedis(rdb, "x:", ratelimit.Limit{Events: 2, Per: time.Hour}, nil)
	ctx := context.Background()
	if l.Take(ctx, "k", t0) != 0 || l.Take(ctx, "k", t0) != 0 {
		t.Fatal("the burst is refused with Redis down")
	}
	if d := l.Take(ctx, "k", t0); d != 30*time.Minute {
		t.Fatalf("3rd take with Redis down waits %v, want 30m", d)
	}
}
