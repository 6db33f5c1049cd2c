package seed

import (
	"context"
	"fmt"
	"time"

	"makerlink"
)

// The demo lab's bookings: upcoming ones (a confirmed booking of the demo
// founder, and two that wait in the lab's approvals queue, one of them by
// an untrained user) and last month's, completed with recorded usage or a
// no-show, so that the lab's monthly usage report of the previous month
// has rows. They go through what POST /equipment/{id}/bookings, POST
// /bookings/{id}/approve|no-show and PUT /bookings/{id}/usage do: the
// instrument's rules, the trained list, pending or confirmed, the cost,
// the notifications the API stores. Each booking is found again by its
// instrument, booker and purpose, so an interrupted load resumes it.

// streamBookings draws the recorded usage times of last month's bookings.
const streamBookings uint64 = streamContent + 1

// Outcomes of a planned booking.
const (
	outPending   = makerlink.BookingPending   // left waiting for the lab
	outConfirmed = makerlink.BookingConfirmed // confirmed at once, or approved by the lab
	outCompleted = makerlink.BookingCompleted // confirmed, then usage recorded
	outNoShow    = makerlink.BookingNoShow    // confirmed, nobody came
)

// bookingPlan is one demo booking.
type bookingPlan struct {
	equip    *makerlink.Equipment
	user     *makerlink.User
	startup  *makerlink.Startup // nil: booked for no startup
	purpose  string             // unique per instrument and booker: finds the booking again
	assisted bool
	train    bool // put the booker on the instrument's trained list first
	past     bool // in the previous calendar month; else after the load
	// day is the first day to try: days after the load (upcoming) or
	// after the first of the previous month (past); the slot moves to the
	// next day until the instrument's rules take it.
	day          int
	clock        int // start, minutes after midnight, Asia/Shanghai
	minutes      int
	outcome      string
	late, overBy time.Duration // recorded usage: actual start after the booked start, actual end after the booked end
}

// labInstruments returns the lab demo account's instruments in data set
// order: those that take bookings without approval, and those that need it.
func labInstruments(d *Dataset, lab *makerlink.User) (open, approval []*makerlink.Equipment) {
	for _, p := range d.OwnedBy(lab.ID) {
		if e, ok := p.(*makerlink.Equipment); ok {
			if e.RequiresApproval {
				approval = append(approval, e)
			} else {
				open = append(open, e)
			}
		}
	}
	return open, approval
}

// userByID returns the data set's account with the id, or nil.
func userByID(d *Dataset, id string) *makerlink.User {
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// bookers returns up to n generated startups with distinct owners (not a
// demo login) in sectors that use instruments, in data set order.
func bookers(d *Dataset, c *demoCast, n int) []*makerlink.Startup {
	demo := map[string]bool{}
	for _, e := range []string{FounderEmail, InvestorEmail, MentorEmail, LabEmail, OrganizerEmail, AdminEmail} {
		if u := d.UserByEmail(e); u != nil {
			demo[u.ID] = true
		}
	}
	var out []*makerlink.Startup
	for _, p := range d.Profiles {
		if len(out) == n {
			break
		}
		s, ok := p.(*makerlink.Startup)
		if !ok || demo[s.OwnerID] || userByID(d, s.OwnerID) == nil ||
			!hasAny(s.Sectors, "new_materials", "new_energy", "biotech", "modern_agriculture", "medicine_health", "energy_saving") ||
			slicesAny(out, func(x *makerlink.Startup) bool { return x.OwnerID == s.OwnerID }) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// bookingPlans are the lab's demo bookings. With few instruments (small
// data sets) several share one; a booking that needs approval on an
// instrument that takes bookings at once asks for an assisted session,
// and one meant to be confirmed on an instrument that needs approval is
// approved by the lab.
func bookingPlans(d *Dataset, c *demoCast) []bookingPlan {
	if c.lab == nil {
		return nil
	}
	open, approval := labInstruments(d, c.lab)
	all := append(append([]*makerlink.Equipment(nil), open...), approval...)
	if len(all) == 0 {
		return nil
	}
	pick := func(list []*makerlink.Equipment, i int) *makerlink.Equipment {
		if len(list) == 0 {
			list = all
		}
		return list[i%len(list)]
	}
	gen := bookers(d, c, 5)
	plans := []bookingPlan{
		// upcoming
		{equip: pick(open, 0), user: c.founder, startup: c.solar, train: true, day: 2, clock: 9*60 + 30, minutes: 120,
			purpose: "钙钛矿叠层电池吸收层薄膜物相与结晶取向测试，共6片样品，测后取回。", outcome: outConfirmed},
		{equip: pick(approval, 0), user: c.founder, startup: c.goji, train: true, day: 7, clock: 9 * 60, minutes: 180,
			purpose: "枸杞原浆及冻干粉功效成分（甜菜碱、枸杞多糖）定量分析，共8个样品，用于保健食品备案。", assisted: len(approval) == 0,
			outcome: outPending},
	}
	if len(gen) > 0 {
		s := gen[0]
		plans = append(plans, bookingPlan{equip: pick(open, 1), user: userByID(d, s.OwnerID), startup: s, day: 5, clock: 14*60 + 30, minutes: 90,
			purpose: s.Name + "：第一次使用该仪器，尚未参加上机培训，希望由技术人员协助完成5个原料样品的表征。", outcome: outPending})
	}
	// last month, from its 8th day on (after the first week, which in
	// October is the National Day holiday): the founder's two batches and
	// the generated bookers' samples; the last generated booker never came
	plans = append(plans,
		bookingPlan{equip: pick(open, 0), user: c.founder, startup: c.solar, train: true, past: true, day: 8, clock: 9 * 60, minutes: 120,
			purpose: "钙钛矿薄膜退火工艺对比样品测试（第一批，4片）。", outcome: outCompleted},
		bookingPlan{equip: pick(open, 0), user: c.founder, startup: c.solar, train: true, past: true, day: 19, clock: 14*60 + 30, minutes: 90,
			purpose: "钙钛矿薄膜湿热老化前后对比测试（第二批，6片）。", outcome: outCompleted},
	)
	texts := []string{"原料批次成分与结构表征，共3个样品。", "中试产品与对照样品对比测试，共5个样品。",
		"工艺优化样品测试，共4个样品。", "客户送检样品复测，共2个样品。"}
	days := []int{10, 13, 16, 22}
	for i, s := range gen[min(1, len(gen)):] {
		p := bookingPlan{equip: pick(open, i+1), user: userByID(d, s.OwnerID), startup: s, train: true, past: true,
			day: days[i], clock: []int{9 * 60, 14*60 + 30}[i%2], minutes: 60 + 30*(i%3), purpose: s.Name + "：" + texts[i], outcome: outCompleted}
		if i == len(gen)-2 && i > 0 {
			p.outcome = outNoShow
		}
		plans = append(plans, p)
	}
	// the recorded usage: drawn for every plan, in order, whatever is stored
	r := newRNG(1, streamBookings)
	for i := range plans {
		plans[i].late = time.Duration(r.IntN(16)) * time.Minute
		plans[i].overBy = time.Duration(r.IntN(46)-20) * time.Minute
	}
	return plans
}

// loadBookings stores the lab's demo bookings, resuming an interrupted load.
func loadBookings(ctx context.Context, st makerlink.Store, bs makerlink.BookingStore, d *Dataset, c *demoCast, now time.Time) error {
	ns, _ := st.(makerlink.NotificationStore)
	for _, p := range bookingPlans(d, c) {
		if err := book(ctx, st, bs, ns, p, now.UTC()); err != nil {
			return fmt.Errorf("booking of %s by %s: %w", p.equip.Name, p.user.Email, err)
		}
	}
	return nil
}

// book stores one planned booking (unless an earlier load did) and takes
// it to its outcome.
func book(ctx context.Context, st makerlink.Store, bs makerlink.BookingStore, ns makerlink.NotificationStore, p bookingPlan, now time.Time) error {
	e := p.equip
	if p.train {
		// the lab's POST /equipment/{id}/trained
		if err := bs.AddTrainedUser(ctx, e.ID, p.user.ID); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	b, err := findPlanned(ctx, bs, p)
	if err != nil {
		return err
	}
	created := now // when the booker asked: the load, or a few days before a past booking
	if b == nil {
		start, end, at, ok, err := plannedSlot(ctx, bs, p, now)
		if err != nil || !ok {
			return err // no slot: the instrument's rules take none of the days tried
		}
		created = at
		if b, err = createPlanned(ctx, st, bs, ns, p, start, end, created); err != nil {
			return err
		}
	} else if p.past {
		created = b.Start.Add(-time.Duration(e.LeadMinutes)*time.Minute - 26*time.Hour)
	}
	if p.outcome == outPending {
		return nil
	}
	if b.Status == makerlink.BookingPending {
		// the lab's POST /bookings/{id}/approve, an hour after the request
		approved := now
		if p.past {
			approved = created.Add(time.Hour)
		}
		b, err = update(ctx, bs, ns, b.ID, approved, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			if err := b.Approve(approved); err != nil {
				return nil, err
			}
			return []*makerlink.Notification{makerlink.BookingDecisionNotification(b, b.UserID)}, nil
		}, p.past)
		if err != nil {
			return fmt.Errorf("approve: %w", err)
		}
	}
	switch {
	case p.outcome == outCompleted && b.Status != makerlink.BookingCompleted:
		// the lab's PUT /bookings/{id}/usage, from the paper log
		start, end := b.Start.Add(p.late), b.End.Add(p.overBy)
		if !end.After(start) {
			end = start.Add(time.Duration(max(1, e.MinMinutes)) * time.Minute)
		}
		_, _, err = bs.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.RecordUsage(start, end, now)
		})
		if err != nil {
			return fmt.Errorf("record usage: %w", err)
		}
	case p.outcome == outNoShow && b.Status == makerlink.BookingConfirmed:
		// the lab's POST /bookings/{id}/no-show
		_, _, err = bs.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			return nil, b.MarkNoShow(now)
		})
		if err != nil {
			return fmt.Errorf("no-show: %w", err)
		}
	}
	return nil
}

// findPlanned returns the booking an earlier load stored for p, or nil.
func findPlanned(ctx context.Context, bs makerlink.BookingStore, p bookingPlan) (*makerlink.Booking, error) {
	list, err := bs.FindBookings(ctx, makerlink.BookingFilter{EquipmentID: p.equip.ID, UserID: p.user.ID})
	if err != nil {
		return nil, fmt.Errorf("find bookings: %w", err)
	}
	for _, b := range list {
		if b.Purpose == p.purpose {
			return b, nil
		}
	}
	return nil, nil
}

// plannedSlot returns the first slot from p's day on that the instrument's
// rules accept and no booking holds, and when the booker asked for it:
// now for an upcoming booking, a day more than the lead time before the
// start for last month's. ok is false when none of the days tried fits.
func plannedSlot(ctx context.Context, bs makerlink.BookingStore, p bookingPlan, now time.Time) (start, end, asked time.Time, ok bool, err error) {
	e := p.equip
	minutes := max(p.minutes, e.MinMinutes)
	if e.MaxMinutes > 0 {
		minutes = min(minutes, e.MaxMinutes)
	}
	loc := makerlink.Shanghai()
	n := now.In(loc)
	first, last := time.Date(n.Year(), n.Month(), n.Day()+p.day, 0, 0, 0, 0, loc), time.Date(n.Year(), n.Month(), n.Day()+p.day+60, 0, 0, 0, 0, loc)
	if p.past {
		first = time.Date(n.Year(), n.Month()-1, 1+p.day, 0, 0, 0, 0, loc)
		last = time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc) // within the previous month
	}
	for day := first; day.Before(last); day = day.AddDate(0, 0, 1) {
		start = day.Add(time.Duration(p.clock) * time.Minute).UTC()
		end = start.Add(time.Duration(minutes) * time.Minute)
		asked = now
		if p.past {
			asked = start.Add(-time.Duration(e.LeadMinutes)*time.Minute - 26*time.Hour)
			if !end.Before(now) {
				break
			}
		}
		if makerlink.CheckBookingRules(e, start, end, asked) != nil {
			continue
		}
		taken, err := bs.FindBookings(ctx, makerlink.BookingFilter{EquipmentID: e.ID, From: start, To: end,
			Statuses: []string{makerlink.BookingPending, makerlink.BookingConfirmed}, Limit: 1})
		if err != nil {
			return start, end, asked, false, fmt.Errorf("find bookings: %w", err)
		}
		if len(taken) == 0 {
			return start, end, asked, true, nil
		}
	}
	return start, end, asked, false, nil
}

// createPlanned makes the booking as POST /equipment/{id}/bookings does:
// confirmed when the booker is the owner, or is trained on an instrument
// that needs no approval and asks for no assistance; else pending, and the
// owner is told. A past booking's notification carries when it was asked
// for and is read (the lab answered it back then).
func createPlanned(ctx context.Context, st makerlink.Store, bs makerlink.BookingStore, ns makerlink.NotificationStore,
	p bookingPlan, start, end, asked time.Time) (*makerlink.Booking, error) {
	e, u := p.equip, p.user
	untrained := false
	if u.ID != e.OwnerID {
		trained, err := bs.IsTrained(ctx, e.ID, u.ID)
		if err != nil {
			return nil, err
		}
		untrained = !trained
	}
	b := &makerlink.Booking{EquipmentID: e.ID, EquipmentName: e.Name, Institution: e.Institution, OwnerID: e.OwnerID,
		UserID: u.ID, UserName: u.Name, Start: start, End: end, Purpose: p.purpose, Assisted: p.assisted, Untrained: untrained,
		PricePerHourCNY: e.PricePerHourCNY, Status: makerlink.BookingConfirmed}
	if p.startup != nil {
		rec, err := st.FindProfileRecord(ctx, makerlink.KindStartup, p.startup.ID)
		if err != nil || rec.OwnerID != u.ID {
			return nil, fmt.Errorf("startup %s is not the booker's: %v", p.startup.Name, err)
		}
		b.StartupID = p.startup.ID
	}
	if !makerlink.CanEdit(u, e.OwnerID) && (e.RequiresApproval || p.assisted || untrained) {
		b.Status = makerlink.BookingPending
	}
	b.UpdateCost()
	notes, err := bs.CreateBooking(ctx, b, func(b *makerlink.Booking) []*makerlink.Notification {
		if b.OwnerID == b.UserID || b.Status != makerlink.BookingPending {
			return nil
		}
		n := makerlink.BookingCreatedNotification(b)
		if p.past {
			n.CreatedAt = asked
		}
		return []*makerlink.Notification{n}
	})
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	if p.past {
		if err := markRead(ctx, ns, notes, asked.Add(time.Hour)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// update changes a booking as the lab's action does at the time at; a past
// action's notifications carry that time and are read.
func update(ctx context.Context, bs makerlink.BookingStore, ns makerlink.NotificationStore, id string, at time.Time,
	fn func(*makerlink.Booking) ([]*makerlink.Notification, error), past bool) (*makerlink.Booking, error) {
	b, notes, err := bs.UpdateBooking(ctx, id, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
		out, err := fn(b)
		if past {
			for _, n := range out {
				n.CreatedAt = at
			}
		}
		return out, err
	})
	if err != nil {
		return nil, err
	}
	if past {
		if err := markRead(ctx, ns, notes, at.Add(time.Hour)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func markRead(ctx context.Context, ns makerlink.NotificationStore, notes []*makerlink.Notification, at time.Time) error {
	if ns == nil {
		return nil
	}
	for _, n := range notes {
		if err := ns.MarkNotificationRead(ctx, n.UserID, n.ID, at); err != nil {
			return fmt.Errorf("mark notification read: %w", err)
		}
	}
	return nil
}
