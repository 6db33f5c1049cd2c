package makerlink_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"makerlink"
)

func validStartup() *makerlink.Startup {
	return &makerlink.Startup{
		Name: "宁夏枸杞智选科技", Sectors: []string{"modern_agriculture"}, Stage: "seed",
		City: "银川", FundingAskCNY: 2_000_000, TeamSize: 6, Visibility: "public",
	}
}

func TestStartupValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(s *makerlink.Startup)
		fields []string // expected invalid fields, in order
	}{
		{"OK", func(*makerlink.Startup) {}, nil},
		{"NameRequired", func(s *makerlink.Startup) { s.Name = "  " }, []string{"name"}},
		{"UnknownSector", func(s *makerlink.Startup) { s.Sectors = []string{"space_travel"} }, []string{"sectors[0]"}},
		{"NoSector", func(s *makerlink.Startup) { s.Sectors = nil }, []string{"sectors"}},
		{"UnknownStage", func(s *makerlink.Startup) { s.Stage = "series_z" }, []string{"stage"}},
		{"NegativeMoney", func(s *makerlink.Startup) { s.FundingAskCNY = -1 }, []string{"funding_ask_cny"}},
		{"TooLongDescription", func(s *makerlink.Startup) { s.Description = strings.Repeat("字", makerlink.MaxLongText+1) }, []string{"description"}},
		{"ControlCharacter", func(s *makerlink.Startup) { s.Tagline = "bad\x00byte" }, []string{"tagline"}},
		{"InvalidUTF8", func(s *makerlink.Startup) { s.Tagline = "bad\xffbyte" }, []string{"tagline"}},
		{"BadDate", func(s *makerlink.Startup) { s.FoundedOn = "2024-13-01" }, []string{"founded_on"}},
		{"FutureFounding", func(s *makerlink.Startup) { s.FoundedOn = "2999-01-01" }, []string{"founded_on"}},
		{"AncientFounding", func(s *makerlink.Startup) { s.FoundedOn = "1066-10-14" }, []string{"founded_on"}},
		{"SectorTwice", func(s *makerlink.Startup) { s.Sectors = []string{"biotech", "new_energy", "biotech"} }, []string{"sectors[2]"}},
		{"BadVisibility", func(s *makerlink.Startup) { s.Visibility = "secret" }, []string{"visibility"}},
		{"TooManyNeeds", func(s *makerlink.Startup) { s.Needs = make([]string, makerlink.MaxListItems+1) }, []string{"needs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validStartup()
			tt.edit(s)
			err := s.Validate()
			var got []string
			for _, f := range makerlink.ErrorFields(err) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("invalid fields = %v, want %v (err %v)", got, tt.fields, err)
			}
			if tt.fields != nil && makerlink.ErrorCode(err) != makerlink.EValidation {
				t.Fatalf("code = %q, want %q", makerlink.ErrorCode(err), makerlink.EValidation)
			}
		})
	}
}

func TestValidateOtherKinds(t *testing.T) {
	tests := []struct {
		name  string
		p     makerlink.Profile
		field string // "" = valid
	}{
		{"InvestorOK", &makerlink.Investor{Name: "贺兰山天使", Type: "angel", Stages: []string{"seed"}, TicketMinCNY: 1, TicketMaxCNY: 2}, ""},
		{"InvestorTicketOrder", &makerlink.Investor{Name: "x", Type: "angel", TicketMinCNY: 5, TicketMaxCNY: 2}, "ticket_max_cny"},
		{"InvestorKind", &makerlink.Investor{Name: "x", Type: "pirate"}, "kind"},
		{"InvestorStage", &makerlink.Investor{Name: "x", Type: "fund", Stages: []string{"z"}}, "stages[0]"},
		{"MentorCapacity", &makerlink.Mentor{Name: "王老师", Capacity: -1}, "capacity"},
		{"EquipmentOK", &makerlink.Equipment{Name: "扫描电镜", Category: "SEM", Institution: "宁夏大学", City: "银川", MinMinutes: 30, MaxMinutes: 240,
			OpenHours: []makerlink.OpenHours{{Day: 1, From: "08:30", To: "24:00"}}}, ""},
		{"EquipmentDay", &makerlink.Equipment{Name: "a", Category: "b", Institution: "c", City: "银川", MinMinutes: 30, MaxMinutes: 60,
			OpenHours: []makerlink.OpenHours{{Day: 8, From: "08:30", To: "17:00"}}}, "open_hours[0].day"},
		{"EquipmentBackwards", &makerlink.Equipment{Name: "a", Category: "b", Institution: "c", City: "银川", MinMinutes: 30, MaxMinutes: 60,
			OpenHours: []makerlink.OpenHours{{Day: 1, From: "18:00", To: "09:00"}}}, "open_hours[0].to"},
		{"EquipmentOverlap", &makerlink.Equipment{Name: "a", Category: "b", Institution: "c", City: "银川", MinMinutes: 30, MaxMinutes: 60,
			OpenHours: []makerlink.OpenHours{{Day: 2, From: "08:00", To: "12:00"}, {Day: 1, From: "11:00", To: "13:00"}, {Day: 2, From: "11:30", To: "18:00"}}}, "open_hours[2]"},
		{"EquipmentAdjacentOK", &makerlink.Equipment{Name: "a", Category: "b", Institution: "c", City: "银川", MinMinutes: 30, MaxMinutes: 60,
			OpenHours: []makerlink.OpenHours{{Day: 2, From: "08:00", To: "12:00"}, {Day: 2, From: "12:00", To: "18:00"}}}, ""},
		{"InvestorStageTwice", &makerlink.Investor{Name: "x", Type: "fund", Stages: []string{"seed", "seed"}}, "stages[1]"},
		{"EquipmentMinMax", &makerlink.Equipment{Name: "a", Category: "b", Institution: "c", City: "银川", MinMinutes: 90, MaxMinutes: 60}, "max_minutes"},
		{"SpaceKind", &makerlink.Space{Name: "银川iBi育成中心", Type: "castle", City: "银川"}, "kind"},
		{"SpaceOK", &makerlink.Space{Name: "银川iBi育成中心", Type: "incubator", City: "银川"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := makerlink.ErrorFields(tt.p.Validate())
			if tt.field == "" {
				if len(fields) != 0 {
					t.Fatalf("want valid, got %v", fields)
				}
				return
			}
			if len(fields) == 0 || fields[0].Field != tt.field {
				t.Fatalf("want first invalid field %q, got %v", tt.field, fields)
			}
		})
	}
}

func TestCanonicalCity(t *testing.T) {
	for in, want := range map[string]string{"银川": "银川", "银川市": "银川", "Yinchuan": "银川", " yinchuan ": "银川", "中卫市": "中卫", "北京": "北京"} {
		if got := makerlink.CanonicalCity(in); got != want {
			t.Errorf("CanonicalCity(%q) = %q, want %q", in, got, want)
		}
	}
	s := validStartup()
	s.City = "Shizuishan"
	if err := s.Validate(); err != nil || s.City != "石嘴山" {
		t.Fatalf("Validate should store the canonical city, got %q, %v", s.City, err)
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]int{"00:00": 0, "08:30": 510, "24:00": 1440, "23:59": 1439, "24:01": -1, "8:30": -1, "ab:cd": -1, "12:60": -1} {
		got, ok := makerlink.ParseClock(in)
		if (want < 0) == ok || (ok && got != want) {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, b := makerlink.NewID(t0), makerlink.NewID(t0.Add(time.Millisecond))
	if len(a) != 24 || a >= b {
		t.Fatalf("ids %q, %q: want 24 chars, increasing with time", a, b)
	}
	if makerlink.NewID(t0) == makerlink.NewID(t0) {
		t.Fatal("two ids in the same millisecond must differ")
	}
}

func TestCanView(t *testing.T) {
	hidden := makerlink.Tags{Visibility: makerlink.VisibilityInvestors}
	owner := &makerlink.User{ID: "u1", Roles: []makerlink.Role{makerlink.RoleFounder}}
	other := &makerlink.User{ID: "u2", Roles: []makerlink.Role{makerlink.RoleFounder, makerlink.RoleMentor}}
	investor := &makerlink.User{ID: "u3", Roles: []makerlink.Role{makerlink.RoleInvestor}}
	admin := &makerlink.User{ID: "u4", Roles: []makerlink.Role{makerlink.RoleAdmin}}
	for _, tt := range []struct {
		name   string
		viewer *makerlink.User
		want   bool
	}{{"Anonymous", nil, false}, {"Owner", owner, true}, {"OtherFounder", other, false}, {"Investor", investor, true}, {"Admin", admin, true}} {
		if got := makerlink.CanView(tt.viewer, "u1", hidden); got != tt.want {
			t.Errorf("%s: CanView = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !makerlink.CanView(nil, "u1", makerlink.Tags{Visibility: makerlink.VisibilityPublic}) {
		t.Error("public profiles are visible to everyone")
	}
	if makerlink.CanEdit(other, "u1") || !makerlink.CanEdit(admin, "u1") || !makerlink.CanEdit(owner, "u1") {
		t.Error("only the owner and admins edit")
	}
}

func TestProfileJSONShape(t *testing.T) {
	p, _ := makerlink.NewProfile(makerlink.KindInvestor)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"id", "owner_id", "version", "created_at", "updated_at", "name", "kind", "sectors", "stages", "ticket_min_cny", "ticket_max_cny", "regions", "thesis", "accepting", "portfolio"} {
		if _, ok := m[k]; !ok {
			t.Errorf("investor JSON lacks contract field %q: %s", k, b)
		}
	}
	if m["accepting"] != true {
		t.Error("new investors accept pitches by default")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := &makerlink.Error{Code: makerlink.ENotFound, Message: "Startup not found.", Op: "store.FindProfile"}
	wrapped := fmt.Errorf("handler: %w", err)
	if makerlink.ErrorCode(wrapped) != makerlink.ENotFound || makerlink.ErrorMessage(wrapped) != "Startup not found." {
		t.Fatalf("code/message lost through wrapping: %v", wrapped)
	}
	plain := errors.New("disk on fire")
	if makerlink.ErrorCode(plain) != makerlink.EInternal || makerlink.ErrorMessage(plain) != "Internal error." {
		t.Fatal("unknown errors must be internal and hide their text")
	}
}

func TestCanonicalPlace(t *testing.T) {
	tests := []struct{ city, district, wantCity, wantDistrict string }{
		{"中宁县", "", "中卫", "中宁县"},
		{"中宁", "", "中卫", "中宁县"},
		{"隆德县", "", "固原", "隆德县"},
		{"灵武市", "", "银川", "灵武市"},
		{"沙坡头", "", "中卫", "沙坡头区"},
		{"中宁县", "石空镇", "中卫", "石空镇"}, // a town the user gave is kept
		{"中宁县", "隆德县", "中卫", "中宁县"}, // a county of the list is replaced by the one typed as the city
		{"银川市", "金凤区", "银川", "金凤区"},
		{"yinchuan", "", "银川", ""},
		{"北京", "", "北京", ""},
		{"宁", "", "宁", ""}, // one character is no county
	}
	for _, tt := range tests {
		c, d := makerlink.CanonicalPlace(tt.city, tt.district)
		if c != tt.wantCity || d != tt.wantDistrict {
			t.Errorf("CanonicalPlace(%q, %q) = %q, %q; want %q, %q", tt.city, tt.district, c, d, tt.wantCity, tt.wantDistrict)
		}
	}
	s := validStartup()
	s.City, s.District = "中宁县", ""
	if err := s.Validate(); err != nil || s.City != "中卫" || s.District != "中宁县" {
		t.Errorf("a startup in 中宁县: city %q district %q (%v)", s.City, s.District, err)
	}
	// Moved to 银川 but still in 隆德县: the district is refused, not kept.
	s.City, s.District = "银川", "隆德县"
	if f := makerlink.ErrorFields(s.Validate()); len(f) != 1 || f[0].Field != "district" {
		t.Errorf("银川 / 隆德县: fields %v, want district", f)
	}
}
