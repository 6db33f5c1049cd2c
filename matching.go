package makerlink

import (
	"context"
	"time"
)

// Match is one ranked candidate of a match list (issue 4): a profile, its
// score and mutual score in [0,1] and the reasons it ranks where it does.
type Match struct {
	Kind        Kind          `json:"kind"`
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Score       float64       `json:"score"`
	MutualScore float64       `json:"mutual_score"`
	Reasons     []MatchReason `json:"reasons"`
	// Factors is each factor's contribution to Score by reason code (the
	// exposure penalty is negative).
	Factors map[string]float64 `json:"factors,omitempty"`
}

// MatchReason explains a match in Chinese and English. Code is one of
// sector, stage, ticket, location, text, portfolio, capacity, needs.
type MatchReason struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// MatchQuery asks for the matches of one profile: a startup's investors,
// mentors or equipment, an investor's or a mentor's startups.
type MatchQuery struct {
	FromKind Kind
	FromID   string
	ToKind   Kind
	Limit    int   // 0 means 20; more than 100 means 100
	Viewer   *User // the caller: the profile's owner or an admin
}

// Feedback actions on a match.
const (
	MatchSave    = "save"
	MatchDismiss = "dismiss"
)

// MatchFeedback is a save or dismiss of a match by the owner of the profile
// the match was for. Dismissed candidates never come back; saved ones feed
// the portfolio signal of investors and mentors.
type MatchFeedback struct {
	FromKind  Kind      `json:"from_kind"`
	FromID    string    `json:"from_id"`
	ToKind    Kind      `json:"to_kind"`
	ToID      string    `json:"to_id"`
	Action    string    `json:"action"`
	UserID    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// MentorAssignment is a proposed mentor for a startup of a cohort.
type MentorAssignment struct {
	StartupID string        `json:"startup_id"`
	MentorID  string        `json:"mentor_id"`
	Score     float64       `json:"score"`
	Reasons   []MatchReason `json:"reasons"`
}

// MatchService ranks matches and records feedback. Package matching
// implements it.
type MatchService interface {
	// Matches returns the ranked matches of a profile. Returns EBadRequest
	// for kinds that are not matched or a negative limit, ENotFound for an
	// unknown profile, EForbidden when the viewer is neither the owner nor
	// an admin.
	Matches(ctx context.Context, q MatchQuery) ([]Match, error)
	// Feedback stores and applies a save or dismiss by viewer, who must own
	// the profile f.FromKind/f.FromID or be an admin (EForbidden;
	// ENotFound for an unknown profile, EValidation for a bad action or
	// kinds).
	Feedback(ctx context.Context, viewer *User, f MatchFeedback) error
	// MentorAssignments proposes an optimal mentor for each startup (no
	// mentor over capacity). Empty lists mean the startups of the space
	// and every mentor with a free place; an id listed twice counts once.
	// Returns ENotFound for unknown ids and for listed startups viewer may
	// not see (the same reply, so that hidden startups do not show). The
	// check that viewer may plan for the space (admin or space owner) is
	// the caller's. A nil viewer is trusted.
	MentorAssignments(ctx context.Context, viewer *User, spaceID string, startupIDs, mentorIDs []string) ([]MentorAssignment, error)
}

// MatchStore keeps match feedback and reads the connection signals the
// ranking uses.
type MatchStore interface {
	// SaveMatchFeedback records a save or dismiss, replacing an earlier
	// one of the same pair; it sets CreatedAt.
	SaveMatchFeedback(ctx context.Context, f *MatchFeedback) error
	// DeleteMatchFeedback forgets the feedback of a pair (no error when absent).
	DeleteMatchFeedback(ctx context.Context, fromKind Kind, fromID string, toKind Kind, toID string) error
	// FindMatchFeedback returns every stored feedback, oldest first.
	FindMatchFeedback(ctx context.Context) ([]*MatchFeedback, error)
	// MatchSignals returns what the platform knows about relations:
	// pending requests per recipient, active mentees per mentor and the
	// startups each investor or mentor accepted or put on its pipeline.
	MatchSignals(ctx context.Context) (*MatchSignals, error)
}

// MatchSignals are the relations [MatchStore.MatchSignals] reads.
type MatchSignals struct {
	// OpenRequests counts pending intro requests per recipient profile.
	OpenRequests map[ProfileRef]int
	// Mentees counts active mentorships per mentor profile id.
	Mentees map[string]int
	// Interest lists, per investor or mentor profile, the startups it
	// accepted an intro from; Pipeline lists per investor account (user
	// id) the startups on its pipeline that it has not passed on.
	Interest map[ProfileRef][]string
	Pipeline map[string][]string
	// Paused lists the mentor profile ids that paused mentoring: they take
	// no new mentees whatever their capacity.
	Paused map[string]bool
	// Passed lists per investor account (user id) the startups its
	// pipeline marks passed: they leave its deal flow.
	Passed map[string][]string
}
