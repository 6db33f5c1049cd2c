package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"makerlink"
)

// narrowPhone is the 390-px phone the big screen used to overflow.
var narrowPhone = viewport{"phone390", 390, 844, true}

// eventFinishedJourney: publishing asks first and waits for a started
// pitch; unscored pitches show no rank; the judge's pad shows the score
// already submitted (on a device that never held the draft) and locks once
// scoring is over; a published event offers no more adding, asking or
// scoring, and its table is the final one; the English leaderboard's
// columns have distinct headings; the big screen fits a phone.
func eventFinishedJourney(t *testing.T, s *server, b *browser) {
	if !s.has("event_admin") || !s.has("scores") {
		t.Skip("the server has no event endpoints yet")
	}
	judge := register(t, s, "评委丁", "e2e.judge4@qq.com", "investor")
	st, login, err := apiCall(s, "POST", "/auth/login", "", map[string]any{"email": s.fx.Owner.Email, "password": fixturePassword}, nil)
	if err != nil || st != 200 {
		t.Fatalf("login: %d %v %v", st, login, err)
	}
	tok := login["token"].(string)
	name := "贺兰山东麓创业大赛 · 决赛"
	st, ev, err := apiCall(s, "POST", "/events", tok, map[string]any{"name": name, "starts_at": "2026-08-01T09:30:00+08:00"}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create event: %d %v %v", st, ev, err)
	}
	id := ev["id"].(string)
	var second *makerlink.Startup
	for _, p := range s.demo.Profiles {
		if st, ok := p.(*makerlink.Startup); ok && st.Visibility == makerlink.VisibilityPublic && st.ID != s.fx.Startup.ID {
			second = st
			break
		}
	}
	var pitches []string
	for i, sid := range []string{s.fx.Startup.ID, second.ID} {
		st, p, err := apiCall(s, "POST", "/events/"+id+"/pitches", tok, map[string]any{"startup_id": sid, "order": i + 1}, nil)
		if err != nil || st != 201 {
			t.Fatalf("add pitch: %d %v %v", st, p, err)
		}
		pitches = append(pitches, p["id"].(string))
	}
	if st, body, err := apiCall(s, "POST", "/events/"+id+"/judges", tok, map[string]any{"user_id": judge.ID}, nil); err != nil || st != 201 {
		t.Fatalf("add judge: %d %v %v", st, body, err)
	}

	// Before any pitch started there is nothing to publish.
	org := b.newTab(t, s, laptop)
	signIn(org, s.fx.Owner.Email, fixturePassword)
	org.open("/events/" + id + "/console")
	org.waitText("#publish-row", "至少有一个项目开始路演后才能公布结果")
	if !eval[bool](org, `document.getElementById('publish').disabled`) {
		t.Error("publish is offered before any pitch started")
	}
	org.do(chromedp.Click(chromedp.CSS(`#pitch-list li:first-child button[data-action="start_pitch"]`)))
	org.waitJS(`!document.getElementById('publish').disabled`, "publish offered once a pitch started")

	// No score yet: no rank, on the console and the big screen.
	org.waitJS(`document.querySelectorAll('#board td.rank').length === 2`, "the console leaderboard")
	if r := eval[string](org, `[...document.querySelectorAll('#board td.rank')].map((e) => e.textContent).join(',')`); r != "—,—" {
		t.Errorf("ranks before any score: %q, want —,—", r)
	}
	screen := b.newTab(t, s, narrowPhone)
	screen.open("/events/" + id + "/screen")
	screen.waitText("#current", s.fx.Startup.Name)
	screen.waitJS(`document.querySelectorAll('#board td.rank').length === 2`, "the big screen's leaderboard")
	if r := eval[string](screen, `[...document.querySelectorAll('#board td.rank')].map((e) => e.textContent).join(',')`); r != "—,—" {
		t.Errorf("big screen ranks before any score: %q", r)
	}
	// Against the phone's width, not innerWidth: a mobile browser widens
	// its layout viewport to a page that overflows.
	if w := eval[int](screen, `document.documentElement.scrollWidth`); w > int(narrowPhone.width) {
		t.Errorf("the big screen is %d px wide on a %d-px phone: %s", w, narrowPhone.width,
			eval[string](screen, `[...document.querySelectorAll('.screen *')].filter((e) => e.getBoundingClientRect().right > 390).map((e) => e.tagName + '.' + e.className).slice(0, 8).join(' ')`))
	}

	// The judge scored on another device: this pad shows that score.
	scores := map[string]any{"team": 8, "innovation": 8, "market": 6, "business_model": 9, "finance": 5}
	if st, body, err := apiCall(s, "PUT", "/events/"+id+"/pitches/"+pitches[0]+"/scores/me", judge.Token, map[string]any{"scores": scores, "comment": "市场验证充分"}, nil); err != nil || st != 200 {
		t.Fatalf("score: %d %v %v", st, body, err)
	}
	pad := b.newTab(t, s, phone)
	pad.adopt(judge)
	pad.open("/events/" + id + "/judge")
	pad.waitJS(`document.getElementById('s-team') && document.getElementById('s-team').value === '8'`, "the submitted score on the pad")
	values := `[...document.querySelectorAll('#sliders input')].map((e) => e.value).join(',')`
	if got := eval[string](pad, values); got != "8,8,6,9,5" {
		t.Errorf("pad shows %q, want the submitted 8,8,6,9,5", got)
	}
	if got := eval[string](pad, `document.getElementById('j-comment').value + ' ' + document.getElementById('j-total').textContent`); got != "市场验证充分 73.5" {
		t.Errorf("pad comment and total %q", got)
	}
	pad.waitText("#score-status", "已于")
	org.waitJS(`[...document.querySelectorAll('#board td.rank')].map((e) => e.textContent).join(',') === '1,—'`, "rank 1 for the scored pitch only")

	// Publishing asks first, naming the event; cancelling changes nothing.
	org.do(chromedp.Click(chromedp.ID("publish")))
	org.waitText("#publish-q", "确定公布“"+name+"”的结果吗")
	org.do(chromedp.Click(chromedp.ID("publish-no")))
	org.waitJS(`!!document.getElementById('publish') && !document.getElementById('publish-q')`, "the publish button back after cancelling")
	if got := getJSON(t, s, "/events/"+id, ""); got["results_published_at"] != nil {
		t.Fatalf("published without confirming: %v", got["results_published_at"])
	}
	org.do(chromedp.Click(chromedp.ID("publish")))
	org.do(chromedp.Click(chromedp.ID("publish-yes")))
	org.waitText("#event-meta", "结果已公布")
	org.waitText("#board-h", "最终排名")
	if !eval[bool](org, `document.getElementById('add-pitch').hidden && document.getElementById('add-judge').hidden && !document.getElementById('publish')
	  && !document.querySelector('#pitch-list button[data-action]')`) {
		t.Error("the finished event's console still offers adding pitches or judges, publishing or controls")
	}

	// The pad locks; the audience sees the result, not a question form.
	pad.open("/events/" + id + "/judge")
	pad.waitJS(`document.getElementById('s-team') && document.getElementById('s-team').value === '8' && document.getElementById('s-team').disabled`, "a locked pad")
	if !eval[bool](pad, `[...document.querySelectorAll('#score-form input, #score-form textarea')].every((e) => e.disabled) && document.getElementById('j-save').disabled && document.getElementById('j-recuse').hidden`) {
		t.Error("the pad still takes changes or offers recusal after the results were published")
	}
	audience := b.newTab(t, s, phone)
	audience.open("/events/" + id)
	audience.waitText("#current", "比赛结果已公布")
	audience.waitText("#board-h", "最终排名")
	if !eval[bool](audience, `document.getElementById('ask-form').hidden && !document.getElementById('ask-closed').hidden`) {
		t.Error("the finished event's audience page still offers asking a question")
	}
	screen.waitText("#board-h", "最终排名")

	// In English the leaderboard's columns are told apart.
	en := b.newTab(t, s, laptop)
	signIn(en, s.fx.Owner.Email, fixturePassword)
	en.open("/lang/en?next=/events/" + id + "/console")
	en.waitJS(`document.querySelectorAll('#board thead th').length === 5`, "the English leaderboard")
	heads := eval[[]string](en, `[...document.querySelectorAll('#board thead th')].map((e) => e.textContent)`)
	seen := map[string]bool{}
	for _, hd := range heads {
		if seen[hd] {
			t.Errorf("two leaderboard columns headed %q: %v", hd, heads)
		}
		seen[hd] = true
	}

	// The rubric editor: own remove text, visible labels, names in the page's language.
	en.open("/events/new")
	en.waitJS(`document.querySelectorAll('#rubric-rows [data-row]').length === 5`, "the default rubric")
	if got := eval[string](en, `document.querySelector('#rubric-rows [data-row] button').textContent + '|' + document.querySelector('#rubric-rows [data-k=label]').value`); got != "Remove this criterion|Team" {
		t.Errorf("English rubric row: %q", got)
	}
	org.open("/events/new")
	org.waitJS(`document.querySelectorAll('#rubric-rows [data-row]').length === 5`, "the default rubric")
	if got := eval[string](org, `document.querySelector('#rubric-rows [data-row] button').textContent + '|' + [...document.querySelectorAll('#rubric-rows [data-k=label]')].map((e) => e.value).join(',')`); got != "删除此评分项|团队,创新,市场,商业模式,财务" {
		t.Errorf("Chinese rubric rows: %q", got)
	}
	if !eval[bool](org, `[...document.querySelectorAll('#rubric-rows label')].every((l) => l.offsetWidth > 1 && l.offsetHeight > 1)`) {
		t.Error("the rubric's weight and top-score labels are hidden")
	}
	if !strings.Contains(eval[string](org, `[...document.querySelectorAll('#rubric-rows [data-row]:first-child label')].map((e) => e.textContent).join('|')`), "权重") {
		t.Error("no visible weight label on the rubric row")
	}
}
