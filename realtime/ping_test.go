package realtime

import (
	"testing"
	"time"
)

// The pinger pings every connection exactly once per interval, a few at a
// time: a big room never gets all its pings (and pongs) in one burst.
func TestPingRingSpreadsPings(t *testing.T) {
	tests := []struct {
		interval  time.Duration
		conns     int
		wantSlots int
		wantGap   time.Duration
	}{
		{25 * time.Second, 10000, 250, 100 * time.Millisecond},
		{time.Hour, 1000, 250, time.Hour / 250},
		{300 * time.Millisecond, 10, 3, 100 * time.Millisecond},
		{50 * time.Millisecond, 5, 1, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		r, gap := newPingRing(tt.interval)
		if len(r.slots) != tt.wantSlots || gap != tt.wantGap {
			t.Errorf("interval %v: %d slots every %v, want %d every %v", tt.interval, len(r.slots), gap, tt.wantSlots, tt.wantGap)
			continue
		}
		conns := make([]*conn, tt.conns)
		for i := range conns {
			conns[i] = &conn{}
			r.add(conns[i])
		}
		// Every tenth connection leaves before its ping.
		for i := 0; i < len(conns); i += 10 {
			r.remove(conns[i])
		}
		perSlot := (tt.conns + len(r.slots) - 1) / len(r.slots)
		pinged := make(map[*conn]int)
		for range len(r.slots) {
			round := r.round()
			if len(round) > perSlot {
				t.Errorf("interval %v: a round pings %d connections, want at most %d", tt.interval, len(round), perSlot)
			}
			for c := range round {
				pinged[c]++
			}
		}
		for i, c := range conns {
			want := 1
			if i%10 == 0 {
				want = 0
			}
			if pinged[c] != want {
				t.Fatalf("interval %v: connection %d pinged %d times in one interval, want %d", tt.interval, i, pinged[c], want)
			}
		}
	}
}
