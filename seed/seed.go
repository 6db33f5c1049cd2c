package seed

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"makerlink"
)

// DemoPassword is the password of every account in a generated data set,
// the well-known demo logins included. Demo data is for trying makerlink
// out; never load it into a production database.
const DemoPassword = "makerlink-demo"

// The well-known demo logins (see [Dataset.Accounts] and README.md).
const (
	DemoDomain     = "demo.makerlink.cn"
	FounderEmail   = "founder@" + DemoDomain
	InvestorEmail  = "investor@" + DemoDomain
	MentorEmail    = "mentor@" + DemoDomain
	LabEmail       = "lab@" + DemoDomain
	OrganizerEmail = "organizer@" + DemoDomain
	AdminEmail     = "admin@" + DemoDomain
)

// Options select a data set. The zero value is the default demo data.
type Options struct {
	// Seed selects the data; the same seed always gives byte-identical
	// data. Seed 1 is the demo data that relevance and matching fixtures
	// are built on.
	Seed int64
	// Total is the approximate number of profiles; 0 means the default
	// demo size (DefaultTotal). Other sizes keep the default proportions
	// of startups, investors, mentors, equipment and spaces.
	Total int
}

// DemoAccount is a well-known demo login. Every one uses [DemoPassword].
type DemoAccount struct {
	Email string `json:"email"`
	Role  string `json:"role"`
	Note  string `json:"note"`
}

// Dataset is a generated set of accounts and profiles. Every profile has its
// id, owner, version 1 and timestamps set; owners are in Users. Users come
// in creation order and end with the admin demo account, the marker that
// [Loaded] looks for.
type Dataset struct {
	Users    []*makerlink.User   `json:"users"`
	Profiles []makerlink.Profile `json:"profiles"`
	Accounts []DemoAccount       `json:"accounts"`
}

// Count returns the number of profiles of kind k.
func (d *Dataset) Count(k makerlink.Kind) int {
	n := 0
	for _, p := range d.Profiles {
		if p.Kind() == k {
			n++
		}
	}
	return n
}

// UserByEmail returns the user with the e-mail address, or nil.
func (d *Dataset) UserByEmail(email string) *makerlink.User {
	for _, u := range d.Users {
		if u.Email == email {
			return u
		}
	}
	return nil
}

// OwnedBy returns the profiles owned by the user id, in data set order.
func (d *Dataset) OwnedBy(userID string) []makerlink.Profile {
	var out []makerlink.Profile
	for _, p := range d.Profiles {
		if p.Base().OwnerID == userID {
			out = append(out, p)
		}
	}
	return out
}

// counts are the numbers of profiles of each kind.
type counts struct{ startups, investors, mentors, equipment, spaces int }

// defaultCounts is the default demo size.
var defaultCounts = counts{startups: 240, investors: 70, mentors: 70, equipment: 90, spaces: 24}

// DefaultTotal is the number of profiles of the default demo data.
const DefaultTotal = 240 + 70 + 70 + 90 + 24

func sizes(total int) counts {
	if total <= 0 {
		return defaultCounts
	}
	f := float64(total) / DefaultTotal
	scale := func(n, min int) int {
		return max(min, int(math.Round(float64(n)*f)))
	}
	c := defaultCounts
	return counts{
		startups:  scale(c.startups, 2),
		investors: scale(c.investors, 1),
		mentors:   scale(c.mentors, 1),
		equipment: scale(c.equipment, 1),
		spaces:    scale(c.spaces, 1),
	}
}

// generator holds the state shared by the per-kind generators.
type generator struct {
	seed  int64
	d     *Dataset
	names map[string]bool // profile names in use, to keep them unique

	demo     map[string]*makerlink.User // well-known accounts by e-mail
	spaces   []*makerlink.Space
	byCity   map[string][]*makerlink.Space
	startups []*makerlink.Startup
	bySector map[string][]int // startup indexes by sector
	angels   []*makerlink.User
}

// Generate builds the data set selected by o. It is deterministic: the same
// options always give the same ids, texts and timestamps.
//
// Changing the tables or the generators changes the default data, and with
// it the search relevance and matching fixtures built on seed 1: do so only
// on purpose, and update those fixtures in the same commit.
func Generate(o Options) *Dataset {
	c := sizes(o.Total)
	g := &generator{
		seed:     o.Seed,
		d:        &Dataset{},
		names:    make(map[string]bool, c.startups+c.investors+c.spaces),
		demo:     make(map[string]*makerlink.User),
		byCity:   make(map[string][]*makerlink.Space),
		bySector: make(map[string][]int),
	}
	total := c.startups + c.investors + c.mentors + c.equipment + c.spaces
	g.d.Profiles = make([]makerlink.Profile, 0, total)
	g.d.Users = make([]*makerlink.User, 0, total*3/4+16)

	g.demoUsers()
	g.genSpaces(c.spaces)
	g.genStartups(c.startups)
	g.genInvestors(c.investors)
	g.genMentors(c.mentors)
	g.genEquipment(c.equipment)
	g.finish()
	return g.d
}

// demoUsers creates the well-known accounts except the admin, which comes
// last (see [Dataset]).
func (g *generator) demoUsers() {
	ids := newRNG(g.seed, streamUsers)
	t := base.AddDate(0, 0, -400)
	for _, a := range []struct {
		email, name string
		role        makerlink.Role
	}{
		{FounderEmail, "王晓燕", makerlink.RoleFounder},
		{InvestorEmail, "马志强", makerlink.RoleInvestor},
		{MentorEmail, "丁雪梅", makerlink.RoleMentor},
		{LabEmail, "宁夏回族自治区分析测试中心", makerlink.RoleLab},
		{OrganizerEmail, "银川iBi育成中心活动部", makerlink.RoleOrganizer},
		{AdminEmail, "makerlink 管理员", makerlink.RoleAdmin},
	} {
		u := &makerlink.User{ID: ids.newID(t), Email: a.email, Name: a.name, Roles: []makerlink.Role{a.role}, CreatedAt: t}
		g.demo[a.email] = u
		if a.email != AdminEmail {
			g.d.Users = append(g.d.Users, u)
		}
		t = t.Add(time.Minute)
	}
}

// finish appends the admin marker account and describes the demo logins.
func (g *generator) finish() {
	g.d.Users = append(g.d.Users, g.demo[AdminEmail])
	owned := func(email string, k makerlink.Kind) []string {
		var names []string
		for _, p := range g.d.OwnedBy(g.demo[email].ID) {
			if p.Kind() == k {
				names = append(names, p.Tags().Name)
			}
		}
		return names
	}
	list := func(names []string) string {
		s := ""
		for i, n := range names {
			if i > 0 {
				s += "、"
			}
			s += n
		}
		return s
	}
	st := owned(FounderEmail, makerlink.KindStartup)
	inv := owned(InvestorEmail, makerlink.KindInvestor)
	men := owned(MentorEmail, makerlink.KindMentor)
	eq := owned(LabEmail, makerlink.KindEquipment)
	sp := owned(OrganizerEmail, makerlink.KindSpace)
	g.d.Accounts = []DemoAccount{
		{FounderEmail, string(makerlink.RoleFounder), fmt.Sprintf("创始人，拥有 %d 家初创企业（%s）：看投资人、导师和仪器匹配，发起引荐。Founder with %d startups: matches, intros.", len(st), list(st), len(st))},
		{InvestorEmail, string(makerlink.RoleInvestor), fmt.Sprintf("天使投资人（%s）：看推荐项目流和投资看板，处理引荐请求。Angel investor: deal flow, pipeline, intro requests.", list(inv))},
		{MentorEmail, string(makerlink.RoleMentor), fmt.Sprintf("创业导师（%s）：看匹配的创业项目，接受辅导请求。Mentor: matched startups, mentoring requests.", list(men))},
		{LabEmail, string(makerlink.RoleLab), fmt.Sprintf("%s的仪器管理员，管理 %d 台仪器的开放时段和预约审批。Lab manager of %d instruments: hours, booking approvals.", demoInstitution, len(eq), len(eq))},
		{OrganizerEmail, string(makerlink.RoleOrganizer), fmt.Sprintf("活动组织者，运营%s：创建路演活动、管理评委和投票。Organizer: runs pitch events.", list(sp))},
		{AdminEmail, string(makerlink.RoleAdmin), "管理员：可编辑和删除任何资料。Administrator: may edit or delete any profile."},
	}
}

// newUser appends a generated account.
func (g *generator) newUser(ids *rng, t time.Time, email, name string, roles ...makerlink.Role) *makerlink.User {
	u := &makerlink.User{ID: ids.newID(t), Email: email, Name: name, Roles: roles, CreatedAt: t}
	g.d.Users = append(g.d.Users, u)
	return u
}

// personEmail is the e-mail address of the n-th generated person of a kind
// (tag is one letter per kind), unique by construction.
func personEmail(p person, tag string, n int) string {
	return p.py + "." + tag + strconv.Itoa(n) + "@" + DemoDomain
}

// userTime returns when a generated account was created: within the two
// years before the data's base date.
func userTime(r *rng) time.Time {
	return base.AddDate(0, 0, -730).Add(time.Duration(r.Int64N(700*86400)) * time.Second)
}

// setMeta fills a profile's metadata: created shortly after its owner, last
// updated within 60 days (never after the base date).
func setMeta(m *makerlink.Meta, r, ids *rng, owner *makerlink.User) {
	created := r.timeAfter(owner.CreatedAt, 3)
	updated := r.timeAfter(created, 60)
	if updated.After(base) {
		updated = base
	}
	if created.After(updated) {
		created = updated
	}
	m.ID = ids.newID(created)
	m.OwnerID = owner.ID
	m.Version = 1
	m.CreatedAt = created
	m.UpdatedAt = updated
}

// uniqueName returns the first free name among tries of make, then extends
// the brand until the name is free. make(extra) builds a name with extra
// appended to its brand.
func (g *generator) uniqueName(r *rng, build func(extra string) string) string {
	for range 6 {
		if n := build(""); !g.names[n] {
			g.names[n] = true
			return n
		}
	}
	for i := 0; ; i++ {
		extra := pick(r, brandTails)
		if i > 20 {
			extra += strconv.Itoa(i)
		}
		if n := build(extra); !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

// cityWeights give Yinchuan, the capital, about half of everything.
var cityWeights = []int{50, 14, 13, 10, 13}

func (r *rng) city() makerlink.City { return makerlink.Cities[r.weighted(cityWeights)] }

func (r *rng) place() place {
	c := r.city()
	return place{c.ZH, pick(r, c.Districts)}
}

var sectorWeights = func() []int {
	w := make([]int, len(sectorTexts))
	for i, s := range sectorTexts {
		w[i] = s.weight
	}
	return w
}()

// sectors returns n distinct sector codes drawn by weight.
func (r *rng) sectors(n int) []string {
	out := make([]string, 0, n)
	for len(out) < n && len(out) < len(sectorTexts) {
		c := sectorTexts[r.weighted(sectorWeights)].code
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	return sortSectors(out)
}

// sortSectors orders codes as makerlink.Sectors lists them.
func sortSectors(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, l := range makerlink.Sectors {
		if contains(codes, l.Code) {
			out = append(out, l.Code)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sectorZH(code string) string {
	l, _ := makerlink.SectorByCode(code)
	return l.ZH
}

func stageZH(code string) string {
	l, _ := makerlink.StageByCode(code)
	return l.ZH
}

func stageEN(code string) string {
	l, _ := makerlink.StageByCode(code)
	return l.EN
}

// joinZH joins items with 、 and a final 和.
func joinZH(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	s := ""
	for i, x := range items[:len(items)-1] {
		if i > 0 {
			s += "、"
		}
		s += x
	}
	return s + "和" + items[len(items)-1]
}

// joinEN joins items with commas and a final "and".
func joinEN(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	s := ""
	for _, x := range items[:len(items)-1] {
		s += x + ", "
	}
	return s + "and " + items[len(items)-1]
}
