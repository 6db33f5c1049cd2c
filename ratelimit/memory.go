package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Memory is a [Limiter] kept in this process; memory is bounded by the keys
// whose bucket is not full again.
type Memory struct {
	g       gcra // nanoseconds
	mu      sync.Mutex
	tat     map[string]int64 // unix nanoseconds
	sweepAt int
}

// NewMemory returns an in-process limiter for l.
func NewMemory(l Limit) *Memory {
	return &Memory{g: newGCRA(l, time.Nanosecond), tat: make(map[string]int64), sweepAt: 1024}
}

// Wait implements [Limiter].
func (m *Memory) Wait(_ context.Context, key string, now time.Time) time.Duration {
	m.mu.Lock()
	t := m.tat[key]
	m.mu.Unlock()
	return time.Duration(m.g.delay(t, now.UnixNano()))
}

// Add implements [Limiter].
func (m *Memory) Add(_ context.Context, key string, now time.Time) {
	n := now.UnixNano()
	m.mu.Lock()
	m.tat[key] = max(m.tat[key], n) + m.g.interval
	m.sweep(n)
	m.mu.Unlock()
}

// Take implements [Limiter].
func (m *Memory) Take(_ context.Context, key string, now time.Time) time.Duration {
	n := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.tat[key]
	if d := m.g.delay(t, n); d > 0 {
		return time.Duration(d)
	}
	m.tat[key] = max(t, n) + m.g.interval
	m.sweep(n)
	return 0
}

// Reset implements [Limiter].
func (m *Memory) Reset(_ context.Context, key string) {
	m.mu.Lock()
	delete(m.tat, key)
	m.mu.Unlock()
}

// sweep drops keys whose bucket is full again (TAT in the past) once the
// map has grown past sweepAt. m.mu is held.
func (m *Memory) sweep(now int64) {
	if len(m.tat) < m.sweepAt {
		return
	}
	for k, t := range m.tat {
		if t <= now {
			delete(m.tat, k)
		}
	}
	m.sweepAt = max(1024, 2*len(m.tat))
}
