package fsm_test

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/fsm/fsmtest"
)

func TestSeq(t *testing.T) {
	tests := []struct {
		name     string
		a, b     fsm.Seq
		less, le bool
	}{
		{"plain", 1, 2, true, true},
		{"equal", 7, 7, false, true},
		{"greater", 9, 2, false, false},
		{"wrap", 0xFFFFFFF0, 0x10, true, true},
		{"wrap-back", 0x10, 0xFFFFFFF0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.LessThan(tt.b); got != tt.less {
				t.Errorf("%d.LessThan(%d) = %v, want %v", tt.a, tt.b, got, tt.less)
			}
			if got := tt.a.LessEq(tt.b); got != tt.le {
				t.Errorf("%d.LessEq(%d) = %v, want %v", tt.a, tt.b, got, tt.le)
			}
		})
	}
	if got := fsm.Seq(0xFFFFFFFF).Add(2); got != 1 {
		t.Errorf("Add across 2^32 = %d, want 1", got)
	}
	if got := fsm.Seq(5).Sub(0xFFFFFFFE); got != 7 {
		t.Errorf("Sub across 2^32 = %d, want 7", got)
	}
	if !fsm.Seq(3).InWindow(0xFFFFFFFF, 10) || fsm.Seq(20).InWindow(0xFFFFFFFF, 10) {
		t.Error("InWindow across 2^32 is wrong")
	}
	if !fsm.Seq(5).InWindow(5, 0) || fsm.Seq(6).InWindow(5, 0) {
		t.Error("zero window must contain only its left edge")
	}
}

func TestStatesRoundTrip(t *testing.T) {
	for _, s := range fsm.States() {
		got, ok := fsm.ParseState(s.String())
		if !ok || got != s {
			t.Errorf("ParseState(%q) = %v, %v", s, got, ok)
		}
	}
	if len(fsm.States()) != 12 {
		t.Errorf("want the 11 RFC 9293 states plus UNKNOWN, got %d", len(fsm.States()))
	}
}

func TestReasonsUnique(t *testing.T) {
	seen := map[fsm.Reason]bool{}
	for _, r := range fsm.Reasons() {
		if r == "" || seen[r] {
			t.Errorf("reason %q is empty or listed twice", r)
		}
		seen[r] = true
	}
}

// segmentsFromBytes turns fuzz input into a plausible stream: 12 bytes a
// segment over a handful of endpoints, so that states interact. Byte 0
// picks the endpoints, 1 the time step (x 500 ms), 2 the flags, 3-6 and
// 7-10 seq and ack (mod 64), 11 the length (mod 4) and window; its top
// bit adds a TCP timestamp whose TSval is byte 3 (the top byte of seq,
// unused by seq mod 64), so that copies with the same TSval are duplicates.
func segmentsFromBytes(data []byte) []fsm.Segment {
	eps := []netip.AddrPort{
		netip.MustParseAddrPort("10.0.0.1:40000"),
		netip.MustParseAddrPort("10.0.0.2:80"),
		netip.MustParseAddrPort("[::1]:443"),
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []fsm.Segment
	now := t0
	for i := 0; len(data) >= 12; i++ {
		b := data[:12]
		data = data[12:]
		src, dst := eps[int(b[0])%3], eps[int(b[0]>>2)%3]
		if src == dst {
			dst = eps[(int(b[0])+1)%3]
		}
		now = now.Add(time.Duration(b[1]) * 500 * time.Millisecond)
		seg := fsm.Segment{
			Packet: uint64(i + 1), Time: now, Src: src, Dst: dst,
			Flags:  fsm.Flags(b[2]),
			Seq:    fsm.Seq(binary.BigEndian.Uint32(b[3:7])) % 64,
			Ack:    fsm.Seq(binary.BigEndian.Uint32(b[7:11])) % 64,
			Len:    uint32(b[11] % 4),
			Window: uint16(b[11]),
		}
		seg.Options.WScale = -1
		if b[11]&0x80 != 0 {
			seg.Options.Timestamp, seg.Options.TSval = true, uint32(b[3])
		}
		out = append(out, seg)
	}
	return out
}

// seed encodes segments for segmentsFromBytes: "C" or "S" (client
// 10.0.0.1:40000 or server 10.0.0.2:80), flags, seq, ack (< 64), len
// (< 4), time step (x 500 ms), and a TSval when ts > 0.
type seedSeg struct {
	from       byte
	flags      fsm.Flags
	seq, ack   uint32
	n, dt, tsv byte
}

func seed(segs ...seedSeg) []byte {
	var out []byte
	for _, s := range segs {
		b := make([]byte, 12)
		if s.from == 'S' {
			b[0] = 1
		}
		b[1] = s.dt
		b[2] = byte(s.flags)
		binary.BigEndian.PutUint32(b[3:7], s.seq)
		binary.BigEndian.PutUint32(b[7:11], s.ack)
		b[11] = s.n | 0x40 // a window, lest every segment note a zero window
		if s.tsv > 0 {
			b[3], b[11] = s.tsv, b[11]|0x80
		}
		out = append(out, b...)
	}
	return out
}

// FuzzTracker feeds arbitrary segment streams and checks invariants: no
// panic (set panics under test on a transition outside the edge table),
// every event's states are valid, every connection ends once, its
// corrected path chains over edges (fsmtest.CheckPaths), and the tracker
// forgets everything on Flush.
func FuzzTracker(f *testing.F) {
	const S, A, F, R = fsm.SYN, fsm.ACK, fsm.FIN, fsm.RST
	f.Add([]byte{0, 0, byte(fsm.SYN), 0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 0, byte(fsm.SYN | fsm.ACK), 0, 0, 0, 9, 0, 0, 0, 2, 0})
	f.Add(make([]byte, 120))
	open := []seedSeg{{'C', S, 10, 0, 0, 0, 0}, {'S', S | A, 40, 11, 0, 0, 0}, {'C', A, 11, 41, 0, 0, 0}}
	// A FIN sent again after its ACK (revision), the copy with the same
	// TSval first (a duplicate).
	f.Add(seed(append(open[:3:3], seedSeg{'C', F | A, 11, 41, 0, 0, 5}, seedSeg{'S', F | A, 41, 12, 0, 0, 7},
		seedSeg{'C', A, 12, 42, 0, 0, 6}, seedSeg{'S', F | A, 41, 12, 0, 0, 7}, seedSeg{'S', F | A, 41, 12, 0, 1, 9})...))
	// Simultaneous close, then a reusing SYN the TIME_WAIT refuses (PAWS).
	f.Add(seed(append(open[:3:3], seedSeg{'C', F | A, 11, 41, 0, 0, 5}, seedSeg{'S', F | A, 41, 11, 0, 0, 7},
		seedSeg{'C', A, 12, 42, 0, 0, 6}, seedSeg{'S', A, 42, 12, 0, 0, 8}, seedSeg{'C', S, 30, 0, 0, 0, 1},
		seedSeg{'S', A, 42, 12, 0, 0, 8}, seedSeg{'C', R, 12, 0, 0, 0, 0}, seedSeg{'C', S, 30, 0, 0, 0, 2})...))
	// Refused; a bare RST answering the SYN+ACK; a challenge SYN.
	f.Add(seed(seedSeg{'C', S, 10, 0, 0, 0, 0}, seedSeg{'S', R | A, 0, 11, 0, 0, 0}))
	f.Add(seed(seedSeg{'C', S, 10, 0, 0, 0, 0}, seedSeg{'S', S | A, 40, 11, 0, 0, 0}, seedSeg{'C', R, 11, 0, 0, 0, 0}))
	f.Add(seed(append(open[:3:3], seedSeg{'C', S, 50, 0, 0, 4, 0}, seedSeg{'S', A, 41, 11, 0, 0, 0},
		seedSeg{'C', R, 11, 0, 0, 0, 0}, seedSeg{'C', S, 50, 0, 0, 1, 0})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := fsm.NewTracker(fsm.Config{TimeWait: 3 * time.Second})
		ended := map[uint64]bool{}
		var endedConns []*fsm.Conn
		check := func(evs []fsm.Event) {
			for _, ev := range evs {
				for _, s := range ev.States {
					if _, ok := fsm.ParseState(s.String()); !ok {
						t.Fatalf("invalid state %d in %+v", s, ev)
					}
				}
				if ev.Kind == fsm.KindEnd {
					if ended[ev.Conn.ID] {
						t.Fatalf("conn %d ended twice", ev.Conn.ID)
					}
					ended[ev.Conn.ID] = true
					endedConns = append(endedConns, ev.Conn)
				}
				if ev.Kind == fsm.KindTransition && ev.Old == ev.New {
					t.Fatalf("empty transition %+v", ev)
				}
			}
		}
		for _, s := range segmentsFromBytes(data) {
			evs := tr.Observe(s)
			if len(evs) == 0 {
				t.Fatal("Observe returned no events")
			}
			check(evs)
		}
		check(tr.Flush())
		for _, err := range fsmtest.CheckPaths(endedConns) {
			t.Fatal(err)
		}
		if tr.Open() != 0 {
			t.Fatalf("%d connections left after Flush", tr.Open())
		}
	})
}

func ExampleTracker() {
	c := netip.MustParseAddrPort("192.0.2.1:50000")
	s := netip.MustParseAddrPort("192.0.2.2:7788")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tr := fsm.NewTracker(fsm.Config{})
	segs := []fsm.Segment{
		{Packet: 1, Time: t0, Src: c, Dst: s, Flags: fsm.SYN, Seq: 100},
		{Packet: 2, Time: t0, Src: s, Dst: c, Flags: fsm.SYN | fsm.ACK, Seq: 300, Ack: 101},
		{Packet: 3, Time: t0, Src: c, Dst: s, Flags: fsm.ACK, Seq: 101, Ack: 301},
	}
	for _, seg := range segs {
		for _, ev := range tr.Observe(seg) {
			if ev.Kind == fsm.KindTransition {
				fmt.Printf("packet %d: %s %s -> %s (%s)\n", ev.Packet, ev.Endpoint, ev.Old, ev.New, ev.Reason)
			}
		}
	}
	// Output:
	// packet 1: client CLOSED -> SYN_SENT (syn-sent)
	// packet 1: server UNKNOWN -> LISTEN (listen-assumed)
	// packet 2: server LISTEN -> SYN_RECV (synack-sent)
	// packet 2: client SYN_SENT -> ESTABLISHED (synack-received)
	// packet 3: server SYN_RECV -> ESTABLISHED (handshake-ack)
}
