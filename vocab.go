package makerlink

import (
	"strings"
	"unicode/utf8"
)

// Label is a code with its Chinese and English names.
type Label struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// Sectors lists the ten sector codes of the regional plan, in display order.
var Sectors = []Label{
	{"electronic_info", "电子信息", "Electronic information"},
	{"biotech", "生物技术", "Biotechnology"},
	{"modern_agriculture", "现代农业", "Modern agriculture"},
	{"advanced_equipment", "高端装备制造", "Advanced equipment manufacturing"},
	{"new_energy", "新能源", "New energy"},
	{"new_materials", "新材料", "New materials"},
	{"energy_saving", "节能环保", "Energy saving and environmental protection"},
	{"medicine_health", "医药卫生", "Medicine and health"},
	{"culture_creative", "文化创意", "Culture and creative industries"},
	{"modern_services", "现代服务业", "Modern services"},
}

// Stages lists the funding stage codes from earliest to latest.
var Stages = []Label{
	{"idea", "创意", "Idea"},
	{"seed", "种子轮", "Seed"},
	{"angel", "天使轮", "Angel"},
	{"pre_a", "Pre-A轮", "Pre-A"},
	{"a", "A轮", "Series A"},
	{"b_plus", "B轮及以后", "Series B+"},
}

// InvestorKinds, SpaceKinds and Visibilities are the allowed values of the
// corresponding profile fields.
var (
	InvestorKinds = []string{"angel", "fund", "bank", "corporate", "government_fund"}
	SpaceKinds    = []string{"incubator", "maker_space", "university_maker_space", "accelerator"}
	Visibilities  = []string{VisibilityPublic, VisibilityInvestors}
)

// Visibility values of a startup.
const (
	VisibilityPublic    = "public"
	VisibilityInvestors = "investors"
)

// City is a prefecture-level city of Ningxia with its districts and counties.
// Profiles store the Chinese name in their city field.
type City struct {
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	Districts []string `json:"districts"`
}

// Cities lists the five cities of the Ningxia Hui Autonomous Region.
var Cities = []City{
	{"银川", "Yinchuan", []string{"兴庆区", "金凤区", "西夏区", "永宁县", "贺兰县", "灵武市"}},
	{"石嘴山", "Shizuishan", []string{"大武口区", "惠农区", "平罗县"}},
	{"吴忠", "Wuzhong", []string{"利通区", "红寺堡区", "盐池县", "同心县", "青铜峡市"}},
	{"固原", "Guyuan", []string{"原州区", "西吉县", "隆德县", "泾源县", "彭阳县"}},
	{"中卫", "Zhongwei", []string{"沙坡头区", "中宁县", "海原县"}},
}

// SectorByCode returns the sector with the given code.
func SectorByCode(code string) (Label, bool) { return labelByCode(Sectors, code) }

// StageByCode returns the stage with the given code.
func StageByCode(code string) (Label, bool) { return labelByCode(Stages, code) }

// StageIndex returns the position of a stage code in [Stages], or -1.
func StageIndex(code string) int {
	for i, l := range Stages {
		if l.Code == code {
			return i
		}
	}
	return -1
}

func labelByCode(ls []Label, code string) (Label, bool) {
	for _, l := range ls {
		if l.Code == code {
			return l, true
		}
	}
	return Label{}, false
}

// CanonicalCity maps a city as a user may type it ("银川", "银川市",
// "Yinchuan", "yinchuan") to the stored Chinese name. Names it does not know
// are returned trimmed, unchanged otherwise.
func CanonicalCity(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimSuffix(s, "市")
	for _, c := range Cities {
		if t == c.ZH || strings.EqualFold(s, c.EN) {
			return c.ZH
		}
	}
	return s
}

// CanonicalPlace maps a city and district as a user may type them to the
// stored names: the city as [CanonicalCity] does, and a county or
// district typed as the city ("中宁县", "中宁") to its city with that
// district ("中卫", "中宁县"), replacing a county or district of the list
// given beside it (a town, "石空镇", is kept). Places it does not know are
// returned as CanonicalCity returns them.
func CanonicalPlace(city, district string) (string, string) {
	c := CanonicalCity(city)
	for _, x := range Cities {
		if x.ZH == c {
			return c, district
		}
	}
	if d, x, ok := findDistrict(c); ok {
		if _, _, known := findDistrict(district); district == "" || known {
			district = d
		}
		return x, district
	}
	return c, district
}

// PlaceCity returns the city a filter value names: a city as
// [CanonicalCity] maps it, or the city of a county or district ("中宁县",
// "中宁": "中卫").
func PlaceCity(s string) string {
	c, _ := CanonicalPlace(s, "")
	return c
}

// DistrictCity returns the city of a county or district of the list
// ("隆德县" or "隆德": "固原").
func DistrictCity(district string) (string, bool) {
	_, c, ok := findDistrict(district)
	return c, ok
}

// findDistrict finds a county or district of the list, with or without
// its 县/区/市, and returns its full name and its city.
func findDistrict(s string) (district, city string, ok bool) {
	if s == "" {
		return "", "", false
	}
	for _, x := range Cities {
		for _, d := range x.Districts {
			if s == d || (utf8.RuneCountInString(s) >= 2 && s == strings.TrimRight(d, "县区市")) {
				return d, x.ZH, true
			}
		}
	}
	return "", "", false
}

// CityEN returns the English name of a city stored in Chinese, or "".
func CityEN(zh string) string {
	for _, c := range Cities {
		if c.ZH == zh {
			return c.EN
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
