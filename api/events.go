package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/events"
)

// Live pitch events (issue 5). routes.go calls eventRoutes; openapi.go
// calls describeEventRoutes and eventParameters. The handlers are thin: the
// rules live in package events (Config.Events), the data in the store.

// eventRoutes registers the event, notification and websocket routes.
func (s *Server) eventRoutes(app *fiber.App, v1 fiber.Router) {
	v1.Get("/events", s.listEvents)
	v1.Post("/events", requireUser, s.createEvent)
	v1.Get("/events/:id", s.getEvent)
	v1.Post("/events/:id/pitches", requireUser, s.addPitch)
	v1.Get("/events/:id/judges", s.listJudges)
	v1.Post("/events/:id/judges", requireUser, s.addJudge)
	v1.Post("/events/:id/control", requireUser, s.controlEvent)
	v1.Get("/events/:id/pitches/:pid/scores/me", requireUser, s.getMyScore)
	v1.Put("/events/:id/pitches/:pid/scores/me", requireUser, s.putScore)
	v1.Post("/events/:id/pitches/:pid/recusals", requireUser, s.declareRecusal)
	v1.Post("/events/:id/pitches/:pid/votes", requireUser, s.vote)
	v1.Post("/events/:id/pitches/:pid/intents", requireUser, s.sendIntent)
	v1.Get("/events/:id/pitches/:pid/intents", requireUser, s.listIntents)
	v1.Get("/events/:id/leaderboard", s.leaderboard)
	v1.Get("/events/:id/progress", requireUser, s.eventProgress)
	v1.Get("/events/:id/audit", requireUser, s.eventAudit)
	v1.Get("/events/:id/results.csv", s.resultsCSV)
	v1.Get("/events/:id/questions", s.listQuestions)
	v1.Post("/events/:id/questions", requireUser, s.askQuestion)
	v1.Post("/events/:id/questions/:qid/upvote", requireUser, s.upvoteQuestion)
	v1.Post("/events/:id/questions/:qid/hide", requireUser, s.hideQuestion)

	v1.Get("/notifications", requireUser, s.listNotifications)
	v1.Post("/notifications/:id/read", requireUser, s.readNotification)

	// The websocket endpoint of package realtime, on the same port.
	if s.hub != nil {
		s.hub.Mount(app)
	} else {
		app.Get("/ws", func(*fiber.Ctx) error {
			return makerlink.Errorf(makerlink.EUnavailable, "Live updates are not enabled on this server.")
		})
	}
}

// eventService returns the events service or a 503.
func (s *Server) eventService() (*events.Service, error) {
	if s.events == nil {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Events are not available on this server.")
	}
	return s.events, nil
}

// param returns a copy of a path parameter (Fiber reuses its memory).
func param(c *fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }

// decodeOptional decodes a JSON object body into v; an empty body leaves
// v as it is.
func decodeOptional(c *fiber.Ctx, v any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decodeJSON(c.Body(), v)
}

// listLimit parses ?limit= (1..100, default 20).
func listLimit(c *fiber.Ctx) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return DefaultListLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxListLimit {
		return 0, makerlink.Errorf(makerlink.EBadRequest, "limit must be a whole number from 1 to %d.", MaxListLimit)
	}
	return n, nil
}

// EventsPage is the reply of GET /events.
type EventsPage struct {
	Items      []*makerlink.Event `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func nextCursor(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) listEvents(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	limit, err := listLimit(c)
	if err != nil {
		return err
	}
	items, next, err := svc.Events(c.UserContext(), makerlink.EventFilter{
		OrganizerID: strings.Clone(c.Query("organizer_id")), Cursor: strings.Clone(c.Query("cursor")), Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(EventsPage{Items: items, NextCursor: nextCursor(next)})
}

// createEventRequest is the body of POST /events: an event whose
// starts_at is read here, so that a malformed time is a field error (422)
// rather than bad JSON.
type createEventRequest struct {
	makerlink.Event
	StartsAt json.RawMessage `json:"starts_at"`
}

// parseStartsAt reads starts_at: absent or null leaves it zero (required
// by validation); otherwise it must be an RFC 3339 string with a zone.
func parseStartsAt(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		if t, err := time.Parse(time.RFC3339, str); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
		Fields: []makerlink.FieldError{{Field: "starts_at", Code: makerlink.FInvalid,
			Message: "must be an RFC 3339 date and time with a time zone, such as 2026-12-01T09:00:00+08:00"}}}
}

func (s *Server) createEvent(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r createEventRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	e := r.Event
	if e.StartsAt, err = parseStartsAt(r.StartsAt); err != nil {
		return err
	}
	if err := svc.CreateEvent(c.UserContext(), viewer(c), &e); err != nil {
		return err
	}
	v, err := svc.View(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	c.Location("/api/v1/events/" + e.ID)
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) getEvent(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	v, err := svc.View(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type addPitchRequest struct {
	StartupID string `json:"startup_id"`
	Order     int    `json:"order"`
}

func (s *Server) addPitch(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r addPitchRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	p, err := svc.AddPitch(c.UserContext(), viewer(c), param(c, "id"), r.StartupID, r.Order)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// addJudgeRequest names the judge by account id or by e-mail address.
type addJudgeRequest struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

func (s *Server) addJudge(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r addJudgeRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	var j *makerlink.Judge
	if r.UserID == "" && r.Email != "" {
		j, err = svc.AddJudgeByEmail(c.UserContext(), viewer(c), param(c, "id"), r.Email)
	} else {
		j, err = svc.AddJudge(c.UserContext(), viewer(c), param(c, "id"), r.UserID)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(j)
}

// ItemsReply is a list without paging.
type ItemsReply[T any] struct {
	Items []T `json:"items"`
}

func (s *Server) listJudges(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	js, err := svc.Judges(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(ItemsReply[*makerlink.Judge]{Items: js})
}

type controlRequest struct {
	Action  string `json:"action"`
	PitchID string `json:"pitch_id"`
}

func (s *Server) controlEvent(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r controlRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	v, err := svc.Control(c.UserContext(), viewer(c), param(c, "id"), r.Action, r.PitchID)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type scoreRequest struct {
	Scores  map[string]float64 `json:"scores"`
	Comment string             `json:"comment"`
}

func (s *Server) putScore(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r scoreRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	if r.Scores == nil {
		r.Scores = map[string]float64{}
	}
	sc, err := svc.SetScore(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"), r.Scores, r.Comment)
	if err != nil {
		return err
	}
	return c.JSON(sc)
}

// getMyScore replies with the calling judge's own score of a pitch, or
// 204 when the judge has not scored it yet.
func (s *Server) getMyScore(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	sc, err := svc.MyScore(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"))
	if err != nil {
		return err
	}
	if sc == nil {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.JSON(sc)
}

type recusalRequest struct {
	Reason string `json:"reason"`
}

// declareRecusal records the caller's recusal from a pitch: 201 for a new
// one, 200 with the stored recusal (its first reason) when the caller had
// already declared one for this pitch.
func (s *Server) declareRecusal(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r recusalRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	rec, created, err := svc.Recuse(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"), r.Reason)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(rec)
}

// vote stores the caller's vote; the 201 is sent only once it is
// committed. The body, if any, is ignored.
func (s *Server) vote(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	v, err := svc.Vote(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

type intentRequest struct {
	Note string `json:"note"`
}

// sendIntent hands an investment-intent card: 201 for a new card, 200 when
// it updates the note of the caller's earlier card.
func (s *Server) sendIntent(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r intentRequest
	if err := decodeOptional(c, &r); err != nil {
		return err
	}
	in, created, err := svc.Intent(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"), r.Note)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(in)
}

func (s *Server) listIntents(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	list, err := svc.Intents(c.UserContext(), viewer(c), param(c, "id"), param(c, "pid"))
	if err != nil {
		return err
	}
	return c.JSON(ItemsReply[*makerlink.Intent]{Items: list})
}

func (s *Server) leaderboard(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	lb, err := svc.Leaderboard(c.UserContext(), viewer(c), param(c, "id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(lb)
}

func (s *Server) eventProgress(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	p, err := svc.Progress(c.UserContext(), viewer(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// AuditPage is the reply of GET /events/{id}/audit.
type AuditPage struct {
	Items []*makerlink.AuditEntry `json:"items"`
	// NextAfter is the after of the next page; null on the last.
	NextAfter *int64 `json:"next_after"`
}

func (s *Server) eventAudit(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var after int64
	if v := c.Query("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return makerlink.Errorf(makerlink.EBadRequest, "after must be a sequence number of the audit log.")
		}
		after = n
	}
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return makerlink.Errorf(makerlink.EBadRequest, "limit must be a whole number from 1 to 1000.")
		}
		limit = n
	}
	items, err := svc.Audit(c.UserContext(), viewer(c), param(c, "id"), after, limit)
	if err != nil {
		return err
	}
	page := AuditPage{Items: items}
	if len(items) == limit {
		last := items[len(items)-1].Seq
		page.NextAfter = &last
	}
	return c.JSON(page)
}

func (s *Server) resultsCSV(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	id := param(c, "id")
	var buf bytes.Buffer
	if err := svc.ResultsCSV(c.UserContext(), viewer(c), id, &buf, c.Query("bom") == "1"); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="results-`+id+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// QuestionsPage is the reply of GET /events/{id}/questions.
type QuestionsPage struct {
	Items      []*makerlink.Question `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

// listQuestions serves GET /events/{id}/questions?limit=&cursor=: 20
// questions a page unless limit says otherwise (1..100; 400 bad_request
// outside, and for a cursor this API did not give out). The live room
// follows next_cursor for the rest.
func (s *Server) listQuestions(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	limit, err := listLimit(c)
	if err != nil {
		return err
	}
	qs, next, err := svc.QuestionsPage(c.UserContext(), viewer(c), param(c, "id"), strings.Clone(c.Query("cursor")), limit)
	if err != nil {
		return err
	}
	return c.JSON(QuestionsPage{Items: qs, NextCursor: nextCursor(next)})
}

type questionRequest struct {
	Text string `json:"text"`
}

func (s *Server) askQuestion(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r questionRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	q, err := svc.Ask(c.UserContext(), viewer(c), param(c, "id"), r.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

func (s *Server) upvoteQuestion(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	q, err := svc.Upvote(c.UserContext(), viewer(c), param(c, "id"), param(c, "qid"))
	if err != nil {
		return err
	}
	return c.JSON(q)
}

type hideRequest struct {
	Hidden *bool `json:"hidden"`
}

// hideQuestion hides a question; {"hidden":false} shows it again.
func (s *Server) hideQuestion(c *fiber.Ctx) error {
	svc, err := s.eventService()
	if err != nil {
		return err
	}
	var r hideRequest
	if err := decodeOptional(c, &r); err != nil {
		return err
	}
	hidden := r.Hidden == nil || *r.Hidden
	q, err := svc.HideQuestion(c.UserContext(), viewer(c), param(c, "id"), param(c, "qid"), hidden)
	if err != nil {
		return err
	}
	return c.JSON(q)
}
