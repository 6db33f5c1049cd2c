package store_test

import (
	"slices"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

func TestMatchFeedback(t *testing.T) {
	engines := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := t.Context()
			clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { clock = clock.Add(time.Second); return clock }

			save := func(from, to, action string) error {
				return db.SaveMatchFeedback(ctx, &makerlink.MatchFeedback{FromKind: makerlink.KindStartup, FromID: from,
					ToKind: makerlink.KindInvestor, ToID: to, Action: action, UserID: "u1"})
			}
			for _, f := range [][3]string{{"s1", "i1", "dismiss"}, {"s1", "i2", "save"}, {"s2", "i1", "save"}, {"s1", "i1", "save"}} {
				if err := save(f[0], f[1], f[2]); err != nil {
					t.Fatal(err)
				}
			}
			if err := save("s1", "i1", "like"); makerlink.ErrorCode(err) != makerlink.EValidation {
				t.Errorf("unknown action: %v", err)
			}
			if err := save("s1\x00", "i1", "save"); makerlink.ErrorCode(err) != makerlink.EValidation {
				t.Errorf("NUL in an id: %v", err)
			}
			got, err := db.FindMatchFeedback(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var desc []string
			for _, f := range got {
				desc = append(desc, f.FromID+">"+f.ToID+":"+f.Action)
				if f.UserID != "u1" || f.CreatedAt.IsZero() || f.FromKind != makerlink.KindStartup || f.ToKind != makerlink.KindInvestor {
					t.Errorf("round trip lost fields: %+v", f)
				}
			}
			// The second action on s1>i1 replaced the first and is the newest.
			if want := []string{"s1>i2:save", "s2>i1:save", "s1>i1:save"}; !slices.Equal(desc, want) {
				t.Errorf("feedback = %v, want %v", desc, want)
			}
			if err := db.DeleteMatchFeedback(ctx, makerlink.KindStartup, "s1", makerlink.KindInvestor, "i2"); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteMatchFeedback(ctx, makerlink.KindStartup, "nope", makerlink.KindInvestor, "i2"); err != nil {
				t.Errorf("deleting missing feedback: %v", err)
			}
			if got, _ := db.FindMatchFeedback(ctx); len(got) != 2 {
				t.Errorf("%d rows after a delete, want 2", len(got))
			}
		})
	}
}

func TestMatchSignals(t *testing.T) {
	engines := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := t.Context()
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			intro := func(id, startup, kind, to, status string) {
				exec(`INSERT INTO intros (id, startup_id, startup_name, from_user_id, to_kind, to_id, to_name, to_user_id, message, status, created_at)
VALUES ($1, $2, 'S', 'f', $3, $4, 'T', 'u', '', $5, 1)`, id, startup, kind, to, status)
			}
			intro("a", "s1", "investor", "i1", "pending")
			intro("b", "s2", "investor", "i1", "pending")
			intro("c", "s3", "mentor", "m1", "pending")
			intro("d", "s4", "investor", "i2", "accepted")
			intro("e", "s5", "investor", "i2", "declined")
			exec(`INSERT INTO mentorships (intro_id, mentor_id, mentor_user, startup_id, startup_name, founder_id, status, started_at)
VALUES ('m-a', 'm1', 'u', 's6', 'S', 'f', 'active', 1), ('m-b', 'm1', 'u', 's7', 'S', 'f', 'ended', 1)`)
			exec(`INSERT INTO pipeline_entries (investor_id, startup_id, startup_name, stage, note, pass_reason, source, created_at, updated_at)
VALUES ('user-x', 's8', 'S', 'meeting', '', '', 'manual', 1, 1), ('user-x', 's9', 'S', 'passed', '', 'no', 'manual', 1, 1)`)

			exec(`INSERT INTO mentor_settings (mentor_id, paused, updated_at) VALUES ('m1', $1, 1), ('m2', $2, 1)`, true, false)

			sig, err := db.MatchSignals(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ref := func(k makerlink.Kind, id string) makerlink.ProfileRef { return makerlink.ProfileRef{Kind: k, ID: id} }
			if sig.OpenRequests[ref("investor", "i1")] != 2 || sig.OpenRequests[ref("mentor", "m1")] != 1 || len(sig.OpenRequests) != 2 {
				t.Errorf("open requests %v", sig.OpenRequests)
			}
			if sig.Mentees["m1"] != 1 || len(sig.Mentees) != 1 {
				t.Errorf("mentees %v", sig.Mentees)
			}
			if got := sig.Interest[ref("investor", "i2")]; !slices.Equal(got, []string{"s4"}) {
				t.Errorf("investor interest %v", got)
			}
			if got := sig.Interest[ref("mentor", "m1")]; !slices.Equal(got, []string{"s6"}) {
				t.Errorf("mentor interest %v", got)
			}
			if got := sig.Pipeline["user-x"]; !slices.Equal(got, []string{"s8"}) {
				t.Errorf("pipeline %v", got)
			}
			if !sig.Paused["m1"] || len(sig.Paused) != 1 {
				t.Errorf("paused %v, want m1 only", sig.Paused)
			}
			if got := sig.Passed["user-x"]; !slices.Equal(got, []string{"s9"}) || len(sig.Passed) != 1 {
				t.Errorf("passed %v, want user-x: s9", sig.Passed)
			}
		})
	}
}
