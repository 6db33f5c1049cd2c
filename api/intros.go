package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Introductions with double opt-in: POST /intros, GET /intros?box=in|out,
// GET /intros/{id}, POST /intros/{id}/accept|decline. Neither side sees
// the other's e-mail before the recipient accepts.

// createIntro handles POST /intros: the founder who owns the startup asks
// the owner of an investor or mentor profile for an introduction.
func (s *Server) createIntro(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	var r makerlink.IntroRequest
	if err := decodeJSON(c.Body(), &r); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	ctx, u := c.UserContext(), viewer(c)
	p, err := s.store.FindProfile(ctx, makerlink.KindStartup, r.StartupID)
	if err != nil {
		return err
	}
	st := p.(*makerlink.Startup)
	if !makerlink.CanView(u, st.OwnerID, st.Tags()) {
		return errProfileNotFound()
	}
	if st.OwnerID != u.ID {
		return makerlink.Errorf(makerlink.EForbidden, "Only the founder who owns %s may ask for introductions for it.", st.Name)
	}
	to, err := s.store.FindProfile(ctx, r.ToKind, r.ToID)
	if err != nil {
		return err
	}
	var avail makerlink.MentorAvailability
	if m, ok := to.(*makerlink.Mentor); ok {
		state, err := s.mentorState(ctx, cs, m)
		if err != nil {
			return err
		}
		avail = makerlink.MentorAvailability{Paused: state.Paused, Active: state.Active, Open: state.Open}
	}
	in, err := makerlink.NewIntro(st, to, r, avail)
	if err != nil {
		return err
	}
	ns, err := cs.CreateIntro(ctx, in, s.conn.limits, func(in *makerlink.Intro) []*makerlink.Notification {
		return []*makerlink.Notification{makerlink.IntroRequestedNotification(in)}
	})
	if err != nil {
		return err
	}
	s.push(ctx, ns)
	c.Location("/api/v1/intros/" + in.ID)
	return c.Status(fiber.StatusCreated).JSON(in.ViewFor(u.ID))
}

// expireIntros closes overdue requests (all, or one user's) and tells the
// founders, pointing those who asked a mentor to mentors with a free slot.
func (s *Server) expireIntros(ctx context.Context, userID string) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	ns, err := cs.ExpireIntros(ctx, s.now().Add(-makerlink.IntroAnswerWindow), userID, func(in *makerlink.Intro, others []string) []*makerlink.Notification {
		return []*makerlink.Notification{makerlink.IntroExpiredNotification(in, others)}
	})
	if err != nil {
		return err
	}
	s.push(ctx, ns)
	return nil
}

// listIntros handles GET /intros?box=in|out&status=&limit=&cursor=: the
// requests the caller received (in, the default) or sent (out).
func (s *Server) listIntros(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	u := viewer(c)
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	f := makerlink.IntroFilter{Limit: limit, Cursor: c.Query("cursor"), Status: c.Query("status")}
	switch c.Query("box", "in") {
	case "in":
		f.ToUserID = u.ID
	case "out":
		f.FromUserID = u.ID
	default:
		return makerlink.Errorf(makerlink.EBadRequest, "box must be in or out.")
	}
	switch f.Status {
	case "", makerlink.IntroPending, makerlink.IntroAccepted, makerlink.IntroDeclined, makerlink.IntroExpired:
	default:
		return makerlink.Errorf(makerlink.EBadRequest, "status must be pending, accepted, declined or expired.")
	}
	if err := s.expireIntros(c.UserContext(), u.ID); err != nil {
		return err
	}
	list, next, err := cs.FindIntros(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]*makerlink.Intro, len(list))
	for i, in := range list {
		out[i] = in.ViewFor(u.ID)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(items(out, next))
}

// partyIntro loads an intro the caller is a party to; others get 404.
func (s *Server) partyIntro(c *fiber.Ctx, cs makerlink.ConnectionStore) (*makerlink.Intro, error) {
	in, err := cs.FindIntro(c.UserContext(), pathID(c, "id"))
	if err != nil {
		return nil, err
	}
	u := viewer(c)
	if in.FromUserID != u.ID && in.ToUserID != u.ID {
		return nil, makerlink.Errorf(makerlink.ENotFound, "Introduction not found.")
	}
	return in, nil
}

// getIntro handles GET /intros/{id} for its two parties.
func (s *Server) getIntro(c *fiber.Ctx) error {
	cs, err := s.connStore()
	if err != nil {
		return err
	}
	if err := s.expireIntros(c.UserContext(), viewer(c).ID); err != nil {
		return err
	}
	in, err := s.partyIntro(c, cs)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(in.ViewFor(viewer(c).ID))
}

// answerIntro handles POST /intros/{id}/accept and /decline: the recipient
// only (the founder gets 403, anyone else 404). The founder is notified;
// on acceptance both now see each other's contact details.
func (s *Server) answerIntro(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cs, err := s.connStore()
		if err != nil {
			return err
		}
		ctx, u := c.UserContext(), viewer(c)
		if err := s.expireIntros(ctx, u.ID); err != nil {
			return err
		}
		in, err := s.partyIntro(c, cs)
		if err != nil {
			return err
		}
		if in.ToUserID != u.ID {
			return makerlink.Errorf(makerlink.EForbidden, "Only the person asked may answer this request.")
		}
		in, ns, err := cs.AnswerIntro(ctx, in.ID, u.ID, accept, func(in *makerlink.Intro) []*makerlink.Notification {
			return []*makerlink.Notification{makerlink.IntroAnsweredNotification(in)}
		})
		if err != nil {
			return err
		}
		s.push(ctx, ns)
		return c.JSON(in.ViewFor(u.ID))
	}
}

// decodeInto decodes an optional JSON body: an empty one leaves v as is.
func decodeInto(c *fiber.Ctx, v any) error {
	if len(c.Body()) == 0 {
		return nil
	}
	return decodeJSON(c.Body(), v)
}
