package realtime

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink/realtime/client"
)

// A connection served through Fiber writes straight to its socket, and
// keeps doing so after its writer goroutine ran (whose write deadline would
// otherwise fail every direct write once it passed).
func TestConnDirectWriteAfterWriter(t *testing.T) {
	b := NewMemory(BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub := NewHub(b, Config{Logger: slog.New(slog.DiscardHandler), WriteTimeout: 50 * time.Millisecond})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = hub.Close(); _ = app.Shutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, "ws://"+ln.Addr().String()+"/ws", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Ping(ctx); err != nil { // the server has registered the connection
		t.Fatal(err)
	}
	hub.mu.RLock()
	var c *conn
	for c = range hub.conns {
	}
	hub.mu.RUnlock()
	if c == nil || c.raw == nil {
		t.Fatal("the connection has no raw socket: every frame goes through the writer goroutine")
	}
	writing := func() bool {
		c.qmu.Lock()
		defer c.qmu.Unlock()
		return c.writing
	}
	// Run the writer once, as when frames had to wait.
	c.qmu.Lock()
	c.queue = append(c.queue, newFrame([]byte(`{"op":"pong"}`)))
	c.startWriterLocked()
	c.qmu.Unlock()
	for wait := time.Now().Add(5 * time.Second); writing(); time.Sleep(time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatal("the writer did not stop")
		}
	}
	time.Sleep(3 * hub.cfg.WriteTimeout) // past the deadline the writer set
	c.qmu.Lock()
	direct := c.pushLocked(newFrame([]byte(`{"op":"pong"}`)), false)
	c.qmu.Unlock()
	if !direct {
		t.Fatal("the frame was queued; want it written straight to the socket")
	}
}
