package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/synfin/synfin/internal/golden"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

// update rewrites the screen goldens (go test ./ui -update).
// screenDump draws p on a w×h simulation screen and returns its text, one
// line per row (wide characters once), then a style map: one letter per
// cell ('.' for the default style) and a legend of the letters.
func screenDump(t *testing.T, p tview.Primitive, w, h int) string {
	t.Helper()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	defer scr.Fini()
	scr.SetSize(w, h)
	p.SetRect(0, 0, w, h)
	p.Draw(scr)
	scr.Show()
	cells, cw, ch := scr.GetContents()
	var text, styles strings.Builder
	letters := map[tcell.Style]byte{tcell.StyleDefault: '.'}
	var legend []string
	for y := 0; y < ch; y++ {
		var line strings.Builder
		for x := 0; x < cw; x++ {
			c := cells[y*cw+x]
			s := string(c.Runes)
			if s == "" {
				s = " "
			}
			line.WriteString(s)
			l, ok := letters[c.Style]
			if !ok {
				l = byte('A' + len(legend))
				letters[c.Style] = l
				fg, bg, attr := c.Style.Decompose()
				legend = append(legend, fmt.Sprintf("%c: fg=%v bg=%v attr=%v", l, fg, bg, attr))
			}
			styles.WriteByte(l)
			if uniseg.StringWidth(s) == 2 {
				styles.WriteByte(l)
				x++
			}
		}
		text.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		styles.WriteString("\n")
	}
	return text.String() + "--- styles\n" + styles.String() + strings.Join(legend, "\n") + "\n"
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

// Compile-time check: the widgets are the app's connection panes.
var _ = []ConnView{NewLadder(), NewStateDiagram(), NewExplain()}

func TestLadderGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		b    *diagramtest.Builder
		sel  int
		w, h int
		lang i18n.Lang
	}{
		{"clientclose_80x16", diagramtest.ClientClose(), 1, 80, 16, i18n.En},
		{"clientclose_data_80x16", diagramtest.ClientClose(), 4, 80, 16, i18n.En},
		{"clientclose_zh_80x16", diagramtest.ClientClose(), 10, 80, 16, i18n.Zh},
		{"clientclose_46x16", diagramtest.ClientClose(), 8, 46, 16, i18n.En},
		{"clientclose_zh_40x16", diagramtest.ClientClose(), 11, 40, 16, i18n.Zh},
		{"simultaneousclose_80x14", diagramtest.SimultaneousClose(), 4, 80, 14, i18n.En},
		{"bulk_scrolled_60x10", diagramtest.Bulk(30), 40, 60, 10, i18n.En},
		{"portreuse_zh_60x16", diagramtest.PortReuse(), 11, 60, 16, i18n.Zh},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := NewLadder()
			l.SetConn(c.b.Conn(), c.b.Steps, c.sel, c.lang)
			golden(t, "ladder_"+c.name, screenDump(t, l, c.w, c.h))
		})
	}
}

// TestLadderKeepsSelectionVisible walks a long connection step by step
// on a small pane: the selected row is always on screen and highlighted.
func TestLadderKeepsSelectionVisible(t *testing.T) {
	b := diagramtest.Bulk(40)
	l := NewLadder()
	for sel := 0; sel < len(b.Steps); sel++ {
		l.SetConn(b.Conn(), b.Steps[:sel+1], sel, i18n.En)
		scr := drawOn(t, l, 60, 8)
		if b.Steps[sel].Timer() {
			continue
		}
		want := fmt.Sprintf("seq=%d ", b.Steps[sel].Seq)
		if !reversedRowHas(scr, want) && !reversedRowHas(scr, fmt.Sprintf(" s%d ", b.Steps[sel].Seq)) {
			t.Fatalf("step %d: no highlighted row shows %q:\n%s", sel, want, screenDump(t, l, 60, 8))
		}
	}
}

// TestLadderFoldToggle: unfolded, a long run shows every segment.
func TestLadderFoldToggle(t *testing.T) {
	b := diagramtest.Bulk(3)
	l := NewLadder()
	l.SetConn(b.Conn(), b.Steps, len(b.Steps)-1, i18n.En)
	folded := screenDump(t, l, 80, 30)
	if !strings.Contains(folded, "… 4 data segments, 32 bytes …") {
		t.Fatalf("no fold line:\n%s", folded)
	}
	l.InputHandler()(tcell.NewEventKey(tcell.KeyRune, 'f', 0), nil)
	if l.Folded() {
		t.Fatal("'f' did not unfold")
	}
	unfolded := screenDump(t, l, 80, 30)
	if strings.Contains(unfolded, "data segments") || strings.Count(unfolded, "PSH,ACK") != 4 {
		t.Fatalf("unfolded ladder:\n%s", unfolded)
	}
}

func drawOn(t *testing.T, p tview.Primitive, w, h int) tcell.SimulationScreen {
	t.Helper()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scr.Fini)
	scr.SetSize(w, h)
	p.SetRect(0, 0, w, h)
	p.Draw(scr)
	scr.Show()
	return scr
}

// reversedRowHas reports whether a row holds text in reverse video.
func reversedRowHas(scr tcell.SimulationScreen, text string) bool {
	cells, w, h := scr.GetContents()
	for y := 0; y < h; y++ {
		var b strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if _, _, attr := c.Style.Decompose(); attr&tcell.AttrReverse != 0 {
				b.WriteString(string(c.Runes))
			}
		}
		if strings.Contains(b.String(), text) {
			return true
		}
	}
	return false
}

// TestLadderCJKAlignment: in Chinese, the server line stays in the same
// column on every row.
func TestLadderCJKAlignment(t *testing.T) {
	b := diagramtest.Bulk(5)
	for _, w := range []int{80, 52, 40} {
		l := NewLadder()
		l.SetConn(b.Conn(), b.Steps, 2, i18n.Zh)
		scr := drawOn(t, l, w, 20)
		cells, sw, sh := scr.GetContents()
		_, sx := diagram.NewLadder(w, i18n.Zh).Lines()
		for y := 1; y < sh; y++ {
			row := ""
			for x := 0; x < sw; x++ {
				row += string(cells[y*sw+x].Runes)
			}
			if strings.TrimSpace(row) == "" {
				continue
			}
			if got := string(cells[y*sw+sx].Runes); got != "│" {
				t.Errorf("width %d row %d: column %d is %q, want the server line:\n%s", w, y, sx, got, screenDump(t, l, w, 20))
				break
			}
		}
	}
}

// TestStateDiagramGolden lights every state: each step of a client-close
// (CLOSED top and bottom, SYN_SENT, LISTEN, SYN_RECV, ESTABLISHED,
// FIN_WAIT_1/2, CLOSE_WAIT, LAST_ACK, TIME_WAIT) and a simultaneous close
// (CLOSING).
func TestStateDiagramGolden(t *testing.T) {
	cc, sc := diagramtest.ClientClose(), diagramtest.SimultaneousClose()
	type tc struct {
		name string
		b    *diagramtest.Builder
		sel  int
		w, h int
		lang i18n.Lang
	}
	var cases []tc
	for i := -1; i < len(cc.Steps); i++ {
		cases = append(cases, tc{fmt.Sprintf("clientclose_step%02d", i+1), cc, i, 60, 20, i18n.En})
	}
	cases = append(cases,
		tc{"simclose_closing", sc, 4, 60, 20, i18n.En},
		tc{"clientclose_zh_step09", cc, 8, 64, 22, i18n.Zh},
		tc{"list_40x12", cc, 8, 40, 12, i18n.En},
		tc{"list_zh_30x14", sc, 4, 30, 14, i18n.Zh},
		tc{"list_30x7", cc, 10, 30, 7, i18n.En},
		tc{"list_zh_38x9", cc, 6, 38, 9, i18n.Zh},
	)
	seen := map[fsm.State]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewStateDiagram()
			d.SetConn(c.b.Conn(), c.b.Steps, c.sel, c.lang)
			got := screenDump(t, d, c.w, c.h)
			golden(t, "statediagram_"+c.name, got)
			if c.sel >= 0 {
				for r, st := range c.b.Steps[c.sel].States {
					mark := []string{"[C", "S]"}[r]
					if !strings.Contains(got, mark) {
						t.Errorf("%v state %v not marked %q", fsm.Role(r), st, mark)
					}
					seen[st] = true
				}
			}
		})
	}
	for _, s := range fsm.States()[1:] {
		if !seen[s] {
			t.Errorf("no golden lights %v", s)
		}
	}
}

func TestExplainGolden(t *testing.T) {
	cc := diagramtest.ClientClose()
	for _, c := range []struct {
		name string
		sel  int
		w, h int
		lang i18n.Lang
	}{
		{"synack_en", 1, 60, 18, i18n.En},
		{"synack_zh", 1, 60, 18, i18n.Zh},
		{"ack3_en", 2, 60, 14, i18n.En},
		{"data_en", 3, 60, 14, i18n.En},
		{"fin_en", 7, 60, 18, i18n.En},
		{"fin_zh", 7, 60, 18, i18n.Zh},
		{"finack_zh", 9, 50, 20, i18n.Zh},
		{"timer_zh", 11, 60, 10, i18n.Zh},
		{"none_en", -1, 60, 4, i18n.En},
		{"side_en", -2, 60, 8, i18n.En},
		{"retx_zh", -3, 60, 10, i18n.Zh},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := NewExplain()
			switch c.sel {
			case -2:
				pr := diagramtest.PortReuse()
				e.SetConn(pr.Conn(), pr.Steps, len(pr.Steps)-1, c.lang)
			case -3:
				bk := diagramtest.Bulk(4)
				for i, st := range bk.Steps {
					if len(st.Notes) > 0 {
						e.SetConn(bk.Conn(), bk.Steps, i, c.lang)
					}
				}
			default:
				e.SetConn(cc.Conn(), cc.Steps, c.sel, c.lang)
			}
			golden(t, "explain_"+c.name, screenDump(t, e, c.w, c.h))
		})
	}
}

// TestExplainPayloadCannotInject: escape sequences and tview tags in a
// payload are shown as text, and restyle nothing.
func TestExplainPayloadCannotInject(t *testing.T) {
	for _, payload := range []string{"\x1b[2J", "[red]", `["r1"]`, "[::b]bold[-]", "\x1b]0;title\x07", "\xff\xfe\x00"} {
		b := diagramtest.NewBuilder(fsm.Established, fsm.Established)
		b.Seg(0, fsm.Client, fsm.PSH|fsm.ACK, 1, 1, payload, nil)
		e := NewExplain()
		e.SetConn(b.Conn(), b.Steps, 0, i18n.En)
		scr := drawOn(t, e, 80, 12)
		cells, w, _ := scr.GetContents()
		var all strings.Builder
		for i, c := range cells {
			for _, r := range c.Runes {
				if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
					t.Errorf("payload %q: control character %U on screen at %d,%d", payload, r, i%w, i/w)
				}
			}
			if fg, _, _ := c.Style.Decompose(); fg == tcell.ColorRed {
				t.Errorf("payload %q: a red cell at %d,%d", payload, i%w, i/w)
			}
			all.WriteString(string(c.Runes))
			if i%w == w-1 {
				all.WriteByte('\n')
			}
		}
		if want := view.Preview([]byte(payload)); !strings.Contains(all.String(), want) {
			t.Errorf("payload %q: preview %q not on screen:\n%s", payload, want, all.String())
		}
	}
	if got, want := view.Preview([]byte("\x1b[2J")), `"\x1b[2J"`; got != want {
		t.Errorf("Preview: got %s, want %s", got, want)
	}
}

func TestWrapCJK(t *testing.T) {
	text := i18n.Zh.Reason(fsm.ReasonFinInFinWait2, i18n.Args{"who": "客户端", "peer": "服务器"})
	for _, w := range []int{10, 23, 40} {
		lines := wrap(text, w)
		if joined := strings.Join(lines, ""); strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("width %d: text changed: %q", w, joined)
		}
		for _, l := range lines {
			if uniseg.StringWidth(l) > w {
				t.Errorf("width %d: line %q is %d wide", w, l, uniseg.StringWidth(l))
			}
		}
	}
}

// TestWidgetsOnRecordings draws the project's recordings, run through
// capture, fsm and the session store, at every step: the ladder shows the
// textbook states, the state diagram marks both endpoints' states, and
// the explanation names the packet, in both languages.
func TestWidgetsOnRecordings(t *testing.T) {
	for _, name := range []string{"client-close", "server-close", "half-close", "abort", "refused", "simultaneous-close", "port-reuse", "unread-rst", "long-connection"} {
		t.Run(name, func(t *testing.T) {
			src, err := capture.OpenFile(filepath.Join("..", "testdata", "scenarios", name+".pcap"))
			if err != nil {
				t.Skipf("no recording: %v", err)
			}
			defer src.Close()
			s := session.New(session.Config{})
			if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
				t.Fatal(err)
			}
			last := s.Info().Steps - 1
			conn, ok := s.ConnAt(1, last)
			if !ok {
				t.Fatal("no connection 1")
			}
			steps := s.ConnSteps(1, last, 400)
			if len(steps) < 2 {
				t.Fatalf("%d steps", len(steps))
			}
			l, d, e := NewLadder(), NewStateDiagram(), NewExplain()
			for i := range steps {
				for _, lang := range i18n.Langs() {
					l.SetConn(conn, steps[:i+1], i, lang)
					d.SetConn(conn, steps[:i+1], i, lang)
					e.SetConn(conn, steps[:i+1], i, lang)
					lad := screenDump(t, l, 80, 20)
					if i == 0 && !strings.Contains(lad, "SYN_SENT │") {
						t.Errorf("step 0: ladder lacks SYN_SENT:\n%s", lad)
					}
					st := screenDump(t, d, 60, 20)
					cs, ss := steps[i].States[fsm.Client], steps[i].States[fsm.Server]
					if cs != fsm.Unknown && !strings.Contains(st, "[C") {
						t.Errorf("step %d: client state %v not marked:\n%s", i, cs, st)
					}
					if ss != fsm.Unknown && !strings.Contains(st, "S]") {
						t.Errorf("step %d: server state %v not marked:\n%s", i, ss, st)
					}
					ex := screenDump(t, e, 60, 30)
					if !steps[i].Timer() && !strings.Contains(ex, fmt.Sprint(steps[i].Packet)) {
						t.Errorf("step %d: explanation does not name packet %d:\n%s", i, steps[i].Packet, ex)
					}
					for _, c := range steps[i].Changes {
						if !strings.Contains(ex, c.To.String()) {
							t.Errorf("step %d: explanation lacks the change to %v:\n%s", i, c.To, ex)
						}
					}
				}
			}
		})
	}
}

// BenchmarkWidgetsRedraw measures one SetConn+Draw of the three widgets
// for a connection of about 20k steps (the app passes at most
// maxPaneSteps; this is the worst case for a direct caller).
func BenchmarkWidgetsRedraw(b *testing.B) {
	bb := diagramtest.Bulk(10000)
	conn := bb.Conn()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		b.Fatal(err)
	}
	defer scr.Fini()
	scr.SetSize(100, 30)
	l, d, e := NewLadder(), NewStateDiagram(), NewExplain()
	l.SetRect(0, 0, 60, 12)
	d.SetRect(60, 0, 40, 12)
	e.SetRect(0, 12, 100, 18)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sel := i % len(bb.Steps)
		for _, v := range []ConnView{l, d, e} {
			v.SetConn(conn, bb.Steps, sel, i18n.En)
			v.Draw(scr)
		}
	}
}

// TestLadderManualScrollSurvivesRefresh: the app calls SetConn on every
// refresh; a manual scroll stays until the selection moves.
func TestLadderManualScrollSurvivesRefresh(t *testing.T) {
	b := diagramtest.Bulk(40)
	l := NewLadder()
	l.SetFolded(false)
	last := len(b.Steps) - 1
	l.SetConn(b.Conn(), b.Steps, last, i18n.En)
	bottom := screenDump(t, l, 60, 10)
	l.InputHandler()(tcell.NewEventKey(tcell.KeyPgUp, 0, 0), nil)
	up := screenDump(t, l, 60, 10)
	if up == bottom {
		t.Fatal("PgUp did not scroll")
	}
	l.SetConn(b.Conn(), b.Steps, last, i18n.En) // a refresh, same selection
	if got := screenDump(t, l, 60, 10); got != up {
		t.Fatalf("a refresh undid the scroll:\n%s", got)
	}
	l.SetConn(b.Conn(), b.Steps, last-1, i18n.En) // the selection moves
	if got := screenDump(t, l, 60, 10); !strings.Contains(got, "seq=1 ack=") || got == up {
		t.Fatalf("moving the selection did not bring it back into view:\n%s", got)
	}
}

// TestWidgetsSurviveOddInput draws random steps (any flags, states,
// reasons, roles out of range) at sizes from 0×0 up: nothing may panic.
func TestWidgetsSurviveOddInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	states := fsm.States()
	reasons := append(fsm.Reasons(), "no-such-reason")
	for round := 0; round < 12; round++ {
		n := rng.IntN(50)
		steps := make([]session.Step, n)
		for i := range steps {
			s := &steps[i]
			s.Index, s.Packet = i, uint64(rng.IntN(3)*i)
			s.From = fsm.Role(rng.IntN(2))
			s.Flags = fsm.Flags(rng.IntN(256))
			s.Seq, s.Ack, s.RawSeq, s.RawAck = rng.Uint32(), rng.Uint32(), rng.Uint32(), rng.Uint32()
			s.Len = uint32(rng.IntN(3000))
			s.Side = rng.IntN(10) == 0
			s.Options.WScale = int8(rng.IntN(20) - 1)
			s.Payload = []byte(fmt.Sprintf("\x1b[%d;1H[red]%c\xff", i, rune(rng.IntN(0x10000))))
			s.States = [2]fsm.State{states[rng.IntN(len(states))], fsm.State(rng.IntN(20))}
			for k := rng.IntN(4); k > 0; k-- {
				s.Changes = append(s.Changes, fsm.Transition{Endpoint: fsm.Role(rng.IntN(3)), From: fsm.State(rng.IntN(14)), To: fsm.State(rng.IntN(14)), Reason: reasons[rng.IntN(len(reasons))]})
			}
			for k := rng.IntN(3); k > 0; k-- {
				s.Notes = append(s.Notes, reasons[rng.IntN(len(reasons))])
			}
		}
		conn := fsm.Conn{ID: uint64(round)}
		sel := rng.IntN(n+2) - 1
		for _, sz := range [][2]int{{0, 0}, {1, 1}, {5, 3}, {20, 4}, {45, 12}, {60, 20}, {200, 60}} {
			for _, lang := range i18n.Langs() {
				for _, v := range []ConnView{NewLadder(), NewStateDiagram(), NewExplain()} {
					v.SetConn(conn, steps, sel, lang)
					drawOn(t, v, sz[0], sz[1])
				}
			}
		}
	}
}
