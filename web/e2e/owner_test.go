package e2e_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"makerlink"
)

// ownerToken signs the fixture owner in through the API.
func ownerToken(t *testing.T, s *server) string {
	t.Helper()
	_, login, err := apiCall(s, "POST", "/auth/login", "", map[string]any{"email": s.fx.Owner.Email, "password": fixturePassword}, nil)
	if err != nil || login["token"] == nil {
		t.Fatalf("login: %v %v", login, err)
	}
	return login["token"].(string)
}

// getJSON calls GET path and fails the test unless it answers 200.
func getJSON(t *testing.T, s *server, path, token string) map[string]any {
	t.Helper()
	st, body, err := apiCall(s, "GET", path, token, nil, nil)
	if err != nil || st != 200 {
		t.Fatalf("GET %s: %d %v %v", path, st, body, err)
	}
	return body
}

// mentoringJourney: a founder's request to the fixture mentor is accepted;
// the mentor opens "my mentoring" from /me, sees the mentee and the figures
// the API reports, pauses (a new request is refused as paused) and
// resumes, raises the places, and ends the mentorship.
func mentoringJourney(t *testing.T, s *server, b *browser) {
	if !s.has("mentoring") || !s.has("intros") {
		t.Skip("the server has no mentoring endpoints yet")
	}
	mid := s.fx.Mentor.ID
	founder, sid := founderWithStartup(t, s, "杨帆", "yangfan@e2e-mentor.test", "同心县硒砂瓜电商")
	st, in, err := apiCall(s, "POST", "/intros", founder.Token, map[string]any{"startup_id": sid, "to_kind": "mentor", "to_id": mid,
		"message": "想请您指导我们的农产品电商渠道。"}, nil)
	if err != nil || st != 201 {
		t.Fatalf("ask the mentor: %d %v %v", st, in, err)
	}
	tok := ownerToken(t, s)
	if st, body, err := apiCall(s, "POST", "/intros/"+in["id"].(string)+"/accept", tok, nil, nil); err != nil || st != 200 {
		t.Fatalf("accept: %d %v %v", st, body, err)
	}

	tb := b.newTab(t, s, laptop)
	signIn(tb, s.fx.Owner.Email, fixturePassword)
	tb.do(chromedp.Click(chromedp.CSS(`#me-tools a[href="/mentoring"]`)))
	tb.waitURL("/mentoring")
	tb.waitText("#mentoring .mentees", "同心县硒砂瓜电商")
	state := getJSON(t, s, "/mentors/"+mid+"/mentoring", tok)
	tb.waitText("#mentoring dl.facts", fmt.Sprintf("辅导名额%v在辅导项目%v空余名额%v", state["capacity"], state["active_mentees"], state["open_slots"]))
	tb.screenshot("mentoring-laptop")

	// Pause: founders asking now are told the mentor paused.
	tb.do(chromedp.Click(chromedp.CSS("#mentoring button.toggle")))
	tb.waitText("#page-status", "已暂停")
	tb.waitText("#mentoring button.toggle", "恢复接收请求")
	if got := getJSON(t, s, "/mentors/"+mid+"/mentoring", tok); got["paused"] != true {
		t.Errorf("after pause: %v", got)
	}
	other, sid2 := founderWithStartup(t, s, "田野", "tianye@e2e-mentor.test", "海原县小杂粮")
	if st, body, _ := apiCall(s, "POST", "/intros", other.Token, map[string]any{"startup_id": sid2, "to_kind": "mentor", "to_id": mid, "message": "请指导"}, nil); body["code"] != "mentor_paused" {
		t.Errorf("a request to the paused mentor: %d %v, want mentor_paused", st, body)
	}
	tb.do(chromedp.Click(chromedp.CSS("#mentoring button.toggle")))
	tb.waitText("#page-status", "已恢复接收辅导请求")
	if got := getJSON(t, s, "/mentors/"+mid+"/mentoring", tok); got["paused"] != false || got["accepting"] != true {
		t.Errorf("after resume: %v", got)
	}

	// More places, after the profile was edited elsewhere since the page
	// loaded: the save still goes through, and keeps the other edit.
	ver := getJSON(t, s, "/mentors/"+mid, "")["version"]
	if st, body, err := apiCall(s, "PATCH", "/mentors/"+mid, tok, map[string]any{"bio": "农业物联网专家，周末可约。"},
		map[string]string{"If-Match": fmt.Sprintf(`"%v"`, ver)}); err != nil || st != 200 {
		t.Fatalf("edit the mentor elsewhere: %d %v %v", st, body, err)
	}
	tb.expect("/api/v1/mentors/"+mid, 412)
	capacity := int(state["capacity"].(float64)) + 1
	tb.do(
		chromedp.SetValue(chromedp.ID("cap-"+mid), fmt.Sprint(capacity)),
		chromedp.Click(chromedp.CSS("#mentoring form.inline-form button[type=submit]")),
	)
	tb.waitText("#page-status", "辅导名额已更新")
	tb.waitText("#mentoring dl.facts", fmt.Sprintf("辅导名额%d", capacity))
	if got := getJSON(t, s, "/mentors/"+mid, ""); got["capacity"] != float64(capacity) || got["bio"] != "农业物联网专家，周末可约。" {
		t.Errorf("after saving %d places: capacity %v, bio %v", capacity, got["capacity"], got["bio"])
	}

	// End the mentorship: asked to confirm, then it moves to the past ones.
	li := fmt.Sprintf(`#mentoring li[data-startup=%q]`, sid)
	tb.do(chromedp.Click(chromedp.CSS(li + " button")))
	tb.waitText(li, "名额会空出来")
	tb.do(chromedp.Click(chromedp.CSS(li + " button.danger")))
	tb.waitText("#page-status", "已结束与“同心县硒砂瓜电商”的辅导")
	tb.waitText("#mentoring .past", "同心县硒砂瓜电商")
	for _, it := range getJSON(t, s, "/mentors/"+mid+"/mentees?active=true", tok)["items"].([]any) {
		if it.(map[string]any)["startup_id"] == sid {
			t.Errorf("the ended mentorship is still active: %v", it)
		}
	}
}

// mentoringRefused: a founder without a mentor profile is told so, and one
// who opens another mentor's page is told only the mentor may manage it.
func mentoringRefused(t *testing.T, s *server, b *browser) {
	if !s.has("mentoring") {
		t.Skip("the server has no mentoring endpoints yet")
	}
	founder := register(t, s, "马强", "maqiang@e2e-mentor.test", "founder")
	tb := b.newTab(t, s, phone)
	tb.adopt(founder)
	tb.open("/mentoring")
	tb.waitText("#mentoring .notice", "你还没有导师资料")
	tb.expect("/api/v1/mentors/"+s.fx.Mentor.ID+"/mentees", 403)
	tb.open("/mentoring?id=" + s.fx.Mentor.ID)
	tb.waitText("#mentoring .notice", "只有导师本人可以管理这份辅导")
	if n := eval[int](tb, `document.querySelectorAll('#mentoring button').length`); n != 0 {
		t.Errorf("the refused page offers %d buttons", n)
	}
}

// usageJourney: the owner records the actual times of a booking three days
// ago on the approvals page (billed for the longer use), follows the link
// to the usage report, groups it by startup and downloads it as CSV.
func usageJourney(t *testing.T, s *server, b *browser) {
	if !s.has("usage") || !s.has("usage_record") || !s.has("approvals") {
		t.Skip("the server has no usage endpoints yet")
	}
	founder, sid := founderWithStartup(t, s, "何静", "hejing@e2e-usage.test", "红寺堡葡萄酒检测")
	sh := makerlink.Shanghai()
	now := time.Now().In(sh)
	start := time.Date(now.Year(), now.Month(), now.Day()-3, 9, 0, 0, 0, sh)
	eq := s.fx.Equipment
	bk := &makerlink.Booking{EquipmentID: eq.ID, EquipmentName: eq.Name, Institution: eq.Institution, OwnerID: s.fx.Owner.ID,
		UserID: founder.ID, UserName: founder.Name, StartupID: sid, Start: start.UTC(), End: start.Add(2 * time.Hour).UTC(),
		Purpose: "葡萄酒样品电镜观察", PricePerHourCNY: eq.PricePerHourCNY, Status: makerlink.BookingConfirmed}
	bk.UpdateCost()
	if _, err := s.bookings.CreateBooking(context.Background(), bk, nil); err != nil {
		t.Fatalf("a booking three days ago: %v", err)
	}

	tb := b.newTab(t, s, laptop)
	signIn(tb, s.fx.Owner.Email, fixturePassword)
	tb.open("/approvals")
	li := fmt.Sprintf(`#record-list li[data-id=%q]`, bk.ID)
	tb.waitText(li, "何静")
	// Used 09:10 to 11:40: two and a half hours, more than the two booked.
	day := start.Format("2006-01-02")
	tb.do(
		chromedp.SetValue(chromedp.ID("actual_start-"+bk.ID), day+"T09:10"),
		chromedp.SetValue(chromedp.ID("actual_end-"+bk.ID), day+"T11:40"),
		chromedp.Click(chromedp.CSS(li+" button[type=submit]")),
	)
	tb.waitText("#page-status", "已登记")
	tb.waitText("#page-status", "1,000 元")
	tb.waitText(li, "已完成")
	got := getJSON(t, s, "/bookings/"+bk.ID, ownerToken(t, s))
	if got["status"] != "completed" || got["cost_cny"] != float64(1000) || got["actual_start"] != start.Add(10*time.Minute).UTC().Format(time.RFC3339) {
		t.Errorf("after recording: %v", got)
	}

	// The report, grouped by startup.
	tb.do(chromedp.Click(chromedp.ID("usage-link")))
	tb.waitURL("/usage")
	tb.do(
		chromedp.SetValue(chromedp.ID("u-by"), "startup"),
		chromedp.Click(chromedp.CSS("#usage-form button[type=submit]")),
	)
	tb.waitText("#usage-rows", "红寺堡葡萄酒检测")
	tb.waitText("#usage-key", "创业项目")
	row := eval[string](tb, `(() => { const r = [...document.querySelectorAll('#usage-rows tr')].find((r) => r.querySelector('th').textContent === '红寺堡葡萄酒检测');
		return [...r.querySelectorAll('td')].map((c) => c.textContent).join('|'); })()`)
	if want := start.Format("2006-01") + "|1|1|0|0|0|2|2.5|2.5|1,000"; row != want {
		t.Errorf("report row %q, want %q (month|bookings|completed|no-shows|cancelled|assisted|booked h|used h|billed h|cost)", row, want)
	}
	if q := eval[string](tb, `location.search`); !strings.Contains(q, "by=startup") {
		t.Errorf("the address %q does not keep the grouping", q)
	}
	tb.screenshot("usage-laptop")

	// The CSV download.
	dir := t.TempDir()
	tb.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID})
		return err
	}), chromedp.Click(chromedp.ID("usage-csv")))
	var csv []byte
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(dir, "usage-*-startup.csv"))
		if len(files) == 1 {
			if csv, _ = os.ReadFile(files[0]); strings.HasSuffix(string(csv), "\n") {
				break
			}
		}
	}
	text := strings.TrimPrefix(string(csv), "\ufeff")
	if !strings.HasPrefix(text, "month,startup,name,bookings,") || !strings.Contains(text, ","+sid+",红寺堡葡萄酒检测,1,1,0,0,0,120,150,150,1000") {
		t.Errorf("downloaded CSV:\n%s", csv)
	}
}

// usageRefused: a founder who owns no instrument is told the report is for
// instrument owners, with no broken table.
func usageRefused(t *testing.T, s *server, b *browser) {
	if !s.has("usage") {
		t.Skip("the server has no usage endpoints yet")
	}
	founder := register(t, s, "冯雪", "fengxue@e2e-usage.test", "founder")
	tb := b.newTab(t, s, phone)
	tb.adopt(founder)
	tb.expect("/api/v1/usage/monthly", 403)
	tb.open("/usage")
	tb.waitText("#usage-notice", "使用报表只向仪器所有者和管理员开放")
	if vis := eval[bool](tb, `!document.getElementById('usage-form').hidden || !document.getElementById('usage-table').hidden`); vis {
		t.Error("the refused page still shows the form or the table")
	}
}
