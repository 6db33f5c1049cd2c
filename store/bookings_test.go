package store_test

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

func newBooking(eqID, ownerID, userID string, start time.Time, minutes int) *makerlink.Booking {
	b := &makerlink.Booking{EquipmentID: eqID, EquipmentName: "扫描电镜", Institution: "宁夏大学", OwnerID: ownerID,
		UserID: userID, UserName: "马", Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
		Status: makerlink.BookingConfirmed, PricePerHourCNY: 600}
	b.UpdateCost()
	return b
}

// TestBookingOverlapEnforcedByDatabase checks the rule in the database
// itself: concurrent inserts of overlapping slots, an update that would
// revive an overlapping booking, and slots that merely touch.
func TestBookingOverlapEnforcedByDatabase(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		owner := storetest.NewUser(t, db, makerlink.RoleLab)
		user := storetest.NewUser(t, db, makerlink.RoleFounder)
		base := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

		const n = 50
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Every slot contains [base+29m, base+60m): all overlap.
				_, errs[i] = db.CreateBooking(ctx, newBooking("eq-hot", owner.ID, user.ID, base.Add(time.Duration(i%30)*time.Minute), 60), nil)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch makerlink.ErrorCode(err) {
			case "":
				ok++
			case makerlink.ESlotTaken:
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d bookings succeeded, want exactly 1", ok)
		}

		// Touching slots are fine; another instrument is independent.
		held, _ := db.FindBookings(ctx, makerlink.BookingFilter{EquipmentID: "eq-hot"})
		if len(held) != 1 {
			t.Fatalf("stored %d bookings", len(held))
		}
		if _, err := db.CreateBooking(ctx, newBooking("eq-hot", owner.ID, user.ID, held[0].End, 30), nil); err != nil {
			t.Fatalf("touching slot: %v", err)
		}
		if _, err := db.CreateBooking(ctx, newBooking("eq-other", owner.ID, user.ID, held[0].Start, 60), nil); err != nil {
			t.Fatalf("other instrument: %v", err)
		}

		// Plain SQL that bypasses the store is refused by the database too.
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO bookings (id, equipment_id, equipment_name, institution, owner_id, user_id,
user_name, start_at, end_at, status, created_at, updated_at) VALUES ('raw', 'eq-hot', '', '', '', '', '', $1, $2, 'pending', 0, 0)`,
			held[0].Start.Add(10*time.Minute).UnixMicro(), held[0].Start.Add(20*time.Minute).UnixMicro())
		if err == nil {
			t.Fatal("the database accepted an overlapping booking")
		}

		// A cancelled booking frees its slot; reviving it is refused.
		if _, _, err := db.UpdateBooking(ctx, held[0].ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.Cancel(base)
		}); err != nil {
			t.Fatal(err)
		}
		second, err := db.CreateBooking(ctx, newBooking("eq-hot", owner.ID, user.ID, held[0].Start, 30), nil)
		if err != nil || len(second) != 0 {
			t.Fatalf("rebook a cancelled slot: %v", err)
		}
		_, _, err = db.UpdateBooking(ctx, held[0].ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			b.Status = makerlink.BookingConfirmed // bypasses the domain rules on purpose
			return nil, nil
		})
		if makerlink.ErrorCode(err) != makerlink.ESlotTaken {
			t.Fatalf("reviving an overlapping booking: %v, want slot_taken", err)
		}
	})
}

func TestBookingLifecycleStore(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		owner := storetest.NewUser(t, db, makerlink.RoleLab)
		user := storetest.NewUser(t, db, makerlink.RoleFounder)
		start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		b := newBooking("eq1", owner.ID, user.ID, start, 60)
		b.Status = makerlink.BookingPending
		ns, err := db.CreateBooking(ctx, b, func(b *makerlink.Booking) []*makerlink.Notification {
			return []*makerlink.Notification{makerlink.BookingCreatedNotification(b)}
		})
		if err != nil || len(ns) != 1 || ns[0].ID == "" {
			t.Fatalf("create: %v %v", ns, err)
		}
		if c, _ := db.CountUnread(ctx, owner.ID); c != 1 {
			t.Fatalf("owner has %d unread notifications, want 1", c)
		}
		got, _, err := db.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.Approve(start)
		})
		if err != nil || got.Status != makerlink.BookingConfirmed || got.CostCNY != 600 {
			t.Fatalf("approve: %+v %v", got, err)
		}
		// A second approval is a conflict and changes nothing.
		_, _, err = db.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.Approve(start)
		})
		if makerlink.ErrorCode(err) != makerlink.EConflict {
			t.Fatalf("second approve: %v", err)
		}
		other := newBooking("eq1", owner.ID, user.ID, start.Add(2*time.Hour), 60)
		if _, err := db.CreateBooking(ctx, other, nil); err != nil {
			t.Fatal(err)
		}
		// 29 minutes after the start nothing happens, at 30 the first is a no-show.
		if n, err := db.MarkNoShows(ctx, "eq1", start.Add(29*time.Minute)); err != nil || n != 0 {
			t.Fatalf("no-shows at +29m: %d %v", n, err)
		}
		if n, err := db.MarkNoShows(ctx, "", start.Add(30*time.Minute)); err != nil || n != 1 {
			t.Fatalf("no-shows at +30m: %d %v", n, err)
		}
		got, _ = db.FindBooking(ctx, b.ID)
		if got.Status != makerlink.BookingNoShow || got.CostCNY != 600 {
			t.Fatalf("after sweep: %+v", got)
		}
		// Check in and out of the second booking: used 90 of 60 booked minutes.
		_, _, err = db.UpdateBooking(ctx, other.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.CheckIn(other.Start.Add(-5 * time.Minute))
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err = db.UpdateBooking(ctx, other.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.CheckOut(other.Start.Add(85 * time.Minute))
		})
		if err != nil || got.Status != makerlink.BookingCompleted || got.CostCNY != 900 || got.ActualStart == nil {
			t.Fatalf("check out: %+v %v", got, err)
		}

		list, err := db.FindBookings(ctx, makerlink.BookingFilter{OwnerID: owner.ID, From: start.Add(90 * time.Minute), To: start.Add(3 * time.Hour)})
		if err != nil || len(list) != 1 || list[0].ID != other.ID {
			t.Fatalf("window: %v %v", list, err)
		}
		list, _ = db.FindBookings(ctx, makerlink.BookingFilter{UserID: user.ID, Statuses: []string{makerlink.BookingNoShow}})
		if len(list) != 1 || list[0].ID != b.ID {
			t.Fatalf("by status: %v", list)
		}
	})
}

func TestTrainedUsers(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u := storetest.NewUser(t, db, makerlink.RoleFounder)
		if ok, _ := db.IsTrained(ctx, "eq1", u.ID); ok {
			t.Fatal("trained before adding")
		}
		for range 2 {
			if err := db.AddTrainedUser(ctx, "eq1", u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddTrainedUser(ctx, "eq1", "nobody"); makerlink.ErrorCode(err) != makerlink.ENotFound {
			t.Fatalf("unknown user: %v", err)
		}
		list, err := db.FindTrainedUsers(ctx, "eq1")
		if err != nil || len(list) != 1 || list[0].Email != u.Email {
			t.Fatalf("list: %v %v", list, err)
		}
		if ok, _ := db.IsTrained(ctx, "eq1", u.ID); !ok {
			t.Fatal("not trained after adding")
		}
		if err := db.RemoveTrainedUser(ctx, "eq1", u.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveTrainedUser(ctx, "eq1", u.ID); makerlink.ErrorCode(err) != makerlink.ENotFound {
			t.Fatalf("second removal: %v", err)
		}
	})
}

// BenchmarkBookingStore measures booking decisions per second straight on
// the store: 64 clients on one hot instrument (almost every attempt is a
// 409) and on 1,000 instruments (mostly successes). Each run checks that
// no two held bookings overlap.
func BenchmarkBookingStore(b *testing.B) {
	for _, e := range eventEngines {
		for _, sc := range []struct {
			name        string
			instruments int
		}{{"hot", 1}, {"instruments1000", 1000}} {
			b.Run(e.name+"/"+sc.name, func(b *testing.B) {
				db := e.open(b)
				owner := storetest.NewUser(b, db, makerlink.RoleLab)
				base := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
				var mu sync.Mutex
				seq := 0
				b.SetParallelism(32) // 64 clients on 2 cores
				b.ResetTimer()
				cpu0 := cpuTime()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						mu.Lock()
						i := seq
						seq++
						mu.Unlock()
						eq := fmt.Sprintf("eq-%d", i%sc.instruments)
						// Slots of an hour, starting every 30 minutes per
						// instrument: half of them collide.
						start := base.Add(time.Duration(i/sc.instruments) * 30 * time.Minute)
						_, err := db.CreateBooking(context.Background(), newBooking(eq, owner.ID, owner.ID, start, 60), nil)
						if err != nil && makerlink.ErrorCode(err) != makerlink.ESlotTaken {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/decision")
				checkNoOverlap(b, db)
			})
		}
	}
}

func checkNoOverlap(tb testing.TB, db *store.DB) {
	tb.Helper()
	all, err := db.FindBookings(context.Background(), makerlink.BookingFilter{Statuses: []string{makerlink.BookingPending, makerlink.BookingConfirmed}})
	if err != nil {
		tb.Fatal(err)
	}
	last := map[string]time.Time{}
	for _, b := range all { // in start order
		if end, ok := last[b.EquipmentID]; ok && b.Start.Before(end) {
			tb.Fatalf("double booking of %s at %s", b.EquipmentID, b.Start)
		}
		if b.End.After(last[b.EquipmentID]) {
			last[b.EquipmentID] = b.End
		}
	}
}

// cpuTime returns the user and system CPU time this process used so far:
// on a shared machine CPU per decision is steadier than decisions per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
