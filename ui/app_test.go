package ui

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/synfin/synfin/internal/golden"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// probe is a ConnView for tests: it writes what it was given, so the
// screen shows what the app fed the panes.
type probe struct {
	*tview.TextView
	conn  fsm.Conn
	steps []session.Step
	sel   int
	calls int
}

func newProbe(title string) *probe {
	p := &probe{TextView: tview.NewTextView()}
	p.SetBorder(true).SetTitle(title)
	return p
}

func (p *probe) SetConn(c fsm.Conn, steps []session.Step, sel int, lang i18n.Lang) {
	p.conn, p.steps, p.sel = c, steps, sel
	p.calls++
	var b strings.Builder
	if sel < 0 {
		b.WriteString(lang.T(i18n.KeyNoConnection))
	} else {
		st := steps[sel]
		fmt.Fprintf(&b, "conn %d %v %v steps %d\n", c.ID, c.State[0], c.State[1], len(steps))
		fmt.Fprintf(&b, "#%d %v len %d %q", st.Packet, st.Flags, st.Len, st.Payload)
	}
	p.SetText(b.String())
}

// testApp builds an App over a session holding segs, read to the end.
func testApp(t testing.TB, segs []fsm.Segment, mode Mode, lang i18n.Lang) (*App, *probe, *time.Time) {
	t.Helper()
	s := session.New(session.Config{})
	for _, seg := range segs {
		s.Observe(seg)
	}
	if mode == Replay {
		s.Flush()
		s.SetCounts(session.Counts{Packets: uint64(len(segs))})
		finishForTest(s)
	}
	now := sessiontest.Start
	pr := newProbe("probe")
	a := New(Config{Session: s, Mode: mode, Source: "lesson.pcap", Lang: lang,
		Ladder: pr, Clock: func() time.Time { return now }})
	return a, pr, &now
}

// finishForTest marks the session's source as read to the end, as Run
// does at EOF.
func finishForTest(s *session.Session) {
	_ = s.Run(context.Background(), &sessiontest.Source{}, session.RunOptions{})
}

// screenGolden compares got with testdata/name.golden, or rewrites it
// with -update.
func screenGolden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

// screenText draws the app on a simulation screen of w×h and returns its
// text, one line per row, trailing spaces cut.
func screenText(t testing.TB, a *App, w, h int) string {
	t.Helper()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	defer scr.Fini()
	scr.SetSize(w, h)
	root := a.Root()
	root.SetRect(0, 0, w, h)
	scr.Clear()
	root.Draw(scr)
	scr.Show()
	cells, cw, ch := scr.GetContents()
	var b strings.Builder
	for y := range ch {
		var line strings.Builder
		for x := 0; x < cw; x++ {
			c := cells[y*cw+x]
			if len(c.Runes) == 0 {
				continue
			}
			line.WriteString(string(c.Runes))
			if rw := runeWidth(c.Runes[0]); rw == 2 {
				x++ // the wide rune covers the next cell
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func runeWidth(r rune) int {
	if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6)) {
		return 2
	}
	return 1
}

func key(k tcell.Key) *tcell.EventKey { return tcell.NewEventKey(k, 0, tcell.ModNone) }
func runeKey(r rune) *tcell.EventKey  { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }

func TestScreens(t *testing.T) {
	segs := sessiontest.Many(3)
	for _, tt := range []struct {
		name string
		w, h int
		lang i18n.Lang
		keys int // → presses
	}{
		{"replay-100x30-en", 100, 30, i18n.En, 13},
		{"replay-80x24-en", 80, 24, i18n.En, 13},
		{"replay-100x30-zh", 100, 30, i18n.Zh, 13},
		{"replay-80x24-zh", 80, 24, i18n.Zh, 13},
		{"replay-start-100x30-en", 100, 30, i18n.En, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := testApp(t, segs, Replay, tt.lang)
			for range tt.keys {
				a.HandleKey(key(tcell.KeyRight))
			}
			screenGolden(t, tt.name, screenText(t, a, tt.w, tt.h))
		})
	}
}

// realApp is testApp with the real panes.
func realApp(t testing.TB, segs []fsm.Segment, mode Mode, lang i18n.Lang) *App {
	s := session.New(session.Config{})
	for _, seg := range segs {
		s.Observe(seg)
	}
	finishForTest(s)
	return New(Config{Session: s, Mode: mode, Source: "lesson.pcap", Lang: lang,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(), Clock: func() time.Time { return sessiontest.Start }})
}

// TestBackEqualsForward steps through a whole capture and back, with the
// real panes: every screen on the way back is the screen arriving forward
// showed.
func TestBackEqualsForward(t *testing.T) {
	// Two connections 61 s apart, so that the first one's TIME_WAIT
	// timer fires in between (a step without a packet), then two more
	// interleaved ones.
	server := netip.MustParseAddrPort("10.0.0.1:80")
	segs := sessiontest.Conn(netip.MustParseAddrPort("10.1.0.1:1111"), server, 1, sessiontest.Start, "GET /")
	segs = append(segs, sessiontest.Conn(netip.MustParseAddrPort("10.1.0.2:2222"), server, 11, sessiontest.Start.Add(61*time.Second), "GET /x")...)
	x := sessiontest.Conn(netip.MustParseAddrPort("10.1.0.3:3333"), server, 21, sessiontest.Start.Add(62*time.Second), "a")
	y := sessiontest.Conn(netip.MustParseAddrPort("10.1.0.4:4444"), server, 22, sessiontest.Start.Add(62*time.Second), "b")
	for i := range x {
		x[i].Packet, y[i].Packet = uint64(21+2*i), uint64(22+2*i)
		y[i].Time = y[i].Time.Add(time.Microsecond)
		segs = append(segs, x[i], y[i])
	}
	a := realApp(t, segs, Replay, i18n.En)
	if st, ok := a.s.Step(10); !ok || !st.Timer() {
		t.Fatalf("step 10 = %+v, want the timer firing", st)
	}
	n := a.s.Len()
	forward := make([]string, n)
	forward[0] = screenText(t, a, 100, 30)
	for i := 1; i < n; i++ {
		a.HandleKey(key(tcell.KeyRight))
		if got := a.cur.Pos(); got != i {
			t.Fatalf("after %d →: pos %d", i, got)
		}
		forward[i] = screenText(t, a, 100, 30)
	}
	if forward[n-1] == forward[0] {
		t.Fatal("first and last screens are equal: nothing is drawn")
	}
	for i := n - 2; i >= 0; i-- {
		a.HandleKey(key(tcell.KeyLeft))
		if got := screenText(t, a, 100, 30); got != forward[i] {
			t.Fatalf("step %d back differs from forward:\n%s", i, goldenfile.Diff(forward[i], got))
		}
	}
}

func TestKeys(t *testing.T) {
	segs := sessiontest.Many(3) // steps 0-9 conn 1, 10-19 conn 2, 20-29 conn 3
	a, pr, now := testApp(t, segs, Replay, i18n.En)
	stopped := false
	a.stop = func() { stopped = true }
	var focus tview.Primitive
	a.setFocus = func(p tview.Primitive) { focus = p }

	steps := []struct {
		name    string
		ev      *tcell.EventKey
		advance time.Duration
		pos     int
		conn    uint64
	}{
		{"start", nil, 0, 0, 1},
		{"right", key(tcell.KeyRight), 0, 1, 1},
		{"end", key(tcell.KeyEnd), 0, 29, 3},
		{"left", key(tcell.KeyLeft), 0, 28, 3},
		{"home", key(tcell.KeyHome), 0, 0, 1},
		{"play", runeKey(' '), 0, 0, 1},
		{"one second at 2/s", nil, time.Second, 2, 1},
		{"faster: 5/s", runeKey('+'), 0, 2, 1},
		{"one second at 5/s", nil, time.Second, 7, 1},
		{"pause", runeKey(' '), 0, 7, 1},
		{"paused: time passes", nil, 10 * time.Second, 7, 1},
		{"list down selects conn 2 (newest first: 3,2,1)", key(tcell.KeyDown), 0, 7, 1},
		{"end", key(tcell.KeyEnd), 0, 29, 3},
		{"down to conn 2", key(tcell.KeyDown), 0, 29, 2},
		{"enter focuses conn 2", key(tcell.KeyEnter), 0, 19, 2},
		{"left in focus", key(tcell.KeyLeft), 0, 18, 2},
		{"home in focus", key(tcell.KeyHome), 0, 10, 2},
		{"left at focus start stays", key(tcell.KeyLeft), 0, 10, 2},
		{"esc leaves focus", key(tcell.KeyEscape), 0, 10, 2},
		{"left leaves conn 2", key(tcell.KeyLeft), 0, 9, 1},
	}
	for _, st := range steps {
		*now = now.Add(st.advance)
		if st.ev != nil {
			if st.ev.Key() == tcell.KeyDown || st.ev.Key() == tcell.KeyEnter {
				// Keys the capture passes on reach the focused table.
				if out := a.HandleKey(st.ev); out != nil {
					a.table.InputHandler()(out, func(p tview.Primitive) {})
				}
			} else if out := a.HandleKey(st.ev); out != nil {
				t.Fatalf("%s: key %v not handled", st.name, st.ev.Name())
			}
		}
		a.Tick(*now)
		if got := a.cur.Pos(); got != st.pos {
			t.Errorf("%s: pos %d, want %d", st.name, got, st.pos)
		}
		if pr.conn.ID != st.conn {
			t.Errorf("%s: panes show conn %d, want %d", st.name, pr.conn.ID, st.conn)
		}
	}
	// The panes get the shown connection's steps up to the cursor.
	if len(pr.steps) != 10 || pr.sel != 9 || pr.steps[pr.sel].Index != 9 {
		t.Errorf("panes got %d steps, selected %d", len(pr.steps), pr.sel)
	}

	a.HandleKey(key(tcell.KeyTab))
	if focus == nil || focus == tview.Primitive(a.table) {
		t.Errorf("Tab did not move the focus off the list")
	}
	a.HandleKey(runeKey('?'))
	screenText(t, a, 100, 30)
	if !a.helpOpen || !strings.Contains(a.help.GetText(true), "play / pause") {
		t.Errorf("? did not open the help")
	}
	a.HandleKey(runeKey('x'))
	a.HandleKey(key(tcell.KeyDown))
	if !a.helpOpen {
		t.Errorf("x or ↓ closed the help (only ?, Esc and q do)")
	}
	a.HandleKey(key(tcell.KeyEscape))
	if a.helpOpen {
		t.Errorf("Esc did not close the help")
	}
	a.HandleKey(runeKey('L'))
	if a.lang != i18n.Zh || !strings.Contains(a.status.GetText(true), "已暂停") {
		t.Errorf("L did not switch to Chinese: %q", a.status.GetText(true))
	}
	a.HandleKey(runeKey('q'))
	if !stopped {
		t.Errorf("q did not stop the app")
	}
}

func TestFilter(t *testing.T) {
	segs := sessiontest.Many(30)
	a, _, _ := testApp(t, segs, Replay, i18n.En)
	a.HandleKey(key(tcell.KeyEnd))
	if got := a.list.GetRowCount(); got != 31 {
		t.Fatalf("rows = %d, want 31", got)
	}
	a.HandleKey(runeKey('/'))
	a.filterIn.SetText("20007")
	a.filterDone(tcell.KeyEnter)
	if got := a.list.GetRowCount(); got != 2 {
		t.Fatalf("filtered rows = %d, want 2", got)
	}
	if got := a.list.GetCell(1, colClient).Text; !strings.HasSuffix(got, ":20007") {
		t.Errorf("filtered row client = %q", got)
	}
	if !strings.Contains(a.table.GetTitle(), "/20007") {
		t.Errorf("title %q does not show the filter", a.table.GetTitle())
	}
	a.HandleKey(key(tcell.KeyEscape))
	if got := a.list.GetRowCount(); got != 31 {
		t.Errorf("after Esc rows = %d, want 31", got)
	}
}

// TestUntrustedText checks that text from a capture cannot inject
// terminal escapes or tview tags.
func TestUntrustedText(t *testing.T) {
	evil := "\x1b[2J[red]boom[-][\"r1\"]x\x00\xff"
	seg := sessiontest.Conn(netip.MustParseAddrPort("10.9.9.9:1234"), netip.MustParseAddrPort("10.0.0.1:80"), 1, sessiontest.Start, evil)
	s := session.New(session.Config{})
	for _, g := range seg {
		s.Observe(g)
	}
	demo := &fakeDemo{log: []string{"received " + evil}}
	a := New(Config{Session: s, Mode: Demo, Source: "lo " + evil, Lang: i18n.En, Demo: demo, Clock: time.Now,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
	a.HandleKey(runeKey(' ')) // pause on the data segment: the explanation shows its payload
	for a.cur.Pos() > 3 {
		a.HandleKey(key(tcell.KeyLeft))
	}
	a.HandleKey(runeKey('/'))
	a.filterIn.SetText("[red]" + evil)
	a.filterDone(tcell.KeyEnter)
	got := screenText(t, a, 100, 30)
	if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0) {
		t.Errorf("screen holds a control character:\n%s", got)
	}
	for _, want := range []string{"[red]boom", "[2J"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q (escaped text must show literally):\n%s", want, got)
		}
	}
	if u := Untrusted("a\x1bb\tc\xffd"); u != "a·b·c·d" {
		t.Errorf("Untrusted = %q", u)
	}
}

type fakeDemo struct {
	log  []string
	keys []rune
	v    uint64
}

func (d *fakeDemo) Do(r rune) bool {
	if strings.ContainsRune("cs", r) {
		d.keys = append(d.keys, r)
		d.v++
		return true
	}
	return false
}
func (d *fakeDemo) Help(l i18n.Lang) []string {
	return []string{l.T(i18n.KeyDemoConnect), l.T(i18n.KeyDemoSend)}
}
func (d *fakeDemo) Keys(l i18n.Lang) string         { return "c connect · s send" }
func (d *fakeDemo) Log(l i18n.Lang, n int) []string { return d.log }
func (d *fakeDemo) Model(l i18n.Lang) string        { return "goroutine" }
func (d *fakeDemo) Version() uint64                 { return d.v }

func TestDemoKeys(t *testing.T) {
	s := session.New(session.Config{})
	d := &fakeDemo{}
	a := New(Config{Session: s, Mode: Demo, Source: "demo", Demo: d, Clock: time.Now})
	if out := a.HandleKey(runeKey('c')); out != nil {
		t.Errorf("c not handled")
	}
	// Z has no binding: the demo does not get it (and the list, which
	// has the focus, never sees a key: see listKey).
	a.HandleKey(runeKey('Z'))
	if string(d.keys) != "c" {
		t.Errorf("demo got keys %q", string(d.keys))
	}
	// Live: the cursor follows new packets until paused.
	for _, g := range sessiontest.Many(1)[:3] {
		s.Observe(g)
	}
	a.Tick(time.Now())
	if a.cur.Pos() != 2 || !a.cur.Following() {
		t.Errorf("follow: pos %d following %v", a.cur.Pos(), a.cur.Following())
	}
	a.HandleKey(runeKey(' '))
	for _, g := range sessiontest.Many(1)[3:] {
		s.Observe(g)
	}
	a.Tick(time.Now())
	if a.cur.Pos() != 2 || a.cur.Following() {
		t.Errorf("paused: pos %d following %v", a.cur.Pos(), a.cur.Following())
	}
	a.HandleKey(key(tcell.KeyEnd))
	if a.cur.Pos() != 9 || !a.cur.Following() {
		t.Errorf("End: pos %d following %v", a.cur.Pos(), a.cur.Following())
	}
}

// TestUntrustedPayload: the explanation of a data segment shows its
// payload quoted, escapes and tags as plain text.
func TestUntrustedPayload(t *testing.T) {
	evil := "\x1b[2J[red]boom[-][\"r1\"]x\x00\xff"
	seg := sessiontest.Conn(netip.MustParseAddrPort("10.9.9.9:1234"), netip.MustParseAddrPort("10.0.0.1:80"), 1, sessiontest.Start, evil)
	a := realApp(t, seg, Replay, i18n.En)
	for range 3 {
		a.HandleKey(key(tcell.KeyRight))
	}
	got := screenText(t, a, 100, 60) // tall: room for the whole explanation
	if !strings.Contains(got, `"\x1b[2J[red]boom[-][\"r1\"]x\x00\xff"`) || strings.ContainsRune(got, 0x1b) {
		t.Errorf("payload not shown escaped:\n%s", got)
	}
}

// TestListScroll: the list keeps the shown connection in view, from the
// oldest (bottom) to the newest (top) and back.
func TestListScroll(t *testing.T) {
	segs := sessiontest.Many(30)
	a, _, _ := testApp(t, segs, Replay, i18n.En)
	at := func(name, want, notWant string) {
		t.Helper()
		got := screenText(t, a, 100, 30)
		list := strings.Join(strings.Split(got, "\n")[:8], "\n")
		if !strings.Contains(list, want) || strings.Contains(list, notWant) {
			t.Errorf("%s: list shows\n%s\nwant %q, not %q", name, list, want, notWant)
		}
	}
	at("start", "10.1.0.0:20000 ", "10.1.0.0:20001 ")
	a.HandleKey(key(tcell.KeyEnd))
	at("end", "10.1.0.0:20029 ", "10.1.0.0:20000 ")
	a.HandleKey(key(tcell.KeyHome))
	at("home", "10.1.0.0:20000 ", "10.1.0.0:20029 ")
}

// TestGuard: a panic on another goroutine stops the UI (restoring the
// terminal) before it goes on.
func TestGuard(t *testing.T) {
	a, _, _ := testApp(t, nil, Replay, i18n.En)
	stopped := false
	a.stop = func() { stopped = true }
	defer func() {
		if p := recover(); p != "boom" || !stopped {
			t.Errorf("recovered %v, stopped %v; want boom, true", p, stopped)
		}
	}()
	func() {
		defer a.Guard()
		panic("boom")
	}()
}

// TestFoldKey: f folds the ladder wherever the focus is.
func TestFoldKey(t *testing.T) {
	a := realApp(t, sessiontest.Many(1), Replay, i18n.En)
	l := a.cfg.Ladder.(*Ladder)
	before := l.Folded()
	if out := a.HandleKey(runeKey('f')); out != nil || l.Folded() == before {
		t.Errorf("f: folded %v -> %v", before, l.Folded())
	}
}

// TestZoom: z from the list shows the state diagram on the whole screen,
// big enough for the RFC 9293 figure; z or Esc goes back.
func TestZoom(t *testing.T) {
	server := netip.MustParseAddrPort("10.0.0.1:80")
	segs := sessiontest.Conn(netip.MustParseAddrPort("10.1.0.1:1111"), server, 1, sessiontest.Start, "GET /")
	a := realApp(t, segs, Replay, i18n.En)
	a.HandleKey(tcell.NewEventKey(tcell.KeyHome, 0, 0))
	a.HandleKey(runeKey('z'))
	if a.zoomed != a.cfg.States {
		t.Fatalf("z from the list zoomed %T, want the state diagram", a.zoomed)
	}
	got := screenText(t, a, 100, 30)
	for _, want := range []string{"SYN_SENT", "ESTABLISHED", "TIME_WAIT", "LISTEN"} {
		if !strings.Contains(got, want) {
			t.Errorf("zoomed state diagram lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Connections") {
		t.Errorf("the connection list still shows when zoomed:\n%s", got)
	}
	screenGolden(t, "zoom-states-100x30", got)
	a.HandleKey(tcell.NewEventKey(tcell.KeyEscape, 0, 0))
	if a.zoomed != nil || !strings.Contains(screenText(t, a, 100, 30), "Connections") {
		t.Errorf("Esc did not go back to the main screen")
	}
	a.HandleKey(runeKey('z'))
	a.HandleKey(runeKey('z'))
	if a.zoomed != nil {
		t.Errorf("z twice did not go back")
	}
}

// kernelDemo is a fakeDemo that can also read "the kernel".
type kernelDemo struct {
	fakeDemo
	cs, ss fsm.State
}

func (d *kernelDemo) KernelStates(client, server netip.AddrPort) (fsm.State, fsm.State, bool) {
	return d.cs, d.ss, true
}

// TestDemoKernelLine: in demo mode the panel shows the kernel's view of the
// shown connection's sockets next to the inferred states.
func TestDemoKernelLine(t *testing.T) {
	s := session.New(session.Config{})
	for _, g := range sessiontest.Conn(netip.MustParseAddrPort("10.1.0.1:1111"), netip.MustParseAddrPort("10.0.0.1:80"), 1, sessiontest.Start, "hi") {
		s.Observe(g)
	}
	d := &kernelDemo{cs: fsm.TimeWait, ss: fsm.Closed}
	a := New(Config{Session: s, Mode: Demo, Source: "demo", Demo: d, Clock: time.Now,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
	a.Tick(time.Now())
	screenText(t, a, 120, 30)
	got := a.demoKeys.GetText(true)
	if !strings.Contains(got, "kernel now (ss): client TIME_WAIT · server CLOSED") {
		t.Errorf("demo panel lacks the kernel's view:\n%s", got)
	}
}
