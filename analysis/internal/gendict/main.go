// Command gendict writes analysis/dict/zh.txt.gz: the simplified-Chinese
// dictionary of github.com/go-ego/gse (data/dict/zh/s_1.txt, itself from
// jieba), trimmed to pure-Han words of frequency >= minFreq and at most
// maxRunes characters so that it loads fast and stays small in memory.
//
// Run it from the module root after changing the gse version:
//
//	go run ./analysis/internal/gendict
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

func main() {
	minFreq := flag.Float64("min-freq", 20, "keep words at least this frequent")
	maxRunes := flag.Int("max-runes", 8, "keep words at most this long")
	out := flag.String("o", "analysis/dict/zh.txt.gz", "output file")
	flag.Parse()

	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil {
		log.Fatalf("locate gse module: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "data", "dict", "zh", "s_1.txt")
	in, err := os.Open(src)
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	sc := bufio.NewScanner(in)
	kept, total := 0, 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		total++
		word := fields[0]
		freq, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || freq < *minFreq || utf8.RuneCountInString(word) > *maxRunes || !allHan(word) {
			continue
		}
		kept++
		fmt.Fprintf(w, "%s %s\n", word, fields[1])
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("kept %d of %d words from %s", kept, total, src)
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}
