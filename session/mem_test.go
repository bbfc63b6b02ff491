package session_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestMemory reports the heap a session holds for 100k connections (1M
// segments) and fails if it grows past a budget. Skipped with -short.
// "memory" keeps the packet fields in memory, as for a pipe, a gzip file
// or live capture; "file" re-reads them from the capture file
// (capturetest.WriteSyntheticPcap, the same traffic).
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-segment session")
	}
	t.Run("memory", func(t *testing.T) {
		segs := sessiontest.Many(100_000)
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := session.New(session.Config{})
		for _, g := range segs {
			s.Observe(g)
		}
		s.Flush()
		reportHeap(t, s, &before, 200)
		runtime.KeepAlive(segs) // measured before: must not be freed before after
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "synthetic.pcap")
		if err := capturetest.WriteSyntheticPcap(path, 100_000); err != nil {
			t.Fatal(err)
		}
		src, err := capture.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := session.New(session.Config{})
		if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		reportHeap(t, s, &before, 120)
		runtime.KeepAlive(src)
	})
}

// reportHeap logs the live heap s holds per step, and fails above budget.
func reportHeap(t *testing.T, s *session.Session, before *runtime.MemStats, budget float64) {
	t.Helper()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	perStep := heap / float64(s.Len())
	t.Logf("%d steps, %d connections: %.0f MB live heap, %.0f bytes/step", s.Len(), s.Info().Conns, heap/1e6, perStep)
	if perStep > budget {
		t.Errorf("%.0f bytes per step, want at most %.0f", perStep, budget)
	}
	runtime.KeepAlive(s)
}
