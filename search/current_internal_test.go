package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestSwapCurrentConcurrent: a server swapping in its own rebuild and
// `makerlink reindex` write CURRENT at the same moment. Every plain write
// succeeds, of the compare-and-swap writes that expect the same old
// generation exactly one wins, and no temporary file is left.
func TestSwapCurrentConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n, rounds = 8, 40
	for r := range rounds {
		if err := writeCurrent(dir, "gen-0"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2*n)
		for i := range n {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = swapCurrent(dir, fmt.Sprintf("gen-cas-%d", i), "gen-0")
			}()
			go func() {
				defer wg.Done()
				<-start
				errs[n+i] = writeCurrent(dir, fmt.Sprintf("gen-plain-%d", i))
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case i < n && errors.Is(err, errSuperseded):
			case err != nil:
				t.Fatalf("round %d, write %d: %v", r, i, err)
			case i < n:
				won++
			}
		}
		if won > 1 {
			t.Fatalf("round %d: %d compare-and-swap writes expecting gen-0 won, want at most 1", r, won)
		}
		cur, err := readCurrent(dir)
		if err != nil || !strings.HasPrefix(cur, "gen-") {
			t.Fatalf("CURRENT = %q, %v", cur, err)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", filepath.Join(dir, e.Name()))
		}
	}
}

// TestSwapCurrentExpect: the compare-and-swap write only replaces the
// generation it expects.
func TestSwapCurrentExpect(t *testing.T) {
	dir := t.TempDir()
	if err := writeCurrent(dir, "gen-1"); err != nil {
		t.Fatal(err)
	}
	if err := swapCurrent(dir, "gen-2", "gen-9"); !errors.Is(err, errSuperseded) {
		t.Errorf("swap expecting gen-9 over gen-1 = %v, want errSuperseded", err)
	}
	if err := swapCurrent(dir, "gen-2", "gen-1"); err != nil {
		t.Errorf("swap expecting gen-1 = %v", err)
	}
	if cur, _ := readCurrent(dir); cur != "gen-2" {
		t.Errorf("CURRENT = %q, want gen-2", cur)
	}
}
