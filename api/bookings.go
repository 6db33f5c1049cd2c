package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Lab equipment booking: trained users, bookings with their life cycle,
// the public calendar feed and monthly usage reports. The database refuses
// overlapping bookings (409 slot_taken); the rules of the instrument (open
// hours in Asia/Shanghai, length, lead time) are 422 with their own codes.

// Listing windows of GET /equipment/{id}/bookings.
const (
	defaultBookingWindow = 60 * 24 * time.Hour
	maxBookingWindow     = 366 * 24 * time.Hour
	maxBookingItems      = 5000
)

// loadEquipment returns the path's instrument.
func (s *Server) loadEquipment(c *fiber.Ctx) (*makerlink.Equipment, error) {
	p, err := s.store.FindProfile(c.UserContext(), makerlink.KindEquipment, pathID(c, "id"))
	if err != nil {
		return nil, err
	}
	return p.(*makerlink.Equipment), nil
}

// ownEquipment returns the path's instrument when the caller owns it or is
// an admin; 403 otherwise.
func (s *Server) ownEquipment(c *fiber.Ctx) (*makerlink.Equipment, error) {
	e, err := s.loadEquipment(c)
	if err != nil {
		return nil, err
	}
	if !makerlink.CanEdit(viewer(c), e.OwnerID) {
		return nil, makerlink.Errorf(makerlink.EForbidden, "Only the owner of %s may do this.", e.Name)
	}
	return e, nil
}

// listTrained handles GET /equipment/{id}/trained (owner).
func (s *Server) listTrained(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	e, err := s.ownEquipment(c)
	if err != nil {
		return err
	}
	list, err := bs.FindTrainedUsers(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(list, ""))
}

// trainedRequest is the body of POST /equipment/{id}/trained: the account
// by id or by e-mail.
type trainedRequest struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

// addTrained handles POST /equipment/{id}/trained (owner).
func (s *Server) addTrained(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	var r trainedRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	e, err := s.ownEquipment(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var u *makerlink.User
	switch {
	case r.UserID != "":
		u, err = s.store.FindUserByID(ctx, r.UserID)
	case r.Email != "":
		u, _, err = s.store.FindUserByEmail(ctx, normalizeEmail(r.Email))
	default:
		var v makerlink.Validation
		v.Add("user_id", makerlink.FRequired, "give user_id or email")
		return v.Err()
	}
	if err != nil {
		return err
	}
	if err := bs.AddTrainedUser(ctx, e.ID, u.ID); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(makerlink.TrainedUser{UserID: u.ID, Name: u.Name, Email: u.Email, AddedAt: s.now().UTC()})
}

// removeTrained handles DELETE /equipment/{id}/trained/{user_id} (owner).
func (s *Server) removeTrained(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	e, err := s.ownEquipment(c)
	if err != nil {
		return err
	}
	if err := bs.RemoveTrainedUser(c.UserContext(), e.ID, pathID(c, "user_id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// createBooking handles POST /equipment/{id}/bookings. Confirmed at once
// when the user is the owner, or is trained on an instrument that needs no
// approval and asks for no assistance; pending (holding the slot) when the
// instrument needs approval, for an assisted session, and for a user not
// on the trained list: then the reply and the owner's view say
// "untrained": true and the owner decides whether to give an assisted
// session.
func (s *Server) createBooking(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	var r makerlink.BookingRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	start, end, err := r.Parse()
	if err != nil {
		return err
	}
	e, err := s.loadEquipment(c)
	if err != nil {
		return err
	}
	if err := makerlink.CheckBookingRules(e, start, end, s.now()); err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	owner := makerlink.CanEdit(u, e.OwnerID)
	untrained := false
	if u.ID != e.OwnerID {
		trained, err := bs.IsTrained(ctx, e.ID, u.ID)
		if err != nil {
			return err
		}
		untrained = !trained
	}
	if r.StartupID != "" {
		rec, err := s.store.FindProfileRecord(ctx, makerlink.KindStartup, r.StartupID)
		if err != nil || rec.OwnerID != u.ID {
			var v makerlink.Validation
			v.Add("startup_id", makerlink.FInvalid, "must be a startup you own")
			return v.Err()
		}
	}
	b := &makerlink.Booking{EquipmentID: e.ID, EquipmentName: e.Name, Institution: e.Institution, OwnerID: e.OwnerID,
		UserID: u.ID, UserName: u.Name, StartupID: r.StartupID, Start: start, End: end, Purpose: r.Purpose,
		Assisted: r.Assisted, Untrained: untrained, PricePerHourCNY: e.PricePerHourCNY, Status: makerlink.BookingConfirmed}
	if !owner && (e.RequiresApproval || r.Assisted || untrained) {
		b.Status = makerlink.BookingPending
	}
	b.UpdateCost()
	// The owner hears of bookings that wait for them; confirmed ones show
	// in the calendar.
	notes := func(b *makerlink.Booking) []*makerlink.Notification {
		if b.OwnerID == b.UserID || b.Status != makerlink.BookingPending {
			return nil
		}
		return []*makerlink.Notification{makerlink.BookingCreatedNotification(b)}
	}
	ns, err := bs.CreateBooking(ctx, b, notes)
	if makerlink.ErrorCode(err) == makerlink.ESlotTaken {
		// A confirmed booking nobody started frees the rest of its slot
		// 30 minutes in, and a pending one nobody approved at its start:
		// mark due no-shows and lapsed requests, then try once more.
		n, merr := bs.MarkNoShows(ctx, e.ID, s.now())
		if merr != nil {
			return merr
		}
		k, merr := s.expirePendingBookings(ctx, bs, e.ID)
		if merr != nil {
			return merr
		}
		if n+k > 0 {
			ns, err = bs.CreateBooking(ctx, b, notes)
		}
	}
	if err != nil {
		return err
	}
	s.push(ctx, ns)
	c.Location("/api/v1/bookings/" + b.ID)
	return c.Status(fiber.StatusCreated).JSON(b)
}

// parseWhen reads a query time: RFC 3339, or a date YYYY-MM-DD meaning
// its midnight in Asia/Shanghai.
func parseWhen(c *fiber.Ctx, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, makerlink.Shanghai()); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, makerlink.Errorf(makerlink.EBadRequest, "%s must be an RFC 3339 time or a date YYYY-MM-DD.", name)
}

// window reads ?from=&to= with defaults (from a week ago, two months).
func (s *Server) window(c *fiber.Ctx) (time.Time, time.Time, error) {
	from, err := parseWhen(c, "from")
	if err != nil {
		return from, from, err
	}
	to, err := parseWhen(c, "to")
	if err != nil {
		return from, to, err
	}
	if from.IsZero() {
		from = s.now().UTC().Add(-7 * 24 * time.Hour)
		if !to.IsZero() && !to.After(from) {
			from = to.Add(-defaultBookingWindow)
		}
	}
	if to.IsZero() {
		to = from.Add(defaultBookingWindow)
	}
	switch {
	case !to.After(from):
		return from, to, makerlink.Errorf(makerlink.EBadRequest, "to must be after from.")
	case to.Sub(from) > maxBookingWindow:
		return from, to, makerlink.Errorf(makerlink.EBadRequest, "The window may span at most 366 days.")
	}
	return from, to, nil
}

// equipmentBookings handles GET /equipment/{id}/bookings?from=&to=&limit=&cursor=:
// the owner (and admins) see every booking in full; others see when the
// instrument is taken (start, end, status) and their own bookings in full.
// Bookings come in start order, 20 a page unless limit says otherwise
// (1..100); clients follow next_cursor for the rest of the window.
func (s *Server) equipmentBookings(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	e, err := s.loadEquipment(c)
	if err != nil {
		return err
	}
	from, to, err := s.window(c)
	if err != nil {
		return err
	}
	page, err := readListPage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	if _, err := bs.MarkNoShows(ctx, e.ID, s.now()); err != nil {
		return err
	}
	owner := makerlink.CanEdit(u, e.OwnerID)
	f := makerlink.BookingFilter{EquipmentID: e.ID, From: from, To: to, Limit: maxBookingItems}
	if !owner {
		f.Statuses = []string{makerlink.BookingPending, makerlink.BookingConfirmed}
	}
	list, err := bs.FindBookings(ctx, f)
	if err != nil {
		return err
	}
	if u != nil && !owner {
		// The caller's own bookings that no longer hold a slot.
		mine, err := bs.FindBookings(ctx, makerlink.BookingFilter{EquipmentID: e.ID, UserID: u.ID, From: from, To: to, Limit: maxBookingItems,
			Statuses: []string{makerlink.BookingRejected, makerlink.BookingCancelled, makerlink.BookingNoShow, makerlink.BookingCompleted}})
		if err != nil {
			return err
		}
		list = append(list, mine...)
	}
	list, next := pageOf(list, bookingKey, page)
	out := make([]any, 0, len(list))
	var full []*makerlink.Booking
	for _, b := range list {
		if owner || (u != nil && b.UserID == u.ID) {
			out = append(out, b)
			full = append(full, b)
		} else {
			out = append(out, b.Busy())
		}
	}
	if err := markUntrained(ctx, bs, full); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(out, next))
}

// bookingKey orders bookings by start, then id.
func bookingKey(b *makerlink.Booking) string { return sortKey(b.Start.UnixMicro(), b.ID) }

// markUntrained sets [makerlink.Booking.Untrained] on bookings whose booker
// is neither the instrument's owner nor on its trained list (one look-up of
// the trained list per instrument).
func markUntrained(ctx context.Context, bs makerlink.BookingStore, list []*makerlink.Booking) error {
	trained := map[string]map[string]bool{}
	for _, b := range list {
		if b.UserID == b.OwnerID {
			continue
		}
		set, ok := trained[b.EquipmentID]
		if !ok {
			users, err := bs.FindTrainedUsers(ctx, b.EquipmentID)
			if err != nil {
				return fmt.Errorf("trained users of %s: %w", b.EquipmentID, err)
			}
			set = make(map[string]bool, len(users))
			for _, t := range users {
				set[t.UserID] = true
			}
			trained[b.EquipmentID] = set
		}
		b.Untrained = !set[b.UserID]
	}
	return nil
}

// equipmentCalendar handles GET /equipment/{id}/calendar.ics: the public
// iCalendar feed of the taken slots from 30 days ago to a year ahead.
func (s *Server) equipmentCalendar(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	e, err := s.loadEquipment(c)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if _, err := bs.MarkNoShows(c.UserContext(), e.ID, now); err != nil {
		return err
	}
	list, err := bs.FindBookings(c.UserContext(), makerlink.BookingFilter{EquipmentID: e.ID, From: now.Add(-30 * 24 * time.Hour),
		To: now.Add(makerlink.MaxBookingAhead + 24*time.Hour), Statuses: []string{makerlink.BookingPending, makerlink.BookingConfirmed},
		Limit: maxBookingItems})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="equipment-`+e.ID+`.ics"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.Send(makerlink.BookingCalendar(e.Name, list).Render())
}

// myBookings handles GET /bookings?from=&to=&limit=&cursor=: the caller's
// bookings in start order, 20 a page unless limit says otherwise (1..100);
// clients follow next_cursor for the rest of the window.
func (s *Server) myBookings(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	from, to, err := s.window(c)
	if err != nil {
		return err
	}
	page, err := readListPage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	if _, err := bs.MarkNoShows(ctx, "", s.now()); err != nil {
		return err
	}
	list, err := bs.FindBookings(ctx, makerlink.BookingFilter{UserID: u.ID, From: from, To: to, Limit: maxBookingItems})
	if err != nil {
		return err
	}
	list, next := pageOf(list, bookingKey, page)
	if err := markUntrained(ctx, bs, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(list, next))
}

// partyBooking loads a booking the caller made or whose instrument they
// own (or any, for an admin); others get 404.
func (s *Server) partyBooking(c *fiber.Ctx, bs makerlink.BookingStore) (*makerlink.Booking, error) {
	b, err := bs.FindBooking(c.UserContext(), pathID(c, "id"))
	if err != nil {
		return nil, err
	}
	u := viewer(c)
	if b.UserID != u.ID && !makerlink.CanEdit(u, b.OwnerID) {
		return nil, makerlink.Errorf(makerlink.ENotFound, "Booking not found.")
	}
	return b, nil
}

// getBooking handles GET /bookings/{id}.
func (s *Server) getBooking(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	b, err := s.partyBooking(c, bs)
	if err != nil {
		return err
	}
	if b.NoShowDue(s.now()) {
		if _, err := bs.MarkNoShows(c.UserContext(), b.EquipmentID, s.now()); err != nil {
			return err
		}
		if b, err = s.partyBooking(c, bs); err != nil {
			return err
		}
	}
	if err := markUntrained(c.UserContext(), bs, []*makerlink.Booking{b}); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(b)
}

// bookingAct is an action of POST /bookings/{id}/{action}.
type bookingAct int

const (
	actApprove bookingAct = iota
	actReject
	actCancel
	actCheckIn
	actCheckOut
	actNoShow
)

// bookingAction handles approve and reject (owner), cancel (booker or
// owner), checkin, checkout and no-show (owner). The other side is
// notified of decisions and cancellations.
func (s *Server) bookingAction(act bookingAct) fiber.Handler {
	return func(c *fiber.Ctx) error {
		bs, err := s.bookingStore()
		if err != nil {
			return err
		}
		b, err := s.partyBooking(c, bs)
		if err != nil {
			return err
		}
		u := viewer(c)
		owner := makerlink.CanEdit(u, b.OwnerID)
		if act != actCancel && !owner {
			return makerlink.Errorf(makerlink.EForbidden, "Only the owner of %s may do this.", b.EquipmentName)
		}
		now := s.now().UTC()
		ctx := c.UserContext()
		b, ns, err := bs.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
			var err error
			switch act {
			case actApprove:
				err = b.Approve(now)
			case actReject:
				err = b.Reject(now)
			case actCancel:
				err = b.Cancel(now)
			case actCheckIn:
				err = b.CheckIn(now)
			case actCheckOut:
				err = b.CheckOut(now)
			case actNoShow:
				err = b.MarkNoShow(now)
			}
			if err != nil {
				return nil, err
			}
			switch {
			case act == actApprove || act == actReject:
				return []*makerlink.Notification{makerlink.BookingDecisionNotification(b, b.UserID)}, nil
			case act == actCancel && u.ID == b.UserID && b.OwnerID != b.UserID:
				return []*makerlink.Notification{makerlink.BookingDecisionNotification(b, b.OwnerID)}, nil
			case act == actCancel && u.ID != b.UserID:
				return []*makerlink.Notification{makerlink.BookingDecisionNotification(b, b.UserID)}, nil
			}
			return nil, nil
		})
		if err != nil {
			return err
		}
		s.push(ctx, ns)
		if err := markUntrained(ctx, bs, []*makerlink.Booking{b}); err != nil {
			return err
		}
		return c.JSON(b)
	}
}

// errDecided stops the expiry of a booking decided meanwhile.
var errDecided = errors.New("booking decided meanwhile")

// expirePendingBookings rejects the pending bookings of an instrument (of
// all instruments when equipmentID is empty) whose start has passed (their
// owner did not answer in time), freeing their slots, and tells their
// bookers. It returns how many expired.
func (s *Server) expirePendingBookings(ctx context.Context, bs makerlink.BookingStore, equipmentID string) (int, error) {
	now := s.now().UTC()
	expired := 0
	for {
		due, err := bs.FindBookings(ctx, makerlink.BookingFilter{EquipmentID: equipmentID,
			Statuses: []string{makerlink.BookingPending}, StartTo: now.Add(time.Microsecond), Limit: 200})
		if err != nil {
			return expired, fmt.Errorf("expire pending bookings: %w", err)
		}
		for _, b := range due {
			_, ns, err := bs.UpdateBooking(ctx, b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
				if !b.PendingExpired(now) {
					return nil, errDecided
				}
				if err := b.Expire(now); err != nil {
					return nil, err
				}
				return []*makerlink.Notification{makerlink.BookingExpiredNotification(b)}, nil
			})
			switch {
			case errors.Is(err, errDecided):
			case err != nil:
				return expired, fmt.Errorf("expire booking %s: %w", b.ID, err)
			default:
				expired++
				s.push(ctx, ns)
			}
		}
		if len(due) < 200 {
			return expired, nil
		}
	}
}

// usageRequest is the body of PUT /bookings/{id}/usage.
type usageRequest struct {
	ActualStart string `json:"actual_start"`
	ActualEnd   string `json:"actual_end"`
}

// recordUsage handles PUT /bookings/{id}/usage: the owner records the
// actual times after the fact; the booking completes and its cost becomes
// the larger of booked and used time.
func (s *Server) recordUsage(c *fiber.Ctx) error {
	bs, err := s.bookingStore()
	if err != nil {
		return err
	}
	var r usageRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	var v makerlink.Validation
	parse := func(field, val string) time.Time {
		t, err := time.Parse(time.RFC3339, val)
		if err != nil {
			v.Add(field, makerlink.FInvalid, "must be an RFC 3339 time")
		}
		return t
	}
	start, end := parse("actual_start", r.ActualStart), parse("actual_end", r.ActualEnd)
	if err := v.Err(); err != nil {
		return err
	}
	b, err := s.partyBooking(c, bs)
	if err != nil {
		return err
	}
	if !makerlink.CanEdit(viewer(c), b.OwnerID) {
		return makerlink.Errorf(makerlink.EForbidden, "Only the owner of %s records usage.", b.EquipmentName)
	}
	now := s.now().UTC()
	b, _, err = bs.UpdateBooking(c.UserContext(), b.ID, func(b *makerlink.Booking) ([]*makerlink.Notification, error) {
		return nil, b.RecordUsage(start, end, now)
	})
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// usageReply is the reply of GET /usage/monthly.
type usageReply struct {
	From  string               `json:"from"`
	To    string               `json:"to"`
	By    string               `json:"by"`
	Items []makerlink.UsageRow `json:"items"`
}

// usage computes the report of GET /usage/monthly[.csv]?from=YYYY-MM&to=
// YYYY-MM&by=institution|startup|equipment: over the caller's instruments,
// or over all of them for an admin. The months default to the current one.
func (s *Server) usage(c *fiber.Ctx) (*usageReply, error) {
	bs, err := s.bookingStore()
	if err != nil {
		return nil, err
	}
	u := viewer(c)
	this := makerlink.MonthOf(s.now())
	r := &usageReply{From: c.Query("from", this), By: c.Query("by", makerlink.UsageByInstitution)}
	r.To = c.Query("to", r.From)
	switch r.By {
	case makerlink.UsageByInstitution, makerlink.UsageByStartup, makerlink.UsageByEquipment:
	default:
		return nil, makerlink.Errorf(makerlink.EBadRequest, "by must be institution, startup or equipment.")
	}
	start, end, err := makerlink.MonthRange(r.From, r.To)
	if err != nil {
		return nil, err
	}
	f := makerlink.BookingFilter{StartFrom: start, StartTo: end}
	if !u.IsAdmin() {
		if !u.Has(makerlink.RoleLab) {
			refs, err := s.store.ProfilesByOwner(c.UserContext(), u.ID)
			if err != nil {
				return nil, err
			}
			owns := false
			for _, p := range refs {
				owns = owns || p.Kind == makerlink.KindEquipment
			}
			if !owns {
				return nil, makerlink.Errorf(makerlink.EForbidden, "Usage reports are for instrument owners and administrators.")
			}
		}
		f.OwnerID = u.ID
	}
	ctx := c.UserContext()
	if _, err := bs.MarkNoShows(ctx, "", s.now()); err != nil {
		return nil, err
	}
	list, err := bs.FindBookings(ctx, f)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if r.By == makerlink.UsageByStartup {
		for _, b := range list {
			if _, ok := names[b.StartupID]; ok || b.StartupID == "" {
				continue
			}
			names[b.StartupID] = ""
			if p, err := s.store.FindProfile(ctx, makerlink.KindStartup, b.StartupID); err == nil {
				names[b.StartupID] = p.Tags().Name
			}
		}
	}
	r.Items = makerlink.AggregateUsageAt(list, r.By, names, s.now())
	return r, nil
}

// monthlyUsage handles GET /usage/monthly.
func (s *Server) monthlyUsage(c *fiber.Ctx) error {
	r, err := s.usage(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

// monthlyUsageCSV handles GET /usage/monthly.csv.
func (s *Server) monthlyUsageCSV(c *fiber.Ctx) error {
	r, err := s.usage(c)
	if err != nil {
		return err
	}
	rows := [][]string{{"month", r.By, "name", "bookings", "completed", "no_shows", "cancelled", "assisted",
		"booked_minutes", "used_minutes", "billed_minutes", "cost_cny"}}
	i := strconv.Itoa
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	for _, x := range r.Items {
		rows = append(rows, []string{x.Month, x.Key, x.Name, i(x.Bookings), i(x.Completed), i(x.NoShows), i(x.Cancelled), i(x.Assisted),
			n(x.BookedMinutes), n(x.UsedMinutes), n(x.BilledMinutes), n(x.CostCNY)})
	}
	return sendCSV(c, "usage-"+strings.ReplaceAll(r.From+"_"+r.To, "/", "")+"-"+r.By+".csv", rows)
}
