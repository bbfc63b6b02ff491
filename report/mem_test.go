package report_test

import (
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// waitingBudget is issue 10's target for a connection that only waits:
// the live heap it holds in the tracker.
const waitingBudget = 350

// TestWaitingConnBytes measures the live heap the tracker holds per
// connection that only waits: closed by the client and left in TIME_WAIT
// (timestamps dense, so 2MSL does not expire), or established and idle.
// The tracker runs as report.Run runs it, freezing idle connections into
// compact records (fsm.Config.Freeze). It logs the figure (go test
// ./report -run WaitingConn -v) and fails above the budget. It measures
// live heap after a GC, not time: the figure is the same on a loaded
// machine.
func TestWaitingConnBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("tracks 50,000 connections")
	}
	const n = 50_000
	server := netip.MustParseAddrPort("10.0.0.1:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, shape := range []struct {
		name string
		segs []fsm.Segment // of one connection, client first
		want [2]fsm.State
	}{
		{"time-wait", []fsm.Segment{
			{Flags: fsm.SYN, Seq: 100},
			{Flags: fsm.SYN | fsm.ACK, Seq: 500, Ack: 101},
			{Flags: fsm.ACK, Seq: 101, Ack: 501},
			{Flags: fsm.ACK | fsm.PSH, Seq: 101, Ack: 501, Len: 64},
			{Flags: fsm.ACK | fsm.PSH, Seq: 501, Ack: 165, Len: 256},
			{Flags: fsm.ACK, Seq: 165, Ack: 757},
			{Flags: fsm.FIN | fsm.ACK, Seq: 165, Ack: 757},
			{Flags: fsm.ACK, Seq: 757, Ack: 166},
			{Flags: fsm.FIN | fsm.ACK, Seq: 757, Ack: 166},
			{Flags: fsm.ACK, Seq: 166, Ack: 758},
		}, [2]fsm.State{fsm.TimeWait, fsm.Closed}},
		{"idle", []fsm.Segment{
			{Flags: fsm.SYN, Seq: 100},
			{Flags: fsm.SYN | fsm.ACK, Seq: 500, Ack: 101},
			{Flags: fsm.ACK, Seq: 101, Ack: 501},
			{Flags: fsm.ACK | fsm.PSH, Seq: 101, Ack: 501, Len: 64},
			{Flags: fsm.ACK | fsm.PSH, Seq: 501, Ack: 165, Len: 256},
		}, [2]fsm.State{fsm.Established, fsm.Established}},
	} {
		t.Run(shape.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			tr := fsm.NewTracker(fsm.Config{Freeze: true}) // as report.Run tracks
			var pkt uint64
			var ended int
			for i := 0; i < n; i++ {
				client := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)}), uint16(20000+i%256))
				for _, s := range shape.segs {
					pkt++
					s.Packet, s.Time = pkt, t0.Add(time.Duration(pkt)*time.Microsecond)
					s.Src, s.Dst = client, server
					if s.Seq >= 500 { // the server's ISN is 500, the client's 100
						s.Src, s.Dst = server, client
					}
					s.Seq += fsm.Seq(i)
					if s.Flags&fsm.ACK != 0 {
						s.Ack += fsm.Seq(i)
					}
					for _, ev := range tr.Observe(s) {
						if ev.Kind == fsm.KindEnd {
							ended++
						}
					}
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			if ended != 0 || tr.Open() != n {
				t.Fatalf("%d connections ended, %d open; want 0 and %d (the test's segments are wrong)", ended, tr.Open(), n)
			}
			for _, ev := range tr.Flush() {
				if ev.Kind == fsm.KindEnd && ev.States != shape.want {
					t.Fatalf("connection %d ends in %v, want %v (the test's segments are wrong)", ev.Conn.ID, ev.States, shape.want)
				}
			}
			per := float64(after.HeapAlloc-before.HeapAlloc) / n
			t.Logf("%s: %.0f bytes of live heap per waiting connection (issue 10 target: %d)", shape.name, per, waitingBudget)
			if per > waitingBudget {
				t.Errorf("%s: %.0f bytes per waiting connection, over issue 10's budget of %d", shape.name, per, waitingBudget)
			}
			runtime.KeepAlive(tr)
		})
	}
}
