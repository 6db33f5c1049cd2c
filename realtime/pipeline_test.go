package realtime_test

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"makerlink/realtime"
	"makerlink/realtime/realtimetest"
)

// maskedText is a client's text frame of payload (masked with a zero key).
func maskedText(payload []byte) []byte {
	var b []byte
	switch n := len(payload); {
	case n < 126:
		b = []byte{0x81, 0x80 | byte(n)}
	default:
		b = []byte{0x81, 0x80 | 126, 0, 0}
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	}
	b = append(b, 0, 0, 0, 0) // mask key 0: the payload goes as is
	return append(b, payload...)
}

// A client that sends its frames right behind the upgrade request, and
// many of them in one write (more than the server's read buffers hold),
// gets a reply to every one: the server reads what it buffered before it
// waits for the socket again.
func TestHubPipelinedFrames(t *testing.T) {
	forEngine(t, func(t *testing.T, factory realtimetest.Factory) {
		b, _ := factory(t, realtime.BrokerConfig{})
		_, url := startHub(t, b, realtime.Config{FrameRate: 1000, FrameBurst: 1000})
		addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
		const n = 60
		pad := strings.Repeat("x", 300)
		out := []byte("GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		for i := range n {
			out = append(out, maskedText(fmt.Appendf(nil, `{"op":"ping","id":%d,"pad":"%s"}`, i, pad))...)
		}
		if _, err := nc.Write(out); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(nc)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("status %s", resp.Status)
		}
		for i := range n {
			var h [2]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				t.Fatalf("reply %d: %v", i, err)
			}
			size := int(h[1] & 0x7F)
			if size == 126 {
				var ext [2]byte
				if _, err := io.ReadFull(br, ext[:]); err != nil {
					t.Fatal(err)
				}
				size = int(binary.BigEndian.Uint16(ext[:]))
			}
			payload := make([]byte, size)
			if _, err := io.ReadFull(br, payload); err != nil {
				t.Fatalf("reply %d: %v", i, err)
			}
			var f struct {
				Op string `json:"op"`
				ID int    `json:"id"`
			}
			if err := json.Unmarshal(payload, &f); err != nil || f.Op != "pong" || f.ID != i {
				t.Fatalf("reply %d: %s (%v)", i, payload, err)
			}
		}
	})
}
