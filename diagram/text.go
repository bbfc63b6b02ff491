package diagram

import (
	"bufio"
	"io"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Options configure an export.
type Options struct {
	Lang   i18n.Lang
	Width  int  // text: columns (default 80)
	Unfold bool // show every data segment instead of folding runs
	// RowGroups (SVG): wrap each row in <g class="row" data-first="i"
	// data-end="j"> (it shows steps[i:j]) starting with an unfilled
	// <rect class="hl"> the row's height, so a page can highlight a step.
	RowGroups bool
}

// Cell is one terminal column of a rendered line: a grapheme cluster
// and its class. Text is "" in the right half of a wide character.
type Cell struct {
	Text  string
	Class Class
}

// Cells renders a line into width columns. Later spans overwrite earlier
// ones; overwriting half of a wide character blanks its other half.
func Cells(ln Line, width int) []Cell {
	cells := make([]Cell, width)
	for i := range cells {
		cells[i] = Cell{" ", ClassPlain}
	}
	for _, sp := range ln.Spans {
		x := sp.X
		state := -1
		rest := sp.Text
		for rest != "" && x < width {
			var g string
			var w int
			g, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
			if x < 0 || w == 0 || x+w > width {
				x += w
				continue
			}
			if cells[x].Text == "" && x > 0 {
				cells[x-1] = Cell{" ", ClassPlain}
			}
			if x+w < width && cells[x+w].Text == "" {
				cells[x+w] = Cell{" ", ClassPlain}
			}
			cells[x] = Cell{g, sp.Class}
			for k := 1; k < w; k++ {
				cells[x+k] = Cell{"", sp.Class}
			}
			x += w
		}
	}
	return cells
}

// String renders a line as plain text of l.Width columns, trailing blanks
// trimmed.
func (l *Ladder) String(ln Line) string {
	var b strings.Builder
	for _, c := range Cells(ln, l.Width) {
		b.WriteString(c.Text)
	}
	return strings.TrimRight(b.String(), " ")
}

// Text writes the ladder of one connection as plain text, the same
// drawing the terminal UI shows, without colour.
func Text(w io.Writer, conn *fsm.Conn, steps []session.Step, opt Options) error {
	if opt.Width <= 0 {
		opt.Width = 80
	}
	l := NewLadder(opt.Width, opt.Lang)
	steps, l.Corrected = Corrected(conn, steps)
	bw := bufio.NewWriter(w)
	h := l.Header(conn, steps)
	bw.WriteString(l.String(h[0]) + "\n")
	bw.WriteString(l.String(h[1]) + "\n")
	for _, r := range Rows(steps, !opt.Unfold, -1) {
		bw.WriteString(l.String(l.Line(r, steps, -1)) + "\n")
	}
	return bw.Flush()
}
