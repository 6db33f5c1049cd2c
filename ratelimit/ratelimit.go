// Package ratelimit counts events per key in token buckets, in memory
// (one process) or in Redis (shared by every node of a deployment).
//
// Both implement the generic cell rate algorithm (GCRA): per key only the
// theoretical arrival time (TAT) of the next event is kept. A Limit of
// Events per Per allows Events at once and then one every Per/Events; an
// event at now is allowed when max(TAT, now) + Per/Events - now <= Per.
package ratelimit

import (
	"context"
	"time"
)

// Limit allows Events events at once and then refills at Events per Per: a
// token bucket of capacity Events. {Events: 10, Per: 15 * time.Minute}
// allows ten events in a burst and then one every 90 seconds.
type Limit struct {
	Events int
	Per    time.Duration
}

// Limiter is a keyed token bucket.
type Limiter interface {
	// Wait reports how long until an event for key would be allowed, 0
	// when it is allowed now. It records nothing.
	Wait(ctx context.Context, key string, now time.Time) time.Duration
	// Add records an event for key whether or not it was allowed.
	Add(ctx context.Context, key string, now time.Time)
	// Take records an event for key if it is allowed now and returns 0,
	// or returns how long to wait without recording it.
	Take(ctx context.Context, key string, now time.Time) time.Duration
	// Reset forgets key.
	Reset(ctx context.Context, key string)
}

// gcra holds a Limit in the units an implementation counts in.
type gcra struct {
	interval int64 // per event
	period   int64 // Per, a whole number of intervals
}

func newGCRA(l Limit, unit time.Duration) gcra {
	iv := int64(l.Per/unit) / int64(max(1, l.Events))
	if iv < 1 {
		iv = 1
	}
	return gcra{interval: iv, period: iv * int64(max(1, l.Events))}
}

// delay is how long after now an event would wait, given the key's TAT.
func (g gcra) delay(tat, now int64) int64 {
	return max(0, max(tat, now)+g.interval-now-g.period)
}
