package session_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/internal/sessionfile"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// benchSession builds a session of about n steps of short connections
// (sessiontest.Conn, 10 segments each), with no step dropped.
func benchSession(b *testing.B, n int) *session.Session {
	s := session.New(session.Config{MaxSteps: n + 4096})
	server := netip.MustParseAddrPort("10.0.0.1:80")
	for i, pkt := 0, uint64(1); s.Len() < n; i++ {
		a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)})
		client := netip.AddrPortFrom(a, uint16(20000+i%40000))
		for _, g := range sessiontest.Conn(client, server, pkt, sessiontest.Start.Add(time.Duration(pkt)*time.Millisecond), "GET /") {
			s.Observe(g)
			pkt++
		}
	}
	s.Flush()
	return s
}

// BenchmarkKeys measures what the TUI does on End, ←, → and Home: move
// the cursor, then read what a redraw shows (the step, the selected
// connection as of it, its last 64 steps, 40 rows of the list). The
// session holds 1M steps, or SYNFIN_BENCH_STEPS: "memory" keeps the
// packet fields in memory (a pipe, live capture), "file" re-reads them
// from a synthetic capture it writes (capturetest.WriteSyntheticPcap,
// 10.94 steps a connection) into SYNFIN_BENCH_DIR, kept for the next run,
// or a temporary directory:
//
//	go test ./session -run x -bench Keys
//	SYNFIN_BENCH_DIR=/tmp/tui-bench SYNFIN_BENCH_STEPS=10000000 go test ./session -run x -bench Keys -benchtime 1000x
func BenchmarkKeys(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SYNFIN_BENCH_STEPS")); err == nil && v > 0 {
		n = v
	}
	b.Run("memory", func(b *testing.B) { benchKeys(b, benchSession(b, n)) })
	b.Run("file", func(b *testing.B) {
		dir := os.Getenv("SYNFIN_BENCH_DIR")
		if dir == "" {
			dir = b.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		conns := (n*100 + 1093) / 1094 // 10.94 steps a connection
		path := filepath.Join(dir, fmt.Sprintf("synthetic-%d.pcap", conns))
		if _, err := os.Lstat(path); err != nil {
			if err := capturetest.WriteSyntheticPcap(path, conns); err != nil {
				b.Fatal(err)
			}
		}
		s := sessionfile.Load(b, path)
		benchKeys(b, s)
	})
}

func benchKeys(b *testing.B, s *session.Session) {
	redraw := func(pos int) {
		st, ok := s.Step(pos)
		if !ok {
			b.Fatalf("no step %d", pos)
		}
		if _, ok := s.ConnAt(st.ConnID, pos); !ok {
			b.Fatalf("no connection %d at step %d", st.ConnID, pos)
		}
		s.ConnSteps(st.ConnID, pos, 64)
		vis := s.Visible(pos)
		k := s.IndexOf(st.ConnID)
		for r := max(0, k-20); r < min(vis, k+20); r++ {
			s.RowAt(r, pos)
		}
	}
	for _, key := range []struct {
		name string
		do   func(c *session.Cursor)
	}{
		{"End", func(c *session.Cursor) { c.End(false) }},
		{"Left", func(c *session.Cursor) { c.Back() }},
		{"Right", func(c *session.Cursor) { c.Forward() }},
		{"Home", func(c *session.Cursor) { c.Home() }},
	} {
		b.Run(key.name, func(b *testing.B) {
			c := session.NewCursor(s, false)
			c.Seek(s.Len() / 2)
			for i := 0; i < b.N; i++ {
				key.do(c)
				redraw(c.Pos())
				if i%2 == 1 { // alternate, so that End and Home move every time
					c.Seek(s.Len() / 2)
				}
			}
			b.ReportMetric(float64(s.Len()), "steps")
			if err := s.Info().Reread; err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkLoad is what synfin -r does before the first key: Run over a
// synthetic capture of 1M packets (100k connections, the file written
// into SYNFIN_BENCH_DIR and kept, or a temporary directory), re-reading
// mode. It reports CPU seconds per load beside the wall time:
//
//	SYNFIN_BENCH_DIR=/tmp/tui-bench go test ./session -run x -bench Load -benchtime 3x
func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("SYNFIN_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "synthetic-100000.pcap")
	if _, err := os.Lstat(path); err != nil {
		if err := capturetest.WriteSyntheticPcap(path, 100_000); err != nil {
			b.Fatal(err)
		}
	}
	var cpu time.Duration
	for range b.N {
		src, err := capture.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		s := session.New(session.Config{})
		c0 := cpuTime()
		if err := s.Run(context.Background(), src, session.RunOptions{Reread: true}); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		src.Close()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}
