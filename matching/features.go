package matching

import (
	"hash/fnv"
	"math"

	"makerlink"
)

// Layout of the rows, in columns. A startup row is the startup's own
// description S; a preference row (investors, mentors, equipment) holds what
// the candidate looks for P, then the centroid C of the startups in its
// portfolio (in S coordinates), then per-candidate terms.
//
//	startup row (256):    S = sector 10 | stage 6 | money 12 | city 16 | text 208 | bias 4
//	preference row (512): P (252, same blocks) | C (252) | bias 8
const (
	NumSectors = 10
	NumStages  = 6
	MoneyDims  = 12
	CityDims   = 16
	TextDims   = 208

	colSector = 0
	colStage  = colSector + NumSectors
	colMoney  = colStage + NumStages
	colCity   = colMoney + MoneyDims
	colText   = colCity + CityDims
	descWidth = colText + TextDims // 252: the S (or P) part of a row

	// StartupWidth is the width of a startup row.
	StartupWidth = descWidth + 4
	colSBias     = descWidth // startup bias columns start here

	colCentroid = descWidth
	colPBias    = colCentroid + descWidth // preference bias columns start here
	// PrefWidth is the width of an investor, mentor or equipment row.
	PrefWidth = colPBias + 8

	biasExposure = 0 // offsets within the bias columns
	biasCapacity = 1
)

// sectorSim is the sector-similarity matrix, in the order of
// makerlink.Sectors: 1 on the diagonal, symmetric, 0 for unrelated sectors.
var sectorSim = func() [NumSectors][NumSectors]float32 {
	var s [NumSectors][NumSectors]float32
	idx := map[string]int{}
	for i, l := range makerlink.Sectors {
		idx[l.Code] = i
		s[i][i] = 1
	}
	for _, p := range []struct {
		a, b string
		v    float32
	}{
		{"new_energy", "energy_saving", 0.7},
		{"biotech", "medicine_health", 0.7},
		{"biotech", "modern_agriculture", 0.5},
		{"new_materials", "advanced_equipment", 0.5},
		{"culture_creative", "modern_services", 0.5},
		{"new_energy", "new_materials", 0.4},
		{"electronic_info", "advanced_equipment", 0.4},
		{"electronic_info", "modern_services", 0.4},
		{"new_energy", "advanced_equipment", 0.3},
		{"new_materials", "energy_saving", 0.3},
		{"electronic_info", "culture_creative", 0.3},
		{"modern_agriculture", "energy_saving", 0.2},
		{"medicine_health", "modern_services", 0.2},
		{"energy_saving", "advanced_equipment", 0.2},
		{"biotech", "new_materials", 0.2},
	} {
		i, j := idx[p.a], idx[p.b]
		s[i][j], s[j][i] = p.v, p.v
	}
	return s
}()

// SectorSimilarity returns the similarity in [0,1] of two sector codes
// (1 for the same sector, 0 for unrelated or unknown codes).
func SectorSimilarity(a, b string) float32 {
	i, j := sectorIndex(a), sectorIndex(b)
	if i < 0 || j < 0 {
		return 0
	}
	return sectorSim[i][j]
}

// sectorOneHot writes the mean of the one-hot vectors of the sectors.
func sectorOneHot(dst []float32, codes []string) {
	var idx []int
	for _, c := range codes {
		if i := sectorIndex(c); i >= 0 {
			idx = append(idx, i)
		}
	}
	for _, i := range idx {
		dst[i] += 1 / float32(len(idx))
	}
}

// sectorPref writes, for every sector, its best similarity to any of codes:
// the one-hot preferences smoothed by the sector-similarity matrix.
func sectorPref(dst []float32, codes []string) {
	for _, c := range codes {
		i := sectorIndex(c)
		if i < 0 {
			continue
		}
		for j := range NumSectors {
			dst[j] = max(dst[j], sectorSim[i][j])
		}
	}
}

// stageOneHot and stagePref encode a startup's stage and an investor's
// stages; a neighbouring stage counts half.
func stageOneHot(dst []float32, code string) {
	if i := makerlink.StageIndex(code); i >= 0 {
		dst[i] = 1
	}
}

func stagePref(dst []float32, codes []string) {
	for _, c := range codes {
		i := makerlink.StageIndex(c)
		if i < 0 {
			continue
		}
		dst[i] = 1
		if i > 0 {
			dst[i-1] = max(dst[i-1], 0.5)
		}
		if i+1 < NumStages {
			dst[i+1] = max(dst[i+1], 0.5)
		}
	}
}

// Money is encoded on a log10 scale with radial basis functions centred at
// 10^4, 10^4.5, ... 10^9.5 yuan.
const (
	moneyLo    = 4.0
	moneyStep  = 0.5
	moneySigma = 0.35
)

func moneyCentre(j int) float64 { return moneyLo + moneyStep*float64(j) }

// askRBF writes the soft histogram (summing to 1) of an amount: the ask of a
// startup. A zero amount writes nothing.
func askRBF(dst []float32, cny int64) {
	if cny <= 0 {
		return
	}
	x := math.Log10(float64(cny))
	var sum float64
	var v [MoneyDims]float64
	for j := range MoneyDims {
		d := x - moneyCentre(j)
		v[j] = math.Exp(-d * d / (2 * moneySigma * moneySigma))
		sum += v[j]
	}
	if sum < 1e-9 { // far outside the grid: put it on the nearest end
		if x < moneyLo {
			dst[0] = 1
		} else {
			dst[MoneyDims-1] = 1
		}
		return
	}
	for j := range MoneyDims {
		dst[j] = float32(v[j] / sum)
	}
}

// ticketMembership writes how well each grid amount fits a ticket range:
// 1 inside [min,max], decaying with the distance in decades outside. A max of
// 0 means no upper bound; min and max both 0 (unknown) writes nothing.
func ticketMembership(dst []float32, minCNY, maxCNY int64) {
	if minCNY <= 0 && maxCNY <= 0 {
		return
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if minCNY > 0 {
		lo = math.Log10(float64(minCNY))
	}
	if maxCNY > 0 {
		hi = math.Log10(float64(maxCNY))
	}
	for j := range MoneyDims {
		c := moneyCentre(j)
		d := 0.0
		if c < lo {
			d = lo - c
		} else if c > hi {
			d = c - hi
		}
		dst[j] = float32(math.Exp(-d * d / (2 * moneySigma * moneySigma)))
	}
}

// cityIndex maps a city to a column: the five Ningxia cities have their own,
// other cities share the remaining columns by hash.
func cityIndex(city string) int {
	city = makerlink.CanonicalCity(city)
	if city == "" {
		return -1
	}
	for i, c := range makerlink.Cities {
		if c.ZH == city {
			return i
		}
	}
	h := fnv.New32a()
	h.Write([]byte(city))
	n := len(makerlink.Cities)
	return n + int(h.Sum32()%uint32(CityDims-n))
}

// isNingxia reports whether a canonical city is one of the Ningxia cities,
// and whether s names the whole region.
func isNingxia(city string) bool {
	return cityIndex(city) >= 0 && cityIndex(city) < len(makerlink.Cities)
}

func isNingxiaRegion(s string) bool {
	switch s {
	case "宁夏", "宁夏回族自治区", "Ningxia", "ningxia":
		return true
	}
	return false
}

// nearbyCity is the location value of another city of Ningxia.
const nearbyCity = 0.25

// cityOneHot writes a startup's city.
func cityOneHot(dst []float32, city string) {
	if i := cityIndex(city); i >= 0 {
		dst[i] = 1
	}
}

// cityPref writes the cities a candidate covers: 1 for each listed city (all
// five for "宁夏"), nearbyCity for the other Ningxia cities when it lists
// one of them.
func cityPref(dst []float32, cities []string) {
	ningxia := false
	for _, c := range cities {
		if isNingxiaRegion(c) {
			for i := range makerlink.Cities {
				dst[i] = 1
			}
			continue
		}
		if i := cityIndex(c); i >= 0 {
			dst[i] = 1
			ningxia = ningxia || i < len(makerlink.Cities)
		}
	}
	if ningxia {
		for i := range makerlink.Cities {
			dst[i] = max(dst[i], nearbyCity)
		}
	}
}

// simWeights weigh the blocks of two startup descriptions S when comparing a
// startup with a portfolio centroid; they sum to 1, so the similarity of two
// startups lies in [-0.3, 1] (text can be slightly negative).
var simWeights = [...]struct {
	lo, hi int
	w      float32
}{
	{colSector, colStage, 0.35},
	{colStage, colMoney, 0.1},
	{colMoney, colCity, 0.1},
	{colCity, colText, 0.15},
	{colText, descWidth, 0.3},
}

// weightForSim scales an S vector block by block (in place) so that its dot
// product with another S vector is their similarity.
func weightForSim(s []float32) {
	for _, b := range simWeights {
		for i := b.lo; i < b.hi; i++ {
			s[i] *= b.w
		}
	}
}

// sectorIndex returns the position of a sector code in makerlink.Sectors, or -1.
func sectorIndex(code string) int {
	for i, l := range makerlink.Sectors {
		if l.Code == code {
			return i
		}
	}
	return -1
}
