package ui

import (
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// BenchmarkKeyPress is the time to handle one key and draw the whole
// screen (100×30) with 100k connections (1M steps) loaded: what a user
// waits for after pressing → or ←, or moving in the list.
func BenchmarkKeyPress(b *testing.B) {
	s := session.New(session.Config{})
	for _, g := range sessiontest.Many(100_000) {
		s.Observe(g)
	}
	finishForTest(s)
	a := New(Config{Session: s, Mode: Replay, Source: "big.pcap", Lang: i18n.En,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(), Clock: time.Now})
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		b.Fatal(err)
	}
	defer scr.Fini()
	scr.SetSize(100, 30)
	a.Root().SetRect(0, 0, 100, 30)
	a.HandleKey(key(tcell.KeyEnd))
	keys := []*tcell.EventKey{key(tcell.KeyLeft), key(tcell.KeyLeft), key(tcell.KeyRight), runeKey(' '), runeKey(' ')}
	b.ResetTimer()
	for i := range b.N {
		a.HandleKey(keys[i%len(keys)])
		a.Root().Draw(scr)
		scr.Show()
	}
	b.StopTimer()
	if a.list.visible < 99_000 {
		b.Errorf("visible = %d, want about 100000", a.list.visible)
	}
}
