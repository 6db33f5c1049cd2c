package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// The notification inbox: GET /notifications and POST
// /notifications/{id}/read. Features store notifications in the inbox and
// push them live on the user's channel "user:<id>"; the inbox is what a
// user who was offline reads later.

// NotificationsPage is the reply of GET /notifications.
type NotificationsPage struct {
	Items      []*makerlink.Notification `json:"items"`
	NextCursor *string                   `json:"next_cursor"`
	// Unread is the number of the user's unread notifications.
	Unread int `json:"unread"`
}

// ReadReply is the reply of POST /notifications/{id}/read.
type ReadReply struct {
	ID     string `json:"id"`
	Read   bool   `json:"read"`
	Unread int    `json:"unread"`
}

func (s *Server) inbox() (makerlink.NotificationStore, error) {
	ns, ok := s.store.(makerlink.NotificationStore)
	if !ok {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Notifications are not available on this server.")
	}
	return ns, nil
}

// listNotifications serves GET /notifications?unread=true&limit=&cursor=:
// the caller's notifications, newest first.
func (s *Server) listNotifications(c *fiber.Ctx) error {
	ns, err := s.inbox()
	if err != nil {
		return err
	}
	limit, err := listLimit(c)
	if err != nil {
		return err
	}
	f := makerlink.NotificationFilter{UserID: viewer(c).ID, Cursor: strings.Clone(c.Query("cursor")), Limit: limit}
	switch c.Query("unread") {
	case "", "false", "0":
	case "true", "1":
		f.UnreadOnly = true
	default:
		return makerlink.Errorf(makerlink.EBadRequest, "unread must be true or false.")
	}
	items, next, err := ns.FindNotifications(c.UserContext(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*makerlink.Notification{}
	}
	unread, err := ns.CountUnread(c.UserContext(), f.UserID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(NotificationsPage{Items: items, NextCursor: nextCursor(next), Unread: unread})
}

// readNotification serves POST /notifications/{id}/read. Another user's
// notification is 404.
func (s *Server) readNotification(c *fiber.Ctx) error {
	ns, err := s.inbox()
	if err != nil {
		return err
	}
	u := viewer(c)
	id := param(c, "id")
	if err := ns.MarkNotificationRead(c.UserContext(), u.ID, id, s.now().UTC()); err != nil {
		return err
	}
	unread, err := ns.CountUnread(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(ReadReply{ID: id, Read: true, Unread: unread})
}
