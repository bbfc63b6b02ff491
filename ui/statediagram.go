package ui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// The compact RFC 9293 Figure 5, drawn on a grid of sdW×sdH cells: one
// line per state box, edges as polylines with their labels. CLOSED has two
// boxes as in the RFC: the top one before a connection, the bottom one
// after it.
const (
	sdW    = 60
	sdH    = 20
	boxW   = 17 // "[C ESTABLISHED S]"
	colL   = 0
	colM   = 21
	colR   = 43
	closed = fsm.State(255) // the bottom CLOSED box
)

type sdBox struct {
	state fsm.State // closed for the bottom CLOSED
	x, y  int
}

var sdBoxes = []sdBox{
	{fsm.Closed, colM, 0},
	{fsm.Listen, colL, 2},
	{fsm.SynSent, colR, 2},
	{fsm.SynRecv, colL, 5},
	{fsm.Established, colM, 7},
	{fsm.FinWait1, colL, 10},
	{fsm.CloseWait, colR, 10},
	{fsm.Closing, colM, 13},
	{fsm.FinWait2, colL, 15},
	{fsm.LastAck, colR, 15},
	{fsm.TimeWait, colM, 17},
	{closed, colR, 17},
}

type pt struct{ x, y int }

// sdEdge is a transition of Figure 5: a polyline from a box to a box (the
// last point gets the arrow head) and a label.
type sdEdge struct {
	from, to fsm.State
	path     []pt
	label    i18n.Key
	lx, ly   int
}

var sdEdges = []sdEdge{
	{fsm.Closed, fsm.Listen, []pt{{21, 0}, {8, 0}, {8, 1}}, i18n.KeyEdgePassiveOpen, 10, 1},
	{fsm.Closed, fsm.SynSent, []pt{{37, 0}, {51, 0}, {51, 1}}, i18n.KeyEdgeActiveOpen, 31, 1},
	{fsm.Listen, fsm.SynRecv, []pt{{8, 2}, {8, 4}}, i18n.KeyEdgeRcvSyn, 10, 3},
	{fsm.SynSent, fsm.SynRecv, []pt{{47, 2}, {47, 5}, {17, 5}}, i18n.KeyEdgeRcvSyn, 24, 4},
	{fsm.SynRecv, fsm.Established, []pt{{4, 5}, {4, 7}, {20, 7}}, i18n.KeyEdgeRcvAckOfSyn, 6, 6},
	{fsm.SynSent, fsm.Established, []pt{{56, 2}, {56, 7}, {38, 7}}, i18n.KeyEdgeRcvSynAck, 36, 6},
	{fsm.Established, fsm.FinWait1, []pt{{23, 7}, {23, 8}, {8, 8}, {8, 9}}, i18n.KeyEdgeClose, 10, 9},
	{fsm.Established, fsm.CloseWait, []pt{{35, 7}, {35, 8}, {51, 8}, {51, 9}}, i18n.KeyEdgeRcvFin, 35, 9},
	{fsm.FinWait1, fsm.FinWait2, []pt{{4, 10}, {4, 14}}, i18n.KeyEdgeRcvAckOfFin, 6, 12},
	{fsm.FinWait1, fsm.Closing, []pt{{16, 10}, {29, 10}, {29, 12}}, i18n.KeyEdgeRcvFin, 31, 11},
	{fsm.CloseWait, fsm.LastAck, []pt{{55, 10}, {55, 14}}, i18n.KeyEdgeClose, 41, 12},
	{fsm.FinWait2, fsm.TimeWait, []pt{{8, 15}, {8, 17}, {20, 17}}, i18n.KeyEdgeRcvFin, 10, 16},
	{fsm.Closing, fsm.TimeWait, []pt{{29, 13}, {29, 16}}, i18n.KeyEdgeRcvAckOfFin, 31, 14},
	{fsm.LastAck, closed, []pt{{51, 15}, {51, 16}}, i18n.KeyEdgeRcvAckOfFin, 35, 16},
	{fsm.TimeWait, closed, []pt{{37, 17}, {42, 17}}, i18n.KeyEdgeTimeout, 38, 18},
}

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
func (g *sdGrid) polyline(p []pt, st tcell.Style) {
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		dx, dy := sign(b.x-a.x), sign(b.y-a.y)
		for x, y := a.x, a.y; ; x, y = x+dx, y+dy {
			ch := "─"
			if dx == 0 {
				ch = "│"
			}
			g.set(x, y, ch, st)
			if x == b.x && y == b.y {
				break
			}
		}
		if i > 0 { // corner at a
			in := p[i-1]
			g.set(a.x, a.y, corner(sign(a.x-in.x), sign(a.y-in.y), dx, dy), st)
		}
	}
	end := p[len(p)-1]
	head := "v"
	if len(p) > 1 {
		prev := p[len(p)-2]
		switch {
		case end.x > prev.x:
			head = ">"
		case end.x < prev.x:
			head = "<"
		case end.y < prev.y:
			head = "^"
		}
	}
	g.set(end.x, end.y, head, st)
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

// lit returns the states to light for both roles (Unknown when there is
// no connection), using the bottom CLOSED box for an endpoint that closed
// after being synchronized.
func (d *StateDiagram) lit() (st [2]fsm.State, last []fsm.Transition) {
	if d.sel < 0 || d.sel >= len(d.steps) {
		return st, nil
	}
	s := &d.steps[d.sel]
	st = s.States
	for r := range st {
		if st[r] != fsm.Closed {
			continue
		}
		// Find how the endpoint got to CLOSED.
		for i := d.sel; i >= 0; i-- {
			found := false
			for k := len(d.steps[i].Changes) - 1; k >= 0; k-- {
				c := d.steps[i].Changes[k]
				if c.Endpoint == fsm.Role(r) && c.To == fsm.Closed {
					if c.From.Synchronized() {
						st[r] = closed
					}
					found = true
					break
				}
			}
			if found {
				break
			}
		}
	}
	// The latest step at or before the selection that changed a state.
	for i := d.sel; i >= 0; i-- {
		if len(d.steps[i].Changes) > 0 {
			last = d.steps[i].Changes
			break
		}
	}
	return st, last
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

func stateName(s fsm.State) string {
	if s == closed {
		return fsm.Closed.String()
	}
	return s.String()
}

// boxText is "[C ESTABLISHED S]": the name centred in 13 columns between
// the two marks.
func boxText(s fsm.State, c, sv bool) string {
	n := stateName(s)
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
	for _, e := range sdEdges {
		st, lst := sdLine, sdLabel
		if lastEdge(e.from, e.to, last) {
			st, lst = sdLast, sdLast
		}
		g.polyline(e.path, st)
		g.text(e.lx, e.ly, d.lang.T(e.label), lst)
	}
	for _, b := range sdBoxes {
		c, s := lit[fsm.Client] == b.state, lit[fsm.Server] == b.state
		g.text(b.x, b.y, boxText(b.state, c, s), boxStyle(c, s))
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
			s = lastCaption(d.lang, who, t, g.w)
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
	lit, last := d.lit()
	for r := range lit {
		if lit[r] == closed {
			lit[r] = fsm.Closed
		}
	}
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

// The compact figure: the same states and edges as the full one on a
// sdcW×sdcH grid, for a pane beside the ladder at 100×30. State names are
// written in full (students must recognise them); the edges are labelled
// with what makes them happen in the words a program and a capture use in
// both languages (listen(), connect(), close(), SYN, ACK, FIN, 2MSL), so
// the figure needs no translation. The last row is the caption.
const (
	sdcW = 42
	sdcH = 14
)

// sdcBox is a compact box: "C NAME S", the marks lit for the roles.
var sdcBoxes = []sdBox{
	{fsm.Closed, 15, 0},
	{fsm.Listen, 0, 2},
	{fsm.SynSent, 27, 2},
	{fsm.SynRecv, 0, 4},
	{fsm.Established, 12, 5},
	{fsm.FinWait1, 0, 8},
	{fsm.CloseWait, 26, 8},
	{fsm.FinWait2, 0, 10},
	{fsm.Closing, 14, 10},
	{fsm.LastAck, 27, 10},
	{fsm.TimeWait, 8, 12},
	{closed, 28, 12},
}

// sdcEdge is a compact edge: a polyline that may start inside its box
// (boxes are drawn last) and a label that may lie on the line.
type sdcEdge struct {
	from, to fsm.State
	path     []pt
	label    string
	lx, ly   int
}

var sdcEdges = []sdcEdge{
	{fsm.Closed, fsm.Listen, []pt{{16, 0}, {5, 0}, {5, 1}}, "listen()", 7, 1},
	{fsm.Closed, fsm.SynSent, []pt{{23, 0}, {33, 0}, {33, 1}}, "connect()", 23, 1},
	{fsm.Listen, fsm.SynRecv, []pt{{5, 2}, {5, 3}}, "SYN", 7, 3},
	{fsm.SynSent, fsm.SynRecv, []pt{{28, 2}, {15, 2}, {15, 4}, {12, 4}}, "SYN", 18, 2},
	{fsm.SynSent, fsm.Established, []pt{{35, 2}, {35, 5}, {27, 5}}, "SYN+ACK", 27, 3},
	{fsm.SynRecv, fsm.Established, []pt{{3, 4}, {3, 5}, {11, 5}}, "ACK", 5, 5},
	{fsm.Established, fsm.FinWait1, []pt{{15, 5}, {15, 6}, {6, 6}, {6, 7}}, "close()", 8, 7},
	{fsm.Established, fsm.CloseWait, []pt{{23, 5}, {23, 6}, {32, 6}, {32, 7}}, "FIN", 34, 7},
	{fsm.FinWait1, fsm.FinWait2, []pt{{4, 8}, {4, 9}}, "ACK", 6, 9},
	{fsm.FinWait1, fsm.Closing, []pt{{14, 8}, {19, 8}, {19, 9}}, "FIN", 21, 9},
	{fsm.CloseWait, fsm.LastAck, []pt{{33, 8}, {33, 9}}, "close()", 35, 9},
	{fsm.FinWait2, fsm.TimeWait, []pt{{4, 10}, {4, 12}, {7, 12}}, "FIN", 6, 11},
	{fsm.Closing, fsm.TimeWait, []pt{{18, 10}, {18, 11}}, "ACK", 20, 11},
	{fsm.LastAck, closed, []pt{{33, 10}, {33, 11}}, "ACK", 35, 11},
	{fsm.TimeWait, closed, []pt{{21, 12}, {27, 12}}, "2MSL", 22, 12},
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
	return mc + " " + stateName(s) + " " + ms
}

// lastEdge reports whether edge from→to is one of the transitions in last.
func lastEdge(from, to fsm.State, last []fsm.Transition) bool {
	for _, t := range last {
		if from == t.From && (to == t.To || to == closed && t.To == fsm.Closed && t.From.Synchronized()) {
			return true
		}
	}
	return false
}

func (d *StateDiagram) compactFigure(h int) *sdGrid {
	g := newGrid(sdcW, min(h, sdcH))
	lit, last := d.lit()
	for _, e := range sdcEdges {
		st := sdLine
		if lastEdge(e.from, e.to, last) {
			st = sdLast
		}
		g.polyline(e.path, st)
		g.text(e.lx, e.ly, e.label, st)
	}
	for _, b := range sdcBoxes {
		c, s := lit[fsm.Client] == b.state, lit[fsm.Server] == b.state
		g.text(b.x, b.y, compactBoxText(b.state, c, s), boxStyle(c, s))
	}
	if g.h > sdcH-1 {
		d.caption(g, sdcH-1, last)
	}
	return g
}
