package qr

// newCode returns a version v symbol with its function patterns drawn and
// marked fixed (the data never goes there).
func newCode(v int) *Code {
	size := 17 + 4*v
	c := &Code{Size: size, Version: v, dark: make([]bool, size*size), fixed: make([]bool, size*size)}
	for _, p := range [][2]int{{3, 3}, {size - 4, 3}, {3, size - 4}} {
		c.finder(p[0], p[1])
	}
	for i := 8; i < size-8; i++ {
		c.setFixed(6, i, i%2 == 0)
		c.setFixed(i, 6, i%2 == 0)
	}
	pos := alignment[v]
	for _, y := range pos {
		for _, x := range pos {
			if (x == 6 && y == 6) || (x == 6 && y == pos[len(pos)-1]) || (x == pos[len(pos)-1] && y == 6) {
				continue // on a finder
			}
			c.alignmentPattern(x, y)
		}
	}
	c.drawFormat(0) // reserves the format areas; redrawn per mask
	if v >= 7 {
		c.drawVersion()
	}
	return c
}

// fixed marks function modules; Encode drops it.
func (c *Code) setFixed(x, y int, dark bool) {
	c.dark[y*c.Size+x] = dark
	c.fixed[y*c.Size+x] = true
}

// finder draws a finder pattern centred on (cx, cy) with its separator.
func (c *Code) finder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
				continue
			}
			d := max(abs(dx), abs(dy))
			c.setFixed(x, y, d != 2 && d != 4)
		}
	}
}

// alignmentPattern draws a 5×5 alignment pattern centred on (cx, cy).
func (c *Code) alignmentPattern(cx, cy int) {
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			c.setFixed(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
		}
	}
}

// drawFormat draws both copies of the format information (level M and
// the mask) and the dark module.
func (c *Code) drawFormat(mask int) {
	data := 0<<3 | mask // level M's format bits are 00
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>i&1 == 1 }
	for i := 0; i <= 5; i++ {
		c.setFixed(8, i, bit(i))
	}
	c.setFixed(8, 7, bit(6))
	c.setFixed(8, 8, bit(7))
	c.setFixed(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		c.setFixed(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		c.setFixed(c.Size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		c.setFixed(8, c.Size-15+i, bit(i))
	}
	c.setFixed(8, c.Size-8, true)
}

// drawVersion draws the two copies of the version information (v >= 7).
func (c *Code) drawVersion() {
	rem := c.Version
	for range 12 {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	bits := c.Version<<12 | rem
	for i := range 18 {
		dark := bits>>i&1 == 1
		a, b := c.Size-11+i%3, i/3
		c.setFixed(a, b, dark)
		c.setFixed(b, a, dark)
	}
}

// place writes the codewords in the zigzag order, masked.
func (c *Code) place(codewords []byte, mask int) {
	n := c.Size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := range n {
			for j := range 2 {
				x := right - j
				y := vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if c.fixed[y*n+x] {
					continue
				}
				dark := false
				if i < len(codewords)*8 {
					dark = codewords[i>>3]>>(7-i&7)&1 == 1
					i++
				}
				c.dark[y*n+x] = dark != masked(mask, x, y)
			}
		}
	}
}

// masked reports whether mask pattern m flips the module at (x, y).
func masked(m, x, y int) bool {
	switch m {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	default:
		return ((x+y)%2+x*y%3)%2 == 0
	}
}

// penalty scores the symbol by the four rules of the standard; Encode
// keeps the mask with the lowest score.
func (c *Code) penalty() int {
	n := c.Size
	p := 0
	line := make([]bool, n)
	for dir := range 2 {
		for a := range n {
			for b := range n {
				if dir == 0 {
					line[b] = c.Dark(b, a)
				} else {
					line[b] = c.Dark(a, b)
				}
			}
			p += linePenalty(line)
		}
	}
	dark := 0
	for y := range n {
		for x := range n {
			d := c.Dark(x, y)
			if d {
				dark++
			}
			if x < n-1 && y < n-1 && d == c.Dark(x+1, y) && d == c.Dark(x, y+1) && d == c.Dark(x+1, y+1) {
				p += 3
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + max(0, k)*10
}

// finderLike is the 1:1:3:1:1 pattern with four light modules after it;
// the rule counts it either way round.
var finderLike = []bool{true, false, true, true, true, false, true, false, false, false, false}

// linePenalty scores one row or column: runs of five or more (rule 1) and
// finder-like patterns (rule 3; outside the symbol counts as light).
func linePenalty(line []bool) int {
	p := 0
	run := 1
	for i := 1; i <= len(line); i++ {
		if i < len(line) && line[i] == line[i-1] {
			run++
			continue
		}
		if run >= 5 {
			p += 3 + run - 5
		}
		run = 1
	}
	at := func(i int) bool { return i >= 0 && i < len(line) && line[i] }
	for i := -4; i < len(line); i++ {
		fwd, back := true, true
		for j, want := range finderLike {
			if at(i+j) != want {
				fwd = false
			}
			if at(i+len(finderLike)-1-j) != want {
				back = false
			}
		}
		if fwd {
			p += 40
		}
		if back {
			p += 40
		}
	}
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
