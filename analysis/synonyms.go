package analysis

import (
	"sort"

	"makerlink"
	"strings"
	"unicode/utf8"
)

// synonymGroups lists phrases that mean the same thing. Each phrase is in
// normalized form (lowercase). Search expands a query phrase found here
// into the other phrases of its group.
var synonymGroups = [][]string{
	{"天使投资", "angel investment", "angel investing", "angel funding"},
	{"天使投资人", "angel investor"},
	{"天使轮", "angel round"},
	{"种子轮", "seed round", "seed funding"},
	{"孵化器", "incubator"},
	{"众创空间", "maker space", "makerspace", "创客空间"},
	{"加速器", "accelerator"},
	{"风险投资", "风投", "venture capital", "vc"},
	{"投资人", "investor", "投资者"},
	{"导师", "mentor", "创业导师"},
	{"初创企业", "创业公司", "startup", "初创公司"},
	{"人工智能", "ai", "artificial intelligence"},
	{"物联网", "iot", "internet of things"},
	{"大数据", "big data"},
	{"云计算", "cloud computing"},
	{"区块链", "blockchain"},
	{"机器学习", "machine learning"},
	{"机器人", "robot", "robotics"},
	{"无人机", "drone", "uav"},
	{"光伏", "photovoltaic", "solar pv", "solar"},
	{"储能", "energy storage"},
	{"锂电池", "lithium battery"},
	{"氢能", "hydrogen energy", "hydrogen"},
	{"新能源汽车", "电动汽车", "electric vehicle", "ev"},
	{"石墨烯", "graphene"},
	{"碳化硅", "silicon carbide", "sic"},
	{"枸杞", "goji", "wolfberry", "goji berry"},
	{"葡萄酒", "wine"},
	{"滩羊", "tan sheep"},
	{"智慧农业", "smart agriculture", "smart farming"},
	{"电子商务", "电商", "e-commerce", "ecommerce"},
	{"显微镜", "microscope"},
	{"电子显微镜", "扫描电镜", "electron microscope", "sem"},
	{"基因测序", "gene sequencing", "dna sequencing"},
	{"测序仪", "sequencer"},
	{"质谱仪", "质谱", "mass spectrometer", "mass spectrometry", "mass spec"},
	{"数据中心", "data center", "data centre"},
	{"荒漠化治理", "防沙治沙", "治沙", "desertification control"},
	{"养老", "elderly care", "aged care"},
	{"3d打印", "3d printing", "增材制造", "additive manufacturing"},
	{"激光切割", "laser cutting"},
	{"数控机床", "cnc machine", "cnc"},
	{"芯片", "chip", "semiconductor chip"},
	{"传感器", "sensor"},
	{"医疗器械", "medical device"},
	{"在线教育", "online education", "edtech"},
	{"污水处理", "wastewater treatment"},
	{"文旅", "cultural tourism"},
	{"融资", "financing", "fundraising"},
	{"路演", "roadshow", "pitch"},
	{"实验室", "lab", "laboratory"},
	{"大学", "university"},
}

var synonymIndex = func() map[string][]string {
	m := map[string][]string{}
	groups := synonymGroups
	for _, c := range makerlink.Cities {
		groups = append(groups, []string{c.ZH + "市", c.ZH})
	}
	for _, g := range groups {
		for _, p := range g {
			for _, q := range g {
				if q != p {
					m[p] = append(m[p], q)
				}
			}
		}
	}
	return m
}()

// synonymPhrases lists every phrase, longest first.
var synonymPhrases = func() []string {
	var ps []string
	for p := range synonymIndex {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		if len(ps[i]) != len(ps[j]) {
			return len(ps[i]) > len(ps[j])
		}
		return ps[i] < ps[j]
	})
	return ps
}()

// Synonyms returns the other phrases of the synonym group of phrase
// (normalized first), or nil when it has none.
func Synonyms(phrase string) []string {
	return synonymIndex[Normalize(strings.TrimSpace(phrase))]
}

// SynonymMatch is a synonym phrase found in a normalized query: the bytes
// Start to End hold Phrase, and Others are its synonyms.
type SynonymMatch struct {
	Start, End int
	Phrase     string
	Others     []string
}

// FindSynonyms finds non-overlapping synonym phrases in normalized text,
// preferring the longest at each point. Phrases that start or end with a
// Latin letter or digit match only on word boundaries.
func FindSynonyms(s string) []SynonymMatch { return findSynonyms(s, nil) }

// findSynonyms is [FindSynonyms] that accepts a match only where ok (when
// not nil) approves its bounds.
func findSynonyms(s string, ok func(start, end int) bool) []SynonymMatch {
	var out []SynonymMatch
	for i := 0; i < len(s); {
		if i > 0 && startsWord(s[i:]) && endsWord(s[:i]) {
			// inside a Latin word: move to its end
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		found := ""
		for _, p := range synonymPhrases {
			if !strings.HasPrefix(s[i:], p) {
				continue
			}
			if endsWord(p) && startsWord(s[i+len(p):]) {
				continue
			}
			if ok != nil && !ok(i, i+len(p)) {
				continue
			}
			found = p
			break
		}
		if found != "" {
			out = append(out, SynonymMatch{Start: i, End: i + len(found), Phrase: found, Others: synonymIndex[found]})
			i += len(found)
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return out
}

// startsWord reports whether s begins with a non-Han letter or digit.
func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isWordRune(r)
}

// endsWord reports whether s ends with a non-Han letter or digit.
func endsWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && isWordRune(r)
}
