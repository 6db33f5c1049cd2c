package api

import (
	"sync"
	"time"
)

// Limit allows Events events at once and then refills at Events per Per: a
// token bucket of capacity Events. {Events: 10, Per: 15 * time.Minute}
// allows ten events in a burst and then one every 90 seconds.
type Limit struct {
	Events int
	Per    time.Duration
}

// Limits are the throttles of the sign-in and registration routes. They are
// kept in memory by each node: with N nodes behind a load balancer a client
// may get up to N times as many attempts.
type Limits struct {
	// LoginFailuresPerAccount counts failed logins per email address
	// (existing or not).
	LoginFailuresPerAccount Limit
	// LoginFailuresPerAddress counts failed logins per client IP address.
	LoginFailuresPerAddress Limit
	// AuthPerAddress counts every register and login request per client IP
	// address, successful or not.
	AuthPerAddress Limit
}

// DefaultLimits are the limits used for zero fields of [Config.Limits]. A
// whole event venue may sit behind one address, so the per-address limits
// allow well over 600 requests a minute.
var DefaultLimits = Limits{
	LoginFailuresPerAccount: Limit{Events: 10, Per: 15 * time.Minute},
	LoginFailuresPerAddress: Limit{Events: 600, Per: time.Minute},
	AuthPerAddress:          Limit{Events: 1200, Per: time.Minute},
}

func (l Limits) withDefaults() Limits {
	def := func(x *Limit, d Limit) {
		if x.Events <= 0 || x.Per <= 0 {
			*x = d
		}
	}
	def(&l.LoginFailuresPerAccount, DefaultLimits.LoginFailuresPerAccount)
	def(&l.LoginFailuresPerAddress, DefaultLimits.LoginFailuresPerAddress)
	def(&l.AuthPerAddress, DefaultLimits.AuthPerAddress)
	return l
}

// throttle groups the limiters of the auth routes.
type throttle struct {
	account, addrFail, addrAll *limiter
}

func newThrottle(l Limits) *throttle {
	return &throttle{
		account:  newLimiter(l.LoginFailuresPerAccount),
		addrFail: newLimiter(l.LoginFailuresPerAddress),
		addrAll:  newLimiter(l.AuthPerAddress),
	}
}

// limiter is a keyed token bucket implemented as GCRA: per key it keeps
// only the theoretical arrival time (TAT) of the next event. An event at
// now is allowed when max(TAT, now) + interval - now <= Per.
type limiter struct {
	interval int64 // nanoseconds per event: Per / Events
	period   int64 // nanoseconds: Per
	mu       sync.Mutex
	tat      map[string]int64 // unix nanoseconds
	sweepAt  int
}

func newLimiter(l Limit) *limiter {
	iv := int64(l.Per) / int64(l.Events)
	if iv < 1 {
		iv = 1
	}
	return &limiter{interval: iv, period: iv * int64(l.Events), tat: make(map[string]int64), sweepAt: 1024}
}

// wait reports how long until an event for key would be allowed, 0 when it
// is allowed now. It records nothing.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	n := now.UnixNano()
	l.mu.Lock()
	t := l.tat[key]
	l.mu.Unlock()
	return l.delay(t, n)
}

func (l *limiter) delay(tat, now int64) time.Duration {
	next := max(tat, now) + l.interval
	if d := next - now - l.period; d > 0 {
		return time.Duration(d)
	}
	return 0
}

// add records an event for key whether or not it was allowed.
func (l *limiter) add(key string, now time.Time) {
	n := now.UnixNano()
	l.mu.Lock()
	l.tat[key] = max(l.tat[key], n) + l.interval
	l.sweep(n)
	l.mu.Unlock()
}

// take records an event for key if it is allowed now and returns 0, or
// returns how long to wait without recording it.
func (l *limiter) take(key string, now time.Time) time.Duration {
	n := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tat[key]
	if d := l.delay(t, n); d > 0 {
		return d
	}
	l.tat[key] = max(t, n) + l.interval
	l.sweep(n)
	return 0
}

// reset forgets key.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.tat, key)
	l.mu.Unlock()
}

// sweep drops keys whose bucket is full again (TAT in the past) once the
// map has grown past sweepAt, keeping memory bounded by the active keys.
// l.mu is held.
func (l *limiter) sweep(now int64) {
	if len(l.tat) < l.sweepAt {
		return
	}
	for k, t := range l.tat {
		if t <= now {
			delete(l.tat, k)
		}
	}
	l.sweepAt = max(1024, 2*len(l.tat))
}
