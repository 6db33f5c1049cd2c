package events

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"makerlink"
)

// Questions lists an event's questions, most upvoted first; the organizer
// (and admins) also see hidden ones.
func (s *Service) Questions(ctx context.Context, viewer *makerlink.User, eventID string) ([]*makerlink.Question, error) {
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	return s.st.FindQuestions(ctx, eventID, IsOrganizer(viewer, e))
}

// QuestionsPage returns a page of an event's questions in the order of
// [Service.Questions]: at most limit of them (0: all the rest) after
// cursor ("" for the first page), and the cursor of the next page ("" on
// the last). A cursor this method did not return is EBadRequest.
func (s *Service) QuestionsPage(ctx context.Context, viewer *makerlink.User, eventID, cursor string, limit int) ([]*makerlink.Question, string, error) {
	var after *questionKey
	if cursor != "" {
		k, err := decodeQuestionCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		after = &k
	}
	qs, err := s.Questions(ctx, viewer, eventID)
	if err != nil {
		return nil, "", err
	}
	start := 0
	if after != nil {
		start = len(qs)
		for i, q := range qs {
			if after.before(q) {
				start = i
				break
			}
		}
	}
	qs = qs[start:]
	if limit <= 0 || len(qs) <= limit {
		return qs, "", nil
	}
	last := qs[limit-1]
	return qs[:limit], questionKey{last.Upvotes, last.ID}.encode(), nil
}

// questionKey is the position of a question in the list: most upvoted
// first, then by id.
type questionKey struct {
	upvotes int
	id      string
}

// before reports whether k comes before q in the list.
func (k questionKey) before(q *makerlink.Question) bool {
	return q.Upvotes < k.upvotes || (q.Upvotes == k.upvotes && q.ID > k.id)
}

func (k questionKey) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(k.upvotes) + ":" + k.id))
}

func decodeQuestionCursor(c string) (questionKey, error) {
	bad := makerlink.Errorf(makerlink.EBadRequest, "Invalid cursor.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) > 512 {
		return questionKey{}, bad
	}
	n, id, ok := strings.Cut(string(b), ":")
	up, err := strconv.Atoi(n)
	if !ok || err != nil || up < 0 || id == "" || !utf8.ValidString(id) {
		return questionKey{}, bad
	}
	return questionKey{up, id}, nil
}

// open returns nil when the event exists and its results are not
// published yet: after publish_results nothing changes (EConflict).
func (s *Service) open(ctx context.Context, eventID string) error {
	e, err := s.st.FindEvent(ctx, eventID)
	if err != nil {
		return err
	}
	if e.ResultsPublishedAt != nil {
		return makerlink.Errorf(makerlink.EConflict, "The results of this event are published; nothing can change any more.")
	}
	return nil
}

// Ask stores an audience question and pushes it to the room.
func (s *Service) Ask(ctx context.Context, u *makerlink.User, eventID, text string) (*makerlink.Question, error) {
	if u == nil {
		return nil, unauthorized()
	}
	text = strings.TrimSpace(text)
	var v makerlink.Validation
	switch {
	case text == "":
		v.Add("text", makerlink.FRequired, "is required")
	case makerlink.CheckText(text, makerlink.MaxQuestionRunes) != "":
		v.Add("text", makerlink.CheckText(text, makerlink.MaxQuestionRunes), "must be text of at most 500 characters")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.open(ctx, eventID); err != nil {
		return nil, err
	}
	q := &makerlink.Question{EventID: eventID, UserID: u.ID, Text: text}
	if err := s.st.CreateQuestion(ctx, q); err != nil {
		return nil, err
	}
	s.publish(ctx, "event:"+eventID, TypeQuestion, q)
	return q, nil
}

// Upvote adds u's upvote to a question (once per account).
func (s *Service) Upvote(ctx context.Context, u *makerlink.User, eventID, questionID string) (*makerlink.Question, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if err := s.open(ctx, eventID); err != nil {
		return nil, err
	}
	q, err := s.st.UpvoteQuestion(ctx, eventID, questionID, u.ID)
	if err != nil {
		return nil, err
	}
	s.publish(ctx, "event:"+eventID, TypeQuestion, q)
	return q, nil
}

// HideQuestion hides a question from the audience (or shows it again).
// Only the organizer moderates.
func (s *Service) HideQuestion(ctx context.Context, u *makerlink.User, eventID, questionID string, hidden bool) (*makerlink.Question, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	q, err := s.st.HideQuestion(ctx, eventID, questionID, u.ID, hidden)
	if err != nil {
		return nil, err
	}
	if hidden {
		// The room learns it is gone, not what it said.
		s.publish(ctx, "event:"+eventID, TypeQuestion, map[string]any{"id": q.ID, "event_id": eventID, "hidden": true})
	} else {
		s.publish(ctx, "event:"+eventID, TypeQuestion, q)
	}
	return q, nil
}

// Intent stores an investor's intent card for a pitch: the first card
// notifies the founder (stored with the card, then pushed live) and lands
// on the investor's pipeline when one is configured; a later one updates
// the note. created reports whether the card is new.
func (s *Service) Intent(ctx context.Context, u *makerlink.User, eventID, pitchID, note string) (in *makerlink.Intent, created bool, err error) {
	if u == nil {
		return nil, false, unauthorized()
	}
	if !u.Has(makerlink.RoleInvestor) {
		return nil, false, forbidden("Only investors hand out intent cards.")
	}
	note = strings.TrimSpace(note)
	if code := makerlink.CheckText(note, makerlink.MaxIntentNoteRune); code != "" {
		return nil, false, &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
			Fields: []makerlink.FieldError{{Field: "note", Code: code, Message: "must be text of at most 1000 characters"}}}
	}
	in = &makerlink.Intent{EventID: eventID, PitchID: pitchID, InvestorID: u.ID, Note: note}
	created, n, err := s.st.SaveIntent(ctx, in)
	if err != nil {
		return nil, false, err
	}
	if n != nil {
		s.deliver(ctx, n)
	}
	if s.pipeline != nil {
		if err := s.pipeline.AddIntent(ctx, u.ID, in.StartupID, note); err != nil {
			// The card is stored; the board catches up when the investor
			// sends it again.
			s.log.Warn("intent to pipeline", "event", eventID, "investor", u.ID, "err", err)
		}
	}
	return in, created, nil
}

// Intents lists the intent cards of a pitch: the founder and admins see
// all of them, an investor their own; others are refused.
func (s *Service) Intents(ctx context.Context, u *makerlink.User, eventID, pitchID string) ([]*makerlink.Intent, error) {
	if u == nil {
		return nil, unauthorized()
	}
	p, err := s.st.FindPitch(ctx, eventID, pitchID)
	if err != nil {
		return nil, err
	}
	all, err := s.st.FindIntents(ctx, eventID, pitchID)
	if err != nil {
		return nil, err
	}
	if u.ID == p.FounderID || u.IsAdmin() {
		return all, nil
	}
	if !u.Has(makerlink.RoleInvestor) {
		return nil, forbidden("Intent cards are shown to the founder and the investor who sent them.")
	}
	own := []*makerlink.Intent{}
	for _, in := range all {
		if in.InvestorID == u.ID {
			own = append(own, in)
		}
	}
	return own, nil
}

// Audit pages through the event's audit log (organizer and admins).
func (s *Service) Audit(ctx context.Context, u *makerlink.User, eventID string, after int64, limit int) ([]*makerlink.AuditEntry, error) {
	if _, err := s.organizerOf(ctx, u, eventID); err != nil {
		return nil, err
	}
	return s.st.FindAudit(ctx, makerlink.AuditFilter{EventID: eventID, After: after, Limit: limit})
}

// ResultsCSV writes the leaderboard as CSV (UTF-8, a header row, best
// first, numbers unrounded in their shortest exact form), with a byte-order mark when bom is set so that spreadsheet
// programs read the Chinese names right. The audience gets it once the
// results are visible to them; before that it is 403.
func (s *Service) ResultsCSV(ctx context.Context, viewer *makerlink.User, eventID string, w io.Writer, bom bool) error {
	lb, err := s.Leaderboard(ctx, viewer, eventID)
	if err != nil {
		return err
	}
	if lb.Hidden {
		return forbidden("The results are not published yet.")
	}
	if bom {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"rank", "pitch_id", "startup_id", "startup_name", "order", "judge_score",
		"judge_score_normalized", "votes", "judges", "spread", "disagreement"})
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for _, it := range lb.Items {
		_ = cw.Write([]string{
			strconv.Itoa(it.Rank), it.PitchID, it.StartupID, csvSafe(it.StartupName), strconv.Itoa(it.Order),
			num(it.JudgeScore), num(it.JudgeScoreNormalized), strconv.FormatInt(it.Votes, 10),
			strconv.Itoa(it.Judges), strconv.FormatFloat(it.Spread, 'f', -1, 64), strconv.FormatBool(it.Disagreement),
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("events: results csv: %w", err)
	}
	return nil
}

// csvSafe defuses text that a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ChannelAuthorizer returns the channel rule of the realtime hub
// (realtime.Config.Authorize): "event:<id>" is public (no database query,
// so a reconnecting crowd costs nothing), "event:<id>:judges" is for the
// event's judges, its organizer and admins, and "user:<id>" for that user
// (which the hub itself checks). users may be nil (admins then get no
// special access).
func ChannelAuthorizer(st makerlink.EventStore, users makerlink.UserStore) func(ctx context.Context, userID, channel string) error {
	return func(ctx context.Context, userID, channel string) error {
		rest, ok := strings.CutPrefix(channel, "event:")
		if !ok {
			return nil
		}
		id, ok := strings.CutSuffix(rest, ":judges")
		if !ok {
			return nil
		}
		if userID == "" {
			return makerlink.Errorf(makerlink.EUnauthorized, "Sign in to follow the judges' channel.")
		}
		e, err := st.FindEvent(ctx, id)
		if err != nil {
			return err
		}
		if e.OrganizerID == userID {
			return nil
		}
		judge, err := st.IsJudge(ctx, id, userID)
		if err != nil || judge {
			return err
		}
		if users != nil {
			if u, err := users.FindUserByID(ctx, userID); err == nil && u.IsAdmin() {
				return nil
			}
		}
		return forbidden("Only the event's judges and organizer may follow this channel.")
	}
}
