package e2e_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// founderWithStartup registers a founder and creates their startup through the API.
func founderWithStartup(t *testing.T, s *server, name, email, startup string) (account, string) {
	t.Helper()
	a := register(t, s, name, email, "founder")
	st, body, err := apiCall(s, "POST", "/startups", a.Token, map[string]any{
		"name": startup, "tagline": "测试项目", "sectors": []string{"modern_agriculture"}, "stage": "seed", "city": "吴忠", "visibility": "public"}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create startup: %d %v %v", st, body, err)
	}
	return a, body["id"].(string)
}

// introJourney: a founder asks the fixture investor for an introduction
// from the investor's page; the investor sees the unread badge, accepts in
// their inbox, and both then see each other's contact details.
func introJourney(t *testing.T, s *server, b *browser) {
	if !s.has("intros") {
		t.Skip("the server has no introduction endpoints yet")
	}
	founder, _ := founderWithStartup(t, s, "周明", "zhouming@e2e-intro.test", "盐池滩羊冷链")

	inv := b.newTab(t, s, laptop)
	signIn(inv, s.fx.Owner.Email, fixturePassword)
	inv.open("/intros")

	f := b.newTab(t, s, phone)
	f.adopt(founder)
	f.open("/investors/" + s.fx.Investor.ID)
	f.waitText("#profile h1", s.fx.Investor.Name)
	f.do(chromedp.WaitVisible(chromedp.CSS(".intro-form textarea")))
	f.do(
		chromedp.SendKeys(chromedp.CSS(".intro-form textarea"), "我们在盐池做滩羊冷链，想请您看看我们的天使轮计划。"),
		chromedp.Click(chromedp.CSS(".intro-form button[type=submit]")),
	)
	f.waitText(".intro-form .status", "对接请求已发送")

	// The investor's badge counts the request (pushed on their live channel).
	if s.has("notifications") {
		inv.waitJS(`(() => { const b = document.getElementById('notif-badge'); return !!b && !b.hidden && Number(b.textContent) >= 1; })()`, "the unread badge")
	}
	inv.open("/intros?box=in")
	inv.waitText("#intro-list", "盐池滩羊冷链")
	inv.snapshot("view-intros-inbox-laptop")
	inv.do(chromedp.Click(chromedp.CSS(`#intro-list li button.small:not(.secondary)`)))
	inv.waitText("#page-status", "已接受")
	inv.waitText("#intro-list", founder.Email)

	f.open("/intros?box=out")
	f.waitText("#intro-list", "已接受")
	f.waitText("#intro-list", s.fx.Owner.Email)
}

// bookingJourney: a founder books a free slot of an instrument that needs
// approval (asking for assistance, being untrained); the owner approves it
// in their queue and the founder sees it confirmed.
func bookingJourney(t *testing.T, s *server, b *browser) {
	if !s.has("bookings") || !s.has("approvals") {
		t.Skip("the server has no booking endpoints yet")
	}
	founder, _ := founderWithStartup(t, s, "吴婷", "wuting@e2e-booking.test", "六盘山中药材检测")
	f := b.newTab(t, s, phone)
	f.adopt(founder)
	f.open("/equipment/" + s.fx.Equipment.ID + "/calendar")
	f.waitText("#cal-h", s.fx.Equipment.Name)
	// Next week, so that every opening hour lies ahead.
	f.do(chromedp.Click(chromedp.ID("next-week")))
	f.waitJS(`document.querySelectorAll('#week button.slot.free').length > 0 && (document.documentElement.dataset.pending || '0') === '0'`, "free slots")
	f.do(
		chromedp.Click(chromedp.CSS("#week button.slot.free")),
		chromedp.SendKeys(chromedp.ID("b-purpose"), "测试枸杞多糖样品的表面形貌"),
		chromedp.Click(chromedp.ID("b-assisted")),
		chromedp.Click(chromedp.ID("book-submit")),
	)
	f.waitText("#book-status", "等待管理员审批")
	f.waitText("#mine", "待审批")
	f.snapshot("view-calendar-phone")

	owner := b.newTab(t, s, laptop)
	signIn(owner, s.fx.Owner.Email, fixturePassword)
	owner.open("/approvals")
	owner.waitText("#approval-list", s.fx.Equipment.Name)
	owner.waitText("#approval-list", "测试枸杞多糖")
	owner.waitText("#approval-list", "申请人未经该仪器培训") // the founder is not on the trained list
	owner.do(chromedp.Click(chromedp.CSS(`#approval-list li button.small:not(.secondary)`)))
	owner.waitText("#approval-list", "已批准")

	f.open("/equipment/" + s.fx.Equipment.ID + "/calendar")
	f.do(chromedp.Click(chromedp.ID("next-week")))
	f.waitText("#mine", "已确认")
	if n := eval[int](f, `document.querySelectorAll('#week .slot.busy').length`); n == 0 {
		t.Error("the confirmed booking does not show as taken on the calendar")
	}
}

// nightBookingJourney: the fixture instrument is open Friday 13:00 to
// Saturday 02:00; a founder books Friday 23:30 for two hours on the
// calendar page, which offers starts and durations across midnight only as
// far as the opening goes.
func nightBookingJourney(t *testing.T, s *server, b *browser) {
	if !s.has("bookings") {
		t.Skip("the server has no booking endpoints yet")
	}
	founder, _ := founderWithStartup(t, s, "马丽", "mali@e2e-night.test", "贺兰山东麓酒庄")
	f := b.newTab(t, s, laptop)
	f.adopt(founder)
	f.open("/equipment/" + s.fx.Equipment.ID + "/calendar")
	f.waitText("#cal-h", s.fx.Equipment.Name)
	// The week after next (the booking journey takes next week's first slot, Saturday 00:00).
	f.do(chromedp.Click(chromedp.ID("next-week")), chromedp.Click(chromedp.ID("next-week")))
	f.waitJS(`(document.documentElement.dataset.pending || '0') === '0'`, "the week after next")
	// Friday of that week; 23:30 is a start (the opening goes on after midnight).
	starts := eval[[]string](f, `(() => { const d = document.getElementById('b-date'); d.value = '4'; d.dispatchEvent(new Event('change'));
		return [...document.querySelectorAll('#b-start option')].map((o) => o.value); })()`)
	if len(starts) == 0 || starts[len(starts)-1] != "1410" {
		t.Fatalf("Friday's starts end at %v, want 1410 (23:30)", starts)
	}
	durations := eval[[]string](f, `(() => { const s = document.getElementById('b-start'); s.value = '1410'; s.dispatchEvent(new Event('change'));
		return [...document.querySelectorAll('#b-duration option')].map((o) => o.value); })()`)
	if len(durations) == 0 || durations[len(durations)-1] != "150" {
		t.Fatalf("durations from Friday 23:30 = %v, want up to 150 (until Saturday 02:00)", durations)
	}
	f.do(
		chromedp.SetValue(chromedp.ID("b-duration"), "120"),
		chromedp.SendKeys(chromedp.ID("b-purpose"), "夜间测量葡萄酒样品"),
		chromedp.Click(chromedp.ID("b-assisted")),
		chromedp.Click(chromedp.ID("book-submit")),
	)
	f.waitText("#book-status", "等待管理员审批")
	st, body, err := apiCall(s, "GET", "/equipment/"+s.fx.Equipment.ID+"/bookings?from="+
		url.QueryEscape(time.Now().Format(time.RFC3339))+"&to="+url.QueryEscape(time.Now().Add(23*24*time.Hour).Format(time.RFC3339)), founder.Token, nil, nil)
	if err != nil || st != 200 {
		t.Fatalf("list bookings: %d %v", st, err)
	}
	var got []string
	for _, it := range body["items"].([]any) {
		bk := it.(map[string]any)
		if bk["user_id"] == founder.ID {
			start, _ := time.Parse(time.RFC3339, bk["start"].(string))
			end, _ := time.Parse(time.RFC3339, bk["end"].(string))
			sh := time.FixedZone("CST", 8*3600)
			got = append(got, start.In(sh).Format("Mon 15:04")+"-"+end.In(sh).Format("Mon 15:04"))
		}
	}
	if len(got) != 1 || got[0] != "Fri 23:30-Sat 01:30" {
		t.Fatalf("the founder's bookings %v, want [Fri 23:30-Sat 01:30]", got)
	}
}
