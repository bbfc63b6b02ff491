package view

import (
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// boxWidth is the width in cells of box b as the terminal draws it.
func (f *Figure) boxWidth(b Box) int {
	if f.BoxW > 0 {
		return f.BoxW
	}
	return len(b.State.String()) + 4 // compact: "C NAME S"
}

// render draws f in plain characters (boxes as their names, edges as
// lines with '*' at the arrow head, labels in language l), and reports
// cells claimed twice: an edge over a box or another edge, a label over
// anything.
func (f *Figure) render(l i18n.Lang) (text string, clashes []string) {
	grid := make([][]rune, f.H)
	owner := make([][]string, f.H)
	for y := range grid {
		grid[y] = []rune(strings.Repeat(" ", f.W))
		owner[y] = make([]string, f.W)
	}
	claim := func(x, y int, r rune, who string, may func(string) bool) {
		if x < 0 || y < 0 || x >= f.W || y >= f.H {
			clashes = append(clashes, who+" leaves the grid")
			return
		}
		if o := owner[y][x]; o != "" && !may(o) {
			clashes = append(clashes, who+" over "+o)
		}
		grid[y][x], owner[y][x] = r, who
	}
	never := func(string) bool { return false }
	for _, b := range f.Boxes {
		name := b.State.String()
		if b.Bottom {
			name += "(bottom)"
		}
		w := f.boxWidth(b)
		for i := 0; i < w; i++ {
			r := ' '
			if k := i - (w-len(b.State.String()))/2; k >= 0 && k < len(b.State.String()) {
				r = rune(b.State.String()[k])
			}
			claim(b.X+i, b.Y, r, "box "+name, never)
		}
	}
	for i := range f.Edges {
		e := &f.Edges[i]
		who := "edge " + e.From.String() + "→" + e.To.State.String()
		from := "box " + e.From.String()
		for k := 0; k+1 < len(e.Path); k++ {
			a, b := e.Path[k], e.Path[k+1]
			dx, dy := sgn(b.X-a.X), sgn(b.Y-a.Y)
			for x, y := a.X, a.Y; ; x, y = x+dx, y+dy {
				r := '─'
				if dx == 0 {
					r = '│'
				}
				if x == b.X && y == b.Y && k+2 == len(e.Path) {
					r = '*'
				}
				claim(x, y, r, who, func(o string) bool { return o == who || o == from && k == 0 })
				if x == b.X && y == b.Y {
					break
				}
			}
		}
		x := e.LX
		for _, g := range splitGraphemes(e.LabelIn(l)) {
			claim(x, e.LY, []rune(g)[0], "label of "+who, func(o string) bool { return f.BoxW == 0 && o == who })
			x += uniseg.StringWidth(g)
		}
	}
	for _, b := range f.Boxes { // drawn over the lines that start in them
		w := f.boxWidth(b)
		for i := 0; i < w; i++ {
			r := ' '
			if k := i - (w-len(b.State.String()))/2; k >= 0 && k < len(b.State.String()) {
				r = rune(b.State.String()[k])
			}
			grid[b.Y][b.X+i] = r
		}
	}
	var b strings.Builder
	for _, row := range grid {
		b.WriteString(strings.TrimRight(string(row), " ") + "\n")
	}
	return b.String(), clashes
}

func splitGraphemes(s string) []string {
	var out []string
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		out = append(out, g.Str())
		for k := 1; k < uniseg.StringWidth(g.Str()); k++ {
			out = append(out, " ")
		}
	}
	return out
}

func sgn(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func figures() map[string]Figure {
	return map[string]Figure{"full": FullFigure(), "compact": CompactFigure()}
}

// TestFigureEdgesAreEdges: every edge drawn in either figure is an edge
// of fsm.Edges(), ends where Lights says the endpoint lands (the bottom
// CLOSED box after a synchronized state, the top one before), and its
// line ends next to its target box.
func TestFigureEdgesAreEdges(t *testing.T) {
	legal := map[[2]fsm.State]bool{}
	for _, e := range fsm.Edges() {
		legal[[2]fsm.State{e.From, e.To}] = true
	}
	for name, f := range figures() {
		boxAt := map[Place]Box{}
		for _, b := range f.Boxes {
			boxAt[b.Place] = b
		}
		for _, e := range f.Edges {
			if !legal[[2]fsm.State{e.From, e.To.State}] {
				t.Errorf("%s figure draws %v → %v: not in fsm.Edges()", name, e.From, e.To.State)
			}
			if want := placeAfter(fsm.Transition{From: e.From, To: e.To.State}); e.To != want {
				t.Errorf("%s figure: %v → %v ends at %+v, the endpoint lands at %+v", name, e.From, e.To.State, e.To, want)
			}
			b, ok := boxAt[e.To]
			end := e.Path[len(e.Path)-1]
			w := f.boxWidth(b)
			near := end.Y == b.Y && (end.X == b.X-1 || end.X == b.X+w) || (end.Y == b.Y-1 || end.Y == b.Y+1) && end.X >= b.X && end.X < b.X+w
			if !ok || !near {
				t.Errorf("%s figure: %v → %v ends at %v, not beside its box %+v", name, e.From, e.To.State, end, b)
			}
		}
	}
}

// TestFigureNoClash: no edge crosses a box or another edge and no label
// covers anything, in every language (the compact figure's labels may lie
// on their own line).
func TestFigureNoClash(t *testing.T) {
	for name, f := range figures() {
		for _, l := range i18n.Langs() {
			text, clashes := f.render(l)
			for _, c := range clashes {
				t.Errorf("%s figure, %v: %s", name, l, c)
			}
			if len(clashes) > 0 || testing.Verbose() {
				t.Logf("%s figure, %v:\n%s", name, l, text)
			}
		}
	}
}

// TestFigureLightsRefusedAndFinAck: a refused connection lights the
// client's SYN_SENT → CLOSED (the RST), and a close whose FIN carries the
// ACK of the peer's FIN lights FIN_WAIT_1 → TIME_WAIT.
func TestFigureLightsRefusedAndFinAck(t *testing.T) {
	r := refused()
	full := FullFigure()
	_, lit, _ := full.Lit(r.Steps, len(r.Steps)-1)
	if !litEdge(&full, lit, fsm.SynSent, fsm.Closed) {
		t.Errorf("refused: the full figure lights %v, not SYN_SENT → CLOSED", lit)
	}
	b := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	b.Seg(time.Millisecond, cl, fsm.FIN|fsm.ACK, 1, 1, "", []diagramtest.Change{{Who: cl, To: fsm.FinWait1, Reason: fsm.ReasonActiveClose}, {Who: sv, To: fsm.CloseWait, Reason: fsm.ReasonFinReceived}})
	b.Seg(time.Millisecond, sv, fsm.FIN|fsm.ACK, 1, 2, "", []diagramtest.Change{{Who: sv, To: fsm.LastAck, Reason: fsm.ReasonPassiveClose}, {Who: cl, To: fsm.TimeWait, Reason: fsm.ReasonFinAndAck}})
	for name, f := range figures() {
		_, lit, _ := f.Lit(b.Steps, len(b.Steps)-1)
		if !litEdge(&f, lit, fsm.FinWait1, fsm.TimeWait) || !litEdge(&f, lit, fsm.CloseWait, fsm.LastAck) {
			t.Errorf("%s figure: FIN+ACK in FIN_WAIT_1 lights %v", name, lit)
		}
	}
}

func litEdge(f *Figure, lit []int, from, to fsm.State) bool {
	for _, i := range lit {
		if f.Edges[i].From == from && f.Edges[i].To.State == to {
			return true
		}
	}
	return false
}

// TestFigureTimeWaitLabel: TIME_WAIT → CLOSED is labelled 2MSL in every
// figure and language.
func TestFigureTimeWaitLabel(t *testing.T) {
	for name, f := range figures() {
		found := false
		for _, e := range f.Edges {
			if e.From != fsm.TimeWait || e.To.State != fsm.Closed {
				continue
			}
			found = true
			for _, l := range i18n.Langs() {
				if got := e.LabelIn(l); got != "2MSL" {
					t.Errorf("%s figure, %v: TIME_WAIT → CLOSED labelled %q", name, l, got)
				}
			}
		}
		if !found {
			t.Errorf("%s figure: no TIME_WAIT → CLOSED edge", name)
		}
	}
}
