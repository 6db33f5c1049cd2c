package matching

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"makerlink"
)

// ServiceOptions configure a [Service]. Store is required.
type ServiceOptions struct {
	// Store is the system of record: profiles and their change feed.
	Store makerlink.ProfileStore
	// Feedback persists saves and dismissals and reads the connection
	// signals; nil keeps feedback in memory only and uses no signals.
	Feedback makerlink.MatchStore
	// Engine ranks; nil means NewEngine(Options{}).
	Engine *Engine
	// Interval between polls of the change feed (default 200 ms, so a
	// profile change re-ranks within a second).
	Interval time.Duration
	// SignalsInterval between reads of the connection signals (open
	// requests, mentees, accepted intros, pipelines; default 10 s).
	SignalsInterval time.Duration
	// OnError receives the errors of background polls (which are retried);
	// nil drops them. The package does not log.
	OnError func(error)
}

// Service is the [makerlink.MatchService] of the server: an [Engine] kept
// up to date with the store's change feed, with feedback stored through a
// [makerlink.MatchStore]. Start it with [Service.Run] (or [Service.Load]
// then [Service.Sync] calls); until it has loaded, queries answer
// EUnavailable.
type Service struct {
	e   *Engine
	opt ServiceOptions

	kick chan struct{}

	mu     sync.Mutex // one load, sync or signals refresh at a time
	loaded bool
	cursor int64
	// signalsAt is when the signals were last read; signalsStale asks the
	// next query to read them again ([Service.SignalsChanged]).
	signalsAt    time.Time
	signalsStale atomic.Bool
	signals      struct {
		open     map[makerlink.ProfileRef]int
		mentees  map[string]int
		paused   map[string]bool
		passed   map[string][]string // investor profile id -> startups
		interest map[ref][]string
	}
}

var _ makerlink.MatchService = (*Service)(nil)

// systemViewer sees every profile.
var systemViewer = &makerlink.User{ID: "system:matching", Roles: []makerlink.Role{makerlink.RoleAdmin}}

// NewService returns a service; call [Service.Run] to fill and follow.
func NewService(opt ServiceOptions) *Service {
	if opt.Store == nil {
		panic("matching.NewService: no store")
	}
	if opt.Engine == nil {
		opt.Engine = NewEngine(Options{})
	}
	if opt.Interval <= 0 {
		opt.Interval = 200 * time.Millisecond
	}
	if opt.SignalsInterval <= 0 {
		opt.SignalsInterval = 10 * time.Second
	}
	return &Service{e: opt.Engine, opt: opt, kick: make(chan struct{}, 1)}
}

// Engine returns the engine the service keeps.
func (s *Service) Engine() *Engine { return s.e }

// Run loads the engine (unless [Service.Load] already did), then follows
// the change feed and refreshes the signals until ctx ends. Poll errors go
// to OnError and are retried.
func (s *Service) Run(ctx context.Context) error {
	for s.ready() != nil {
		err := s.Load(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		s.report(err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
	t := time.NewTicker(s.opt.Interval)
	defer t.Stop()
	lastSignals := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.kick:
		}
		if _, err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.report(err)
		}
		if time.Since(lastSignals) >= s.opt.SignalsInterval {
			lastSignals = time.Now()
			if err := s.RefreshSignals(ctx); err != nil && ctx.Err() == nil {
				s.report(err)
			}
		}
	}
}

func (s *Service) report(err error) {
	if s.opt.OnError != nil {
		s.opt.OnError(err)
	}
}

// Kick asks a running [Service.Run] to poll the change feed now, e.g. right
// after a write on this node.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Load fills the engine with every profile, the stored feedback and the
// signals, and records the change feed's position (read first, so that no
// change made during the load is missed).
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	head, err := makerlink.FeedHead(ctx, s.opt.Store)
	if err != nil {
		return err
	}
	var ps []makerlink.Profile
	cursor := ""
	for {
		recs, next, err := s.opt.Store.FindProfiles(ctx, makerlink.ProfileFilter{Viewer: systemViewer, Limit: 100, Cursor: cursor})
		if err != nil {
			return fmt.Errorf("matching: list profiles: %w", err)
		}
		for _, rec := range recs {
			p, err := rec.Decode()
			if err != nil {
				return err
			}
			ps = append(ps, p)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if err := s.e.UpsertAll(ps); err != nil {
		return fmt.Errorf("matching: load profiles: %w", err)
	}
	if s.opt.Feedback != nil {
		fbs, err := s.opt.Feedback.FindMatchFeedback(ctx)
		if err != nil {
			return fmt.Errorf("matching: load feedback: %w", err)
		}
		for _, f := range fbs {
			if err := s.e.SetFeedback(f.FromKind, f.FromID, f.ToKind, f.ToID, f.Action); err != nil {
				continue // kinds or actions this version does not know
			}
		}
	}
	s.cursor = head
	s.loaded = true
	return s.refreshSignalsLocked(ctx)
}

// Sync applies the changes of the feed after the recorded position and
// returns how many it applied.
func (s *Service) Sync(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		return 0, makerlink.Errorf(makerlink.EUnavailable, "Matching is loading.")
	}
	const batch = 1000
	n := 0
	for {
		cs, err := s.opt.Store.ProfileChanges(ctx, s.cursor, batch)
		if err != nil {
			return n, fmt.Errorf("matching: read change feed: %w", err)
		}
		for _, c := range cs {
			if err := s.apply(ctx, c); err != nil {
				return n, err
			}
			s.cursor = c.Seq
			n++
		}
		if len(cs) < batch {
			return n, nil
		}
	}
}

func (s *Service) apply(ctx context.Context, c makerlink.ProfileChange) error {
	if c.Deleted {
		s.e.Remove(c.Kind, c.ID)
		return nil
	}
	rec, err := s.opt.Store.FindProfileRecord(ctx, c.Kind, c.ID)
	if makerlink.ErrorCode(err) == makerlink.ENotFound {
		s.e.Remove(c.Kind, c.ID) // deleted by a later change
		return nil
	}
	if err != nil {
		return fmt.Errorf("matching: read %s %s: %w", c.Kind, c.ID, err)
	}
	p, err := rec.Decode()
	if err != nil {
		return err
	}
	return s.e.Upsert(p)
}

// RefreshSignals reads the connection signals and applies what changed:
// open requests (exposure), active mentees (capacity), accepted intros,
// mentorships and pipeline entries (portfolio signal).
func (s *Service) RefreshSignals(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshSignalsLocked(ctx)
}

func (s *Service) refreshSignalsLocked(ctx context.Context) error {
	if s.opt.Feedback == nil {
		return nil
	}
	sig, err := s.opt.Feedback.MatchSignals(ctx)
	if err != nil {
		return fmt.Errorf("matching: read signals: %w", err)
	}
	s.signalsAt = time.Now()
	for r := range s.signals.open {
		if _, ok := sig.OpenRequests[r]; !ok {
			s.e.SetOpenRequests(r.Kind, r.ID, 0)
		}
	}
	for r, n := range sig.OpenRequests {
		if s.signals.open[r] != n {
			s.e.SetOpenRequests(r.Kind, r.ID, n)
		}
	}
	s.signals.open = sig.OpenRequests
	for id := range s.signals.mentees {
		if _, ok := sig.Mentees[id]; !ok {
			s.e.SetMentees(id, 0)
		}
	}
	for id, n := range sig.Mentees {
		if s.signals.mentees[id] != n {
			s.e.SetMentees(id, n)
		}
	}
	s.signals.mentees = sig.Mentees
	for id := range s.signals.paused {
		if !sig.Paused[id] {
			s.e.SetPaused(id, false)
		}
	}
	for id := range sig.Paused {
		if !s.signals.paused[id] {
			s.e.SetPaused(id, true)
		}
	}
	s.signals.paused = sig.Paused
	passed := map[string][]string{}
	for user, ids := range sig.Passed {
		for _, inv := range s.e.ProfilesOf(makerlink.KindInvestor, user) {
			passed[inv] = append(passed[inv], ids...)
		}
	}
	for inv := range s.signals.passed {
		if _, ok := passed[inv]; !ok {
			s.e.SetPassed(inv, nil)
		}
	}
	for inv, ids := range passed {
		s.e.SetPassed(inv, ids)
	}
	s.signals.passed = passed
	interest := map[ref][]string{}
	for r, ids := range sig.Interest {
		k := ref{r.Kind, r.ID}
		interest[k] = append(interest[k], ids...)
	}
	for user, ids := range sig.Pipeline {
		for _, inv := range s.e.ProfilesOf(makerlink.KindInvestor, user) {
			k := ref{makerlink.KindInvestor, inv}
			interest[k] = append(interest[k], ids...)
		}
	}
	for r := range s.signals.interest {
		if _, ok := interest[r]; !ok {
			s.e.SetInterest(r.kind, r.id, nil)
		}
	}
	for r, ids := range interest {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		interest[r] = ids
		s.e.SetInterest(r.kind, r.id, ids) // a no-op when unchanged
	}
	s.signals.interest = interest
	return nil
}

// SignalsChanged tells the service that a connection signal changed on
// this node (an introduction asked or answered, a mentorship ended, a
// mentor paused, a pipeline moved): the next query reads the signals
// before it ranks, so its asker sees the change at once.
func (s *Service) SignalsChanged() { s.signalsStale.Store(true) }

// querySignalsAge is how old the signals may be when a query ranks: older
// ones are read again first (changes made through another node show
// within this time).
const querySignalsAge = time.Second

// catchUp brings the engine up to date before a query: the profile
// changes of the feed since the last poll (a profile just created or
// edited is ranked as it is now), and the signals when they were marked
// changed or are older than [querySignalsAge]. Errors are reported and the
// query answers from what the engine holds.
func (s *Service) catchUp(ctx context.Context) {
	if _, err := s.Sync(ctx); err != nil {
		s.report(err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signalsStale.Swap(false) || time.Since(s.signalsAt) > querySignalsAge {
		if err := s.refreshSignalsLocked(ctx); err != nil {
			s.signalsStale.Store(true)
			s.report(err)
		}
	}
}

func (s *Service) ready() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		return makerlink.Errorf(makerlink.EUnavailable, "Matching is still loading; try again in a moment.")
	}
	return nil
}

// Matches implements [makerlink.MatchService].
func (s *Service) Matches(ctx context.Context, q makerlink.MatchQuery) ([]makerlink.Match, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	s.catchUp(ctx)
	return s.e.Match(q)
}

// Feedback implements [makerlink.MatchService]: it checks the viewer owns
// the profile the match was for (or is an admin), stores the feedback and
// applies it at once.
func (s *Service) Feedback(ctx context.Context, viewer *makerlink.User, f makerlink.MatchFeedback) error {
	if err := s.ready(); err != nil {
		return err
	}
	var v makerlink.Validation
	if f.Action != makerlink.MatchSave && f.Action != makerlink.MatchDismiss {
		v.Add("action", makerlink.FUnknown, "must be save or dismiss")
	}
	if !slices.Contains(Directions, Direction{f.FromKind, f.ToKind}) {
		v.Add("to_kind", makerlink.FInvalid, "a "+string(f.FromKind)+" profile has no "+string(f.ToKind)+" matches")
	}
	for _, x := range []struct{ field, v string }{{"from_id", f.FromID}, {"to_id", f.ToID}} {
		if x.v == "" {
			v.Add(x.field, makerlink.FRequired, "is required")
		} else if makerlink.CheckText(x.v, makerlink.MaxName) != "" {
			v.Add(x.field, makerlink.FInvalid, "is not an id")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	owner, ok := s.e.Owner(f.FromKind, f.FromID)
	if !ok {
		return makerlink.Errorf(makerlink.ENotFound, "%s %q not found", f.FromKind, f.FromID)
	}
	if !makerlink.CanEdit(viewer, owner) {
		return makerlink.Errorf(makerlink.EForbidden, "Only the owner of the profile or an admin gives feedback on its matches.")
	}
	if _, ok := s.e.Owner(f.ToKind, f.ToID); !ok {
		return makerlink.Errorf(makerlink.ENotFound, "%s %q not found", f.ToKind, f.ToID)
	}
	if viewer != nil {
		f.UserID = viewer.ID
	}
	if s.opt.Feedback != nil {
		if err := s.opt.Feedback.SaveMatchFeedback(ctx, &f); err != nil {
			return err
		}
	}
	return s.e.SetFeedback(f.FromKind, f.FromID, f.ToKind, f.ToID, f.Action)
}

// MaxCohort bounds the startups of one mentor assignment.
const MaxCohort = 500

// MentorAssignments implements [makerlink.MatchService].
func (s *Service) MentorAssignments(ctx context.Context, viewer *makerlink.User, spaceID string, startupIDs, mentorIDs []string) ([]makerlink.MentorAssignment, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	s.catchUp(ctx)
	startupIDs, mentorIDs = distinct(startupIDs), distinct(mentorIDs)
	for _, id := range startupIDs {
		if viewer != nil && !s.e.CanView(viewer, makerlink.KindStartup, id) {
			return nil, makerlink.Errorf(makerlink.ENotFound, "startup %q not found", id)
		}
	}
	if len(startupIDs) == 0 {
		startupIDs = s.e.StartupsInSpace(spaceID)
	}
	if len(mentorIDs) == 0 {
		mentorIDs = s.e.MentorsWithPlaces()
	}
	if len(startupIDs) > MaxCohort {
		return nil, makerlink.Errorf(makerlink.EValidation, "At most %d startups per assignment.", MaxCohort)
	}
	out, err := s.e.Cohort(startupIDs, mentorIDs)
	if out == nil && err == nil {
		out = []makerlink.MentorAssignment{}
	}
	return out, err
}

// distinct returns ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
