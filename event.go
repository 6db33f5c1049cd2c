package makerlink

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file holds the domain of live pitch events (issue 5): events with a
// weighted rubric, pitch slots and their state machine, judges, scores,
// audience votes, questions, investors' intent cards, recusals, the audit
// log and the leaderboard, which [BuildLeaderboard] computes as a pure
// function of the stored facts.

// Pitch states, in the order a pitch goes through them.
const (
	PitchScheduled = "scheduled"
	PitchPitching  = "pitching"
	PitchQA        = "qa"
	PitchEnded     = "ended"
)

// Control actions of POST /events/{id}/control.
const (
	ActionStartPitch     = "start_pitch"
	ActionStartQA        = "start_qa"
	ActionEndPitch       = "end_pitch"
	ActionOpenVoting     = "open_voting"
	ActionCloseVoting    = "close_voting"
	ActionCloseScoring   = "close_scoring"
	ActionPublishResults = "publish_results"
)

// ControlActions lists every control action.
var ControlActions = []string{ActionStartPitch, ActionStartQA, ActionEndPitch, ActionOpenVoting,
	ActionCloseVoting, ActionCloseScoring, ActionPublishResults}

// Ranking choices of an event.
const (
	RankingRaw        = "raw"        // by the mean weighted judge score
	RankingNormalized = "normalized" // by the mean per-judge z-score
)

// Preset87 names the "8+7" format of China's national innovation and
// entrepreneurship competition: 8 minutes of pitch, 7 of judges' questions.
const (
	Preset87          = "8+7"
	Preset87Pitch     = 480
	Preset87QA        = 420
	MaxPhaseSeconds   = 4 * 3600
	MaxRubricItems    = 20
	MaxRubricValue    = 1000.0 // the highest Max of a rubric criterion
	MaxQuestionRunes  = 500
	MaxCommentRunes   = 2000
	MaxIntentNoteRune = 1000
)

// DisagreementSpread is the spread (highest minus lowest judge score, on
// the 0-100 scale) above which judges are said to disagree on a pitch.
const DisagreementSpread = 25.0

// RubricItem is one criterion of an event's rubric. A judge scores it from
// 0 to Max; Weight is any positive number.
type RubricItem struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Weight float64 `json:"weight"`
	Max    float64 `json:"max"`
}

// DefaultRubric is the rubric of an event created without one, after the
// criteria of the national competition.
var DefaultRubric = []RubricItem{
	{Key: "team", Label: "团队 Team", Weight: 20, Max: 10},
	{Key: "innovation", Label: "创新 Innovation", Weight: 25, Max: 10},
	{Key: "market", Label: "市场 Market", Weight: 20, Max: 10},
	{Key: "business_model", Label: "商业模式 Business model", Weight: 20, Max: 10},
	{Key: "finance", Label: "财务 Finance", Weight: 15, Max: 10},
}

// Event is a pitch competition. The organizer (the account that created
// it) runs it; judges score its pitches on Rubric; the audience votes.
type Event struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	OrganizerID  string       `json:"organizer_id"`
	StartsAt     time.Time    `json:"starts_at"`
	Preset       string       `json:"preset,omitempty"`
	PitchSeconds int          `json:"pitch_seconds"`
	QASeconds    int          `json:"qa_seconds"`
	Rubric       []RubricItem `json:"rubric"`
	// HideResultsUntilClose hides the leaderboard from the audience until
	// voting has closed on every pitch or the results are published.
	HideResultsUntilClose bool       `json:"hide_results_until_close"`
	Ranking               string     `json:"ranking"`
	CurrentPitchID        string     `json:"current_pitch_id,omitempty"`
	ResultsPublishedAt    *time.Time `json:"results_published_at"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

var rubricKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Normalize applies the preset and defaults: "8+7" (or no durations at
// all) gives 480 + 420 seconds, an empty ranking is raw and an empty
// rubric is [DefaultRubric].
func (e *Event) Normalize() {
	e.Name = strings.TrimSpace(e.Name)
	switch {
	case e.Preset == Preset87:
		if e.PitchSeconds == 0 {
			e.PitchSeconds = Preset87Pitch
		}
		if e.QASeconds == 0 {
			e.QASeconds = Preset87QA
		}
		if e.PitchSeconds != Preset87Pitch || e.QASeconds != Preset87QA {
			e.Preset = "" // custom durations
		}
	case e.Preset == "" && e.PitchSeconds == 0 && e.QASeconds == 0:
		e.Preset, e.PitchSeconds, e.QASeconds = Preset87, Preset87Pitch, Preset87QA
	}
	if e.Ranking == "" {
		e.Ranking = RankingRaw
	}
	if len(e.Rubric) == 0 {
		e.Rubric = slices.Clone(DefaultRubric)
	}
	for i := range e.Rubric {
		e.Rubric[i].Key = strings.TrimSpace(e.Rubric[i].Key)
		e.Rubric[i].Label = strings.TrimSpace(e.Rubric[i].Label)
	}
}

// MinEventStart is the earliest StartsAt of an event ([Event.Validate]).
var MinEventStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxEventYearsAhead is how many years ahead of now an event may start.
const MaxEventYearsAhead = 5

// Validate checks the fields an organizer sets; now is the clock that
// bounds StartsAt (from 2000 to [MaxEventYearsAhead] years after now).
// Call [Event.Normalize] first.
func (e *Event) Validate(now time.Time) error {
	var v Validation
	text(&v, "name", e.Name, MaxName, true)
	switch {
	case e.StartsAt.IsZero():
		v.Add("starts_at", FRequired, "is required (RFC 3339 with a time zone)")
	case e.StartsAt.Before(MinEventStart) || e.StartsAt.After(now.AddDate(MaxEventYearsAhead, 0, 0)):
		v.Add("starts_at", FOutOfRange, fmt.Sprintf("must be from 2000 to %d years from now", MaxEventYearsAhead))
	}
	if e.Preset != "" && e.Preset != Preset87 {
		v.Add("preset", FUnknown, `must be "8+7" or empty`)
	}
	intRange(&v, "pitch_seconds", e.PitchSeconds, 1, MaxPhaseSeconds)
	intRange(&v, "qa_seconds", e.QASeconds, 0, MaxPhaseSeconds)
	oneOf(&v, "ranking", e.Ranking, []string{RankingRaw, RankingNormalized}, true)
	if len(e.Rubric) > MaxRubricItems {
		v.Add("rubric", FTooMany, fmt.Sprintf("at most %d criteria", MaxRubricItems))
		return v.Err()
	}
	seen := map[string]bool{}
	for i, r := range e.Rubric {
		f := fmt.Sprintf("rubric[%d]", i)
		switch {
		case !rubricKey.MatchString(r.Key):
			v.Add(f+".key", FInvalid, "must be 1-32 of a-z, 0-9 and _, starting with a letter")
		case seen[r.Key]:
			v.Add(f+".key", FInvalid, "is used twice")
		}
		seen[r.Key] = true
		text(&v, f+".label", r.Label, MaxName, true)
		if !(r.Weight > 0 && !math.IsInf(r.Weight, 1)) {
			v.Add(f+".weight", FOutOfRange, "must be a positive number")
		}
		if !(r.Max > 0 && r.Max <= MaxRubricValue) {
			v.Add(f+".max", FOutOfRange, "must be a positive number up to 1000")
		}
	}
	return v.Err()
}

// Pitch is a startup's slot in an event. Its timer is server-authoritative:
// a client computes the remaining time from StartedAt or QAStartedAt, the
// event's durations and the server's clock sent with the state.
type Pitch struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	StartupID     string     `json:"startup_id"`
	StartupName   string     `json:"startup_name"`
	FounderID     string     `json:"founder_id"`
	Order         int        `json:"order"`
	State         string     `json:"state"`
	StartedAt     *time.Time `json:"started_at"`
	QAStartedAt   *time.Time `json:"qa_started_at"`
	EndedAt       *time.Time `json:"ended_at"`
	VotingOpen    bool       `json:"voting_open"`
	VotingClosed  bool       `json:"voting_closed"`
	ScoringClosed bool       `json:"scoring_closed"`
}

// ScoringOpen reports whether judges may score the pitch now: it started
// and its scoring has not closed.
func (p *Pitch) ScoringOpen() bool { return p.State != PitchScheduled && !p.ScoringClosed }

// PhaseEnd returns when the current timed phase (pitch or Q&A) of p is
// due to end, or nil when p is not in a timed phase. The organizer ends
// phases; past PhaseEnd a client shows overtime.
func (p *Pitch) PhaseEnd(e *Event) *time.Time {
	var t time.Time
	switch {
	case p.State == PitchPitching && p.StartedAt != nil:
		t = p.StartedAt.Add(time.Duration(e.PitchSeconds) * time.Second)
	case p.State == PitchQA && p.QAStartedAt != nil:
		t = p.QAStartedAt.Add(time.Duration(e.QASeconds) * time.Second)
	default:
		return nil
	}
	return &t
}

// Judge is an account judging an event.
type Judge struct {
	EventID string    `json:"event_id"`
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	AddedAt time.Time `json:"added_at"`
}

// Score is one judge's score of one pitch. Total is the judge score on the
// 0-100 scale ([JudgeScore]).
type Score struct {
	EventID   string             `json:"event_id"`
	PitchID   string             `json:"pitch_id"`
	JudgeID   string             `json:"judge_id"`
	Scores    map[string]float64 `json:"scores"`
	Comment   string             `json:"comment"`
	Total     float64            `json:"total"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt time.Time          `json:"updated_at"`
}

// Vote is an audience vote: at most one per account and pitch.
type Vote struct {
	EventID   string    `json:"event_id"`
	PitchID   string    `json:"pitch_id"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Question is an audience question; accounts upvote it once each and the
// organizer may hide it.
type Question struct {
	ID        string    `json:"id"`
	EventID   string    `json:"event_id"`
	UserID    string    `json:"user_id"`
	Text      string    `json:"text"`
	Upvotes   int       `json:"upvotes"`
	Hidden    bool      `json:"hidden"`
	CreatedAt time.Time `json:"created_at"`
}

// Intent is an investor's investment-intent card for a pitch's startup.
type Intent struct {
	ID         string    `json:"id"`
	EventID    string    `json:"event_id"`
	PitchID    string    `json:"pitch_id"`
	StartupID  string    `json:"startup_id"`
	InvestorID string    `json:"investor_id"`
	Note       string    `json:"note"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Recusal reasons. RecuseDeclared is a judge's own declaration; the others
// come from the platform's data ([Conflicts]).
const (
	RecuseOwner        = "owner"        // the judge owns the startup
	RecuseInvested     = "invested"     // the startup is in the judge's investor portfolio
	RecusePipeline     = "pipeline"     // the startup is on the judge's pipeline (or has their intent card)
	RecuseMentor       = "mentor"       // the judge mentors the startup
	RecuseOrganization = "organization" // the judge and the founder share an organization
	RecuseEmailDomain  = "email_domain" // the judge and the founder share a non-public email domain
	RecuseDeclared     = "declared"     // declared by the judge
)

// Recusal excludes a judge from a pitch: their score is refused and never
// counted.
type Recusal struct {
	EventID   string    `json:"event_id"`
	PitchID   string    `json:"pitch_id"`
	JudgeID   string    `json:"judge_id"`
	Reason    string    `json:"reason"` // one of the Recuse* codes
	Detail    string    `json:"detail"` // why, for the audit
	CreatedAt time.Time `json:"created_at"`
}

// AuditEntry is one line of an event's append-only audit log: every score
// change, refused score, recusal and control action.
type AuditEntry struct {
	Seq     int64           `json:"seq"`
	EventID string          `json:"event_id"`
	PitchID string          `json:"pitch_id,omitempty"`
	JudgeID string          `json:"judge_id,omitempty"`
	ActorID string          `json:"actor_id"`
	Action  string          `json:"action"`
	Detail  json.RawMessage `json:"detail,omitempty"`
	At      time.Time       `json:"at"`
}

// Audit actions.
const (
	AuditScoreSet     = "score_set"
	AuditScoreRefused = "score_refused"
	AuditRecused      = "recused"
	AuditControl      = "control"
	AuditJudgeAdded   = "judge_added"
	AuditPitchAdded   = "pitch_added"
	AuditQuestionHide = "question_hidden"
)

// LeaderboardItem is one pitch on the leaderboard. JudgeScore is the mean
// of the non-recused judges' scores (nil before any); JudgeScoreNormalized
// is the mean of their per-judge z-scores.
type LeaderboardItem struct {
	PitchID              string   `json:"pitch_id"`
	StartupID            string   `json:"startup_id"`
	StartupName          string   `json:"startup_name"`
	Order                int      `json:"order"`
	Rank                 int      `json:"rank"`
	JudgeScore           *float64 `json:"judge_score"`
	JudgeScoreNormalized *float64 `json:"judge_score_normalized"`
	Votes                int64    `json:"votes"`
	Judges               int      `json:"judges"` // non-recused judges who scored
	Spread               float64  `json:"spread"` // highest minus lowest judge score
	StdDev               float64  `json:"stddev"` // population standard deviation of the judge scores
	Disagreement         bool     `json:"disagreement"`
}

// Leaderboard is an event's ranking. Version rises with every change of
// the facts behind it. Hidden is set on the copy shown to an audience that
// may not see the results yet; its items are then empty.
type Leaderboard struct {
	EventID string            `json:"event_id"`
	Version int64             `json:"version"`
	Ranking string            `json:"ranking"`
	Hidden  bool              `json:"hidden"`
	Final   bool              `json:"final"` // the results are published
	Items   []LeaderboardItem `json:"items"`
}

// ValidateScores checks a judge's scores against the rubric: every
// criterion scored, from 0 to its max, and no unknown key.
func ValidateScores(rubric []RubricItem, scores map[string]float64) error {
	var v Validation
	known := make(map[string]RubricItem, len(rubric))
	for _, r := range rubric {
		known[r.Key] = r
	}
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := known[k]; !ok {
			v.Add("scores."+truncate(k, 40), FUnknown, "is not a criterion of this event's rubric")
		}
	}
	for _, r := range rubric {
		s, ok := scores[r.Key]
		switch {
		case !ok:
			v.Add("scores."+r.Key, FRequired, "is required")
		case math.IsNaN(s) || s < 0 || s > r.Max:
			v.Add("scores."+r.Key, FOutOfRange, fmt.Sprintf("must be from 0 to %g", r.Max))
		}
	}
	return v.Err()
}

// JudgeScore is a judge's score of a pitch on the 0-100 scale:
// 100 * sum(w_k * s_k / max_k) / sum(w_k), not rounded. Scores must be
// valid ([ValidateScores]). The weights are divided by the largest one
// first, so that any positive finite weights give a finite score.
func JudgeScore(rubric []RubricItem, scores map[string]float64) float64 {
	var wmax float64
	for _, r := range rubric {
		wmax = max(wmax, r.Weight)
	}
	if !(wmax > 0) || math.IsInf(wmax, 1) {
		return 0
	}
	var num, den float64
	for _, r := range rubric {
		w := r.Weight / wmax
		num += w * scores[r.Key] / r.Max
		den += w
	}
	if den == 0 {
		return 0
	}
	return 100 * num / den
}

// BuildLeaderboard ranks an event's pitches. scores are the stored scores;
// each judge's score of a pitch is recomputed unrounded from its Scores
// and the event's rubric ([JudgeScore]; Total when either is missing), and
// JudgeScore is their mean, not rounded. A score by a judge recused from
// the pitch is left out;
// votes counts the audience votes per pitch id. Pitches are ranked by the
// event's ranking choice (best first), then by votes; equal keys share a
// rank; pitches without a judge score come last, ranked by votes. The
// result does not depend on the order of the inputs.
func BuildLeaderboard(e *Event, pitches []*Pitch, scores []*Score, recusals []*Recusal, votes map[string]int64) *Leaderboard {
	recused := make(map[[2]string]bool, len(recusals))
	for _, r := range recusals {
		recused[[2]string{r.PitchID, r.JudgeID}] = true
	}
	byPitch := make(map[string]bool, len(pitches))
	for _, p := range pitches {
		byPitch[p.ID] = true
	}
	var counted []*Score
	for _, s := range scores {
		if byPitch[s.PitchID] && !recused[[2]string{s.PitchID, s.JudgeID}] {
			counted = append(counted, s)
		}
	}
	// Sum in a fixed order so that every node computes identical floats.
	slices.SortFunc(counted, func(a, b *Score) int {
		if c := strings.Compare(a.PitchID, b.PitchID); c != 0 {
			return c
		}
		return strings.Compare(a.JudgeID, b.JudgeID)
	})
	totals := make([]float64, len(counted))
	for i, s := range counted {
		totals[i] = s.Total
		if len(e.Rubric) > 0 && len(s.Scores) > 0 {
			totals[i] = JudgeScore(e.Rubric, s.Scores)
		}
	}
	z := zScores(counted, totals)

	type acc struct {
		totals []float64
		zs     []float64
	}
	accs := make(map[string]*acc, len(pitches))
	for i, s := range counted {
		a := accs[s.PitchID]
		if a == nil {
			a = &acc{}
			accs[s.PitchID] = a
		}
		a.totals = append(a.totals, totals[i])
		a.zs = append(a.zs, z[i])
	}
	lb := &Leaderboard{EventID: e.ID, Ranking: e.Ranking, Final: e.ResultsPublishedAt != nil, Items: make([]LeaderboardItem, 0, len(pitches))}
	for _, p := range pitches {
		it := LeaderboardItem{PitchID: p.ID, StartupID: p.StartupID, StartupName: p.StartupName, Order: p.Order, Votes: votes[p.ID]}
		if a := accs[p.ID]; a != nil && len(a.totals) > 0 {
			raw, norm := mean(a.totals), mean(a.zs)
			it.JudgeScore, it.JudgeScoreNormalized = &raw, &norm
			it.Judges = len(a.totals)
			it.Spread = slices.Max(a.totals) - slices.Min(a.totals)
			it.StdDev = stddev(a.totals)
			it.Disagreement = it.Spread > DisagreementSpread
		}
		lb.Items = append(lb.Items, it)
	}
	key := func(it *LeaderboardItem) *float64 {
		if e.Ranking == RankingNormalized {
			return it.JudgeScoreNormalized
		}
		return it.JudgeScore
	}
	// better < 0 when a ranks above b; 0 when they tie. Scores are
	// compared on a grid of 1e-9 so that means equal but for the last
	// bits of floating-point sums (0.1+0.2 against 0.3) tie; the scores
	// shown are not rounded.
	better := func(a, b *LeaderboardItem) int {
		ka, kb := key(a), key(b)
		switch {
		case ka != nil && kb == nil:
			return -1
		case ka == nil && kb != nil:
			return 1
		case ka != nil && rankGrid(*ka) != rankGrid(*kb):
			if rankGrid(*ka) > rankGrid(*kb) {
				return -1
			}
			return 1
		}
		switch {
		case a.Votes > b.Votes:
			return -1
		case a.Votes < b.Votes:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(lb.Items, func(a, b LeaderboardItem) int {
		if c := better(&a, &b); c != 0 {
			return c
		}
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.PitchID, b.PitchID)
	})
	for i := range lb.Items {
		if i > 0 && better(&lb.Items[i-1], &lb.Items[i]) == 0 {
			lb.Items[i].Rank = lb.Items[i-1].Rank
		} else {
			lb.Items[i].Rank = i + 1
		}
	}
	return lb
}

// rankGrid is the value a leaderboard compares: x rounded to 1e-9.
func rankGrid(x float64) float64 { return math.Round(x*1e9) / 1e9 }

// zScores returns, for each score, (total - mean_j) / sd_j over the
// scores of the same judge j; totals[i] is the judge score of scores[i].
// A judge with a single score or with zero variance gets 0 for every
// score: they rank nobody above anybody.
func zScores(scores []*Score, totals []float64) []float64 {
	byJudge := map[string][]float64{}
	for i, s := range scores {
		byJudge[s.JudgeID] = append(byJudge[s.JudgeID], totals[i])
	}
	type stat struct{ mean, sd float64 }
	stats := make(map[string]stat, len(byJudge))
	for j, ts := range byJudge {
		stats[j] = stat{mean(ts), stddev(ts)}
	}
	out := make([]float64, len(scores))
	for i, s := range scores {
		st := stats[s.JudgeID]
		if len(byJudge[s.JudgeID]) < 2 || st.sd < 1e-9 {
			continue
		}
		out[i] = (totals[i] - st.mean) / st.sd
	}
	return out
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// stddev is the population standard deviation.
func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	var s float64
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)))
}

// PublicMailDomains are email providers anyone can sign up with: sharing
// one says nothing about a relationship.
var PublicMailDomains = []string{
	"qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com", "188.com",
	"sina.com", "sina.cn", "vip.sina.com", "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn",
	"tom.com", "21cn.com", "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
	"msn.com", "icloud.com", "me.com", "mac.com", "yahoo.com", "yahoo.com.cn", "proton.me",
	"protonmail.com", "example.com", "example.net", "example.org", "example.cn",
	// The demo data's accounts (seed.DemoDomain): generated people, not
	// one organisation, so that demo judges can score demo startups.
	"demo.makerlink.cn",
}

// ReservedTLDs are the top-level domains reserved for testing and
// documentation (RFC 2606, RFC 6761): no organization owns a domain under
// them, so [IsPublicMailDomain] treats them as public.
var ReservedTLDs = []string{"test", "example", "invalid", "localhost"}

// EmailDomain returns the lowercase domain of an email address, or "".
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(email[at+1:]))
}

// IsPublicMailDomain reports whether d is a public mail provider
// ([PublicMailDomains]) or a domain reserved for testing and documentation
// (example.com/.net/.org, "localhost" and any domain under
// [ReservedTLDs]): sharing one says nothing about a relationship.
func IsPublicMailDomain(d string) bool {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	if slices.Contains(PublicMailDomains, d) {
		return true
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	return d != "" && slices.Contains(ReservedTLDs, tld)
}

// Relation is a link between a user and a startup that another feature
// records, such as the investor pipeline or a mentorship (issue 6).
type Relation struct {
	Reason string // RecusePipeline, RecuseInvested or RecuseMentor
	Detail string
}

// RelationFinder reports the links between a user and a startup that
// other features keep (the investor pipeline, mentoring). The
// conflict-of-interest rules use it when the deployment has one.
type RelationFinder interface {
	StartupRelations(ctx context.Context, userID, startupID string) ([]Relation, error)
}

// ConflictFacts is what the platform knows about a judge and a startup.
type ConflictFacts struct {
	JudgeID      string
	JudgeEmail   string
	JudgeOrgs    []string // organization fields of the judge's investor and mentor profiles
	Portfolio    []string // portfolio entries of the judge's investor profiles (ids or names)
	StartupID    string
	StartupName  string
	OwnerID      string
	OwnerEmail   string
	OwnerOrgs    []string // organization fields of the owner's investor and mentor profiles
	HasIntent    bool     // the judge filed an intent card for the startup
	Relations    []Relation
	PublicDomain func(string) bool // nil means IsPublicMailDomain
}

// Conflicts applies the conflict-of-interest rules to the facts and
// returns the recusal reasons they give, in a fixed order (empty when the
// judge may score the startup).
func Conflicts(f ConflictFacts) []Relation {
	var out []Relation
	add := func(reason, detail string) {
		for _, r := range out {
			if r.Reason == reason {
				return
			}
		}
		out = append(out, Relation{Reason: reason, Detail: detail})
	}
	if f.JudgeID != "" && f.JudgeID == f.OwnerID {
		add(RecuseOwner, "the judge owns the startup")
	}
	for _, p := range f.Portfolio {
		p = strings.TrimSpace(p)
		if p != "" && (p == f.StartupID || strings.EqualFold(p, strings.TrimSpace(f.StartupName))) {
			add(RecuseInvested, "the startup is in the judge's investor portfolio")
		}
	}
	for _, r := range f.Relations {
		add(r.Reason, r.Detail)
	}
	if f.HasIntent {
		add(RecusePipeline, "the judge filed an investment-intent card for the startup")
	}
	if f.JudgeID != f.OwnerID {
		for _, a := range f.JudgeOrgs {
			for _, b := range f.OwnerOrgs {
				if na, nb := normOrg(a), normOrg(b); na != "" && na == nb {
					add(RecuseOrganization, "the judge and the founder both belong to "+strings.TrimSpace(a))
				}
			}
		}
		public := f.PublicDomain
		if public == nil {
			public = IsPublicMailDomain
		}
		if d := EmailDomain(f.JudgeEmail); d != "" && d == EmailDomain(f.OwnerEmail) && !public(d) {
			add(RecuseEmailDomain, "the judge and the founder share the email domain "+d)
		}
	}
	order := []string{RecuseOwner, RecuseInvested, RecusePipeline, RecuseMentor, RecuseOrganization, RecuseEmailDomain, RecuseDeclared}
	slices.SortStableFunc(out, func(a, b Relation) int { return slices.Index(order, a.Reason) - slices.Index(order, b.Reason) })
	return out
}

// normOrg folds an organization name for comparison: case, spaces and a
// few punctuation marks do not matter.
func normOrg(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '.', ',', '(', ')', '（', '）', '·', '-':
			return -1
		}
		return r
	}, s)
}

// ControlRequest is an organizer's control action.
type ControlRequest struct {
	EventID string
	ActorID string
	Action  string
	PitchID string // required by every action but publish_results
}

// ControlResult is what a control action changed: the event and pitch
// after it, and the notifications it stored (in the same transaction).
type ControlResult struct {
	Event         *Event
	Pitch         *Pitch // nil for publish_results
	Notifications []*Notification
}

// StartupNotPublicError is the error of [EventStore.AddPitch] for a
// startup that is not public: event pages, the leaderboard and the results
// are public, so only a public startup may pitch. OwnerID lets the caller
// answer as if the startup did not exist to whoever may not see it
// ([CanView]). It unwraps to a validation_failed [*Error] on startup_id.
type StartupNotPublicError struct {
	StartupID  string
	OwnerID    string
	Visibility string
}

func (e *StartupNotPublicError) Error() string {
	return fmt.Sprintf("startup %s is not public (visibility %q)", e.StartupID, e.Visibility)
}

// Unwrap returns the validation error shown to a caller who may see the
// startup.
func (e *StartupNotPublicError) Unwrap() error {
	return &Error{Code: EValidation, Message: "Some fields are invalid.", Fields: []FieldError{{Field: "startup_id", Code: FInvalid,
		Message: "this startup is visible to investors only; its founder must make it public before it can pitch, " +
			"because event pages, leaderboards and results are public"}}}
}

// EventFilter selects events, newest first.
type EventFilter struct {
	OrganizerID string
	Cursor      string
	Limit       int
}

// AuditFilter pages through an event's audit log in seq order.
type AuditFilter struct {
	EventID string
	After   int64
	Limit   int
}

// EventStore keeps live pitch events. Writes are committed before they
// return: a vote or a score that was acknowledged is durable.
type EventStore interface {
	// CreateEvent stores e, setting ID and the timestamps.
	CreateEvent(ctx context.Context, e *Event) error
	// FindEvent returns an event, or ENotFound.
	FindEvent(ctx context.Context, id string) (*Event, error)
	// FindEvents lists events newest first; the cursor pages.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, string, error)

	// AddPitch adds a startup's slot to an event. Returns ENotFound for a
	// missing event or startup, a [*StartupNotPublicError] for a startup
	// that is not public, EConflict when the startup or the order is taken
	// or the results are published. It fills StartupName and FounderID.
	AddPitch(ctx context.Context, p *Pitch, actorID string) error
	// FindPitch returns one pitch of an event, or ENotFound.
	FindPitch(ctx context.Context, eventID, pitchID string) (*Pitch, error)
	// FindPitches lists an event's pitches in order.
	FindPitches(ctx context.Context, eventID string) ([]*Pitch, error)

	// AddJudge makes a user a judge of the event. Returns ENotFound for a
	// missing event or user, EConflict when they already judge it or the
	// results are published.
	AddJudge(ctx context.Context, j *Judge, actorID string) error
	// FindJudges lists an event's judges.
	FindJudges(ctx context.Context, eventID string) ([]*Judge, error)
	// IsJudge reports whether the user judges the event.
	IsJudge(ctx context.Context, eventID, userID string) (bool, error)

	// Control applies an organizer action atomically: the state change,
	// its audit entry and the notifications it causes. Returns EConflict
	// when the action does not apply to the current state.
	Control(ctx context.Context, r ControlRequest) (*ControlResult, error)

	// Recuse records recusals (idempotently) with their audit entries and
	// returns the ones that were new. Returns EConflict once the results
	// of the event are published.
	Recuse(ctx context.Context, rs []*Recusal, actorID string) ([]*Recusal, error)
	// FindRecusals lists an event's recusals.
	FindRecusals(ctx context.Context, eventID string) ([]*Recusal, error)
	// ConflictFacts gathers what the conflict-of-interest rules need
	// about a judge and a startup (Relations is left to the caller).
	ConflictFacts(ctx context.Context, judgeID, startupID string) (*ConflictFacts, error)
	// AuditRefusedScore appends a score_refused entry.
	AuditRefusedScore(ctx context.Context, s *Score, reasons []*Recusal) error

	// SetScore creates or replaces a judge's score of a pitch and appends
	// the change to the audit log, in one transaction. Returns EForbidden
	// when the user does not judge the event, EConflictOfInterest when
	// they are recused from the pitch, EConflict when scoring is not
	// open, ENotFound for a missing pitch. Scores must be valid.
	SetScore(ctx context.Context, s *Score) error
	// FindScores lists an event's scores.
	FindScores(ctx context.Context, eventID string) ([]*Score, error)

	// CastVote stores an audience vote. Returns EAlreadyVoted for a second
	// vote of the account on the pitch (the database enforces it), EConflict
	// when voting on the pitch is not open, ENotFound for a missing pitch.
	CastVote(ctx context.Context, v *Vote) error
	// CountVotes returns the votes per pitch of an event.
	CountVotes(ctx context.Context, eventID string) (map[string]int64, error)
	// BoardVersion returns a number that rises with every change of the
	// facts behind the event's leaderboard except votes (scores,
	// recusals, pitches, state).
	BoardVersion(ctx context.Context, eventID string) (int64, error)

	// CreateQuestion stores an audience question.
	CreateQuestion(ctx context.Context, q *Question) error
	// UpvoteQuestion adds the user's upvote and returns the question.
	// Returns EAlreadyVoted on a second upvote, ENotFound for a missing or
	// hidden question.
	UpvoteQuestion(ctx context.Context, eventID, questionID, userID string) (*Question, error)
	// HideQuestion hides (or shows again) a question.
	HideQuestion(ctx context.Context, eventID, questionID, actorID string, hidden bool) (*Question, error)
	// FindQuestions lists an event's questions, most upvoted first.
	FindQuestions(ctx context.Context, eventID string, withHidden bool) ([]*Question, error)

	// SaveIntent stores an investor's intent card for a pitch, or updates
	// its note. On the first card it also stores a notification for the
	// founder in the same transaction and returns it.
	SaveIntent(ctx context.Context, in *Intent) (created bool, n *Notification, err error)
	// FindIntents lists the intents of a pitch.
	FindIntents(ctx context.Context, eventID, pitchID string) ([]*Intent, error)

	// FindAudit pages through an event's audit log.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// Notification types that events create.
const (
	NotifyPitchNext       = "pitch_next"
	NotifyScoresPublished = "scores_published"
	NotifyIntentReceived  = "intent_received"
	NotifyJudgeAssigned   = "judge_assigned"
)

func notificationData(kv ...string) json.RawMessage {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return b
}

// PitchNextNotification tells a founder that their pitch comes next.
func PitchNextNotification(e *Event, next *Pitch) *Notification {
	return &Notification{
		UserID: next.FounderID, Type: NotifyPitchNext,
		Title: Text{ZH: fmt.Sprintf("%s：%s 即将上台路演，请做好准备", e.Name, next.StartupName),
			EN: fmt.Sprintf("%s: %s pitches next, get ready", e.Name, next.StartupName)},
		Data: notificationData("event_id", e.ID, "pitch_id", next.ID, "startup_id", next.StartupID),
	}
}

// ScoresPublishedNotification tells a founder that the results are out.
func ScoresPublishedNotification(e *Event, p *Pitch) *Notification {
	return &Notification{
		UserID: p.FounderID, Type: NotifyScoresPublished,
		Title: Text{ZH: fmt.Sprintf("%s：评审结果已公布", e.Name), EN: fmt.Sprintf("%s: the results are published", e.Name)},
		Data:  notificationData("event_id", e.ID, "pitch_id", p.ID, "startup_id", p.StartupID),
	}
}

// IntentNotification tells a founder that an investor handed them an
// investment-intent card.
func IntentNotification(e *Event, p *Pitch, in *Intent, investorName string) *Notification {
	return &Notification{
		UserID: p.FounderID, Type: NotifyIntentReceived,
		Title: Text{ZH: fmt.Sprintf("%s 在%s向 %s 递交了投资意向", investorName, e.Name, p.StartupName),
			EN: fmt.Sprintf("%s handed %s an investment-intent card at %s", investorName, p.StartupName, e.Name)},
		Data: notificationData("event_id", e.ID, "pitch_id", p.ID, "startup_id", p.StartupID,
			"intent_id", in.ID, "investor_id", in.InvestorID),
	}
}
