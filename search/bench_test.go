package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
)

// Benchmarks on the seed generator's large data set. The size defaults to
// 100,000 profiles; MAKERLINK_BENCH_TOTAL changes it. Run them with
//
//	go test -run '^$' -bench . -benchtime 1x ./search/     # indexing
//	go test -run '^$' -bench Query -benchtime 2000x ./search/
//
// and record the figures in docs/benchmarks.md ("Search").

func benchTotal() int {
	n := 100000
	if s := os.Getenv("MAKERLINK_BENCH_TOTAL"); s != "" {
		fmt.Sscan(s, &n)
	}
	return n
}

// benchBatch is the batch size of BenchmarkIndexBatch: 1000, or
// MAKERLINK_BENCH_BATCH.
func benchBatch() int {
	n := 1000
	if s := os.Getenv("MAKERLINK_BENCH_BATCH"); s != "" {
		fmt.Sscan(s, &n)
	}
	return n
}

var benchData = sync.OnceValue(func() []makerlink.Profile {
	return seed.Generate(seed.Options{Seed: 1, Total: benchTotal()}).Profiles
})

// indexAll indexes ps into a new index in dir in batches of size batch.
func indexAll(tb testing.TB, dir string, ps []makerlink.Profile, batch int) *search.Index {
	idx, err := search.Open(dir, search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	b := idx.NewBatch()
	for _, p := range ps {
		if err := b.Put(p); err != nil {
			tb.Fatal(err)
		}
		if b.Len() >= batch {
			if err := b.Commit(context.Background()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := b.Commit(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return idx
}

// cpuTime returns the CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkIndexBatch indexes the whole data set per iteration, in
// batches of 1000, and reports documents per second and the size on disk.
// A full build of the service (Syncer.Init, Reindex, makerlink reindex)
// then compacts the index into one segment: the "+compact" figures add
// that step.
func BenchmarkIndexBatch(b *testing.B) {
	ps := benchData()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		t, c := time.Now(), cpuTime()
		idx := indexAll(b, dir, ps, benchBatch())
		el, cel := time.Since(t), cpuTime()-c
		b.ReportMetric(float64(len(ps))/el.Seconds(), "docs/s")
		// the machine is shared: CPU time tells what two idle cores give
		b.ReportMetric(float64(cel.Microseconds())/float64(len(ps)), "cpu-µs/doc")
		b.ReportMetric(2*float64(len(ps))/cel.Seconds(), "docs/s-2cores")
		if err := idx.Compact(context.Background()); err != nil {
			b.Fatal(err)
		}
		el, cel = time.Since(t), cpuTime()-c
		b.ReportMetric(float64(len(ps))/el.Seconds(), "docs/s+compact")
		b.ReportMetric(float64(cel.Microseconds())/float64(len(ps)), "cpu-µs/doc+compact")
		idx.Close()
		// segments merged away are removed from the disk when the index
		// is opened again
		idx, err := search.Open(dir, search.Options{})
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
		b.ReportMetric(float64(dirSize(dir))/(1<<20), "MB")
	}
}

var benchIndex struct {
	once sync.Once
	idx  *search.Index
	dir  string
}

func sharedIndex(b *testing.B) *search.Index {
	benchIndex.once.Do(func() {
		defer func() {
			// the first search warms the tables of the frequent terms in
			// the background (postings.go), once per process: do it here,
			// so that it is not in the figures of the first benchmark
			if benchIndex.idx == nil || os.Getenv("MAKERLINK_BENCH_NOWARM") != "" {
				return
			}
			t, c := time.Now(), cpuTime()
			if err := search.WarmTermTablesForTest(benchIndex.idx); err != nil {
				b.Fatal(err)
			}
			n, size := search.TermTablesForTest()
			b.Logf("warmed %d term tables (%.1f MB) in %v (CPU %v)", n, float64(size)/(1<<20), time.Since(t).Round(time.Millisecond), (cpuTime() - c).Round(time.Millisecond))
		}()
		defer func() {
			// live batches leave many segments; compact them as a full
			// build would have one
			if benchIndex.idx == nil || os.Getenv("MAKERLINK_BENCH_NOCOMPACT") != "" || search.SegmentCountForTest(benchIndex.idx) == 1 {
				return
			}
			n := search.SegmentCountForTest(benchIndex.idx)
			t, c := time.Now(), cpuTime()
			if err := benchIndex.idx.Compact(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Logf("compacted %d segments into %d in %v (CPU %v)", n, search.SegmentCountForTest(benchIndex.idx), time.Since(t).Round(time.Millisecond), (cpuTime() - c).Round(time.Millisecond))
		}()
		// MAKERLINK_BENCH_INDEX keeps the built index between runs
		if keep := os.Getenv("MAKERLINK_BENCH_INDEX"); keep != "" {
			idx, err := search.Open(keep, search.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if n, _ := idx.DocCount(); n > 0 {
				benchIndex.idx = idx
				return
			}
			idx.Close()
			benchIndex.idx = benchBuild(b, keep)
			return
		}
		dir, err := os.MkdirTemp("", "makerlink-bench-*")
		if err != nil {
			b.Fatal(err)
		}
		benchIndex.dir = dir
		benchIndex.idx = benchBuild(b, dir)
	})
	return benchIndex.idx
}

// benchBuild builds the benchmarks' index in dir as a full build does
// (Syncer.Init, Reindex, makerlink reindex), or, with
// MAKERLINK_BENCH_LIVE=1, through live batches of 1,000 profiles.
func benchBuild(b *testing.B, dir string) *search.Index {
	if os.Getenv("MAKERLINK_BENCH_LIVE") != "" {
		return indexAll(b, dir, benchData(), 1000)
	}
	t := time.Now()
	idx, err := search.BuildForTest(dir, benchData())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d profiles in %v", len(benchData()), time.Since(t).Round(time.Millisecond))
	return idx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchIndex.idx != nil {
		benchIndex.idx.Close()
		if benchIndex.dir != "" {
			os.RemoveAll(benchIndex.dir)
		}
	}
	os.Exit(code)
}

// queue, with MAKERLINK_BENCH_QUEUE=1, makes a client wait for its turn
// on a core before each query, as a request to a busy server waits: the
// latency then includes the time spent queued behind the other clients
// (closed loop: about clients/cores times the CPU time of a query).
// Without it a client runs queries back to back on its core until the
// scheduler preempts it, and the latency is mostly the query's own time.
var queue = func() func() {
	if os.Getenv("MAKERLINK_BENCH_QUEUE") != "" {
		return runtime.Gosched
	}
	return func() {}
}()

// BenchmarkQuery runs each kind of query from 16 concurrent clients and
// reports the latency percentiles.
//
// MAKERLINK_BENCH_BLEVE=1 runs every query on Bleve's searchers instead of
// the executor (exec.go), for A/B comparisons on the same index.
func BenchmarkQuery(b *testing.B) {
	idx := sharedIndex(b)
	if os.Getenv("MAKERLINK_BENCH_BLEVE") != "" {
		search.SetBleveExecForTest(idx, true)
		defer search.SetBleveExecForTest(idx, false)
	}
	cases := []struct {
		name string
		q    search.Query
	}{
		{"one-word", search.Query{Q: "枸杞"}},
		{"one-word-nofacets", search.Query{Q: "枸杞", Facets: []string{}}},
		{"two-word", search.Query{Q: "光伏 储能"}},
		{"two-word-faceted", search.Query{Q: "new energy", Kinds: []string{"startup"}, Cities: []string{"银川"}}},
		{"english", search.Query{Q: "angel investor"}},
		{"chinese-phrase", search.Query{Q: "贺兰山东麓葡萄酒"}},
		{"pinyin", search.Query{Q: "yinchuan"}},
		{"fuzzy", search.Query{Q: "incubtor"}},
		{"browse-filter", search.Query{Kinds: []string{"equipment"}, Cities: []string{"银川"}}},
	}
	anon := (*makerlink.User)(nil)
	// uncached: every query is run; "cached/..." repeats the same
	// queries with the result cache on (an index that does not change)
	type benchCase = struct {
		name string
		q    search.Query
	}
	all := slices.Clone(cases)
	for _, c := range cases {
		if c.name == "two-word-faceted" || c.name == "one-word" || c.name == "pinyin" {
			all = append(all, benchCase{"cached/" + c.name, c.q})
		}
	}
	for _, c := range all {
		b.Run(c.name, func(b *testing.B) {
			search.SetCacheForTest(idx, strings.HasPrefix(c.name, "cached/"))
			defer search.SetCacheForTest(idx, false)
			q := c.q
			q.Viewer = anon
			runClients(b, idx, func() search.Query { return q })
		})
	}
	// cold: the term tables (exec.go) are dropped before every query, so
	// each one decodes the postings of its terms again; one client
	b.Run("cold/two-word-faceted", func(b *testing.B) {
		search.SetCacheForTest(idx, false)
		q := search.Query{Q: "new energy", Kinds: []string{"startup"}, Cities: []string{"银川"}}
		oneClient(b, idx, q, search.ClearTermTablesForTest)
	})
	// warmed: as cold, but the tables of the segments' frequent terms
	// were decoded before each query, as after opening or building an
	// index (the warm-up runs in the background on the first search);
	// reports the CPU and the memory of the warm-up too
	b.Run("warmed/two-word-faceted", func(b *testing.B) {
		search.SetCacheForTest(idx, false)
		q := search.Query{Q: "new energy", Kinds: []string{"startup"}, Cities: []string{"银川"}}
		var warm time.Duration
		oneClient(b, idx, q, func() {
			search.ClearTermTablesForTest()
			w0 := cpuTime()
			if err := search.WarmTermTablesForTest(idx); err != nil {
				b.Fatal(err)
			}
			warm += cpuTime() - w0
		})
		b.ReportMetric(float64(warm.Microseconds())/1000/float64(b.N), "warm-cpu-ms")
		n, size := search.TermTablesForTest()
		b.ReportMetric(float64(n), "tables")
		b.ReportMetric(float64(size)/(1<<20), "tables-MB")
	})
	// mix: 16 clients cycling through many different queries (uncached)
	b.Run("mix", func(b *testing.B) {
		search.SetCacheForTest(idx, false)
		mix := benchMix()
		var mu sync.Mutex
		var next int
		runClients(b, idx, func() search.Query {
			mu.Lock()
			defer mu.Unlock()
			next++
			return mix[(next-1)%len(mix)]
		})
	})
	if n, size := search.TermTablesForTest(); n > 0 {
		b.Logf("term tables: %d, %.1f MB", n, float64(size)/(1<<20))
	}
	b.Run("suggest", func(b *testing.B) {
		var mu sync.Mutex
		var lat []time.Duration
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			var local []time.Duration
			for pb.Next() {
				t := time.Now()
				queue()
				if _, err := idx.Suggest(context.Background(), "ningx", nil); err != nil {
					b.Error(err)
					return
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
		reportLatency(b, lat)
	})
}

// runClients runs b.N searches from 16 concurrent clients (8 per core on
// 2 cores), each taking its next query from next (which must be safe for
// concurrent use), and reports CPU per search and latency percentiles.
func runClients(b *testing.B, idx *search.Index, next func() search.Query) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(8)
	b.ResetTimer()
	c0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 64)
		for pb.Next() {
			q := next()
			t := time.Now()
			queue()
			if _, err := idx.Search(context.Background(), q); err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(t))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	reportCPU(b, cpuTime()-c0)
	reportLatency(b, lat)
}

// reportCPU reports the process CPU time per operation.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}

// reportLatency reports the median and 99th percentile of the measured
// latencies; it sorts lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// benchMix is a varied set of queries: words in both languages, pinyin,
// with and without filters.
func benchMix() []search.Query {
	words := []string{"枸杞", "光伏", "储能", "new energy", "angel investor", "葡萄酒", "yinchuan", "孵化器",
		"biotech", "人工智能", "机器人", "新材料", "医疗", "education", "drone", "物联网", "电商", "wolfberry",
		"检测", "实验室", "清洁能源", "smart farming", "sensor", "数字经济", "文旅"}
	cities := []string{"", "银川", "石嘴山", "吴忠", "固原", "中卫"}
	kinds := []string{"", "startup", "investor", "mentor", "equipment", "space"}
	var out []search.Query
	for i, w := range words {
		for j := 0; j < 4; j++ {
			q := search.Query{Q: w}
			if c := cities[(i+j)%len(cities)]; c != "" {
				q.Cities = []string{c}
			}
			if k := kinds[(i*3+j)%len(kinds)]; k != "" {
				q.Kinds = []string{k}
			}
			if j == 3 {
				q.Q = w + " " + words[(i+7)%len(words)]
			}
			out = append(out, q)
		}
	}
	return out
}

// oneClient runs q b.N times from one client, calling prepare before each
// query outside the measured CPU and latency, and reports both.
func oneClient(b *testing.B, idx *search.Index, q search.Query, prepare func()) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		prepare()
		c0, t := cpuTime(), time.Now()
		if _, err := idx.Search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		cpu += cpuTime() - c0
	}
	b.StopTimer()
	reportCPU(b, cpu)
	reportLatency(b, lat)
}
