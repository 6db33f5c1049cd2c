package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// portfolioJourney: an investor's portfolio lists startups by name (linked)
// when its entries are startup ids, "a startup not shown" for one the viewer
// may not see, and typed entries as typed; never a raw id.
func portfolioJourney(t *testing.T, s *server, b *browser) {
	inv := register(t, s, "石磊", "shilei@e2e-ux.test", "investor")
	st, body, err := apiCall(s, "POST", "/investors", inv.Token, map[string]any{
		"name": "六盘山创投", "kind": "angel", "sectors": []string{"modern_agriculture"}, "stages": []string{"seed"},
		"accepting": true, "portfolio": []string{s.fx.Startup.ID, s.fx.Hidden.ID, "滩羊溯源"}}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create investor: %d %v %v", st, body, err)
	}
	id := body["id"].(string)
	founder := register(t, s, "牛犇", "niuben@e2e-ux.test", "founder")
	tb := b.newTab(t, s, laptop)
	tb.adopt(founder)
	tb.expect("/api/v1/startups/"+s.fx.Hidden.ID, 404)
	tb.expect("/api/v1/startups/"+s.fx.Hidden.ID, 403)
	tb.open("/investors/" + id)
	tb.waitText("#profile h1", "六盘山创投")
	tb.waitText("#profile dl.facts", s.fx.Startup.Name)
	tb.waitText("#profile dl.facts", "未公开的项目")
	tb.waitText("#profile dl.facts", "滩羊溯源")
	text := eval[string](tb, `document.getElementById('profile').textContent`)
	for _, raw := range []string{s.fx.Startup.ID, s.fx.Hidden.ID} {
		if strings.Contains(text, raw) {
			t.Errorf("the portfolio shows the raw id %s", raw)
		}
	}
	if href := eval[string](tb, fmt.Sprintf(`(() => { const a = [...document.querySelectorAll('#profile dl.facts a')].find((a) => a.textContent === %q); return a ? a.getAttribute('href') : ''; })()`, s.fx.Startup.Name)); href != "/startups/"+s.fx.Startup.ID {
		t.Errorf("the portfolio's startup links to %q", href)
	}
}

// myBookingsJourney: a founder sees her bookings on /me (a pending one of
// an untrained booker, a confirmed one) and cancels one after confirming;
// the owner's reject asks first, and going back keeps the booking.
func myBookingsJourney(t *testing.T, s *server, b *browser) {
	if !s.has("bookings") || !s.has("approvals") {
		t.Skip("the server has no booking endpoints yet")
	}
	lab := register(t, s, "贺兰", "helan@e2e-ux.test", "lab")
	var hours []map[string]any
	for d := 1; d <= 7; d++ {
		hours = append(hours, map[string]any{"day": d, "from": "00:00", "to": "24:00"})
	}
	st, eq, err := apiCall(s, "POST", "/equipment", lab.Token, map[string]any{
		"name": "原子力显微镜", "category": "显微镜", "institution": "北方民族大学", "city": "银川",
		"price_per_hour_cny": 300, "requires_approval": true, "open_hours": hours, "min_minutes": 60, "max_minutes": 240}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create equipment: %d %v %v", st, eq, err)
	}
	eqID := eq["id"].(string)
	founder, _ := founderWithStartup(t, s, "苏敏", "sumin@e2e-ux.test", "固原马铃薯淀粉")
	sh := time.FixedZone("CST", 8*3600)
	day := time.Now().In(sh).AddDate(0, 0, 20)
	var ids []string
	for i := range 3 {
		start := time.Date(day.Year(), day.Month(), day.Day(), 9+2*i, 0, 0, 0, sh)
		st, body, err := apiCall(s, "POST", "/equipment/"+eqID+"/bookings", founder.Token, map[string]any{
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "purpose": fmt.Sprintf("淀粉颗粒形貌第%d批", i+1)}, nil)
		if err != nil || st != 201 || body["status"] != "pending" {
			t.Fatalf("booking %d: %d %v %v", i, st, body, err)
		}
		ids = append(ids, body["id"].(string))
	}
	if st, body, _ := apiCall(s, "POST", "/bookings/"+ids[0]+"/approve", lab.Token, nil, nil); st != 200 {
		t.Fatalf("approve: %d %v", st, body)
	}

	f := b.newTab(t, s, phone)
	f.adopt(founder)
	f.open("/me")
	list := "#me-booking-list"
	waitCount(f, list+" li[data-id]", 3)
	f.waitText(list, "原子力显微镜")
	f.waitText(fmt.Sprintf(`%s li[data-id=%q]`, list, ids[0]), "已确认")
	f.waitText(fmt.Sprintf(`%s li[data-id=%q]`, list, ids[1]), "待审批（未经培训，需协助）")
	f.waitText(fmt.Sprintf(`%s li[data-id=%q]`, list, ids[1]), fmt.Sprint(day.Day()))
	f.screenshot("me-bookings-phone")
	li := fmt.Sprintf(`%s li[data-id=%q]`, list, ids[2])
	f.do(chromedp.Click(chromedp.CSS(li + " button")))
	f.waitText(li, "确定取消这次预约吗")
	f.do(chromedp.Click(chromedp.CSS(li + " button.danger")))
	f.waitText("#me-status", "预约已取消")
	f.waitText(li, "已取消")
	if n := eval[int](f, countJS(li+" button")); n != 0 {
		t.Errorf("the cancelled booking still offers %d buttons", n)
	}
	if got := getJSON(t, s, "/bookings/"+ids[2], founder.Token)["status"]; got != "cancelled" {
		t.Errorf("after cancelling: %v", got)
	}

	// The owner's reject asks first; "cancel" keeps the booking.
	o := b.newTab(t, s, laptop)
	o.adopt(lab)
	o.open("/approvals")
	card := fmt.Sprintf(`#approval-list li[data-id=%q]`, ids[1])
	o.waitText(card, "淀粉颗粒形貌第2批")
	o.do(chromedp.Click(chromedp.CSS(card + " button.secondary")))
	o.waitText(card, "无法撤回")
	if got := getJSON(t, s, "/bookings/"+ids[1], founder.Token)["status"]; got != "pending" {
		t.Errorf("one click on reject changed the booking to %v", got)
	}
	o.do(chromedp.Click(chromedp.CSS(card + " button.secondary")))
	o.waitText(card, "批准")
	o.do(chromedp.Click(chromedp.CSS(card + " button.secondary")))
	o.do(chromedp.Click(chromedp.CSS(card + " button.danger")))
	o.waitText("#approval-list", "已拒绝")
	if got := getJSON(t, s, "/bookings/"+ids[1], founder.Token)["status"]; got != "rejected" {
		t.Errorf("after the confirmed reject: %v", got)
	}
}

// refusedPages: a founder opening the pipeline, approvals, usage and
// mentoring pages sees one notice each, and no empty board, table or form.
func refusedPages(t *testing.T, s *server, b *browser) {
	founder := register(t, s, "白洁", "baijie@e2e-ux.test", "founder")
	tb := b.newTab(t, s, laptop)
	tb.adopt(founder)
	tb.expect("/api/v1/pipeline", 403)
	tb.expect("/api/v1/usage/monthly", 403)
	for _, p := range []struct{ path, want string }{
		{"/pipeline", "项目管道只向投资人开放"},
		{"/approvals", "你还没有发布仪器设备"},
		{"/usage", "使用报表只向仪器所有者和管理员开放"},
		{"/mentoring", "你还没有导师资料"},
	} {
		tb.open(p.path)
		tb.waitText("main .notice", p.want)
		if got := eval[string](tb, `(() => { const e = document.querySelector('.status.error'); return e ? e.textContent : ''; })()`); got != "" {
			t.Errorf("%s: an error under the notice: %q", p.path, got)
		}
		if n := eval[int](tb, `[...document.querySelectorAll('main .column, main table, main form, main .notice')].filter((e) => e.offsetParent !== null).length`); n != 1 {
			t.Errorf("%s: %d visible notices, boards, tables or forms, want the notice only", p.path, n)
		}
	}
}

// introsTabJourney: a founder who has only asked opens /intros on the
// outgoing tab.
func introsTabJourney(t *testing.T, s *server, b *browser) {
	if !s.has("intros") {
		t.Skip("the server has no introduction endpoints yet")
	}
	founder, sid := founderWithStartup(t, s, "金鑫", "jinxin@e2e-ux.test", "沙湖旅游数字化")
	if st, body, _ := apiCall(s, "POST", "/intros", founder.Token, map[string]any{"startup_id": sid, "to_kind": "investor", "to_id": s.fx.Investor.ID,
		"message": "想请您看看我们的项目。"}, nil); st != 201 {
		t.Fatalf("ask: %d %v", st, body)
	}
	tb := b.newTab(t, s, phone)
	tb.adopt(founder)
	tb.open("/intros")
	tb.waitText("#intro-list", "沙湖旅游数字化")
	if got := eval[string](tb, `location.search + ' ' + document.querySelector('#box-tabs [aria-pressed="true"]').dataset.box`); got != "?box=out out" {
		t.Errorf("opened on %q, want the outgoing tab", got)
	}
	tb.open("/intros?box=in")
	tb.waitText("#page-status", "还没有")
}

// overflowJS lists elements that stick out of the viewport's right edge
// without a scrolling (or clipping) ancestor to hold them.
const overflowJS = `(() => {
  const W = document.documentElement.clientWidth; const bad = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || r.right <= W + 1) continue;
    let held = false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') { held = true; break; }
    if (!held) bad.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' right ' + Math.round(r.right));
  }
  return bad.slice(0, 8);
})()`

// layoutWidths: at 390 and 1366 px, no page overflows the viewport; the
// tab bar on a phone scrolls with a shadow at its edge; the pipeline board
// shows its six columns whole at 1366.
func layoutWidths(t *testing.T, s *server, b *browser) {
	pages := []string{"/", "/me", "/matches", "/intros", "/pipeline", "/approvals", "/usage", "/mentoring", "/equipment/" + s.fx.Equipment.ID + "/calendar"}
	for _, vp := range []viewport{{"phone390", 390, 844, true}, {"laptop1366", 1366, 768, false}} {
		t.Run(vp.name, func(t *testing.T) {
			tb := b.newTab(t, s, vp)
			signIn(tb, s.fx.Owner.Email, fixturePassword)
			for _, lang := range []string{"zh", "en"} {
				if lang == "en" {
					tb.open("/lang/en?next=/")
				}
				for _, p := range pages {
					tb.open(p)
					if bad := eval[[]string](tb, overflowJS); len(bad) > 0 {
						t.Errorf("%s %s: outside the %d-px viewport: %v", lang, p, vp.width, bad)
					}
					if over := eval[int](tb, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 1 {
						t.Errorf("%s %s: the page is %d px wider than the viewport", lang, p, over)
					}
				}
				tb.open("/pipeline")
				nav := eval[[]any](tb, `(() => { const u = document.querySelector('#mainnav ul'); return [u.scrollWidth > u.clientWidth + 1, getComputedStyle(u).overflowX, getComputedStyle(u).backgroundImage.includes('gradient')]; })()`)
				if nav[0] == true && (nav[1] != "auto" || nav[2] != true) {
					t.Errorf("%s: the tab bar is wider than the screen without a scroll affordance: %v", lang, nav)
				}
				if vp.mobile && nav[0] != true {
					t.Logf("%s: the tab bar fits the phone", lang)
				}
				board := eval[[]int](tb, `(() => { const b = document.getElementById('board'); return [b.scrollWidth, b.clientWidth, document.querySelectorAll('#board .column').length]; })()`)
				if board[2] != 6 {
					t.Errorf("%s: the board has %d columns", lang, board[2])
				}
				hint := eval[bool](tb, `!document.getElementById('board-hint').hidden`)
				if !vp.mobile && board[0] > board[1]+1 {
					t.Errorf("%s: at %d px the board (%d px) is cut to %d px", lang, vp.width, board[0], board[1])
				}
				if vp.mobile && board[0] > board[1]+1 && !hint {
					t.Errorf("%s: the board scrolls on the phone without the hint", lang)
				}
				tb.screenshot(fmt.Sprintf("pipeline-%s-%s", vp.name, lang))
			}
		})
	}
}
