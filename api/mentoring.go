package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Mentoring: a mentor takes mentees (accepted mentor intros) up to the
// capacity of their profile and may pause. GET /mentors/{id}/mentoring is
// public: free slots, paused, response rate and median time to answer.

// mentorState computes a mentor's availability and responsiveness.
func (s *Server) mentorState(ctx context.Context, cs makerlink.ConnectionStore, m *makerlink.Mentor) (*makerlink.MentorState, error) {
	avail, err := makerlink.ReadMentorAvailability(ctx, cs, m)
	if err != nil {
		return nil, err
	}
	timings, err := cs.IntroTimings(ctx, makerlink.KindMentor, m.ID, s.now().Add(-makerlink.StatsWindow))
	if err != nil {
		return nil, err
	}
	for i := range timings {
		// Overdue requests the sweep has not closed yet count as expired.
		in := makerlink.Intro{Status: timings[i].Status, CreatedAt: timings[i].CreatedAt}
		if in.Overdue(s.now()) {
			timings[i].Status = makerlink.IntroExpired
		}
	}
	st := &makerlink.MentorState{MentorID: m.ID, Capacity: m.Capacity, Active: avail.Active, Paused: avail.Paused,
		Open: avail.Open, ResponseStats: makerlink.ComputeResponseStats(timings)}
	st.Accepting = !st.Paused && st.Open > 0
	return st, nil
}

// loadMentor returns the mentor profile of the path's id.
func (s *Server) loadMentor(c *fiber.Ctx) (*makerlink.Mentor, error) {
	p, err := s.store.FindProfile(c.UserContext(), makerlink.KindMentor, pathID(c, "id"))
	if err != nil {
		return nil, err
	}
	return p.(*makerlink.Mentor), nil
}

// ownMentor returns the path's mentor when the caller owns it (or is an
// admin): 403 otherwise.
func (s *Server) ownMentor(c *fiber.Ctx) (*makerlink.Mentor, error) {
	m, err := s.loadMentor(c)
	if err != nil {
		return nil, err
	}
	if !makerlink.CanEdit(viewer(c), m.OwnerID) {
		return nil, makerlink.Errorf(makerlink.EForbidden, "Only the mentor may manage their mentoring.")
	}
	return m, nil
}

// mentoringState handles GET /mentors/{id}/mentoring.
func (s *Server) mentoringState(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	m, err := s.loadMentor(c)
	if err != nil {
		return err
	}
	st, err := s.mentorState(c.UserContext(), cs, m)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// mentoringUpdate is the body of PUT /mentors/{id}/mentoring.
type mentoringUpdate struct {
	Paused *bool `json:"paused"`
}

// putMentoring handles PUT /mentors/{id}/mentoring {"paused": bool}.
func (s *Server) putMentoring(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	var u mentoringUpdate
	if err := decodeJSON(c.Body(), &u); err != nil {
		return err
	}
	if u.Paused == nil {
		var v makerlink.Validation
		v.Add("paused", makerlink.FRequired, "is required")
		return v.Err()
	}
	m, err := s.ownMentor(c)
	if err != nil {
		return err
	}
	if err := cs.SetMentorPaused(c.UserContext(), m.ID, *u.Paused); err != nil {
		return err
	}
	st, err := s.mentorState(c.UserContext(), cs, m)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// listMentees handles GET /mentors/{id}/mentees (the mentor only).
func (s *Server) listMentees(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	m, err := s.ownMentor(c)
	if err != nil {
		return err
	}
	list, err := cs.FindMentorships(c.UserContext(), m.ID, c.Query("active") == "true")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(list, ""))
}

// endMentorship handles POST /mentors/{id}/mentees/{startup_id}/end: the
// mentor or the startup's founder ends it, freeing a slot.
func (s *Server) endMentorship(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	m, err := s.loadMentor(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	sid := pathID(c, "startup_id")
	if !makerlink.CanEdit(u, m.OwnerID) {
		rec, err := s.store.FindProfileRecord(ctx, makerlink.KindStartup, sid)
		if err != nil || rec.OwnerID != u.ID {
			return makerlink.Errorf(makerlink.ENotFound, "Mentorship not found.")
		}
	}
	if err := cs.EndMentorship(ctx, m.ID, sid); err != nil {
		return err
	}
	s.notifyMentorshipEnded(ctx, m, sid, u)
	st, err := s.mentorState(ctx, cs, m)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// notifyMentorshipEnded tells the other side that u ended the mentorship
// of startup sid by mentor m. The mentorship has ended whatever happens
// here: a notification that cannot be stored is logged.
func (s *Server) notifyMentorshipEnded(ctx context.Context, m *makerlink.Mentor, sid string, u *makerlink.User) {
	ns, ok := s.store.(makerlink.NotificationStore)
	if !ok {
		return
	}
	rec, err := s.store.FindProfileRecord(ctx, makerlink.KindStartup, sid)
	if err != nil {
		return // the startup is gone: nobody to tell on its side
	}
	p, err := rec.Decode()
	if err != nil {
		return
	}
	name := p.Tags().Name
	byMentor := u.ID != rec.OwnerID
	to := rec.OwnerID
	if !byMentor {
		to = m.OwnerID
	}
	if to == u.ID {
		return
	}
	n := makerlink.MentorshipEndedNotification(to, m.ID, m.Name, sid, name, byMentor)
	if err := ns.CreateNotification(ctx, n); err != nil {
		s.log.Warn("mentorship ended: notification not stored", "mentor", m.ID, "startup", sid, "err", err)
		return
	}
	s.push(ctx, []*makerlink.Notification{n})
}
