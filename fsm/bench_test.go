package fsm_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// shortConns makes n short connections of ten segments each (handshake,
// request, response, ACK, four-way close), eight at a time interleaved,
// 1 ms apart: the tracker's share of the summary benchmark.
func shortConns(n int) []fsm.Segment {
	srv := netip.MustParseAddrPort("10.0.0.1:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]fsm.Segment, 0, n*10)
	now := t0
	for base := 0; base < n; base += 8 {
		var per [8][]fsm.Segment
		for k := 0; k < 8 && base+k < n; k++ {
			i := base + k
			cli := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), uint16(20000+i%40000))
			x, y := fsm.Seq(uint32(i)*7919), fsm.Seq(uint32(i)*104729)
			per[k] = []fsm.Segment{
				{Src: cli, Dst: srv, Flags: fsm.SYN, Seq: x},
				{Src: srv, Dst: cli, Flags: fsm.SYN | fsm.ACK, Seq: y, Ack: x + 1},
				{Src: cli, Dst: srv, Flags: fsm.ACK, Seq: x + 1, Ack: y + 1},
				{Src: cli, Dst: srv, Flags: fsm.PSH | fsm.ACK, Seq: x + 1, Ack: y + 1, Len: 100},
				{Src: srv, Dst: cli, Flags: fsm.PSH | fsm.ACK, Seq: y + 1, Ack: x + 101, Len: 500},
				{Src: cli, Dst: srv, Flags: fsm.ACK, Seq: x + 101, Ack: y + 501},
				{Src: cli, Dst: srv, Flags: fsm.FIN | fsm.ACK, Seq: x + 101, Ack: y + 501},
				{Src: srv, Dst: cli, Flags: fsm.ACK, Seq: y + 501, Ack: x + 102},
				{Src: srv, Dst: cli, Flags: fsm.FIN | fsm.ACK, Seq: y + 501, Ack: x + 102},
				{Src: cli, Dst: srv, Flags: fsm.ACK, Seq: x + 102, Ack: y + 502},
			}
		}
		for step := 0; step < 10; step++ {
			for k := range per {
				if per[k] == nil {
					continue
				}
				s := per[k][step]
				now = now.Add(time.Millisecond)
				s.Time = now
				s.Packet = uint64(len(out) + 1)
				s.Window = 512
				out = append(out, s)
			}
		}
	}
	return out
}

// BenchmarkTracker measures Observe alone on 100,000 short connections.
func BenchmarkTracker(b *testing.B) {
	segs := shortConns(100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr := fsm.NewTracker(fsm.Config{})
		for j := range segs {
			tr.Observe(segs[j])
		}
		tr.Flush()
	}
	b.ReportMetric(float64(len(segs)*b.N)/b.Elapsed().Seconds(), "segments/s")
}
