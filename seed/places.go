package seed

// place is a city of makerlink.Cities and one of its districts.
type place struct{ city, district string }

// namedSpace is one of the incubators, maker spaces and parks that the
// regional plan (../shared/seeds) and the region's universities run.
type namedSpace struct {
	name, kind     string
	place          place
	description    string
	services       []string
	capacity       int
	ownerName, key string // the operator account's display name and e-mail key
}

// namedSpaces come first in every data set, in this order; the first is the
// demo organizer's.
var namedSpaces = []namedSpace{
	{"银川iBi育成中心", "incubator", place{"银川", "金凤区"},
		"银川iBi育成中心是自治区众创空间建设的示范单位，面向电子信息、智能制造和数字创意项目提供“孵化＋创投”一体化服务。中心设有联合办公区、路演厅和产品展示区，定期举办创业沙龙与投融资对接会，入驻企业可享受房租减免和创业辅导。",
		[]string{"工位租赁", "创业辅导", "投融资对接", "路演活动", "工商注册代办", "政策申报辅导"}, 220, "银川iBi育成中心运营部", "ibi"},
	{"宁夏中关村科技产业园", "accelerator", place{"银川", "西夏区"},
		"宁夏中关村科技产业园由京宁两地合作共建，引入中关村的孵化模式和创投资源，重点发展大数据、智能装备和新材料产业。园区为成长期企业提供标准厂房、中试车间和加速服务，帮助企业对接北京的研发团队与市场渠道。",
		[]string{"标准厂房", "中试车间", "加速辅导", "京宁技术对接", "投融资对接", "人才公寓"}, 400, "宁夏中关村科技产业园管委会", "zgc"},
	{"银川高新技术产业开发区创新创业中心", "incubator", place{"银川", "灵武市"},
		"依托银川国家高新技术产业开发区建设，毗邻宁东能源化工基地，服务新材料、新能源和精细化工方向的科技型中小企业。中心提供孵化场地、共享实验室和科技金融服务，协助企业申报高新技术企业认定和自治区科技计划项目。",
		[]string{"孵化场地", "共享实验室", "高新技术企业认定辅导", "科技金融服务", "知识产权服务"}, 260, "银川高新区创新创业中心", "ychtz"},
	{"石嘴山高新技术产业开发区科技企业孵化器", "incubator", place{"石嘴山", "大武口区"},
		"石嘴山国家高新区以新材料、装备制造和纺织为主导产业，是金属新材料新型工业化产业示范基地。孵化器为稀有金属材料、碳基材料和智能装备项目提供厂房、检测对接和技术转移服务，帮助老工业基地的技术人员转岗创业。",
		[]string{"标准厂房", "检测认证对接", "技术转移", "转岗职工创业扶持", "投融资对接"}, 300, "石嘴山高新区孵化器", "szshtz"},
	{"宁夏中关村智能硬件产业园（宁夏智谷）", "maker_space", place{"石嘴山", "大武口区"},
		"宁夏智谷聚焦智能硬件与物联网，配有电子实验室、SMT贴片小批量产线、3D打印和激光切割等共享设备，创客可以在这里完成从原型到小批量试产。园区与北京中关村的硬件加速器合作，定期组织硬件创业训练营。",
		[]string{"电子实验室", "SMT小批量试产", "3D打印", "激光切割", "硬件创业训练营", "供应链对接"}, 180, "宁夏智谷运营中心", "zhigu"},
	{"宁夏沙湖众创小镇", "maker_space", place{"石嘴山", "平罗县"},
		"沙湖众创小镇依托沙湖旅游区，面向文旅、电商和休闲农业创业者，提供低成本的办公与民宿式居住空间。小镇把创客活动和旅游客流结合起来，适合文创产品、研学旅行和农产品电商项目落地试水。",
		[]string{"低成本工位", "创客公寓", "文旅项目对接", "电商直播间", "市集展销"}, 150, "沙湖众创小镇管理办公室", "shahu"},
	{"中阿物流园创业基地", "incubator", place{"石嘴山", "惠农区"},
		"中阿物流园创业基地位于惠农陆港，面向跨境电商、冷链物流和清真食品出口项目，提供保税仓储、报关报检和中东市场对接服务。基地与中阿博览会合作，帮助创业企业参展并寻找阿拉伯国家的渠道伙伴。",
		[]string{"跨境电商孵化", "保税仓储", "报关报检代理", "中东市场对接", "阿拉伯语翻译"}, 120, "中阿物流园创业基地", "zhonga"},
	{"宁夏高新技术创业服务中心", "incubator", place{"银川", "金凤区"},
		"宁夏高新技术创业服务中心是区内成立最早的国家级科技企业孵化器之一，为初创企业提供法律、知识产权、财务、检测认证和技术转移等专业服务，并运营自治区科技型中小企业服务平台。",
		[]string{"法律咨询", "知识产权服务", "财务代账", "检测认证对接", "技术转移", "科技项目申报"}, 200, "宁夏高新技术创业服务中心", "nxhtsc"},
	{"银川科技园", "accelerator", place{"银川", "兴庆区"},
		"银川科技园面向软件、信息服务和数字经济企业，提供从种子期到成长期的阶梯式空间，配备数据机房托管和云资源补贴。园区常年举办技术沙龙、开发者大会和创业大赛银川赛区活动。",
		[]string{"阶梯式办公空间", "云资源补贴", "机房托管", "开发者活动", "创业大赛辅导"}, 350, "银川科技园运营公司", "yckjy"},
	{"宁夏大学大学生创新创业园", "university_maker_space", place{"银川", "西夏区"},
		"宁夏大学的大学生创客空间面向在校生和校友，依托学校的重点实验室和工程技术研究中心，支持以科技成果转化为主的学生创业团队。空间提供免费工位、导师辅导和大型仪器预约通道。",
		[]string{"免费工位", "创业导师", "大型仪器预约", "成果转化对接", "创新创业大赛辅导"}, 160, "宁夏大学创新创业学院", "nxu"},
	{"北方民族大学创客空间", "university_maker_space", place{"银川", "西夏区"},
		"北方民族大学创客空间汇集来自全国各民族的学生创业者，重点支持民族文化创意、电子信息和化工材料项目，设有创客工坊、电子制作室和路演厅。",
		[]string{"创客工坊", "电子制作室", "路演厅", "民族文化创意辅导", "创业导师"}, 140, "北方民族大学创新创业学院", "nmu"},
	{"宁夏医科大学创新创业中心", "university_maker_space", place{"银川", "兴庆区"},
		"宁夏医科大学创新创业中心服务医药、医疗器械和健康管理方向的师生团队，可对接附属医院的临床资源和学校科技中心的共享平台，提供医疗器械注册和临床试验方面的咨询。",
		[]string{"临床资源对接", "医疗器械注册咨询", "共享实验平台", "创业导师", "GMP认证咨询"}, 100, "宁夏医科大学创新创业中心", "nxmu"},
	{"宁夏理工学院众创空间", "university_maker_space", place{"石嘴山", "大武口区"},
		"宁夏理工学院众创空间依托机械、材料和电气工程实训中心，向学生和周边中小企业开放数控加工、3D打印和材料测试设备，重点培育装备制造与新材料方向的创业团队。",
		[]string{"数控加工", "3D打印", "材料测试", "工程实训", "创业导师"}, 120, "宁夏理工学院创新创业中心", "nxist"},
	{"宁夏师范大学大学生创业园", "university_maker_space", place{"固原", "原州区"},
		"宁夏师范大学大学生创业园位于六盘山下，支持教育科技、乡村振兴和文化旅游方向的学生创业，与固原各县的合作社和文旅企业建立了实践基地。",
		[]string{"免费工位", "乡村振兴项目对接", "教育科技辅导", "电商培训", "创业导师"}, 90, "宁夏师范大学创新创业学院", "nxnu"},
	{"宁夏职业技术学院创客中心", "university_maker_space", place{"银川", "西夏区"},
		"创客中心依托学院的实训基地，面向技能型创业者开放电子装配、数控和电商直播实训室，帮助毕业生以手艺和技能创业。",
		[]string{"实训室开放", "电商直播间", "技能培训", "创业导师"}, 80, "宁夏职业技术学院创客中心", "nxvtc"},
	{"石嘴山国家小微企业创业创新示范基地", "incubator", place{"石嘴山", "大武口区"},
		"依托石嘴山国家小微企业创业创新基地城市示范建设，为小微企业提供一站式政务服务窗口、融资担保和创业培训，是老工业基地转型中的综合性创业服务平台。",
		[]string{"一站式政务服务", "融资担保", "创业培训", "工位租赁", "政策申报"}, 280, "石嘴山小微企业创业创新基地", "szsxw"},
	{"石嘴山电子商务创业创新基地", "maker_space", place{"石嘴山", "惠农区"},
		"基地为农产品电商、直播带货和跨境电商创业者提供直播间、摄影棚、仓储分拣和物流对接，帮助平罗、惠农的特色农产品上线销售。",
		[]string{"直播间", "摄影棚", "仓储分拣", "物流对接", "电商培训"}, 110, "石嘴山电子商务创业创新基地", "szsec"},
	{"宁东能源化工基地创新创业园", "accelerator", place{"银川", "灵武市"},
		"创新创业园服务煤化工下游的精细化工、化工新材料和节能环保企业，提供中试基地、危化品合规咨询和园区龙头企业的应用场景对接。",
		[]string{"中试基地", "危化品合规咨询", "龙头企业场景对接", "环评安评辅导", "检测服务"}, 200, "宁东创新创业园", "ningdong"},
	{"中卫西部云基地创业孵化中心", "incubator", place{"中卫", "沙坡头区"},
		"依托“东数西算”宁夏枢纽中卫数据中心集群，孵化中心向云计算、大数据和人工智能创业企业开放算力、存储和数据资源，提供机房参观和运维实训。",
		[]string{"算力资源补贴", "云存储", "数据中心场景对接", "运维实训", "工位租赁"}, 160, "中卫西部云基地孵化中心", "zwcloud"},
	{"吴忠国家农业科技园区星创天地", "maker_space", place{"吴忠", "利通区"},
		"星创天地是面向农业科技创业的众创空间，依托吴忠国家农业科技园区的试验田和加工车间，服务奶业、滩羊、黄花菜和设施农业项目，提供农技专家指导和农资对接。",
		[]string{"试验田", "加工车间", "农技专家指导", "农资对接", "农产品检测对接"}, 100, "吴忠国家农业科技园区", "wzagri"},
	{"青铜峡市创业孵化园", "incubator", place{"吴忠", "青铜峡市"},
		"青铜峡市创业孵化园服务铝合金加工、葡萄酒和文旅项目，园区与贺兰山东麓葡萄酒产区和青铜峡铝业产业链企业有合作。",
		[]string{"工位租赁", "产业链对接", "创业培训", "融资担保"}, 90, "青铜峡市创业孵化园", "qtx"},
	{"固原市创新创业孵化中心", "incubator", place{"固原", "原州区"},
		"孵化中心面向六盘山区的中药材、肉牛、冷凉蔬菜和红色文旅项目，提供场地、电商服务和东西部协作（闽宁协作）资源对接。",
		[]string{"工位租赁", "电商服务", "闽宁协作对接", "农产品品牌打造", "创业培训"}, 120, "固原市创新创业孵化中心", "guyuan"},
	{"中宁枸杞产业创业园", "incubator", place{"中卫", "中宁县"},
		"创业园靠近国家级中宁枸杞市场，面向枸杞深加工、枸杞电商和冷链物流创业者，提供加工车间、质量检测对接和交易市场展位。",
		[]string{"加工车间", "枸杞质量检测对接", "交易市场展位", "电商直播", "冷链仓储"}, 110, "中宁枸杞产业创业园", "zhongning"},
	{"闽宁镇创业就业服务中心", "maker_space", place{"银川", "永宁县"},
		"闽宁镇是闽宁协作的标志性移民镇，服务中心帮助当地居民和返乡青年在葡萄种植、菌菇、光伏和手工业方向创业，提供技能培训和福建企业对接。",
		[]string{"技能培训", "闽宁协作对接", "小额贷款对接", "创业辅导"}, 80, "闽宁镇创业就业服务中心", "minning"},
}

// spaceKindWords name generated spaces of each kind.
var spaceKindWords = map[string][]string{
	"incubator":              {"科技企业孵化器", "创业孵化基地", "创新创业服务中心"},
	"maker_space":            {"众创空间", "创客空间", "星创天地"},
	"university_maker_space": {"大学生创客空间", "大学生创业园"},
	"accelerator":            {"产业加速器", "科创加速中心"},
}

// spaceServices is the pool of services of generated spaces.
var spaceServices = []string{
	"工位租赁", "创业辅导", "投融资对接", "路演活动", "工商注册代办", "知识产权服务", "政策申报辅导",
	"共享实验室", "3D打印", "法律咨询", "财务代账", "人才招聘", "检测认证对接", "电商培训",
	"直播间", "会议室", "中试场地", "市场推广", "高新技术企业认定辅导", "创业培训",
}

// spaceFocus are the themes of generated spaces' descriptions.
var spaceFocus = []string{
	"数字经济与软件服务", "特色农产品加工与电商", "新材料与精细化工", "新能源与储能", "智能制造与工业互联网",
	"文化旅游与创意设计", "医药健康与康养", "节能环保与资源循环利用", "大学生和返乡青年创业", "现代物流与跨境贸易",
}

// institution is a university, institute or testing centre that opens
// instruments to startups. Each department has its own lab account.
type institution struct {
	name, key string // key is the ASCII part of its lab accounts' e-mail
	place     place
	depts     []dept
	weight    int
}

// dept is a department or lab of an institution and the instrument kinds
// (keys of [instrumentKinds]) it runs.
type dept struct {
	name  string // "" when the institution is a single lab
	kinds []string
}

// demoInstitution is the institution whose instruments the lab@ demo
// account manages; its first instruments are demoInstruments.
const demoInstitution = "宁夏回族自治区分析测试中心"

var demoInstruments = []string{"lcms", "sem", "xrd", "icpms", "gcms", "nmr"}

var institutions = []institution{
	{demoInstitution, "nxatc", place{"银川", "兴庆区"}, []dept{
		{"", []string{"lcms", "sem", "xrd", "icpms", "gcms", "nmr", "aas", "ftir", "elemental", "ic", "hplc"}},
	}, 10},
	{"宁夏大学", "nxu", place{"银川", "西夏区"}, []dept{
		{"分析测试中心", []string{"sem", "tem", "xrd", "xps", "nmr", "ftir", "raman", "tga", "dsc", "bet"}},
		{"省部共建煤炭高效利用与绿色化工国家重点实验室", []string{"gcms", "gc", "tga", "bet", "xrd", "nmr", "icpms", "dsc"}},
		{"生命科学学院", []string{"pcr", "flow", "confocal", "sequencer", "hplc", "fermenter"}},
		{"机械工程学院", []string{"cnc5", "metal3d", "cmm", "utm", "sla", "laser"}},
		{"物理与电子电气工程学院", []string{"pvtest", "battery", "emc", "oscillo", "env"}},
	}, 16},
	{"北方民族大学", "nmu", place{"银川", "西夏区"}, []dept{
		{"化学与化学工程学院", []string{"nmr", "lcms", "hplc", "ftir", "uvvis", "gc"}},
		{"材料科学与工程学院", []string{"sem", "xrd", "tga", "dsc", "utm", "psa"}},
		{"电气信息工程学院", []string{"emc", "oscillo", "battery"}},
		{"生物科学与工程学院", []string{"pcr", "hplc", "aaa", "freeze"}},
	}, 12},
	{"宁夏医科大学", "nxmu", place{"银川", "兴庆区"}, []dept{
		{"科技中心", []string{"flow", "confocal", "pcr", "lcms", "sequencer", "ivis", "ultracentrifuge"}},
		{"药学院", []string{"hplc", "lcms", "nmr", "freeze", "uvvis"}},
		{"回医药现代化省部共建教育部重点实验室", []string{"hplc", "lcms", "gcms", "pcr"}},
	}, 10},
	{"宁夏农林科学院", "nxaas", place{"银川", "金凤区"}, []dept{
		{"农产品质量标准与检测技术研究所", []string{"gcms", "lcms", "icpms", "aas", "hplc"}},
		{"枸杞科学研究所", []string{"hplc", "lcms", "pcr", "freeze", "uvvis"}},
		{"植物保护研究所", []string{"pcr", "sequencer", "confocal"}},
		{"动物科学研究所", []string{"pcr", "aaa", "elemental", "sequencer"}},
	}, 10},
	{"国家枸杞产品质量检验检测中心（宁夏）", "goji", place{"银川", "金凤区"}, []dept{
		{"", []string{"lcms", "hplc", "gcms", "icpms", "ic", "aas"}},
	}, 5},
	{"宁夏产品质量检验研究院", "nxqi", place{"银川", "金凤区"}, []dept{
		{"", []string{"icpms", "gcms", "hplc", "utm", "env", "emc", "aas", "xrf"}},
	}, 7},
	{"宁夏理工学院", "nxist", place{"石嘴山", "大武口区"}, []dept{
		{"机械工程学院", []string{"cnc5", "cmm", "metal3d", "sla", "laser", "utm"}},
		{"材料与化学工程学院", []string{"sem", "xrd", "tga", "bet", "psa"}},
	}, 7},
	{"石嘴山高新区检验检测公共服务平台", "szslab", place{"石嘴山", "大武口区"}, []dept{
		{"", []string{"xrf", "icpms", "sem", "xrd", "utm", "ct", "bet"}},
	}, 5},
	{"国网宁夏电力科学研究院", "sgnx", place{"银川", "金凤区"}, []dept{
		{"新能源检测实验室", []string{"pvtest", "battery", "env", "emc", "oscillo"}},
	}, 4},
	{"宁东能源化工基地分析检测中心", "ningdong", place{"银川", "灵武市"}, []dept{
		{"", []string{"gc", "gcms", "icpms", "ic", "tga", "xrf", "elemental"}},
	}, 5},
	{"宁夏工商职业技术学院", "nxgs", place{"银川", "金凤区"}, []dept{
		{"智能制造实训中心", []string{"cnc5", "laser", "sla", "cmm", "ct"}},
	}, 4},
	{"宁夏师范大学", "nxnu", place{"固原", "原州区"}, []dept{
		{"化学化工学院", []string{"hplc", "uvvis", "ftir", "gc"}},
		{"生命科学学院", []string{"pcr", "hplc", "freeze"}},
	}, 4},
	{"中国科学院沙坡头沙漠研究试验站", "cas-spt", place{"中卫", "沙坡头区"}, []dept{
		{"", []string{"elemental", "psa", "env", "aas"}},
	}, 2},
	{"中卫市数据中心集群测试实验室", "zwdc", place{"中卫", "沙坡头区"}, []dept{
		{"", []string{"emc", "oscillo", "env", "battery"}},
	}, 2},
	{"吴忠市检验检测中心", "wzlab", place{"吴忠", "利通区"}, []dept{
		{"", []string{"gcms", "hplc", "icpms", "aas", "pcr", "utm"}},
	}, 4},
	{"宁夏吴忠仪表产业计量测试平台", "wzyb", place{"吴忠", "利通区"}, []dept{
		{"", []string{"cmm", "ct", "utm", "env"}},
	}, 2},
	{"固原市农产品质量安全检测中心", "gylab", place{"固原", "原州区"}, []dept{
		{"", []string{"gcms", "lcms", "aas", "pcr"}},
	}, 3},
}
