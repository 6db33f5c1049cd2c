package makerlink

import (
	"context"
	"encoding/json"
	"time"
)

// Notification is one entry of a user's inbox. Features create them (a pitch
// is next, scores published, an intent card, an intro request, a booking
// decision); the inbox is persisted and also pushed live on the user's
// channel "user:<id>".
type Notification struct {
	ID        string          `json:"id"`
	UserID    string          `json:"user_id"`
	Type      string          `json:"type"`           // e.g. "intro_requested", "booking_approved"
	Title     Text            `json:"title"`          // short text in both languages
	Data      json.RawMessage `json:"data,omitempty"` // ids the client needs to link the notification
	CreatedAt time.Time       `json:"created_at"`
	ReadAt    *time.Time      `json:"read_at"`
}

// Text is a message in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// NotificationFilter selects a user's notifications, newest first.
type NotificationFilter struct {
	UserID     string
	UnreadOnly bool
	Cursor     string
	Limit      int
}

// NotificationStore persists inboxes.
type NotificationStore interface {
	// CreateNotification stores n, setting its ID and CreatedAt when empty.
	CreateNotification(ctx context.Context, n *Notification) error
	// FindNotifications lists a user's notifications newest first and
	// returns the next cursor, "" on the last page.
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, string, error)
	// MarkNotificationRead marks one of the user's notifications read.
	// Returns ENotFound when it is not that user's.
	MarkNotificationRead(ctx context.Context, userID, id string, at time.Time) error
	// CountUnread returns the number of unread notifications of a user.
	CountUnread(ctx context.Context, userID string) (int, error)
}
