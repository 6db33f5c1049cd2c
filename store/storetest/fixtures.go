package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"makerlink"
)

var userSeq atomic.Int64

// NewUser stores an account with the given roles and a unique email, and
// returns it. Profiles need an existing owner.
func NewUser(tb testing.TB, s makerlink.UserStore, roles ...makerlink.Role) *makerlink.User {
	tb.Helper()
	n := userSeq.Add(1)
	u := &makerlink.User{
		Email: fmt.Sprintf("user%d@example.cn", n),
		Name:  fmt.Sprintf("用户%d", n),
		Roles: append([]makerlink.Role{}, roles...),
	}
	if err := s.CreateUser(context.Background(), u, "hash-of-secret"); err != nil {
		tb.Fatalf("storetest: create user: %v", err)
	}
	return u
}

// Startup returns a valid startup owned by ownerID. Its sector, stage and
// city rotate with i: sectors {Sectors[i%10], Sectors[(i+3)%10]}, stage
// Stages[i%6], city Cities[i%5].
func Startup(ownerID string, i int) *makerlink.Startup {
	city := makerlink.Cities[i%len(makerlink.Cities)]
	return &makerlink.Startup{
		Meta:          makerlink.Meta{OwnerID: ownerID},
		Name:          fmt.Sprintf("贺兰山科技%d号", i),
		Tagline:       "枸杞深加工与冷链物流 / Goji processing and cold chain",
		Description:   "我们在" + city.ZH + "建设智能温室，结合物联网传感器提升枸杞品质。",
		Sectors:       []string{makerlink.Sectors[i%10].Code, makerlink.Sectors[(i+3)%10].Code},
		Stage:         makerlink.Stages[i%len(makerlink.Stages)].Code,
		City:          city.ZH,
		District:      city.Districts[i%len(city.Districts)],
		FundingAskCNY: int64(500_000 + 10_000*i),
		TeamSize:      3 + i%20,
		FoundedOn:     "2023-05-18",
		Needs:         []string{"天使投资", "实验室设备"},
		Visibility:    makerlink.VisibilityPublic,
	}
}

// SampleProfiles returns one valid profile of each kind, owned by ownerID,
// in the order of [makerlink.Kinds].
func SampleProfiles(ownerID string) []makerlink.Profile {
	meta := makerlink.Meta{OwnerID: ownerID}
	return []makerlink.Profile{
		Startup(ownerID, 0),
		&makerlink.Investor{
			Meta: meta, Name: "宁东天使基金", Type: "fund", Organization: "宁夏创投",
			Sectors: []string{"new_energy", "new_materials"}, Stages: []string{"seed", "angel"},
			TicketMinCNY: 1_000_000, TicketMaxCNY: 5_000_000, Regions: []string{"银川", "吴忠"},
			Thesis: "关注能源转型与煤化工升级 (energy transition)", Accepting: true, Portfolio: []string{"塞上光伏"},
		},
		&makerlink.Mentor{
			Meta: meta, Name: "马老师", Bio: "宁夏大学教授，研究葡萄酒酿造。", Organization: "宁夏大学",
			Expertise: []string{"葡萄酒", "食品安全"}, Sectors: []string{"modern_agriculture"},
			Languages: []string{"zh", "en"}, Capacity: 4, City: "银川",
		},
		&makerlink.Equipment{
			Meta: meta, Name: "扫描电子显微镜 SEM", Category: "显微镜", Institution: "宁夏大学分析测试中心",
			City: "银川", District: "西夏区", Description: "场发射扫描电镜", Specs: "分辨率 1 nm",
			PricePerHourCNY: 600, RequiresApproval: true,
			OpenHours:  []makerlink.OpenHours{{Day: 1, From: "09:00", To: "17:30"}, {Day: 6, From: "10:00", To: "24:00"}},
			MinMinutes: 60, MaxMinutes: 240, LeadMinutes: 1440,
		},
		&makerlink.Space{
			Meta: meta, Name: "银川iBi育成中心", Type: "incubator", City: "银川", District: "金凤区",
			Description: "宁夏首个科技企业孵化器", Services: []string{"工商注册", "路演"}, Capacity: 120,
		},
	}
}
