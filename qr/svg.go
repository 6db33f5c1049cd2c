package qr

import (
	"bytes"
	"strconv"
)

// QuietZone is the light border, in modules, that readers need around a
// symbol.
const QuietZone = 4

// SVG draws the code with its quiet zone as an SVG image without a fixed
// size (a viewBox in modules), so that it scales to its container; dark
// modules are one path, light is the background.
func (c *Code) SVG() []byte {
	n := c.Size + 2*QuietZone
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(n) + " " + strconv.Itoa(n))
	b.WriteString(`" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y := range c.Size {
		for x := 0; x < c.Size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < c.Size && c.Dark(x+run, y) {
				run++
			}
			b.WriteString("M" + strconv.Itoa(x+QuietZone) + "," + strconv.Itoa(y+QuietZone) +
				"h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}
