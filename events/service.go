// Package events runs live pitch events on top of a [makerlink.EventStore]:
// it checks who may do what, applies the conflict-of-interest rules, and
// pushes every change to the event's rooms through a [Publisher] (the
// realtime hub): pitch state and timer, the leaderboard (coalesced to at
// most 10 updates a second per event), questions, judges' progress, and
// notifications on the users' own channels.
//
// Channels: "event:<id>" is the public room (types "state", "leaderboard",
// "question"); "event:<id>:judges" is for the judges and the organizer
// (types "leaderboard", always with the results, and "progress");
// "user:<id>" carries the user's notifications (type "notification").
// [ChannelAuthorizer] decides who may subscribe to them.
//
// The database holds the truth: every vote batch updates exact per-pitch
// counters in its own transaction, and each leaderboard is computed from
// them. In Redis mode (Config.Redis) the leaderboards are also kept in
// Redis sorted sets, a cache rewritten at every publish, and a Redis key
// limits leaderboard messages to one per interval across all nodes.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
)

// Publisher pushes a message to a realtime channel; *realtime.Hub
// implements it.
type Publisher interface {
	Publish(ctx context.Context, channel, typ string, data any) (int64, error)
}

// PipelineSink puts an investor's intent card on their deal-flow board
// (the pipeline of issue 6).
type PipelineSink interface {
	AddIntent(ctx context.Context, investorID, startupID, note string) error
}

// Message types published by the service.
const (
	TypeState        = "state"
	TypeLeaderboard  = "leaderboard"
	TypeQuestion     = "question"
	TypeProgress     = "progress"
	TypeNotification = "notification"
)

// Defaults of [Config].
const (
	DefaultBoardInterval = 100 * time.Millisecond
	DefaultRedisPrefix   = "makerlink:ev:"
	// SystemActor is the actor id of automatic changes in the audit log
	// (recusals found by the conflict-of-interest rules).
	SystemActor = "system"
)

// Config configures a [Service]. Store is required.
type Config struct {
	Store makerlink.EventStore
	// Users looks up accounts (the admin role of websocket subscribers).
	// Optional.
	Users makerlink.UserStore
	// Notifications stores notifications the service creates outside the
	// event store's transactions (a judge assigned). Optional.
	Notifications makerlink.NotificationStore
	// Publisher receives the live messages; nil turns them off.
	Publisher Publisher
	// Redis, when set, keeps a copy of the leaderboards in Redis sorted
	// sets and coalesces leaderboard messages across nodes; nil: one node.
	Redis *redis.Client
	// RedisPrefix prefixes the Redis keys (default "makerlink:ev:").
	RedisPrefix string
	// Relations adds the links other features record (pipeline,
	// mentoring) to the conflict-of-interest rules. Optional.
	Relations makerlink.RelationFinder
	// Pipeline receives intent cards. Optional.
	Pipeline PipelineSink
	// BoardInterval is the shortest time between two leaderboard messages
	// of an event, across all nodes (default 100 ms: 10 Hz).
	BoardInterval time.Duration
	// Now is the clock of the timer state (default time.Now).
	Now func() time.Time
	// Logger receives operational logs (default: discard).
	Logger *slog.Logger
}

// Service runs live events. Create it with [New]; stop it with
// [Service.Close]. Its methods are safe for concurrent use.
type Service struct {
	st        makerlink.EventStore
	users     makerlink.UserStore
	notes     makerlink.NotificationStore
	pub       Publisher
	relations makerlink.RelationFinder
	pipeline  PipelineSink
	rb        *redisBoard // nil without Redis
	interval  time.Duration
	now       func() time.Time
	log       *slog.Logger

	mu       sync.Mutex
	dirty    map[string]uint8 // event -> dirty* bits
	boards   map[string]cachedBoard
	hidden   map[string]bool // event -> the public room last got a hidden board
	wake     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

type cachedBoard struct {
	lb      *makerlink.Leaderboard
	visible bool
	at      time.Time
}

const (
	dirtyBoard uint8 = 1 << iota
	dirtyProgress
)

// New returns a running service.
func New(cfg Config) *Service {
	if cfg.Store == nil {
		panic("events.New: Config.Store is nil")
	}
	s := &Service{
		st: cfg.Store, users: cfg.Users, notes: cfg.Notifications, pub: cfg.Publisher,
		relations: cfg.Relations, pipeline: cfg.Pipeline,
		interval: cfg.BoardInterval, now: cfg.Now, log: cfg.Logger,
		dirty: map[string]uint8{}, boards: map[string]cachedBoard{}, hidden: map[string]bool{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}),
	}
	if s.interval <= 0 {
		s.interval = DefaultBoardInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "events")
	if cfg.Redis != nil {
		prefix := cfg.RedisPrefix
		if prefix == "" {
			prefix = DefaultRedisPrefix
		}
		s.rb = &redisBoard{c: cfg.Redis, prefix: prefix, ttl: 7 * 24 * time.Hour}
	}
	s.wg.Add(1)
	go s.loop()
	return s
}

// SetPublisher sets the publisher of live messages (for wiring a hub
// created after the service). Call it before serving requests.
func (s *Service) SetPublisher(p Publisher) { s.pub = p }

// Close stops the background loop after a last flush of pending
// leaderboard messages.
func (s *Service) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
	return nil
}

// markDirty schedules a leaderboard and/or progress message.
func (s *Service) markDirty(eventID string, bits uint8) {
	s.mu.Lock()
	s.dirty[eventID] |= bits
	if bits&dirtyBoard != 0 {
		delete(s.boards, eventID)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// publish sends a live message; failures are logged: clients that miss
// it refetch over HTTP.
func (s *Service) publish(ctx context.Context, channel, typ string, data any) {
	if s.pub == nil {
		return
	}
	if _, err := s.pub.Publish(ctx, channel, typ, data); err != nil {
		s.log.Warn("publish failed", "channel", channel, "type", typ, "err", err)
	}
}

// deliver pushes stored notifications to their users' channels.
func (s *Service) deliver(ctx context.Context, ns ...*makerlink.Notification) {
	for _, n := range ns {
		if n != nil {
			s.publish(ctx, "user:"+n.UserID, TypeNotification, n)
		}
	}
}

func forbidden(msg string) error { return makerlink.Errorf(makerlink.EForbidden, "%s", msg) }

func unauthorized() error {
	return makerlink.Errorf(makerlink.EUnauthorized, "Sign in first.")
}

// IsOrganizer reports whether u runs e (its organizer or an admin).
func IsOrganizer(u *makerlink.User, e *makerlink.Event) bool {
	return u != nil && (u.ID == e.OrganizerID || u.IsAdmin())
}

// organizerOf loads an event that u must run.
func (s *Service) organizerOf(ctx context.Context, u *makerlink.User, eventID string) (*makerlink.Event, error) {
	if u == nil {
		return nil, unauthorized()
	}
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if !IsOrganizer(u, e) {
		return nil, forbidden("Only the event's organizer may do this.")
	}
	return e, nil
}

// insider reports whether u is the organizer, an admin or a judge of e.
func (s *Service) insider(ctx context.Context, u *makerlink.User, e *makerlink.Event) (bool, error) {
	if u == nil {
		return false, nil
	}
	if IsOrganizer(u, e) {
		return true, nil
	}
	return s.st.IsJudge(ctx, e.ID, u.ID)
}

// PitchView is a pitch with its timer as of the server's clock.
type PitchView struct {
	*makerlink.Pitch
	// PhaseSeconds is the length of the current timed phase (pitch or
	// Q&A), 0 outside one.
	PhaseSeconds int `json:"phase_seconds"`
	// PhaseEndsAt is when the current phase is due to end.
	PhaseEndsAt *time.Time `json:"phase_ends_at"`
	// RemainingSeconds is PhaseEndsAt minus Now; negative in overtime.
	RemainingSeconds *float64 `json:"remaining_seconds"`
}

// EventView is an event with its pitches and the server's clock: a client
// that joins late computes the remaining time of the phase on stage from
// PhaseEndsAt and Now (correcting for its own clock's offset).
type EventView struct {
	*makerlink.Event
	Pitches        []PitchView `json:"pitches"`
	Now            time.Time   `json:"now"`
	ResultsVisible bool        `json:"results_visible"`
}

func (s *Service) view(e *makerlink.Event, pitches []*makerlink.Pitch) *EventView {
	now := s.now().UTC()
	v := &EventView{Event: e, Now: now, Pitches: make([]PitchView, len(pitches)), ResultsVisible: resultsVisible(e, pitches)}
	for i, p := range pitches {
		pv := PitchView{Pitch: p}
		if end := p.PhaseEnd(e); end != nil {
			rem := end.Sub(now).Seconds()
			rem = float64(int64(rem*1000)) / 1000
			pv.PhaseEndsAt, pv.RemainingSeconds = end, &rem
			pv.PhaseSeconds = e.PitchSeconds
			if p.State == makerlink.PitchQA {
				pv.PhaseSeconds = e.QASeconds
			}
		}
		v.Pitches[i] = pv
	}
	return v
}

// resultsVisible reports whether the audience may see the leaderboard.
func resultsVisible(e *makerlink.Event, pitches []*makerlink.Pitch) bool {
	if !e.HideResultsUntilClose || e.ResultsPublishedAt != nil {
		return true
	}
	if len(pitches) == 0 {
		return false
	}
	for _, p := range pitches {
		if !p.VotingClosed {
			return false
		}
	}
	return true
}

// View returns an event with its pitches and timers.
func (s *Service) View(ctx context.Context, eventID string) (*EventView, error) {
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return nil, err
	}
	return s.view(e, pitches), nil
}

// publishState pushes the event's state to its public room.
func (s *Service) publishState(ctx context.Context, eventID string) {
	if s.pub == nil {
		return
	}
	v, err := s.View(ctx, eventID)
	if err != nil {
		s.log.Warn("state for publishing", "event", eventID, "err", err)
		return
	}
	s.publish(ctx, "event:"+eventID, TypeState, v)
}

// CreateEvent creates an event run by u, who must hold the organizer role
// (or be an admin).
func (s *Service) CreateEvent(ctx context.Context, u *makerlink.User, e *makerlink.Event) error {
	if u == nil {
		return unauthorized()
	}
	if !u.Has(makerlink.RoleOrganizer) && !u.IsAdmin() {
		return forbidden("Only organizers create events; add the organizer role to your account.")
	}
	e.OrganizerID = u.ID
	e.ID, e.CurrentPitchID, e.ResultsPublishedAt = "", "", nil
	e.Normalize()
	if err := e.Validate(s.now()); err != nil {
		return err
	}
	return s.st.CreateEvent(ctx, e)
}

// Events lists events newest first.
func (s *Service) Events(ctx context.Context, f makerlink.EventFilter) ([]*makerlink.Event, string, error) {
	return s.st.FindEvents(ctx, f)
}

// noSuchStartup is the reply to a startup id that does not exist or that
// the caller may not see: the two are told apart by nobody.
func noSuchStartup() error {
	return &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
		Fields: []makerlink.FieldError{{Field: "startup_id", Code: makerlink.FInvalid, Message: "no such startup"}}}
}

// AddPitch adds a startup's slot (order 0: after the others) and recuses
// the judges the platform's data links to the startup. Event pages are
// public, so only a public startup may pitch: a startup u may not see
// ([makerlink.CanView], as GET /startups/{id} decides) is answered like an
// unknown id, one u sees but that is not public is EValidation on
// startup_id. After publish_results it is EConflict.
func (s *Service) AddPitch(ctx context.Context, u *makerlink.User, eventID, startupID string, order int) (*makerlink.Pitch, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	var v makerlink.Validation
	if strings.TrimSpace(startupID) == "" {
		v.Add("startup_id", makerlink.FRequired, "is required")
	}
	if order < 0 || order > 10000 {
		v.Add("order", makerlink.FOutOfRange, "must be between 1 and 10000 (0 or absent: after the others)")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	p := &makerlink.Pitch{EventID: eventID, StartupID: startupID, Order: order}
	if err := s.st.AddPitch(ctx, p, u.ID); err != nil {
		var hidden *makerlink.StartupNotPublicError
		switch {
		case errors.As(err, &hidden):
			if !makerlink.CanView(u, hidden.OwnerID, makerlink.Tags{Visibility: hidden.Visibility}) {
				return nil, noSuchStartup()
			}
			return nil, err
		case makerlink.ErrorCode(err) == makerlink.ENotFound && strings.Contains(makerlink.ErrorMessage(err), "Startup"):
			return nil, noSuchStartup()
		}
		return nil, fmt.Errorf("events: add pitch: %w", err)
	}
	judges, err := s.st.FindJudges(ctx, eventID)
	if err != nil {
		return nil, err
	}
	for _, j := range judges {
		if _, err := s.autoRecuse(ctx, j.UserID, p); err != nil {
			return nil, err
		}
	}
	s.publishState(ctx, eventID)
	s.markDirty(eventID, dirtyBoard|dirtyProgress)
	return p, nil
}

// AddJudgeByEmail adds the account with this e-mail address as a judge, as
// [Service.AddJudge] does. The organizer is checked first, so that only an
// organizer learns whether an address has an account (EValidation on
// "email" when none has).
func (s *Service) AddJudgeByEmail(ctx context.Context, u *makerlink.User, eventID, email string) (*makerlink.Judge, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "email", Code: makerlink.FRequired, Message: "is required"}}}
	}
	if s.users == nil {
		return nil, &makerlink.Error{Code: makerlink.EUnavailable, Message: "Accounts cannot be looked up by e-mail here; give the judge's user_id."}
	}
	acct, _, err := s.users.FindUserByEmail(ctx, email)
	if makerlink.ErrorCode(err) == makerlink.ENotFound {
		return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "email", Code: makerlink.FInvalid, Message: "no account has this address"}}}
	}
	if err != nil {
		return nil, err
	}
	return s.AddJudge(ctx, u, eventID, acct.ID)
}

// AddJudge makes an account a judge of the event, recuses it from the
// pitches the platform links it to and notifies it.
func (s *Service) AddJudge(ctx context.Context, u *makerlink.User, eventID, userID string) (*makerlink.Judge, error) {
	e, err := s.organizerOf(ctx, u, eventID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(userID) == "" {
		return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "user_id", Code: makerlink.FRequired, Message: "is required"}}}
	}
	j := &makerlink.Judge{EventID: eventID, UserID: userID}
	if err := s.st.AddJudge(ctx, j, u.ID); err != nil {
		if makerlink.ErrorCode(err) == makerlink.ENotFound && strings.Contains(makerlink.ErrorMessage(err), "Account") {
			return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
				Fields: []makerlink.FieldError{{Field: "user_id", Code: makerlink.FInvalid, Message: "no such account"}}}
		}
		return nil, err
	}
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return nil, err
	}
	for _, p := range pitches {
		if _, err := s.autoRecuse(ctx, userID, p); err != nil {
			return nil, err
		}
	}
	if s.notes != nil {
		data, _ := json.Marshal(map[string]string{"event_id": e.ID})
		n := &makerlink.Notification{UserID: userID, Type: makerlink.NotifyJudgeAssigned, Data: data,
			Title: makerlink.Text{ZH: "您已受邀担任「" + e.Name + "」评委", EN: "You are a judge of " + e.Name}}
		if err := s.notes.CreateNotification(ctx, n); err != nil {
			s.log.Warn("judge notification", "event", eventID, "err", err)
		} else {
			s.deliver(ctx, n)
		}
	}
	s.markDirty(eventID, dirtyBoard|dirtyProgress)
	return j, nil
}

// Judges lists an event's judges.
func (s *Service) Judges(ctx context.Context, eventID string) ([]*makerlink.Judge, error) {
	if _, err := s.st.FindEvent(ctx, eventID); err != nil {
		return nil, err
	}
	return s.st.FindJudges(ctx, eventID)
}

// conflicts applies the conflict-of-interest rules to a judge and a pitch.
func (s *Service) conflicts(ctx context.Context, judgeID string, p *makerlink.Pitch) ([]*makerlink.Recusal, error) {
	f, err := s.st.ConflictFacts(ctx, judgeID, p.StartupID)
	if err != nil {
		return nil, err
	}
	if f.StartupName == "" {
		f.StartupName = p.StartupName
	}
	if f.OwnerID == "" {
		f.OwnerID = p.FounderID
	}
	if s.relations != nil {
		rel, err := s.relations.StartupRelations(ctx, judgeID, p.StartupID)
		if err != nil {
			return nil, err
		}
		f.Relations = rel
	}
	var out []*makerlink.Recusal
	for _, r := range makerlink.Conflicts(*f) {
		out = append(out, &makerlink.Recusal{EventID: p.EventID, PitchID: p.ID, JudgeID: judgeID, Reason: r.Reason, Detail: r.Detail})
	}
	return out, nil
}

// autoRecuse records the recusals the rules give for a judge and a pitch.
func (s *Service) autoRecuse(ctx context.Context, judgeID string, p *makerlink.Pitch) ([]*makerlink.Recusal, error) {
	rs, err := s.conflicts(ctx, judgeID, p)
	if err != nil || len(rs) == 0 {
		return rs, err
	}
	if _, err := s.st.Recuse(ctx, rs, SystemActor); err != nil {
		return nil, err
	}
	return rs, nil
}

// Control applies an organizer's action, pushes the new state and the
// notifications it caused, and returns the event's view.
func (s *Service) Control(ctx context.Context, u *makerlink.User, eventID, action, pitchID string) (*EventView, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	if !containsString(makerlink.ControlActions, action) {
		return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "action", Code: makerlink.FUnknown,
				Message: "must be one of " + strings.Join(makerlink.ControlActions, ", ")}}}
	}
	if action == makerlink.ActionPublishResults {
		if err := s.somePitchStarted(ctx, eventID); err != nil {
			return nil, err
		}
	}
	res, err := s.st.Control(ctx, makerlink.ControlRequest{EventID: eventID, ActorID: u.ID, Action: action, PitchID: pitchID})
	if err != nil {
		return nil, err
	}
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return nil, err
	}
	v := s.view(res.Event, pitches)
	s.publish(ctx, "event:"+eventID, TypeState, v)
	s.deliver(ctx, res.Notifications...)
	s.markDirty(eventID, dirtyBoard|dirtyProgress)
	return v, nil
}

// somePitchStarted is nil when a pitch of the event has started, else
// EConflict: publishing the results of an event where nothing happened
// would only freeze it.
func (s *Service) somePitchStarted(ctx context.Context, eventID string) error {
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return fmt.Errorf("pitches of event %s: %w", eventID, err)
	}
	for _, p := range pitches {
		if p.State != makerlink.PitchScheduled {
			return nil
		}
	}
	return makerlink.Errorf(makerlink.EConflict, "No pitch of this event has started yet: there are no results to publish.")
}

// MyScore returns the judge u's own score of a pitch, or nil (and no
// error) when u has not scored it yet. EUnauthorized without u,
// EForbidden when u is not a judge of the event, ENotFound for a missing
// event or pitch.
func (s *Service) MyScore(ctx context.Context, u *makerlink.User, eventID, pitchID string) (*makerlink.Score, error) {
	if _, err := s.judgedEvent(ctx, u, eventID, "Only the judges of this event have scores of it."); err != nil {
		return nil, err
	}
	if _, err := s.st.FindPitch(ctx, eventID, pitchID); err != nil {
		return nil, err
	}
	scores, err := s.st.FindScores(ctx, eventID)
	if err != nil {
		return nil, fmt.Errorf("scores of event %s: %w", eventID, err)
	}
	for _, sc := range scores {
		if sc.PitchID == pitchID && sc.JudgeID == u.ID {
			return sc, nil
		}
	}
	return nil, nil
}

// judgedEvent returns the event when u is one of its judges: unauthorized
// without u, forbidden (with refusal) for anyone else.
func (s *Service) judgedEvent(ctx context.Context, u *makerlink.User, eventID, refusal string) (*makerlink.Event, error) {
	if u == nil {
		return nil, unauthorized()
	}
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	ok, err := s.st.IsJudge(ctx, eventID, u.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbidden(refusal)
	}
	return e, nil
}

// SetScore stores the judge u's score of a pitch. A judge the platform's
// data links to the startup is recused on the spot: the score is refused
// with conflict_of_interest and the audit log says why.
func (s *Service) SetScore(ctx context.Context, u *makerlink.User, eventID, pitchID string, scores map[string]float64, comment string) (*makerlink.Score, error) {
	e, err := s.judgedEvent(ctx, u, eventID, "Only the judges of this event may score it.")
	if err != nil {
		return nil, err
	}
	if code := makerlink.CheckText(comment, makerlink.MaxCommentRunes); code != "" {
		return nil, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "comment", Code: code, Message: "must be text of at most 2000 characters"}}}
	}
	if err := makerlink.ValidateScores(e.Rubric, scores); err != nil {
		return nil, err
	}
	p, err := s.st.FindPitch(ctx, eventID, pitchID)
	if err != nil {
		return nil, err
	}
	added, err := s.autoRecuse(ctx, u.ID, p)
	if err != nil {
		return nil, err
	}
	if len(added) > 0 {
		s.markDirty(eventID, dirtyBoard|dirtyProgress)
	}
	sc := &makerlink.Score{EventID: eventID, PitchID: pitchID, JudgeID: u.ID, Scores: scores, Comment: comment}
	if err := s.st.SetScore(ctx, sc); err != nil {
		return nil, err
	}
	s.markDirty(eventID, dirtyBoard|dirtyProgress)
	return sc, nil
}

// Recuse records a judge's own declaration of a conflict with a pitch.
// It is idempotent: a second declaration for the same pitch stores
// nothing and returns the stored one with created false (its reason is
// the first one's).
func (s *Service) Recuse(ctx context.Context, u *makerlink.User, eventID, pitchID, reason string) (rec *makerlink.Recusal, created bool, err error) {
	if u == nil {
		return nil, false, unauthorized()
	}
	reason = strings.TrimSpace(reason)
	var v makerlink.Validation
	switch {
	case reason == "":
		v.Add("reason", makerlink.FRequired, "say why you are recusing yourself")
	case makerlink.CheckText(reason, makerlink.MaxShortText) != "":
		v.Add("reason", makerlink.CheckText(reason, makerlink.MaxShortText), "must be text of at most 300 characters")
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	if _, err := s.st.FindEvent(ctx, eventID); err != nil {
		return nil, false, err
	}
	ok, err := s.st.IsJudge(ctx, eventID, u.ID)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, forbidden("Only the judges of this event may recuse themselves.")
	}
	r := &makerlink.Recusal{EventID: eventID, PitchID: pitchID, JudgeID: u.ID, Reason: makerlink.RecuseDeclared, Detail: reason}
	added, err := s.st.Recuse(ctx, []*makerlink.Recusal{r}, u.ID)
	if err != nil {
		return nil, false, err
	}
	if len(added) == 1 {
		s.markDirty(eventID, dirtyBoard|dirtyProgress)
		return added[0], true, nil
	}
	all, err := s.st.FindRecusals(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	for _, x := range all {
		if x.PitchID == pitchID && x.JudgeID == u.ID && x.Reason == makerlink.RecuseDeclared {
			return x, false, nil
		}
	}
	return nil, false, fmt.Errorf("events: recusal of %s from %s neither stored nor found", u.ID, pitchID)
}

// Vote stores u's audience vote. It returns once the vote is committed.
func (s *Service) Vote(ctx context.Context, u *makerlink.User, eventID, pitchID string) (*makerlink.Vote, error) {
	if u == nil {
		return nil, unauthorized()
	}
	v := &makerlink.Vote{EventID: eventID, PitchID: pitchID, UserID: u.ID}
	if err := s.st.CastVote(ctx, v); err != nil {
		return nil, err
	}
	s.markDirty(eventID, dirtyBoard)
	return v, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
