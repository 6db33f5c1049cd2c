package events

import (
	"context"
	"time"

	"makerlink"
)

// computeBoard builds the full leaderboard and reports whether the
// audience may see it.
func (s *Service) computeBoard(ctx context.Context, eventID string) (*makerlink.Leaderboard, bool, error) {
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	scores, err := s.st.FindScores(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	recusals, err := s.st.FindRecusals(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	version, err := s.st.BoardVersion(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	votes, err := s.st.CountVotes(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	lb := makerlink.BuildLeaderboard(e, pitches, scores, recusals, votes)
	lb.Version = version
	for _, n := range votes {
		lb.Version += n
	}
	return lb, resultsVisible(e, pitches), nil
}

// board returns the leaderboard, from a cache younger than the board
// interval (at most 100 ms) when this node changed nothing since.
func (s *Service) board(ctx context.Context, eventID string) (*makerlink.Leaderboard, bool, error) {
	s.mu.Lock()
	cb, ok := s.boards[eventID]
	s.mu.Unlock()
	if ok && s.now().Sub(cb.at) < min(s.interval, DefaultBoardInterval) {
		return cb.lb, cb.visible, nil
	}
	lb, visible, err := s.computeBoard(ctx, eventID)
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	if _, dirty := s.dirty[eventID]; !dirty {
		s.boards[eventID] = cachedBoard{lb: lb, visible: visible, at: s.now()}
	}
	s.mu.Unlock()
	return lb, visible, nil
}

// hiddenBoard is what the audience gets while the results are hidden.
func hiddenBoard(lb *makerlink.Leaderboard) *makerlink.Leaderboard {
	return &makerlink.Leaderboard{EventID: lb.EventID, Version: lb.Version, Ranking: lb.Ranking, Hidden: true,
		Items: []makerlink.LeaderboardItem{}}
}

// Leaderboard returns the event's leaderboard as viewer (nil when
// anonymous) may see it: the organizer, admins and judges always see the
// results; the audience sees them unless the event hides them until
// voting closes.
func (s *Service) Leaderboard(ctx context.Context, viewer *makerlink.User, eventID string) (*makerlink.Leaderboard, error) {
	lb, visible, err := s.board(ctx, eventID)
	if err != nil {
		return nil, err
	}
	if visible {
		return lb, nil
	}
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	ok, err := s.insider(ctx, viewer, e)
	if err != nil {
		return nil, err
	}
	if ok {
		return lb, nil
	}
	return hiddenBoard(lb), nil
}

// JudgeProgress is how far a judge is with the event's scoring.
type JudgeProgress struct {
	UserID   string   `json:"user_id"`
	Name     string   `json:"name"`
	Scored   int      `json:"scored"`   // pitches scored (recused ones excluded)
	Expected int      `json:"expected"` // started pitches the judge is not recused from
	Recused  []string `json:"recused"`  // pitch ids
}

// PitchProgress is how the judging of one pitch stands.
type PitchProgress struct {
	PitchID      string               `json:"pitch_id"`
	StartupName  string               `json:"startup_name"`
	Order        int                  `json:"order"`
	State        string               `json:"state"`
	Scored       int                  `json:"scored"`   // non-recused judges who scored
	Expected     int                  `json:"expected"` // non-recused judges
	Missing      []string             `json:"missing"`  // non-recused judges who have not scored (once started)
	Spread       float64              `json:"spread"`
	StdDev       float64              `json:"stddev"`
	Disagreement bool                 `json:"disagreement"`
	Recusals     []*makerlink.Recusal `json:"recusals"`
}

// Progress is the organizer's view of the judging.
type Progress struct {
	EventID string          `json:"event_id"`
	Judges  []JudgeProgress `json:"judges"`
	Pitches []PitchProgress `json:"pitches"`
}

// Progress returns the judges' progress and the pitches where they
// disagree widely. Only the organizer (or an admin) may see it.
func (s *Service) Progress(ctx context.Context, u *makerlink.User, eventID string) (*Progress, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	return s.progress(ctx, eventID)
}

func (s *Service) progress(ctx context.Context, eventID string) (*Progress, error) {
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	pitches, err := s.st.FindPitches(ctx, eventID)
	if err != nil {
		return nil, err
	}
	judges, err := s.st.FindJudges(ctx, eventID)
	if err != nil {
		return nil, err
	}
	scores, err := s.st.FindScores(ctx, eventID)
	if err != nil {
		return nil, err
	}
	recusals, err := s.st.FindRecusals(ctx, eventID)
	if err != nil {
		return nil, err
	}
	type key struct{ pitch, judge string }
	recused := map[key]bool{}
	byPitch := map[string][]*makerlink.Recusal{}
	for _, r := range recusals {
		recused[key{r.PitchID, r.JudgeID}] = true
		byPitch[r.PitchID] = append(byPitch[r.PitchID], r)
	}
	scored := map[key]bool{}
	for _, sc := range scores {
		scored[key{sc.PitchID, sc.JudgeID}] = true
	}
	lb := makerlink.BuildLeaderboard(e, pitches, scores, recusals, nil)
	items := map[string]makerlink.LeaderboardItem{}
	for _, it := range lb.Items {
		items[it.PitchID] = it
	}
	out := &Progress{EventID: eventID, Judges: []JudgeProgress{}, Pitches: []PitchProgress{}}
	for _, j := range judges {
		jp := JudgeProgress{UserID: j.UserID, Name: j.Name, Recused: []string{}}
		for _, p := range pitches {
			k := key{p.ID, j.UserID}
			switch {
			case recused[k]:
				jp.Recused = append(jp.Recused, p.ID)
			case p.State != makerlink.PitchScheduled:
				jp.Expected++
				if scored[k] {
					jp.Scored++
				}
			}
		}
		out.Judges = append(out.Judges, jp)
	}
	for _, p := range pitches {
		it := items[p.ID]
		pp := PitchProgress{PitchID: p.ID, StartupName: p.StartupName, Order: p.Order, State: p.State,
			Scored: it.Judges, Spread: it.Spread, StdDev: it.StdDev, Disagreement: it.Disagreement,
			Missing: []string{}, Recusals: byPitch[p.ID]}
		if pp.Recusals == nil {
			pp.Recusals = []*makerlink.Recusal{}
		}
		seen := map[string]bool{}
		for _, j := range judges {
			if recused[key{p.ID, j.UserID}] || seen[j.UserID] {
				continue
			}
			seen[j.UserID] = true
			pp.Expected++
			if p.State != makerlink.PitchScheduled && !scored[key{p.ID, j.UserID}] {
				pp.Missing = append(pp.Missing, j.UserID)
			}
		}
		out.Pitches = append(out.Pitches, pp)
	}
	return out, nil
}

// loop publishes dirty leaderboards and progress, at most once per board
// interval per event.
// An idle service sleeps until a change wakes it.
func (s *Service) loop() {
	defer s.wg.Done()
	last := s.now()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-s.stop:
			s.flush(true)
			return
		case <-s.wake:
		}
		for {
			if wait := s.interval - s.now().Sub(last); wait > 0 {
				timer.Reset(wait)
				select {
				case <-s.stop:
					timer.Stop()
					s.flush(true)
					return
				case <-timer.C:
				}
			}
			last = s.now()
			s.flush(false)
			s.mu.Lock()
			more := len(s.dirty) > 0
			s.mu.Unlock()
			if !more {
				break
			}
		}
	}
}

// flush publishes the dirty events whose slot this node gets.
func (s *Service) flush(final bool) {
	s.mu.Lock()
	if len(s.dirty) == 0 {
		s.mu.Unlock()
		return
	}
	work := make(map[string]uint8, len(s.dirty))
	for id, bits := range s.dirty {
		work[id] = bits
	}
	clear(s.dirty)
	s.mu.Unlock()
	for id, bits := range work {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if !final && s.rb != nil && !s.rb.slot(ctx, id, s.interval) {
			// Another node published this event within the interval; try
			// again at the next tick so that this node's changes show.
			s.mu.Lock()
			s.dirty[id] |= bits
			s.mu.Unlock()
			cancel()
			continue
		}
		if bits&dirtyBoard != 0 {
			s.publishBoard(ctx, id)
		}
		if bits&dirtyProgress != 0 {
			s.publishProgress(ctx, id)
		}
		cancel()
	}
}

func (s *Service) publishBoard(ctx context.Context, eventID string) {
	lb, visible, err := s.computeBoard(ctx, eventID)
	if err != nil {
		s.log.Warn("leaderboard", "event", eventID, "err", err)
		return
	}
	s.mu.Lock()
	if _, dirty := s.dirty[eventID]; !dirty {
		s.boards[eventID] = cachedBoard{lb: lb, visible: visible, at: s.now()}
	}
	wasHidden := s.hidden[eventID]
	s.hidden[eventID] = !visible
	s.mu.Unlock()
	if s.rb != nil {
		if err := s.rb.store(ctx, lb); err != nil {
			s.log.Warn("leaderboard sorted set", "event", eventID, "err", err)
		}
	}
	sent := s.now().UTC()
	s.publish(ctx, "event:"+eventID+":judges", TypeLeaderboard, BoardMessage{lb, sent})
	switch {
	case visible:
		s.publish(ctx, "event:"+eventID, TypeLeaderboard, BoardMessage{lb, sent})
	case !wasHidden:
		s.publish(ctx, "event:"+eventID, TypeLeaderboard, BoardMessage{hiddenBoard(lb), sent})
	}
}

// BoardMessage is the data of a "leaderboard" message: the leaderboard and
// when the server sent it (clients and load tests measure staleness).
type BoardMessage struct {
	*makerlink.Leaderboard
	SentAt time.Time `json:"sent_at"`
}

func (s *Service) publishProgress(ctx context.Context, eventID string) {
	if s.pub == nil {
		return
	}
	p, err := s.progress(ctx, eventID)
	if err != nil {
		s.log.Warn("progress", "event", eventID, "err", err)
		return
	}
	s.publish(ctx, "event:"+eventID+":judges", TypeProgress, p)
}
