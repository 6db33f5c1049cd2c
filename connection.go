package makerlink

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Connections (issue 6): introductions with double opt-in, the investor
// pipeline and mentoring. The rules are pure functions here; the store
// applies them inside transactions and the api package maps their codes.

// Error codes of introductions and mentoring. Each maps to its own status
// in the HTTP layer.
const (
	EIntroLimit    = "intro_limit"    // 429: the startup has too many open requests
	EAskedRecently = "asked_recently" // 409: the same person was asked within 30 days
	ENotAccepting  = "not_accepting"  // 409: the investor does not take new requests
	EMentorPaused  = "mentor_paused"  // 409: the mentor paused mentoring
	EMentorFull    = "mentor_full"    // 409: the mentor has no free mentee slot
	EExpired       = "expired"        // 409: the request was not answered in time
)

// Intro statuses.
const (
	IntroPending  = "pending"
	IntroAccepted = "accepted"
	IntroDeclined = "declined"
	IntroExpired  = "expired" // declined automatically: unanswered for IntroAnswerWindow
)

// Introduction limits.
const (
	// DefaultMaxOpenIntros is how many pending requests a startup may
	// have at once unless configured otherwise.
	DefaultMaxOpenIntros = 10
	// IntroRepeatWindow is how long a startup waits before asking the same
	// person again.
	IntroRepeatWindow = 30 * 24 * time.Hour
	// IntroAnswerWindow is how long a request waits for an answer before
	// it expires (an automatic decline).
	IntroAnswerWindow = 14 * 24 * time.Hour
	// MaxIntroMessage is the longest request message, in characters.
	MaxIntroMessage = 2000
	// MaxPipelineNote is the longest pipeline note, in characters.
	MaxPipelineNote = 4000
	// StatsWindow is how far back response statistics look.
	StatsWindow = 180 * 24 * time.Hour
)

// Intro is a founder's request to be introduced to an investor or mentor.
// The recipient is the owner of the profile ToID. Contact is set only in
// replies to one of the two parties once the request was accepted (double
// opt-in); the e-mail fields are never serialized.
type Intro struct {
	ID          string     `json:"id"`
	StartupID   string     `json:"startup_id"`
	StartupName string     `json:"startup_name"`
	ToKind      Kind       `json:"to_kind"`
	ToID        string     `json:"to_id"`
	ToName      string     `json:"to_name"`
	Message     string     `json:"message"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	AnsweredAt  *time.Time `json:"answered_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	Contact     *Contact   `json:"contact,omitempty"`

	FromUserID string `json:"-"` // the founder who asked
	FromName   string `json:"-"`
	FromEmail  string `json:"-"`
	ToUserID   string `json:"-"` // the recipient
	ToUserName string `json:"-"`
	ToEmail    string `json:"-"`
}

// Contact is the other party's name and e-mail, shared after acceptance.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// IntroRequest is the body of POST /intros.
type IntroRequest struct {
	StartupID string `json:"startup_id"`
	ToKind    Kind   `json:"to_kind"`
	ToID      string `json:"to_id"`
	Message   string `json:"message"`
}

// Validate checks the request's fields.
func (r *IntroRequest) Validate() error {
	var v Validation
	r.Message = strings.TrimSpace(r.Message)
	text(&v, "startup_id", r.StartupID, MaxName, true)
	switch r.ToKind {
	case KindInvestor, KindMentor:
	case "":
		v.Add("to_kind", FRequired, "is required")
	default:
		v.Add("to_kind", FUnknown, "must be investor or mentor")
	}
	text(&v, "to_id", r.ToID, MaxName, true)
	text(&v, "message", r.Message, MaxIntroMessage, false)
	return v.Err()
}

// MentorAvailability is what a request to a mentor depends on: whether
// they paused mentoring, how many mentees they have and how many places
// are left.
type MentorAvailability struct {
	Paused       bool
	Active, Open int
}

// ReadMentorAvailability reads m's availability from the store.
func ReadMentorAvailability(ctx context.Context, cs ConnectionStore, m *Mentor) (MentorAvailability, error) {
	paused, err := cs.MentorPaused(ctx, m.ID)
	if err != nil {
		return MentorAvailability{}, err
	}
	active, err := cs.FindMentorships(ctx, m.ID, true)
	if err != nil {
		return MentorAvailability{}, err
	}
	return MentorAvailability{Paused: paused, Active: len(active), Open: max(0, m.Capacity-len(active))}, nil
}

// NewIntro builds the introduction the founder of s asks of profile to
// (an investor or a mentor), with the rules that hold whoever stores it:
// an investor must take requests (ENotAccepting), a mentor (whose
// availability is avail) must not have paused (EMentorPaused) or be full
// (EMentorFull), and a founder does not ask their own profile (422 on
// to_id). r must be valid ([IntroRequest.Validate]).
func NewIntro(s *Startup, to Profile, r IntroRequest, avail MentorAvailability) (*Intro, error) {
	in := &Intro{StartupID: s.ID, StartupName: s.Name, FromUserID: s.OwnerID, ToKind: r.ToKind, ToID: r.ToID,
		ToUserID: to.Base().OwnerID, Message: r.Message}
	switch t := to.(type) {
	case *Investor:
		in.ToName = t.Name
		if !t.Accepting {
			return nil, Errorf(ENotAccepting, "%s does not take new requests at the moment.", t.Name)
		}
	case *Mentor:
		in.ToName = t.Name
		switch {
		case avail.Paused:
			return nil, Errorf(EMentorPaused, "%s paused mentoring; try other mentors.", t.Name)
		case avail.Open <= 0:
			return nil, Errorf(EMentorFull, "%s mentors as many startups as they can; try other mentors.", t.Name)
		}
	}
	if in.ToUserID == in.FromUserID {
		var v Validation
		v.Add("to_id", FInvalid, "is your own profile")
		return nil, v.Err()
	}
	return in, nil
}

// ViewFor returns a copy of the intro as the user sees it: the other
// party's contact details only when the intro was accepted and the user
// is one of its two parties.
func (in *Intro) ViewFor(userID string) *Intro {
	c := *in
	c.Contact = nil
	if in.Status != IntroAccepted || userID == "" {
		return &c
	}
	switch userID {
	case in.FromUserID:
		c.Contact = &Contact{Name: in.ToUserName, Email: in.ToEmail}
	case in.ToUserID:
		c.Contact = &Contact{Name: in.FromName, Email: in.FromEmail}
	}
	return &c
}

// Overdue reports whether a pending intro went unanswered past its window.
func (in *Intro) Overdue(now time.Time) bool {
	return in.Status == IntroPending && !now.Before(in.CreatedAt.Add(IntroAnswerWindow))
}

// IntroLimits are the anti-spam limits the store checks atomically with
// the insert.
type IntroLimits struct {
	MaxOpen      int           // pending requests per startup; 0 means DefaultMaxOpenIntros
	RepeatWindow time.Duration // 0 means IntroRepeatWindow
}

// WithDefaults fills zero fields.
func (l IntroLimits) WithDefaults() IntroLimits {
	if l.MaxOpen <= 0 {
		l.MaxOpen = DefaultMaxOpenIntros
	}
	if l.RepeatWindow <= 0 {
		l.RepeatWindow = IntroRepeatWindow
	}
	return l
}

// IntroFilter selects intros, newest first.
type IntroFilter struct {
	FromUserID string // the founder's outbox
	ToUserID   string // the recipient's inbox
	StartupID  string
	Status     string
	Cursor     string
	Limit      int
}

// MentorState is a mentor's public availability and responsiveness.
type MentorState struct {
	MentorID string `json:"mentor_id"`
	Capacity int    `json:"capacity"`
	Active   int    `json:"active_mentees"`
	Open     int    `json:"open_slots"`
	Paused   bool   `json:"paused"`
	// Accepting is true when requests are taken: not paused, a free slot.
	Accepting bool `json:"accepting"`
	ResponseStats
}

// ResponseStats summarises how a recipient answers requests over the last
// StatsWindow. Rate and MedianHours are null until there is data.
type ResponseStats struct {
	Received    int      `json:"requests_received"`
	Answered    int      `json:"requests_answered"`
	Expired     int      `json:"requests_expired"`
	Rate        *float64 `json:"response_rate"`         // answered / (answered + expired)
	MedianHours *float64 `json:"median_response_hours"` // of the answered ones
}

// IntroTiming is what ComputeResponseStats needs of one request.
type IntroTiming struct {
	Status     string
	CreatedAt  time.Time
	AnsweredAt *time.Time
}

// ComputeResponseStats derives response statistics from the requests a
// recipient received. Pending requests count as received only.
func ComputeResponseStats(ts []IntroTiming) ResponseStats {
	var s ResponseStats
	var hours []float64
	for _, t := range ts {
		s.Received++
		switch t.Status {
		case IntroAccepted, IntroDeclined:
			s.Answered++
			if t.AnsweredAt != nil {
				hours = append(hours, t.AnsweredAt.Sub(t.CreatedAt).Hours())
			}
		case IntroExpired:
			s.Expired++
		}
	}
	if d := s.Answered + s.Expired; d > 0 {
		r := float64(s.Answered) / float64(d)
		s.Rate = &r
	}
	if len(hours) > 0 {
		slices.Sort(hours)
		n := len(hours)
		m := hours[n/2]
		if n%2 == 0 {
			m = (hours[n/2-1] + hours[n/2]) / 2
		}
		m = float64(int64(m*10+0.5)) / 10
		s.MedianHours = &m
	}
	return s
}

// Mentorship is an active (or ended) mentor-mentee link, created when a
// mentor accepts a request.
type Mentorship struct {
	MentorID    string     `json:"mentor_id"`
	StartupID   string     `json:"startup_id"`
	StartupName string     `json:"startup_name"`
	IntroID     string     `json:"intro_id"`
	Status      string     `json:"status"` // active or ended
	StartedAt   time.Time  `json:"started_at"`
	EndedAt     *time.Time `json:"ended_at"`
}

// Mentorship statuses.
const (
	MentorshipActive = "active"
	MentorshipEnded  = "ended"
)

// Pipeline stages, in board order.
const (
	StageNew       = "new"
	StageContacted = "contacted"
	StageMeeting   = "meeting"
	StageDiligence = "diligence"
	StageInvested  = "invested"
	StagePassed    = "passed"
)

// PipelineStages lists the stages of an investor's board.
var PipelineStages = []string{StageNew, StageContacted, StageMeeting, StageDiligence, StageInvested, StagePassed}

// Sources of a pipeline entry.
const (
	SourceManual = "manual" // the investor added it
	SourceIntro  = "intro"  // an accepted introduction
	SourceIntent = "intent" // an intent card at a pitch event
)

// PassReasons are the coded reasons an investor gives when passing; the
// founder sees only their aggregate.
var PassReasons = []Label{
	{"team", "团队经验不足", "Team"},
	{"market", "市场空间有限", "Market size"},
	{"product", "产品或技术不成熟", "Product or technology maturity"},
	{"traction", "业务进展不足", "Traction"},
	{"business_model", "商业模式不清晰", "Business model"},
	{"valuation", "估值过高", "Valuation"},
	{"competition", "竞争过于激烈", "Competition"},
	{"stage_fit", "阶段不匹配", "Stage fit"},
	{"sector_fit", "行业不在投资范围", "Sector fit"},
	{"ticket_size", "融资额不匹配", "Ticket size"},
	{"timing", "时机不合适", "Timing"},
	{"other", "其他原因", "Other"},
}

// MinPassesForFeedback is how many investors must have passed before a
// founder sees the aggregate of their reasons.
const MinPassesForFeedback = 3

// PipelineEntry is one startup on an investor's private board. The board
// belongs to the investor's account (InvestorID is a user id).
type PipelineEntry struct {
	InvestorID  string    `json:"-"`
	StartupID   string    `json:"startup_id"`
	StartupName string    `json:"startup_name"`
	Stage       string    `json:"stage"`
	Note        string    `json:"note"`
	PassReason  string    `json:"pass_reason,omitempty"`
	Source      string    `json:"source"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PipelineUpdate is the body of PUT /pipeline/{startup_id}.
type PipelineUpdate struct {
	Stage      string  `json:"stage"`
	Note       *string `json:"note"`
	PassReason string  `json:"pass_reason"`
}

// Validate checks the update. A passed stage may give a reason, which
// must be one of PassReasons (the contract's body is only stage and note,
// so a pass without one is valid); other stages must not carry one.
func (u *PipelineUpdate) Validate() error {
	var v Validation
	oneOf(&v, "stage", u.Stage, PipelineStages, true)
	if u.Note != nil {
		text(&v, "note", *u.Note, MaxPipelineNote, false)
	}
	switch {
	case u.Stage == StagePassed && u.PassReason == "":
	case u.Stage == StagePassed:
		code(&v, "pass_reason", u.PassReason, PassReasons, true)
	case u.PassReason != "":
		v.Add("pass_reason", FInvalid, "only a passed startup has a pass reason")
	}
	return v.Err()
}

// ReasonCount is one pass reason and how many investors gave it.
type ReasonCount struct {
	Label
	Count int `json:"count"`
}

// PassFeedback is what a founder learns about the investors who passed:
// how many, and (from MinPassesForFeedback on) how often each reason was
// given. It never names an investor.
type PassFeedback struct {
	StartupID string        `json:"startup_id"`
	Passed    int           `json:"investors_passed"`
	Shown     bool          `json:"shown"`
	MinPassed int           `json:"min_passed"`
	Reasons   []ReasonCount `json:"reasons"`
}

// AggregatePassReasons builds the feedback from one reason code per
// investor who passed ("" when they gave none). Below
// MinPassesForFeedback investors the reasons stay hidden; the rest are
// counted most frequent first. Passes without a reason count in Passed only.
func AggregatePassReasons(startupID string, reasons []string) PassFeedback {
	f := PassFeedback{StartupID: startupID, Passed: len(reasons), MinPassed: MinPassesForFeedback, Reasons: []ReasonCount{}}
	if f.Passed < MinPassesForFeedback {
		return f
	}
	f.Shown = true
	counts := map[string]int{}
	for _, r := range reasons {
		if r == "" {
			continue
		}
		if _, ok := labelByCode(PassReasons, r); !ok {
			r = "other"
		}
		counts[r]++
	}
	for _, l := range PassReasons {
		if n := counts[l.Code]; n > 0 {
			f.Reasons = append(f.Reasons, ReasonCount{Label: l, Count: n})
		}
	}
	slices.SortStableFunc(f.Reasons, func(a, b ReasonCount) int { return b.Count - a.Count })
	return f
}

// ConnectionStore keeps introductions, pipelines and mentorships.
type ConnectionStore interface {
	// CreateIntro stores a pending intro after checking, atomically, that
	// the startup has fewer than lim.MaxOpen pending requests (EIntroLimit)
	// and has not asked the recipient within lim.RepeatWindow
	// (EAskedRecently). The caller fills every field but ID, Status and
	// times; the notifications notes builds for the stored intro are
	// stored in the same transaction and returned.
	CreateIntro(ctx context.Context, in *Intro, lim IntroLimits, notes func(*Intro) []*Notification) ([]*Notification, error)
	// FindIntro returns an intro with both parties' names and e-mails, or
	// ENotFound.
	FindIntro(ctx context.Context, id string) (*Intro, error)
	// FindIntros lists intros newest first with the next cursor.
	FindIntros(ctx context.Context, f IntroFilter) ([]*Intro, string, error)
	// AnswerIntro lets the recipient accept or decline a pending intro.
	// Accepting a mentor request starts a mentorship when the mentor has a
	// free slot (EMentorFull otherwise); accepting an investor request
	// puts the startup on the investor's pipeline (stage contacted, unless
	// it is there already). Returns ENotFound for anyone but the
	// recipient, EExpired for an overdue request and EConflict when it
	// was answered already or, on accepting, when its startup no longer
	// exists (nothing changes then; declining still works). The notifications built by notes (for the
	// answered intro) are stored in the same transaction and returned.
	AnswerIntro(ctx context.Context, id, userID string, accept bool, notes func(*Intro) []*Notification) (*Intro, []*Notification, error)
	// ExpireIntros marks pending intros created before cutoff expired,
	// stores the notifications notes builds for each, and returns them.
	// For an intro to a mentor, notes also gets up to three other mentors
	// with a free slot (see AvailableMentors). A non-empty userID limits
	// it to that user's intros (either side).
	ExpireIntros(ctx context.Context, cutoff time.Time, userID string,
		notes func(in *Intro, otherMentors []string) []*Notification) ([]*Notification, error)
	// IntroTimings returns the requests to a profile created after since.
	IntroTimings(ctx context.Context, toKind Kind, toID string, since time.Time) ([]IntroTiming, error)

	// SavePipelineEntry creates or updates the investor's entry; it sets
	// the times and returns the stored entry. ENotFound when the startup
	// does not exist.
	SavePipelineEntry(ctx context.Context, investorID, startupID string, u PipelineUpdate) (*PipelineEntry, error)
	// FindPipelineEntry returns one entry of the investor's board, or
	// ENotFound (also for another investor's).
	FindPipelineEntry(ctx context.Context, investorID, startupID string) (*PipelineEntry, error)
	// FindPipeline lists the investor's board, most recently updated first.
	FindPipeline(ctx context.Context, investorID string) ([]*PipelineEntry, error)
	// DeletePipelineEntry removes an entry; ENotFound when absent.
	DeletePipelineEntry(ctx context.Context, investorID, startupID string) error
	// PassReasons returns one reason per investor whose entry for the
	// startup is at stage passed.
	PassReasons(ctx context.Context, startupID string) ([]string, error)

	// MentorPaused reports whether a mentor paused mentoring.
	MentorPaused(ctx context.Context, mentorID string) (bool, error)
	// SetMentorPaused pauses or resumes a mentor.
	SetMentorPaused(ctx context.Context, mentorID string, paused bool) error
	// FindMentorships lists a mentor's mentorships, active first.
	FindMentorships(ctx context.Context, mentorID string, activeOnly bool) ([]*Mentorship, error)
	// EndMentorship ends an active mentorship; ENotFound when there is none.
	EndMentorship(ctx context.Context, mentorID, startupID string) error
	// AvailableMentors lists up to limit mentors that are not paused and
	// have a free slot, skipping the mentor except.
	AvailableMentors(ctx context.Context, except string, limit int) ([]ProfileRef, error)
}

// Notification types of introductions, mentoring and bookings.
const (
	NotifyIntroRequested  = "intro_requested"
	NotifyIntroAccepted   = "intro_accepted"
	NotifyIntroDeclined   = "intro_declined"
	NotifyIntroExpired    = "intro_expired"
	NotifyMentorshipEnded = "mentorship_ended"
	NotifyBookingCreated  = "booking_requested"
	NotifyBookingApproved = "booking_approved"
	NotifyBookingRejected = "booking_rejected"
	NotifyBookingCanceled = "booking_cancelled"
)

func kindZH(k Kind) string {
	if k == KindMentor {
		return "导师"
	}
	return "投资人"
}

// IntroRequestedNotification tells the recipient about a new request.
func IntroRequestedNotification(in *Intro) *Notification {
	return &Notification{
		UserID: in.ToUserID, Type: NotifyIntroRequested,
		Title: Text{ZH: fmt.Sprintf("%s 希望与您（%s）建立联系", in.StartupName, in.ToName),
			EN: fmt.Sprintf("%s asks to be introduced to you (%s)", in.StartupName, in.ToName)},
		Data: notificationData("intro_id", in.ID, "startup_id", in.StartupID, "to_kind", string(in.ToKind), "to_id", in.ToID),
	}
}

// IntroAnsweredNotification tells the founder that the recipient accepted
// or declined.
func IntroAnsweredNotification(in *Intro) *Notification {
	n := &Notification{UserID: in.FromUserID,
		Data: notificationData("intro_id", in.ID, "startup_id", in.StartupID, "to_kind", string(in.ToKind), "to_id", in.ToID)}
	if in.Status == IntroAccepted {
		n.Type = NotifyIntroAccepted
		n.Title = Text{ZH: fmt.Sprintf("%s%s 接受了 %s 的联系请求，现可查看联系方式", kindZH(in.ToKind), in.ToName, in.StartupName),
			EN: fmt.Sprintf("%s accepted the request of %s: contact details are now shared", in.ToName, in.StartupName)}
	} else {
		n.Type = NotifyIntroDeclined
		n.Title = Text{ZH: fmt.Sprintf("%s%s 婉拒了 %s 的联系请求", kindZH(in.ToKind), in.ToName, in.StartupName),
			EN: fmt.Sprintf("%s declined the request of %s", in.ToName, in.StartupName)}
	}
	return n
}

// MentorshipEndedNotification tells one side of a mentorship that the
// other ended it: the founder (toUserID) when the mentor ended it
// (byMentor), else the mentor's owner.
func MentorshipEndedNotification(toUserID, mentorID, mentorName, startupID, startupName string, byMentor bool) *Notification {
	n := &Notification{UserID: toUserID, Type: NotifyMentorshipEnded,
		Data: notificationData("mentor_id", mentorID, "startup_id", startupID)}
	if byMentor {
		n.Title = Text{ZH: fmt.Sprintf("导师%s 结束了对 %s 的辅导", mentorName, startupName),
			EN: fmt.Sprintf("%s ended the mentoring of %s", mentorName, startupName)}
	} else {
		n.Title = Text{ZH: fmt.Sprintf("%s 结束了您（%s）的辅导关系", startupName, mentorName),
			EN: fmt.Sprintf("%s ended its mentoring with you (%s)", startupName, mentorName)}
	}
	return n
}

// IntroExpiredNotification tells the founder that a request expired; for
// a mentor it suggests others (ids of mentor profiles with a free slot).
func IntroExpiredNotification(in *Intro, otherMentors []string) *Notification {
	data := map[string]any{"intro_id": in.ID, "startup_id": in.StartupID, "to_kind": in.ToKind, "to_id": in.ToID}
	title := Text{ZH: fmt.Sprintf("%s 在 14 天内未回复 %s 的请求，请求已自动关闭", in.ToName, in.StartupName),
		EN: fmt.Sprintf("%s did not answer the request of %s within 14 days; it was closed", in.ToName, in.StartupName)}
	if in.ToKind == KindMentor {
		title.ZH += "。不妨联系其他导师"
		title.EN += ". Try other mentors"
		data["suggested_mentors"] = otherMentors
	}
	b, _ := json.Marshal(data)
	return &Notification{UserID: in.FromUserID, Type: NotifyIntroExpired, Title: title, Data: b}
}
