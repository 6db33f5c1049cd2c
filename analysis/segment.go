package analysis

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
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
// long loading took. Every function of the package loads it on first use;
// Warm lets a server pay that cost at start-up.
func Warm() (time.Duration, error) {
	segmenter()
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

// cut segments a Han run into words (accurate mode with the HMM for
// unknown words), in order; concatenated they give back the run.
// The result must not be changed: short runs (names, cities, sector
// and category labels, which recur in nearly every document) come from a
// memo.
func cut(han string) []string {
	n := utf8.RuneCountInString(han)
	if n == 1 {
		return []string{han}
	}
	if n > maxMemoRunes {
		return segmenter().Cut(han, false)
	}
	if ws, ok := cutMemo.get(han); ok {
		return ws
	}
	ws := segmenter().Cut(han, false)
	cutMemo.put(han, ws)
	return ws
}

// inDict reports whether w is a dictionary word.
func inDict(w string) bool {
	if ok, seen := dictMemo.get(w); seen {
		return ok
	}
	f, _, ok := segmenter().Find(w)
	ok = ok && f > 0
	dictMemo.put(w, ok)
	return ok
}

// maxMemoRunes is the longest Han run whose words are memoised.
const maxMemoRunes = 12

var (
	cutMemo  = newMemo[[]string](1 << 15)
	dictMemo = newMemo[bool](1 << 16)
)

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
