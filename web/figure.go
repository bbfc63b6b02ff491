package web

import (
	"fmt"
	"strings"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/view"
)

// The figure's cell size in pixels: the terminal pane's grid, scaled.
const (
	cellW = 9
	cellH = 20
)

// figure is the state diagram pane's full figure.
var figure = view.FullFigure()

// figureSVG draws the state diagram pane's RFC 9293 figure (view.FullFigure)
// as SVG: box i has id "fb{i}", edge i id "fe{i}"; the page lights boxes
// with the classes c and s, and the latest transition's edges with last.
// Labels are written in both languages (classes en and zh).
func figureSVG() string {
	boxes, edges := figure.Boxes, figure.Edges
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w, h := figure.W*cellW+4, (figure.H-2)*cellH+4
	p(`<svg xmlns="http://www.w3.org/2000/svg" id="figure" viewBox="0 0 %d %d" font-family="%s" font-size="13">`, w, h, esc(diagram.FontFamily))
	p(`<defs><marker id="fhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker>`)
	p(`<marker id="fheadl" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1a8f1a"/></marker></defs>`)
	centre := func(x, y int) (float64, float64) {
		return float64(x*cellW) + cellW/2.0 + 2, float64(y*cellH) + cellH/2.0 + 2
	}
	for i, e := range edges {
		var pts []string
		for k, pt := range e.Path {
			x, y := centre(pt.X, pt.Y)
			if k == len(e.Path)-1 && k > 0 { // reach the box's edge
				px, py := centre(e.Path[k-1].X, e.Path[k-1].Y)
				switch {
				case x > px:
					x += cellW/2.0 - 1
				case x < px:
					x -= cellW/2.0 - 1
				case y > py:
					y += cellH/2.0 - 5
				case y < py:
					y -= cellH/2.0 - 5
				}
			}
			pts = append(pts, fmt.Sprintf("%g,%g", x, y))
		}
		p(`<g class="edge" id="fe%d"><polyline points="%s" fill="none" marker-end="url(#fhead)"/>`, i, strings.Join(pts, " "))
		lx, ly := float64(e.LX*cellW)+2, float64(e.LY*cellH)+cellH/2.0+6
		for _, l := range i18n.Langs() {
			p(`<text class="%s" x="%g" y="%g">%s</text>`, l, lx, ly, esc(e.LabelIn(l)))
		}
		p(`</g>`)
	}
	for i, bx := range boxes {
		x, y := bx.X*cellW+2, bx.Y*cellH+3
		bw := figure.BoxW * cellW
		p(`<g class="box" id="fb%d"><rect x="%d" y="%d" width="%d" height="%d" rx="4"/>`, i, x, y, bw, cellH-2)
		p(`<text class="name" x="%d" y="%d" text-anchor="middle">%s</text>`, x+bw/2, y+cellH/2+3, esc(bx.State.String()))
		p(`<text class="mc" x="%d" y="%d">C</text><text class="ms" x="%d" y="%d" text-anchor="end">S</text></g>`, x+4, y+cellH/2+3, x+bw-4, y+cellH/2+3)
	}
	p(`</svg>`)
	return b.String()
}

// initBox is the index of the figure box for state s before a
// connection (the top CLOSED box), -1 for none.
func initBox(s fsm.State) int {
	for i, b := range figure.Boxes {
		if b.State == s && !b.Bottom {
			return i
		}
	}
	return -1
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}
