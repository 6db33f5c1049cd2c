package seed

import "strings"

// A syllable is a Chinese name part with its pinyin (for e-mail addresses).
type syllable struct{ zh, py string }

// surnames are weighted towards Ningxia: 马 is the commonest surname in the
// region, and Hui surnames (丁, 纳, 海, 白, 穆, 冶, 哈, 撒, 虎, 锁) appear.
var surnames = []struct {
	syllable
	weight int
}{
	{syllable{"王", "wang"}, 90}, {syllable{"张", "zhang"}, 80}, {syllable{"李", "li"}, 80},
	{syllable{"马", "ma"}, 85}, {syllable{"刘", "liu"}, 60}, {syllable{"杨", "yang"}, 50},
	{syllable{"陈", "chen"}, 40}, {syllable{"赵", "zhao"}, 35}, {syllable{"周", "zhou"}, 25},
	{syllable{"吴", "wu"}, 22}, {syllable{"徐", "xu"}, 20}, {syllable{"孙", "sun"}, 20},
	{syllable{"何", "he"}, 16}, {syllable{"郭", "guo"}, 18}, {syllable{"罗", "luo"}, 12},
	{syllable{"黄", "huang"}, 14}, {syllable{"高", "gao"}, 18}, {syllable{"丁", "ding"}, 15},
	{syllable{"纳", "na"}, 6}, {syllable{"海", "hai"}, 6}, {syllable{"白", "bai"}, 10},
	{syllable{"穆", "mu"}, 5}, {syllable{"冶", "ye"}, 3}, {syllable{"哈", "ha"}, 3},
	{syllable{"撒", "sa"}, 2}, {syllable{"虎", "hu"}, 3}, {syllable{"锁", "suo"}, 2},
	{syllable{"田", "tian"}, 12}, {syllable{"冯", "feng"}, 10}, {syllable{"韩", "han"}, 12},
	{syllable{"朱", "zhu"}, 10}, {syllable{"胡", "hu"}, 12}, {syllable{"魏", "wei"}, 9},
	{syllable{"苏", "su"}, 9}, {syllable{"金", "jin"}, 8}, {syllable{"贺", "he"}, 7},
	{syllable{"康", "kang"}, 6}, {syllable{"任", "ren"}, 6}, {syllable{"祁", "qi"}, 4},
	{syllable{"闫", "yan"}, 8}, {syllable{"蒋", "jiang"}, 6}, {syllable{"沈", "shen"}, 5},
	{syllable{"吕", "lv"}, 6}, {syllable{"曹", "cao"}, 7}, {syllable{"梁", "liang"}, 7},
	{syllable{"宋", "song"}, 7}, {syllable{"谢", "xie"}, 6}, {syllable{"唐", "tang"}, 6},
	{syllable{"许", "xu"}, 6}, {syllable{"邓", "deng"}, 5}, {syllable{"拓", "tuo"}, 2},
	{syllable{"雍", "yong"}, 2}, {syllable{"俞", "yu"}, 3}, {syllable{"余", "yu"}, 4},
	{syllable{"常", "chang"}, 4}, {syllable{"柳", "liu"}, 3}, {syllable{"姚", "yao"}, 4},
}

var surnameWeights = func() []int {
	w := make([]int, len(surnames))
	for i, s := range surnames {
		w[i] = s.weight
	}
	return w
}()

// givenNames are given names of one or two characters.
var givenNames = []syllable{
	{"建国", "jianguo"}, {"晓燕", "xiaoyan"}, {"志强", "zhiqiang"}, {"丽娟", "lijuan"}, {"海龙", "hailong"},
	{"文博", "wenbo"}, {"雪梅", "xuemei"}, {"振华", "zhenhua"}, {"红霞", "hongxia"}, {"宏伟", "hongwei"},
	{"少华", "shaohua"}, {"春花", "chunhua"}, {"俊杰", "junjie"}, {"思远", "siyuan"}, {"佳怡", "jiayi"},
	{"子涵", "zihan"}, {"浩然", "haoran"}, {"欣怡", "xinyi"}, {"宇航", "yuhang"}, {"梓萱", "zixuan"},
	{"永福", "yongfu"}, {"玉兰", "yulan"}, {"德明", "deming"}, {"秀英", "xiuying"}, {"国栋", "guodong"},
	{"晓东", "xiaodong"}, {"婷婷", "tingting"}, {"立新", "lixin"}, {"静", "jing"}, {"敏", "min"},
	{"伟", "wei"}, {"磊", "lei"}, {"洋", "yang"}, {"勇", "yong"}, {"军", "jun"}, {"杰", "jie"},
	{"娜", "na"}, {"芳", "fang"}, {"鹏", "peng"}, {"超", "chao"}, {"强", "qiang"}, {"斌", "bin"},
	{"瑞", "rui"}, {"琳", "lin"}, {"慧", "hui"}, {"楠", "nan"}, {"昊", "hao"}, {"蕾", "lei"},
	{"学军", "xuejun"}, {"兰英", "lanying"}, {"成林", "chenglin"}, {"艳萍", "yanping"}, {"治国", "zhiguo"},
	{"彦明", "yanming"}, {"有福", "youfu"}, {"玉梅", "yumei"}, {"金花", "jinhua"}, {"福军", "fujun"},
	{"光辉", "guanghui"}, {"明轩", "mingxuan"}, {"雨桐", "yutong"}, {"一鸣", "yiming"}, {"嘉豪", "jiahao"},
	{"诗涵", "shihan"}, {"晨阳", "chenyang"}, {"若曦", "ruoxi"}, {"泽宇", "zeyu"}, {"可馨", "kexin"},
	{"建宁", "jianning"}, {"宁生", "ningsheng"}, {"银生", "yinsheng"}, {"塞宁", "saining"}, {"兰生", "lansheng"},
	{"海燕", "haiyan"}, {"志刚", "zhigang"}, {"彩霞", "caixia"}, {"万里", "wanli"}, {"晓峰", "xiaofeng"},
	{"淑珍", "shuzhen"}, {"文杰", "wenjie"}, {"慧敏", "huimin"}, {"天翔", "tianxiang"}, {"雅琴", "yaqin"},
	{"保平", "baoping"}, {"新华", "xinhua"}, {"桂兰", "guilan"}, {"成龙", "chenglong"}, {"小平", "xiaoping"},
	{"玉福", "yufu"}, {"尔萨", "ersa"}, {"哈桑", "hasang"}, {"法图麦", "fatumai"}, {"秀兰", "xiulan"},
	{"占林", "zhanlin"}, {"存福", "cunfu"}, {"学兵", "xuebing"}, {"俊峰", "junfeng"}, {"晓丽", "xiaoli"},
	{"瀚文", "hanwen"}, {"景行", "jingxing"}, {"清扬", "qingyang"}, {"沐阳", "muyang"}, {"知远", "zhiyuan"},
}

// person is a generated person: a Chinese name and the pinyin used in e-mail
// addresses.
type person struct{ name, py string }

func (r *rng) person() person {
	s := surnames[r.weighted(surnameWeights)]
	g := pick(r, givenNames)
	return person{name: s.zh + g.zh, py: s.py + g.py}
}

// brandWords are two-character trade names; company names combine a place
// prefix, a brand and a sector suffix (宁夏 + 塞上 + 生物科技有限公司).
var brandWords = []string{
	"塞上", "贺兰", "朔方", "沙泉", "杞源", "红宝", "禾丰", "星河", "云杉", "瀚海", "清泉", "金沙",
	"银河", "峰岚", "源创", "恒泰", "润土", "宇晟", "鑫瑞", "泰和", "盛禾", "华宁", "联创", "丰原",
	"启明", "睿达", "致远", "卓立", "凤城", "六盘", "黄河", "滨河", "朔风", "新宁", "宁芯", "宁硕",
	"宁泰", "宁盛", "沙湖", "沙坡", "蓝山", "青禾", "绿洲", "紫塞", "丝路", "驼铃", "天朗", "天行",
	"汇通", "汇能", "星火", "晨曦", "朝阳", "东方", "北辰", "远景", "鸿雁", "凌云", "明德", "厚德",
	"精诚", "同心", "和信", "信达", "嘉禾", "佳润", "岩羊", "雪域", "山泉", "清源", "贺东", "宁昱",
	"宁越", "宁澜", "宁川", "宁瑞", "宁弘", "弘毅", "博远", "博思", "格物", "致知", "云帆", "云端",
	"拓新", "驰远", "迅捷", "捷安", "安泰", "康宁", "康健", "益康", "仁和", "嘉宁", "汇川", "远航",
	"锦程", "德润", "昊天", "正元", "天玺", "聚源", "信诚", "宏图", "中盛", "长青", "永泰", "华瑞",
	"金桥", "新源", "瑞丰", "鼎盛", "润泽", "合创", "优品", "乐康", "云尚", "沐光", "朗润", "希望",
	"北斗", "青云", "翰林",
}

// brandTails extend a brand when a generated name is already taken (large
// data sets only).
var brandTails = []string{"达", "源", "兴", "安", "通", "鑫", "诚", "盛", "华", "汇", "创", "联"}

// placePrefix returns how a company registered in a city may start its name.
func placePrefix(r *rng, city string) string {
	switch n := r.IntN(10); {
	case n < 5:
		return "宁夏"
	case n < 8:
		return city
	}
	return ""
}

// institutionSlug turns an institution name into a short ASCII slug for
// e-mail addresses.
func slug(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
