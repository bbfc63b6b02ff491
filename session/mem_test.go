package session_test

import (
	"runtime"
	"testing"

	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestMemory reports the heap a session holds for 100k connections (1M
// segments) and fails if it grows past a budget. Skipped with -short.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-segment session")
	}
	segs := sessiontest.Many(100_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := session.New(session.Config{})
	for _, g := range segs {
		s.Observe(g)
	}
	s.Flush()
	runtime.GC()
	runtime.ReadMemStats(&after)
	perStep := float64(after.HeapAlloc-before.HeapAlloc) / float64(s.Len())
	t.Logf("%d steps, %d connections: %.0f MB live heap, %.0f bytes/step", s.Len(), s.Info().Conns, float64(after.HeapAlloc-before.HeapAlloc)/1e6, perStep)
	if perStep > 250 {
		t.Errorf("%.0f bytes per step, want at most 250", perStep)
	}
	runtime.KeepAlive(s)
	runtime.KeepAlive(segs) // measured before: must not be freed before after
}
