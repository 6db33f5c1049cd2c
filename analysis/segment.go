package analysis

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

//go:embed dict/zh.txt.gz
var zhDictGz []byte

//go:embed dict/domain.txt
var domainDict string

// domainFreq is the frequency given to domain words, well above the median
// of the jieba dictionary, so that the segmenter keeps them whole.
const domainFreq = 1000

var (
	segOnce sync.Once
	seg     *gse.Segmenter
	segTook time.Duration
	segErr  error
)

// Warm loads the Chinese dictionary if it is not loaded yet and returns how
// long loading it took. Every function of the package loads it (and the
// segmenter's and pinyin tables) on first use; Warm lets a server pay that
// cost at start-up.
func Warm() (time.Duration, error) {
	segmenter()
	words()
	runePinyin(cjkFirst)
	return segTook, segErr
}

// segmenter returns the shared segmenter. gse segmenters are safe for
// concurrent use once loaded. If the embedded dictionary cannot be read (it
// always can: a broken build is caught by the package tests) the segmenter
// holds only the domain words.
func segmenter() *gse.Segmenter {
	segOnce.Do(func() {
		t := time.Now()
		dict, err := dictionary()
		segErr = err
		s := &gse.Segmenter{SkipLog: true}
		if lerr := s.LoadDictStr(dict); lerr != nil && segErr == nil {
			segErr = fmt.Errorf("analysis: load dictionary: %w", lerr)
		}
		seg = s
		segTook = time.Since(t)
	})
	return seg
}

// dictionary returns the embedded dictionary merged with the domain words,
// one "word freq" line each.
func dictionary() (string, error) {
	domain := map[string]float64{}
	for _, line := range strings.Split(domainDict, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		freq := float64(domainFreq)
		if len(f) > 1 {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				freq = v
			}
		}
		domain[Normalize(f[0])] = freq
	}
	var b strings.Builder
	b.Grow(len(zhDictGz) * 3)
	zr, err := gzip.NewReader(bytes.NewReader(zhDictGz))
	if err == nil {
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			line := sc.Text()
			word, freq, ok := strings.Cut(line, " ")
			if !ok {
				continue
			}
			if df, ok := domain[word]; ok {
				if v, _ := strconv.ParseFloat(freq, 64); v < df {
					freq = strconv.FormatFloat(df, 'f', -1, 64)
				}
				delete(domain, word)
			}
			b.WriteString(word)
			b.WriteByte(' ')
			b.WriteString(freq)
			b.WriteByte('\n')
		}
		err = sc.Err()
		if err == nil || err == io.EOF {
			err = nil
		}
	}
	if err != nil {
		err = fmt.Errorf("analysis: read embedded dictionary: %w", err)
	}
	for w, f := range domain {
		b.WriteString(w)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
		b.WriteByte('\n')
	}
	return b.String(), err
}

// cut segments a Han run into words (gse's accurate mode without the
// HMM, computed by [dag]), in order; concatenated they give back the run.
// The result must not be changed: short runs (names, cities, sector
// and category labels, which recur in nearly every document) come from a
// memo.
func cut(han string) []string {
	n := utf8.RuneCountInString(han)
	if n == 1 {
		return []string{han}
	}
	d := words()
	if n > maxMemoRunes {
		return d.cut(han)
	}
	if ws, ok := cutMemo.get(han); ok {
		return ws
	}
	ws := d.cut(han)
	cutMemo.put(han, ws)
	return ws
}

// inDict reports whether w is a dictionary word.
func inDict(w string) bool {
	lf, ok := words().logFreq[w]
	return ok && !math.IsInf(lf, -1)
}

// maxMemoRunes is the longest Han run whose words are memoised.
const maxMemoRunes = 12

var cutMemo = newMemo[[]string](1 << 15)

// dag is the dictionary of the segmenter in a form that segments several
// times faster than gse: a map lookup per candidate word instead of a
// trie walk with allocations, and the route computed in place. It gives
// the words gse's Cut(text, false) gives (jieba's DAG and maximum
// probability route, no HMM); TestCutMatchesGse checks that on the seed
// texts.
type dag struct {
	// logFreq holds log(frequency) of every dictionary word and -Inf for
	// every other prefix of a word (gse's trie holds the prefixes too: a
	// candidate word grows while it is still a prefix).
	logFreq map[string]float64
	logT    float64 // log of the sum of the frequencies
}

var (
	dagOnce sync.Once
	dagDict *dag
)

// words returns the shared dag, built from the loaded gse dictionary.
func words() *dag {
	dagOnce.Do(func() {
		seg := segmenter()
		d := &dag{logFreq: make(map[string]float64, 2*len(seg.Dict.Tokens)), logT: math.Log(seg.Dict.TotalFreq())}
		for i := range seg.Dict.Tokens {
			t := &seg.Dict.Tokens[i]
			w := t.Text()
			if t.Freq() > 0 {
				d.logFreq[w] = math.Log(t.Freq())
			} else if _, ok := d.logFreq[w]; !ok {
				d.logFreq[w] = math.Inf(-1)
			}
			for j := range w {
				if j == 0 {
					continue
				}
				if _, ok := d.logFreq[w[:j]]; !ok {
					d.logFreq[w[:j]] = math.Inf(-1)
				}
			}
		}
		dagDict = d
	})
	return dagDict
}

// cut segments a Han run as gse's cutDAGNoHMM does: the route of maximum
// summed log frequency over the dictionary words (a character that is no
// word counts as frequency 1, or 0 when it begins some word), ties going
// to the longer word.
func (d *dag) cut(s string) []string {
	// byte offset of each rune, plus the end
	var offBuf [64]int
	offs := offBuf[:0]
	for i := range s {
		offs = append(offs, i)
	}
	n := len(offs)
	offs = append(offs, len(s))
	var scoreBuf [64]float64
	var nextBuf [64]int
	score, next := scoreBuf[:0], nextBuf[:0]
	if n+1 > len(scoreBuf) {
		score, next = make([]float64, n+1), make([]int, n+1)
	} else {
		score, next = scoreBuf[:n+1], nextBuf[:n+1]
	}
	score[n] = 0
	for k := n - 1; k >= 0; k-- {
		found := false
		best, bestEnd := 0.0, 0
		for e := k + 1; e <= n; e++ {
			lf, ok := d.logFreq[s[offs[k]:offs[e]]]
			if !ok {
				break
			}
			if math.IsInf(lf, -1) {
				continue // a prefix, not a word
			}
			f := lf - d.logT + score[e]
			if !found || best <= f { // ties: the later (longer) word
				best, bestEnd, found = f, e, true
			}
		}
		if !found {
			lf, ok := d.logFreq[s[offs[k]:offs[k+1]]]
			if !ok {
				lf = 0 // log(1)
			}
			best, bestEnd = lf-d.logT+score[k+1], k+1
		}
		score[k], next[k] = best, bestEnd
	}
	out := make([]string, 0, n/2+1)
	for k := 0; k < n; k = next[k] {
		out = append(out, s[offs[k]:offs[next[k]]])
	}
	return out
}

// memo is a bounded concurrent map of results of pure functions; when
// full it starts again empty.
type memo[V any] struct {
	mu  sync.RWMutex
	m   map[string]V
	max int
}

func newMemo[V any](max int) *memo[V] { return &memo[V]{m: map[string]V{}, max: max} }

func (c *memo[V]) get(k string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

func (c *memo[V]) put(k string, v V) {
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[strings.Clone(k)] = v
	c.mu.Unlock()
}
