// Package qr encodes short texts (links) as QR codes (ISO/IEC 18004), in
// byte mode at error correction level M, versions 1 to 10 (up to 213
// bytes), and draws them as SVG.
package qr

import (
	"errors"
	"fmt"
)

// MaxBytes is the longest text Encode takes (version 10 at level M).
const MaxBytes = 213

// ErrTooLong is returned for a text over MaxBytes.
var ErrTooLong = errors.New("qr: text too long")

// Code is an encoded QR symbol: Size × Size modules, without the quiet
// zone.
type Code struct {
	Size    int
	Version int
	Mask    int
	dark    []bool
	fixed   []bool // function modules, while encoding
}

// Dark reports whether the module at column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.dark[y*c.Size+x] }

// blocks describes one version at level M: error correction codewords per
// block and the data codewords of each block.
type blocks struct {
	ec   int
	data []int
}

// levelM is the block structure of versions 1-10 at level M.
var levelM = [...]blocks{
	1:  {10, []int{16}},
	2:  {16, []int{28}},
	3:  {26, []int{44}},
	4:  {18, []int{32, 32}},
	5:  {24, []int{43, 43}},
	6:  {16, []int{27, 27, 27, 27}},
	7:  {18, []int{31, 31, 31, 31}},
	8:  {22, []int{38, 38, 39, 39}},
	9:  {22, []int{36, 36, 36, 37, 37}},
	10: {26, []int{43, 43, 43, 43, 44}},
}

// alignment holds the centre coordinates of the alignment patterns.
var alignment = [...][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

// remainder is the number of zero bits after the codewords.
var remainder = [...]int{1: 0, 2: 7, 3: 7, 4: 7, 5: 7, 6: 7, 7: 0, 8: 0, 9: 0, 10: 0}

func dataCapacity(v int) int {
	n := 0
	for _, d := range levelM[v].data {
		n += d
	}
	return n
}

// Encode returns the smallest QR code that holds text in byte mode.
func Encode(text string) (*Code, error) {
	v := 0
	for ver := 1; ver <= 10; ver++ {
		countBits := 8
		if ver >= 10 {
			countBits = 16
		}
		if 4+countBits+8*len(text) <= 8*dataCapacity(ver) {
			v = ver
			break
		}
	}
	if v == 0 {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, len(text), MaxBytes)
	}
	codewords := interleave(v, dataCodewords(v, text))
	best := (*Code)(nil)
	bestPenalty := 0
	for mask := range 8 {
		c := newCode(v)
		c.Mask = mask
		c.place(codewords, mask)
		c.drawFormat(mask)
		if p := c.penalty(); best == nil || p < bestPenalty {
			best, bestPenalty = c, p
		}
	}
	best.fixed = nil
	return best, nil
}

// dataCodewords builds the data codewords of text for version v: mode,
// count, bytes, terminator, then padding.
func dataCodewords(v int, text string) []byte {
	var b bitWriter
	b.put(0b0100, 4) // byte mode
	if v >= 10 {
		b.put(len(text), 16)
	} else {
		b.put(len(text), 8)
	}
	for i := 0; i < len(text); i++ {
		b.put(int(text[i]), 8)
	}
	capBits := 8 * dataCapacity(v)
	b.put(0, min(4, capBits-b.n))
	if r := b.n % 8; r != 0 {
		b.put(0, 8-r)
	}
	for pad := 0; b.n < capBits; pad++ {
		b.put([]int{0xEC, 0x11}[pad%2], 8)
	}
	return b.bytes
}

// interleave splits data into v's blocks, computes each block's error
// correction, and interleaves data then error correction codewords.
func interleave(v int, data []byte) []byte {
	bl := levelM[v]
	var dataBlocks, ecBlocks [][]byte
	off := 0
	for _, n := range bl.data {
		d := data[off : off+n]
		off += n
		dataBlocks = append(dataBlocks, d)
		ecBlocks = append(ecBlocks, reedSolomon(d, bl.ec))
	}
	var out []byte
	for i := 0; i < bl.data[len(bl.data)-1]; i++ {
		for _, d := range dataBlocks {
			if i < len(d) {
				out = append(out, d[i])
			}
		}
	}
	for i := 0; i < bl.ec; i++ {
		for _, e := range ecBlocks {
			out = append(out, e[i])
		}
	}
	return out
}

type bitWriter struct {
	bytes []byte
	n     int // bits written
}

func (w *bitWriter) put(v, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.bytes = append(w.bytes, 0)
		}
		if v>>i&1 == 1 {
			w.bytes[len(w.bytes)-1] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}
