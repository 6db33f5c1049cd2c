package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"makerlink"
	"makerlink/seed"
)

// ownerOf returns the e-mail of the account owning a profile of the demo
// data or the fixtures.
func ownerOf(s *server, id string) (email, password string) {
	for _, p := range s.demo.Profiles {
		if p.Base().ID == id {
			for _, u := range s.demo.Users {
				if u.ID == p.Base().OwnerID {
					return u.Email, seed.DemoPassword
				}
			}
		}
	}
	return s.fx.Owner.Email, fixturePassword
}

// matchesJourney: a founder sees matched investors with scores and reasons,
// saves one, dismisses another, asks the best one for an introduction, and
// that investor accepts it; mentors and instruments are matched too.
func matchesJourney(t *testing.T, s *server, b *browser) {
	if !s.has("matches") {
		t.Skip("the server has no GET /api/v1/startups/{id}/matches yet")
	}
	founder, _ := founderWithStartup(t, s, "马小军", "maxiaojun@e2e-match.test", "吴忠枸杞烘干设备")
	f := b.newTab(t, s, phone)
	f.adopt(founder)
	f.open("/matches?kind=investor")
	f.waitJS(`document.querySelectorAll('#match-list li.match').length >= 2`, "investor matches")
	if got := eval[string](f, `document.querySelector('#match-list li.match .score').textContent`); !strings.Contains(got, "%") {
		t.Errorf("match score %q", got)
	}
	if n := eval[int](f, `document.querySelectorAll('#match-list li.match:first-child .reasons li').length`); n == 0 {
		t.Error("the best match gives no reasons")
	}
	f.snapshot("view-matches-phone")
	href := eval[string](f, `document.querySelector('#match-list li.match:first-child h3 a').getAttribute('href')`)
	investorID := strings.TrimPrefix(href, "/investors/")

	if s.has("feedback") {
		f.do(chromedp.Click(chromedp.CSS(`#match-list li.match:first-child button[aria-pressed]`)))
		f.waitJS(`document.querySelector('#match-list li.match:first-child button[aria-pressed]').getAttribute('aria-pressed') === 'true'`, "saved")
		second := eval[string](f, `document.querySelector('#match-list li.match:nth-child(2)').dataset.id`)
		f.do(chromedp.Click(chromedp.CSS(`#match-list li.match:nth-child(2) .button-row button:nth-child(2)`)))
		f.waitJS(`!document.querySelector('#match-list li.match[data-id="`+second+`"]')`, "the dismissed match to go")
	}
	if !s.has("intros") {
		return
	}
	f.do(chromedp.Click(chromedp.CSS(`#match-list li.match:first-child button[aria-expanded]`)))
	f.do(
		chromedp.SendKeys(chromedp.CSS(`#match-list li.match:first-child .intro-form textarea`), "您好，我们做枸杞烘干设备，想请您指导天使轮。"),
		chromedp.Click(chromedp.CSS(`#match-list li.match:first-child .intro-form button[type=submit]`)),
	)
	f.waitText(`#match-list li.match:first-child .intro-form .status`, "对接请求已发送")

	email, pw := ownerOf(s, investorID)
	inv := b.newTab(t, s, laptop)
	signIn(inv, email, pw)
	inv.open("/intros?box=in")
	inv.waitText("#intro-list", "吴忠枸杞烘干设备")
	inv.do(chromedp.Click(chromedp.CSS(`#intro-list li[data-id] button.small:not(.secondary)`)))
	inv.waitText("#intro-list", founder.Email)
	f.open("/intros?box=out")
	f.waitText("#intro-list", "已接受")

	for _, k := range []makerlink.Kind{makerlink.KindMentor, makerlink.KindEquipment} {
		f.open("/matches?kind=" + string(k))
		f.waitJS(`document.querySelectorAll('#match-list li.match').length >= 1`, string(k)+" matches")
	}
	// Instruments of one name are told apart by institution and price.
	f.waitJS(`(() => { const c = document.querySelectorAll('#match-list li.match'); return c.length > 0 && [...c].every((li) => li.querySelector('.eq-meta')); })()`, "equipment cards with institution and price")
	if got := eval[string](f, `document.querySelector('#match-list li.match .eq-meta').textContent`); !strings.Contains(got, "/小时") && !strings.Contains(got, "免费") {
		t.Errorf("equipment card meta %q has no price", got)
	}
}
