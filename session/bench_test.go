package session_test

import (
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

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
// session holds 1M steps, or SYNFIN_BENCH_STEPS (10000000 needs about
// 2.5 GB):
//
//	go test ./session -run x -bench Keys
//	SYNFIN_BENCH_STEPS=10000000 go test ./session -run x -bench Keys -benchtime 1000x
func BenchmarkKeys(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SYNFIN_BENCH_STEPS")); err == nil && v > 0 {
		n = v
	}
	s := benchSession(b, n)
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
		})
	}
}
