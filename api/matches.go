package api

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Match routes (issue 4, owned by the matching engineer). routes.go calls
// matchRoutes; openapi.go calls describeMatchRoutes, matchSchemas and
// matchParameters. Config.Matches provides the service (package matching);
// without one the routes answer 503.

// MatchesReply is the reply of the match routes.
type MatchesReply struct {
	Items []makerlink.Match `json:"items"`
}

// AssignmentsReply is the reply of POST /spaces/{id}/mentor-assignments.
type AssignmentsReply struct {
	Items []makerlink.MentorAssignment `json:"items"`
	// TotalScore is the sum of the scores: what the assignment maximises.
	TotalScore float64 `json:"total_score"`
}

// assignmentRequest is the optional body of POST /spaces/{id}/mentor-assignments.
type assignmentRequest struct {
	StartupIDs []string `json:"startup_ids"`
	MentorIDs  []string `json:"mentor_ids"`
}

func (s *Server) matchRoutes(v1 fiber.Router) {
	v1.Get("/startups/:id/matches", requireUser, s.profileMatches(makerlink.KindStartup))
	v1.Get("/investors/:id/matches", requireUser, s.profileMatches(makerlink.KindInvestor))
	v1.Get("/mentors/:id/matches", requireUser, s.profileMatches(makerlink.KindMentor))
	v1.Post("/matches/feedback", requireUser, s.matchFeedback)
	v1.Post("/spaces/:id/mentor-assignments", requireUser, s.mentorAssignments)
}

// signalRoutes are the writes that change the connection signals matching
// ranks by: introductions, the pipeline, mentoring and intent cards.
var signalRoutes = []string{
	"/api/v1/intros", "/api/v1/intros/:id/accept", "/api/v1/intros/:id/decline",
	"/api/v1/pipeline/:startup_id", "/api/v1/mentors/:id/mentoring",
	"/api/v1/mentors/:id/mentees/:startup_id/end", "/api/v1/events/:id/pitches/:pid/intents",
}

// changesSignals reports whether a request to the route pattern changes
// the connection signals.
func changesSignals(method, route string) bool {
	return method != fiber.MethodGet && method != fiber.MethodHead && slices.Contains(signalRoutes, route)
}

// signalsChanged tells the match service, when it can hear it, that a
// signal changed on this node, so that the next match query sees it.
func (s *Server) signalsChanged() {
	if n, ok := s.matches.(interface{ SignalsChanged() }); ok {
		n.SignalsChanged()
	}
}

func (s *Server) matchService() (makerlink.MatchService, error) {
	if s.matches == nil {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Matching is not available on this server.")
	}
	return s.matches, nil
}

// profileMatches serves GET /startups/{id}/matches?kind=investor|mentor|equipment
// and GET /investors/{id}/matches, /mentors/{id}/matches (startups). Only the
// profile's owner or an admin sees them.
func (s *Server) profileMatches(from makerlink.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		svc, err := s.matchService()
		if err != nil {
			return err
		}
		q := makerlink.MatchQuery{FromKind: from, FromID: strings.Clone(c.Params("id")), ToKind: makerlink.KindStartup, Viewer: viewer(c)}
		if from == makerlink.KindStartup {
			q.ToKind = makerlink.KindInvestor
			switch k := c.Query("kind"); k {
			case "":
			case string(makerlink.KindInvestor), string(makerlink.KindMentor), string(makerlink.KindEquipment):
				q.ToKind = makerlink.Kind(k)
			default:
				return makerlink.Errorf(makerlink.EBadRequest, "kind must be investor, mentor or equipment.")
			}
		} else if k := c.Query("kind"); k != "" && k != string(makerlink.KindStartup) {
			return makerlink.Errorf(makerlink.EBadRequest, "%s profiles are matched with startups only.", from)
		}
		if q.Limit, err = listLimit(c); err != nil {
			return err
		}
		ms, err := svc.Matches(c.UserContext(), q)
		if err != nil {
			return err
		}
		if ms == nil {
			ms = []makerlink.Match{}
		}
		return c.JSON(MatchesReply{Items: ms})
	}
}

// matchFeedback serves POST /matches/feedback: save or dismiss a match of a
// profile the caller owns. Dismissed candidates never come back.
func (s *Server) matchFeedback(c *fiber.Ctx) error {
	svc, err := s.matchService()
	if err != nil {
		return err
	}
	var f makerlink.MatchFeedback
	if err := decodeJSON(c.Body(), &f); err != nil {
		return err
	}
	if err := svc.Feedback(c.UserContext(), viewer(c), f); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// mentorAssignments serves POST /spaces/{id}/mentor-assignments: a proposed
// optimal mentor for each startup of the space (or of the listed startups),
// for the space's owner or an admin to review; nothing is stored.
func (s *Server) mentorAssignments(c *fiber.Ctx) error {
	svc, err := s.matchService()
	if err != nil {
		return err
	}
	id := strings.Clone(c.Params("id"))
	rec, err := s.store.FindProfileRecord(c.UserContext(), makerlink.KindSpace, id)
	if err != nil {
		return err
	}
	if !makerlink.CanEdit(viewer(c), rec.OwnerID) {
		return makerlink.Errorf(makerlink.EForbidden, "Only the owner of the space or an admin proposes mentor assignments.")
	}
	var req assignmentRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c.Body(), &req); err != nil {
			return err
		}
	}
	var v makerlink.Validation
	for field, ids := range map[string][]string{"startup_ids": req.StartupIDs, "mentor_ids": req.MentorIDs} {
		if len(ids) > 500 {
			v.Add(field, makerlink.FTooMany, "at most 500 ids")
		}
		for _, x := range ids {
			if x == "" || makerlink.CheckText(x, makerlink.MaxName) != "" {
				v.Add(field, makerlink.FInvalid, "ids must be non-empty text")
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	as, err := svc.MentorAssignments(c.UserContext(), viewer(c), id, req.StartupIDs, req.MentorIDs)
	if err != nil {
		return err
	}
	reply := AssignmentsReply{Items: as}
	if reply.Items == nil {
		reply.Items = []makerlink.MentorAssignment{}
	}
	for _, a := range as {
		reply.TotalScore += a.Score
	}
	return c.JSON(reply)
}

// matchSchemas adds the schemas of the match routes.
func matchSchemas(schemas obj) {
	reason := obj{"type": "object", "required": []string{"code", "zh", "en"}, "properties": obj{
		"code": obj{"type": "string", "enum": []string{"sector", "stage", "ticket", "location", "text", "portfolio", "capacity", "needs"}},
		"zh":   obj{"type": "string"},
		"en":   obj{"type": "string"},
	}}
	schemas["MatchReason"] = reason
	schemas["Match"] = obj{"type": "object", "required": []string{"kind", "id", "name", "score", "mutual_score", "reasons"}, "properties": obj{
		"kind":         obj{"type": "string", "enum": []string{"startup", "investor", "mentor", "equipment"}},
		"id":           obj{"type": "string"},
		"name":         obj{"type": "string"},
		"score":        obj{"type": "number", "minimum": 0, "maximum": 1, "description": "The fit, best first."},
		"mutual_score": obj{"type": "number", "minimum": 0, "maximum": 1, "description": "The fit as the other side judges it."},
		"reasons":      obj{"type": "array", "maxItems": 4, "items": schemaRef("MatchReason"), "description": "The factors that raised the score most, strongest first."},
		"factors":      obj{"type": "object", "additionalProperties": obj{"type": "number"}, "description": "Each factor's contribution to score; exposure (many open requests) is negative."},
	}}
	schemas["MatchesReply"] = obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": arrayOf(schemaRef("Match"))}}
	schemas["MatchFeedback"] = obj{"type": "object", "required": []string{"from_kind", "from_id", "to_kind", "to_id", "action"}, "properties": obj{
		"from_kind": obj{"type": "string", "enum": []string{"startup", "investor", "mentor"}, "description": "The profile the match was for; the caller owns it."},
		"from_id":   obj{"type": "string"},
		"to_kind":   obj{"type": "string", "enum": []string{"startup", "investor", "mentor", "equipment"}},
		"to_id":     obj{"type": "string"},
		"action":    obj{"type": "string", "enum": []string{makerlink.MatchSave, makerlink.MatchDismiss}},
	}}
	schemas["MentorAssignmentRequest"] = obj{"type": "object", "properties": obj{
		"startup_ids": obj{"type": "array", "maxItems": 500, "items": obj{"type": "string"}, "description": "Default: the startups of the space. An id listed twice counts once; a startup the caller may not see is 404, as an unknown id."},
		"mentor_ids":  obj{"type": "array", "maxItems": 500, "items": obj{"type": "string"}, "description": "Default: every mentor with a free place. An id listed twice counts once."},
	}}
	schemas["MentorAssignments"] = obj{"type": "object", "required": []string{"items", "total_score"}, "properties": obj{
		"items": arrayOf(obj{"type": "object", "properties": obj{
			"startup_id": obj{"type": "string"},
			"mentor_id":  obj{"type": "string"},
			"score":      obj{"type": "number"},
			"reasons":    arrayOf(schemaRef("MatchReason")),
		}}),
		"total_score": obj{"type": "number", "description": "The sum of the scores, maximal with no mentor over capacity."},
	}}
}

// matchParameters adds the parameters of the match routes.
func matchParameters(params obj) {
	params["match_kind"] = obj{"name": "kind", "in": "query", "required": false,
		"description": "What to rank for the startup (default investor).",
		"schema":      obj{"type": "string", "enum": []string{"investor", "mentor", "equipment"}}}
}

// describeMatchRoutes describes the routes of matchRoutes.
func describeMatchRoutes(d *openAPIDoc) {
	v := "/api/v1"
	d.add("GET", v+"/startups/{id}/matches", op{summary: "The investors, mentors or instruments that fit the startup best, with scores and reasons in Chinese and English. Owner or admin.",
		tag: "matching", auth: authRequired, params: []string{"match_kind", "limit"}, status: 200, reply: schemaRef("MatchesReply"),
		problems: []int{400, 403, 404, 503}})
	for _, k := range []string{"investors", "mentors"} {
		d.add("GET", v+"/"+k+"/{id}/matches", op{summary: "The startups that fit the " + strings.TrimSuffix(k, "s") + " best (deal flow), with scores and reasons. Owner or admin.",
			tag: "matching", auth: authRequired, params: []string{"limit"}, status: 200, reply: schemaRef("MatchesReply"),
			problems: []int{400, 403, 404, 503}})
	}
	d.add("POST", v+"/matches/feedback", op{summary: "Save or dismiss a match of a profile the caller owns; dismissed matches never come back, saved ones feed the portfolio signal.",
		tag: "matching", auth: authRequired, body: "MatchFeedback", status: 204, problems: []int{403, 404, 503}})
	d.add("POST", v+"/spaces/{id}/mentor-assignments", op{summary: "Propose mentors for the startups of a space: the assignment with the highest total fit and no mentor over capacity. Space owner or admin; nothing is stored.",
		tag: "matching", auth: authRequired, body: "MentorAssignmentRequest", status: 200, reply: schemaRef("MentorAssignments"),
		problems: []int{403, 404, 503}})
}
