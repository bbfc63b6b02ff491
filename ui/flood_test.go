package ui

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session/sessiontest"
)

// queuedScreen is a simulation screen whose keys are all queued before the
// UI starts, as when 2,000 keys arrive faster than the UI draws; it counts
// the redraws that reach the terminal (Show).
type queuedScreen struct {
	tcell.SimulationScreen
	q     chan tcell.Event
	fini  chan struct{}
	shows atomic.Int64
}

func (s *queuedScreen) PollEvent() tcell.Event {
	select {
	case ev := <-s.q:
		return ev
	case <-s.fini:
		return nil
	}
}

func (s *queuedScreen) Fini() {
	close(s.fini)
	s.SimulationScreen.Fini()
}
func (s *queuedScreen) HasPendingEvent() bool { return len(s.q) > 0 }
func (s *queuedScreen) Show() {
	s.shows.Add(1)
	s.SimulationScreen.Show()
}

// TestKeyFlood is issue 8 item 9: 2,000 queued → keys are all applied, with
// a handful of redraws rather than one per key.
func TestKeyFlood(t *testing.T) {
	const n = 2000
	a := realApp(t, sessiontest.Many(300), Replay, i18n.En) // 3,000 steps
	scr := &queuedScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), q: make(chan tcell.Event, n+1), fini: make(chan struct{})}
	for range n {
		scr.q <- key(tcell.KeyRight)
	}
	scr.q <- runeKey('q')
	if err := a.Run(context.Background(), scr); err != nil {
		t.Fatal(err)
	}
	if got := a.cur.Pos(); got != n {
		t.Errorf("after %d →: pos %d", n, got)
	}
	// One redraw at the start, one every maxSkipped keys, one at the end.
	if got, most := scr.shows.Load(), int64(n/maxSkipped+4); got > most {
		t.Errorf("%d redraws for %d queued keys, want at most %d", got, n, most)
	}
	// What was drawn last is the last step.
	if got := a.list.pos; got != n {
		t.Errorf("list shown at step %d, want %d", got, n)
	}
}
