package seed

// sectorText is what investors and mentors say about a sector.
type sectorText struct {
	code      string
	weight    int      // relative share of startups whose primary sector it is
	industry  []string // the sector as Ningxia people name it, for backgrounds
	focus     []string // investor thesis phrases
	expertise []string // mentor expertise items
	research  []string // professors' research fields
	en        string   // short English name used in bilingual texts
}

var sectorTexts = []sectorText{
	{code: "electronic_info", weight: 13, en: "digital and electronic information",
		industry:  []string{"云计算和大数据", "软件与信息服务", "工业互联网"},
		focus:     []string{"中卫“东数西算”数据中心集群上下游的算力与运维服务", "面向煤化工和装备制造的工业软件", "农业物联网与智能硬件", "人工智能应用与数据服务"},
		expertise: []string{"云计算架构", "数据中心运维", "工业互联网平台", "嵌入式硬件开发", "人工智能算法落地", "网络安全与等级保护", "SaaS产品定价与销售"},
		research:  []string{"无线传感网络", "计算机视觉", "云计算资源调度", "嵌入式系统"}},
	{code: "biotech", weight: 10, en: "biotechnology",
		industry:  []string{"生物发酵", "生物制品", "合成生物学"},
		focus:     []string{"氨基酸发酵的菌种改造和高值化产品", "枸杞等特色资源的功能因子提取", "动物疫病诊断和生物育种", "农业微生物制剂"},
		expertise: []string{"发酵工艺放大", "菌种选育与合成生物学", "生物制品注册", "功能因子提取纯化", "实验室管理与CNAS认可"},
		research:  []string{"微生物代谢工程", "天然产物化学", "动物遗传育种", "酶工程"}},
	{code: "modern_agriculture", weight: 16, en: "modern agriculture",
		industry:  []string{"枸杞产业", "葡萄酒产业", "滩羊与肉牛养殖", "奶产业", "冷凉蔬菜"},
		focus:     []string{"枸杞、葡萄酒、滩羊、牛奶等“六特”产业的精深加工", "智慧农业和农业社会化服务", "特色农产品品牌与冷链流通", "盐碱地改良和节水农业"},
		expertise: []string{"枸杞标准化种植", "酿酒葡萄栽培与酿造", "滩羊和肉牛养殖管理", "农产品品牌营销", "农业合作社运营", "食品SC生产许可", "农产品电商"},
		research:  []string{"枸杞栽培与育种", "葡萄与葡萄酒学", "草畜产业", "设施园艺", "土壤改良"}},
	{code: "advanced_equipment", weight: 8, en: "advanced manufacturing",
		industry:  []string{"装备制造", "数控机床", "仪器仪表"},
		focus:     []string{"铸造3D打印和数字化铸造", "煤矿和化工的智能装备与机器人", "控制阀与仪器仪表的国产替代", "特色农机装备"},
		expertise: []string{"精益生产", "机械结构设计", "工业机器人集成", "质量体系（ISO 9001）", "矿用产品认证", "供应链与采购管理"},
		research:  []string{"数字化铸造", "机器人控制", "精密加工", "机械设计及理论"}},
	{code: "new_energy", weight: 12, en: "new energy",
		industry:  []string{"光伏发电", "风电", "储能", "氢能"},
		focus:     []string{"光伏和风电场的智能运维", "储能与电池梯次利用", "宁东绿氢与煤化工耦合", "虚拟电厂和需求侧响应"},
		expertise: []string{"光伏电站开发与运维", "储能系统集成", "电力市场交易", "电解水制氢", "新能源项目融资"},
		research:  []string{"光伏材料与器件", "电化学储能", "电力系统及其自动化", "氢能与燃料电池"}},
	{code: "new_materials", weight: 10, en: "new materials",
		industry:  []string{"煤化工新材料", "稀有金属材料", "碳基材料", "硅材料"},
		focus:     []string{"煤基化工新材料和可降解塑料", "钽铌铍等稀有金属材料的高端应用", "锰系电池材料", "碳基材料和光伏硅材料"},
		expertise: []string{"材料表征与测试", "化工中试放大", "危化品安全管理", "新材料产品认证", "材料企业的客户认证流程"},
		research:  []string{"高分子材料", "冶金物理化学", "无机非金属材料", "催化化学", "金属材料加工"}},
	{code: "energy_saving", weight: 8, en: "energy saving and environmental protection",
		industry:  []string{"节能环保", "固废资源化", "水处理", "生态修复"},
		focus:     []string{"煤化工高盐废水和工业固废资源化", "黄河流域生态保护和水环境治理", "合同能源管理和余热利用", "荒漠化防治"},
		expertise: []string{"环评与排污许可", "固废资源化工艺", "合同能源管理", "碳排放核算与碳交易", "生态修复工程"},
		research:  []string{"环境工程", "固体废物处理与资源化", "水污染控制", "荒漠化防治", "生态学"}},
	{code: "medicine_health", weight: 9, en: "medicine and health",
		industry:  []string{"中药材", "医疗器械", "医疗服务", "健康养老"},
		focus:     []string{"六盘山和盐池的道地中药材", "医疗器械与体外诊断", "基层医疗数字化", "回医药与健康养老"},
		expertise: []string{"GMP认证", "医疗器械注册", "临床试验设计", "医保准入与医院销售", "中药材GAP种植", "保健食品注册备案"},
		research:  []string{"药物分析", "中药资源学", "医学影像", "免疫学", "回医药学"}},
	{code: "culture_creative", weight: 7, en: "culture and creative industries",
		industry:  []string{"文化旅游", "文创设计", "影视与数字内容"},
		focus:     []string{"西夏文化、贺兰山岩画和回族文化的IP开发", "沙漠、黄河和星空旅游", "研学旅行和红色旅游", "游戏、动漫和短视频"},
		expertise: []string{"文旅项目策划", "IP授权与版权保护", "品牌设计", "内容运营与短视频", "研学课程设计"},
		research:  []string{"文化产业管理", "旅游管理", "民族学", "视觉传达设计"}},
	{code: "modern_services", weight: 7, en: "modern services",
		industry:  []string{"现代物流", "电子商务", "科技服务", "跨境贸易"},
		focus:     []string{"中阿经贸合作与清真食品出口", "农产品冷链物流和县域电商", "科技服务与知识产权", "小微企业金融服务"},
		expertise: []string{"跨境电商运营", "冷链物流管理", "直播电商", "连锁经营", "知识产权运营", "中东市场开拓"},
		research:  []string{"物流管理", "电子商务", "区域经济", "国际贸易"}},
}

var sectorTextByCode = func() map[string]*sectorText {
	m := make(map[string]*sectorText, len(sectorTexts))
	for i := range sectorTexts {
		m[sectorTexts[i].code] = &sectorTexts[i]
	}
	return m
}()

// ---- startups ----

var startupOpeners = []string{
	"{name}成立于{year}年，总部位于{city}{district}。",
	"{name}是一家扎根{city}{district}的科技型初创企业，成立于{year}年。",
	"我们是来自{city}的创业团队，{year}年在{district}注册成立了{name}。",
	"{name}（{year}年成立）位于{city}{district}，是自治区认定的科技型中小企业。",
}

var ideaOpeners = []string{
	"我们是一支正在筹备注册公司的创业团队，目前在{city}{district}做前期验证。",
	"项目处于创意阶段，团队成员利用业余时间在{city}开展市场调研和原型开发。",
}

var teamSchools = []string{
	"宁夏大学", "北方民族大学", "宁夏医科大学", "宁夏理工学院", "宁夏师范大学", "西北农林科技大学", "兰州大学",
	"西安交通大学", "中国农业大学", "浙江大学", "北京理工大学", "福州大学",
}

var teamEmployers = []string{
	"华为", "区内龙头企业", "福建的闽宁协作企业", "中国科学院", "北京中关村的科技企业", "国有大型能源企业",
	"宁东的大型煤化工企业", "国内头部互联网公司", "宁夏大学", "上市公司",
}

// teamSentences use {s} (a school), {e} (an employer) and {team}.
var teamSentences = []string{
	"团队共{team}人，核心成员来自{s}和{e}。",
	"创始团队毕业于{s}，技术负责人曾在{e}工作多年，目前全职员工{team}人。",
	"现有员工{team}人，其中研发人员占比超过一半，核心成员来自{s}、{e}。",
}

var smallTeamSentences = []string{
	"目前团队{team}人，创始人毕业于{s}，曾在{e}工作。",
	"团队{team}人，都是{s}的毕业生，正在招募技术合伙人。",
}

// stageTraction holds traction sentences by stage (index as makerlink.Stages).
var stageTraction = [][]string{
	{"目前正在做产品原型，已访谈潜在客户{20-80}家。", "项目获得了宁夏创新创业大赛优秀奖，正在完善商业计划。", "已完成实验室小试，正在寻找第一批试点用户。"},
	{"已完成最小可行产品，获得首批{3-20}家付费客户。", "项目入选自治区科技型中小企业培育库，获得创新资金{20-80}万元支持。", "试点客户的复购率达到{40-70}%，正在打磨标准化交付流程。"},
	{"去年实现营业收入{100-800}万元，毛利率{25-55}%。", "已完成天使轮融资，产品进入区内外{10-60}家客户。", "获得国家高新技术企业认定，拥有授权专利{3-15}件。"},
	{"近12个月营收{800-3000}万元，同比增长{40-150}%。", "已获得两轮融资，客户覆盖西北五省区。", "完成了规模化交付验证，正在复制到区外市场。"},
	{"年营收{3000-15000}万元，已实现单月盈亏平衡。", "是宁夏“专精特新”中小企业，市场占有率在细分领域位居西北前列。", "完成A轮融资后团队扩大一倍，在区外设立了{2-6}个分支机构。"},
	{"年营收超过{2-10}亿元，正在筹备在北交所上市。", "是国家级专精特新“小巨人”企业，产品出口{5-20}个国家。", "已完成B轮融资，计划建设第二生产基地。"},
}

var fundUses = []string{
	"产线建设和产能扩充", "研发投入和人才引进", "区外市场拓展", "产品认证与注册", "中试放大", "渠道建设和品牌推广", "数字化系统建设",
}

var fundUsesEN = []string{
	"expand production", "hire engineers", "enter markets outside Ningxia", "complete certification", "scale up our pilot line", "build our sales channels",
}

// genericNeeds are needs any startup may add, besides topic needs.
var genericNeeds = []string{
	"寻找天使投资", "寻找A轮领投机构", "需要财务规范与股权架构辅导", "寻找联合创始人（CTO）",
	"需要知识产权（专利）布局指导", "需要高新技术企业认定申报辅导", "寻找工位与中试场地", "寻找渠道与销售合作伙伴",
	"需要申报自治区科技计划项目辅导", "需要科技型中小企业贷款对接", "需要融资路演辅导", "寻找导师：商业模式梳理",
	"寻找区外市场的代理商", "需要知识产权质押融资对接",
}

// stageNeeds are needs typical of a stage (index as makerlink.Stages).
var stageNeeds = [][]string{
	{"寻找天使投资", "寻找联合创始人（CTO）", "寻找导师：商业模式梳理", "需要创业大赛辅导"},
	{"寻找天使投资", "需要融资路演辅导", "寻找工位与中试场地"},
	{"寻找Pre-A轮投资", "需要财务规范与股权架构辅导", "需要高新技术企业认定申报辅导"},
	{"寻找A轮领投机构", "需要知识产权（专利）布局指导", "寻找区外市场的代理商"},
	{"寻找B轮投资机构", "需要科技型中小企业贷款对接", "需要数字化管理系统咨询"},
	{"需要上市辅导", "寻找产业资本战略投资", "需要并购整合咨询"},
}

// ---- investors ----

var angelBackgrounds = []string{
	"在{industry}领域从业{15-30}年，曾任区内龙头企业的副总经理",
	"{industry}领域的连续创业者，创办的第一家公司已被上市公司并购",
	"宁夏大学校友，在北京从事投资工作十余年，近年回到家乡支持创业",
	"随闽宁协作来到宁夏的福建企业家，在{industry}领域投资多年",
	"本地{industry}企业的创始人，公司年营收超过{2-20}亿元",
	"曾在国内头部投资机构担任合伙人，现以个人身份投资宁夏的早期项目",
	"宁夏医科大学教授、附属医院主任医师，关注医学成果转化",
	"在中东经商{10-20}年的宁夏籍企业家，熟悉中阿贸易",
}

var investorValueAdds = []string{
	"产业链上下游资源对接", "政府科技项目申报辅导", "财务与法务规范", "下一轮融资的机构对接", "北京、上海的渠道资源",
	"中东和中亚市场资源", "大型国企的应用场景", "银行信贷与投贷联动", "人才招聘与股权激励设计", "上市辅导与资本运作",
}

var investorPreferences = []string{
	"偏好有核心技术和知识产权的团队", "看重创始人对本地产业的理解", "希望项目能带动本地就业和农民增收",
	"关注单位经济模型是否成立", "不投纯模式创新的项目", "重视团队的执行力和诚信", "喜欢能快速产生收入的项目",
	"愿意陪伴高校科研团队完成成果转化", "优先考虑在宁夏注册并纳税的企业",
}

var fundPrefixes = []string{"宁夏", "银川", "宁夏", "塞上", "西部", "黄河"}
var fundSuffixes = []string{"创业投资基金（有限合伙）", "资本", "创业投资管理有限公司", "股权投资基金", "天使投资基金", "产业投资基金"}

// governmentFunds are the public funds the regional plan calls for.
var governmentFunds = []struct{ name, org, city string }{
	{"宁夏科技创新投资基金", "宁夏回族自治区科学技术厅", ""},
	{"众创空间发展子基金", "宁夏产业引导基金", ""},
	{"电子信息产业发展子基金", "宁夏产业引导基金", ""},
	{"宁夏科技型中小企业创业投资基金", "宁夏回族自治区科学技术厅", ""},
	{"银川市科技创新创业投资基金", "银川市科学技术局", "银川"},
	{"石嘴山市产业转型升级引导基金", "石嘴山市财政局", "石嘴山"},
	{"吴忠市乡村振兴产业基金", "吴忠市人民政府", "吴忠"},
	{"固原市六盘山产业发展基金", "固原市人民政府", "固原"},
	{"中卫市数字经济产业基金", "中卫市人民政府", "中卫"},
	{"宁东能源化工基地产业投资基金", "宁东能源化工基地管委会", "银川"},
	{"宁夏黄河流域生态保护产业基金", "宁夏回族自治区财政厅", ""},
	{"闽宁协作产业发展基金", "闽宁协作联席会议办公室", ""},
}

var banks = []string{
	"宁夏银行 科技支行", "黄河农村商业银行 科技金融事业部", "中国银行宁夏分行 科技金融中心", "石嘴山银行 科创贷",
	"建设银行宁夏分行 科技金融创新中心", "工商银行宁夏分行 普惠金融部", "农业银行宁夏分行 乡村振兴金融部",
	"银川市科技融资担保有限公司", "宁夏国有投资运营集团 科技金融部",
}

var corporateSuffixes = []string{"集团 战略投资部", "控股 产业投资部", "股份有限公司 创新投资中心"}

// ---- mentors ----

// mentorArchetype describes a kind of mentor: where they work and how their
// bio reads.
type mentorArchetype struct {
	weight  int
	orgs    []string // organisations (a university's college is added for professors)
	titles  []string
	bios    []string // templates; {org}, {title}, {industry}, {research} are filled by the generator
	generic []string // expertise that is not sector specific
}

var mentorArchetypes = []mentorArchetype{
	{weight: 26, orgs: []string{"宁夏大学", "北方民族大学", "宁夏医科大学", "宁夏理工学院", "宁夏师范大学", "宁夏农林科学院"},
		titles:  []string{"教授、博士生导师", "研究员", "副教授", "教授级高级工程师"},
		bios:    []string{"{org}{title}，长期从事{research}研究，主持国家自然科学基金项目{2-6}项，拥有发明专利{5-30}件。", "{org}{title}，在{research}方向深耕{15-30}年，多项成果在区内企业实现转化。"},
		generic: []string{"科技成果转化", "科研项目申报", "产学研合作", "实验设计与数据分析"}},
	{weight: 24, orgs: []string{"企业"},
		titles:  []string{"创始人、董事长", "联合创始人", "总经理", "首席技术官"},
		bios:    []string{"连续创业者，{2005-2016}年在{city}创办{industry}企业，带领公司从{3-10}人发展到{150-800}人并完成多轮融资。", "曾任{industry}龙头企业{title}，负责过从研发到量产的完整过程，{2018-2023}年起专职服务创业企业。"},
		generic: []string{"商业模式梳理", "团队管理与股权设计", "融资路演", "从0到1的产品打磨", "销售体系搭建"}},
	{weight: 14, orgs: []string{"投资机构"},
		titles:  []string{"合伙人", "投资总监", "风控总监"},
		bios:    []string{"投资人，{org}{title}，投资过{10-50}家早期企业，其中{2-6}家已上市或被并购，关注{industry}。", "有{10-20}年投资经验，擅长帮助初创企业梳理商业计划书、设计融资节奏和估值。"},
		generic: []string{"商业计划书打磨", "融资路演", "估值与投资条款", "投后管理", "上市规划"}},
	{weight: 14, orgs: []string{"宁夏高新技术创业服务中心", "宁夏生产力促进中心", "宁夏知识产权服务中心", "宁夏股权托管交易中心"},
		titles:  []string{"高级工程师", "副主任", "专利代理师", "业务部经理"},
		bios:    []string{"{org}{title}，从事科技服务工作{10-25}年，熟悉自治区科技计划、高新技术企业认定和科技金融政策。", "{org}{title}，累计辅导{100-600}家科技型中小企业完成项目申报和知识产权布局。"},
		generic: []string{"高新技术企业认定", "科技项目申报", "知识产权布局", "科技金融政策", "政策解读"}},
	{weight: 6, orgs: []string{"律师事务所"},
		titles:  []string{"合伙人律师", "高级律师", "执业律师"},
		bios:    []string{"{org}{title}，专注创业企业的公司治理、股权架构和投融资交易，为{50-300}家企业提供过法律服务。", "{org}{title}，执业{10-25}年，擅长投融资协议谈判、知识产权纠纷和劳动用工合规。"},
		generic: []string{"股权架构设计", "投融资法律", "知识产权保护", "劳动用工合规", "合同审查"}},
	{weight: 6, orgs: []string{"会计师事务所"},
		titles:  []string{"合伙人、注册会计师", "注册会计师", "税务师"},
		bios:    []string{"{org}{title}，执业{10-25}年，擅长帮助初创企业规范财务、搭建股权激励方案和应对尽职调查。", "{org}{title}，为{50-300}家中小企业提供过审计、税务和高新技术企业认定专项服务。"},
		generic: []string{"财务规范", "税务筹划", "尽职调查准备", "股权激励设计", "高新技术企业认定"}},
	{weight: 10, orgs: []string{"市场营销"},
		titles:  []string{"品牌顾问", "营销总监", "电商负责人"},
		bios:    []string{"曾在国内知名消费品牌负责{industry}产品的营销，擅长品牌定位、渠道建设和直播电商。", "资深{title}，服务过多个宁夏地理标志农产品品牌，熟悉抖音、拼多多和社区团购渠道。"},
		generic: []string{"品牌定位", "渠道建设", "直播电商", "内容营销", "定价策略"}},
}

var mentorArabicBios = []string{
	"曾在埃及开罗留学并在阿联酋工作{8-15}年，熟悉中东市场、清真认证和阿拉伯语商务谈判，多次参与中阿博览会的经贸对接。",
	"阿拉伯语翻译出身，长期从事中阿贸易，帮助{20-80}家宁夏企业开拓海湾国家市场。",
}

var mentorStyles = []string{
	"每月可安排{1-4}次一对一辅导，偏好线下见面。",
	"辅导方式以问题为导向，希望创业者带着具体问题来。",
	"愿意长期陪伴早期团队，也可以帮忙介绍行业资源。",
	"更适合已有产品、准备规模化的团队。",
	"乐于帮助大学生和返乡青年创业者。",
}
