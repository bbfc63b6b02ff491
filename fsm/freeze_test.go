package fsm_test

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// freezeAll turns freezing on at its most aggressive: every connection
// frozen before every segment.
func freezeAll(cfg fsm.Config) fsm.Config {
	cfg.Freeze, cfg.FreezeIdle = true, 1
	return cfg
}

// freezeStreams are the scripts and random streams TestCloneReportsTheSame
// uses, a long stream of many connections, and each script again with
// its times in another location (the records keep a time's location) and
// in nanoseconds, its addresses in IPv6 and a VLAN.
func freezeStreams(t *testing.T) []stream {
	streams := scriptAndRandomStreams(t, 40, rand.NewPCG(3, 4))
	scripts := len(streams) - 40
	// Many connections at once, each opened, used and closed in turns
	// taken in random order, so that the frozen table grows, fills with
	// deleted entries and is rebuilt.
	many := stream{name: "many", cfg: fsm.Config{TimeWait: 3e9}}
	server := netip.MustParseAddrPort("10.0.0.1:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const conns = 3000
	script := []fsm.Segment{
		{Flags: fsm.SYN, Seq: 100},
		{Flags: fsm.SYN | fsm.ACK, Seq: 500, Ack: 101},
		{Flags: fsm.ACK, Seq: 101, Ack: 501},
		{Flags: fsm.FIN | fsm.ACK, Seq: 101, Ack: 501},
		{Flags: fsm.FIN | fsm.ACK, Seq: 501, Ack: 102},
		{Flags: fsm.ACK, Seq: 102, Ack: 502},
	}
	next := make([]int, conns)
	rng := rand.New(rand.NewPCG(5, 6))
	for pkt := uint64(1); ; pkt++ {
		i := rng.IntN(conns)
		for k := 0; k < conns && next[i] == len(script); k++ {
			i = (i + 1) % conns
		}
		if next[i] == len(script) {
			break
		}
		g := script[next[i]]
		next[i]++
		client := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 40000)
		g.Src, g.Dst = client, server
		if g.Seq >= 500 {
			g.Src, g.Dst = server, client
		}
		g.Packet, g.Time = pkt, t0.Add(time.Duration(pkt)*time.Millisecond)
		many.lines = append(many.lines, feed{seg: g})
	}
	streams = append(streams, many)
	zone := time.FixedZone("UTC+8", 8*3600)
	for _, s := range streams[:scripts] {
		o := stream{name: s.name + "-in-zone-ns-v6-vlan", cfg: s.cfg}
		for k, l := range s.lines {
			// Nanoseconds that are not whole microseconds (pcapng), and
			// increasing: the records write both kinds of difference.
			l.seg.Time = l.seg.Time.Add(time.Duration(7*k + 1)).In(zone)
			l.seg.Src = netip.AddrPortFrom(netip.AddrFrom16(l.seg.Src.Addr().As16()), l.seg.Src.Port())
			l.seg.Dst = netip.AddrPortFrom(netip.AddrFrom16(l.seg.Dst.Addr().As16()), l.seg.Dst.Port())
			l.seg.VLAN = 1234
			o.lines = append(o.lines, l)
		}
		streams = append(streams, o)
	}
	return streams
}

type stream struct {
	name  string
	cfg   fsm.Config
	lines []feed
}

// TestFreezeChangesNothing runs every script and random stream with
// freezing off and with every connection frozen before every segment
// (and so thawed by every segment and timer that concerns it): the
// events, and every connection as it ends, are the same.
func TestFreezeChangesNothing(t *testing.T) {
	thawed := 0
	for _, s := range freezeStreams(t) {
		want := run(fsm.NewTracker(s.cfg), s.lines)
		got := run(fsm.NewTracker(freezeAll(s.cfg)), s.lines)
		if got != want {
			t.Fatalf("%s: frozen before every segment, the tracker reported\n%s\nwant\n%s", s.name, got, want)
		}
		// That the tracker did freeze: before each segment, every
		// connection it tracks but the one the segment creates is frozen.
		tr := fsm.NewTracker(freezeAll(s.cfg))
		for _, l := range s.lines {
			if !l.advance {
				before := tr.Open()
				timers := 0 // connections a timer thawed
				for _, ev := range tr.Observe(l.seg) {
					if ev.Packet == 0 {
						timers++
					}
				}
				thawed += before - fsm.Frozen(tr) // frozen before the segment, thawed by it (or by a timer)
				if l.seg.Packet > 0 && fsm.Frozen(tr) < before-2-timers {
					t.Fatalf("%s, packet %d: %d connections tracked before it, %d frozen after: the sweep missed some", s.name, l.seg.Packet, before, fsm.Frozen(tr))
				}
			}
		}
	}
	if thawed == 0 {
		t.Fatal("no connection was ever thawed: freezing did not happen")
	}
	t.Logf("%d thaws", thawed)
}

// TestFreezeRoundTrip freezes and thaws every connection after every
// segment of every stream (without changing the tracker): each comes
// back equal, field for field, unexported fields included.
func TestFreezeRoundTrip(t *testing.T) {
	checked, refused := 0, 0
	for _, s := range freezeStreams(t) {
		tr := fsm.NewTracker(s.cfg)
		for i, l := range s.lines {
			if l.advance {
				tr.Advance(l.seg.Time)
			} else {
				tr.Observe(l.seg)
			}
			if len(s.lines) > 1000 && i%500 != 0 {
				continue // a long stream: every 500th segment is enough
			}
			n, r, diff := fsm.RoundTrip(tr)
			checked, refused = checked+n, refused+r
			if diff != "" {
				t.Fatalf("%s, after line %d: %s", s.name, i+1, diff)
			}
		}
	}
	if checked == 0 || refused > 0 {
		t.Fatalf("%d connections checked, %d refused; want some, and none refused", checked, refused)
	}
	t.Logf("%d frozen and thawed", checked)
}

// TestFreezeRefuses checks what must stay live: an IPv6 zone and a time
// with a monotonic reading cannot be written exactly.
func TestFreezeRefuses(t *testing.T) {
	a, b := netip.MustParseAddrPort("[fe80::1%eth0]:40000"), netip.MustParseAddrPort("[fe80::2%eth0]:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		src, dst netip.AddrPort
		at       time.Time
	}{
		{"zone", a, b, t0},
		{"monotonic", netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("10.0.0.2:80"), time.Now()},
	} {
		tr := fsm.NewTracker(fsm.Config{})
		tr.Observe(fsm.Segment{Packet: 1, Time: c.at, Src: c.src, Dst: c.dst, Flags: fsm.SYN, Seq: 1})
		if n, r, _ := fsm.RoundTrip(tr); n != 0 || r != 1 {
			t.Errorf("%s: %d frozen, %d refused; want 0 and 1", c.name, n, r)
		}
	}
}

// TestFreezeClone clones a tracker whose connections are frozen, at every
// point of every script: the clone and the original, fed the rest,
// report what a tracker that never froze reports.
func TestFreezeClone(t *testing.T) {
	for _, s := range freezeStreams(t) {
		want := run(fsm.NewTracker(s.cfg), s.lines)
		stride := 3
		if len(s.lines) > 1000 {
			stride = len(s.lines) / 4
		}
		for cut := 0; cut <= len(s.lines); cut += stride {
			orig := fsm.NewTracker(freezeAll(s.cfg))
			var head strings.Builder
			feedAll(&head, orig, s.lines[:cut])
			clone := orig.Clone()
			if got := head.String() + run(clone, s.lines[cut:]); got != want {
				t.Fatalf("%s cut at %d: the clone reported\n%s\nwant\n%s", s.name, cut, got, want)
			}
			if got := head.String() + run(orig, s.lines[cut:]); got != want {
				t.Fatalf("%s cut at %d: the original reported\n%s\nwant\n%s", s.name, cut, got, want)
			}
		}
	}
}

// FuzzFreeze feeds a random stream to a tracker with freezing off and to
// one freezing everything before every segment: same events.
func FuzzFreeze(f *testing.F) {
	f.Add(seed(
		seedSeg{from: 'C', flags: fsm.SYN, seq: 1},
		seedSeg{from: 'S', flags: fsm.SYN | fsm.ACK, seq: 9, ack: 2},
		seedSeg{from: 'C', flags: fsm.ACK, seq: 2, ack: 10},
		seedSeg{from: 'C', flags: fsm.FIN | fsm.ACK, seq: 2, ack: 10, dt: 1},
		seedSeg{from: 'S', flags: fsm.FIN | fsm.ACK, seq: 10, ack: 3},
		seedSeg{from: 'C', flags: fsm.ACK, seq: 3, ack: 11, dt: 10},
	))
	f.Fuzz(func(t *testing.T, data []byte) {
		var lines []feed
		for _, g := range segmentsFromBytes(data) {
			lines = append(lines, feed{seg: g})
		}
		cfg := fsm.Config{TimeWait: 3e9}
		if want, got := run(fsm.NewTracker(cfg), lines), run(fsm.NewTracker(freezeAll(cfg)), lines); got != want {
			t.Fatalf("frozen before every segment, the tracker reported\n%s\nwant\n%s", got, want)
		}
	})
}

// TestFreezeAdapts: 6,000 connections taking turns, one segment each per
// turn, each come back 6,000 segments after their last: more than the
// default idleness (4,096), so each would be frozen and thawed on every
// turn. The tracker sees it and waits longer: after a few turns, no
// segment needs a thaw.
func TestFreezeAdapts(t *testing.T) {
	const conns, turns = 6000, 12
	tr := fsm.NewTracker(fsm.Config{Freeze: true})
	server := netip.MustParseAddrPort("10.0.0.1:80")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var pkt uint64
	var thawsLastTurns uint64
	for turn := 0; turn < turns; turn++ {
		before, _ := fsm.Thawed(tr)
		for i := 0; i < conns; i++ {
			pkt++
			client := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 40000)
			g := fsm.Segment{Packet: pkt, Time: t0.Add(time.Duration(pkt) * time.Microsecond), Src: client, Dst: server, Flags: fsm.ACK, Seq: fsm.Seq(1 + turn), Ack: 1, Len: 1}
			tr.Observe(g)
		}
		if after, _ := fsm.Thawed(tr); turn >= turns-3 {
			thawsLastTurns += after - before
		}
	}
	thaws, idle := fsm.Thawed(tr)
	if thaws == 0 {
		t.Fatal("no connection was ever thawed: the test does not test")
	}
	if thawsLastTurns != 0 {
		t.Errorf("%d thaws in the last 3 turns (idleness now %d segments); want 0", thawsLastTurns, idle)
	}
	t.Logf("%d thaws in all, idleness raised to %d segments", thaws, idle)
}
