package search_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"makerlink/search"
	"makerlink/seed"
	"makerlink/store/storetest"
)

// BenchmarkIndexBuild builds an index of the whole data set per iteration
// the way a full build (Syncer.Init, Syncer.Reindex, makerlink reindex)
// does, with the offline builder, but from memory instead of a database:
// documents per second, CPU per document and the size on disk, from the
// first document to an open index with its suggestions. The result is
// one segment, so there is no compaction to add.
//
// MAKERLINK_BENCH_BUILD_MEMORY (bytes) lowers the memory bound past which
// the build writes parts and merges them at the end.
func BenchmarkIndexBuild(b *testing.B) {
	if s := os.Getenv("MAKERLINK_BENCH_BUILD_MEMORY"); s != "" {
		var n int
		fmt.Sscan(s, &n)
		defer search.SetBuildMemoryForTest(n)()
	}
	ps := benchData()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		t, c := time.Now(), cpuTime()
		idx, err := search.BuildForTest(dir, ps)
		if err != nil {
			b.Fatal(err)
		}
		el, cel := time.Since(t), cpuTime()-c
		b.ReportMetric(float64(len(ps))/el.Seconds(), "docs/s")
		b.ReportMetric(float64(cel.Microseconds())/float64(len(ps)), "cpu-µs/doc")
		b.ReportMetric(2*float64(len(ps))/cel.Seconds(), "docs/s-2cores")
		if n, err := idx.DocCount(); err != nil || n != uint64(len(ps)) {
			b.Fatalf("DocCount = %d, %v; want %d", n, err, len(ps))
		}
		b.ReportMetric(float64(search.SegmentCountForTest(idx)), "segments")
		idx.Close()
		b.ReportMetric(float64(dirSize(dir))/(1<<20), "MB")
	}
}

// BenchmarkRebuildSQLite is a full build from the embedded database, as
// `makerlink reindex` and a start with a missing index do it: the
// profiles are listed and decoded from SQLite while they are indexed. The
// loading of the database is not timed.
//
//	MAKERLINK_BENCH_TOTAL=100000 go test -run '^$' -bench RebuildSQLite -benchtime 1x ./search/
func BenchmarkRebuildSQLite(b *testing.B) {
	ctx := context.Background()
	db := storetest.OpenSQLite(b)
	d := seed.Generate(seed.Options{Seed: 1, Total: benchTotal()})
	if err := seed.Load(ctx, db, d, "x"); err != nil {
		b.Fatal(err)
	}
	n := len(d.Profiles)
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		t, c := time.Now(), cpuTime()
		got, err := search.Rebuild(ctx, dir, db, search.Options{})
		if err != nil || got != n {
			b.Fatalf("Rebuild = %d, %v; want %d", got, err, n)
		}
		el, cel := time.Since(t), cpuTime()-c
		b.ReportMetric(float64(n)/el.Seconds(), "docs/s")
		b.ReportMetric(float64(cel.Microseconds())/float64(n), "cpu-µs/doc")
	}
}
