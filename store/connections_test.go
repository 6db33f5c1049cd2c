package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

// TestIntroLimitUnderConcurrency sends 20 requests of one startup to 20
// people at once with a limit of 5 open requests: exactly 5 are stored.
func TestIntroLimitUnderConcurrency(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		founder := storetest.NewUser(t, db, makerlink.RoleFounder)
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range 20 {
			to := storetest.NewUser(t, db, makerlink.RoleMentor)
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := &makerlink.Intro{StartupID: "s1", StartupName: "贺兰山", FromUserID: founder.ID, ToKind: makerlink.KindMentor,
					ToID: fmt.Sprintf("m%d", i), ToName: "马老师", ToUserID: to.ID}
				_, errs[i] = db.CreateIntro(ctx, in, makerlink.IntroLimits{MaxOpen: 5}, nil)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch makerlink.ErrorCode(err) {
			case "":
				ok++
			case makerlink.EIntroLimit:
			default:
				t.Fatalf("unexpected %v", err)
			}
		}
		if ok != 5 {
			t.Fatalf("%d requests stored, want 5", ok)
		}
		list, _, err := db.FindIntros(ctx, makerlink.IntroFilter{FromUserID: founder.ID, Limit: 100})
		if err != nil || len(list) != 5 {
			t.Fatalf("stored %d intros (%v)", len(list), err)
		}
	})
}

// TestIntroExpiry closes only requests older than the cutoff, once.
func TestIntroExpiry(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		clock := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		founder := storetest.NewUser(t, db, makerlink.RoleFounder)
		mk := func(i int) *makerlink.Intro {
			to := storetest.NewUser(t, db, makerlink.RoleInvestor)
			in := &makerlink.Intro{StartupID: "s1", StartupName: "贺兰山", FromUserID: founder.ID, ToKind: makerlink.KindInvestor,
				ToID: fmt.Sprintf("i%d", i), ToName: "李投资", ToUserID: to.ID}
			if _, err := db.CreateIntro(ctx, in, makerlink.IntroLimits{}, nil); err != nil {
				t.Fatal(err)
			}
			return in
		}
		old := mk(1)
		clock = clock.Add(10 * 24 * time.Hour)
		young := mk(2)
		clock = clock.Add(4*24*time.Hour + time.Second)
		notes := func(in *makerlink.Intro, others []string) []*makerlink.Notification {
			return []*makerlink.Notification{makerlink.IntroExpiredNotification(in, others)}
		}
		ns, err := db.ExpireIntros(ctx, clock.Add(-makerlink.IntroAnswerWindow), "", notes)
		if err != nil || len(ns) != 1 || ns[0].UserID != founder.ID {
			t.Fatalf("expire: %v %v", ns, err)
		}
		if again, _ := db.ExpireIntros(ctx, clock.Add(-makerlink.IntroAnswerWindow), "", notes); len(again) != 0 {
			t.Fatalf("expired twice: %v", again)
		}
		for _, c := range []struct {
			in   *makerlink.Intro
			want string
		}{{old, makerlink.IntroExpired}, {young, makerlink.IntroPending}} {
			got, err := db.FindIntro(ctx, c.in.ID)
			if err != nil || got.Status != c.want {
				t.Fatalf("%s: %+v %v", c.in.ID, got, err)
			}
		}
	})
}
