package seed

import (
	"strconv"

	"makerlink"
)

var spaceKindWeights = []int{35, 35, 10, 20} // order of makerlink.SpaceKinds

// genSpaces makes n spaces: the named places first, then generated ones.
// The first belongs to the organizer demo account; every other space has
// its own operator account.
func (g *generator) genSpaces(n int) {
	r := newRNG(g.seed, streamSpaces)
	ids := newRNG(g.seed, streamSpaces+100)
	for i := 0; i < n; i++ {
		var s *makerlink.Space
		var owner *makerlink.User
		if i < len(namedSpaces) {
			ns := namedSpaces[i]
			s = &makerlink.Space{
				Name: ns.name, Type: ns.kind, City: ns.place.city, District: ns.place.district,
				Description: ns.description, Services: append([]string(nil), ns.services...), Capacity: ns.capacity,
			}
			g.names[ns.name] = true
			if i == 0 {
				owner = g.demo[OrganizerEmail]
			} else {
				owner = g.newUser(ids, userTime(r), "space."+ns.key+"@"+DemoDomain, ns.ownerName, makerlink.RoleOrganizer)
			}
		} else {
			s = g.space(r)
			p := r.person()
			owner = g.newUser(ids, userTime(r), personEmail(p, "o", i), p.name, makerlink.RoleOrganizer)
		}
		setMeta(&s.Meta, r, ids, owner)
		g.spaces = append(g.spaces, s)
		g.byCity[s.City] = append(g.byCity[s.City], s)
		g.d.Profiles = append(g.d.Profiles, s)
	}
}

// space generates a space that is not one of the named places.
func (g *generator) space(r *rng) *makerlink.Space {
	pl := r.place()
	kind := makerlink.SpaceKinds[r.weighted(spaceKindWeights)]
	word := pick(r, spaceKindWords[kind])
	name := g.uniqueName(r, func(extra string) string {
		return pl.district + pick(r, brandWords) + extra + word
	})
	focus := pick(r, spaceFocus)
	services := pickN(r, spaceServices, r.between(4, 7))
	v := vars{"name": name, "city": pl.city, "district": pl.district, "focus": focus,
		"s1": services[0], "s2": services[1], "s3": services[2]}
	desc := expand(r, "{name}位于{city}{district}，重点服务{focus}方向的创业团队。", v) +
		expand(r, "空间面积约{1000-8000}平方米，提供{s1}、{s2}和{s3}等服务，", v) +
		"已累计孵化企业" + strconv.Itoa(r.between(15, 200)) + "家。"
	if r.chance(0.25) {
		desc += "\n\nA " + map[string]string{
			"incubator": "startup incubator", "maker_space": "maker space",
			"university_maker_space": "university maker space", "accelerator": "accelerator",
		}[kind] + " in " + makerlink.CityEN(pl.city) + ", Ningxia; English-speaking staff available on request."
	}
	return &makerlink.Space{
		Name: name, Type: kind, City: pl.city, District: pl.district,
		Description: desc, Services: services, Capacity: r.between(5, 80) * 5,
	}
}
