package search_test

import (
	"time"

	"makerlink"
)

// Fixture owners.
const (
	ownerA = "user-founder-a"
	ownerB = "user-founder-b"
)

var fixtureTime = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func meta(id, owner string) makerlink.Meta {
	return makerlink.Meta{ID: id, OwnerID: owner, Version: 1, CreatedAt: fixtureTime, UpdatedAt: fixtureTime}
}

// fixtures is a small hand-written corpus in Chinese and English with the
// traps the relevance set probes: sound-alike words (景点/经典), words
// that span segment boundaries, pinyin names, English-only profiles and an
// investors-only startup.
func fixtures() []makerlink.Profile {
	return []makerlink.Profile{
		&makerlink.Startup{Meta: meta("s-goji", ownerA), Name: "红枸杞生物科技", Tagline: "枸杞深加工与功能性食品",
			Description: "我们在中宁县建设枸杞深加工生产线，开发枸杞原浆、枸杞多糖提取物等功能性食品，寻求天使投资。",
			Sectors:     []string{"biotech", "modern_agriculture"}, Stage: "angel", City: "中卫", District: "中宁县", Needs: []string{"渠道合作", "天使投资"}, Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-solar", ownerA), Name: "塞上光伏储能", Tagline: "分布式光伏与储能一体化",
			Description: "面向宁东能源化工基地的工商业分布式光伏电站与锂电池储能系统集成，已在银川落地三个示范项目。",
			Sectors:     []string{"new_energy"}, Stage: "pre_a", City: "银川", District: "灵武市", Needs: []string{"融资", "工程师"}, Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-drone", ownerB), Name: "贺兰山智慧农业", Tagline: "无人机植保与农田物联网",
			Description: "用无人机和土壤传感器为酿酒葡萄园提供精准农业服务，覆盖贺兰山东麓三万亩葡萄园。",
			Sectors:     []string{"modern_agriculture", "electronic_info"}, Stage: "seed", City: "银川", District: "西夏区", Needs: []string{"种子轮融资"}, Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-wine", ownerB), Name: "Helan Wine Tech", Tagline: "Vineyard analytics for Ningxia wineries",
			Description: "Helan Wine Tech builds satellite and sensor analytics that help wineries on the eastern foothills of the Helan Mountains plan harvests.",
			Sectors:     []string{"modern_agriculture", "electronic_info"}, Stage: "seed", City: "银川", Needs: []string{"seed funding"}, Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-tour", ownerA), Name: "沙坡头景点导览", Tagline: "景区智能导览小程序",
			Description: "为沙坡头等旅游景点提供语音导览、电子票务和客流分析，服务中卫文旅。",
			Sectors:     []string{"culture_creative", "modern_services"}, Stage: "idea", City: "中卫", District: "沙坡头区", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-film", ownerB), Name: "西部影城经典电影修复", Tagline: "经典电影数字修复",
			Description: "利用人工智能对西部影城拍摄的经典电影进行画面修复与上色。",
			Sectors:     []string{"culture_creative"}, Stage: "angel", City: "银川", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-sic", ownerA), Name: "石嘴山碳化硅新材料", Tagline: "高纯碳化硅粉体",
			Description: "在石嘴山生产用于功率半导体的高纯碳化硅粉体和单晶硅辅料。",
			Sectors:     []string{"new_materials"}, Stage: "a", City: "石嘴山", District: "大武口区", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-med", ownerB), Name: "固原远程医疗", Tagline: "县域远程医疗与健康管理",
			Description: "为固原各县医院提供远程会诊平台和慢病健康管理服务。",
			Sectors:     []string{"medicine_health"}, Stage: "seed", City: "固原", District: "原州区", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-stealth", ownerA), Name: "隐形电池实验室", Tagline: "固态锂电池（未公开）",
			Description: "固态锂电池电解质材料研发，仅对投资人开放。",
			Sectors:     []string{"new_energy", "new_materials"}, Stage: "seed", City: "银川", Visibility: "investors"},
		&makerlink.Startup{Meta: meta("s-water", ownerB), Name: "清水河环保科技", Tagline: "农村污水处理一体化设备",
			Description: "面向吴忠和固原农村地区的小型污水处理设备，节能低耗。",
			Sectors:     []string{"energy_saving"}, Stage: "pre_a", City: "吴忠", District: "同心县", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-robot", ownerA), Name: "Yinchuan Robotics", Tagline: "Collaborative robots for small factories",
			Description: "We build low-cost collaborative robot arms and machine vision for small manufacturers in Ningxia.",
			Sectors:     []string{"advanced_equipment", "electronic_info"}, Stage: "angel", City: "银川", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-lamb", ownerB), Name: "盐池滩羊电商", Tagline: "滩羊肉直播电商",
			Description: "通过直播电商把盐池滩羊卖到全国，建设冷链物流体系。",
			Sectors:     []string{"modern_services", "modern_agriculture"}, Stage: "seed", City: "吴忠", District: "盐池县", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-edu", ownerA), Name: "回乡在线教育", Tagline: "职业教育在线平台",
			Description: "为宁夏青年提供电商运营、数控加工等职业技能在线课程。",
			Sectors:     []string{"modern_services"}, Stage: "idea", City: "固原", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-hydrogen", ownerB), Name: "宁东氢能装备", Tagline: "绿氢电解槽",
			Description: "研发碱性电解水制氢设备，服务宁东能源化工基地的绿氢项目。",
			Sectors:     []string{"new_energy", "advanced_equipment"}, Stage: "a", City: "银川", District: "灵武市", Visibility: "public"},
		&makerlink.Startup{Meta: meta("s-chip", ownerA), Name: "Ningxia Sensor Chips", Tagline: "MEMS sensors for agriculture",
			Description: "Low-power MEMS soil moisture sensors and IoT gateways designed in Yinchuan.",
			Sectors:     []string{"electronic_info"}, Stage: "pre_a", City: "银川", Visibility: "public"},

		&makerlink.Investor{Meta: meta("i-angel", "user-inv-1"), Name: "王立新", Type: "angel", Organization: "宁夏天使投资联盟",
			Sectors: []string{"modern_agriculture", "biotech"}, Stages: []string{"seed", "angel"}, TicketMinCNY: 200000, TicketMaxCNY: 2000000,
			Regions: []string{"银川", "吴忠"}, Thesis: "专注宁夏特色农业和生物技术的天使投资，偏好枸杞、葡萄酒产业链。", Accepting: true},
		&makerlink.Investor{Meta: meta("i-fund", "user-inv-2"), Name: "塞上新能源产业基金", Type: "government_fund", Organization: "宁夏产业引导基金",
			Sectors: []string{"new_energy", "new_materials"}, Stages: []string{"a", "b_plus"}, TicketMinCNY: 5000000, TicketMaxCNY: 50000000,
			Regions: []string{"银川", "石嘴山"}, Thesis: "投资光伏、储能、氢能与新材料项目，支持宁东能源化工基地转型。", Accepting: true},
		&makerlink.Investor{Meta: meta("i-vc", "user-inv-3"), Name: "Silk Road Ventures", Type: "fund", Organization: "Silk Road Ventures",
			Sectors: []string{"electronic_info", "advanced_equipment"}, Stages: []string{"seed", "angel", "pre_a"}, TicketMinCNY: 1000000, TicketMaxCNY: 10000000,
			Regions: []string{"银川"}, Thesis: "Early-stage venture capital for hardware, robotics and IoT startups in northwest China.", Accepting: true},
		&makerlink.Investor{Meta: meta("i-bank", "user-inv-4"), Name: "黄河农村商业银行科技支行", Type: "bank", Organization: "黄河农商银行",
			Sectors: []string{"modern_agriculture", "modern_services"}, Stages: []string{"pre_a", "a"}, TicketMinCNY: 500000, TicketMaxCNY: 5000000,
			Regions: []string{"吴忠", "固原", "中卫"}, Thesis: "为科技型中小企业提供知识产权质押贷款。", Accepting: true},

		&makerlink.Mentor{Meta: meta("m-li", "user-m-1"), Name: "李明", Organization: "宁夏大学",
			Bio: "宁夏大学农学院教授，研究枸杞栽培与智慧农业二十年。", Expertise: []string{"智慧农业", "枸杞栽培"},
			Sectors: []string{"modern_agriculture"}, Languages: []string{"中文"}, Capacity: 3, City: "银川"},
		&makerlink.Mentor{Meta: meta("m-chen", "user-m-2"), Name: "Chen Jing", Organization: "Silk Road Ventures",
			Bio: "Former hardware founder; mentors robotics and machine vision startups on fundraising and go-to-market.", Expertise: []string{"fundraising", "hardware"},
			Sectors: []string{"advanced_equipment", "electronic_info"}, Languages: []string{"English", "中文"}, Capacity: 5, City: "银川"},
		&makerlink.Mentor{Meta: meta("m-zhao", "user-m-3"), Name: "赵雪", Organization: "北方民族大学",
			Bio: "材料学科博士，指导碳化硅和石墨烯新材料项目的技术路线和专利布局。", Expertise: []string{"新材料", "知识产权"},
			Sectors: []string{"new_materials"}, Languages: []string{"中文"}, Capacity: 2, City: "银川"},
		&makerlink.Mentor{Meta: meta("m-ma", "user-m-4"), Name: "马海", Organization: "中卫市文旅局",
			Bio: "二十年文旅行业经验，熟悉沙坡头景区运营与文创产品开发。", Expertise: []string{"文旅", "景区运营"},
			Sectors: []string{"culture_creative"}, Languages: []string{"中文"}, Capacity: 3, City: "中卫"},

		&makerlink.Equipment{Meta: meta("e-sem", "user-lab-1"), Name: "扫描电子显微镜", Category: "电子显微镜", Institution: "宁夏大学",
			City: "银川", District: "西夏区", Description: "场发射扫描电镜，可做材料表面形貌和能谱分析。", Specs: "分辨率 1 nm", PricePerHourCNY: 300, MinMinutes: 30, MaxMinutes: 240},
		&makerlink.Equipment{Meta: meta("e-seq", "user-lab-2"), Name: "高通量基因测序仪", Category: "测序仪", Institution: "宁夏医科大学",
			City: "银川", District: "兴庆区", Description: "二代测序平台，支持全基因组和转录组测序。", PricePerHourCNY: 800, MinMinutes: 60, MaxMinutes: 480},
		&makerlink.Equipment{Meta: meta("e-laser", "user-lab-1"), Name: "Laser Cutter 6040", Category: "Fabrication", Institution: "Ningxia University Maker Space",
			City: "银川", Description: "CO2 laser cutting and engraving for acrylic, wood and leather prototypes.", PricePerHourCNY: 80, MinMinutes: 30, MaxMinutes: 180},
		&makerlink.Equipment{Meta: meta("e-3dp", "user-lab-3"), Name: "工业级3D打印机", Category: "增材制造", Institution: "北方民族大学",
			City: "银川", Description: "金属和尼龙粉末3D打印，适合装备零件快速成型。", PricePerHourCNY: 200, MinMinutes: 60, MaxMinutes: 480},
		&makerlink.Equipment{Meta: meta("e-ms", "user-lab-2"), Name: "液相色谱质谱联用仪", Category: "质谱仪", Institution: "宁夏医科大学",
			City: "银川", Description: "用于药物、枸杞多糖等成分的定性定量分析。", PricePerHourCNY: 500, MinMinutes: 60, MaxMinutes: 480},

		&makerlink.Space{Meta: meta("sp-nxu", "user-sp-1"), Name: "宁夏大学科技园众创空间", Type: "university_maker_space", City: "银川", District: "西夏区",
			Description: "宁夏大学科技园内的众创空间，提供工位、路演厅和创业导师辅导。", Services: []string{"工位", "路演", "导师辅导"}, Capacity: 120},
		&makerlink.Space{Meta: meta("sp-inc", "user-sp-2"), Name: "银川高新区创业孵化器", Type: "incubator", City: "银川", District: "金凤区",
			Description: "国家级科技企业孵化器，为新能源和电子信息初创企业提供办公场地、天使投资对接和政策申报服务。", Services: []string{"办公场地", "投融资对接", "政策申报"}, Capacity: 300},
		&makerlink.Space{Meta: meta("sp-acc", "user-sp-3"), Name: "Yellow River Accelerator", Type: "accelerator", City: "吴忠",
			Description: "A three-month accelerator program for agritech and food startups with demo day and investor network.", Services: []string{"demo day", "mentoring"}, Capacity: 40},
		&makerlink.Space{Meta: meta("sp-szs", "user-sp-4"), Name: "石嘴山创客空间", Type: "maker_space", City: "石嘴山", District: "大武口区",
			Description: "面向新材料和装备制造创客的共享车间，配备数控机床和激光切割机。", Services: []string{"共享车间", "设备培训"}, Capacity: 60},
	}
}
