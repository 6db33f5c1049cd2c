package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The worked example of the standard's annex (and of most tutorials):
// "HELLO WORLD" at 1-M, whose error correction codewords are known.
func TestReedSolomon(t *testing.T) {
	data := []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17}
	want := []byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23}
	if got := reedSolomon(data, 10); !slices.Equal(got, want) {
		t.Fatalf("EC codewords %v, want %v", got, want)
	}
}

// Format and version information against the standard's tables.
func TestFormatAndVersionBits(t *testing.T) {
	c := newCode(7)
	c.drawFormat(0)
	got := 0
	for i := 0; i <= 5; i++ { // the first copy's low bits run down column 8
		if c.Dark(8, i) {
			got |= 1 << i
		}
	}
	if c.Dark(8, 7) {
		got |= 1 << 6
	}
	if c.Dark(8, 8) {
		got |= 1 << 7
	}
	if c.Dark(7, 8) {
		got |= 1 << 8
	}
	for i := 9; i < 15; i++ {
		if c.Dark(14-i, 8) {
			got |= 1 << i
		}
	}
	if want := 0b101010000010010; got != want { // level M, mask 0
		t.Errorf("format bits %015b, want %015b", got, want)
	}
	ver := 0
	for i := range 18 {
		if c.Dark(c.Size-11+i%3, i/3) {
			ver |= 1 << i
		}
	}
	if want := 0b000111110010010100; ver != want {
		t.Errorf("version 7 bits %018b, want %018b", ver, want)
	}
}

func TestEncodeSizes(t *testing.T) {
	tests := []struct {
		n       int
		version int
	}{{1, 1}, {14, 1}, {15, 2}, {26, 2}, {100, 6}, {152, 8}, {153, 9}, {213, 10}}
	for _, tt := range tests {
		c, err := Encode(strings.Repeat("a", tt.n))
		if err != nil {
			t.Fatalf("%d bytes: %v", tt.n, err)
		}
		if c.Version != tt.version || c.Size != 17+4*tt.version {
			t.Errorf("%d bytes: version %d size %d, want version %d", tt.n, c.Version, c.Size, tt.version)
		}
	}
	if _, err := Encode(strings.Repeat("a", MaxBytes+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("%d bytes: err %v, want ErrTooLong", MaxBytes+1, err)
	}
}

// A real reader decodes what Encode makes: zbarimg (Debian's zbar-tools)
// reads PNGs of codes of every version this package makes.
func TestZbarReadsCodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg is required when CI=true (apt-get install zbar-tools)")
		}
		t.Skip("skipping: no zbarimg (apt-get install zbar-tools)")
	}
	texts := []string{
		"https://makerlink.example/e/06h1cctgcfyc6n3f4p8aar3s",
		"HELLO WORLD",
		"x",
		"https://makerlink.example/e/" + strings.Repeat("0123456789", 9),
		"https://makerlink.example/search?q=" + strings.Repeat("ningxia-", 16),
		strings.Repeat("Z", MaxBytes),
	}
	for v := 1; v <= 10; v++ { // one text that needs exactly version v
		n := (8*dataCapacity(v) - 12) / 8
		if v >= 10 {
			n = (8*dataCapacity(v) - 20) / 8
		}
		texts = append(texts, strings.Repeat(string(rune('a'+v)), n-5)+"-end!")
	}
	dir := t.TempDir()
	for i, text := range texts {
		c, err := Encode(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		path := filepath.Join(dir, "code.png")
		writePNG(t, path, c, 4)
		out, err := exec.Command(zbar, "--raw", "-q", path).Output()
		if err != nil {
			t.Fatalf("text %d (%d bytes, version %d, mask %d): zbarimg found no code: %v", i, len(text), c.Version, c.Mask, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != text {
			t.Fatalf("text %d (version %d): zbarimg read %q, want %q", i, c.Version, got, text)
		}
	}
}

// Every mask makes a readable code (Encode picks one by penalty).
func TestEveryMaskReadable(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("skipping: no zbarimg")
	}
	text := "https://makerlink.example/e/mask-test"
	v := 3
	cw := interleave(v, dataCodewords(v, text))
	dir := t.TempDir()
	for mask := range 8 {
		c := newCode(v)
		c.Mask = mask
		c.place(cw, mask)
		c.drawFormat(mask)
		path := filepath.Join(dir, "mask.png")
		writePNG(t, path, c, 4)
		out, err := exec.Command(zbar, "--raw", "-q", path).Output()
		if err != nil || strings.TrimSpace(string(out)) != text {
			t.Fatalf("mask %d: read %q, %v", mask, out, err)
		}
	}
}

func TestSVG(t *testing.T) {
	c, err := Encode("https://makerlink.example/e/1")
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG()
	side := fmt.Sprintf(`viewBox="0 0 %d %d"`, c.Size+2*QuietZone, c.Size+2*QuietZone)
	if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.Contains(svg, []byte(side)) || !bytes.HasSuffix(svg, []byte("</svg>")) {
		t.Fatalf("svg %s", svg)
	}
	// The path covers exactly the dark modules.
	dark := 0
	for y := range c.Size {
		for x := range c.Size {
			if c.Dark(x, y) {
				dark++
			}
		}
	}
	covered := 0
	for _, seg := range strings.Split(string(svg), "M")[1:] {
		var x, y, run int
		if _, err := fmtSscanf(seg, &x, &y, &run); err != nil {
			t.Fatalf("segment %q: %v", seg, err)
		}
		covered += run
	}
	if covered != dark {
		t.Fatalf("path covers %d modules, %d are dark", covered, dark)
	}
}

func writePNG(t *testing.T, path string, c *Code, scale int) {
	t.Helper()
	n := (c.Size + 2*QuietZone) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			mx, my := x/scale-QuietZone, y/scale-QuietZone
			v := color.Gray{Y: 255}
			if mx >= 0 && my >= 0 && mx < c.Size && my < c.Size && c.Dark(mx, my) {
				v = color.Gray{Y: 0}
			}
			img.SetGray(x, y, v)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// fmtSscanf reads "x,yhRUNv1h-RUNz" of one path segment.
func fmtSscanf(seg string, x, y, run *int) (int, error) {
	return fmt.Sscanf(seg, "%d,%dh%dv1h", x, y, run)
}
