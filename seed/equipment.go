package seed

import (
	"strconv"
	"strings"

	"makerlink"
)

var institutionWeights = func() []int {
	w := make([]int, len(institutions))
	for i, in := range institutions {
		w[i] = in.weight
	}
	return w
}()

var serviceModes = []string{
	"提供送样测试和自主上机两种方式，自主上机需先参加操作培训并通过考核。",
	"以送样测试为主，也可在技术人员陪同下自主操作。",
	"培训合格的用户可自主上机，首次使用需预约操作培训。",
	"由实验室技术人员操作，用户可现场观看并参与数据分析。",
}

var discounts = []string{
	"区内科技型中小企业和在孵企业可享受{7-9}折优惠。",
	"校内师生和合作企业按成本价收费。",
	"自治区大型科研仪器开放共享补贴范围内的用户可申请测试费补贴。",
	"",
}

// genEquipment makes n instruments. The demo institution's instruments,
// starting with [demoInstruments], belong to the lab demo account; every
// other department has one lab account that owns all its instruments.
func (g *generator) genEquipment(n int) {
	r := newRNG(g.seed, streamEquipment)
	ids := newRNG(g.seed, streamEquipment+100)
	owners := map[string]*makerlink.User{} // by institution and department; looked up only
	count := map[string]int{}              // instruments per department and name, for 2号机 suffixes
	nDemo := min(len(demoInstruments), max(1, n/15))
	for i := 0; i < n; i++ {
		var in *institution
		var d *dept
		var kind *instrumentKind
		if i < nDemo {
			in, d = &institutions[0], &institutions[0].depts[0]
			kind = instrumentByKey[demoInstruments[i]]
		} else {
			in = &institutions[r.weighted(institutionWeights)]
			d = &in.depts[r.IntN(len(in.depts))]
			kind = instrumentByKey[pick(r, d.kinds)]
		}
		key := in.name + "/" + d.name
		owner := owners[key]
		if owner == nil {
			if in.name == demoInstitution {
				owner = g.demo[LabEmail]
			} else {
				email := "lab." + in.key + "." + strconv.Itoa(deptIndex(in, d)) + "@" + DemoDomain
				owner = g.newUser(ids, userTime(r), email, in.name+d.name, makerlink.RoleLab)
			}
			owners[key] = owner
		}
		e := instrument(r, in, d, kind)
		count[key+"/"+e.Name]++
		if c := count[key+"/"+e.Name]; c > 1 {
			e.Name += "（" + strconv.Itoa(c) + "号机）"
		}
		setMeta(&e.Meta, r, ids, owner)
		g.d.Profiles = append(g.d.Profiles, e)
	}
}

func deptIndex(in *institution, d *dept) int {
	for i := range in.depts {
		if &in.depts[i] == d {
			return i + 1
		}
	}
	return 0
}

// instrument generates one instrument of kind k in department d of in.
func instrument(r *rng, in *institution, d *dept, k *instrumentKind) *makerlink.Equipment {
	name := k.names[0]
	if len(k.names) > 1 && r.chance(0.4) {
		name = pick(r, k.names[1:])
	}
	model := pick(r, k.models)
	specs := "型号：" + model + "；" + strings.Join(pickN(r, k.specs, r.between(2, 3)), "；") + "。"

	e := &makerlink.Equipment{
		Name: name, Category: k.category, Institution: in.name, City: in.place.city, District: in.place.district,
		Specs: specs, PricePerHourCNY: int64(r.between(k.price[0]/10, k.price[1]/10) * 10),
		RequiresApproval: r.chance(k.approval),
	}
	e.OpenHours, e.MaxMinutes = openHours(r, k)
	e.MinMinutes = k.minutes[0]
	if e.MaxMinutes < e.MinMinutes {
		e.MinMinutes = e.MaxMinutes
	}
	if e.RequiresApproval {
		e.LeadMinutes = pick(r, []int{1440, 2880, 4320})
	} else {
		e.LeadMinutes = pick(r, []int{60, 120, 240, 1440})
	}

	owner := in.name + d.name
	var b strings.Builder
	b.WriteString(owner + "的这台" + name + "面向区内高校、科研院所、企业和创客开放共享，可用于" + k.uses + "。")
	b.WriteString(pick(r, serviceModes))
	if e.RequiresApproval {
		b.WriteString("预约需经实验室管理员审核，请在备注中写明样品信息、数量和测试目的。")
	} else {
		b.WriteString("培训合格的用户可在开放时段内直接预约，预约即确认。")
	}
	b.WriteString(expand(r, pick(r, discounts), nil))
	if r.chance(0.25) {
		b.WriteString("\n\nOpen to startups and makers: book online; ¥" + strconv.FormatInt(e.PricePerHourCNY, 10) + " per hour")
		if e.RequiresApproval {
			b.WriteString(", bookings are approved by the lab manager")
		}
		b.WriteString(".")
	}
	e.Description = b.String()
	return e
}

// openHours returns weekly windows and the longest booking they allow:
// mostly Monday to Friday 08:30–17:30, sometimes with a lunch break or a
// Saturday morning; instruments that run unattended may be open until 24:00
// or around the clock.
func openHours(r *rng, k *instrumentKind) ([]makerlink.OpenHours, int) {
	var h []makerlink.OpenHours
	week := func(days int, from, to string) {
		for d := 1; d <= days; d++ {
			h = append(h, makerlink.OpenHours{Day: d, From: from, To: to})
		}
	}
	longest := 0
	switch n := r.IntN(100); {
	case k.allDay && n < 15:
		week(7, "00:00", "24:00")
		return h, k.minutes[1] // continuous all week: long runs fit
	case k.allDay && n < 35:
		week(5, "08:00", "24:00")
		longest = 16 * 60
	case n < 80 || k.minutes[0] > 210: // a lunch break would cut long runs
		week(5, "08:30", "17:30")
		longest = 9 * 60
	default:
		for d := 1; d <= 5; d++ {
			h = append(h, makerlink.OpenHours{Day: d, From: "08:30", To: "12:00"}, makerlink.OpenHours{Day: d, From: "14:30", To: "18:00"})
		}
		longest = 3*60 + 30
	}
	if r.chance(0.2) {
		h = append(h, makerlink.OpenHours{Day: 6, From: "09:00", To: pick(r, []string{"12:00", "17:00"})})
	}
	return h, min(k.minutes[1], longest)
}
