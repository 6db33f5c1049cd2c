//go:build linux

package loadtest

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"makerlink/realtime"
)

// A raw client whose connection ends redials, resumes with since and ends
// up with every message once, large frames included, whether its reader
// waits on its epoll set or polls it.
func TestRawClientResumes(t *testing.T) {
	for _, interval := range []time.Duration{0, time.Millisecond} {
		t.Run("poll="+interval.String(), func(t *testing.T) { testRawClientResumes(t, interval) })
	}
}

func testRawClientResumes(t *testing.T, interval time.Duration) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub := realtime.NewHub(b, realtime.Config{Logger: slog.New(slog.DiscardHandler)})
	app := NewServer(hub)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = hub.Close(); _ = app.Shutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const channel = "event:1"
	var streaming atomic.Bool
	var drops atomic.Int64
	streaming.Store(true)
	h := newHistogram()
	pool, err := newRawPool(1, 1, "ws://"+ln.Addr().String()+"/ws", channel, interval, h, &streaming, &drops)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.close()
	m := &member{}
	if err := pool.dial(ctx, 0, m, -1); err != nil {
		t.Fatal(err)
	}
	var last int64
	publish := func(pad int) {
		t.Helper()
		seq, err := hub.Publish(ctx, channel, "t", payload{T: time.Now().UnixNano(), Pad: strings.Repeat("x", pad)})
		if err != nil {
			t.Fatal(err)
		}
		last = seq
	}
	waitFor := func(seq int64) {
		t.Helper()
		for atomic.LoadInt64(&m.last) < seq {
			if ctx.Err() != nil {
				t.Fatalf("last seq %d, want %d", atomic.LoadInt64(&m.last), seq)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for _, pad := range []int{10, 200, 100 << 10, 70000, 10} {
		publish(pad)
	}
	waitFor(last)

	// End the connection under the reader: it sees EOF, counts a drop
	// and redials; what is published meanwhile comes in the replay.
	rc := pool.conns[0].Load()
	if err := syscall.Shutdown(rc.fd, syscall.SHUT_RDWR); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		publish(100)
	}
	waitFor(last)
	if got := drops.Load(); got != 1 {
		t.Errorf("drops = %d, want 1", got)
	}
	if got, want := atomic.LoadInt64(&m.unique), last-m.base; got != want {
		t.Errorf("unique = %d, want %d", got, want)
	}
	if m.dups != 0 || m.ooo != 0 {
		t.Errorf("dups %d, out of order %d; want none", m.dups, m.ooo)
	}
}

func TestNextFrame(t *testing.T) {
	long := make([]byte, 300)
	frame := func(hdr ...byte) []byte { return hdr }
	tests := []struct {
		name     string
		in       []byte
		op       byte
		payload  int
		complete bool
		err      bool
	}{
		{"empty", nil, 0, 0, false, false},
		{"one byte", frame(0x81), 0, 0, false, false},
		{"short text", append(frame(0x81, 3), "abc"...), opText, 3, true, false},
		{"short text cut", append(frame(0x81, 3), "ab"...), 0, 0, false, false},
		{"16-bit length", append(frame(0x81, 126, 1, 44), long...), opText, 300, true, false},
		{"16-bit length cut", frame(0x81, 126, 1), 0, 0, false, false},
		{"ping", frame(0x89, 0), opPing, 0, true, false},
		{"masked", frame(0x81, 0x83, 0, 0, 0, 0, 'a', 'b', 'c'), 0, 0, false, true},
		{"fragment", append(frame(0x01, 3), "abc"...), 0, 0, false, true},
		{"oversized", frame(0x81, 127, 0, 0, 0, 1, 0, 0, 0, 0), 0, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, payload, rest, complete, err := nextFrame(tt.in)
			if (err != nil) != tt.err || complete != tt.complete {
				t.Fatalf("complete %v, err %v; want %v, error %v", complete, err, tt.complete, tt.err)
			}
			if !complete {
				if err == nil && len(rest) != len(tt.in) {
					t.Fatalf("rest %d bytes, want all %d", len(rest), len(tt.in))
				}
				return
			}
			if op != tt.op || len(payload) != tt.payload || len(rest) != 0 {
				t.Fatalf("op %x, payload %d, rest %d; want %x, %d, 0", op, len(payload), len(rest), tt.op, tt.payload)
			}
		})
	}
}
