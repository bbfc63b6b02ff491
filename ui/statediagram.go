package ui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

// The figures (package view decides their boxes and edges): the full one
// on a grid of sdW×sdH cells, the compact one on sdcW×sdcH.
var (
	fullFig    = view.FullFigure()
	compactFig = view.CompactFigure()
)

const (
	sdW, sdH   = view.FullW, view.FullH
	sdcW, sdcH = view.CompactW, view.CompactH
)

// sdCell is one cell of the drawing.
type sdCell struct {
	text string // "" for the right half of a wide character
	st   tcell.Style
}

type sdGrid struct {
	w, h  int
	cells []sdCell
}

func newGrid(w, h int) *sdGrid {
	g := &sdGrid{w: w, h: h, cells: make([]sdCell, w*h)}
	for i := range g.cells {
		g.cells[i] = sdCell{" ", tcell.StyleDefault}
	}
	return g
}

func (g *sdGrid) set(x, y int, s string, st tcell.Style) {
	if x >= 0 && y >= 0 && x < g.w && y < g.h {
		g.cells[y*g.w+x] = sdCell{s, st}
	}
}

// text writes s at (x, y), clipped to the grid, and returns the end column.
func (g *sdGrid) text(x, y int, s string, st tcell.Style) int {
	ln := diagram.Line{Spans: []diagram.Span{{X: 0, Text: s}}}
	for i, c := range diagram.Cells(ln, max(0, g.w-x)) {
		if c.Text == " " && i >= uniseg.StringWidth(s) {
			break
		}
		g.set(x+i, y, c.Text, st)
	}
	return x + uniseg.StringWidth(s)
}

// polyline draws the segments between consecutive points with an arrow
// head at the end.
func (g *sdGrid) polyline(p []view.Point, st tcell.Style) {
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		dx, dy := sign(b.X-a.X), sign(b.Y-a.Y)
		for x, y := a.X, a.Y; ; x, y = x+dx, y+dy {
			ch := "─"
			if dx == 0 {
				ch = "│"
			}
			g.set(x, y, ch, st)
			if x == b.X && y == b.Y {
				break
			}
		}
		if i > 0 { // corner at a
			in := p[i-1]
			g.set(a.X, a.Y, corner(sign(a.X-in.X), sign(a.Y-in.Y), dx, dy), st)
		}
	}
	end := p[len(p)-1]
	head := "v"
	if len(p) > 1 {
		prev := p[len(p)-2]
		switch {
		case end.X > prev.X:
			head = ">"
		case end.X < prev.X:
			head = "<"
		case end.Y < prev.Y:
			head = "^"
		}
	}
	g.set(end.X, end.Y, head, st)
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// corner picks the box-drawing corner for a turn from moving in
// direction (ix, iy) to moving in direction (ox, oy).
func corner(ix, iy, ox, oy int) string {
	// The sides of the cell the line touches: where it came from and
	// where it goes.
	left := ix > 0 || ox < 0
	right := ix < 0 || ox > 0
	top := iy > 0 || oy < 0
	bottom := iy < 0 || oy > 0
	switch {
	case left && bottom:
		return "┐"
	case left && top:
		return "┘"
	case right && bottom:
		return "┌"
	case right && top:
		return "└"
	}
	return "┼"
}

// StateDiagram is the RFC 9293 state diagram with the client's and the
// server's current states lit (and marked C and S, for screens without
// colour) and the last transition's edge marked. When the pane is smaller
// than 60×20 it falls back to a list of the states.
type StateDiagram struct {
	*tview.Box
	lang  i18n.Lang
	conn  fsm.Conn
	steps []session.Step
	sel   int
}

// NewStateDiagram returns an empty state diagram.
func NewStateDiagram() *StateDiagram {
	d := &StateDiagram{Box: tview.NewBox(), sel: -1}
	d.SetLang(i18n.En)
	return d
}

// SetData shows conn as it is after steps[selected] (a position in steps,
// -1 for none).
func (d *StateDiagram) SetData(conn fsm.Conn, steps []session.Step, selected int) {
	d.conn, d.steps, d.sel = conn, steps, selected
}

// SetLang switches the language of the labels and title.
func (d *StateDiagram) SetLang(lang i18n.Lang) {
	d.lang = lang
	d.SetTitle(" " + lang.T(i18n.KeyStateDiagram) + " ")
}

// SetConn implements the app's ConnView.
func (d *StateDiagram) SetConn(conn fsm.Conn, steps []session.Step, selected int, lang i18n.Lang) {
	d.SetLang(lang)
	d.SetData(conn, steps, selected)
}

// lit returns where both roles' states are lit and the latest
// transitions (view.Lit).
func (d *StateDiagram) lit() ([2]view.Place, []fsm.Transition) {
	return view.Lit(d.steps, d.sel)
}

// Draw draws the diagram (or the list when the pane is too small).
func (d *StateDiagram) Draw(screen tcell.Screen) {
	d.DrawForSubclass(screen, d)
	x, y, w, h := d.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	var g *sdGrid
	switch {
	case w >= sdW && h >= sdH:
		g = d.figure()
	case w >= sdcW && h >= sdcH-1:
		g = d.compactFigure(h)
	default:
		g = d.list(w, h)
	}
	ox := x + max(0, (w-g.w)/2)
	for cy := 0; cy < g.h && cy < h; cy++ {
		for cx := 0; cx < g.w && cx < w; cx++ {
			c := g.cells[cy*g.w+cx]
			if c.text != "" {
				st := c.st
				if _, bg, _ := st.Decompose(); bg == tcell.ColorDefault {
					st = st.Background(d.GetBackgroundColor())
				}
				screen.Put(ox+cx, y+cy, c.text, st)
			}
		}
	}
}

var (
	sdLine   = tcell.StyleDefault.Dim(true)
	sdLabel  = tcell.StyleDefault.Dim(true)
	sdLast   = tcell.StyleDefault.Bold(true).Foreground(tcell.ColorGreen)
	sdPlain  = tcell.StyleDefault
	sdClient = tcell.StyleDefault.Background(ClientColor).Foreground(tcell.ColorBlack).Bold(true)
	sdServer = tcell.StyleDefault.Background(ServerColor).Foreground(tcell.ColorBlack).Bold(true)
	sdBoth   = tcell.StyleDefault.Background(tcell.ColorGreen).Foreground(tcell.ColorBlack).Bold(true)
)

// boxStyle is the style of a box lit for the given roles.
func boxStyle(c, s bool) tcell.Style {
	switch {
	case c && s:
		return sdBoth
	case c:
		return sdClient
	case s:
		return sdServer
	}
	return sdPlain
}

// boxText is "[C ESTABLISHED S]": the name centred in 13 columns between
// the two marks.
func boxText(s fsm.State, c, sv bool) string {
	n := s.String()
	pad := 13 - len(n)
	mc, ms := " ", " "
	if c {
		mc = "C"
	}
	if sv {
		ms = "S"
	}
	return "[" + mc + spaces(pad/2) + n + spaces(pad-pad/2) + ms + "]"
}

func spaces(n int) string {
	b := make([]byte, max(0, n))
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

func (d *StateDiagram) figure() *sdGrid {
	g := newGrid(sdW, sdH)
	lit, last := d.lit()
	for i := range fullFig.Edges {
		e := &fullFig.Edges[i]
		st, lst := sdLine, sdLabel
		if e.Lights(last) {
			st, lst = sdLast, sdLast
		}
		g.polyline(e.Path, st)
		g.text(e.LX, e.LY, e.LabelIn(d.lang), lst)
	}
	for _, b := range fullFig.Boxes {
		c, s := lit[fsm.Client] == b.Place, lit[fsm.Server] == b.Place
		g.text(b.X, b.Y, boxText(b.State, c, s), boxStyle(c, s))
	}
	g.text(0, sdH-2, d.lang.T(i18n.KeyStateLegend), sdLabel)
	d.caption(g, sdH-1, last)
	return g
}

// caption writes the latest transitions on row y, each in its role's
// colour.
func (d *StateDiagram) caption(g *sdGrid, y int, last []fsm.Transition) {
	if len(last) == 0 {
		return
	}
	for x := 0; x < g.w; x++ {
		g.set(x, y, " ", tcell.StyleDefault)
	}
	x := 0
	for i, t := range last {
		who := "C"
		st := tcell.StyleDefault.Foreground(ClientColor).Bold(true)
		if t.Endpoint == fsm.Server {
			who = "S"
			st = tcell.StyleDefault.Foreground(ServerColor).Bold(true)
		}
		var s string
		if i == 0 {
			s = view.LastCaption(d.lang, who, t, g.w)
		} else {
			s = ", " + who + " " + t.From.String() + " → " + t.To.String()
		}
		if i > 0 && x+uniseg.StringWidth(s) > g.w {
			break
		}
		x = g.text(x, y, s, st)
	}
}

// listOrder is the order of the fallback list: the opening states, then
// the active closer's path, then the passive closer's.
var listOrder = []fsm.State{
	fsm.Closed, fsm.Listen, fsm.SynSent, fsm.SynRecv, fsm.Established,
	fsm.FinWait1, fsm.FinWait2, fsm.Closing, fsm.TimeWait, fsm.CloseWait, fsm.LastAck,
}

// list is the fallback for panes too small for the compact figure: the
// states in columns, lit like the boxes, always with their full names
// (students must recognise them); what does not fit is clipped.
func (d *StateDiagram) list(w, h int) *sdGrid {
	g := newGrid(w, h)
	at, last := d.lit()
	lit := [2]fsm.State{at[fsm.Client].State, at[fsm.Server].State}
	rows := h
	if len(last) > 0 && h > 1 {
		rows = h - 1
	}
	const nameW = 11
	n := len(listOrder)
	cols := max(1, min(4, (w+1)/(nameW+7)))
	for c := 1; c <= cols; c++ {
		if (n+c-1)/c <= rows {
			cols = c
			break
		}
	}
	per := (n + cols - 1) / cols
	order := listOrder
	if per > rows {
		// Not all fit: the lit states first, so the pane always shows
		// where the endpoints are.
		order = nil
		for _, s := range listOrder {
			if s == lit[fsm.Client] || s == lit[fsm.Server] {
				order = append(order, s)
			}
		}
		for _, s := range listOrder {
			if s != lit[fsm.Client] && s != lit[fsm.Server] {
				order = append(order, s)
			}
		}
		per = rows
	}
	for i, s := range order {
		col, row := i/per, i%per
		if row >= rows || col >= cols {
			continue
		}
		c, sv := lit[fsm.Client] == s, lit[fsm.Server] == s
		g.text(col*(nameW+7), row, listEntry(s.String(), nameW, c, sv), boxStyle(c, sv))
	}
	if len(last) > 0 && h > 1 {
		d.caption(g, min(per, rows), last)
	}
	return g
}

// listEntry is "[C name S]" with the name centred in nameW+2 columns.
func listEntry(name string, nameW int, c, sv bool) string {
	pad := nameW + 2 - len(name)
	mc, ms := " ", " "
	if c {
		mc = "C"
	}
	if sv {
		ms = "S"
	}
	return "[" + mc + spaces(pad/2) + name + spaces(pad-pad/2) + ms + "]"
}

// compactBoxText is "C NAME S" with the marks of the roles lit there.
func compactBoxText(s fsm.State, c, sv bool) string {
	mc, ms := " ", " "
	if c {
		mc = "C"
	}
	if sv {
		ms = "S"
	}
	return mc + " " + s.String() + " " + ms
}

func (d *StateDiagram) compactFigure(h int) *sdGrid {
	g := newGrid(sdcW, min(h, sdcH))
	lit, last := d.lit()
	for i := range compactFig.Edges {
		e := &compactFig.Edges[i]
		st := sdLine
		if e.Lights(last) {
			st = sdLast
		}
		g.polyline(e.Path, st)
		g.text(e.LX, e.LY, e.LabelIn(d.lang), st)
	}
	for _, b := range compactFig.Boxes {
		c, s := lit[fsm.Client] == b.Place, lit[fsm.Server] == b.Place
		g.text(b.X, b.Y, compactBoxText(b.State, c, s), boxStyle(c, s))
	}
	if g.h > sdcH-1 {
		d.caption(g, sdcH-1, last)
	}
	return g
}
