package ui

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// press routes a key as tview does: the screen's input capture first, then
// the focused primitive (the list, here) gets what the capture passed on.
func press(a *App, ev *tcell.EventKey) {
	if out := a.pages.GetInputCapture()(ev); out != nil {
		p := a.order[a.focused]
		p.InputHandler()(out, func(tview.Primitive) {})
	}
}

// withDeadline fails the test if f does not return within 5 s: the freeze
// it guards against never returns at all.
func withDeadline(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still running after 5 s (tview's table loops on a list with no selectable row)", what)
	}
}

// TestEmptyListKeys is defect 1 of issue 9: ↑ ↓ PgUp PgDn Home End on a
// list with only its header (the demo's first screen, a filter matching
// nothing) must return, and q must still quit.
func TestEmptyListKeys(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T) *App
	}{
		{"demo-first-screen", func(t *testing.T) *App {
			return New(Config{Session: session.New(session.Config{}), Mode: Demo, Source: "demo", Demo: &fakeDemo{}, Clock: time.Now})
		}},
		{"filter-matches-nothing", func(t *testing.T) *App {
			a, _, _ := testApp(t, sessiontest.Many(20), Replay, i18n.En)
			a.HandleKey(key(tcell.KeyEnd))
			for range 15 { // select a row far down, beyond the filtered list
				press(a, key(tcell.KeyDown))
			}
			a.HandleKey(runeKey('/'))
			a.filterIn.SetText("no-such-host")
			a.filterDone(tcell.KeyEnter)
			return a
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.setup(t)
			stopped := false
			a.stop = func() { stopped = true }
			screenText(t, a, 100, 30)
			for _, k := range []tcell.Key{tcell.KeyDown, tcell.KeyUp, tcell.KeyPgDn, tcell.KeyPgUp, tcell.KeyHome, tcell.KeyEnd} {
				withDeadline(t, tcell.KeyNames[k], func() {
					press(a, key(k))
					screenText(t, a, 100, 30)
				})
			}
			for _, r := range "jkgG" {
				withDeadline(t, string(r), func() { press(a, runeKey(r)) })
			}
			press(a, runeKey('q'))
			if !stopped {
				t.Errorf("q did not stop the app")
			}
		})
	}
}

// TestDurationToLastPacket is defect 7 of issue 9: when the TIME_WAIT
// timer fires, the list's Duration stays the time to the last packet and
// the timer is shown apart.
func TestDurationToLastPacket(t *testing.T) {
	server := netip.MustParseAddrPort("10.0.0.1:80")
	segs := sessiontest.Conn(netip.MustParseAddrPort("10.1.0.1:1111"), server, 1, sessiontest.Start, "GET /")
	segs = append(segs, sessiontest.Conn(netip.MustParseAddrPort("10.1.0.2:2222"), server, 11, sessiontest.Start.Add(61*time.Second), "GET /x")...)
	a := realApp(t, segs, Replay, i18n.En)
	for a.cur.Pos() < 10 {
		a.HandleKey(key(tcell.KeyRight))
	}
	timer, _ := a.s.Step(10)
	if !timer.Timer() {
		t.Fatalf("step 10 is not the timer")
	}
	row := a.list.rowOf(1)
	got := a.list.GetCell(row, colDuration).Text
	last := segs[9].Time.Sub(segs[0].Time)
	want := shortDuration(last) + " [::d]+" + shortDuration(timer.Time.Sub(segs[9].Time)) + " 2MSL[::-]"
	if got != want {
		t.Errorf("duration cell = %q, want %q (time to the last packet, then the timer)", got, want)
	}
}

// TestFilterSelectsMatch is defect 3 of issue 9: after a / filter the
// panes show a connection the list shows (the newest match, selected), and
// Enter focuses it at once.
func TestFilterSelectsMatch(t *testing.T) {
	a, pr, _ := testApp(t, sessiontest.Many(30), Replay, i18n.En)
	a.HandleKey(key(tcell.KeyEnd)) // shows conn 30
	a.HandleKey(runeKey('/'))
	a.filterIn.SetText("20007") // conn 8's client port
	a.filterDone(tcell.KeyEnter)
	if pr.conn.ID != 8 {
		t.Errorf("after the filter the panes show conn %d, want the match, 8", pr.conn.ID)
	}
	if r, _ := a.table.GetSelection(); a.list.idAt(r) != 8 {
		t.Errorf("the list selects conn %d, want 8", a.list.idAt(r))
	}
	press(a, key(tcell.KeyEnter))
	if got := a.cur.Focused(); got != 8 {
		t.Errorf("Enter focused conn %d, want 8", got)
	}
	// From the start of the capture, a match that begins later is found.
	b, pr2, _ := testApp(t, sessiontest.Many(30), Replay, i18n.En)
	b.HandleKey(runeKey('/'))
	b.filterIn.SetText("20029")
	b.filterDone(tcell.KeyEnter)
	if pr2.conn.ID != 30 {
		t.Errorf("from the start: panes show conn %d, want 30", pr2.conn.ID)
	}
	// A filter matching nothing leaves the panes empty, not on a hidden
	// connection.
	b.HandleKey(runeKey('/'))
	b.filterIn.SetText("no-such-host")
	b.filterDone(tcell.KeyEnter)
	if pr2.conn.ID != 0 {
		t.Errorf("no match: panes show conn %d, want none", pr2.conn.ID)
	}
}

// TestHelp is defect 2 of issue 9: the help lists every key, scrolls with
// ↑ ↓ PgDn, is closed by ?, Esc or q only (q does not quit from it), and its
// closing keys stay visible at 80×24 wherever it is scrolled.
func TestHelp(t *testing.T) {
	for _, lang := range i18n.Langs() {
		d := &fakeDemo{}
		a := New(Config{Session: session.New(session.Config{}), Mode: Demo, Source: "demo", Lang: lang, Demo: d,
			Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(), Clock: time.Now})
		stopped := false
		a.stop = func() { stopped = true }
		press(a, runeKey('?'))
		first := screenText(t, a, 80, 24)
		foot := lang.T(i18n.KeyUIHelpClose)
		if !strings.Contains(first, foot) {
			t.Errorf("%v: help at 80×24 does not say how to close it:\n%s", lang, first)
		}
		for range 40 {
			press(a, key(tcell.KeyDown))
		}
		press(a, key(tcell.KeyPgDn))
		scrolled := screenText(t, a, 80, 24)
		if scrolled == first || !strings.Contains(scrolled, foot) {
			t.Errorf("%v: ↓ did not scroll the help, or lost its footer:\n%s", lang, scrolled)
		}
		// The last key of the list is reachable: the demo keys.
		if !strings.Contains(scrolled, lang.T(i18n.KeyDemoSend)) {
			t.Errorf("%v: scrolled to the end, the help lacks the last demo key:\n%s", lang, scrolled)
		}
		if !a.helpOpen || len(d.keys) > 0 {
			t.Fatalf("%v: a scroll key closed the help or reached the demo", lang)
		}
		for _, k := range []*tcell.EventKey{runeKey('?'), key(tcell.KeyEscape), runeKey('q')} {
			if !a.helpOpen {
				press(a, runeKey('?'))
			}
			press(a, k)
			if a.helpOpen {
				t.Errorf("%v: %s did not close the help", lang, k.Name())
			}
		}
		if stopped {
			t.Errorf("%v: q in the help quit the app", lang)
		}
	}
}

// selDemo is a fakeDemo that records what the list selects.
type selDemo struct {
	fakeDemo
	client, server netip.AddrPort
}

func (d *selDemo) Select(c, s netip.AddrPort) { d.client, d.server = c, s }

// TestDemoActsOnSelected is defect 10 of issue 9 (ui side): the demo is
// told which connection the list shows, so its keys act on it; while
// following the newest packets, on none (the newest).
func TestDemoActsOnSelected(t *testing.T) {
	s := session.New(session.Config{})
	for _, g := range sessiontest.Many(3) {
		s.Observe(g)
	}
	d := &selDemo{}
	a := New(Config{Session: s, Mode: Demo, Source: "demo", Demo: d, Clock: time.Now,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
	a.Tick(time.Now())
	if d.client.IsValid() {
		t.Errorf("following: selected %v, want none (the newest)", d.client)
	}
	screenText(t, a, 100, 30)
	press(a, key(tcell.KeyDown)) // newest first: 3, then 2
	c2, _ := a.s.ConnAt(2, a.cur.Pos())
	if d.client != c2.Client || d.server != c2.Server {
		t.Errorf("after ↓ the demo acts on %v→%v, want conn 2 %v→%v", d.client, d.server, c2.Client, c2.Server)
	}
}
