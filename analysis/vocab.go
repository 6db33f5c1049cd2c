package analysis

import (
	"strings"
	"sync"
	"sync/atomic"

	"makerlink"
)

// SectorText returns the words under which a sector code is found: the
// code, its Chinese and its English name ("new_energy 新能源 New energy").
// Unknown codes are returned as they are.
func SectorText(code string) string {
	if l, ok := makerlink.SectorByCode(code); ok {
		return l.Code + " " + l.ZH + " " + l.EN
	}
	return code
}

// StageText returns a stage code with its Chinese and English names.
func StageText(code string) string {
	if l, ok := makerlink.StageByCode(code); ok {
		return l.Code + " " + l.ZH + " " + l.EN
	}
	return code
}

// CityText returns a city with its English name and pinyin
// ("银川 Yinchuan yc"). Cities outside Ningxia get their pinyin only.
func CityText(city string) string {
	if v, ok := cityTexts.Load(city); ok {
		return v.(string)
	}
	t := cityText(city)
	if cityTextsN.Add(1) < maxCached {
		cityTexts.Store(city, t)
	}
	return t
}

var (
	cityTexts  sync.Map
	cityTextsN atomic.Int64
)

// maxCached bounds the memo tables of values users type.
const maxCached = 10000

func cityText(city string) string {
	zh := makerlink.CanonicalCity(city)
	parts := []string{zh}
	if en := makerlink.CityEN(zh); en != "" {
		parts = append(parts, en)
	}
	parts = append(parts, PinyinTerms(zh)...)
	return strings.Join(parts, " ")
}

// typeNames gives the Chinese and English names of profile kinds, investor
// kinds and space kinds.
var typeNames = map[string]string{
	string(makerlink.KindStartup):   "初创企业 创业公司 项目 startup",
	string(makerlink.KindInvestor):  "投资人 投资机构 investor",
	string(makerlink.KindMentor):    "导师 创业导师 mentor",
	string(makerlink.KindEquipment): "仪器 设备 共享仪器 equipment instrument",
	string(makerlink.KindSpace):     "空间 载体 space",
	"angel":                         "天使投资人 天使投资 angel investor",
	"fund":                          "基金 投资基金 创业投资 风险投资 venture capital fund",
	"bank":                          "银行 bank",
	"corporate":                     "企业投资 产业资本 corporate investor",
	"government_fund":               "政府引导基金 产业基金 government fund",
	"incubator":                     "孵化器 incubator",
	"maker_space":                   "众创空间 创客空间 maker space",
	"university_maker_space":        "高校众创空间 大学 众创空间 university maker space",
	"accelerator":                   "加速器 accelerator",
}

// TypeText returns the Chinese and English names of a profile kind
// ("startup"), an investor kind ("government_fund") or a space kind
// ("maker_space"), or "" for unknown values.
func TypeText(code string) string { return typeNames[code] }
