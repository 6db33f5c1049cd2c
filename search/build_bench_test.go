package search_test

import (
	"testing"
	"time"

	"makerlink/search"
)

// BenchmarkIndexBuild builds an index of the whole data set per iteration
// the way a full build (Syncer.Init, Syncer.Reindex, makerlink reindex)
// does, with the offline builder, but from memory instead of a database:
// documents per second, CPU per document and the size on disk, from the
// first document to an open index with its suggestions. The result is
// one segment, so there is no compaction to add.
func BenchmarkIndexBuild(b *testing.B) {
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
