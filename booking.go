package makerlink

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Shanghai even where the system has no zoneinfo
)

// Lab equipment booking (issue 6). Times are instants (UTC in storage);
// the weekly open hours of an instrument are Asia/Shanghai wall-clock
// times. China has kept UTC+8 without daylight saving since 1991, but the
// arithmetic below goes through the location anyway.

// Error codes of bookings. Rule violations are 422 with their own code.
const (
	EOutsideOpenHours = "outside_open_hours" // 422: not within the weekly open hours
	EBookingTooShort  = "booking_too_short"  // 422: shorter than min_minutes
	EBookingTooLong   = "booking_too_long"   // 422: longer than max_minutes
	ETooSoon          = "too_soon"           // 422: starts before now + lead_minutes
	ETooFarAhead      = "too_far_ahead"      // 422: starts more than MaxBookingAhead from now
	// ENotTrained is 403 not_trained. POST /equipment/{id}/bookings no
	// longer returns it (an untrained user's booking waits for the owner
	// instead, with [Booking.Untrained] set); the code stays for clients
	// that still match on it.
	ENotTrained = "not_trained"
)

// Booking statuses. Pending and confirmed bookings hold their slot: the
// database refuses a second one that overlaps (ESlotTaken).
const (
	BookingPending   = "pending"
	BookingConfirmed = "confirmed"
	BookingRejected  = "rejected"
	BookingCancelled = "cancelled"
	BookingNoShow    = "no_show"
	BookingCompleted = "completed"
)

// BookingStatuses lists every booking status.
var BookingStatuses = []string{BookingPending, BookingConfirmed, BookingRejected, BookingCancelled, BookingNoShow, BookingCompleted}

// HoldsSlot reports whether a booking of the status blocks its time.
func HoldsSlot(status string) bool { return status == BookingPending || status == BookingConfirmed }

// Booking limits.
const (
	// NoShowAfter is how long after its start a confirmed booking that
	// was never checked in becomes a no-show.
	NoShowAfter = 30 * time.Minute
	// MaxBookingAhead is how far ahead a booking may start.
	MaxBookingAhead = 366 * 24 * time.Hour
	// EarlyCheckIn is how long before its start a booking may be checked in.
	EarlyCheckIn = 30 * time.Minute
	// MaxPurpose is the longest purpose text, in characters.
	MaxPurpose = 1000
)

var shanghai = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
})

// Shanghai returns the Asia/Shanghai location, the zone of open hours and
// monthly reports.
func Shanghai() *time.Location { return shanghai() }

// Booking is a reservation of an instrument. Name, institution, owner and
// price are copied from the equipment when the booking is made.
type Booking struct {
	ID            string    `json:"id"`
	EquipmentID   string    `json:"equipment_id"`
	EquipmentName string    `json:"equipment_name"`
	Institution   string    `json:"institution"`
	OwnerID       string    `json:"-"`
	UserID        string    `json:"user_id"`
	UserName      string    `json:"user_name"`
	StartupID     string    `json:"startup_id,omitempty"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Purpose       string    `json:"purpose"`
	Status        string    `json:"status"`
	Assisted      bool      `json:"assisted"`
	// Untrained says that the booker is neither the instrument's owner
	// nor on its trained list: such a booking always waits for the
	// owner, who decides whether to give an assisted session. It is not
	// stored: the API sets it from the trained list when it replies.
	Untrained       bool       `json:"untrained"`
	ActualStart     *time.Time `json:"actual_start"`
	ActualEnd       *time.Time `json:"actual_end"`
	PricePerHourCNY int64      `json:"price_per_hour_cny"`
	CostCNY         int64      `json:"cost_cny"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// BusySlot is what anyone may see of a booking: when, and whether it is
// confirmed or waiting for approval.
type BusySlot struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Status string    `json:"status"`
}

// Busy returns the public view of b.
func (b *Booking) Busy() BusySlot { return BusySlot{Start: b.Start, End: b.End, Status: b.Status} }

// BookingRequest is the body of POST /equipment/{id}/bookings. Start and
// End are RFC 3339 instants on whole minutes.
type BookingRequest struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Purpose   string `json:"purpose"`
	Assisted  bool   `json:"assisted"`
	StartupID string `json:"startup_id"`
}

// Parse validates the fields and returns the start and end.
func (r *BookingRequest) Parse() (start, end time.Time, err error) {
	var v Validation
	r.Purpose = strings.TrimSpace(r.Purpose)
	start = parseInstant(&v, "start", r.Start)
	end = parseInstant(&v, "end", r.End)
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		v.Add("end", FOutOfRange, "must be after start")
	}
	text(&v, "purpose", r.Purpose, MaxPurpose, false)
	text(&v, "startup_id", r.StartupID, MaxName, false)
	return start, end, v.Err()
}

func parseInstant(v *Validation, field, s string) time.Time {
	if s == "" {
		v.Add(field, FRequired, "is required")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	switch {
	case err != nil:
		v.Add(field, FInvalid, "must be an RFC 3339 time such as 2025-03-03T09:00:00+08:00")
		return time.Time{}
	case t.Second() != 0 || t.Nanosecond() != 0:
		v.Add(field, FInvalid, "must be on a whole minute")
		return time.Time{}
	case t.Year() < 2000 || t.Year() > 9000:
		v.Add(field, FOutOfRange, "is out of range")
		return time.Time{}
	}
	return t.UTC()
}

// CheckBookingRules applies an instrument's rules to a requested slot:
// length within min_minutes..max_minutes, a start at least lead_minutes
// after now and within MaxBookingAhead, and the whole slot within the
// weekly open hours (consecutive windows join, so Mon 20:00-24:00 with
// Tue 00:00-02:00 takes a booking across midnight). Each violation has
// its own code.
func CheckBookingRules(e *Equipment, start, end, now time.Time) error {
	minutes := int(end.Sub(start) / time.Minute)
	switch {
	case e.MinMinutes > 0 && minutes < e.MinMinutes:
		return ruleError(EBookingTooShort, "end", fmt.Sprintf("must be at least %d minutes after start", e.MinMinutes),
			"A booking of %s must last at least %d minutes.", e.Name, e.MinMinutes)
	case e.MaxMinutes > 0 && minutes > e.MaxMinutes:
		return ruleError(EBookingTooLong, "end", fmt.Sprintf("must be at most %d minutes after start", e.MaxMinutes),
			"A booking of %s may last at most %d minutes.", e.Name, e.MaxMinutes)
	}
	earliest := now.Add(time.Duration(e.LeadMinutes) * time.Minute)
	if start.Before(earliest) {
		if e.LeadMinutes == 0 {
			return ruleError(ETooSoon, "start", "must not be in the past", "The booking starts in the past.")
		}
		at := earliest.In(Shanghai()).Format("2006-01-02 15:04 (UTC+8)")
		return ruleError(ETooSoon, "start", "must be at or after "+at,
			"Book %s at least %d minutes ahead: the earliest start now is %s.", e.Name, e.LeadMinutes, at)
	}
	if start.After(now.Add(MaxBookingAhead)) {
		return ruleError(ETooFarAhead, "start", "must be at most a year ahead", "Bookings open at most a year ahead.")
	}
	if !WithinOpenHours(e.OpenHours, start, end) {
		// Name the end that falls outside: the start when the instrument
		// is closed then, else the end.
		field := "end"
		if !WithinOpenHours(e.OpenHours, start, start.Add(time.Minute)) {
			field = "start"
		}
		return ruleError(EOutsideOpenHours, field, "must be within the open hours (Asia/Shanghai time)",
			"%s is not open for the whole of that time (open hours are Asia/Shanghai time).", e.Name)
	}
	return nil
}

// ruleError is the error of a broken booking rule: its own code, a
// message, and the field at fault (the contract gives every 422 a list of
// field errors).
func ruleError(code, field, fieldMsg, format string, args ...any) error {
	e := Errorf(code, format, args...)
	e.Fields = []FieldError{{Field: field, Code: FOutOfRange, Message: fieldMsg}}
	return e
}

// WithinOpenHours reports whether [start, end) lies within the weekly
// windows, read in Asia/Shanghai. Windows that touch (one ends at 24:00,
// the next day's starts at 00:00, or two on one day) are one span.
func WithinOpenHours(hours []OpenHours, start, end time.Time) bool {
	type window struct{ from, to int }
	byDay := [8][]window{}
	for _, h := range hours {
		from, ok1 := ParseClock(h.From)
		to, ok2 := ParseClock(h.To)
		if !ok1 || !ok2 || to <= from || h.Day < 1 || h.Day > 7 {
			continue
		}
		byDay[h.Day] = append(byDay[h.Day], window{from, to})
	}
	loc := Shanghai()
	t, stop := start.In(loc), end.In(loc)
	// Each step moves t to the end of a window, so a week's worth of
	// windows bounds the loop; a booking is at most a week long.
	for steps := 0; t.Before(stop); steps++ {
		if steps > 8*len(hours)+8 {
			return false
		}
		y, m, d := t.Date()
		minute := t.Hour()*60 + t.Minute()
		best := -1
		for _, w := range byDay[isoWeekday(t)] {
			if w.from <= minute && minute < w.to && w.to > best {
				best = w.to
			}
		}
		if best < 0 {
			return false
		}
		next := time.Date(y, m, d, 0, best, 0, 0, loc)
		if !next.After(t) {
			return false
		}
		t = next
	}
	return true
}

// isoWeekday returns 1 (Monday) to 7 (Sunday).
func isoWeekday(t time.Time) int {
	if w := int(t.Weekday()); w != 0 {
		return w
	}
	return 7
}

// BookingCost is the price of a booking: the larger of the booked and the
// used time, in started minutes, at pricePerHour, rounded up to a yuan.
func BookingCost(pricePerHour int64, booked, used time.Duration) int64 {
	billed := max(booked, used)
	if billed <= 0 || pricePerHour <= 0 {
		return 0
	}
	minutes := int64((billed + time.Minute - 1) / time.Minute)
	return (minutes*pricePerHour + 59) / 60
}

// Used returns the recorded usage time, 0 when not both ends are known.
func (b *Booking) Used() time.Duration {
	if b.ActualStart == nil || b.ActualEnd == nil {
		return 0
	}
	return max(0, b.ActualEnd.Sub(*b.ActualStart))
}

// Billed returns the time charged: nothing for a rejected or cancelled
// booking, else the larger of the booked and the used time.
func (b *Booking) Billed() time.Duration {
	switch b.Status {
	case BookingRejected, BookingCancelled:
		return 0
	}
	return max(b.End.Sub(b.Start), b.Used())
}

// UpdateCost sets CostCNY from the status, times and price.
func (b *Booking) UpdateCost() {
	switch b.Status {
	case BookingRejected, BookingCancelled:
		b.CostCNY = 0
	default:
		b.CostCNY = BookingCost(b.PricePerHourCNY, b.End.Sub(b.Start), b.Used())
	}
}

func errState(format string, args ...any) error { return Errorf(EConflict, format, args...) }

// Approve confirms a pending booking.
func (b *Booking) Approve(now time.Time) error {
	if b.Status != BookingPending {
		return errState("Only a pending booking can be approved; this one is %s.", b.Status)
	}
	b.Status, b.UpdatedAt = BookingConfirmed, now
	b.UpdateCost()
	return nil
}

// Reject refuses a pending booking.
func (b *Booking) Reject(now time.Time) error {
	if b.Status != BookingPending {
		return errState("Only a pending booking can be rejected; this one is %s.", b.Status)
	}
	b.Status, b.UpdatedAt = BookingRejected, now
	b.UpdateCost()
	return nil
}

// PendingExpired reports whether b still waits for approval although its
// start has passed at now: nobody answered in time.
func (b *Booking) PendingExpired(now time.Time) bool {
	return b.Status == BookingPending && !now.Before(b.Start)
}

// Expire rejects a pending booking whose start has passed (the owner did
// not answer in time), so that it stops holding its slot.
func (b *Booking) Expire(now time.Time) error {
	if !b.PendingExpired(now) {
		return errState("Only a pending booking whose start has passed expires; this one is %s.", b.Status)
	}
	b.Status, b.UpdatedAt = BookingRejected, now
	b.UpdateCost()
	return nil
}

// Cancel withdraws a pending or confirmed booking that has not started
// being used.
func (b *Booking) Cancel(now time.Time) error {
	if !HoldsSlot(b.Status) || b.ActualStart != nil {
		return errState("This booking is %s and can no longer be cancelled.", b.Status)
	}
	b.Status, b.UpdatedAt = BookingCancelled, now
	b.UpdateCost()
	return nil
}

// NoShowDue reports whether a confirmed booking was never checked in
// NoShowAfter its start.
func (b *Booking) NoShowDue(now time.Time) bool {
	return b.Status == BookingConfirmed && b.ActualStart == nil && !now.Before(b.Start.Add(NoShowAfter))
}

// MarkNoShow records that nobody came.
func (b *Booking) MarkNoShow(now time.Time) error {
	if !b.NoShowDue(now) {
		return errState("Only a confirmed booking not started %d minutes after its start is a no-show.", int(NoShowAfter/time.Minute))
	}
	b.Status, b.UpdatedAt = BookingNoShow, now
	b.UpdateCost()
	return nil
}

// CheckIn records the start of use.
func (b *Booking) CheckIn(at time.Time) error {
	switch {
	case b.Status != BookingConfirmed || b.ActualStart != nil:
		return errState("Only a confirmed booking not yet started can be checked in; this one is %s.", b.Status)
	case at.Before(b.Start.Add(-EarlyCheckIn)):
		return errState("Check-in opens %d minutes before the booked start.", int(EarlyCheckIn/time.Minute))
	case !at.Before(b.End):
		return errState("The booked time is over.")
	}
	at = at.UTC()
	b.ActualStart, b.UpdatedAt = &at, at
	return nil
}

// CheckOut records the end of use and completes the booking.
func (b *Booking) CheckOut(at time.Time) error {
	if b.Status != BookingConfirmed || b.ActualStart == nil || b.ActualEnd != nil {
		return errState("Only a checked-in booking can be checked out.")
	}
	at = at.UTC()
	if at.Before(*b.ActualStart) {
		at = *b.ActualStart
	}
	b.ActualEnd, b.Status, b.UpdatedAt = &at, BookingCompleted, at
	b.UpdateCost()
	return nil
}

// RecordUsage sets both actual times after the fact (from a paper log)
// and completes the booking. It applies to confirmed, no-show and
// completed bookings, whose start has passed.
func (b *Booking) RecordUsage(start, end, now time.Time) error {
	switch {
	case b.Status != BookingConfirmed && b.Status != BookingNoShow && b.Status != BookingCompleted:
		return errState("Usage can be recorded for confirmed, no-show or completed bookings; this one is %s.", b.Status)
	case !end.After(start):
		return &Error{Code: EValidation, Message: "Some fields are invalid.",
			Fields: []FieldError{{Field: "actual_end", Code: FOutOfRange, Message: "must be after actual_start"}}}
	case end.After(now):
		return &Error{Code: EValidation, Message: "Some fields are invalid.",
			Fields: []FieldError{{Field: "actual_end", Code: FOutOfRange, Message: "must not be in the future"}}}
	}
	s, e := start.UTC(), end.UTC()
	b.ActualStart, b.ActualEnd, b.Status, b.UpdatedAt = &s, &e, BookingCompleted, now
	b.UpdateCost()
	return nil
}

// TrainedUser is an account trained to use an instrument on its own.
type TrainedUser struct {
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	Email   string    `json:"email"`
	AddedAt time.Time `json:"added_at"`
}

// BookingFilter selects bookings, in start order. From and To select the
// bookings that overlap [From, To); StartFrom and StartTo those that start
// within [StartFrom, StartTo). Zero times do not filter.
type BookingFilter struct {
	EquipmentID        string
	UserID             string
	OwnerID            string
	Statuses           []string
	From, To           time.Time
	StartFrom, StartTo time.Time
	Limit              int // 0 means no limit
}

// BookingStore keeps trained users and bookings.
type BookingStore interface {
	// AddTrainedUser records that a user may use the instrument alone.
	// Adding twice is not an error; ENotFound when the user does not exist.
	AddTrainedUser(ctx context.Context, equipmentID, userID string) error
	// RemoveTrainedUser forgets a trained user; ENotFound when absent.
	RemoveTrainedUser(ctx context.Context, equipmentID, userID string) error
	// FindTrainedUsers lists an instrument's trained users.
	FindTrainedUsers(ctx context.Context, equipmentID string) ([]*TrainedUser, error)
	// IsTrained reports whether the user is trained on the instrument.
	IsTrained(ctx context.Context, equipmentID, userID string) (bool, error)

	// CreateBooking stores b, setting its ID and times, unless it holds
	// its slot and overlaps another booking of the instrument that holds
	// one: then ESlotTaken. The database enforces this (an exclusion
	// constraint on PostgreSQL, a serialised transaction and a trigger on
	// SQLite). The notifications notes builds are stored in the same
	// transaction and returned.
	CreateBooking(ctx context.Context, b *Booking, notes func(*Booking) []*Notification) ([]*Notification, error)
	// FindBooking returns a booking, or ENotFound.
	FindBooking(ctx context.Context, id string) (*Booking, error)
	// FindBookings lists bookings in start order.
	FindBookings(ctx context.Context, f BookingFilter) ([]*Booking, error)
	// UpdateBooking loads a booking, lets fn change it (status, actual
	// times, cost) and stores the change atomically with the
	// notifications fn returns. An error from fn is returned unchanged.
	UpdateBooking(ctx context.Context, id string, fn func(b *Booking) ([]*Notification, error)) (*Booking, []*Notification, error)
	// MarkNoShows turns the confirmed bookings of an instrument (all
	// instruments when equipmentID is empty) that are NoShowDue at now
	// into no-shows and returns how many.
	MarkNoShows(ctx context.Context, equipmentID string, now time.Time) (int, error)
}

// BookingCreatedNotification tells the owner of an instrument about a
// booking (one that waits for approval, or a confirmed one).
func BookingCreatedNotification(b *Booking) *Notification {
	when := b.Start.In(Shanghai()).Format("2006-01-02 15:04")
	n := &Notification{UserID: b.OwnerID, Type: NotifyBookingCreated,
		Data: notificationData("booking_id", b.ID, "equipment_id", b.EquipmentID)}
	switch {
	case b.Status == BookingPending && b.Untrained:
		n.Title = Text{ZH: fmt.Sprintf("%s 申请预约 %s（%s），尚未接受该仪器培训，需安排技术人员协助；请审批", b.UserName, b.EquipmentName, when),
			EN: fmt.Sprintf("%s asks to book %s (%s) and is not trained on it: an assisted session is needed; please approve or reject",
				b.UserName, b.EquipmentName, when)}
	case b.Status == BookingPending:
		n.Title = Text{ZH: fmt.Sprintf("%s 申请预约 %s（%s），请审批", b.UserName, b.EquipmentName, when),
			EN: fmt.Sprintf("%s asks to book %s (%s); please approve or reject", b.UserName, b.EquipmentName, when)}
	default:
		n.Title = Text{ZH: fmt.Sprintf("%s 预约了 %s（%s）", b.UserName, b.EquipmentName, when),
			EN: fmt.Sprintf("%s booked %s (%s)", b.UserName, b.EquipmentName, when)}
	}
	return n
}

// BookingDecisionNotification tells the booker that the owner approved,
// rejected or cancelled their booking, or tells the owner that the booker
// cancelled it; to is the user to tell.
func BookingDecisionNotification(b *Booking, to string) *Notification {
	return bookingDecision(b, to, false)
}

// BookingExpiredNotification tells the booker that their pending booking
// lapsed because its start passed before the owner answered.
func BookingExpiredNotification(b *Booking) *Notification { return bookingDecision(b, b.UserID, true) }

func bookingDecision(b *Booking, to string, expired bool) *Notification {
	when := b.Start.In(Shanghai()).Format("2006-01-02 15:04")
	n := &Notification{UserID: to, Data: notificationData("booking_id", b.ID, "equipment_id", b.EquipmentID, "status", b.Status)}
	switch b.Status {
	case BookingConfirmed:
		n.Type = NotifyBookingApproved
		n.Title = Text{ZH: fmt.Sprintf("%s（%s）的预约已通过", b.EquipmentName, when), EN: fmt.Sprintf("Your booking of %s (%s) is confirmed", b.EquipmentName, when)}
	case BookingRejected:
		n.Type = NotifyBookingRejected
		n.Title = Text{ZH: fmt.Sprintf("%s（%s）的预约未通过", b.EquipmentName, when), EN: fmt.Sprintf("Your booking of %s (%s) was rejected", b.EquipmentName, when)}
		if expired {
			n.Title = Text{ZH: fmt.Sprintf("%s（%s）的预约在开始前未获审批，已自动取消", b.EquipmentName, when),
				EN: fmt.Sprintf("Your booking of %s (%s) was not approved before it began and has lapsed", b.EquipmentName, when)}
		}
	default:
		n.Type = NotifyBookingCanceled
		n.Title = Text{ZH: fmt.Sprintf("%s（%s）的预约已取消", b.EquipmentName, when), EN: fmt.Sprintf("The booking of %s (%s) was cancelled", b.EquipmentName, when)}
	}
	return n
}

// Usage groupings.
const (
	UsageByInstitution = "institution"
	UsageByStartup     = "startup"
	UsageByEquipment   = "equipment"
)

// UsageRow is one month of use of one institution's (or startup's, or
// instrument's) equipment. Months are Asia/Shanghai calendar months of
// the booked start.
type UsageRow struct {
	Month         string `json:"month"` // YYYY-MM
	Key           string `json:"key"`   // institution name, startup id ("" for none) or equipment id
	Name          string `json:"name"`
	Bookings      int    `json:"bookings"` // confirmed, completed and no-show
	Completed     int    `json:"completed"`
	NoShows       int    `json:"no_shows"`
	Cancelled     int    `json:"cancelled"`
	Assisted      int    `json:"assisted"`
	BookedMinutes int64  `json:"booked_minutes"`
	UsedMinutes   int64  `json:"used_minutes"`
	BilledMinutes int64  `json:"billed_minutes"`
	CostCNY       int64  `json:"cost_cny"`
}

// MonthOf returns the Asia/Shanghai calendar month of t as YYYY-MM.
func MonthOf(t time.Time) string { return t.In(Shanghai()).Format("2006-01") }

// MonthRange returns the instants that bound the Asia/Shanghai months
// from..to (YYYY-MM, inclusive): [start of from, start of the month after to).
func MonthRange(from, to string) (time.Time, time.Time, error) {
	a, err := time.ParseInLocation("2006-01", from, Shanghai())
	if err != nil {
		return time.Time{}, time.Time{}, Errorf(EBadRequest, "from must be a month YYYY-MM.")
	}
	b, err := time.ParseInLocation("2006-01", to, Shanghai())
	if err != nil {
		return time.Time{}, time.Time{}, Errorf(EBadRequest, "to must be a month YYYY-MM.")
	}
	if b.Before(a) {
		return time.Time{}, time.Time{}, Errorf(EBadRequest, "to must not be before from.")
	}
	if b.Sub(a) > 5*366*24*time.Hour {
		return time.Time{}, time.Time{}, Errorf(EBadRequest, "A report covers at most five years.")
	}
	return a.UTC(), b.AddDate(0, 1, 0).UTC(), nil
}

// AggregateUsage is [AggregateUsageAt] at the current time.
func AggregateUsage(bs []*Booking, by string, names map[string]string) []UsageRow {
	return AggregateUsageAt(bs, by, names, time.Now())
}

// AggregateUsageAt sums bookings per month and group (UsageByInstitution,
// UsageByStartup or UsageByEquipment) as of now. names maps startup ids to
// names for UsageByStartup. Pending and rejected bookings are left out.
// Only bookings whose time has passed are billed (completed, no-show, or
// confirmed and ended by now): a confirmed booking still ahead or under way
// counts as booked, with no billed time and no cost. Rows come in month
// order, then by key.
func AggregateUsageAt(bs []*Booking, by string, names map[string]string, now time.Time) []UsageRow {
	type key struct{ month, key string }
	rows := map[key]*UsageRow{}
	for _, b := range bs {
		if b.Status == BookingPending || b.Status == BookingRejected {
			continue
		}
		k := key{month: MonthOf(b.Start)}
		var name string
		switch by {
		case UsageByStartup:
			k.key, name = b.StartupID, names[b.StartupID]
		case UsageByEquipment:
			k.key, name = b.EquipmentID, b.EquipmentName
		default:
			k.key, name = b.Institution, b.Institution
		}
		r := rows[k]
		if r == nil {
			r = &UsageRow{Month: k.month, Key: k.key, Name: name}
			rows[k] = r
		}
		switch b.Status {
		case BookingCancelled:
			r.Cancelled++
			continue
		case BookingCompleted:
			r.Completed++
		case BookingNoShow:
			r.NoShows++
		}
		r.Bookings++
		if b.Assisted {
			r.Assisted++
		}
		r.BookedMinutes += int64(b.End.Sub(b.Start) / time.Minute)
		r.UsedMinutes += int64(b.Used() / time.Minute)
		if b.Status == BookingConfirmed && b.End.After(now) {
			continue // not held yet: nothing to bill
		}
		r.BilledMinutes += int64((b.Billed() + time.Minute - 1) / time.Minute)
		r.CostCNY += b.CostCNY
	}
	out := make([]UsageRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b UsageRow) int {
		if c := strings.Compare(a.Month, b.Month); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}
