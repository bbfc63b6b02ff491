package fsm_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// zseg is one segment of a Zeek history test.
type zseg struct {
	fromClient bool
	flags      fsm.Flags
	seq, ack   uint32 // relative to ISNs 1000 (client) and 5000 (server)
	n          uint32 // payload length
	captured   int    // payload bytes in the capture; -1: all of it
}

// historyOf runs segs through a tracker and returns the one
// connection's Zeek history.
func historyOf(t *testing.T, segs []zseg) string {
	t.Helper()
	c := netip.MustParseAddrPort("10.0.0.1:40000")
	s := netip.MustParseAddrPort("10.0.0.2:80")
	tr := fsm.NewTracker(fsm.Config{})
	var conn *fsm.Conn
	t0 := time.Unix(1000, 0)
	for i, z := range segs {
		seg := fsm.Segment{Packet: uint64(i + 1), Time: t0.Add(time.Duration(i) * time.Millisecond),
			Flags: z.flags, Len: z.n, Window: 1000}
		if z.fromClient {
			seg.Src, seg.Dst = c, s
			seg.Seq, seg.Ack = fsm.Seq(1000+z.seq), fsm.Seq(5000+z.ack)
		} else {
			seg.Src, seg.Dst = s, c
			seg.Seq, seg.Ack = fsm.Seq(5000+z.seq), fsm.Seq(1000+z.ack)
		}
		if z.captured >= 0 {
			seg.Payload = make([]byte, z.captured)
		} else {
			seg.Payload = make([]byte, z.n)
		}
		for _, e := range tr.Observe(seg) {
			if e.Conn != nil {
				conn = e.Conn
			}
		}
	}
	if conn == nil {
		t.Fatal("no connection")
	}
	return conn.History()
}

var handshake = []zseg{
	{true, fsm.SYN, 0, 0, 0, -1},
	{false, fsm.SYN | fsm.ACK, 0, 1, 0, -1},
	{true, fsm.ACK, 1, 1, 0, -1},
}

// Zeek's G/g (TCP_Reassembler::Undelivered → TCP_Endpoint::Gap): an ACK
// for data the capture never showed is a content gap in the acked
// side's stream, G for the originator's, g for the responder's.
func TestZeekContentGap(t *testing.T) {
	tests := []struct {
		name string
		segs []zseg
		want string
	}{
		{"no gap", append(append([]zseg{}, handshake...),
			zseg{true, fsm.ACK | fsm.PSH, 1, 1, 100, -1},
			zseg{false, fsm.ACK, 1, 101, 0, -1}), "ShADa"},
		{"client data missing", append(append([]zseg{}, handshake...),
			zseg{true, fsm.ACK | fsm.PSH, 101, 1, 100, -1}, // bytes 1-100 never captured
			zseg{false, fsm.ACK, 1, 201, 0, -1}), "ShADaG"},
		{"server data missing", append(append([]zseg{}, handshake...),
			zseg{false, fsm.ACK | fsm.PSH, 1, 1, 50, -1},
			zseg{true, fsm.ACK, 1, 151, 0, -1}), "ShAdg"},
		{"truncated payload is not delivered", append(append([]zseg{}, handshake...),
			zseg{true, fsm.ACK | fsm.PSH, 1, 1, 100, 20}, // snaplen kept 20 of 100 bytes
			zseg{false, fsm.ACK, 1, 101, 0, -1}), "ShADaG"},
		{"the FIN's octet is not data", append(append([]zseg{}, handshake...),
			zseg{true, fsm.ACK | fsm.PSH, 1, 1, 10, -1},
			zseg{true, fsm.FIN | fsm.ACK, 11, 1, 0, -1},
			zseg{false, fsm.ACK, 1, 12, 0, -1}), "ShADFa"},
		{"no gap after a reset", append(append([]zseg{}, handshake...),
			zseg{false, fsm.RST | fsm.ACK, 1, 101, 0, -1}), "ShAr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := historyOf(t, tt.segs); got != tt.want {
				t.Errorf("history %q, want %q", got, tt.want)
			}
		})
	}
}

// Gaps are counted like T and W: the letter again at 10, 100...
func TestZeekContentGapScaled(t *testing.T) {
	segs := append([]zseg{}, handshake...)
	seq := uint32(1)
	for range 10 {
		seq += 100 // 100 bytes never captured
		segs = append(segs, zseg{true, fsm.ACK | fsm.PSH, seq, 1, 10, -1})
		seq += 10
		segs = append(segs, zseg{false, fsm.ACK, 1, seq, 0, -1})
	}
	if got, want := historyOf(t, segs), "ShADaGG"; got != want {
		t.Errorf("history after 10 gaps %q, want %q", got, want)
	}
}
