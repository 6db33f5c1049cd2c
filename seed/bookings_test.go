package seed_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/seed"
)

// labBookings returns every booking on the lab demo account's instruments.
func labBookings(t *testing.T, bs makerlink.BookingStore, labID string, f makerlink.BookingFilter) []*makerlink.Booking {
	t.Helper()
	f.OwnerID = labID
	list, err := bs.FindBookings(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// bookingSummary lists the lab's bookings and notifications in a stable
// order (without ids): two loads of the same data set on the same day
// give the same summary.
func bookingSummary(t *testing.T, st makerlink.Store, d *seed.Dataset) []string {
	t.Helper()
	bs, ok := st.(makerlink.BookingStore)
	if !ok {
		return nil
	}
	lab := d.UserByEmail(seed.LabEmail)
	var lines []string
	for _, b := range labBookings(t, bs, lab.ID, makerlink.BookingFilter{}) {
		actual := "-"
		if b.ActualStart != nil {
			actual = b.ActualStart.Format(time.RFC3339) + "/" + b.ActualEnd.Format(time.RFC3339)
		}
		lines = append(lines, fmt.Sprintf("booking %s %s %s %s %s–%s assisted=%v actual=%s cost=%d %s", b.EquipmentName, b.UserName, b.StartupID,
			b.Status, b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339), b.Assisted, actual, b.CostCNY, b.Purpose))
	}
	if ns, ok := st.(makerlink.NotificationStore); ok {
		list, _, err := ns.FindNotifications(context.Background(), makerlink.NotificationFilter{UserID: lab.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range list {
			lines = append(lines, fmt.Sprintf("notification %s %s read=%v", n.Type, n.Title.ZH, n.ReadAt != nil))
		}
	}
	return lines
}

// TestLoadDemoBookings: the lab demo account sees what README.md and
// seed/README.md promise: upcoming bookings (the founder's confirmed one,
// two in the approvals queue, one of them by an untrained user) and last
// month's completed bookings and a no-show, which the monthly usage
// report counts; a second Load adds none of them again.
func TestLoadDemoBookings(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			st := e.open(t)
			bs, ok := st.(makerlink.BookingStore)
			if !ok {
				t.Fatal("the store keeps no bookings")
			}
			d := seed.Generate(seed.Options{Seed: 1})
			start := time.Now()
			if err := seed.Load(ctx, st, d, demoHash); err != nil {
				t.Fatal(err)
			}
			lab := mustUser(t, st, seed.LabEmail)
			founder := mustUser(t, st, seed.FounderEmail)
			equipment := map[string]*makerlink.Equipment{}
			for _, p := range ownedOf(d, seed.LabEmail, makerlink.KindEquipment) {
				equipment[p.Base().ID] = p.(*makerlink.Equipment)
			}
			isFounders := func(id string) bool {
				return slices.ContainsFunc(ownedOf(d, seed.FounderEmail, makerlink.KindStartup), func(p makerlink.Profile) bool { return p.Base().ID == id })
			}
			trained := func(b *makerlink.Booking) bool {
				ok, err := bs.IsTrained(ctx, b.EquipmentID, b.UserID)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}

			t.Run("Upcoming", func(t *testing.T) {
				list := labBookings(t, bs, lab.ID, makerlink.BookingFilter{StartFrom: start})
				if len(list) != 3 {
					t.Fatalf("%d upcoming bookings, want 3", len(list))
				}
				var confirmed, pendingFounder, pendingUntrained int
				for _, b := range list {
					eq := equipment[b.EquipmentID]
					if eq == nil {
						t.Fatalf("booking of %s, not the lab's", b.EquipmentName)
					}
					// the rules of POST /equipment/{id}/bookings, at the load
					if err := makerlink.CheckBookingRules(eq, b.Start, b.End, start); err != nil {
						t.Errorf("booking of %s at %v: %v", b.EquipmentName, b.Start, err)
					}
					if !hasHan(b.Purpose) || b.Institution != eq.Institution || b.PricePerHourCNY != eq.PricePerHourCNY {
						t.Errorf("booking %+v", b)
					}
					if want := makerlink.BookingCost(eq.PricePerHourCNY, b.End.Sub(b.Start), 0); b.CostCNY != want {
						t.Errorf("booking of %s costs %d, want %d", b.EquipmentName, b.CostCNY, want)
					}
					switch {
					case b.Status == makerlink.BookingConfirmed && b.UserID == founder.ID:
						confirmed++
						if !isFounders(b.StartupID) || !trained(b) || eq.RequiresApproval {
							t.Errorf("confirmed booking for startup %s, trained %v, approval %v", b.StartupID, trained(b), eq.RequiresApproval)
						}
					case b.Status == makerlink.BookingPending && b.UserID == founder.ID:
						pendingFounder++
						if !isFounders(b.StartupID) || !trained(b) || !eq.RequiresApproval {
							t.Errorf("pending booking of the founder: startup %s, trained %v, approval %v", b.StartupID, trained(b), eq.RequiresApproval)
						}
					case b.Status == makerlink.BookingPending:
						pendingUntrained++
						if trained(b) || b.StartupID == "" {
							t.Errorf("pending booking of %s: trained %v, startup %q", b.UserName, trained(b), b.StartupID)
						}
					default:
						t.Errorf("unexpected booking of %s by %s (%s)", b.EquipmentName, b.UserName, b.Status)
					}
				}
				if confirmed != 1 || pendingFounder != 1 || pendingUntrained != 1 {
					t.Errorf("%d confirmed by the founder, %d pending by the founder, %d pending untrained; want 1 each",
						confirmed, pendingFounder, pendingUntrained)
				}
			})

			t.Run("ApprovalsQueue", func(t *testing.T) {
				// what the approvals page lists: pending bookings on the lab's instruments
				list := labBookings(t, bs, lab.ID, makerlink.BookingFilter{Statuses: []string{makerlink.BookingPending}})
				if len(list) != 2 {
					t.Fatalf("%d pending bookings, want 2", len(list))
				}
				untrained := 0
				for _, b := range list {
					if !b.Start.After(start) {
						t.Errorf("pending booking at %v, before the load", b.Start)
					}
					if !trained(b) {
						untrained++
					}
				}
				if untrained != 1 {
					t.Errorf("%d untrained bookers in the queue, want 1", untrained)
				}
				// the API told the lab of both requests
				ns := st.(makerlink.NotificationStore)
				notes, _, err := ns.FindNotifications(ctx, makerlink.NotificationFilter{UserID: lab.ID, UnreadOnly: true, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var asks, untrainedAsks int
				for _, n := range notes {
					if n.Type == makerlink.NotifyBookingCreated {
						asks++
						if strings.Contains(n.Title.ZH, "尚未接受该仪器培训") {
							untrainedAsks++
						}
					}
				}
				if asks != 2 || untrainedAsks != 1 {
					t.Errorf("the lab has %d unread booking requests (%d untrained), want 2 (1)", asks, untrainedAsks)
				}
			})

			t.Run("LastMonthUsage", func(t *testing.T) {
				n := start.In(makerlink.Shanghai())
				month := makerlink.MonthOf(time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, makerlink.Shanghai()).AddDate(0, 0, -1))
				from, to, err := makerlink.MonthRange(month, month)
				if err != nil {
					t.Fatal(err)
				}
				// the query of GET /usage/monthly?from=<month> for the lab
				list := labBookings(t, bs, lab.ID, makerlink.BookingFilter{StartFrom: from, StartTo: to})
				if len(list) < 4 || len(list) > 6 {
					t.Fatalf("%d bookings in %s, want 4-6", len(list), month)
				}
				var completed, noShows int
				users := map[string]bool{}
				for _, b := range list {
					eq := equipment[b.EquipmentID]
					users[b.UserID] = true
					asked := b.Start.Add(-time.Duration(eq.LeadMinutes)*time.Minute - 24*time.Hour)
					if err := makerlink.CheckBookingRules(eq, b.Start, b.End, asked); err != nil {
						t.Errorf("booking of %s at %v: %v", b.EquipmentName, b.Start, err)
					}
					switch b.Status {
					case makerlink.BookingCompleted:
						completed++
						if b.ActualStart == nil || b.ActualEnd == nil || !b.ActualEnd.After(*b.ActualStart) || b.ActualEnd.After(start) {
							t.Errorf("completed booking of %s used %v–%v", b.EquipmentName, b.ActualStart, b.ActualEnd)
						}
					case makerlink.BookingNoShow:
						noShows++
						if b.ActualStart != nil {
							t.Errorf("no-show with actual start %v", b.ActualStart)
						}
					default:
						t.Errorf("booking of %s in %s is %s", b.EquipmentName, month, b.Status)
					}
					if want := makerlink.BookingCost(b.PricePerHourCNY, b.End.Sub(b.Start), b.Used()); b.CostCNY != want || want <= 0 {
						t.Errorf("booking of %s costs %d, want %d", b.EquipmentName, b.CostCNY, want)
					}
				}
				if completed < 3 || noShows != 1 {
					t.Errorf("%d completed and %d no-shows, want at least 3 and 1", completed, noShows)
				}
				if !users[founder.ID] || len(users) < 3 {
					t.Errorf("bookers %v: want the founder and generated users", users)
				}
				rows := makerlink.AggregateUsage(list, makerlink.UsageByInstitution, nil)
				if len(rows) != 1 || rows[0].Month != month || rows[0].Completed != completed || rows[0].NoShows != 1 || rows[0].CostCNY <= 0 {
					t.Errorf("usage report %+v", rows)
				}
			})

			t.Run("NotLoadedTwice", func(t *testing.T) {
				before := bookingSummary(t, st, d)
				if err := seed.Load(ctx, st, seed.Generate(seed.Options{Seed: 1}), demoHash); err != nil {
					t.Fatal(err)
				}
				if after := bookingSummary(t, st, d); !slices.Equal(before, after) {
					t.Errorf("a second Load changed the bookings:\n%s\n---\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
				}
			})
		})
	}
}
