package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/api"
	"makerlink/store/storetest"
)

// BenchmarkBookingHTTP measures booking decisions per second through the
// whole API (auth, rules, training check, database) with 64 concurrent
// clients over real connections: on one hot instrument and spread over
// 1,000 instruments, on both engines. Slots are an hour long and start
// every 30 minutes per instrument, so neighbouring attempts collide and
// roughly half of the decisions are 409 slot_taken. After each run it
// checks that no two held bookings overlap.
func BenchmarkBookingHTTP(b *testing.B) {
	for _, eng := range engines {
		for _, sc := range []struct {
			name        string
			instruments int
		}{{"hot", 1}, {"instruments1000", 1000}} {
			b.Run(eng.name+"/"+sc.name, func(b *testing.B) {
				benchBookings(b, eng.open, sc.instruments)
			})
		}
	}
}

func benchBookings(b *testing.B, open func(testing.TB) makerlink.Store, instruments int) {
	ctx := context.Background()
	st := open(b)
	clk := newClock()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := api.New(api.Config{Store: st, Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Listener(ln) }()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	url := "http://" + ln.Addr().String()

	owner := storetest.NewUser(b, st, makerlink.RoleLab)
	var tokens, userIDs []string
	for i := range 4 {
		body := fmt.Sprintf(`{"email":"bench%d-%d@example.cn","password":"correct horse 马","name":"用户","roles":["founder"]}`, i, time.Now().UnixNano())
		resp, err := client.Post(url+"/api/v1/auth/register", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var r struct {
			User  makerlink.User
			Token string
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || r.Token == "" {
			b.Fatalf("register: %d %v", resp.StatusCode, err)
		}
		tokens, userIDs = append(tokens, r.Token), append(userIDs, r.User.ID)
	}
	var profiles []makerlink.Profile
	for i := range instruments {
		eq := storetest.SampleProfiles(owner.ID)[3].(*makerlink.Equipment)
		eq.Name = fmt.Sprintf("仪器 %d", i)
		eq.RequiresApproval, eq.LeadMinutes, eq.MinMinutes, eq.MaxMinutes = false, 0, 30, 480
		eq.OpenHours = nil
		for d := 1; d <= 7; d++ {
			eq.OpenHours = append(eq.OpenHours, makerlink.OpenHours{Day: d, From: "00:00", To: "24:00"})
		}
		profiles = append(profiles, eq)
	}
	if err := st.CreateProfiles(ctx, profiles); err != nil {
		b.Fatal(err)
	}
	bs := st.(makerlink.BookingStore)
	ids := make([]string, instruments)
	for i, p := range profiles {
		ids[i] = p.Base().ID
		for _, u := range userIDs {
			if err := bs.AddTrainedUser(ctx, ids[i], u); err != nil {
				b.Fatal(err)
			}
		}
	}
	base := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	var seq, created, taken atomic.Int64
	b.SetParallelism(32) // 64 clients on 2 cores
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1) - 1
			eq := ids[int(i)%instruments]
			start := base.Add(time.Duration(i/int64(instruments)) * 30 * time.Minute)
			body := fmt.Sprintf(`{"start":%q,"end":%q,"purpose":"bench"}`, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
			hr, _ := http.NewRequest("POST", url+"/api/v1/equipment/"+eq+"/bookings", strings.NewReader(body))
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Authorization", "Bearer "+tokens[int(i)%len(tokens)])
			resp, err := client.Do(hr)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 201:
				created.Add(1)
			case 409:
				taken.Add(1)
			default:
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/decision")
	b.ReportMetric(float64(created.Load())/float64(max(1, b.N)), "confirmed/op")
	held, err := bs.FindBookings(ctx, makerlink.BookingFilter{Statuses: []string{makerlink.BookingConfirmed, makerlink.BookingPending}})
	if err != nil {
		b.Fatal(err)
	}
	if int64(len(held)) != created.Load() {
		b.Fatalf("%d held bookings stored, %d confirmed", len(held), created.Load())
	}
	last := map[string]time.Time{}
	for _, h := range held {
		if end, ok := last[h.EquipmentID]; ok && h.Start.Before(end) {
			b.Fatalf("double booking of %s at %s", h.EquipmentID, h.Start)
		}
		if h.End.After(last[h.EquipmentID]) {
			last[h.EquipmentID] = h.End
		}
	}
}

// cpuTime returns the user and system CPU time this process used so far.
// On a shared machine CPU per decision is steadier than decisions per
// second; it includes the in-process client's share.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
