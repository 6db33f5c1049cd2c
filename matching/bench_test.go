package matching

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"makerlink"
)

// benchEngine builds an engine with n startups (random sectors, stages,
// cities, asks and texts) and 100 investors, once per size.
var benchEngines sync.Map

type benchFixture struct {
	e        *Engine
	n        int
	bytesPer float64
}

var benchWords = strings.Fields(`储能 光伏 电池 逆变器 芯片 传感器 医疗 器械 基因 检测 农业 枸杞 葡萄酒 滴灌 羊绒 材料
	石墨烯 煤化工 氢能 风电 物联网 软件 平台 电商 文旅 动漫 教育 物流 无人机 机器人 solar storage battery chip
	sensor medical genome agriculture software platform drone robot logistics education tourism hydrogen wind`)

func benchStartup(rng *rand.Rand, i int) *makerlink.Startup {
	var b strings.Builder
	for range 12 + rng.IntN(12) {
		b.WriteString(benchWords[rng.IntN(len(benchWords))])
		b.WriteByte(' ')
	}
	return &makerlink.Startup{Meta: makerlink.Meta{ID: fmt.Sprintf("s%06d", i), OwnerID: "u"},
		Name: fmt.Sprintf("Startup %d", i), Description: b.String(),
		Sectors: []string{makerlink.Sectors[rng.IntN(len(makerlink.Sectors))].Code},
		Stage:   makerlink.Stages[rng.IntN(len(makerlink.Stages))].Code, City: makerlink.Cities[rng.IntN(5)].ZH,
		FundingAskCNY: 100_000 + rng.Int64N(50_000_000), Visibility: makerlink.VisibilityPublic,
		Needs: []string{benchWords[rng.IntN(len(benchWords))]}}
}

func benchInvestor(rng *rand.Rand, i int, portfolio []string) *makerlink.Investor {
	return &makerlink.Investor{Meta: makerlink.Meta{ID: fmt.Sprintf("i%04d", i), OwnerID: "u"}, Name: "Investor",
		Type: "angel", Sectors: []string{"new_energy", "new_materials"}, Stages: []string{"angel", "pre_a"},
		TicketMinCNY: 1_000_000, TicketMaxCNY: 10_000_000, Regions: []string{"银川"},
		Thesis: "储能 光伏 氢能 电池 材料 storage hydrogen", Accepting: true, Portfolio: portfolio}
}

func fixture(b *testing.B, n int) *benchFixture {
	if f, ok := benchEngines.Load(n); ok {
		return f.(*benchFixture)
	}
	b.StopTimer()
	defer b.StartTimer()
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	ps := make([]makerlink.Profile, 0, n)
	for i := range n {
		ps = append(ps, benchStartup(rng, i))
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	e := NewEngine(Options{})
	if err := e.UpsertAll(ps); err != nil {
		b.Fatal(err)
	}
	ps = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	for i := range 100 {
		pf := []string{fmt.Sprintf("s%06d", rng.IntN(n)), fmt.Sprintf("s%06d", rng.IntN(n))}
		if err := e.Upsert(benchInvestor(rng, i, pf)); err != nil {
			b.Fatal(err)
		}
	}
	f := &benchFixture{e: e, n: n, bytesPer: float64(after.HeapAlloc-before.HeapAlloc) / float64(n)}
	benchEngines.Store(n, f)
	return f
}

// benchmarkDealFlow ranks all startups for one investor, top 50 with
// reasons. Each iteration also times one pass over the same matrix (the
// memory-bandwidth bound), so both see the same load on the shared
// machine; it reports the query's p50 and p99, the stream's p50 and the
// ratio of the p50s, and the engine's memory per candidate.
func benchmarkDealFlow(b *testing.B, n int, parallel int) {
	f := fixture(b, n)
	for _, t := range f.e.tables {
		t.SetParallel(parallel)
	}
	defer func() {
		for _, t := range f.e.tables {
			t.SetParallel(1)
		}
	}()
	q := Query{FromKind: makerlink.KindInvestor, FromID: "i0000", ToKind: makerlink.KindStartup, Limit: 50}
	if ms, err := f.e.Match(q); err != nil || len(ms) != 50 || len(ms[0].Reasons) == 0 {
		b.Fatalf("Match: %d matches, %v", len(ms), err)
	}
	data := f.e.tables[makerlink.KindStartup].Data()
	lat := make([]time.Duration, 0, b.N)
	stream := make([]time.Duration, 0, b.N)
	var gc0, gc1 runtime.MemStats
	runtime.ReadMemStats(&gc0)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := f.e.Match(q); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		lat = append(lat, t1.Sub(t0))
		b.StopTimer()
		t2 := time.Now()
		streamSink = sum(data)
		stream = append(stream, time.Since(t2))
		b.StartTimer()
	}
	b.StopTimer()
	runtime.ReadMemStats(&gc1)
	b.ReportMetric(float64(gc1.NumGC-gc0.NumGC)/float64(b.N), "GC/op")
	slices.Sort(lat)
	slices.Sort(stream)
	p50, s50 := lat[len(lat)/2], stream[len(stream)/2]
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(s50), "stream-p50-ms")
	b.ReportMetric(float64(p50)/float64(s50), "x-stream")
	b.ReportMetric(f.bytesPer, "B/candidate")
}

var streamSink float32

func sum(data []float32) float32 {
	var s0, s1, s2, s3 float32
	for i := 0; i+4 <= len(data); i += 4 {
		s0 += data[i]
		s1 += data[i+1]
		s2 += data[i+2]
		s3 += data[i+3]
	}
	return s0 + s1 + s2 + s3
}

func BenchmarkDealFlow100k(b *testing.B)         { benchmarkDealFlow(b, 100_000, 1) }
func BenchmarkDealFlow100kParallel(b *testing.B) { benchmarkDealFlow(b, 100_000, 2) }
func BenchmarkDealFlow10k(b *testing.B)          { benchmarkDealFlow(b, 10_000, 1) }

// BenchmarkStream100k is the bound on its own: one pass over a
// 100,000 x 256 float32 matrix.
func BenchmarkStream100k(b *testing.B) {
	data := make([]float32, 100_000*StartupWidth)
	for i := range data {
		data[i] = float32(i % 7)
	}
	b.SetBytes(int64(len(data) * 4))
	b.ResetTimer()
	for range b.N {
		streamSink = sum(data)
	}
}

// BenchmarkUpsert rewrites one startup's row in the 100,000-startup engine.
func BenchmarkUpsert(b *testing.B) {
	f := fixture(b, 100_000)
	rng := rand.New(rand.NewPCG(9, 9))
	ps := make([]*makerlink.Startup, 64)
	for i := range ps {
		ps[i] = benchStartup(rng, rng.IntN(f.n))
	}
	rows := f.e.Stats(makerlink.KindStartup).Rows
	b.ResetTimer()
	for i := range b.N {
		if err := f.e.Upsert(ps[i%len(ps)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := f.e.Stats(makerlink.KindStartup).Rows; got != rows {
		b.Fatalf("upserts of known startups grew the table from %d to %d rows", rows, got)
	}
}

// BenchmarkMatchInvestors ranks 100 investors for a startup (the founder's
// "my matches").
func BenchmarkMatchInvestors(b *testing.B) {
	f := fixture(b, 10_000)
	q := Query{FromKind: makerlink.KindStartup, FromID: "s000001", ToKind: makerlink.KindInvestor, Limit: 20}
	b.ResetTimer()
	for range b.N {
		if _, err := f.e.Match(q); err != nil {
			b.Fatal(err)
		}
	}
}
