package search_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/search"
)

// BenchmarkSuggest measures type-ahead suggestions on the benchmark index
// (100,000 profiles by default), one client per core, for prefixes that
// match few and many names: "宁" and "ningx" start about a fifth of the
// names.
//
// The rows run with the result cache off (every prefix is looked up);
// "remembered/..." with it on, as a server runs: an answer that scanned
// many keys is remembered until the index changes.
func BenchmarkSuggest(b *testing.B) {
	idx := sharedIndex(b)
	for _, q := range []string{"宁", "宁夏", "ningx", "nx", "银川", "yc", "robot", "zhineng", "remembered/宁", "remembered/ningx"} {
		b.Run(q, func(b *testing.B) {
			cached := strings.HasPrefix(q, "remembered/")
			q := strings.TrimPrefix(q, "remembered/")
			search.SetCacheForTest(idx, cached)
			defer search.SetCacheForTest(idx, false)
			var lat []time.Duration
			b.ResetTimer()
			for range b.N {
				t := time.Now()
				if _, err := idx.Suggest(context.Background(), q, (*makerlink.User)(nil)); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			reportLatency(b, lat)
		})
	}
}

// BenchmarkSuggestLoad fills the suggestions from the index's stored
// fields, as opening or adopting an index generation does (run it with
// -benchtime 1x: one load of the whole index per iteration).
func BenchmarkSuggestLoad(b *testing.B) {
	idx := sharedIndex(b)
	b.ResetTimer()
	for range b.N {
		t, c := time.Now(), cpuTime()
		keys, size, err := search.ReloadSuggestionsForTest(idx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(t).Milliseconds()), "wall-ms")
		b.ReportMetric(float64((cpuTime() - c).Milliseconds()), "cpu-ms")
		b.ReportMetric(float64(keys), "keys")
		b.ReportMetric(float64(size)/(1<<20), "MB")
	}
}

// BenchmarkSuggestUpdate changes one profile per iteration through a live
// batch (what the change feed does), suggestions included: on 100,000
// profiles an update copies the suggester's key array (copy-on-write).
func BenchmarkSuggestUpdate(b *testing.B) {
	idx := sharedIndex(b)
	p := benchData()[0]
	b.ResetTimer()
	for range b.N {
		if err := idx.Index(p); err != nil {
			b.Fatal(err)
		}
	}
}
