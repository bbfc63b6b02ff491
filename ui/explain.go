package ui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

// Explain is the explanation pane: what the selected step is, which rule
// moved which endpoint from what to what and why, with the numbers, and
// the notes. It draws cell by cell and never parses tview tags, and the
// payload preview is quoted (non-printable bytes escaped), so nothing from
// a capture can reach the terminal raw or restyle the screen.
type Explain struct {
	*tview.Box
	ex     view.Explanation // what to say (package view decides it)
	scroll int
	prompt []PromptLine
}

// PromptLine is a line the app puts above the explanation (view.PromptLine).
type PromptLine = view.PromptLine

// PromptKind styles a PromptLine.
type PromptKind = view.PromptKind

// Prompt line kinds.
const (
	PromptQuestion = view.PromptQuestion // bold yellow
	PromptChoice   = view.PromptChoice   // plain, indented
	PromptRight    = view.PromptRight    // green
	PromptWrong    = view.PromptWrong    // red
	PromptInfo     = view.PromptInfo     // dim
)

// SetPrompt sets the lines shown above the explanation (nil: none).
func (e *Explain) SetPrompt(lines []PromptLine) {
	if !promptEqual(lines, e.prompt) {
		e.scroll = 0
	}
	e.prompt = lines
}

func promptEqual(a, b []PromptLine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var promptStyles = [...]tcell.Style{
	PromptQuestion: tcell.StyleDefault.Foreground(tcell.ColorYellow).Bold(true),
	PromptChoice:   tcell.StyleDefault.Bold(true),
	PromptRight:    tcell.StyleDefault.Foreground(tcell.ColorLime).Bold(true),
	PromptWrong:    tcell.StyleDefault.Foreground(tcell.ColorRed).Bold(true),
	PromptInfo:     tcell.StyleDefault.Dim(true),
}

// SetEmptyText sets what the pane says when no step is selected ("" for
// the default).
func (e *Explain) SetEmptyText(s string) { e.ex.Empty = s }

// NewExplain returns an empty explanation pane.
func NewExplain() *Explain {
	e := &Explain{Box: tview.NewBox(), ex: view.Explanation{Sel: -1, LadderMarks: true}}
	e.SetLang(i18n.En)
	return e
}

// SetData explains steps[selected] (a position in steps, -1 for none) of
// conn.
func (e *Explain) SetData(conn fsm.Conn, steps []session.Step, selected int) {
	x := &e.ex
	if selected < 0 || selected >= len(steps) || x.Sel < 0 || x.Sel >= len(x.Steps) ||
		steps[selected].Index != x.Steps[x.Sel].Index || conn.ID != x.Conn.ID {
		e.scroll = 0
	}
	x.Conn, x.Steps, x.Sel = conn, steps, selected
}

// SetLang switches the language.
func (e *Explain) SetLang(lang i18n.Lang) {
	e.ex.Lang = lang
	e.SetTitle(" " + lang.T(i18n.KeyExplanation) + " ")
}

// SetConn implements the app's ConnView.
func (e *Explain) SetConn(conn fsm.Conn, steps []session.Step, selected int, lang i18n.Lang) {
	e.SetLang(lang)
	e.SetData(conn, steps, selected)
}

// Scroll moves the text by n lines (negative: up).
func (e *Explain) Scroll(n int) { e.scroll = max(0, e.scroll+n) }

// InputHandler scrolls with ↑ ↓ PgUp PgDn.
func (e *Explain) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return e.WrapInputHandler(func(ev *tcell.EventKey, _ func(p tview.Primitive)) {
		_, _, _, h := e.GetInnerRect()
		switch ev.Key() {
		case tcell.KeyUp:
			e.Scroll(-1)
		case tcell.KeyDown:
			e.Scroll(1)
		case tcell.KeyPgUp:
			e.Scroll(-max(1, h-1))
		case tcell.KeyPgDn:
			e.Scroll(max(1, h-1))
		}
	})
}

// kindStyles are the terminal's styles of the explanation's line kinds.
var kindStyles = [...]tcell.Style{
	view.Plain:  tcell.StyleDefault,
	view.Head:   tcell.StyleDefault.Bold(true),
	view.Note:   tcell.StyleDefault.Foreground(NoteColor),
	view.Dim:    tcell.StyleDefault.Dim(true),
	view.Client: tcell.StyleDefault.Foreground(ClientColor).Bold(true),
	view.Server: tcell.StyleDefault.Foreground(ServerColor).Bold(true),
}

var exDim = kindStyles[view.Dim]

// Draw draws the explanation, wrapped to the pane's width.
func (e *Explain) Draw(screen tcell.Screen) {
	e.DrawForSubclass(screen, e)
	x, y, w, h := e.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	type line struct {
		text string
		st   tcell.Style
	}
	var lines []line
	for _, p := range e.prompt {
		indent := 0
		if p.Kind == PromptChoice {
			indent = 2
		}
		for _, t := range wrap(p.Text, max(1, w-indent)) {
			lines = append(lines, line{strings.Repeat(" ", indent) + t, promptStyles[p.Kind]})
		}
	}
	if len(e.prompt) > 0 {
		lines = append(lines, line{})
	}
	for _, p := range e.ex.Lines() {
		if p.Text == "" {
			lines = append(lines, line{})
			continue
		}
		for _, t := range wrap(p.Text, max(1, w-p.Indent)) {
			lines = append(lines, line{strings.Repeat(" ", p.Indent) + t, kindStyles[p.Kind]})
		}
	}
	e.scroll = min(e.scroll, max(0, len(lines)-h))
	for i := 0; i < h && e.scroll+i < len(lines); i++ {
		ln := lines[e.scroll+i]
		drawText(screen, x, y+i, w, ln.text, ln.st.Background(e.GetBackgroundColor()))
	}
	// Lines the pane cannot show are counted on its borders (at 80×24 it
	// has five rows, and the notes come last), with how to read them.
	_, oy, _, oh := e.GetRect()
	if y == oy || y+h >= oy+oh { // no border to write on
		return
	}
	border := func(row int, t string) {
		if tw := uniseg.StringWidth(t) + 2; tw <= w {
			drawText(screen, x+w-tw, row, tw, " "+t+" ", exDim.Background(e.GetBackgroundColor()))
		}
	}
	if e.scroll > 0 {
		border(y-1, e.ex.Lang.F(i18n.KeyLadderMore, i18n.Args{"n": e.scroll}))
	}
	if below := len(lines) - e.scroll - h; below > 0 {
		t := e.ex.Lang.F(i18n.KeyExplainMore, i18n.Args{"n": below})
		if e.HasFocus() || uniseg.StringWidth(t)+2 > w {
			t = e.ex.Lang.F(i18n.KeyExplainMoreShort, i18n.Args{"n": below})
		}
		border(y+h, t)
	}
}

// wrap breaks text into lines of at most w columns at the places Unicode
// allows (between words, and between CJK characters), cutting words
// longer than a line.
func wrap(text string, w int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		curW = 0
	}
	state := -1
	for text != "" {
		var seg string
		var must bool
		seg, text, must, state = uniseg.FirstLineSegmentInString(text, state)
		segW := uniseg.StringWidth(strings.TrimRight(seg, " "))
		if curW > 0 && curW+segW > w {
			flush()
		}
		for segW > w { // a word longer than the line
			head, rest := cut(seg, w-curW)
			cur.WriteString(head)
			flush()
			seg = rest
			segW = uniseg.StringWidth(strings.TrimRight(seg, " "))
		}
		cur.WriteString(seg)
		curW += uniseg.StringWidth(seg)
		if must {
			flush()
		}
	}
	if cur.Len() > 0 {
		flush()
	}
	return lines
}

// cut splits s after at most w columns (at least one grapheme).
func cut(s string, w int) (head, rest string) {
	used, state := 0, -1
	i := 0
	for rest := s; rest != ""; {
		var g string
		var gw int
		g, rest, gw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+gw > w && i > 0 {
			break
		}
		used += gw
		i += len(g)
	}
	return s[:i], s[i:]
}
