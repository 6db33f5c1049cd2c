package ratelimit

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript applies one GCRA step to the TAT stored at KEYS[1], in
// microseconds (Lua numbers are doubles: exact to 2^53).
// ARGV: now, interval, period, mode ("wait", "add" or "take").
// It returns the delay in microseconds (0: allowed). A recorded TAT expires
// when it passes, when the bucket is full again.
var gcraScript = redis.NewScript(`
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local now, iv, period = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local base = math.max(tat, now)
local delay = math.max(0, base + iv - now - period)
if ARGV[4] == 'wait' or (ARGV[4] == 'take' and delay > 0) then
  return delay
end
local next = base + iv
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.floor((next - now) / 1000) + 1)
if ARGV[4] == 'add' then
  return 0
end
return delay
`)

// Redis is a [Limiter] whose buckets live in Redis, so that every node of a
// deployment counts against the same limit. When Redis fails, it counts in
// this process instead (a sign-in stays possible, with the per-node limit)
// for the next five seconds without asking Redis again, so that a Redis
// outage does not make every sign-in wait for a timeout; it logs the
// failure at most once a minute.
type Redis struct {
	rdb      redis.UniversalClient
	prefix   string
	g        gcra // microseconds
	fallback *Memory
	log      *slog.Logger
	warned   atomic.Int64 // unix seconds of the last failure logged
	down     atomic.Int64 // unix nanoseconds until which Redis is not asked
}

// retryAfter is how long the limiter counts in process after Redis failed.
const retryAfter = 5 * time.Second

// NewRedis returns a limiter for l whose keys are prefix + key. log may be
// nil.
func NewRedis(rdb redis.UniversalClient, prefix string, l Limit, log *slog.Logger) *Redis {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Redis{rdb: rdb, prefix: prefix, g: newGCRA(l, time.Microsecond), fallback: NewMemory(l), log: log}
}

func (r *Redis) run(ctx context.Context, mode, key string, now time.Time) (time.Duration, bool) {
	if time.Now().UnixNano() < r.down.Load() {
		return 0, false
	}
	d, err := gcraScript.Run(ctx, r.rdb, []string{r.prefix + key},
		strconv.FormatInt(now.UnixMicro(), 10), strconv.FormatInt(r.g.interval, 10), strconv.FormatInt(r.g.period, 10), mode).Int64()
	if err != nil {
		r.down.Store(time.Now().Add(retryAfter).UnixNano())
		if t := time.Now().Unix(); r.warned.Load() < t-60 {
			r.warned.Store(t)
			r.log.Warn("rate limit in Redis failed: counting in this process", "err", err)
		}
		return 0, false
	}
	return time.Duration(d) * time.Microsecond, true
}

// Wait implements [Limiter].
func (r *Redis) Wait(ctx context.Context, key string, now time.Time) time.Duration {
	if d, ok := r.run(ctx, "wait", key, now); ok {
		return d
	}
	return r.fallback.Wait(ctx, key, now)
}

// Add implements [Limiter].
func (r *Redis) Add(ctx context.Context, key string, now time.Time) {
	if _, ok := r.run(ctx, "add", key, now); !ok {
		r.fallback.Add(ctx, key, now)
	}
}

// Take implements [Limiter].
func (r *Redis) Take(ctx context.Context, key string, now time.Time) time.Duration {
	if d, ok := r.run(ctx, "take", key, now); ok {
		return d
	}
	return r.fallback.Take(ctx, key, now)
}

// Reset implements [Limiter].
func (r *Redis) Reset(ctx context.Context, key string) {
	r.fallback.Reset(ctx, key)
	if time.Now().UnixNano() < r.down.Load() {
		return
	}
	if err := r.rdb.Del(ctx, r.prefix+key).Err(); err != nil {
		r.down.Store(time.Now().Add(retryAfter).UnixNano())
		r.log.Warn("rate limit reset in Redis failed", "err", err)
	}
}
