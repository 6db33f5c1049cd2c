package makerlink_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"makerlink"
)

func TestIntroViewForSharesContactsOnlyAfterAcceptance(t *testing.T) {
	in := &makerlink.Intro{ID: "i1", Status: makerlink.IntroPending,
		FromUserID: "founder", FromName: "马小明", FromEmail: "founder@example.cn",
		ToUserID: "investor", ToUserName: "李投资", ToEmail: "investor@example.cn"}
	for _, status := range []string{makerlink.IntroPending, makerlink.IntroDeclined, makerlink.IntroExpired, makerlink.IntroAccepted} {
		in.Status = status
		for _, viewer := range []string{"founder", "investor", "stranger", ""} {
			b, err := json.Marshal(in.ViewFor(viewer))
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			shared := status == makerlink.IntroAccepted && (viewer == "founder" || viewer == "investor")
			if strings.Contains(s, "investor@example.cn") != (shared && viewer == "founder") ||
				strings.Contains(s, "founder@example.cn") != (shared && viewer == "investor") {
				t.Errorf("status %s, viewer %q: %s", status, viewer, s)
			}
		}
	}
	if in.Contact != nil {
		t.Fatal("ViewFor changed the original")
	}
}

func TestIntroRequestValidate(t *testing.T) {
	tests := []struct {
		name  string
		r     makerlink.IntroRequest
		field string
	}{
		{"ok", makerlink.IntroRequest{StartupID: "s", ToKind: "investor", ToID: "i", Message: "  您好  "}, ""},
		{"mentor", makerlink.IntroRequest{StartupID: "s", ToKind: "mentor", ToID: "m"}, ""},
		{"bad kind", makerlink.IntroRequest{StartupID: "s", ToKind: "equipment", ToID: "e"}, "to_kind"},
		{"no startup", makerlink.IntroRequest{ToKind: "mentor", ToID: "m"}, "startup_id"},
		{"long message", makerlink.IntroRequest{StartupID: "s", ToKind: "mentor", ToID: "m", Message: strings.Repeat("好", 2001)}, "message"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Validate()
			fs := makerlink.ErrorFields(err)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tc.r.Message != strings.TrimSpace(tc.r.Message) {
					t.Fatal("message not trimmed")
				}
				return
			}
			if len(fs) != 1 || fs[0].Field != tc.field {
				t.Fatalf("fields %v, want %s", fs, tc.field)
			}
		})
	}
}

func TestComputeResponseStats(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
	s := makerlink.ComputeResponseStats(nil)
	if s.Rate != nil || s.MedianHours != nil || s.Received != 0 {
		t.Fatalf("empty: %+v", s)
	}
	s = makerlink.ComputeResponseStats([]makerlink.IntroTiming{
		{Status: makerlink.IntroAccepted, CreatedAt: t0, AnsweredAt: at(2)},
		{Status: makerlink.IntroDeclined, CreatedAt: t0, AnsweredAt: at(10)},
		{Status: makerlink.IntroAccepted, CreatedAt: t0, AnsweredAt: at(4)},
		{Status: makerlink.IntroAccepted, CreatedAt: t0, AnsweredAt: at(30)},
		{Status: makerlink.IntroExpired, CreatedAt: t0},
		{Status: makerlink.IntroPending, CreatedAt: t0},
	})
	if s.Received != 6 || s.Answered != 4 || s.Expired != 1 || *s.Rate != 0.8 || *s.MedianHours != 7 {
		t.Fatalf("stats %+v rate %v median %v", s, *s.Rate, *s.MedianHours)
	}
}

func TestPipelineUpdateValidate(t *testing.T) {
	note := "团队强"
	tests := []struct {
		name  string
		u     makerlink.PipelineUpdate
		field string
	}{
		{"ok", makerlink.PipelineUpdate{Stage: "meeting", Note: &note}, ""},
		{"passed with reason", makerlink.PipelineUpdate{Stage: "passed", PassReason: "valuation"}, ""},
		{"passed without reason", makerlink.PipelineUpdate{Stage: "passed"}, ""},
		{"passed with a note only", makerlink.PipelineUpdate{Stage: "passed", Note: &note}, ""},
		{"unknown reason", makerlink.PipelineUpdate{Stage: "passed", PassReason: "dislike"}, "pass_reason"},
		{"reason without passing", makerlink.PipelineUpdate{Stage: "new", PassReason: "team"}, "pass_reason"},
		{"unknown stage", makerlink.PipelineUpdate{Stage: "won"}, "stage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := makerlink.ErrorFields(tc.u.Validate())
			if (tc.field == "") != (len(fs) == 0) || (len(fs) > 0 && fs[0].Field != tc.field) {
				t.Fatalf("fields %v, want %q", fs, tc.field)
			}
		})
	}
}

func TestAggregatePassReasons(t *testing.T) {
	f := makerlink.AggregatePassReasons("s1", []string{"team", "valuation"})
	if f.Shown || len(f.Reasons) != 0 || f.Passed != 2 {
		t.Fatalf("below threshold: %+v", f)
	}
	f = makerlink.AggregatePassReasons("s1", []string{"valuation", "team", "valuation", "bogus"})
	if !f.Shown || f.Passed != 4 || len(f.Reasons) != 3 {
		t.Fatalf("above threshold: %+v", f)
	}
	if f.Reasons[0].Code != "valuation" || f.Reasons[0].Count != 2 || f.Reasons[0].ZH == "" {
		t.Fatalf("most frequent first: %+v", f.Reasons)
	}
	if f.Reasons[2].Code != "other" {
		t.Fatalf("unknown codes count as other: %+v", f.Reasons)
	}
	// A pass without a reason counts as a pass, not as a reason.
	f = makerlink.AggregatePassReasons("s1", []string{"team", "", "", "valuation"})
	if !f.Shown || f.Passed != 4 || len(f.Reasons) != 2 || f.Reasons[0].Count != 1 || f.Reasons[1].Count != 1 {
		t.Fatalf("passes without a reason: %+v", f)
	}
}

func TestIntroExpiredNotificationPointsToOtherMentors(t *testing.T) {
	in := &makerlink.Intro{ID: "i", FromUserID: "f", ToKind: makerlink.KindMentor, ToID: "m1", ToName: "马老师", StartupName: "贺兰山"}
	n := makerlink.IntroExpiredNotification(in, []string{"m2", "m3"})
	var d struct {
		Suggested []string `json:"suggested_mentors"`
	}
	if err := json.Unmarshal(n.Data, &d); err != nil || len(d.Suggested) != 2 || n.UserID != "f" {
		t.Fatalf("notification %+v %s", n, n.Data)
	}
	if !strings.Contains(n.Title.EN, "other mentors") || !strings.Contains(n.Title.ZH, "其他导师") {
		t.Fatalf("title %+v", n.Title)
	}
}

func TestNewIntro(t *testing.T) {
	s := &makerlink.Startup{Meta: makerlink.Meta{ID: "s1", OwnerID: "founder"}, Name: "光储科技"}
	inv := &makerlink.Investor{Meta: makerlink.Meta{ID: "i1", OwnerID: "angel"}, Name: "贺兰山天使", Accepting: true}
	closed := &makerlink.Investor{Meta: makerlink.Meta{ID: "i2", OwnerID: "angel"}, Name: "已满基金"}
	men := &makerlink.Mentor{Meta: makerlink.Meta{ID: "m1", OwnerID: "teacher"}, Name: "王老师", Capacity: 2}
	own := &makerlink.Investor{Meta: makerlink.Meta{ID: "i3", OwnerID: "founder"}, Name: "自己", Accepting: true}
	tests := []struct {
		name  string
		to    makerlink.Profile
		avail makerlink.MentorAvailability
		code  string
	}{
		{"Investor", inv, makerlink.MentorAvailability{}, ""},
		{"NotAccepting", closed, makerlink.MentorAvailability{}, makerlink.ENotAccepting},
		{"Mentor", men, makerlink.MentorAvailability{Open: 1}, ""},
		{"MentorPaused", men, makerlink.MentorAvailability{Paused: true, Open: 2}, makerlink.EMentorPaused},
		{"MentorFull", men, makerlink.MentorAvailability{Open: 0}, makerlink.EMentorFull},
		{"OwnProfile", own, makerlink.MentorAvailability{}, makerlink.EValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := makerlink.IntroRequest{StartupID: s.ID, ToKind: tt.to.Kind(), ToID: tt.to.Base().ID, Message: "你好"}
			in, err := makerlink.NewIntro(s, tt.to, r, tt.avail)
			if makerlink.ErrorCode(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if in.FromUserID != "founder" || in.ToUserID != tt.to.Base().OwnerID || in.StartupName != s.Name || in.ToName == "" || in.Message != "你好" {
				t.Errorf("intro %+v", in)
			}
		})
	}
}
