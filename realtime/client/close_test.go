package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// When the server ends a connection with a close frame, the client closes
// its socket: the server sees the end of the stream (it would otherwise
// wait, and every reconnect would leave a descriptor behind), and a
// reconnecting client dials again.
func TestClientClosesSocketAfterServerClose(t *testing.T) {
	ended := make(chan bool, 4) // per connection: did the client close its side?
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4008, "slow consumer"), time.Now().Add(time.Second))
		// Read until the client closes the socket (EOF or its close frame
		// then EOF), or give up.
		_ = ws.NetConn().SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 512)
		for {
			if _, err := ws.NetConn().Read(buf); err != nil {
				select {
				case ended <- !strings.Contains(err.Error(), "timeout"):
				default: // later reconnects: the test has what it needs
				}
				return
			}
		}
	}))
	defer srv.Close()

	events := make(chan Event, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), Options{Reconnect: true, OnEvent: func(e Event) { events <- e }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 2 { // the first connection and the one the client redials
		select {
		case closed := <-ended:
			if !closed {
				t.Fatalf("connection %d: the client never closed its socket after the server's close frame", i+1)
			}
		case <-ctx.Done():
			t.Fatal("no connection ended")
		}
	}
	for e := range events {
		if e.Kind == EventDisconnected {
			if e.CloseCode != 4008 {
				t.Fatalf("disconnected with %d, want 4008", e.CloseCode)
			}
			break
		}
	}
}
