package realtime

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

const (
	localsUserID  = "realtime.user_id"
	localsAuthErr = "realtime.auth_err"
	localsToken   = "realtime.token_key"
)

// Mount registers GET /ws on r: [Hub.Upgrade] then [Hub.Handler].
func (h *Hub) Mount(r fiber.Router) {
	r.Get("/ws", h.Upgrade, h.Handler())
}

// Upgrade is the middleware in front of [Hub.Handler]: it answers 426
// Upgrade Required to plain HTTP requests and authenticates the ?token=
// query parameter. A bad token is reported on the websocket (an
// unauthorized error frame, then close code 4001), where browsers can see
// it.
func (h *Hub) Upgrade(c *fiber.Ctx) error {
	if !websocket.FastHTTPIsWebSocketUpgrade(c.Context()) {
		return fiber.ErrUpgradeRequired
	}
	if token := c.Query("token"); token != "" {
		ctx, cancel := context.WithTimeout(c.UserContext(), h.cfg.OpTimeout)
		defer cancel()
		userID, err := h.authenticate(ctx, token)
		if err != nil {
			c.Locals(localsAuthErr, err)
		} else {
			c.Locals(localsUserID, userID)
			c.Locals(localsToken, h.keyOf(token))
		}
	}
	return c.Next()
}

// Handler returns the websocket handler; put [Hub.Upgrade] before it.
//
// It upgrades with fasthttp/websocket directly rather than through a
// wrapper that copies the request's headers, query and cookies into maps
// kept for the connection's life: an idle connection is what the hub holds
// most of, so it keeps nothing of the request but what [Hub.Upgrade] put in
// the locals. For the same reason the handler drops the request and
// response buffers of the hijacked fasthttp context once the connection is
// upgraded (fasthttp keeps that context until the connection ends).
func (h *Hub) Handler() fiber.Handler {
	origins := slices.Clone(h.cfg.Origins)
	up := websocket.FastHTTPUpgrader{
		// Reads come out of fasthttp's own 4 KiB buffer of the hijacked
		// connection, not the socket: a second large buffer per
		// connection would only copy more. It holds a control frame
		// (125 bytes) and a frame header, as the library needs.
		ReadBufferSize:  256,
		WriteBufferSize: 4096,
		WriteBufferPool: &writeBufferPool,
		CheckOrigin: func(fctx *fasthttp.RequestCtx) bool {
			return len(origins) == 0 || slices.Contains(origins, string(fctx.Request.Header.Peek("Origin")))
		},
	}
	return func(c *fiber.Ctx) error {
		userID, _ := c.Locals(localsUserID).(string)
		authErr, _ := c.Locals(localsAuthErr).(error)
		key, _ := c.Locals(localsToken).(*string)
		fctx := c.Context()
		err := up.Upgrade(fctx, func(ws *websocket.Conn) {
			// The upgrade response is written: the request and the
			// response are not read again (fasthttp resets them when the
			// connection ends, which works on empty ones).
			fctx.Request = fasthttp.Request{}
			fctx.Response = fasthttp.Response{}
			fctx.ResetUserValues()
			h.serve(ws, userID, key, authErr)
		})
		if err != nil {
			return fiber.ErrUpgradeRequired
		}
		return nil
	}
}

var writeBufferPool sync.Pool

func (h *Hub) serve(ws *websocket.Conn, userID string, key *string, authErr error) {
	defer func() {
		// A panic here would end the process (this goroutine is
		// fasthttp's hijack handler): log it and drop the connection.
		if p := recover(); p != nil {
			h.log.Error("websocket handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	c := newConn(h, ws)
	c.userID = userID
	c.tokenKey.Store(key)
	c.run(authErr)
}
