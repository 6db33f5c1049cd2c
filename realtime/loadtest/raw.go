package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// This file holds the parts of the raw clients (see raw_linux.go) that do
// not depend on the OS: the websocket handshake, the subscribe, and the
// parsing of server frames.

// WebSocket opcodes (RFC 6455, 5.2).
const (
	opText  = 0x1
	opClose = 0x8
	opPing  = 0x9
	opPong  = 0xA
)

// errProtocol reports a frame a server must not send (masked, fragmented,
// oversized).
var errProtocol = errors.New("loadtest: unexpected websocket frame")

// maxServerFrame bounds a server frame the raw clients accept.
const maxServerFrame = 1 << 20

// nextFrame cuts the first complete frame off b. It returns ok=false when
// b holds only part of a frame.
func nextFrame(b []byte) (op byte, payload, rest []byte, ok bool, err error) {
	if len(b) < 2 {
		return 0, nil, b, false, nil
	}
	if b[0]&0x80 == 0 || b[1]&0x80 != 0 {
		return 0, nil, nil, false, errProtocol // fragmented, or masked
	}
	op = b[0] & 0x0F
	n, h := uint64(b[1]&0x7F), 2
	switch n {
	case 126:
		if len(b) < 4 {
			return 0, nil, b, false, nil
		}
		n, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, nil, b, false, nil
		}
		n, h = binary.BigEndian.Uint64(b[2:]), 10
	}
	if n > maxServerFrame {
		return 0, nil, nil, false, errProtocol
	}
	if uint64(len(b)-h) < n {
		return 0, nil, b, false, nil
	}
	end := h + int(n)
	return op, b[h:end], b[end:], true, nil
}

// clientFrame returns a masked frame of op carrying payload, as a client
// must send it. The mask key is zero (the load tool has no proxy between
// it and the server to protect), so the payload goes as it is.
func clientFrame(op byte, payload []byte) []byte {
	n := len(payload)
	var b []byte
	switch {
	case n < 126:
		b = []byte{0x80 | op, 0x80 | byte(n)}
	case n <= 0xFFFF:
		b = []byte{0x80 | op, 0x80 | 126, byte(n >> 8), byte(n)}
	default:
		b = make([]byte, 10)
		b[0], b[1] = 0x80|op, 0x80|127
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	b = append(b, 0, 0, 0, 0) // the mask key
	return append(b, payload...)
}

// closeFrame is a client's close frame with code 1000.
var closeFrame = clientFrame(opClose, []byte{0x03, 0xE8})

// parseMessage reads the seq and the data of a message frame in the layout
// the hub writes: {"op":"message","channel":"…","seq":N,"type":"…","data":…}.
// Anything else reports !ok.
func parseMessage(b []byte) (seq int64, data []byte, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"op":"message","channel":"`))
	if !ok {
		return 0, nil, false
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return 0, nil, false
	}
	if rest, ok = bytes.CutPrefix(rest[i+1:], []byte(`,"seq":`)); !ok {
		return 0, nil, false
	}
	i = 0
	for ; i < len(rest) && i < 18 && rest[i] >= '0' && rest[i] <= '9'; i++ {
		seq = seq*10 + int64(rest[i]-'0')
	}
	if i == 0 {
		return 0, nil, false
	}
	rest = rest[i:]
	if i = bytes.Index(rest, []byte(`,"data":`)); i < 0 || rest[len(rest)-1] != '}' {
		return 0, nil, false
	}
	return seq, rest[i+len(`,"data":`) : len(rest)-1], true
}

// serverFrame is a frame other than a message, decoded in full.
type serverFrame struct {
	Op        string `json:"op"`
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Recovered bool   `json:"recovered"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// subscribeID is the id of the raw clients' subscribe request.
const subscribeID = "s"

// subscribeFrame returns the subscribe request to channel, with since when
// since >= 0.
func subscribeFrame(channel string, since int64) []byte {
	req := map[string]any{"op": "subscribe", "id": subscribeID, "channel": channel}
	if since >= 0 {
		req["since"] = since
	}
	b, _ := json.Marshal(req)
	return clientFrame(opText, b)
}

// handshake dials rawURL, upgrades the connection to a websocket and sends
// the subscribe request. It returns the connection and the bytes read after
// the upgrade response (the start of the server's frames).
func handshake(ctx context.Context, rawURL, channel string, since int64) (net.Conn, []byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("loadtest: url %q: %w", rawURL, err)
	}
	if u.Scheme != "ws" {
		return nil, nil, fmt.Errorf("loadtest: url %q: the raw clients speak ws:// only", rawURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, fmt.Errorf("loadtest: dial %s: %w", host, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	_ = nc.SetDeadline(deadline)
	var key [16]byte
	_, _ = rand.Read(key[:])
	k := base64.StdEncoding.EncodeToString(key[:])
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + k + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := nc.Write([]byte(req)); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("loadtest: upgrade request: %w", err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("loadtest: upgrade response: %w", err)
	}
	sum := sha1.Sum([]byte(k + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		nc.Close()
		return nil, nil, fmt.Errorf("loadtest: upgrade refused: %s", resp.Status)
	}
	if _, err := nc.Write(subscribeFrame(channel, since)); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("loadtest: subscribe: %w", err)
	}
	rest, _ := br.Peek(br.Buffered())
	return nc, bytes.Clone(rest), nil
}

// readSubscribed reads from nc, after the bytes in buf, until the reply to
// the subscribe request. It returns the reply and the bytes after it.
func readSubscribed(nc net.Conn, buf []byte) (serverFrame, []byte, error) {
	tmp := make([]byte, 4096)
	for {
		for {
			op, payload, rest, ok, err := nextFrame(buf)
			if err != nil {
				return serverFrame{}, nil, err
			}
			if !ok {
				break
			}
			buf = rest
			if op == opClose {
				code := 1005
				if len(payload) >= 2 {
					code = int(binary.BigEndian.Uint16(payload))
				}
				return serverFrame{}, nil, errors.New("loadtest: closed by the server with " + strconv.Itoa(code))
			}
			if op != opText {
				continue
			}
			var f serverFrame
			if json.Unmarshal(payload, &f) != nil || f.ID != subscribeID {
				continue
			}
			if f.Op == "error" {
				return f, nil, fmt.Errorf("loadtest: subscribe: %s: %s", f.Code, f.Message)
			}
			return f, buf, nil
		}
		n, err := nc.Read(tmp)
		if err != nil {
			return serverFrame{}, nil, fmt.Errorf("loadtest: waiting for subscribed: %w", err)
		}
		buf = append(buf, tmp[:n]...)
	}
}
