package e2e_test

import (
	"testing"

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
	owner.do(chromedp.Click(chromedp.CSS(`#approval-list li button.small:not(.secondary)`)))
	owner.waitText("#approval-list", "已批准")

	f.open("/equipment/" + s.fx.Equipment.ID + "/calendar")
	f.do(chromedp.Click(chromedp.ID("next-week")))
	f.waitText("#mine", "已确认")
	if n := eval[int](f, `document.querySelectorAll('#week .slot.busy').length`); n == 0 {
		t.Error("the confirmed booking does not show as taken on the calendar")
	}
}
