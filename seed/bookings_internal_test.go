package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

// labState lists the lab's bookings, the trained lists of its instruments
// and the notifications of the demo bookers, without ids.
func labState(t *testing.T, st makerlink.Store, d *Dataset) string {
	t.Helper()
	ctx := context.Background()
	bs := st.(makerlink.BookingStore)
	c, _ := castOf(d)
	list, err := bs.FindBookings(ctx, makerlink.BookingFilter{OwnerID: c.lab.ID})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	users := map[string]bool{c.lab.ID: true}
	for _, b := range list {
		users[b.UserID] = true
		lines = append(lines, fmt.Sprintf("%s %s %s %v-%v %v %v %d %s", b.EquipmentName, b.UserName, b.Status, b.Start, b.End,
			b.ActualStart, b.ActualEnd, b.CostCNY, b.Purpose))
	}
	for _, p := range d.OwnedBy(c.lab.ID) {
		tu, err := bs.FindTrainedUsers(ctx, p.Base().ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range tu {
			lines = append(lines, "trained "+p.Tags().Name+" "+u.Email)
		}
	}
	ns := st.(makerlink.NotificationStore)
	for id := range users {
		notes, _, err := ns.FindNotifications(ctx, makerlink.NotificationFilter{UserID: id, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if strings.HasPrefix(n.Type, "booking_") {
				lines = append(lines, fmt.Sprintf("note %s %s %s read=%v", id, n.Type, n.Title.ZH, n.ReadAt != nil))
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestLoadBookingsResumes: a load interrupted part way through the
// bookings (some stored, a past one created but not yet completed) ends
// with what an uninterrupted load stores, and a later load, days after,
// finds every booking again instead of booking new slots. With few
// instruments, all needing approval, the lab approves the bookings meant
// to be confirmed, and last month's requests and answers are read.
func TestLoadBookingsResumes(t *testing.T) {
	ctx := context.Background()
	hash := "$2a$04$demo-content-test-hash-not-a-real-bcrypt-hash-000000000"
	now := time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC) // a Wednesday, 10:00 in Beijing
	for _, total := range []int{0, 200} {
		t.Run(fmt.Sprint(total), func(t *testing.T) {
			d := Generate(Options{Seed: 1, Total: total})
			c, _ := castOf(d)
			open := func() *store.DB {
				db := storetest.OpenSQLite(t)
				if err := Load(ctx, profilesOnly{db}, d, hash); err != nil {
					t.Fatal(err)
				}
				return db
			}

			whole := open()
			if err := loadContent(ctx, whole, d, now); err != nil {
				t.Fatal(err)
			}
			want := labState(t, whole, d)

			cut := open()
			plans := bookingPlans(d, c)
			if len(plans) != 9 {
				t.Fatalf("%d plans, want 3 upcoming and 6 past", len(plans))
			}
			for _, p := range plans[:4] {
				if err := book(ctx, cut, cut, cut, p, now); err != nil {
					t.Fatal(err)
				}
			}
			p := plans[4] // a past booking, stored and not yet completed
			start, end, asked, ok, err := plannedSlot(ctx, cut, p, now)
			if err != nil || !ok {
				t.Fatalf("slot: %v, %v", ok, err)
			}
			if _, err := createPlanned(ctx, cut, cut, cut, p, start, end, asked); err != nil {
				t.Fatal(err)
			}
			if err := loadContent(ctx, cut, d, now); err != nil {
				t.Fatal(err)
			}
			if got := labState(t, cut, d); got != want {
				t.Errorf("a resumed load stored\n%s\nwant\n%s", got, want)
			}
			if err := loadContent(ctx, cut, d, now.Add(50*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if got := labState(t, cut, d); got != want {
				t.Errorf("a later load changed the bookings:\n%s\nwant\n%s", got, want)
			}

			list, _ := whole.FindBookings(ctx, makerlink.BookingFilter{OwnerID: c.lab.ID})
			count := map[string]int{}
			for _, b := range list {
				count[b.Status]++
			}
			if count[makerlink.BookingPending] != 2 || count[makerlink.BookingConfirmed] != 1 || count[makerlink.BookingCompleted] != 5 || count[makerlink.BookingNoShow] != 1 {
				t.Errorf("bookings by status %v", count)
			}
			if total == 200 && strings.Count(want, "read=false") != 4 {
				// the two pending requests, the approved one and its approval,
				// as the API leaves them; last month's are read
				t.Errorf("unread booking notifications:\n%s", want)
			}
		})
	}
}
