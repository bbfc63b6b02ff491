package fsm_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/fsm/fsmtest"
)

func TestEdgeTable(t *testing.T) {
	for _, e := range fsm.Edges() {
		if !fsm.Legal(e.From, e.To) || e.Why == "" {
			t.Errorf("edge %s -> %s: Legal %v, why %q", e.From, e.To, fsm.Legal(e.From, e.To), e.Why)
		}
		if e.From == fsm.Unknown || e.To == fsm.Unknown {
			t.Errorf("edge %s -> %s: UNKNOWN is not a TCP state", e.From, e.To)
		}
	}
	for _, s := range fsm.States() {
		if !fsm.Legal(fsm.Unknown, s) && s != fsm.Unknown {
			t.Errorf("UNKNOWN -> %s must be allowed (first evidence)", s)
		}
		if fsm.Legal(s, s) {
			t.Errorf("%s -> %s is no transition", s, s)
		}
		if fsm.Legal(s, fsm.Unknown) {
			t.Errorf("%s -> UNKNOWN must not be allowed", s)
		}
	}
	for _, bad := range [][2]fsm.State{
		{fsm.FinWait2, fsm.FinWait1}, {fsm.TimeWait, fsm.Closing}, {fsm.Closed, fsm.LastAck},
		{fsm.Established, fsm.SynRecv}, {fsm.CloseWait, fsm.FinWait1}, {fsm.Listen, fsm.Established},
		{fsm.CloseWait, fsm.Closing}, {fsm.SynRecv, fsm.CloseWait},
	} {
		if fsm.Legal(bad[0], bad[1]) {
			t.Errorf("%s -> %s is not an edge of RFC 9293", bad[0], bad[1])
		}
	}
}

// TestPathsAreEdges runs random segment scripts through the tracker (which
// panics under test on a transition outside the table) and checks every
// connection's corrected path with fsmtest.CheckPaths. The generator is
// seeded: the same scripts every run.
func TestPathsAreEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	conns := 0
	for i := 0; i < 3000; i++ {
		var segs []fsm.Segment
		if i%2 == 0 {
			segs = impaired(rng)
		} else {
			segs = segmentsFromBytes(randBytes(rng, 12*(1+rng.IntN(40))))
		}
		cs := fsmtest.Run(t, segs, fsm.Config{TimeWait: 3 * time.Second})
		conns += len(cs)
		for _, err := range fsmtest.CheckPaths(cs) {
			t.Errorf("script %d: %v", i, err)
		}
		if t.Failed() {
			t.Logf("segments: %+v", segs)
			return
		}
	}
	t.Logf("%d connections checked", conns)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// impaired makes a plausible connection (handshake, data both ways, a
// close chosen among the textbook ones) and then impairs it as a lossy
// relay and a capture point would: drops, duplicates (same timestamp),
// retransmissions (new timestamp), reordering, one direction only.
func impaired(rng *rand.Rand) []fsm.Segment {
	c := netip.MustParseAddrPort("10.0.0.1:40000")
	s := netip.MustParseAddrPort("10.0.0.2:80")
	x, y := fsm.Seq(rng.Uint32()), fsm.Seq(rng.Uint32())
	ts := rng.IntN(2) == 0
	var tsv [2]uint32
	var out []fsm.Segment
	add := func(fromC bool, f fsm.Flags, seq, ack fsm.Seq, n uint32) {
		src, dst, r := c, s, 0
		if !fromC {
			src, dst, r = s, c, 1
		}
		tsv[r] += 1 + uint32(rng.IntN(3))
		seg := fsm.Segment{Src: src, Dst: dst, Flags: f, Seq: seq, Ack: ack, Len: n, Window: 512}
		seg.Options.WScale = -1
		if ts {
			seg.Options.Timestamp, seg.Options.TSval = true, tsv[r]
		}
		out = append(out, seg)
	}
	const A = fsm.ACK
	add(true, fsm.SYN, x, 0, 0)
	switch rng.IntN(6) {
	case 0: // refused
		add(false, fsm.RST|A, 0, x+1, 0)
		return finish(rng, out)
	case 1: // simultaneous open
		add(false, fsm.SYN, y, 0, 0)
		add(true, fsm.SYN|A, x, y+1, 0)
		add(false, fsm.SYN|A, y, x+1, 0)
	default:
		add(false, fsm.SYN|A, y, x+1, 0)
		add(true, A, x+1, y+1, 0)
	}
	nc, ns := uint32(rng.IntN(3)*10), uint32(rng.IntN(3)*20)
	if nc > 0 {
		add(true, fsm.PSH|A, x+1, y+1, nc)
	}
	if ns > 0 {
		add(false, fsm.PSH|A, y+1, x+1+fsm.Seq(nc), ns)
	}
	cx, sy := x+1+fsm.Seq(nc), y+1+fsm.Seq(ns)
	switch rng.IntN(6) {
	case 0: // client closes, four segments
		add(true, fsm.FIN|A, cx, sy, 0)
		add(false, A, sy, cx+1, 0)
		add(false, fsm.FIN|A, sy, cx+1, 0)
		add(true, A, cx+1, sy+1, 0)
	case 1: // server closes, three segments
		add(false, fsm.FIN|A, sy, cx, 0)
		add(true, fsm.FIN|A, cx, sy+1, 0)
		add(false, A, sy+1, cx+1, 0)
	case 2: // simultaneous close
		add(true, fsm.FIN|A, cx, sy, 0)
		add(false, fsm.FIN|A, sy, cx, 0)
		add(true, A, cx+1, sy+1, 0)
		add(false, A, sy+1, cx+1, 0)
	case 3: // abort
		add(rng.IntN(2) == 0, fsm.RST|A, cx, sy, 0)
	case 4: // bare RST answering the handshake
		add(false, fsm.RST, y+1, 0, 0)
	default: // half-close
		add(true, fsm.FIN|A, cx, sy, 0)
		add(false, fsm.PSH|A, sy, cx+1, 5)
		add(true, A, cx+1, sy+5, 0)
	}
	return finish(rng, out)
}

// finish impairs the segments and numbers them.
func finish(rng *rand.Rand, in []fsm.Segment) []fsm.Segment {
	var out []fsm.Segment
	oneWay := rng.IntN(8) == 0
	for _, seg := range in {
		if oneWay && seg.Src.Port() == 80 {
			continue
		}
		switch rng.IntN(10) {
		case 0: // lost before the capture point
			continue
		case 1: // duplicated by the network: same timestamp
			out = append(out, seg, seg)
			continue
		case 2: // retransmitted: a new timestamp
			r := seg
			r.Options.TSval += 200
			out = append(out, seg, r)
			continue
		}
		out = append(out, seg)
	}
	for i := 0; i+1 < len(out); i++ {
		if rng.IntN(12) == 0 {
			out[i], out[i+1] = out[i+1], out[i]
		}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i].Packet = uint64(i + 1)
		out[i].Time = t0.Add(time.Duration(i) * 10 * time.Millisecond)
	}
	return out
}

func TestStands(t *testing.T) {
	c := netip.MustParseAddrPort("10.0.0.1:40000")
	s := netip.MustParseAddrPort("10.0.0.2:80")
	segs := []fsm.Segment{
		{Src: c, Dst: s, Flags: fsm.SYN, Seq: 1000},
		{Src: s, Dst: c, Flags: fsm.SYN | fsm.ACK, Seq: 5000, Ack: 1001},
		{Src: c, Dst: s, Flags: fsm.ACK, Seq: 1001, Ack: 5001},
		{Src: c, Dst: s, Flags: fsm.FIN | fsm.ACK, Seq: 1001, Ack: 5001},
		{Src: s, Dst: c, Flags: fsm.FIN | fsm.ACK, Seq: 5001, Ack: 1001}, // crossed: withdraws CLOSE_WAIT
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tr := fsm.NewTracker(fsm.Config{})
	var seen []fsm.Event
	for i, seg := range segs {
		seg.Packet, seg.Time = uint64(i+1), t0.Add(time.Duration(i)*time.Millisecond)
		for _, ev := range tr.Observe(seg) {
			if ev.Kind == fsm.KindTransition {
				seen = append(seen, ev)
			}
		}
	}
	withdrawn := 0
	for _, ev := range seen {
		ok, by := ev.Conn.Stands(fsm.Transition{Packet: ev.Packet, Endpoint: ev.Endpoint, From: ev.Old, To: ev.New, Reason: ev.Reason})
		if !ok {
			withdrawn++
			if ev.New != fsm.CloseWait || by != 5 {
				t.Errorf("withdrawn %s -> %s by #%d, want only CLOSE_WAIT by #5", ev.Old, ev.New, by)
			}
		}
	}
	if withdrawn != 1 {
		t.Errorf("%d transitions withdrawn, want 1 (the server's CLOSE_WAIT)", withdrawn)
	}
}
