package events

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
)

// redisBoard keeps, in Redis mode, a copy of each event's leaderboard in
// sorted sets for other nodes and tools ("<prefix><event>:votes": pitch ->
// votes; "<prefix><event>:board": pitch -> -rank, so ZREVRANGE lists the
// best first), and the slot that limits leaderboard messages to one per
// interval across all nodes. It is a cache: the node that publishes a
// leaderboard rewrites it from the database, so a flushed or restarted
// Redis is whole again at the next publish.
type redisBoard struct {
	c      *redis.Client
	prefix string
	ttl    time.Duration
}

func (r *redisBoard) votesKey(e string) string { return r.prefix + e + ":votes" }
func (r *redisBoard) boardKey(e string) string { return r.prefix + e + ":board" }
func (r *redisBoard) slotKey(e string) string  { return r.prefix + e + ":slot" }

// slot reports whether this node may publish the event's leaderboard now:
// at most once per interval across all nodes.
func (r *redisBoard) slot(ctx context.Context, eventID string, interval time.Duration) bool {
	// The slot expires a little before the next tick so that a node
	// ticking every interval gets it every time.
	ok, err := r.c.SetNX(ctx, r.slotKey(eventID), "1", interval*9/10).Result()
	if err != nil {
		return true // Redis trouble: publish anyway; the broker reports its own errors
	}
	return ok
}

// store writes the leaderboard to the event's sorted sets.
func (r *redisBoard) store(ctx context.Context, lb *makerlink.Leaderboard) error {
	pipe := r.c.TxPipeline()
	vk, bk := r.votesKey(lb.EventID), r.boardKey(lb.EventID)
	pipe.Del(ctx, vk, bk)
	for _, it := range lb.Items {
		pipe.ZAdd(ctx, vk, redis.Z{Score: float64(it.Votes), Member: it.PitchID})
		pipe.ZAdd(ctx, bk, redis.Z{Score: float64(-it.Rank), Member: it.PitchID})
	}
	pipe.Expire(ctx, vk, r.ttl)
	pipe.Expire(ctx, bk, r.ttl)
	_, err := pipe.Exec(ctx)
	return err
}
