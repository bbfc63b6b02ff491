package fsm

import (
	"net/netip"
	"testing"
	"time"
)

// BenchmarkFreeze measures freezing (encode) and thawing (decode) a
// connection in TIME_WAIT, the commonest frozen connection:
//
//	go test ./fsm -run x -bench Freeze
func BenchmarkFreeze(b *testing.B) {
	tr := NewTracker(Config{Freeze: true})
	a, s := netip.MustParseAddrPort("10.1.2.3:40000"), netip.MustParseAddrPort("10.0.0.1:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, g := range []Segment{
		{Flags: SYN, Seq: 100},
		{Flags: SYN | ACK, Seq: 5000, Ack: 101},
		{Flags: ACK, Seq: 101, Ack: 5001},
		{Flags: ACK | PSH, Seq: 101, Ack: 5001, Len: 64},
		{Flags: ACK | PSH, Seq: 5001, Ack: 165, Len: 256},
		{Flags: ACK, Seq: 165, Ack: 5257},
		{Flags: FIN | ACK, Seq: 165, Ack: 5257},
		{Flags: ACK, Seq: 5257, Ack: 166},
		{Flags: FIN | ACK, Seq: 5257, Ack: 166},
		{Flags: ACK, Seq: 166, Ack: 5258},
	} {
		g.Packet, g.Time = uint64(i+1), t0.Add(time.Duration(i)*time.Millisecond)
		g.Src, g.Dst = a, s
		if g.Seq >= 5000 {
			g.Src, g.Dst = s, a
		}
		tr.Observe(g)
	}
	var c *Conn
	for _, x := range tr.conns {
		c = x
	}
	rec, ok := tr.encode(c)
	if !ok {
		b.Fatal("not frozen")
	}
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			tr.encode(c)
		}
		b.ReportMetric(float64(len(rec)), "bytes")
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			d := tr.decode(rec)
			tr.frz.pool = append(tr.frz.pool[:0], d)
		}
	})
}
