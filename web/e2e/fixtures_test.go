package e2e_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
)

// fixturePassword is the password of every fixture account.
const fixturePassword = "e2e-password-1"

// fixtures are the accounts and profiles the browser tests start from,
// written through the real store.
type fixtures struct {
	Owner     *makerlink.User // holds every role and owns the profiles below
	Startup   *makerlink.Startup
	Hidden    *makerlink.Startup // visible to investors only
	Investor  *makerlink.Investor
	Mentor    *makerlink.Mentor
	Equipment *makerlink.Equipment
	Space     *makerlink.Space
}

func loadFixtures(t *testing.T, st makerlink.Store) *fixtures {
	t.Helper()
	ctx := context.Background()
	hash, err := bcrypt.GenerateFromPassword([]byte(fixturePassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	owner := &makerlink.User{Email: "owner@e2e.test", Name: "马晓燕", Roles: []makerlink.Role{
		makerlink.RoleFounder, makerlink.RoleInvestor, makerlink.RoleMentor, makerlink.RoleLab, makerlink.RoleOrganizer}}
	if err := st.CreateUser(ctx, owner, string(hash)); err != nil {
		t.Fatalf("fixtures: user: %v", err)
	}
	fx := &fixtures{
		Owner: owner,
		Startup: &makerlink.Startup{
			Name: "枸杞智能分拣", Tagline: "用机器视觉为宁夏枸杞分级", Description: "我们为中宁和银川的枸杞合作社提供基于机器视觉的分拣设备，分拣速度是人工的八倍。",
			Sectors: []string{"modern_agriculture", "electronic_info"}, Stage: "seed", City: "银川", District: "金凤区",
			FundingAskCNY: 3_000_000, TeamSize: 8, FoundedOn: "2023-05-01", Needs: []string{"天使轮融资", "农业物联网导师"}, Visibility: makerlink.VisibilityPublic,
		},
		Hidden: &makerlink.Startup{
			Name: "贺兰山光伏运维", Tagline: "光伏电站无人机巡检", Sectors: []string{"new_energy"}, Stage: "angel", City: "石嘴山",
			FundingAskCNY: 8_000_000, TeamSize: 15, Visibility: makerlink.VisibilityInvestors,
		},
		Investor: &makerlink.Investor{
			Name: "银川天使投资", Type: "angel", Organization: "宁夏天使联盟", Sectors: []string{"modern_agriculture", "new_energy"},
			Stages: []string{"seed", "angel"}, TicketMinCNY: 500_000, TicketMaxCNY: 3_000_000, Regions: []string{"银川", "吴忠"},
			Thesis: "关注宁夏特色农业与新能源的早期项目。", Accepting: true, Portfolio: []string{"滩羊溯源"},
		},
		Mentor: &makerlink.Mentor{
			Name: "王建国", Bio: "农业物联网专家，曾任宁夏农科院研究员。", Organization: "宁夏农林科学院",
			Expertise: []string{"农业物联网", "产品定位"}, Sectors: []string{"modern_agriculture"}, Languages: []string{"中文", "English"},
			Capacity: 3, City: "银川",
		},
		Equipment: &makerlink.Equipment{
			Name: "扫描电子显微镜", Category: "电子显微镜", Institution: "宁夏大学", City: "银川", District: "西夏区",
			Description: "可观察材料表面微观形貌，分辨率 3 纳米。", Specs: "加速电压 0.5–30 kV", PricePerHourCNY: 400,
			RequiresApproval: true, OpenHours: []makerlink.OpenHours{{Day: 1, From: "09:00", To: "17:00"}, {Day: 3, From: "09:00", To: "17:00"}, {Day: 5, From: "13:00", To: "24:00"}, {Day: 6, From: "00:00", To: "02:00"}},
			MinMinutes: 60, MaxMinutes: 240,
		},
		Space: &makerlink.Space{
			Name: "银川iBi育成中心", Type: "incubator", City: "银川", District: "金凤区",
			Description: "面向科技型初创企业的孵化器。", Services: []string{"工位", "路演厅", "法律咨询"}, Capacity: 300,
		},
	}
	ps := []makerlink.Profile{fx.Startup, fx.Hidden, fx.Investor, fx.Mentor, fx.Equipment, fx.Space}
	for _, p := range ps {
		p.Base().OwnerID = owner.ID
		if err := p.Validate(); err != nil {
			t.Fatalf("fixtures: %s: %v", p.Kind(), makerlink.ErrorFields(err))
		}
	}
	if err := st.CreateProfiles(ctx, ps); err != nil {
		t.Fatalf("fixtures: profiles: %v", err)
	}
	return fx
}
