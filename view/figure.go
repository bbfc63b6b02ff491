package view

import (
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// The RFC 9293 Figure 5 as every front-end draws it: boxes and edges on a
// grid of cells (the terminal draws a cell as a character, the page and
// the SVG scale it). CLOSED has two boxes as in the RFC: the top one
// before a connection, the bottom one after it.

// Place is where an endpoint's state is drawn: its state's box, and for
// CLOSED whether it is the bottom box (an endpoint that closed after it
// was synchronized).
type Place struct {
	State  fsm.State
	Bottom bool
}

// Box is one state box whose left cell is (X, Y).
type Box struct {
	Place
	X, Y int
}

// Point is one cell of the grid.
type Point struct{ X, Y int }

// Edge is one transition of the figure: a polyline of cells from box to
// box (the last point takes the arrow head; the first may lie inside its
// box, which is drawn over it) and its label at (LX, LY). Every edge is
// an edge of fsm.Edges().
type Edge struct {
	From fsm.State
	To   Place
	Path []Point
	// Label is the label's text key (translated); Text, when Label is
	// empty, the same text in every language.
	Label  i18n.Key
	Text   string
	LX, LY int
}

// LabelIn is the edge's label in language l.
func (e *Edge) LabelIn(l i18n.Lang) string {
	if e.Label != "" {
		return l.T(e.Label)
	}
	return e.Text
}

// Lights reports whether the edge is one of the transitions in last.
func (e *Edge) Lights(last []fsm.Transition) bool {
	for _, t := range last {
		if e.From == t.From && e.To == placeAfter(t) {
			return true
		}
	}
	return false
}

// placeAfter is where transition t leaves its endpoint: CLOSED after a
// synchronized state is the bottom box.
func placeAfter(t fsm.Transition) Place {
	return Place{t.To, t.To == fsm.Closed && t.From.Synchronized()}
}

// Figure is a drawing of the state diagram: W×H cells, the last two rows
// for the legend and the caption (the compact figure: the last row, for
// the caption), boxes BoxW cells wide (the compact figure: the box's text
// decides).
type Figure struct {
	W, H, BoxW int
	Boxes      []Box
	Edges      []Edge
}

// Lit returns what the figure lights after steps[selected]: per role, the
// index in f.Boxes of the box lit (-1 for none, e.g. UNKNOWN), the indexes
// of the edges drawn as the latest transition, and that transition list
// (for the caption).
func (f *Figure) Lit(steps []session.Step, selected int) (box [2]int, edges []int, last []fsm.Transition) {
	at, last := Lit(steps, selected)
	for r := range box {
		box[r] = -1
		for i, b := range f.Boxes {
			if b.Place == at[r] {
				box[r] = i
			}
		}
	}
	for i := range f.Edges {
		if f.Edges[i].Lights(last) {
			edges = append(edges, i)
		}
	}
	return box, edges, last
}

// Lit returns where both roles' states are drawn after steps[selected]
// (Unknown when there is no step), the bottom CLOSED box for an endpoint
// that closed after being synchronized, and the latest transitions at or
// before the selection.
func Lit(steps []session.Step, selected int) (at [2]Place, last []fsm.Transition) {
	if selected < 0 || selected >= len(steps) {
		return at, nil
	}
	s := &steps[selected]
	for r := range at {
		at[r].State = s.States[r]
		if at[r].State != fsm.Closed {
			continue
		}
		// Find how the endpoint got to CLOSED.
		for i := selected; i >= 0; i-- {
			found := false
			for k := len(steps[i].Changes) - 1; k >= 0; k-- {
				c := steps[i].Changes[k]
				if c.Endpoint == fsm.Role(r) && c.To == fsm.Closed {
					at[r].Bottom = c.From.Synchronized()
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
	for i := selected; i >= 0; i-- {
		if len(steps[i].Changes) > 0 {
			last = steps[i].Changes
			break
		}
	}
	return at, last
}

// The figures' sizes in cells.
const (
	FullW, FullH       = 60, 20
	FullBoxW           = 17 // "[C ESTABLISHED S]"
	CompactW, CompactH = 42, 14
)

// FullFigure is the figure of a pane of at least 60×20 cells and of the
// web page, its edges labelled as in the RFC.
func FullFigure() Figure {
	return Figure{W: FullW, H: FullH, BoxW: FullBoxW, Boxes: copyBoxes(fullBoxes), Edges: copyEdges(fullEdges)}
}

// CompactFigure is the same states and edges on 42×14 cells, for a pane
// beside the ladder at 100×30. State names are written in full (students
// must recognise them); the edges are labelled with what makes them
// happen in the words a program and a capture use in both languages
// (listen(), connect(), close(), SYN, ACK, FIN, 2MSL), so it needs no
// translation. The last row is the caption.
func CompactFigure() Figure {
	return Figure{W: CompactW, H: CompactH, Boxes: copyBoxes(compactBoxes), Edges: copyEdges(compactEdges)}
}

func copyBoxes(b []Box) []Box { return append([]Box(nil), b...) }

func copyEdges(e []Edge) []Edge {
	out := append([]Edge(nil), e...)
	for i := range out {
		out[i].Path = append([]Point(nil), out[i].Path...)
	}
	return out
}

// Columns of the full figure.
const (
	colL = 0
	colM = 21
	colR = 43
)

var (
	top    = Place{State: fsm.Closed}
	bottom = Place{State: fsm.Closed, Bottom: true}
)

func at(s fsm.State) Place { return Place{State: s} }

var fullBoxes = []Box{
	{top, colM, 0},
	{at(fsm.Listen), colL, 2},
	{at(fsm.SynSent), colR, 2},
	{at(fsm.SynRecv), colL, 5},
	{at(fsm.Established), colM, 7},
	{at(fsm.FinWait1), colL, 10},
	{at(fsm.CloseWait), colR, 10},
	{at(fsm.Closing), colM, 13},
	{at(fsm.FinWait2), colL, 15},
	{at(fsm.LastAck), colR, 15},
	{at(fsm.TimeWait), colM, 17},
	{bottom, colR, 17},
}

var fullEdges = []Edge{
	{fsm.Closed, at(fsm.Listen), []Point{{21, 0}, {8, 0}, {8, 1}}, i18n.KeyEdgePassiveOpen, "", 10, 1},
	{fsm.Closed, at(fsm.SynSent), []Point{{37, 0}, {51, 0}, {51, 1}}, i18n.KeyEdgeActiveOpen, "", 31, 1},
	{fsm.Listen, at(fsm.SynRecv), []Point{{8, 2}, {8, 4}}, i18n.KeyEdgeRcvSyn, "", 10, 3},
	{fsm.SynSent, at(fsm.SynRecv), []Point{{47, 2}, {47, 5}, {17, 5}}, i18n.KeyEdgeRcvSyn, "", 24, 4},
	{fsm.SynRecv, at(fsm.Established), []Point{{4, 5}, {4, 7}, {20, 7}}, i18n.KeyEdgeRcvAckOfSyn, "", 6, 6},
	{fsm.SynSent, at(fsm.Established), []Point{{56, 2}, {56, 7}, {38, 7}}, i18n.KeyEdgeRcvSynAck, "", 36, 6},
	// A refused connect(): the SYN answered with RST (§3.10.7.3).
	{fsm.SynSent, top, []Point{{43, 2}, {25, 2}, {25, 1}}, "", "RST", 27, 1},
	{fsm.Established, at(fsm.FinWait1), []Point{{23, 7}, {23, 8}, {8, 8}, {8, 9}}, i18n.KeyEdgeClose, "", 10, 9},
	{fsm.Established, at(fsm.CloseWait), []Point{{35, 7}, {35, 8}, {51, 8}, {51, 9}}, i18n.KeyEdgeRcvFin, "", 35, 9},
	{fsm.FinWait1, at(fsm.FinWait2), []Point{{4, 10}, {4, 14}}, i18n.KeyEdgeRcvAckOfFin, "", 6, 12},
	{fsm.FinWait1, at(fsm.Closing), []Point{{16, 10}, {29, 10}, {29, 12}}, i18n.KeyEdgeRcvFin, "", 31, 11},
	// The peer's FIN and the ACK of our FIN in one segment: Linux's most
	// common close, three segments instead of four.
	{fsm.FinWait1, at(fsm.TimeWait), []Point{{14, 10}, {14, 11}, {20, 11}, {20, 15}, {26, 15}, {26, 16}}, "", "FIN+ACK", 21, 14},
	{fsm.CloseWait, at(fsm.LastAck), []Point{{55, 10}, {55, 14}}, i18n.KeyEdgeClose, "", 41, 12},
	{fsm.FinWait2, at(fsm.TimeWait), []Point{{8, 15}, {8, 17}, {20, 17}}, i18n.KeyEdgeRcvFin, "", 10, 16},
	{fsm.Closing, at(fsm.TimeWait), []Point{{29, 13}, {29, 16}}, i18n.KeyEdgeRcvAckOfFin, "", 31, 14},
	{fsm.LastAck, bottom, []Point{{51, 15}, {51, 16}}, i18n.KeyEdgeRcvAckOfFin, "", 35, 16},
	{fsm.TimeWait, bottom, []Point{{37, 17}, {42, 17}}, i18n.KeyEdgeTimeout, "", 38, 18},
}

var compactBoxes = []Box{
	{top, 15, 0},
	{at(fsm.Listen), 0, 2},
	{at(fsm.SynSent), 27, 2},
	{at(fsm.SynRecv), 0, 4},
	{at(fsm.Established), 12, 5},
	{at(fsm.FinWait1), 0, 8},
	{at(fsm.CloseWait), 26, 8},
	{at(fsm.FinWait2), 0, 10},
	{at(fsm.Closing), 15, 10},
	{at(fsm.LastAck), 27, 10},
	{at(fsm.TimeWait), 8, 12},
	{bottom, 28, 12},
}

var compactEdges = []Edge{
	{fsm.Closed, at(fsm.Listen), []Point{{16, 0}, {5, 0}, {5, 1}}, "", "listen()", 7, 1},
	{fsm.Closed, at(fsm.SynSent), []Point{{23, 0}, {33, 0}, {33, 1}}, "", "connect()", 23, 1},
	{fsm.Listen, at(fsm.SynRecv), []Point{{5, 2}, {5, 3}}, "", "SYN", 7, 3},
	{fsm.SynSent, at(fsm.SynRecv), []Point{{28, 2}, {15, 2}, {15, 4}, {12, 4}}, "", "SYN", 18, 2},
	{fsm.SynSent, at(fsm.Established), []Point{{35, 2}, {35, 5}, {27, 5}}, "", "SYN+ACK", 27, 3},
	{fsm.SynRecv, at(fsm.Established), []Point{{3, 4}, {3, 5}, {11, 5}}, "", "ACK", 5, 5},
	{fsm.Established, at(fsm.FinWait1), []Point{{15, 5}, {15, 6}, {6, 6}, {6, 7}}, "", "close()", 8, 7},
	{fsm.Established, at(fsm.CloseWait), []Point{{23, 5}, {23, 6}, {32, 6}, {32, 7}}, "", "FIN", 34, 7},
	{fsm.FinWait1, at(fsm.FinWait2), []Point{{4, 8}, {4, 9}}, "", "ACK", 0, 9},
	{fsm.FinWait1, at(fsm.Closing), []Point{{14, 8}, {19, 8}, {19, 9}}, "", "FIN", 21, 9},
	{fsm.FinWait1, at(fsm.TimeWait), []Point{{13, 8}, {13, 9}, {14, 9}, {14, 11}}, "", "FIN+ACK", 6, 9},
	{fsm.CloseWait, at(fsm.LastAck), []Point{{33, 8}, {33, 9}}, "", "close()", 35, 9},
	{fsm.FinWait2, at(fsm.TimeWait), []Point{{4, 10}, {4, 12}, {7, 12}}, "", "FIN", 6, 11},
	{fsm.Closing, at(fsm.TimeWait), []Point{{18, 10}, {18, 11}}, "", "ACK", 20, 11},
	{fsm.LastAck, bottom, []Point{{33, 10}, {33, 11}}, "", "ACK", 35, 11},
	{fsm.TimeWait, bottom, []Point{{21, 12}, {27, 12}}, "", "2MSL", 22, 12},
}
