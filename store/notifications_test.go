package store_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

func TestNotifications(t *testing.T) {
	engines := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := t.Context()
			alice := storetest.NewUser(t, db, makerlink.RoleFounder)
			bob := storetest.NewUser(t, db, makerlink.RoleInvestor)
			clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }

			var ids []string
			for i := range 5 {
				n := &makerlink.Notification{UserID: alice.ID, Type: "intro_requested",
					Title: makerlink.Text{ZH: fmt.Sprintf("新的对接请求 %d", i), EN: fmt.Sprintf("New intro request %d", i)},
					Data:  json.RawMessage(fmt.Sprintf(`{"intro_id":"i%d"}`, i))}
				if err := db.CreateNotification(ctx, n); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, n.ID)
			}
			if err := db.CreateNotification(ctx, &makerlink.Notification{UserID: bob.ID, Type: "x", Title: makerlink.Text{ZH: "b", EN: "b"}}); err != nil {
				t.Fatal(err)
			}
			err := db.CreateNotification(ctx, &makerlink.Notification{UserID: "nobody", Type: "x"})
			if makerlink.ErrorCode(err) != makerlink.ENotFound {
				t.Fatalf("notification for a missing user: got %v, want not_found", err)
			}

			// Newest first, paged, only alice's.
			page1, next, err := db.FindNotifications(ctx, makerlink.NotificationFilter{UserID: alice.ID, Limit: 3})
			if err != nil || len(page1) != 3 || next == "" {
				t.Fatalf("page 1: %d items, next %q, err %v", len(page1), next, err)
			}
			page2, next2, err := db.FindNotifications(ctx, makerlink.NotificationFilter{UserID: alice.ID, Limit: 3, Cursor: next})
			if err != nil || len(page2) != 2 || next2 != "" {
				t.Fatalf("page 2: %d items, next %q, err %v", len(page2), next2, err)
			}
			got := append(page1, page2...)
			for i, n := range got {
				if want := ids[len(ids)-1-i]; n.ID != want || n.UserID != alice.ID {
					t.Fatalf("item %d = %s (user %s), want %s newest first", i, n.ID, n.UserID, want)
				}
			}
			if string(got[0].Data) != `{"intro_id":"i4"}` || got[0].Title.EN != "New intro request 4" {
				t.Fatalf("round trip lost data: %+v", got[0])
			}

			// Reading: only the owner may mark; unread count and filter follow.
			if err := db.MarkNotificationRead(ctx, bob.ID, ids[0], clock); makerlink.ErrorCode(err) != makerlink.ENotFound {
				t.Fatalf("bob marking alice's notification: %v, want not_found", err)
			}
			if err := db.MarkNotificationRead(ctx, alice.ID, ids[0], clock); err != nil {
				t.Fatal(err)
			}
			if n, err := db.CountUnread(ctx, alice.ID); err != nil || n != 4 {
				t.Fatalf("unread = %d, %v; want 4", n, err)
			}
			unread, _, err := db.FindNotifications(ctx, makerlink.NotificationFilter{UserID: alice.ID, UnreadOnly: true})
			if err != nil || len(unread) != 4 {
				t.Fatalf("unread list: %d, %v", len(unread), err)
			}
			for _, n := range unread {
				if n.ID == ids[0] || n.ReadAt != nil {
					t.Fatalf("a read notification is listed as unread: %+v", n)
				}
			}
			if _, _, err := db.FindNotifications(ctx, makerlink.NotificationFilter{UserID: alice.ID, Cursor: "%%%"}); makerlink.ErrorCode(err) != makerlink.EBadRequest {
				t.Fatalf("bad cursor: %v", err)
			}
		})
	}
}
