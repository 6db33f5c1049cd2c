package api

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/events"
)

// Connections and sharing (issue 6): introductions (intros.go), the
// investor pipeline (pipeline.go), mentoring (mentoring.go) and equipment
// bookings (bookings.go). This file holds their configuration, the routes,
// the background sweep and helpers they share.

// ConnectionsConfig configures introductions, the pipeline, mentoring and
// bookings. The zero value works when Config.Store implements the stores.
type ConnectionsConfig struct {
	// Store keeps intros, pipelines and mentorships. Nil: Config.Store
	// when it implements makerlink.ConnectionStore; else the routes are 503.
	Store makerlink.ConnectionStore
	// Bookings keeps trained users and bookings. Nil: Config.Store when it
	// implements makerlink.BookingStore; else the routes are 503.
	Bookings makerlink.BookingStore
	// MaxOpenIntros is how many pending requests a startup may have at
	// once; 0 means makerlink.DefaultMaxOpenIntros (10).
	MaxOpenIntros int
	// Notify pushes a notification that was just stored to the user's
	// live channel "user:<id>". Nil: published on Config.Hub when set,
	// else notifications are only stored in the inbox.
	Notify func(ctx context.Context, n *makerlink.Notification)
}

// connections is the resolved ConnectionsConfig.
type connections struct {
	store    makerlink.ConnectionStore
	bookings makerlink.BookingStore
	limits   makerlink.IntroLimits
	notify   func(ctx context.Context, n *makerlink.Notification)
}

func newConnections(cfg Config, log *slog.Logger) *connections {
	c := &connections{
		store:    cfg.Connections.Store,
		bookings: cfg.Connections.Bookings,
		limits:   makerlink.IntroLimits{MaxOpen: cfg.Connections.MaxOpenIntros}.WithDefaults(),
		notify:   cfg.Connections.Notify,
	}
	if c.store == nil {
		c.store, _ = cfg.Store.(makerlink.ConnectionStore)
	}
	if c.bookings == nil {
		c.bookings, _ = cfg.Store.(makerlink.BookingStore)
	}
	if c.notify == nil && cfg.Hub != nil {
		hub := cfg.Hub
		c.notify = func(ctx context.Context, n *makerlink.Notification) {
			if _, err := hub.Publish(ctx, "user:"+n.UserID, events.TypeNotification, n); err != nil {
				log.Warn("push notification", slog.String("type", n.Type), slog.Any("error", err))
			}
		}
	}
	return c
}

func (s *Server) connStore() (makerlink.ConnectionStore, error) {
	if s.conn == nil || s.conn.store == nil {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Introductions are not available on this server.")
	}
	return s.conn.store, nil
}

func (s *Server) bookingStore() (makerlink.BookingStore, error) {
	if s.conn == nil || s.conn.bookings == nil {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Bookings are not available on this server.")
	}
	return s.conn.bookings, nil
}

// push hands stored notifications to Notify.
func (s *Server) push(ctx context.Context, ns []*makerlink.Notification) {
	if s.conn == nil || s.conn.notify == nil {
		return
	}
	for _, n := range ns {
		s.conn.notify(ctx, n)
	}
}

// connectionRoutes registers the routes of issue 6.
func (s *Server) connectionRoutes(v1 fiber.Router) {
	v1.Post("/intros", requireUser, s.createIntro)
	v1.Get("/intros", requireUser, s.listIntros)
	v1.Get("/intros/:id", requireUser, s.getIntro)
	v1.Post("/intros/:id/accept", requireUser, s.answerIntro(true))
	v1.Post("/intros/:id/decline", requireUser, s.answerIntro(false))

	v1.Get("/pipeline", requireUser, s.listPipeline)
	v1.Get("/pipeline.csv", requireUser, s.pipelineCSV)
	v1.Get("/pipeline/:startup_id", requireUser, s.getPipelineEntry)
	v1.Put("/pipeline/:startup_id", requireUser, s.putPipelineEntry)
	v1.Delete("/pipeline/:startup_id", requireUser, s.deletePipelineEntry)
	v1.Get("/startups/:id/feedback", requireUser, s.startupFeedback)

	v1.Get("/mentors/:id/mentoring", s.mentoringState)
	v1.Put("/mentors/:id/mentoring", requireUser, s.putMentoring)
	v1.Get("/mentors/:id/mentees", requireUser, s.listMentees)
	v1.Post("/mentors/:id/mentees/:startup_id/end", requireUser, s.endMentorship)

	v1.Get("/equipment/:id/trained", requireUser, s.listTrained)
	v1.Post("/equipment/:id/trained", requireUser, s.addTrained)
	v1.Delete("/equipment/:id/trained/:user_id", requireUser, s.removeTrained)
	v1.Post("/equipment/:id/bookings", requireUser, s.createBooking)
	v1.Get("/equipment/:id/bookings", s.equipmentBookings)
	v1.Get("/equipment/:id/calendar.ics", s.equipmentCalendar)
	v1.Get("/bookings", requireUser, s.myBookings)
	v1.Get("/bookings/:id", requireUser, s.getBooking)
	v1.Post("/bookings/:id/approve", requireUser, s.bookingAction(actApprove))
	v1.Post("/bookings/:id/reject", requireUser, s.bookingAction(actReject))
	v1.Post("/bookings/:id/cancel", requireUser, s.bookingAction(actCancel))
	v1.Post("/bookings/:id/checkin", requireUser, s.bookingAction(actCheckIn))
	v1.Post("/bookings/:id/checkout", requireUser, s.bookingAction(actCheckOut))
	v1.Post("/bookings/:id/no-show", requireUser, s.bookingAction(actNoShow))
	v1.Put("/bookings/:id/usage", requireUser, s.recordUsage)
	v1.Get("/usage/monthly", requireUser, s.monthlyUsage)
	v1.Get("/usage/monthly.csv", requireUser, s.monthlyUsageCSV)
}

// SweepConnections runs the time-based rules once for every user and
// instrument: pending intros unanswered for 14 days expire (the founder is
// told, and pointed to other mentors), and confirmed bookings not checked
// in 30 minutes after their start become no-shows. Handlers also apply
// these rules lazily to what they read, so the sweep only makes
// notifications timely.
func (s *Server) SweepConnections(ctx context.Context) error {
	if s.conn != nil && s.conn.store != nil {
		if err := s.expireIntros(ctx, ""); err != nil {
			return err
		}
	}
	if s.conn != nil && s.conn.bookings != nil {
		if _, err := s.conn.bookings.MarkNoShows(ctx, "", s.now()); err != nil {
			return err
		}
		if _, err := s.expirePendingBookings(ctx, s.conn.bookings, ""); err != nil {
			return err
		}
	}
	return nil
}

// RunSweeper calls [Server.SweepConnections] every interval until ctx is
// done; errors are logged. Start it in its own goroutine.
func (s *Server) RunSweeper(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.SweepConnections(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("connections sweep failed", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pathID returns a path parameter as a string of its own (Fiber reuses
// the request's buffer).
func pathID(c *fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }

// itemsReply is the shape of list replies: {"items":[...],"next_cursor":...}.
type itemsReply[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func items[T any](list []T, next string) itemsReply[T] {
	if list == nil {
		list = []T{}
	}
	r := itemsReply[T]{Items: list}
	if next != "" {
		r.NextCursor = &next
	}
	return r
}

// pageLimit reads ?limit= (1..100, default 20).
func pageLimit(c *fiber.Ctx) (int, error) {
	l := c.Query("limit")
	if l == "" {
		return DefaultListLimit, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > MaxListLimit {
		return 0, makerlink.Errorf(makerlink.EBadRequest, "limit must be a whole number from 1 to %d.", MaxListLimit)
	}
	return n, nil
}

// listPage is a page of a list read whole from the store and paged here
// (GET /pipeline, GET /bookings, GET /equipment/{id}/bookings): see
// [readListPage].
type listPage struct {
	limit int    // items on the page
	after string // the sort key of the previous page's last item
}

// readListPage reads ?limit= and ?cursor= of those lists as on every
// list: the contract's [DefaultListLimit] items without limit, 400
// bad_request for a limit outside 1..100 or a cursor this API did not give
// out.
func readListPage(c *fiber.Ctx) (listPage, error) {
	var p listPage
	n, err := pageLimit(c)
	if err != nil {
		return p, err
	}
	p.limit = n
	if cur := c.Query("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		if err != nil || !validSortKey(string(b)) {
			return p, makerlink.Errorf(makerlink.EBadRequest, "cursor must be the next_cursor of a previous page of this list.")
		}
		p.after = string(b)
	}
	return p, nil
}

// sortKey orders items by n, then by id: 16 hex digits, a slash and the id.
func sortKey(n int64, id string) string { return fmt.Sprintf("%016x/%s", uint64(n), id) }

func validSortKey(k string) bool {
	if len(k) < 18 || k[16] != '/' {
		return false
	}
	_, err := strconv.ParseUint(k[:16], 16, 64)
	return err == nil
}

// pageOf sorts list by key and returns the items after p.after, at most
// p.limit of them, with the cursor of the next page ("" on the last).
func pageOf[T any](list []T, key func(T) string, p listPage) ([]T, string) {
	slices.SortStableFunc(list, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	if p.after != "" {
		i, _ := slices.BinarySearchFunc(list, p.after, func(x T, k string) int {
			if key(x) <= k {
				return -1
			}
			return 1
		})
		list = list[i:]
	}
	if p.limit > 0 && len(list) > p.limit {
		list = list[:p.limit]
		return list, base64.RawURLEncoding.EncodeToString([]byte(key(list[len(list)-1])))
	}
	return list, ""
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sendCSV writes rows as a CSV download; ?bom=1 prefixes a UTF-8 byte
// order mark for spreadsheet programs that need one to read Chinese.
func sendCSV(c *fiber.Ctx, filename string, rows [][]string) error {
	var b strings.Builder
	if c.Query("bom") == "1" {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	for _, r := range rows {
		for i := range r {
			r[i] = csvSafe(r[i])
		}
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(b.String())
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
