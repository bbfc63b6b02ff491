package ui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// This file lets other renderers (the exported web page) draw the same
// RFC 9293 figure and the same explanation as the terminal panes, from the
// same code: the figure's geometry, which boxes and edges are lit at a
// step, and the explanation as plain lines.

// FigureSize is the size of the figure's grid, in cells.
const (
	FigureW = sdW
	FigureH = sdH
	// FigureBoxW is a box's width in cells ("[C ESTABLISHED S]").
	FigureBoxW = boxW
)

// FigureBox is one state box of the figure at cell (X, Y). Bottom marks
// the lower CLOSED box (after a connection), as in the RFC's drawing.
type FigureBox struct {
	State  fsm.State
	Bottom bool
	X, Y   int
}

// FigureEdge is one transition of the figure: a polyline of cells from
// box to box (the last point takes the arrow head) and its label at
// (LX, LY).
type FigureEdge struct {
	From, To fsm.State
	ToBottom bool // the edge ends at the lower CLOSED box
	Path     [][2]int
	Label    i18n.Key
	LX, LY   int
}

// Figure returns the boxes and edges of the state diagram pane's figure.
func Figure() ([]FigureBox, []FigureEdge) {
	boxes := make([]FigureBox, len(sdBoxes))
	for i, b := range sdBoxes {
		boxes[i] = FigureBox{State: b.state, X: b.x, Y: b.y}
		if b.state == closed {
			boxes[i].State, boxes[i].Bottom = fsm.Closed, true
		}
	}
	edges := make([]FigureEdge, len(sdEdges))
	for i, e := range sdEdges {
		edges[i] = FigureEdge{From: e.from, To: e.to, Label: e.label, LX: e.lx, LY: e.ly}
		if e.to == closed {
			edges[i].To, edges[i].ToBottom = fsm.Closed, true
		}
		for _, p := range e.path {
			edges[i].Path = append(edges[i].Path, [2]int{p.x, p.y})
		}
	}
	return boxes, edges
}

// FigureLit returns what the state diagram pane lights after
// steps[selected]: per role, the index in Figure's boxes of the box lit
// (-1 for none, e.g. UNKNOWN), the indexes of the edges drawn as the
// latest transition, and that transition list (for the caption).
func FigureLit(steps []session.Step, selected int) (box [2]int, edges []int, last []fsm.Transition) {
	d := &StateDiagram{steps: steps, sel: selected}
	lit, last := d.lit()
	for r := range box {
		box[r] = -1
		for i, b := range sdBoxes {
			if b.state == lit[r] {
				box[r] = i
			}
		}
	}
	for i, e := range sdEdges {
		if lastEdge(e.from, e.to, last) {
			edges = append(edges, i)
		}
	}
	return box, edges, last
}

// ExplainClass says how a line of the explanation is styled.
type ExplainClass string

// Explanation line classes, matching the pane's styles.
const (
	ExplainPlain  ExplainClass = ""
	ExplainHead   ExplainClass = "head"
	ExplainNote   ExplainClass = "note"
	ExplainDim    ExplainClass = "dim"
	ExplainClient ExplainClass = "client"
	ExplainServer ExplainClass = "server"
)

// ExplainLine is one paragraph of the explanation pane as plain text
// (never holding tview tags or control characters: the payload preview is
// quoted) with its style class and indent in columns. An empty Text is a
// blank line.
type ExplainLine struct {
	Text   string
	Class  ExplainClass
	Indent int
}

// ExplainText returns the explanation pane's text for steps[selected] of
// conn in lang, exactly as the pane builds it (conn and steps as the pane
// gets them: the connection as of that step and its steps up to it).
func ExplainText(conn fsm.Conn, steps []session.Step, selected int, lang i18n.Lang) []ExplainLine {
	e := &Explain{lang: lang, conn: conn, steps: steps, sel: selected}
	ps := e.paras()
	out := make([]ExplainLine, len(ps))
	for i, p := range ps {
		out[i] = ExplainLine{Text: p.text, Class: explainClass(p.st), Indent: p.indent}
	}
	return out
}

func explainClass(st tcell.Style) ExplainClass {
	switch st {
	case exHead:
		return ExplainHead
	case exNote:
		return ExplainNote
	case exDim:
		return ExplainDim
	case exClient:
		return ExplainClient
	case exServer:
		return ExplainServer
	}
	return ExplainPlain
}
