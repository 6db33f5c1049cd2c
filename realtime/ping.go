package realtime

import "time"

// pingTick is the shortest gap between two rounds of the pinger: the ping
// interval is cut into slots of at least this length.
const pingTick = 100 * time.Millisecond

// pingRing spreads the server's pings over the ping interval. Pinging every
// connection at once makes a burst of writes, and of pongs to read, as long
// as a room's largest broadcast, every interval: with 10,000 clients it
// delayed the messages around it by a few hundred milliseconds. Instead
// each connection joins one of the ring's slots when it registers (in
// turn, so the slots stay even), and each tick of the pinger pings one
// slot; every connection is still pinged once per interval. Guarded by
// Hub.mu.
type pingRing struct {
	slots []map[*conn]struct{}
	next  int // the slot the next connection joins
	tick  int // the slot the next round pings
}

// newPingRing returns a ring for interval and how often its rounds run.
func newPingRing(interval time.Duration) (*pingRing, time.Duration) {
	n := max(1, min(250, int(interval/pingTick)))
	r := &pingRing{slots: make([]map[*conn]struct{}, n)}
	for i := range r.slots {
		r.slots[i] = make(map[*conn]struct{})
	}
	return r, interval / time.Duration(n)
}

func (r *pingRing) add(c *conn) {
	c.pingSlot = r.next
	r.slots[r.next][c] = struct{}{}
	r.next = (r.next + 1) % len(r.slots)
}

func (r *pingRing) remove(c *conn) { delete(r.slots[c.pingSlot], c) }

// round returns the connections to ping now and moves to the next slot.
func (r *pingRing) round() map[*conn]struct{} {
	s := r.slots[r.tick]
	r.tick = (r.tick + 1) % len(r.slots)
	return s
}
