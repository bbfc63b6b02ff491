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

// Colours of the two endpoints, shared by the ladder, the state diagram
// and the explanation so a class can follow "the blue one".
var (
	ClientColor = tcell.ColorDeepSkyBlue
	ServerColor = tcell.ColorOrange
	NoteColor   = tcell.ColorRed
)

// classStyle maps a diagram class to a terminal style.
func classStyle(c diagram.Class, base tcell.Style) tcell.Style {
	st := base
	switch c {
	case diagram.ClassLabel, diagram.ClassHeader:
		return st.Bold(true)
	case diagram.ClassNote:
		return st.Foreground(NoteColor)
	case diagram.ClassClientState:
		return st.Foreground(ClientColor).Bold(true)
	case diagram.ClassServerState:
		return st.Foreground(ServerColor).Bold(true)
	case diagram.ClassDim:
		return st.Dim(true)
	}
	return st
}

// Ladder is the sequence diagram of one connection: a tview Primitive.
// It draws only the rows that fit, scrolling to keep the selected step
// visible. Set its data with SetData from the UI goroutine.
type Ladder struct {
	*tview.Box
	lang     i18n.Lang
	conn     fsm.Conn
	steps    []session.Step
	selected int
	unfold   bool
	rows     []diagram.Row
	drawn    []session.Step  // steps as drawn: corrected as known at the selection
	marks    map[int][2]bool // by Step.Index, roles whose state a step corrected
	top      int             // first row shown
	follow   bool            // scroll to the selection on the next draw
	empty    string
}

// SetEmptyText sets what the pane says when it has no connection to show
// ("" for the default): the demo's first screen says what to press.
func (l *Ladder) SetEmptyText(s string) { l.empty = s }

// NewLadder returns an empty ladder.
func NewLadder() *Ladder {
	l := &Ladder{Box: tview.NewBox(), selected: -1, follow: true}
	l.SetLang(i18n.En)
	return l
}

// SetData shows conn's steps. selected is a position in steps (not
// Step.Index), -1 for none. The ladder keeps the slices; the caller must
// not modify them afterwards.
func (l *Ladder) SetData(conn fsm.Conn, steps []session.Step, selected int) {
	if conn.ID != l.conn.ID {
		l.top = 0
	}
	if selected >= len(steps) {
		selected = len(steps) - 1
	}
	// A manual scroll lasts until the selection moves.
	if selIndex(steps, selected) != selIndex(l.steps, l.selected) || conn.ID != l.conn.ID {
		l.follow = true
	}
	l.conn, l.steps, l.selected = conn, steps, selected
	l.drawn, l.marks = correctedAt(&conn, steps, selected)
	l.rows = diagram.Rows(l.drawn, !l.unfold, selected)
}

// correctedAt redraws steps along the corrected path as it was known at
// the selected step (observer v2, issue 7): a transition withdrawn by a
// packet after the selection still stands there (what could be known
// then), one withdrawn by the selected packet or an earlier one is
// replaced by the corrected transitions, and marks says which rows'
// states were corrected. conn is as of the selection (Session.ConnAt:
// its Transitions end there, but WithdrawnBy is as of now).
func correctedAt(conn *fsm.Conn, steps []session.Step, selected int) ([]session.Step, map[int][2]bool) {
	var upto uint64 // the newest packet up to the selection
	for i := 0; i <= selected && i < len(steps); i++ {
		upto = max(upto, steps[i].Packet)
	}
	known := *conn
	copied := false // conn.Transitions is shared with the session
	for i, t := range conn.Transitions {
		if t.WithdrawnBy > upto {
			if !copied {
				known.Transitions = append([]fsm.Transition(nil), conn.Transitions...)
				copied = true
			}
			known.Transitions[i].WithdrawnBy = 0
		}
	}
	return diagram.Corrected(&known, steps)
}

// selIndex is the Step.Index of steps[i], -1 when there is none.
func selIndex(steps []session.Step, i int) int {
	if i < 0 || i >= len(steps) {
		return -1
	}
	return steps[i].Index
}

// SetLang switches the language of the labels and title.
func (l *Ladder) SetLang(lang i18n.Lang) {
	l.lang = lang
	l.SetTitle(" " + lang.T(i18n.KeyLadder) + " ")
}

// SetConn implements the app's ConnView.
func (l *Ladder) SetConn(conn fsm.Conn, steps []session.Step, selected int, lang i18n.Lang) {
	l.SetLang(lang)
	l.SetData(conn, steps, selected)
}

// SetFolded folds (true, the default) or unfolds runs of data segments.
func (l *Ladder) SetFolded(on bool) {
	l.unfold = !on
	l.rows = diagram.Rows(l.drawn, on, l.selected)
	l.follow = true
}

// Folded reports whether runs of data segments are folded.
func (l *Ladder) Folded() bool { return !l.unfold }

// ToggleFold flips SetFolded.
func (l *Ladder) ToggleFold() { l.SetFolded(l.unfold) }

// Scroll moves the view by n rows (negative: up) until the selection
// changes.
func (l *Ladder) Scroll(n int) {
	l.top += n
	l.follow = false
}

// Draw draws the ladder.
func (l *Ladder) Draw(screen tcell.Screen) {
	l.DrawForSubclass(screen, l)
	x, y, w, h := l.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	if len(l.steps) == 0 {
		msg := i18n.KeyNoPackets
		if l.conn.ID == 0 {
			msg = i18n.KeyNoConnection
		}
		text := l.lang.T(msg)
		if l.empty != "" && l.conn.ID == 0 {
			text = l.empty
		}
		for i, ln := range wrap(text, w) {
			if i < h {
				drawText(screen, x, y+i, w, ln, tcell.StyleDefault.Background(l.GetBackgroundColor()).Bold(l.empty != ""))
			}
		}
		return
	}
	base := tcell.StyleDefault.Background(l.GetBackgroundColor())
	lad := diagram.NewLadder(w, l.lang)
	lad.Corrected = l.marks
	head := lad.Header(&l.conn, l.drawn)
	drawCells(screen, x, y, diagram.Cells(head[0], lad.Width), w, nil, base)
	if h < 3 {
		return
	}
	vis := h - 2
	if l.follow && l.selected >= 0 {
		if k := diagram.RowOf(l.rows, l.selected); k >= 0 {
			// Keep a row of context below the selection when there is one.
			if k < l.top {
				l.top = k
			} else if k+1 >= l.top+vis {
				l.top = min(k+2, len(l.rows)) - vis
			}
		}
	}
	l.top = max(0, min(l.top, len(l.rows)-vis))
	if l.top == 0 {
		drawCells(screen, x, y+1, diagram.Cells(head[1], lad.Width), w, nil, base)
	} else {
		cx, sx := lad.Lines()
		more := diagram.Line{Spans: []diagram.Span{{X: cx, Text: "│", Class: diagram.ClassLine}, {X: sx, Text: "│", Class: diagram.ClassLine}}}
		t := l.lang.F(i18n.KeyLadderMore, i18n.Args{"n": l.top})
		more.Spans = append(more.Spans, diagram.Span{X: cx + 1 + max(0, (sx-cx-1-uniseg.StringWidth(t))/2), Text: t, Class: diagram.ClassDim})
		drawCells(screen, x, y+1, diagram.Cells(more, lad.Width), w, nil, base)
	}
	for i := 0; i < vis && l.top+i < len(l.rows); i++ {
		r := l.rows[l.top+i]
		ln := lad.Line(r, l.drawn, l.selected)
		if r.Kind != diagram.RowFold {
			markStates(&ln, stateMarks(l.drawn, r, l.marks), lad)
		}
		var hl *[2]int
		if ln.Selected {
			hl = &[2]int{ln.Lo, ln.Hi}
		}
		drawCells(screen, x, y+2+i, diagram.Cells(ln, lad.Width), w, hl, base)
	}
}

// InputHandler: 'f' folds or unfolds data runs, ↑ ↓ PgUp PgDn scroll.
func (l *Ladder) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return l.WrapInputHandler(func(ev *tcell.EventKey, _ func(p tview.Primitive)) {
		_, _, _, h := l.GetInnerRect()
		switch {
		case ev.Key() == tcell.KeyRune && ev.Rune() == 'f':
			l.ToggleFold()
		case ev.Key() == tcell.KeyUp:
			l.Scroll(-1)
		case ev.Key() == tcell.KeyDown:
			l.Scroll(1)
		case ev.Key() == tcell.KeyPgUp:
			l.Scroll(-max(1, h-3))
		case ev.Key() == tcell.KeyPgDn:
			l.Scroll(max(1, h-3))
		}
	})
}

// Marks after a state name in the ladder (explained by the explanation
// pane's legend, i18n.KeyUI2LadderMarks): the state was corrected by a
// later packet, inferred (follows from a packet sent to that end) or
// assumed (no packet shows it).
const (
	markCorrected = "*"
	markInferred  = "?"
	markAssumed   = "~"
)

// stateMarks returns, per role, the mark for the state row r drew ("" for
// a state seen, or none drawn): the confidence of the change the row
// shows, and on the role's last row of the step whether the step
// corrected it.
func stateMarks(steps []session.Step, r diagram.Row, marks map[int][2]bool) [2]string {
	var out [2]string
	sh := diagram.Shown(steps, r.Step)
	for role := range out {
		if r.Then >= len(sh[role]) {
			continue
		}
		switch sh[role][r.Then].Confidence {
		case fsm.Inferred:
			out[role] = markInferred
		case fsm.Assumed:
			out[role] = markAssumed
		}
		if marks[steps[r.Step].Index][role] && r.Then == len(sh[role])-1 {
			out[role] = markCorrected
		}
	}
	return out
}

// markStates appends marks m to the state labels of ln, where a label is
// drawn and the mark fits in its column (the client's label grows to the
// left, the server's to the right).
func markStates(ln *diagram.Line, m [2]string, lad *diagram.Ladder) {
	cx, sx := lad.Lines()
	for i := range ln.Spans {
		sp := &ln.Spans[i]
		switch {
		case sp.Class == diagram.ClassClientState && m[fsm.Client] != "" && sp.X > 0 && sp.X+uniseg.StringWidth(sp.Text) == cx-1:
			sp.X--
			sp.Text += m[fsm.Client]
		case sp.Class == diagram.ClassServerState && m[fsm.Server] != "" && sp.X+uniseg.StringWidth(sp.Text)+1 <= lad.Width && sp.X > sx:
			sp.Text += m[fsm.Server]
		}
	}
}

// drawCells draws rendered cells at (x, y), at most w columns; hl, when
// set, is the column range [lo, hi) drawn in reverse video.
func drawCells(screen tcell.Screen, x, y int, cells []diagram.Cell, w int, hl *[2]int, base tcell.Style) {
	for i, c := range cells {
		if i >= w {
			break
		}
		if c.Text == "" {
			continue
		}
		st := classStyle(c.Class, base)
		if hl != nil && i >= hl[0] && i < hl[1] {
			st = st.Reverse(true)
		}
		screen.Put(x+i, y, c.Text, st)
	}
}

// drawText draws one line of plain (already safe) text, clipped to w
// columns, and returns the columns used.
func drawText(screen tcell.Screen, x, y, w int, text string, st tcell.Style) int {
	ln := diagram.Line{Spans: []diagram.Span{{Text: text}}}
	used := 0
	for i, c := range diagram.Cells(ln, w) {
		if c.Text == "" {
			continue
		}
		screen.Put(x+i, y, c.Text, st)
		if c.Text != " " {
			used = i + 1
		}
	}
	return used
}
