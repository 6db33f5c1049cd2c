package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// longLists is how many items the journeys below put on a list: more than
// the API's default page of 20, so a page that read only the first page
// would show too few.
const longLists = 25

// countJS counts the elements matching a selector.
func countJS(sel string) string {
	return fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)
}

// waitCount waits until exactly n elements match sel on a settled page.
func waitCount(tb *tab, sel string, n int) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`%s && %s === %d`, settledJS, countJS(sel), n), fmt.Sprintf("%d of %s", n, sel))
}

// longPipelineJourney: an investor with 25 startups on the pipeline sees
// all 25 cards on the board, though the API pages by 20 by default.
func longPipelineJourney(t *testing.T, s *server, b *browser) {
	if !s.has("pipeline") {
		t.Skip("the server has no pipeline endpoints yet")
	}
	founder := register(t, s, "韩磊", "hanlei@e2e-lists.test", "founder")
	inv := register(t, s, "白雪", "baixue@e2e-lists.test", "investor")
	for i := range longLists {
		st, body, err := apiCall(s, "POST", "/startups", founder.Token, map[string]any{
			"name": fmt.Sprintf("固原冷凉蔬菜%02d号", i), "tagline": "测试项目", "sectors": []string{"modern_agriculture"},
			"stage": "seed", "city": "固原", "visibility": "public"}, nil)
		if err != nil || st != 201 {
			t.Fatalf("create startup %d: %d %v %v", i, st, body, err)
		}
		if st, body, err := apiCall(s, "PUT", "/pipeline/"+body["id"].(string), inv.Token, map[string]any{"stage": "new", "note": ""}, nil); err != nil || st != 200 {
			t.Fatalf("pipeline %d: %d %v %v", i, st, body, err)
		}
	}
	tb := b.newTab(t, s, laptop)
	tb.adopt(inv)
	tb.open("/pipeline")
	waitCount(tb, "#board li.card", longLists)
	tb.waitText(`#board .column[data-stage="new"] .count`, fmt.Sprint(longLists))
	for i := range longLists {
		tb.waitText("#board", fmt.Sprintf("固原冷凉蔬菜%02d号", i))
	}
}

// longCalendarJourney: a founder holds 25 one-hour bookings in one week of
// an instrument that needs approval; the calendar lists all 25 as theirs
// and shows their 50 half-hour cells taken, and the owner's approvals queue lists all 25.
func longCalendarJourney(t *testing.T, s *server, b *browser) {
	if !s.has("bookings") || !s.has("approvals") {
		t.Skip("the server has no booking endpoints yet")
	}
	lab := register(t, s, "沈静", "shenjing@e2e-lists.test", "lab")
	var hours []map[string]any
	for d := 1; d <= 7; d++ {
		hours = append(hours, map[string]any{"day": d, "from": "00:00", "to": "24:00"})
	}
	st, eq, err := apiCall(s, "POST", "/equipment", lab.Token, map[string]any{
		"name": "激光共聚焦显微镜", "category": "光学显微镜", "institution": "宁夏医科大学", "city": "银川",
		"price_per_hour_cny": 200, "requires_approval": true, "open_hours": hours, "min_minutes": 60, "max_minutes": 240}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create equipment: %d %v %v", st, eq, err)
	}
	eqID := eq["id"].(string)
	// Next week's Monday 08:00 onwards, in Shanghai: 25 hours back to back.
	sh := time.FixedZone("CST", 8*3600)
	now := time.Now().In(sh)
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, sh).AddDate(0, 0, 8-int((now.Weekday()+6)%7+1))
	founder, _ := founderWithStartup(t, s, "罗晨", "luochen@e2e-lists.test", "银川细胞检测")
	for i := range longLists {
		start := monday.Add(time.Duration(8+i) * time.Hour)
		st, body, err := apiCall(s, "POST", "/equipment/"+eqID+"/bookings", founder.Token, map[string]any{
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "purpose": fmt.Sprintf("细胞成像第%d批", i+1)}, nil)
		if err != nil || st != 201 || body["status"] != "pending" {
			t.Fatalf("booking %d: %d %v %v", i, st, body, err)
		}
	}

	f := b.newTab(t, s, laptop)
	f.adopt(founder)
	f.open("/equipment/" + eqID + "/calendar")
	f.waitText("#cal-h", "激光共聚焦显微镜")
	f.do(chromedp.Click(chromedp.ID("next-week")))
	waitCount(f, "#mine li.card", longLists)
	f.waitText("#mine", "细胞成像第25批")
	// Every half-hour cell of the 25 hours shows taken (pending approval).
	if n := eval[int](f, countJS("#week .slot.pending")); n != 2*longLists {
		t.Errorf("%d pending cells on the calendar, want %d", n, 2*longLists)
	}

	o := b.newTab(t, s, laptop)
	o.adopt(lab)
	o.open("/approvals")
	waitCount(o, "#approval-list > li", longLists)
	for i := range longLists {
		o.waitText("#approval-list", fmt.Sprintf("细胞成像第%d批", i+1))
	}
}

// longQuestionsJourney: an event with 25 audience questions shows all of
// them on the audience page and on the organizer's console.
func longQuestionsJourney(t *testing.T, s *server, b *browser) {
	if !s.has("event_admin") {
		t.Skip("the server has no event endpoints yet")
	}
	org := register(t, s, "金鑫", "jinxin@e2e-lists.test", "organizer")
	st, ev, err := apiCall(s, "POST", "/events", org.Token, map[string]any{"name": "吴忠创业问答夜", "starts_at": "2026-12-20T19:00:00+08:00"}, nil)
	if err != nil || st != 201 {
		t.Fatalf("create event: %d %v %v", st, ev, err)
	}
	id := ev["id"].(string)
	fan := register(t, s, "夏天", "xiatian@e2e-lists.test")
	for i := range longLists {
		if st, body, err := apiCall(s, "POST", "/events/"+id+"/questions", fan.Token, map[string]any{"text": fmt.Sprintf("第%d个问题：融资计划是什么？", i+1)}, nil); err != nil || st != 201 {
			t.Fatalf("question %d: %d %v %v", i, st, body, err)
		}
	}
	for _, page := range []struct {
		who  account
		path string
	}{{fan, "/events/" + id}, {org, "/events/" + id + "/console"}} {
		tb := b.newTab(t, s, laptop)
		tb.adopt(page.who)
		tb.open(page.path)
		waitCount(tb, "#questions > li:not(.muted)", longLists)
		text := eval[string](tb, `document.getElementById('questions').textContent`)
		for i := range longLists {
			if !strings.Contains(text, fmt.Sprintf("第%d个问题", i+1)) {
				t.Errorf("%s: question %d missing", page.path, i+1)
			}
		}
	}
}
