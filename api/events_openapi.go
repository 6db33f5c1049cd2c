package api

import (
	"reflect"
	"strconv"
	"strings"

	"makerlink"
	"makerlink/events"
)

// The OpenAPI description of the event, notification and websocket
// routes of events.go and notifications.go.

// mergeSchemas returns an object schema with the properties of all of
// ss (later ones win).
func mergeSchemas(ss ...obj) obj {
	props := obj{}
	for _, s := range ss {
		if p, ok := s["properties"].(obj); ok {
			for k, v := range p {
				props[k] = v
			}
		}
	}
	return obj{"type": "object", "properties": props}
}

func withProps(s obj, extra obj) obj { return mergeSchemas(s, obj{"properties": extra}) }

// eventSchemas adds the schemas of the event routes to the components.
func eventSchemas(schemas obj) {
	nullableTime := obj{"type": "string", "format": "date-time", "nullable": true}
	schemas["RubricItem"] = obj{"type": "object", "required": []string{"key", "label", "weight", "max"}, "properties": obj{
		"key":    obj{"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},
		"label":  obj{"type": "string", "maxLength": makerlink.MaxName},
		"weight": obj{"type": "number", "exclusiveMinimum": true, "minimum": 0, "description": "Any positive finite number; only the ratios of the weights matter."},
		"max":    obj{"type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": makerlink.MaxRubricValue, "description": "A judge scores the criterion from 0 to max."},
	}}
	ev := schemaFor(reflect.TypeFor[makerlink.Event](), map[string][]string{
		"ranking": {makerlink.RankingRaw, makerlink.RankingNormalized}, "preset": {makerlink.Preset87}})
	props := ev["properties"].(obj)
	props["rubric"] = arrayOf(schemaRef("RubricItem"))
	props["results_published_at"] = nullableTime
	for _, ro := range []string{"id", "organizer_id", "current_pitch_id", "results_published_at", "created_at", "updated_at"} {
		props[ro].(obj)["readOnly"] = true
	}
	props["preset"].(obj)["description"] = `"8+7": 480 s of pitch and 420 s of Q&A (the default when no durations are given).`
	props["hide_results_until_close"].(obj)["description"] = "Hide the leaderboard from the audience until voting closed on every pitch or the results are published."
	props["ranking"].(obj)["description"] = "raw (default): by the mean weighted judge score; normalized: by the mean per-judge z-score."
	props["starts_at"].(obj)["description"] = "RFC 3339 with a time zone (2026-12-01T09:00:00+08:00), from 2000 to 5 years ahead: " +
		"422 validation_failed with code invalid on starts_at for another format, out_of_range outside these bounds."
	ev["required"] = []string{"name", "starts_at"}
	schemas["Event"] = ev

	pitch := schemaFor(reflect.TypeFor[makerlink.Pitch](), map[string][]string{
		"state": {makerlink.PitchScheduled, makerlink.PitchPitching, makerlink.PitchQA, makerlink.PitchEnded}})
	for _, f := range []string{"started_at", "qa_started_at", "ended_at"} {
		pitch["properties"].(obj)[f] = nullableTime
	}
	schemas["Pitch"] = pitch
	schemas["PitchView"] = withProps(pitch, obj{
		"phase_seconds":     obj{"type": "integer", "description": "Length of the timed phase on stage (pitch or Q&A); 0 outside one."},
		"phase_ends_at":     withNullable(obj{"type": "string", "format": "date-time"}, "When the phase on stage is due to end."),
		"remaining_seconds": withNullable(obj{"type": "number"}, "phase_ends_at minus now; negative in overtime."),
	})
	schemas["EventView"] = withProps(ev, obj{
		"pitches":         arrayOf(schemaRef("PitchView")),
		"now":             obj{"type": "string", "format": "date-time", "description": "The server's clock: remaining time = phase_ends_at - now."},
		"results_visible": obj{"type": "boolean", "description": "Whether the audience may see the leaderboard now."},
	})
	schemas["Judge"] = schemaFor(reflect.TypeFor[makerlink.Judge](), nil)
	schemas["Score"] = schemaFor(reflect.TypeFor[makerlink.Score](), nil)
	schemas["Vote"] = schemaFor(reflect.TypeFor[makerlink.Vote](), nil)
	schemas["Question"] = schemaFor(reflect.TypeFor[makerlink.Question](), nil)
	schemas["Intent"] = schemaFor(reflect.TypeFor[makerlink.Intent](), nil)
	schemas["Recusal"] = schemaFor(reflect.TypeFor[makerlink.Recusal](), map[string][]string{"reason": {
		makerlink.RecuseOwner, makerlink.RecuseInvested, makerlink.RecusePipeline, makerlink.RecuseMentor,
		makerlink.RecuseOrganization, makerlink.RecuseEmailDomain, makerlink.RecuseDeclared}})
	schemas["AuditEntry"] = schemaFor(reflect.TypeFor[makerlink.AuditEntry](), nil)
	item := schemaFor(reflect.TypeFor[makerlink.LeaderboardItem](), nil)
	item["properties"].(obj)["judge_score"] = withNullable(obj{"type": "number"}, "0-100, not rounded: the mean over the non-recused judges who scored "+
		"of each one's 100*sum(w_k*s_k/max_k)/sum(w_k), itself unrounded; null before any.")
	item["properties"].(obj)["judge_score_normalized"] = withNullable(obj{"type": "number"}, "The mean of the judges' z-scores (a judge with one score or no variance counts 0).")
	schemas["LeaderboardItem"] = item
	lb := schemaFor(reflect.TypeFor[makerlink.Leaderboard](), nil)
	lb["properties"].(obj)["items"] = arrayOf(schemaRef("LeaderboardItem"))
	lb["required"] = []string{"version", "items"}
	schemas["Leaderboard"] = lb
	prog := schemaFor(reflect.TypeFor[events.Progress](), nil)
	schemas["Progress"] = prog
	schemas["Notification"] = schemaFor(reflect.TypeFor[makerlink.Notification](), nil)

	schemas["AddPitchRequest"] = obj{"type": "object", "required": []string{"startup_id"}, "properties": obj{
		"startup_id": obj{"type": "string"},
		"order":      obj{"type": "integer", "minimum": 0, "maximum": 10000, "description": "0 or absent: after the others."},
	}}
	schemas["AddJudgeRequest"] = obj{"type": "object", "description": "The judge's account: user_id, or e-mail (used when user_id is empty).",
		"properties": obj{"user_id": obj{"type": "string"}, "email": obj{"type": "string", "format": "email"}}}
	schemas["ControlRequest"] = obj{"type": "object", "required": []string{"action"}, "properties": obj{
		"action":   obj{"type": "string", "enum": makerlink.ControlActions},
		"pitch_id": obj{"type": "string", "description": "Required by every action but publish_results."},
	}}
	schemas["ScoreRequest"] = obj{"type": "object", "required": []string{"scores"}, "properties": obj{
		"scores":  obj{"type": "object", "additionalProperties": obj{"type": "number"}, "description": "Every rubric key, each from 0 to its max."},
		"comment": obj{"type": "string", "maxLength": makerlink.MaxCommentRunes},
	}}
	schemas["RecusalRequest"] = obj{"type": "object", "required": []string{"reason"}, "properties": obj{
		"reason": obj{"type": "string", "maxLength": makerlink.MaxShortText}}}
	schemas["IntentRequest"] = obj{"type": "object", "properties": obj{"note": obj{"type": "string", "maxLength": makerlink.MaxIntentNoteRune}}}
	schemas["QuestionRequest"] = obj{"type": "object", "required": []string{"text"}, "properties": obj{
		"text": obj{"type": "string", "maxLength": makerlink.MaxQuestionRunes}}}
	schemas["HideRequest"] = obj{"type": "object", "properties": obj{
		"hidden": obj{"type": "boolean", "default": true, "description": "false shows the question again."}}}
}

// alsoOK adds a second success reply to an operation described by add.
func (d *openAPIDoc) alsoOK(method, path string, status int, desc string, reply obj) {
	operation := d.paths[path].(obj)[strings.ToLower(method)].(obj)
	operation["responses"].(obj)[strconv.Itoa(status)] = obj{"description": desc,
		"content": obj{"application/json": obj{"schema": reply}}}
}

func withNullable(s obj, desc string) obj {
	s["nullable"] = true
	s["description"] = desc
	return s
}

// eventParameters adds the parameters of the event routes.
func eventParameters(params obj) {
	path := func(name string) obj {
		return obj{"name": name, "in": "path", "required": true, "schema": obj{"type": "string"}}
	}
	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	params["pid"] = path("pid")
	params["qid"] = path("qid")
	params["events_organizer_id"] = query("organizer_id", "Only events of this organizer.", obj{"type": "string"})
	params["unread"] = query("unread", "true: unread notifications only.", obj{"type": "boolean"})
	params["audit_after"] = query("after", "The seq after which to list (next_after of the previous page).", obj{"type": "integer", "minimum": 0})
	params["audit_limit"] = query("limit", "Entries per page, 1 to 1000 (default 100).", obj{"type": "integer", "minimum": 1, "maximum": 1000})
	params["csv_bom"] = query("bom", "1: start with a UTF-8 byte-order mark for spreadsheet programs.", obj{"type": "string", "enum": []string{"1"}})
}

// describeEventRoutes describes the routes of eventRoutes.
func describeEventRoutes(d *openAPIDoc) {
	items := func(s obj) obj {
		return obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": arrayOf(s)}}
	}
	page := func(s obj) obj {
		return obj{"type": "object", "required": []string{"items", "next_cursor"}, "properties": obj{
			"items":       arrayOf(s),
			"next_cursor": obj{"type": "string", "nullable": true},
		}}
	}
	const tag = "events"
	d.add("GET", "/api/v1/events", op{summary: "Events, newest first.", tag: tag, auth: authOptional,
		params: []string{"events_organizer_id", "limit", "cursor"}, status: 200, reply: page(schemaRef("Event")), problems: []int{400}})
	d.add("POST", "/api/v1/events", op{summary: "Create an event run by the caller (organizer role). Without durations it is \"8+7\"; " +
		"without a rubric it gets the default one. A malformed or out-of-range starts_at is 422 on starts_at.", tag: tag, auth: authRequired, body: "Event",
		status: 201, reply: schemaRef("EventView"), headers: []string{"Location"}, problems: []int{403}})
	d.add("GET", "/api/v1/events/{id}", op{summary: "The event, its pitches with their server-authoritative timers, and the server's clock.",
		tag: tag, auth: authOptional, status: 200, reply: schemaRef("EventView"), problems: []int{404}})
	d.add("POST", "/api/v1/events/{id}/pitches", op{summary: "Add a startup's pitch slot (organizer). Judges the platform's data links to the startup are recused. " +
		"Event pages are public, so only a public startup may pitch: an unknown id and a startup the caller may not see (as GET /startups/{id} decides) " +
		"get the same 422 on startup_id (\"no such startup\"); one the caller sees but that is visible to investors only is 422 on startup_id " +
		"(its founder must make it public first). 409 once the results are published.",
		tag: tag, auth: authRequired, body: "AddPitchRequest", status: 201, reply: schemaRef("Pitch"), problems: []int{403, 404, 409}})
	d.add("GET", "/api/v1/events/{id}/judges", op{summary: "The event's judges.", tag: tag, auth: authOptional,
		status: 200, reply: items(schemaRef("Judge")), problems: []int{404}})
	d.add("POST", "/api/v1/events/{id}/judges", op{summary: "Make an account (by user_id or e-mail) a judge (organizer). It is recused from the pitches the platform links it to. " +
		"422 on email when no account has the address (told to the organizer only). 409 when the account already judges the event or the results are published.",
		tag: tag, auth: authRequired, body: "AddJudgeRequest", status: 201, reply: schemaRef("Judge"), problems: []int{403, 404, 409, 422}})
	d.add("POST", "/api/v1/events/{id}/control", op{summary: "Organizer controls: start_pitch, start_qa, end_pitch, open_voting, close_voting, " +
		"close_scoring, publish_results. 409 when the action does not apply to the pitch's state, " +
		"and for publish_results while no pitch of the event has started.",
		tag: tag, auth: authRequired, body: "ControlRequest", status: 200, reply: schemaRef("EventView"), problems: []int{403, 404, 409}})
	d.add("GET", "/api/v1/events/{id}/pitches/{pid}/scores/me", op{summary: "The calling judge's own score of a pitch, as last saved; " +
		"204 when the judge has not scored it yet. 403 forbidden for anyone but the event's judges.",
		tag: tag, auth: authRequired, status: 200, reply: schemaRef("Score"), problems: []int{403, 404}})
	d.paths["/api/v1/events/{id}/pitches/{pid}/scores/me"].(obj)["get"].(obj)["responses"].(obj)["204"] = obj{"description": "The judge has not scored this pitch yet."}
	d.add("PUT", "/api/v1/events/{id}/pitches/{pid}/scores/me", op{summary: "The calling judge's score of a pitch, replaced until its scoring closes. " +
		"403 conflict_of_interest for a recused judge, 403 forbidden for others, 409 while scoring is not open.",
		tag: tag, auth: authRequired, body: "ScoreRequest", status: 200, reply: schemaRef("Score"), problems: []int{403, 404, 409}})
	d.add("POST", "/api/v1/events/{id}/pitches/{pid}/recusals", op{summary: "A judge declares a conflict with a pitch; their score is no longer counted (201). " +
		"Idempotent: declaring again stores nothing and returns the stored recusal, with its first reason and created_at (200). " +
		"409 once the results are published.",
		tag: tag, auth: authRequired, body: "RecusalRequest", status: 201, reply: schemaRef("Recusal"), problems: []int{403, 404, 409}})
	d.alsoOK("POST", "/api/v1/events/{id}/pitches/{pid}/recusals", 200, "The caller had already declared a recusal from this pitch: the stored one.", schemaRef("Recusal"))
	d.add("POST", "/api/v1/events/{id}/pitches/{pid}/votes", op{summary: "An audience vote, stored before the 201. 409 already_voted for a second one, " +
		"409 conflict while voting is not open.", tag: tag, auth: authRequired, status: 201, reply: schemaRef("Vote"), problems: []int{404, 409}})
	d.add("POST", "/api/v1/events/{id}/pitches/{pid}/intents", op{summary: "An investor's investment-intent card: the founder is notified (201); " +
		"sending it again updates the note (200).", tag: tag, auth: authRequired, body: "IntentRequest",
		status: 201, reply: schemaRef("Intent"), problems: []int{403, 404}})
	d.add("GET", "/api/v1/events/{id}/pitches/{pid}/intents", op{summary: "Intent cards of a pitch: all for its founder, their own for an investor.",
		tag: tag, auth: authRequired, status: 200, reply: items(schemaRef("Intent")), problems: []int{403, 404}})
	d.add("GET", "/api/v1/events/{id}/leaderboard", op{summary: "The leaderboard. While an event hides its results the audience gets " +
		"hidden:true and no items; the organizer and judges always see it.", tag: tag, auth: authOptional,
		status: 200, reply: schemaRef("Leaderboard"), problems: []int{404}})
	d.add("GET", "/api/v1/events/{id}/progress", op{summary: "Each judge's progress and the pitches where judges disagree widely (organizer).",
		tag: tag, auth: authRequired, status: 200, reply: schemaRef("Progress"), problems: []int{403, 404}})
	d.add("GET", "/api/v1/events/{id}/audit", op{summary: "The append-only audit log: every score change, refusal, recusal and control action (organizer).",
		tag: tag, auth: authRequired, params: []string{"audit_after", "audit_limit"}, status: 200,
		reply: obj{"type": "object", "properties": obj{"items": arrayOf(schemaRef("AuditEntry")),
			"next_after": obj{"type": "integer", "nullable": true}}}, problems: []int{400, 403, 404}})
	d.add("GET", "/api/v1/events/{id}/results.csv", op{summary: "The leaderboard as CSV, once its results are visible to the caller.",
		tag: tag, auth: authOptional, params: []string{"csv_bom"}, status: 200, reply: obj{"type": "string"}, mime: "text/csv",
		problems: []int{403, 404}})
	d.add("GET", "/api/v1/events/{id}/questions", op{summary: "Audience questions, most upvoted first (the organizer also sees hidden ones). " +
		"20 a page unless limit says otherwise (limit and cursor are checked as on the other lists: 400 bad_request); " +
		"follow next_cursor for the rest.",
		tag: tag, auth: authOptional, params: []string{"limit", "cursor"}, status: 200, reply: page(schemaRef("Question")), problems: []int{400, 404}})
	d.add("POST", "/api/v1/events/{id}/questions", op{summary: "Ask a question.", tag: tag, auth: authRequired, body: "QuestionRequest",
		status: 201, reply: schemaRef("Question"), problems: []int{404}})
	d.add("POST", "/api/v1/events/{id}/questions/{qid}/upvote", op{summary: "Upvote a question, once per account (409 already_voted).",
		tag: tag, auth: authRequired, status: 200, reply: schemaRef("Question"), problems: []int{404, 409}})
	d.add("POST", "/api/v1/events/{id}/questions/{qid}/hide", op{summary: "Hide a question, or show it again with {\"hidden\":false} (organizer).",
		tag: tag, auth: authRequired, body: "HideRequest", status: 200, reply: schemaRef("Question"), problems: []int{403, 404}})

	d.add("GET", "/api/v1/notifications", op{summary: "The caller's notifications, newest first; unread=true for unread ones only. " +
		"They are also pushed live on the websocket channel user:<id>.", tag: "notifications", auth: authRequired,
		params: []string{"unread", "limit", "cursor"}, status: 200,
		reply: withProps(page(schemaRef("Notification")), obj{"unread": obj{"type": "integer"}}), problems: []int{400}})
	d.add("POST", "/api/v1/notifications/{id}/read", op{summary: "Mark one of the caller's notifications read (another user's is 404).",
		tag: "notifications", auth: authRequired, status: 200, reply: obj{"type": "object", "properties": obj{
			"id": obj{"type": "string"}, "read": obj{"type": "boolean"}, "unread": obj{"type": "integer"}}}, problems: []int{404}})

	d.add("GET", "/ws", op{summary: "The websocket endpoint (see docs/realtime.md): channels event:<id>, event:<id>:judges and user:<id>. " +
		"Sign in with ?token= or an auth frame.", tag: "realtime", auth: authOptional, status: 101, problems: []int{503}})
}
