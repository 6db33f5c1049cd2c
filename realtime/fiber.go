package realtime

import (
	"context"
	"sync"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

const (
	localsUserID  = "realtime.user_id"
	localsAuthErr = "realtime.auth_err"
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
	if !websocket.IsWebSocketUpgrade(c) {
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
		}
	}
	return c.Next()
}

var writeBufferPool sync.Pool

// Handler returns the websocket handler; put [Hub.Upgrade] before it.
func (h *Hub) Handler() fiber.Handler {
	return websocket.New(h.serve, websocket.Config{
		Origins:         h.cfg.Origins,
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &writeBufferPool,
	})
}

func (h *Hub) serve(wc *websocket.Conn) {
	c := newConn(h, wc.Conn)
	if id, ok := wc.Locals(localsUserID).(string); ok {
		c.userID = id
	}
	authErr, _ := wc.Locals(localsAuthErr).(error)
	c.run(authErr)
}
