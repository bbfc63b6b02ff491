package ui

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// stepKernelDemo is a fakeDemo that keeps "the kernel" per step: the
// states it read, by time; a step whose interval has no read is not read.
type stepKernelDemo struct {
	fakeDemo
	reads []kernelRead // by time
	calls [][2]time.Time
}

type kernelRead struct {
	at     time.Time
	states [3]fsm.State
	found  [3]bool
}

func (d *stepKernelDemo) KernelView(client, server netip.AddrPort, after, before time.Time) ([3]fsm.State, [3]bool, bool) {
	d.calls = append(d.calls, [2]time.Time{after, before})
	if after.IsZero() {
		r := d.reads[len(d.reads)-1]
		return r.states, r.found, true
	}
	var got *kernelRead
	for i := range d.reads {
		if !d.reads[i].at.Before(after) && (before.IsZero() || d.reads[i].at.Before(before)) {
			got = &d.reads[i]
		}
	}
	if got == nil {
		return [3]fsm.State{}, [3]bool{}, false
	}
	return got.states, got.found, true
}

// TestDemoKernelLinePerStep (issue 9 defect 4, last part): stepping back in
// the demo shows the kernel's state at that step (asked for between the
// step's packet and the connection's next one), "not read at this step"
// where the kernel was not read then, "now" on the newest step, and "no
// socket" where the kernel had none; in both languages. Before, the line
// always showed the kernel now.
func TestDemoKernelLinePerStep(t *testing.T) {
	s := session.New(session.Config{})
	for _, g := range sessiontest.Conn(netip.MustParseAddrPort("10.1.0.1:1111"), netip.MustParseAddrPort("10.0.0.1:80"), 1, sessiontest.Start, "hi") {
		s.Observe(g)
	}
	n := s.Len()
	if n < 4 {
		t.Fatalf("%d steps", n)
	}
	var times []time.Time
	for i := 0; i < n; i++ {
		st, _ := s.Step(i)
		times = append(times, st.Time)
	}
	est := [3]fsm.State{fsm.Established, fsm.Established, fsm.Listen}
	all := [3]bool{true, true, true}
	d := &stepKernelDemo{reads: []kernelRead{
		// read after the second-to-last step, before the last one
		{times[n-2].Add(time.Microsecond / 2), [3]fsm.State{fsm.FinWait2, fsm.CloseWait, fsm.Listen}, all},
		// now: the client in TIME_WAIT, the server's socket gone
		{times[n-1].Add(time.Millisecond), [3]fsm.State{fsm.TimeWait, 0, fsm.Listen}, [3]bool{true, false, true}},
	}}
	if times[2].Before(times[3]) {
		d.reads = append([]kernelRead{{times[2], est, all}}, d.reads...)
	}
	for _, lang := range i18n.Langs() {
		a := New(Config{Session: s, Mode: Demo, Source: "demo", Demo: d, Clock: time.Now, Lang: lang,
			Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
		a.Tick(time.Now())
		screenText(t, a, 120, 30)
		now := lang.F(i18n.KeyUI2KernelNow, i18n.Args{"client": "TIME_WAIT", "server": lang.T(i18n.KeyUI2NoSocket), "listener": "LISTEN"})
		if got := a.demoKeys.GetText(true); !strings.Contains(got, now) {
			t.Errorf("%v, newest step: want %q:\n%s", lang, now, got)
		}
		a.HandleKey(key(tcell.KeyLeft)) // the second-to-last step
		screenText(t, a, 120, 30)
		at := lang.F(i18n.KeyUI2KernelStep, i18n.Args{"client": "FIN_WAIT_2", "server": "CLOSE_WAIT", "listener": "LISTEN"})
		if got := a.demoKeys.GetText(true); !strings.Contains(got, at) {
			t.Errorf("%v, one step back: want %q:\n%s", lang, at, got)
		}
		if c := d.calls[len(d.calls)-1]; !c[0].Equal(times[n-2]) || !c[1].Equal(times[n-1]) {
			t.Errorf("%v: KernelView asked for (%v, %v), want the step's time and the next step's", lang, c[0], c[1])
		}
		a.HandleKey(key(tcell.KeyHome)) // the SYN: no read between it and the SYN+ACK
		screenText(t, a, 120, 30)
		if got := a.demoKeys.GetText(true); !strings.Contains(got, lang.T(i18n.KeyUI2KernelNotRead)) {
			t.Errorf("%v, first step: want %q:\n%s", lang, lang.T(i18n.KeyUI2KernelNotRead), got)
		}
	}
}
