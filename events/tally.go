package events

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
)

// tally caches the audience votes per pitch of each event so that the
// leaderboard does not count rows at every refresh. The database holds the
// truth: a tally is rebuilt from it whenever its cache is missing.
//
// Callers hold the event's gate: votes of this node hold it shared from
// before their INSERT until after add, and loads from the database hold it
// exclusively, so a load never sees a committed vote whose add is still to
// come.
type tally interface {
	// add counts a vote that was just committed.
	add(ctx context.Context, eventID, pitchID string) error
	// cached returns the cached votes per pitch, and false when the cache
	// of the event is missing.
	cached(ctx context.Context, eventID string) (map[string]int64, bool, error)
	// fill sets the cache of an event to the database counts db (called
	// with the gate held exclusively).
	fill(ctx context.Context, eventID string, db map[string]int64) error
	// reconcile compares the cache with the database counts db and repairs
	// it (Redis only: other nodes' votes may be in flight).
	reconcile(ctx context.Context, eventID string, db func() (map[string]int64, error)) error
	// slot reports whether this node may publish the event's leaderboard
	// now: at most once per interval across all nodes.
	slot(ctx context.Context, eventID string, interval time.Duration) bool
	// forget drops the cache of an event (tests, memory pressure).
	forget(ctx context.Context, eventID string) error
}

// memTally is the tally of a single node: exact, since every vote of the
// deployment passes through this process.
type memTally struct {
	mu sync.Mutex
	m  map[string]map[string]int64 // event -> pitch -> votes; nil entry = not loaded
}

func newMemTally() *memTally { return &memTally{m: map[string]map[string]int64{}} }

func (t *memTally) add(_ context.Context, eventID, pitchID string) error {
	t.mu.Lock()
	if c, ok := t.m[eventID]; ok {
		c[pitchID]++
	}
	t.mu.Unlock()
	return nil
}

func (t *memTally) cached(_ context.Context, eventID string) (map[string]int64, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.m[eventID]
	if !ok {
		return nil, false, nil
	}
	out := make(map[string]int64, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out, true, nil
}

func (t *memTally) fill(_ context.Context, eventID string, db map[string]int64) error {
	cp := make(map[string]int64, len(db))
	for k, v := range db {
		cp[k] = v
	}
	t.mu.Lock()
	t.m[eventID] = cp
	t.mu.Unlock()
	return nil
}

func (t *memTally) reconcile(context.Context, string, func() (map[string]int64, error)) error {
	return nil
}

func (t *memTally) slot(context.Context, string, time.Duration) bool { return true }

func (t *memTally) forget(_ context.Context, eventID string) error {
	t.mu.Lock()
	delete(t.m, eventID)
	t.mu.Unlock()
	return nil
}

// redisTally keeps each event's votes in a Redis sorted set (member: pitch
// id, score: votes) shared by every node, next to a marker key that says
// the set is complete. Votes increment the set only while the marker
// exists; a missing marker (a flush, a restart without persistence, an
// expiry) makes the next reader rebuild the set from the database.
type redisTally struct {
	c      *redis.Client
	prefix string
	ttl    time.Duration
}

var (
	// KEYS: marker, votes. ARGV: pitch.
	incrScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('ZINCRBY', KEYS[2], 1, ARGV[1])
end
return false`)
	// KEYS: marker, votes. ARGV: ttl seconds, then pitch, count pairs.
	// Rebuilds only when the marker is still missing.
	rebuildScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[2], ARGV[i+1], ARGV[i])
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1`)
	// KEYS: marker, votes. ARGV: ttl, pitch, expected, new, mode. mode
	// "cas" sets new when the score still equals expected; "max" raises
	// the score to new when it is lower.
	repairScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local cur = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[2]) or '0')
local want = tonumber(ARGV[4])
if (ARGV[5] == 'cas' and cur == tonumber(ARGV[3]) and cur ~= want) or (ARGV[5] == 'max' and cur < want) then
  redis.call('ZADD', KEYS[2], want, ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return 1
end
return 0`)
)

func (t *redisTally) markerKey(e string) string { return t.prefix + e + ":ok" }
func (t *redisTally) votesKey(e string) string  { return t.prefix + e + ":votes" }
func (t *redisTally) slotKey(e string) string   { return t.prefix + e + ":slot" }

// BoardKey is the sorted set where the computed ranking is kept.
func (t *redisTally) boardKey(e string) string { return t.prefix + e + ":board" }

func (t *redisTally) add(ctx context.Context, eventID, pitchID string) error {
	err := incrScript.Run(ctx, t.c, []string{t.markerKey(eventID), t.votesKey(eventID)}, pitchID).Err()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("events: redis tally: %w", err)
	}
	return nil
}

func (t *redisTally) cached(ctx context.Context, eventID string) (map[string]int64, bool, error) {
	pipe := t.c.Pipeline()
	ex := pipe.Exists(ctx, t.markerKey(eventID))
	zs := pipe.ZRangeWithScores(ctx, t.votesKey(eventID), 0, -1)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, false, fmt.Errorf("events: redis tally: %w", err)
	}
	if ex.Val() == 0 {
		return nil, false, nil
	}
	out := make(map[string]int64, len(zs.Val()))
	for _, z := range zs.Val() {
		if id, ok := z.Member.(string); ok {
			out[id] = int64(z.Score)
		}
	}
	return out, true, nil
}

func (t *redisTally) fill(ctx context.Context, eventID string, db map[string]int64) error {
	args := []any{int(t.ttl / time.Second)}
	for id, n := range db {
		args = append(args, id, n)
	}
	if err := rebuildScript.Run(ctx, t.c, []string{t.markerKey(eventID), t.votesKey(eventID)}, args...).Err(); err != nil {
		return fmt.Errorf("events: redis tally rebuild: %w", err)
	}
	return nil
}

func (t *redisTally) reconcile(ctx context.Context, eventID string, db func() (map[string]int64, error)) error {
	before, ok, err := t.cached(ctx, eventID)
	if err != nil || !ok {
		return err // a missing cache is rebuilt by the next counts
	}
	truth, err := db()
	if err != nil {
		return err
	}
	after, ok, err := t.cached(ctx, eventID)
	if err != nil || !ok {
		return err
	}
	keys := map[string]bool{}
	for _, m := range []map[string]int64{before, truth, after} {
		for k := range m {
			keys[k] = true
		}
	}
	ttl := strconv.Itoa(int(t.ttl / time.Second))
	for id := range keys {
		mode := ""
		switch {
		case before[id] == after[id] && truth[id] != after[id]:
			// No vote on this pitch counted while the database was read:
			// the database count is exact.
			mode = "cas"
		case truth[id] > after[id]:
			// Votes are being counted; never let the cache lag behind
			// what is already committed.
			mode = "max"
		default:
			continue
		}
		err := repairScript.Run(ctx, t.c, []string{t.markerKey(eventID), t.votesKey(eventID)},
			ttl, id, after[id], truth[id], mode).Err()
		if err != nil && err != redis.Nil {
			return fmt.Errorf("events: redis tally repair: %w", err)
		}
	}
	return nil
}

func (t *redisTally) slot(ctx context.Context, eventID string, interval time.Duration) bool {
	ok, err := t.c.SetNX(ctx, t.slotKey(eventID), "1", interval).Result()
	if err != nil {
		return true // Redis trouble: publish anyway, the broker reports its own errors
	}
	return ok
}

func (t *redisTally) forget(ctx context.Context, eventID string) error {
	return t.c.Del(ctx, t.markerKey(eventID), t.votesKey(eventID)).Err()
}

// storeBoard writes the ranking to the event's board sorted set (member:
// pitch id, score: -rank, so ZREVRANGE lists the best first).
func (t *redisTally) storeBoard(ctx context.Context, lb *makerlink.Leaderboard) error {
	pipe := t.c.TxPipeline()
	key := t.boardKey(lb.EventID)
	pipe.Del(ctx, key)
	for _, it := range lb.Items {
		pipe.ZAdd(ctx, key, redis.Z{Score: float64(-it.Rank), Member: it.PitchID})
	}
	pipe.Expire(ctx, key, t.ttl)
	_, err := pipe.Exec(ctx)
	return err
}
