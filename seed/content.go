package seed

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"makerlink"
	"makerlink/events"
)

// The demo accounts' activity: introductions, the demo investor's
// pipeline, the demo organizer's pitch events and the demo lab's bookings
// (bookings.go). [Load] stores it through the same domain checks the API
// applies (intro limits and availability, pipeline validation, the events
// service's organizer, rubric, conflict of interest and state rules, the
// instruments' booking rules), before the admin marker, so that an
// interrupted load completes it and a second start does not repeat it.
// Every step looks for what an earlier, interrupted load stored first.

// Names of the demo organizer's pitch events.
const (
	// UpcomingEventName is the demo organizer's upcoming pitch event: it
	// starts [UpcomingEventIn] after the load, at 14:00 Beijing time.
	UpcomingEventName = "银川iBi育成中心·塞上创客冬季路演日"
	// FinishedEventName is the demo organizer's finished pitch event, with
	// judges' scores, audience votes and published results.
	FinishedEventName = "银川iBi育成中心·秋季创新创业大赛决赛"
	// UpcomingEventIn is how long after the load the upcoming event starts
	// (rounded to 14:00 Beijing time of that day).
	UpcomingEventIn = 14 * 24 * time.Hour
	// FinishedEventAgo is how long before the load the finished event
	// started (rounded to 14:00 Beijing time of that day).
	FinishedEventAgo = 30 * 24 * time.Hour
)

// streamContent draws the judges' scores and the audience of the finished
// event; it follows the other streams so that they stay unchanged.
const streamContent uint64 = streamUsers + 1

var beijing = time.FixedZone("CST", 8*3600)

// at14 returns 14:00 Beijing time of t's day in Beijing.
func at14(t time.Time) time.Time {
	t = t.In(beijing)
	return time.Date(t.Year(), t.Month(), t.Day(), 14, 0, 0, 0, beijing).UTC()
}

// demoCast is the part of the data set the demo content is about.
type demoCast struct {
	founder, investor, mentor, organizer *makerlink.User
	lab                                  *makerlink.User    // nil in a data set without it (never generated so)
	goji, solar                          *makerlink.Startup // the founder's startups
	inv                                  *makerlink.Investor
	men                                  *makerlink.Mentor
	space                                *makerlink.Space
}

func castOf(d *Dataset) (*demoCast, bool) {
	c := &demoCast{
		founder: d.UserByEmail(FounderEmail), investor: d.UserByEmail(InvestorEmail),
		mentor: d.UserByEmail(MentorEmail), organizer: d.UserByEmail(OrganizerEmail), lab: d.UserByEmail(LabEmail),
	}
	if c.founder == nil || c.investor == nil || c.mentor == nil || c.organizer == nil {
		return nil, false
	}
	for _, p := range d.OwnedBy(c.founder.ID) {
		if s, ok := p.(*makerlink.Startup); ok {
			if c.goji == nil {
				c.goji = s
			} else if c.solar == nil {
				c.solar = s
			}
		}
	}
	for _, p := range d.OwnedBy(c.investor.ID) {
		if x, ok := p.(*makerlink.Investor); ok && c.inv == nil {
			c.inv = x
		}
	}
	for _, p := range d.OwnedBy(c.mentor.ID) {
		if x, ok := p.(*makerlink.Mentor); ok && c.men == nil {
			c.men = x
		}
	}
	for _, p := range d.OwnedBy(c.organizer.ID) {
		if x, ok := p.(*makerlink.Space); ok && c.space == nil {
			c.space = x
		}
	}
	ok := c.goji != nil && c.solar != nil && c.inv != nil && c.men != nil && c.space != nil
	return c, ok
}

// loadContent stores the demo accounts' activity when st keeps
// connections, events and bookings (an optional interface each); stores
// without them get the profiles and accounts only.
func loadContent(ctx context.Context, st makerlink.Store, d *Dataset, now time.Time) error {
	c, ok := castOf(d)
	if !ok {
		return nil // a data set without the demo profiles (never generated so)
	}
	if cs, ok := st.(makerlink.ConnectionStore); ok {
		if err := loadIntros(ctx, st, cs, d, c); err != nil {
			return fmt.Errorf("seed: demo introductions: %w", err)
		}
		if err := loadPipeline(ctx, st, cs, d, c); err != nil {
			return fmt.Errorf("seed: demo pipeline: %w", err)
		}
	}
	if es, ok := st.(makerlink.EventStore); ok {
		if err := loadEvents(ctx, st, es, d, c, now); err != nil {
			return fmt.Errorf("seed: demo events: %w", err)
		}
	}
	if bs, ok := st.(makerlink.BookingStore); ok {
		if err := loadBookings(ctx, st, bs, d, c, now); err != nil {
			return fmt.Errorf("seed: demo bookings: %w", err)
		}
	}
	return nil
}

// --- introductions ---

type introPlan struct {
	startup *makerlink.Startup
	to      makerlink.Profile
	message string
	answer  string // "" (leave pending), accepted or declined
}

func loadIntros(ctx context.Context, st makerlink.Store, cs makerlink.ConnectionStore, d *Dataset, c *demoCast) error {
	plans := []introPlan{
		{c.goji, c.men, "丁教授您好，我们在中宁做枸杞原浆和冻干粉，正在申请保健食品备案并筹建GMP车间，" +
			"希望能请您在功能性食品配方和GMP认证方面给予辅导。", makerlink.IntroAccepted},
		{c.solar, c.inv, "马总您好，我们是宁夏大学钙钛矿叠层电池团队，实验室小面积组件效率已到26.1%，" +
			"本轮计划融资150万元建设中试线，想约您30分钟介绍项目。", ""},
	}
	if other := otherInvestor(d, c); other != nil {
		plans = append(plans, introPlan{c.goji, other, "您好，我们是银川iBi育成中心的枸杞深加工团队，天使轮融资进行中，" +
			"附上商业计划书摘要，希望有机会向您汇报。", makerlink.IntroDeclined})
	}
	// a generated founder asks the demo mentor too: a request to answer
	var onBoard []string
	for _, p := range pipelinePlans(d, c) {
		onBoard = append(onBoard, p.startup.ID)
	}
	if s := generatedStartup(d, c, func(s *makerlink.Startup) bool {
		return hasAny(s.Sectors, "biotech", "modern_agriculture") && s.Visibility == makerlink.VisibilityPublic
	}, onBoard...); s != nil {
		plans = append(plans, introPlan{s, c.men, "丁老师您好，我们的产品准备申报保健食品，想请您帮忙看看功效评价方案，" +
			"每月交流一次即可。", ""})
	}
	for _, p := range plans {
		if err := introduce(ctx, st, cs, p); err != nil {
			return err
		}
	}
	return nil
}

// introduce asks for an introduction as POST /intros does, and answers it
// as POST /intros/{id}/accept|decline does, unless an earlier load did.
func introduce(ctx context.Context, st makerlink.Store, cs makerlink.ConnectionStore, p introPlan) error {
	founderID := p.startup.OwnerID
	in, err := findIntro(ctx, cs, founderID, p.startup.ID, p.to.Base().ID)
	if err != nil {
		return err
	}
	if in == nil {
		if in, err = askIntro(ctx, st, cs, p); err != nil {
			return err
		}
	}
	if p.answer == "" || in.Status != makerlink.IntroPending {
		return nil
	}
	_, _, err = cs.AnswerIntro(ctx, in.ID, in.ToUserID, p.answer == makerlink.IntroAccepted, func(in *makerlink.Intro) []*makerlink.Notification {
		return []*makerlink.Notification{makerlink.IntroAnsweredNotification(in)}
	})
	if err != nil {
		return fmt.Errorf("answer intro %s: %w", in.ID, err)
	}
	return nil
}

func findIntro(ctx context.Context, cs makerlink.ConnectionStore, founderID, startupID, toID string) (*makerlink.Intro, error) {
	list, _, err := cs.FindIntros(ctx, makerlink.IntroFilter{FromUserID: founderID, StartupID: startupID, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("find intros of %s: %w", startupID, err)
	}
	for _, in := range list {
		if in.ToID == toID {
			return in, nil
		}
	}
	return nil, nil
}

// askIntro applies the checks of POST /intros and stores the request.
func askIntro(ctx context.Context, st makerlink.Store, cs makerlink.ConnectionStore, p introPlan) (*makerlink.Intro, error) {
	r := makerlink.IntroRequest{StartupID: p.startup.ID, ToKind: p.to.Kind(), ToID: p.to.Base().ID, Message: p.message}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("intro from %s: %w", p.startup.Name, err)
	}
	to, err := st.FindProfile(ctx, r.ToKind, r.ToID)
	if err != nil {
		return nil, fmt.Errorf("intro to %s: %w", r.ToID, err)
	}
	var avail makerlink.MentorAvailability
	if m, ok := to.(*makerlink.Mentor); ok {
		if avail, err = makerlink.ReadMentorAvailability(ctx, cs, m); err != nil {
			return nil, err
		}
	}
	in, err := makerlink.NewIntro(p.startup, to, r, avail)
	if err != nil {
		return nil, fmt.Errorf("intro from %s: %w", p.startup.Name, err)
	}
	_, err = cs.CreateIntro(ctx, in, makerlink.IntroLimits{}.WithDefaults(), func(in *makerlink.Intro) []*makerlink.Notification {
		return []*makerlink.Notification{makerlink.IntroRequestedNotification(in)}
	})
	if err != nil {
		return nil, fmt.Errorf("intro from %s to %s: %w", p.startup.Name, in.ToName, err)
	}
	return in, nil
}

// otherInvestor is the investor who declines the goji startup: the first
// generated one taking requests that invests in modern agriculture (any
// one taking requests when none does).
func otherInvestor(d *Dataset, c *demoCast) *makerlink.Investor {
	var fallback *makerlink.Investor
	for _, p := range d.Profiles {
		inv, ok := p.(*makerlink.Investor)
		if !ok || inv.ID == c.inv.ID || !inv.Accepting || inv.OwnerID == c.founder.ID {
			continue
		}
		if hasAny(inv.Sectors, "modern_agriculture") {
			return inv
		}
		if fallback == nil {
			fallback = inv
		}
	}
	return fallback
}

func hasAny(list []string, want ...string) bool {
	for _, w := range want {
		if contains(list, w) {
			return true
		}
	}
	return false
}

// generatedStartup returns the first startup of the data set, not the
// demo founder's, that ok accepts.
func generatedStartup(d *Dataset, c *demoCast, ok func(*makerlink.Startup) bool, skip ...string) *makerlink.Startup {
	for _, p := range d.Profiles {
		s, is := p.(*makerlink.Startup)
		if is && s.OwnerID != c.founder.ID && !contains(skip, s.ID) && ok(s) {
			return s
		}
	}
	return nil
}

// --- pipeline ---

type pipelinePlan struct {
	startup *makerlink.Startup
	stage   string
	note    string
	reason  string
}

// pipelinePlans are the demo investor's board: the founder's two startups
// and three generated ones that fit the investor (sector, stage, not in
// the portfolio), one stage each.
func pipelinePlans(d *Dataset, c *demoCast) []pipelinePlan {
	plans := []pipelinePlan{
		{c.solar, makerlink.StageNew, "收到引荐请求：宁大钙钛矿团队，实验室效率26.1%，需核实稳定性和中试成本。", ""},
		{c.goji, makerlink.StageMeeting, "已在中宁工厂见面，原浆产线运转正常；待补充近12个月销售流水和GMP改造预算。", ""},
	}
	fits := func(s *makerlink.Startup) bool {
		return hasAny(s.Sectors, c.inv.Sectors...) && contains(c.inv.Stages, s.Stage) && !contains(c.inv.Portfolio, s.ID)
	}
	more := []pipelinePlan{
		{stage: makerlink.StageContacted, note: "电话沟通过一次，创始人做事踏实；约了下周到银川面谈。"},
		{stage: makerlink.StageDiligence, note: "尽调中：核实专利归属和前三大客户合同，月底前出结论。"},
		{stage: makerlink.StagePassed, note: "团队和技术都不错，但本轮估值偏高，半年后再看进展。", reason: "valuation"},
	}
	var taken []string
	for _, m := range more {
		s := generatedStartup(d, c, fits, taken...)
		if s == nil {
			break
		}
		taken = append(taken, s.ID)
		m.startup = s
		plans = append(plans, m)
	}
	return plans
}

func loadPipeline(ctx context.Context, st makerlink.Store, cs makerlink.ConnectionStore, d *Dataset, c *demoCast) error {
	plans := pipelinePlans(d, c)
	for _, p := range plans {
		if _, err := cs.FindPipelineEntry(ctx, c.investor.ID, p.startup.ID); err == nil {
			continue // stored by an interrupted load
		} else if makerlink.ErrorCode(err) != makerlink.ENotFound {
			return err
		}
		note := p.note
		u := makerlink.PipelineUpdate{Stage: p.stage, Note: &note, PassReason: p.reason}
		if err := u.Validate(); err != nil {
			return fmt.Errorf("pipeline entry %s: %w", p.startup.Name, err)
		}
		rec, err := st.FindProfileRecord(ctx, makerlink.KindStartup, p.startup.ID)
		if err != nil {
			return err
		}
		if !makerlink.CanView(c.investor, rec.OwnerID, makerlink.Tags{Visibility: rec.Visibility}) {
			return fmt.Errorf("pipeline entry %s: the investor may not see it", p.startup.Name)
		}
		if _, err := cs.SavePipelineEntry(ctx, c.investor.ID, p.startup.ID, u); err != nil {
			return fmt.Errorf("pipeline entry %s: %w", p.startup.Name, err)
		}
	}
	return nil
}

// --- events ---

func loadEvents(ctx context.Context, st makerlink.Store, es makerlink.EventStore, d *Dataset, c *demoCast, now time.Time) error {
	cfg := events.Config{Store: es, Users: st}
	if ns, ok := st.(makerlink.NotificationStore); ok {
		cfg.Notifications = ns
	}
	if rf, ok := st.(makerlink.RelationFinder); ok {
		cfg.Relations = rf // pipelines and mentorships are conflicts of interest, as on the server
	}
	svc := events.New(cfg)
	defer svc.Close()

	// accounts as stored: the events service checks their roles
	org, err := st.FindUserByID(ctx, c.organizer.ID)
	if err != nil {
		return err
	}
	judges := []*makerlink.User{c.investor, c.mentor}

	// Startups the judges are linked to (pipeline, mentee) pitch only where
	// the demo wants to show a recusal: the goji startup, upcoming.
	var linked []*makerlink.Startup
	for _, p := range pipelinePlans(d, c) {
		linked = append(linked, p.startup)
	}
	// the upcoming event: the founder's goji startup and other public
	// startups of the organizer's space (then of its city)
	upcoming := pitchers(d, c, 5, true, linked)
	if err := ensureEvent(ctx, svc, es, org, &makerlink.Event{
		Name: UpcomingEventName, StartsAt: at14(now.Add(UpcomingEventIn)), Preset: makerlink.Preset87,
		Rubric: []makerlink.RubricItem{
			{Key: "innovation", Label: "技术创新性", Weight: 30, Max: 10},
			{Key: "market", Label: "市场前景与商业模式", Weight: 25, Max: 10},
			{Key: "team", Label: "团队执行力", Weight: 25, Max: 10},
			{Key: "local_impact", Label: "对宁夏特色产业的带动作用", Weight: 20, Max: 10},
		},
	}, upcoming, judges); err != nil {
		return fmt.Errorf("%s: %w", UpcomingEventName, err)
	}

	// the finished event: other public startups, scored, voted on, published
	finished := pitchers(d, c, 5, false, slices.Concat(linked, upcoming))
	e := &makerlink.Event{
		Name: FinishedEventName, StartsAt: at14(now.Add(-FinishedEventAgo)), PitchSeconds: 300, QASeconds: 180,
		Rubric: []makerlink.RubricItem{
			{Key: "innovation", Label: "创新性", Weight: 40, Max: 10},
			{Key: "market", Label: "市场潜力", Weight: 35, Max: 10},
			{Key: "team", Label: "团队", Weight: 25, Max: 10},
		},
	}
	if err := ensureEvent(ctx, svc, es, org, e, finished, judges); err != nil {
		return fmt.Errorf("%s: %w", FinishedEventName, err)
	}
	if err := runFinished(ctx, svc, es, org, e, judges, d, c); err != nil {
		return fmt.Errorf("%s: %w", FinishedEventName, err)
	}
	return nil
}

// pitchers picks n public startups for an event: with withFounder the demo
// founder's goji startup first; then startups of the organizer's space,
// then of its city, then any, in data set order, skipping those of skip.
func pitchers(d *Dataset, c *demoCast, n int, withFounder bool, skip []*makerlink.Startup) []*makerlink.Startup {
	var out []*makerlink.Startup
	used := map[string]bool{}
	for _, s := range skip {
		used[s.ID] = true
	}
	if withFounder {
		out = append(out, c.goji)
		used[c.goji.ID] = true
	}
	for _, pass := range []func(*makerlink.Startup) bool{
		func(s *makerlink.Startup) bool { return string(s.SpaceID) == c.space.ID },
		func(s *makerlink.Startup) bool { return s.City == c.space.City },
		func(*makerlink.Startup) bool { return true },
	} {
		for _, p := range d.Profiles {
			if len(out) >= n {
				return out
			}
			s, ok := p.(*makerlink.Startup)
			if ok && s.OwnerID != c.founder.ID && s.Visibility == makerlink.VisibilityPublic && pass(s) && !used[s.ID] {
				out = append(out, s)
				used[s.ID] = true
			}
		}
	}
	return out
}

// ensureEvent creates the event (or finds it, by organizer and name, from
// an interrupted load) with its pitches and judges, through the events
// service as the API does. It sets e to the stored event.
func ensureEvent(ctx context.Context, svc *events.Service, es makerlink.EventStore, org *makerlink.User,
	e *makerlink.Event, startups []*makerlink.Startup, judges []*makerlink.User) error {
	old, err := findEventByName(ctx, es, org.ID, e.Name)
	if err != nil {
		return err
	}
	if old != nil {
		*e = *old
	} else if err := svc.CreateEvent(ctx, org, e); err != nil {
		return err
	}
	have, err := es.FindPitches(ctx, e.ID)
	if err != nil {
		return err
	}
	for i, s := range startups {
		if slicesAny(have, func(p *makerlink.Pitch) bool { return p.StartupID == s.ID }) {
			continue
		}
		if _, err := svc.AddPitch(ctx, org, e.ID, s.ID, i+1); err != nil {
			return fmt.Errorf("pitch of %s: %w", s.Name, err)
		}
	}
	js, err := es.FindJudges(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, j := range judges {
		if slicesAny(js, func(x *makerlink.Judge) bool { return x.UserID == j.ID }) {
			continue
		}
		if _, err := svc.AddJudge(ctx, org, e.ID, j.ID); err != nil {
			return fmt.Errorf("judge %s: %w", j.Email, err)
		}
	}
	return nil
}

func slicesAny[T any](list []T, f func(T) bool) bool {
	for _, x := range list {
		if f(x) {
			return true
		}
	}
	return false
}

func findEventByName(ctx context.Context, es makerlink.EventStore, organizerID, name string) (*makerlink.Event, error) {
	cursor := ""
	for {
		list, next, err := es.FindEvents(ctx, makerlink.EventFilter{OrganizerID: organizerID, Cursor: cursor, Limit: 100})
		if err != nil {
			return nil, fmt.Errorf("find events: %w", err)
		}
		for _, e := range list {
			if e.Name == name {
				return e, nil
			}
		}
		if next == "" {
			return nil, nil
		}
		cursor = next
	}
}

// audienceVotes are the base numbers of audience votes per pitch of the
// finished event (plus 0-2 drawn): distinct, so that the votes rank the
// pitches even without judges' scores.
var audienceVotes = []int{9, 15, 3, 12, 6, 18}

// judgeComments are the judges' short remarks, by how they scored.
var judgeComments = [3][]string{
	{"方向有价值，但商业模式还需打磨，建议先聚焦一个细分市场。", "技术路线可行，市场验证不足，期待下一轮看到订单数据。"},
	{"团队完整，产品已有早期客户，建议加快渠道建设。", "与宁夏产业结合紧密，财务测算略显乐观。"},
	{"技术壁垒清晰，团队执行力强，已具备规模化条件。", "市场空间大，路演表达清楚，强烈推荐进入孵化加速。"},
}

// runFinished walks the finished event through the organizer's control
// flow, pitch by pitch: on stage, Q&A, off stage, audience voting, the
// judges' scores (skipping a judge the conflict rules recused), scoring
// closed; then it publishes the results. Each step looks at the stored
// state first, so an interrupted load resumes where it stopped.
func runFinished(ctx context.Context, svc *events.Service, es makerlink.EventStore, org *makerlink.User,
	e *makerlink.Event, judges []*makerlink.User, d *Dataset, c *demoCast) error {
	if e.ResultsPublishedAt != nil {
		return nil
	}
	pitches, err := es.FindPitches(ctx, e.ID)
	if err != nil {
		return err
	}
	recusals, err := es.FindRecusals(ctx, e.ID)
	if err != nil {
		return err
	}
	voters := audience(d, c, pitches)
	r := newRNG(1, streamContent) // the same scores and votes for every seed: they are about the demo accounts
	control := func(action string, p *makerlink.Pitch) error {
		if _, err := svc.Control(ctx, org, e.ID, action, p.ID); err != nil {
			return fmt.Errorf("%s %s: %w", action, p.StartupName, err)
		}
		return nil
	}
	for i, p := range pitches {
		// draw every pitch's numbers, resumed or not, so they stay the same
		quality := 4.5 + 1.1*float64((i*3)%5) + r.Float64() // 4.5 to 10 out of 10
		nvotes := min(audienceVotes[i%len(audienceVotes)]+r.IntN(3), len(voters))
		noise := make([][]float64, len(judges))
		for j := range judges {
			noise[j] = make([]float64, len(e.Rubric))
			for k := range e.Rubric {
				noise[j][k] = r.Float64()*2 - 1
			}
		}
		if p.State == makerlink.PitchScheduled {
			if err := control(makerlink.ActionStartPitch, p); err != nil {
				return err
			}
			p.State = makerlink.PitchPitching
		}
		if p.State == makerlink.PitchPitching {
			if err := control(makerlink.ActionStartQA, p); err != nil {
				return err
			}
			p.State = makerlink.PitchQA
		}
		if p.State == makerlink.PitchQA {
			if err := control(makerlink.ActionEndPitch, p); err != nil {
				return err
			}
		}
		if !p.VotingClosed {
			if !p.VotingOpen {
				if err := control(makerlink.ActionOpenVoting, p); err != nil {
					return err
				}
			}
			for _, v := range voters[:nvotes] {
				if v.ID == p.FounderID {
					continue
				}
				_, err := svc.Vote(ctx, v, e.ID, p.ID)
				if err != nil && makerlink.ErrorCode(err) != makerlink.EAlreadyVoted {
					return fmt.Errorf("vote on %s: %w", p.StartupName, err)
				}
			}
			if err := control(makerlink.ActionCloseVoting, p); err != nil {
				return err
			}
		}
		if p.ScoringClosed {
			continue
		}
		for j, u := range judges {
			if slicesAny(recusals, func(x *makerlink.Recusal) bool { return x.PitchID == p.ID && x.JudgeID == u.ID }) {
				continue
			}
			scores := make(map[string]float64, len(e.Rubric))
			for k, it := range e.Rubric {
				s := (quality + noise[j][k]) * it.Max / 10
				scores[it.Key] = math.Max(0, math.Min(it.Max, math.Round(s*2)/2))
			}
			band := min(2, max(0, int(quality-4.5)/2))
			comment := judgeComments[band][(i+j)%len(judgeComments[band])]
			if _, err := svc.SetScore(ctx, u, e.ID, p.ID, scores, comment); err != nil {
				if makerlink.ErrorCode(err) == makerlink.EConflictOfInterest {
					continue // recused on the spot: the audit log says why
				}
				return fmt.Errorf("score of %s by %s: %w", p.StartupName, u.Email, err)
			}
		}
		if err := control(makerlink.ActionCloseScoring, p); err != nil {
			return err
		}
	}
	if _, err := svc.Control(ctx, org, e.ID, makerlink.ActionPublishResults, ""); err != nil {
		return fmt.Errorf("publish results: %w", err)
	}
	pub, err := es.FindEvent(ctx, e.ID)
	if err != nil {
		return err
	}
	*e = *pub
	return nil
}

// audience returns the accounts that vote at the finished event: generated
// accounts (not the demo logins), none of them a founder on stage.
func audience(d *Dataset, c *demoCast, pitches []*makerlink.Pitch) []*makerlink.User {
	demo := map[string]bool{}
	for _, e := range []string{FounderEmail, InvestorEmail, MentorEmail, LabEmail, OrganizerEmail, AdminEmail} {
		if u := d.UserByEmail(e); u != nil {
			demo[u.ID] = true
		}
	}
	for _, p := range pitches {
		demo[p.FounderID] = true
	}
	var out []*makerlink.User
	for _, u := range d.Users {
		if len(out) == 20 { // at least the largest audienceVotes + 2
			break
		}
		if !demo[u.ID] {
			out = append(out, u)
		}
	}
	return out
}
