package diagram

import (
	"fmt"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Class says what a span of the diagram is, so that a renderer can colour
// it.
type Class uint8

// Span classes.
const (
	ClassPlain       Class = iota
	ClassLine              // the two vertical lines
	ClassArrow             // an arrow's shaft and head
	ClassLabel             // an arrow's label
	ClassNote              // a note tag beside a label ("retx")
	ClassClientState       // a client state name
	ClassServerState       // a server state name
	ClassDim               // fold lines and timer text
	ClassHeader            // role names and addresses
)

// Span is text drawn from column X in one class. Text is already clipped
// to the diagram's width and never holds control characters.
type Span struct {
	X     int
	Text  string
	Class Class
}

// Line is one row of the drawing.
type Line struct {
	Spans []Span
	// Selected marks the row of the selected step; Lo and Hi are the
	// columns [Lo, Hi) a renderer should highlight.
	Selected bool
	Lo, Hi   int
}

// RowKind says what a row shows.
type RowKind uint8

// Row kinds.
const (
	RowSegment RowKind = iota // one segment: an arrow
	RowTimer                  // a timer step: a state change without arrow
	RowFold                   // a run of folded data segments
	RowSide                   // a segment of another connection changed this one (Step.Side)
	// RowThen continues the row above it: one step moved an endpoint
	// twice (a FIN crossing the peer's: ESTABLISHED → FIN_WAIT_1 →
	// CLOSING), and RFC 9293's Figure 5 has no edge for the two at once,
	// so the middle state gets the row above and the next state this one.
	RowThen
)

// Row is one row of the ladder below its two header lines.
type Row struct {
	Kind RowKind
	Step int // index in steps of the step shown (RowFold: the first one)
	End  int // RowFold: one past the last step folded
	// Then (RowThen) is which change of each endpoint in the step the row
	// shows: 1 for the second, 2 for the third.
	Then int
}

// Shown returns, per role, the state changes of steps[i] that the
// ladder draws on the step's rows, in order: all of them, except a first
// change the header already shows (see initial). The k-th change of a
// role is drawn on the step's k-th row (0: the arrow's row, then RowThen
// rows).
func Shown(steps []session.Step, i int) [2][]fsm.Transition {
	var out [2][]fsm.Transition
	var hoisted [2]bool
	if i == 0 {
		_, hoisted = initial(steps)
	}
	for _, c := range steps[i].Changes {
		if c.Endpoint > fsm.Server {
			continue
		}
		if hoisted[c.Endpoint] {
			hoisted[c.Endpoint] = false // the header shows this one
			continue
		}
		out[c.Endpoint] = append(out[c.Endpoint], c)
	}
	return out
}

// stepRows is how many rows steps[i] takes: one, and one more for each
// further change of the endpoint that changed most.
func stepRows(steps []session.Step, i int) int {
	sh := Shown(steps, i)
	return max(1, len(sh[fsm.Client]), len(sh[fsm.Server]))
}

// rowStates returns the states row k of steps[i] writes, and for which
// roles: the state after the role's k-th change; on the role's last row
// the state the step ends in.
func rowStates(steps []session.Step, i, k int) (st [2]fsm.State, show [2]bool) {
	sh := Shown(steps, i)
	for r := range sh {
		if k >= len(sh[r]) {
			continue
		}
		show[r], st[r] = true, sh[r][k].To
		if k == len(sh[r])-1 {
			st[r] = steps[i].States[r]
		}
	}
	return st, show
}

// MinFold is the shortest run of data segments that is folded.
const MinFold = 4

// foldable reports whether a step may disappear into a fold: a segment
// without SYN, FIN or RST that changed no state and raised no note.
func foldable(s *session.Step) bool {
	return !s.Timer() && !s.Side && len(s.Changes) == 0 && len(s.Notes) == 0 &&
		s.Flags&(fsm.SYN|fsm.FIN|fsm.RST) == 0
}

// Rows lays out the steps as rows. With fold, each run of at least MinFold
// foldable steps becomes one RowFold row, except that the selected step
// (an index in steps, -1 for none) is always shown on its own row.
func Rows(steps []session.Step, fold bool, selected int) []Row {
	rows := make([]Row, 0, len(steps))
	emit := func(from, to int) { // steps [from, to) of one foldable run
		if fold && to-from >= MinFold {
			rows = append(rows, Row{Kind: RowFold, Step: from, End: to})
			return
		}
		for i := from; i < to; i++ {
			rows = append(rows, Row{Kind: RowSegment, Step: i})
		}
	}
	for i := 0; i < len(steps); {
		if !foldable(&steps[i]) {
			k := RowSegment
			switch {
			case steps[i].Timer():
				k = RowTimer
			case steps[i].Side:
				k = RowSide
			}
			rows = append(rows, Row{Kind: k, Step: i})
			for n := 1; n < stepRows(steps, i); n++ {
				rows = append(rows, Row{Kind: RowThen, Step: i, Then: n})
			}
			i++
			continue
		}
		j := i
		for j < len(steps) && foldable(&steps[j]) {
			j++
		}
		if selected >= i && selected < j {
			emit(i, selected)
			rows = append(rows, Row{Kind: RowSegment, Step: selected})
			emit(selected+1, j)
		} else {
			emit(i, j)
		}
		i = j
	}
	return rows
}

// RowOf returns the position in rows of the (first) row showing step i,
// or -1.
func RowOf(rows []Row, i int) int {
	for k, r := range rows {
		if r.Step == i || r.Kind == RowFold && i >= r.Step && i < r.End {
			return k
		}
	}
	return -1
}

// Ladder draws rows at a given width in a given language.
type Ladder struct {
	Width int
	Lang  i18n.Lang
	// Corrected marks, by step Index, the roles whose state a step
	// corrected (see Corrected): their rows get a "corrected" note tag.
	Corrected map[int][2]bool

	compact bool // short state names and tcpdump-style labels
	stateW  int  // width of the state columns
	cx, sx  int  // columns of the client's and the server's line
}

// NewLadder returns a ladder layout for the given width (at least 20
// columns are used).
func NewLadder(width int, lang i18n.Lang) *Ladder {
	l := &Ladder{Width: max(width, 20), Lang: lang, stateW: 11}
	if l.Width-2*l.stateW-4 < 20 {
		l.compact, l.stateW = true, 8
	}
	if l.Width-2*l.stateW-4 < 8 { // tiny: clip the state names
		l.stateW = max(1, (l.Width-12)/2)
	}
	l.cx = l.stateW + 1
	l.sx = l.Width - l.stateW - 2
	return l
}

// Lines returns the lifeline columns of the client and the server.
func (l *Ladder) Lines() (client, server int) { return l.cx, l.sx }

var compactNames = map[fsm.State]string{
	fsm.Unknown: "?", fsm.Established: "ESTAB", fsm.FinWait1: "FIN_WT1", fsm.FinWait2: "FIN_WT2",
	fsm.CloseWait: "CLOSE_WT", fsm.TimeWait: "TIME_WT",
}

func (l *Ladder) stateName(s fsm.State) string {
	if s == fsm.Unknown {
		return "?"
	}
	if l.compact {
		return ShortState(s)
	}
	return s.String()
}

// ShortState is a state's name in at most 8 columns, for narrow panes:
// ESTAB, FIN_WT1, FIN_WT2, CLOSE_WT, TIME_WT; the others as in the RFC.
func ShortState(s fsm.State) string {
	if n, ok := compactNames[s]; ok {
		return n
	}
	return s.String()
}

// initial returns the states to write on the header's second line (the
// states before the first step) and, per role, whether the first step's
// change of that role is already shown there. A change from UNKNOWN is an
// assumption about the state before the capture (an assumed LISTEN, a
// joined-late ESTABLISHED, the SYN_SENT implied by a SYN+ACK, or the first
// of several changes): it goes to the header. Any other change from
// UNKNOWN leaves "?" in the header and shows on its row.
func initial(steps []session.Step) (st [2]fsm.State, hoisted [2]bool) {
	if len(steps) == 0 {
		return st, hoisted
	}
	s0 := &steps[0]
	for r := fsm.Client; r <= fsm.Server; r++ {
		st[r] = s0.States[r]
		n := 0
		for _, c := range s0.Changes {
			if c.Endpoint == r {
				n++
			}
		}
		for _, c := range s0.Changes {
			if c.Endpoint != r {
				continue
			}
			switch {
			case c.From != fsm.Unknown:
				st[r] = c.From
			case c.To == fsm.Listen || c.Reason == fsm.ReasonJoinedLate || c.Reason == fsm.ReasonJoinedAtSynAck || n > 1:
				st[r], hoisted[r] = c.To, true
			default:
				st[r] = fsm.Unknown
			}
			break
		}
	}
	return st, hoisted
}

// Header returns the two header lines: role names with addresses, and the
// states before the first step.
func (l *Ladder) Header(conn *fsm.Conn, steps []session.Step) [2]Line {
	var h [2]Line
	c, s := l.Lang.Role(fsm.Client), l.Lang.Role(fsm.Server)
	ca, sa := conn.Client.String(), conn.Server.String()
	if !conn.Client.IsValid() {
		ca, sa = "", ""
	}
	left, right := join(c, ca), join(s, sa)
	if width(left)+width(right)+2 > l.Width && ca != "" {
		left, right = join(c, fmt.Sprintf(":%d", conn.Client.Port())), join(s, fmt.Sprintf(":%d", conn.Server.Port()))
	}
	if width(left)+width(right)+2 > l.Width {
		left, right = c, s
	}
	h[0].Spans = []Span{{0, clip(left, l.Width), ClassHeader}}
	if rx := l.Width - width(right); rx > width(left) {
		h[0].Spans = append(h[0].Spans, Span{rx, right, ClassHeader})
	}
	st, _ := initial(steps)
	h[1].Spans = l.lifelines()
	if len(steps) > 0 {
		h[1].Spans = append(h[1].Spans, l.stateSpans(st, [2]bool{true, true})...)
	}
	return h
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}

func (l *Ladder) lifelines() []Span {
	return []Span{{l.cx, "│", ClassLine}, {l.sx, "│", ClassLine}}
}

// stateSpans writes st[role] beside the role's line where show[role].
func (l *Ladder) stateSpans(st [2]fsm.State, show [2]bool) []Span {
	var out []Span
	if show[fsm.Client] {
		n := clip(l.stateName(st[fsm.Client]), l.stateW)
		out = append(out, Span{l.cx - 1 - width(n), n, ClassClientState})
	}
	if show[fsm.Server] {
		n := clip(l.stateName(st[fsm.Server]), l.stateW)
		out = append(out, Span{l.sx + 2, n, ClassServerState})
	}
	return out
}

// Line draws row r. selected is the selected step's index in steps.
func (l *Ladder) Line(r Row, steps []session.Step, selected int) Line {
	ln := Line{Spans: l.lifelines()}
	mid := l.sx - l.cx - 1 // columns between the lines
	switch r.Kind {
	case RowFold:
		var bytes uint64
		for i := r.Step; i < r.End; i++ {
			bytes += uint64(steps[i].Len)
		}
		t := l.Lang.F(i18n.KeyLadderFold, i18n.Args{"n": r.End - r.Step, "bytes": bytes})
		if width(t) > mid {
			t = l.Lang.F(i18n.KeyLadderFoldShort, i18n.Args{"n": r.End - r.Step})
		}
		ln.Spans = append(ln.Spans, l.centre(t, ClassDim))
		return ln
	case RowThen:
		ln.Spans = append(ln.Spans, l.stateSpans(rowStates(steps, r.Step, r.Then))...)
		ln.Selected, ln.Lo, ln.Hi = r.Step == selected, l.cx+1, l.sx
		return ln
	case RowTimer, RowSide:
		s := &steps[r.Step]
		t := l.Lang.T(i18n.KeyLadderTimer)
		if r.Kind == RowSide {
			t = l.Lang.F(i18n.KeyLadderSide, i18n.Args{"n": s.Packet})
			if width(t) > mid {
				t = fmt.Sprintf("#%d", s.Packet)
			}
		}
		ln.Spans = append(ln.Spans, l.centre(t, ClassDim))
		ln.Spans = append(ln.Spans, l.stateSpans(rowStates(steps, r.Step, 0))...)
		ln.Selected, ln.Lo, ln.Hi = r.Step == selected, l.cx+1, l.sx
		return ln
	}
	s := &steps[r.Step]
	label, note := l.labels(s, mid-4)
	shaft := make([]rune, max(mid, 1))
	for i := range shaft {
		shaft[i] = '─'
	}
	if s.From == fsm.Client {
		shaft[len(shaft)-1] = '>'
	} else {
		shaft[0] = '<'
	}
	ln.Spans = append(ln.Spans, Span{l.cx + 1, string(shaft), ClassArrow})
	text := label
	if note != "" {
		text += " " + note
	}
	if text != "" {
		text = " " + text + " "
		x := l.cx + 1 + (mid-width(text))/2
		ln.Spans = append(ln.Spans, Span{x, " " + label, ClassLabel})
		if note != "" {
			ln.Spans = append(ln.Spans, Span{x + 1 + width(label), " " + note, ClassNote})
		}
		ln.Spans = append(ln.Spans, Span{x + width(text) - 1, " ", ClassLabel})
	}
	ln.Spans = append(ln.Spans, l.stateSpans(rowStates(steps, r.Step, 0))...)
	ln.Selected, ln.Lo, ln.Hi = r.Step == selected, l.cx+1, l.sx
	return ln
}

// labels returns the arrow label of s and its note tags, fitted to room
// columns: the long form ("PSH,ACK seq=1 ack=1 len=6"), else the compact
// one ("P. s1 a1 l6"), else clipped.
func (l *Ladder) labels(s *session.Step, room int) (label, note string) {
	var notes []string
	for _, r := range s.Notes {
		t := l.Lang.NoteTag(r)
		if !contains(notes, t) {
			notes = append(notes, t)
		}
	}
	if m := l.Corrected[s.Index]; m[fsm.Client] || m[fsm.Server] {
		notes = append(notes, l.Lang.T(i18n.KeyLadderCorrected))
	}
	note = strings.Join(notes, ",")
	if note != "" {
		note = "(" + note + ")"
	}
	long, medium, short := Label(s, false), mediumLabel(s), Label(s, true)
	fits := func(a string) bool {
		if note == "" {
			return width(a) <= room
		}
		return width(a)+1+width(note) <= room
	}
	switch {
	case !l.compact && fits(long):
		return long, note
	case fits(medium):
		return medium, note
	case fits(short):
		return short, note
	case width(medium) <= room:
		return medium, ""
	case width(short) <= room:
		return short, ""
	}
	return clip(short, room), ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Label is a segment's arrow label: "SYN,ACK seq=0 ack=1", with len= when
// it carries data; compact: tcpdump's letters, "S. s0 a1".
func Label(s *session.Step, compact bool) string {
	if !compact {
		return numbers(s.Flags.String(), s, " seq=", " ack=", " len=")
	}
	flags := letters(s.Flags)
	if s.Flags == fsm.ACK {
		flags = "ACK"
	}
	return numbers(flags, s, " s", " a", " l")
}

// mediumLabel keeps the flag names and shortens the numbers:
// "SYN,ACK s0 a1", "PSH,ACK s1 a1 l6".
func mediumLabel(s *session.Step) string {
	return numbers(s.Flags.String(), s, " s", " a", " l")
}

// numbers writes flags then the relative seq, the ack (when the ACK flag
// is set) and the length (when there is data), each after its prefix.
func numbers(flags string, s *session.Step, seq, ack, length string) string {
	var b strings.Builder
	b.WriteString(flags)
	fmt.Fprintf(&b, "%s%d", seq, s.Seq)
	if s.Flags.Has(fsm.ACK) {
		fmt.Fprintf(&b, "%s%d", ack, s.Ack)
	}
	if s.Len > 0 {
		fmt.Fprintf(&b, "%s%d", length, s.Len)
	}
	return b.String()
}

// letters spells flags as tcpdump does: S F R P U E W, "." for ACK.
func letters(f fsm.Flags) string {
	var b strings.Builder
	for _, x := range []struct {
		f fsm.Flags
		c byte
	}{{fsm.SYN, 'S'}, {fsm.FIN, 'F'}, {fsm.RST, 'R'}, {fsm.PSH, 'P'}, {fsm.URG, 'U'}, {fsm.ECE, 'E'}, {fsm.CWR, 'W'}, {fsm.ACK, '.'}} {
		if f&x.f != 0 {
			b.WriteByte(x.c)
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// centre places t in the middle between the two lines.
func (l *Ladder) centre(t string, c Class) Span {
	mid := l.sx - l.cx - 1
	t = clip(t, mid)
	return Span{l.cx + 1 + (mid-width(t))/2, t, c}
}

// width is the number of terminal columns s takes.
func width(s string) int { return uniseg.StringWidth(s) }

// clip cuts s to at most w columns, ending in "…" when it was cut.
func clip(s string, w int) string {
	if width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	state := -1
	rest := s
	for rest != "" {
		var g string
		var gw int
		g, rest, gw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+gw > w-1 {
			break
		}
		b.WriteString(g)
		used += gw
	}
	b.WriteString("…")
	return b.String()
}
