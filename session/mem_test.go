package session_test

import (
	"context"
	"io"
	"net/netip"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestMemory reports the heap a session holds for 100k connections (1M
// segments) and fails if it grows past a budget. Skipped with -short.
// "memory" keeps the packet fields in memory, as for live capture;
// "file" re-reads them from the capture file
// (capturetest.WriteSyntheticPcap, the same traffic); "spill" from a
// temporary file, as for a pipe or a gzip file.
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
	path := filepath.Join(t.TempDir(), "synthetic.pcap")
	if err := capturetest.WriteSyntheticPcap(path, 100_000); err != nil {
		t.Fatal(err)
	}
	for _, spill := range []bool{false, true} {
		name := "file"
		if spill {
			name = "spill" // as a pipe or a gzip file is read
		}
		t.Run(name, func(t *testing.T) {
			src, err := capture.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			s := session.New(session.Config{})
			defer s.Close()
			var in session.Source = src
			opt := session.RunOptions{Reread: true}
			if spill {
				in, opt.Spill = memOnly{src}, t.TempDir()
			}
			if err := s.Run(context.Background(), in, opt); err != nil {
				t.Fatal(err)
			}
			reportHeap(t, s, &before, 120)
			runtime.KeepAlive(src)
		})
	}
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

// liveSource makes the segments of n short connections
// (sessiontest.Conn) as they are asked for, like a live capture, and
// calls at(k) before returning the k-th.
type liveSource struct {
	n, conn int
	pkt     uint64
	buf     []fsm.Segment
	at      func(k uint64)
}

func (l *liveSource) Next() (fsm.Segment, error) {
	if len(l.buf) == 0 {
		if l.conn == l.n {
			return fsm.Segment{}, io.EOF
		}
		i := l.conn
		l.conn++
		a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)})
		client := netip.AddrPortFrom(a, uint16(20000+i%40000))
		l.buf = sessiontest.Conn(client, netip.MustParseAddrPort("10.0.0.1:80"), l.pkt+1,
			sessiontest.Start.Add(time.Duration(l.pkt)*time.Millisecond), "GET /")
	}
	l.pkt++
	l.at(l.pkt)
	g := l.buf[0]
	l.buf = l.buf[1:]
	return g, nil
}

// TestLiveGrowth reports how much the live heap grows per packet in live
// mode (packet fields kept in memory), between the 250,000th and the
// 1,000,000th packet, without and with --keep 100000. Skipped with
// -short.
func TestLiveGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 1M segments")
	}
	for _, tc := range []struct {
		name   string
		cfg    session.Config
		budget float64
	}{
		{"unbounded", session.Config{}, 200},
		{"keep 100000", session.Config{MaxSteps: 100_000, Keep: "100000"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const from, to = 250_000, 1_000_000
			var heap [2]float64
			mark := func(i int) {
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				heap[i] = float64(m.HeapAlloc)
			}
			src := &liveSource{n: to / 10, at: func(k uint64) {
				switch k {
				case from:
					mark(0)
				case to:
					mark(1)
				}
			}}
			s := session.New(tc.cfg)
			if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
				t.Fatal(err)
			}
			per := (heap[1] - heap[0]) / (to - from)
			info := s.Info()
			t.Logf("%.0f bytes of live heap per packet (%d steps recorded, %d dropped)", per, info.Steps, info.Dropped)
			if per > tc.budget {
				t.Errorf("%.0f bytes per packet, want at most %.0f", per, tc.budget)
			}
		})
	}
}
