package api

import (
	"reflect"

	"makerlink"
)

// The OpenAPI description of the routes of connections.go: introductions,
// the pipeline, mentoring and bookings.

func connList(item obj) obj {
	return obj{"type": "object", "required": []string{"items", "next_cursor"}, "properties": obj{
		"items":       arrayOf(item),
		"next_cursor": obj{"type": "string", "nullable": true},
	}}
}

// connectionSchemas adds the schemas of the connection routes.
func connectionSchemas(schemas obj) {
	nullableTime := obj{"type": "string", "format": "date-time", "nullable": true}
	labels := func(ls []makerlink.Label) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = l.Code
		}
		return out
	}

	schemas["IntroRequest"] = obj{"type": "object", "required": []string{"startup_id", "to_kind", "to_id"}, "properties": obj{
		"startup_id": obj{"type": "string", "description": "A startup the caller owns."},
		"to_kind":    obj{"type": "string", "enum": []string{"investor", "mentor"}},
		"to_id":      obj{"type": "string", "description": "The investor or mentor profile; its owner is asked."},
		"message":    obj{"type": "string", "maxLength": makerlink.MaxIntroMessage},
	}}
	intro := schemaFor(reflect.TypeFor[makerlink.Intro](), map[string][]string{
		"status":  {makerlink.IntroPending, makerlink.IntroAccepted, makerlink.IntroDeclined, makerlink.IntroExpired},
		"to_kind": {"investor", "mentor"}})
	ip := intro["properties"].(obj)
	ip["answered_at"] = nullableTime
	ip["contact"] = obj{"type": "object", "description": "The other party's name and e-mail: only once accepted (double opt-in).",
		"properties": obj{"name": obj{"type": "string"}, "email": obj{"type": "string"}}}
	ip["expires_at"].(obj)["description"] = "A pending request expires (an automatic decline) 14 days after it was made."
	schemas["Intro"] = intro

	entry := schemaFor(reflect.TypeFor[makerlink.PipelineEntry](), map[string][]string{
		"stage": makerlink.PipelineStages, "pass_reason": labels(makerlink.PassReasons),
		"source": {makerlink.SourceManual, makerlink.SourceIntro, makerlink.SourceIntent}})
	schemas["PipelineEntry"] = entry
	schemas["PipelineUpdate"] = obj{"type": "object", "required": []string{"stage"}, "properties": obj{
		"stage":       obj{"type": "string", "enum": makerlink.PipelineStages},
		"note":        obj{"type": "string", "maxLength": makerlink.MaxPipelineNote, "description": "Omit to keep the stored note."},
		"pass_reason": obj{"type": "string", "enum": labels(makerlink.PassReasons), "description": "Why the investor passed: optional with stage passed (one of these codes when given), refused with other stages."},
	}}
	schemas["PassFeedback"] = obj{"type": "object", "properties": obj{
		"startup_id":       obj{"type": "string"},
		"investors_passed": obj{"type": "integer"},
		"shown":            obj{"type": "boolean", "description": "Reasons are shown once at least min_passed investors passed."},
		"min_passed":       obj{"type": "integer"},
		"reasons": arrayOf(obj{"type": "object", "properties": obj{
			"code": obj{"type": "string"}, "zh": obj{"type": "string"}, "en": obj{"type": "string"}, "count": obj{"type": "integer"}}}),
	}}

	schemas["MentorState"] = obj{"type": "object", "properties": obj{
		"mentor_id":             obj{"type": "string"},
		"capacity":              obj{"type": "integer"},
		"active_mentees":        obj{"type": "integer"},
		"open_slots":            obj{"type": "integer"},
		"paused":                obj{"type": "boolean"},
		"accepting":             obj{"type": "boolean"},
		"requests_received":     obj{"type": "integer", "description": "In the last 180 days."},
		"requests_answered":     obj{"type": "integer"},
		"requests_expired":      obj{"type": "integer"},
		"response_rate":         obj{"type": "number", "nullable": true, "description": "answered / (answered + expired)"},
		"median_response_hours": obj{"type": "number", "nullable": true},
	}}
	schemas["MentoringUpdate"] = obj{"type": "object", "required": []string{"paused"}, "properties": obj{"paused": obj{"type": "boolean"}}}
	ms := schemaFor(reflect.TypeFor[makerlink.Mentorship](), map[string][]string{"status": {makerlink.MentorshipActive, makerlink.MentorshipEnded}})
	ms["properties"].(obj)["ended_at"] = nullableTime
	schemas["Mentorship"] = ms

	schemas["TrainedUser"] = schemaFor(reflect.TypeFor[makerlink.TrainedUser](), nil)
	schemas["TrainedRequest"] = obj{"type": "object", "properties": obj{
		"user_id": obj{"type": "string"}, "email": obj{"type": "string", "format": "email"}},
		"description": "The account to add, by id or by e-mail."}
	schemas["BookingRequest"] = obj{"type": "object", "required": []string{"start", "end"}, "properties": obj{
		"start":      obj{"type": "string", "format": "date-time", "description": "On a whole minute."},
		"end":        obj{"type": "string", "format": "date-time"},
		"purpose":    obj{"type": "string", "maxLength": makerlink.MaxPurpose},
		"assisted":   obj{"type": "boolean", "description": "Ask for a session with the lab's staff. Waits for approval. A user not trained on the instrument need not ask: their booking waits for the owner anyway (untrained: true)."},
		"startup_id": obj{"type": "string", "description": "The caller's startup the booking is for (usage reports)."},
	}}
	bk := schemaFor(reflect.TypeFor[makerlink.Booking](), map[string][]string{"status": makerlink.BookingStatuses})
	bk["properties"].(obj)["actual_start"] = nullableTime
	bk["properties"].(obj)["actual_end"] = nullableTime
	bk["properties"].(obj)["cost_cny"].(obj)["description"] = "The larger of booked and used time at price_per_hour_cny, in yuan."
	bk["properties"].(obj)["untrained"].(obj)["description"] = "The booker is neither the instrument's owner nor on its trained list: " +
		"the booking waits for the owner, who decides whether to give an assisted session."
	schemas["Booking"] = bk
	schemas["BusySlot"] = obj{"type": "object", "properties": obj{
		"start":  obj{"type": "string", "format": "date-time"},
		"end":    obj{"type": "string", "format": "date-time"},
		"status": obj{"type": "string", "enum": []string{makerlink.BookingPending, makerlink.BookingConfirmed}},
	}}
	schemas["UsageRequest"] = obj{"type": "object", "required": []string{"actual_start", "actual_end"}, "properties": obj{
		"actual_start": obj{"type": "string", "format": "date-time"},
		"actual_end":   obj{"type": "string", "format": "date-time"},
	}}
	schemas["UsageReport"] = obj{"type": "object", "properties": obj{
		"from":  obj{"type": "string"},
		"to":    obj{"type": "string"},
		"by":    obj{"type": "string", "enum": []string{makerlink.UsageByInstitution, makerlink.UsageByStartup, makerlink.UsageByEquipment}},
		"items": arrayOf(schemaFor(reflect.TypeFor[makerlink.UsageRow](), nil)),
	}}
}

// connectionParameters adds the parameters of the connection routes.
func connectionParameters(params obj) {
	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	path := func(name string) obj {
		return obj{"name": name, "in": "path", "required": true, "schema": obj{"type": "string"}}
	}
	params["startup_id"] = path("startup_id")
	params["user_id"] = path("user_id")
	params["intro_box"] = query("box", "in (default): requests to the caller; out: requests the caller made.",
		obj{"type": "string", "enum": []string{"in", "out"}})
	params["intro_status"] = query("status", "Only intros of this status.",
		obj{"type": "string", "enum": []string{makerlink.IntroPending, makerlink.IntroAccepted, makerlink.IntroDeclined, makerlink.IntroExpired}})
	params["window_from"] = query("from", "Start of the window: RFC 3339, or a date (midnight Asia/Shanghai). Default a week ago.", obj{"type": "string"})
	params["window_to"] = query("to", "End of the window (at most 366 days after from). Default from + 60 days.", obj{"type": "string"})
	params["usage_from"] = query("from", "First month, YYYY-MM (Asia/Shanghai); default this month.", obj{"type": "string"})
	params["usage_to"] = query("to", "Last month, YYYY-MM; default from.", obj{"type": "string"})
	params["usage_by"] = query("by", "Group by institution (default), startup or equipment.",
		obj{"type": "string", "enum": []string{makerlink.UsageByInstitution, makerlink.UsageByStartup, makerlink.UsageByEquipment}})
	params["csv_bom"] = query("bom", "1 prefixes a UTF-8 byte order mark (for spreadsheet programs).", obj{"type": "string", "enum": []string{"1"}})
	params["mentees_active"] = query("active", "true lists active mentorships only.", obj{"type": "string", "enum": []string{"true", "false"}})
}

// describeConnectionRoutes describes the routes of connections.go.
func describeConnectionRoutes(d *openAPIDoc) {
	v := "/api/v1"
	csv := obj{"type": "string"}
	d.add("POST", v+"/intros", op{summary: "Ask the owner of an investor or mentor profile for an introduction (founder of the startup). " +
		"At most 10 open requests per startup (429 intro_limit) and the same person once in 30 days (409 asked_recently); " +
		"409 not_accepting, mentor_paused or mentor_full. The recipient is notified.", tag: "connections", auth: authRequired,
		body: "IntroRequest", status: 201, reply: schemaRef("Intro"), headers: []string{"Location"}, problems: []int{403, 404, 409, 429}})
	d.add("GET", v+"/intros", op{summary: "The caller's received (box=in) or sent (box=out) requests, newest first. Contact details appear once accepted.",
		tag: "connections", auth: authRequired, params: []string{"intro_box", "intro_status", "limit", "cursor"},
		status: 200, reply: connList(schemaRef("Intro")), problems: []int{400}})
	d.add("GET", v+"/intros/{id}", op{summary: "One request, for its two parties (404 for others).", tag: "connections",
		auth: authRequired, status: 200, reply: schemaRef("Intro"), problems: []int{404}})
	for _, a := range []string{"accept", "decline"} {
		d.add("POST", v+"/intros/{id}/"+a, op{summary: "The recipient " + a + "s a pending request (403 for the founder, 404 for others, " +
			"409 when answered or expired). Accepting shares both parties' contact details, puts the startup on an investor's pipeline " +
			"or starts a mentorship (409 mentor_full); accepting a request whose startup was deleted is 409 conflict and changes nothing. " +
			"The founder is notified.", tag: "connections", auth: authRequired,
			status: 200, reply: schemaRef("Intro"), problems: []int{403, 404, 409}})
	}

	d.add("GET", v+"/pipeline", op{summary: "The calling investor's private deal-flow board, most recently changed first, " +
		"20 entries a page unless limit says otherwise; follow next_cursor for the rest.", tag: "pipeline",
		auth: authRequired, params: []string{"limit", "cursor"}, status: 200, reply: connList(schemaRef("PipelineEntry")),
		problems: []int{400, 403}})
	d.add("GET", v+"/pipeline.csv", op{summary: "The board as CSV.", tag: "pipeline", auth: authRequired, params: []string{"csv_bom"},
		status: 200, reply: csv, mime: "text/csv", problems: []int{403}})
	d.add("GET", v+"/pipeline/{startup_id}", op{summary: "One entry of the caller's board; 404 when the startup is not on it.", tag: "pipeline",
		auth: authRequired, status: 200, reply: schemaRef("PipelineEntry"), problems: []int{403, 404}})
	d.add("PUT", v+"/pipeline/{startup_id}", op{summary: "Add a startup to the caller's board or move it; with stage passed a pass_reason may say why.",
		tag: "pipeline", auth: authRequired, body: "PipelineUpdate", status: 200, reply: schemaRef("PipelineEntry"), problems: []int{403, 404}})
	d.add("DELETE", v+"/pipeline/{startup_id}", op{summary: "Remove a startup from the caller's board.", tag: "pipeline",
		auth: authRequired, status: 204, problems: []int{403, 404}})
	d.add("GET", v+"/startups/{id}/feedback", op{summary: "For the founder: how many investors passed and, from three on, how often " +
		"each reason was given. Investors are never named.", tag: "pipeline", auth: authRequired,
		status: 200, reply: schemaRef("PassFeedback"), problems: []int{403, 404}})

	d.add("GET", v+"/mentors/{id}/mentoring", op{summary: "A mentor's free slots, pause, response rate and median time to answer.",
		tag: "mentoring", auth: authOptional, status: 200, reply: schemaRef("MentorState"), problems: []int{404}})
	d.add("PUT", v+"/mentors/{id}/mentoring", op{summary: "Pause or resume mentoring (the mentor).", tag: "mentoring",
		auth: authRequired, body: "MentoringUpdate", status: 200, reply: schemaRef("MentorState"), problems: []int{403, 404}})
	d.add("GET", v+"/mentors/{id}/mentees", op{summary: "The mentor's mentorships, active first (the mentor).", tag: "mentoring",
		auth: authRequired, params: []string{"mentees_active"}, status: 200, reply: connList(schemaRef("Mentorship")), problems: []int{403, 404}})
	d.add("POST", v+"/mentors/{id}/mentees/{startup_id}/end", op{summary: "End a mentorship (the mentor or the founder), freeing a slot; the other side is notified (mentorship_ended).",
		tag: "mentoring", auth: authRequired, status: 200, reply: schemaRef("MentorState"), problems: []int{404}})

	d.add("GET", v+"/equipment/{id}/trained", op{summary: "Users trained on the instrument (owner).", tag: "bookings",
		auth: authRequired, status: 200, reply: connList(schemaRef("TrainedUser")), problems: []int{403, 404}})
	d.add("POST", v+"/equipment/{id}/trained", op{summary: "Record a trained user (owner).", tag: "bookings", auth: authRequired,
		body: "TrainedRequest", status: 201, reply: schemaRef("TrainedUser"), problems: []int{403, 404}})
	d.add("DELETE", v+"/equipment/{id}/trained/{user_id}", op{summary: "Forget a trained user (owner).", tag: "bookings",
		auth: authRequired, status: 204, problems: []int{403, 404}})
	d.add("POST", v+"/equipment/{id}/bookings", op{summary: "Book the instrument: confirmed, or pending (holding the slot) when it needs " +
		"approval, the session is assisted or the caller is not on its trained list (then untrained: true, and the owner decides). " +
		"409 slot_taken when the time overlaps a held booking; 422 outside_open_hours, booking_too_short, booking_too_long, too_soon " +
		"or too_far_ahead, whose errors name start or end.", tag: "bookings", auth: authRequired,
		body: "BookingRequest", status: 201, reply: schemaRef("Booking"), headers: []string{"Location"}, problems: []int{404, 409}})
	d.add("GET", v+"/equipment/{id}/bookings", op{summary: "Bookings overlapping the window, in start order: in full for the owner, otherwise the taken " +
		"slots (start, end, status) and the caller's own bookings in full. 20 a page unless limit says otherwise; follow next_cursor " +
		"for the rest of the window.", tag: "bookings", auth: authOptional,
		params: []string{"window_from", "window_to", "limit", "cursor"}, status: 200,
		reply: connList(obj{"oneOf": []any{schemaRef("Booking"), schemaRef("BusySlot")}}), problems: []int{400, 404}})
	d.add("GET", v+"/equipment/{id}/calendar.ics", op{summary: "Public iCalendar (RFC 5545) feed of the taken slots; no personal data.",
		tag: "bookings", auth: authOptional, status: 200, reply: obj{"type": "string"}, mime: "text/calendar", problems: []int{404}})
	d.add("GET", v+"/bookings", op{summary: "The caller's bookings overlapping the window, in start order, 20 a page unless limit " +
		"says otherwise; follow next_cursor for the rest of the window.", tag: "bookings", auth: authRequired,
		params: []string{"window_from", "window_to", "limit", "cursor"}, status: 200, reply: connList(schemaRef("Booking")), problems: []int{400}})
	d.add("GET", v+"/bookings/{id}", op{summary: "One booking, for the booker and the instrument's owner (404 for others).", tag: "bookings",
		auth: authRequired, status: 200, reply: schemaRef("Booking"), problems: []int{404}})
	for _, a := range []struct{ name, summary string }{
		{"approve", "Confirm a pending booking (owner); the booker is notified."},
		{"reject", "Refuse a pending booking (owner); the booker is notified."},
		{"cancel", "Cancel a pending or confirmed booking not yet started (booker or owner); the other side is notified."},
		{"checkin", "Record the start of use now (owner), from 30 minutes before the booked start."},
		{"checkout", "Record the end of use now (owner); the cost becomes the larger of booked and used time."},
		{"no-show", "Mark a confirmed booking not started 30 minutes after its start a no-show (owner); the sweep does it too."},
	} {
		d.add("POST", v+"/bookings/{id}/"+a.name, op{summary: a.summary, tag: "bookings", auth: authRequired,
			status: 200, reply: schemaRef("Booking"), problems: []int{403, 404, 409}})
	}
	d.add("PUT", v+"/bookings/{id}/usage", op{summary: "Record the actual start and end after the fact (owner); completes the booking.",
		tag: "bookings", auth: authRequired, body: "UsageRequest", status: 200, reply: schemaRef("Booking"), problems: []int{403, 404, 409}})
	d.add("GET", v+"/usage/monthly", op{summary: "Monthly use of the caller's instruments (all instruments for an admin), per institution, " +
		"startup or instrument; a confirmed booking that has not ended yet counts as booked, not billed.", tag: "bookings", auth: authRequired, params: []string{"usage_from", "usage_to", "usage_by"},
		status: 200, reply: schemaRef("UsageReport"), problems: []int{400, 403}})
	d.add("GET", v+"/usage/monthly.csv", op{summary: "The monthly usage report as CSV.", tag: "bookings", auth: authRequired,
		params: []string{"usage_from", "usage_to", "usage_by", "csv_bom"}, status: 200, reply: csv, mime: "text/csv", problems: []int{400, 403}})
}
