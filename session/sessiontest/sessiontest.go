// Package sessiontest makes segment streams for tests and benchmarks of
// the session and the UI, without a capture file. Nothing in synfin
// itself uses it.
package sessiontest

import (
	"io"
	"net/netip"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Start is the time of the first segment.
var Start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Conn returns the 10 segments of one short connection from client to
// server, starting at packet number pkt and time t (1 ms apart): the
// three-way handshake, a request of len(req) bytes and a 5-byte reply,
// the client's ACK, and a four-way close started by the client.
func Conn(client, server netip.AddrPort, pkt uint64, t time.Time, req string) []fsm.Segment {
	const x, y = 1000, 5000 // ISNs
	reply := "hello"
	c, s := client, server
	n := uint32(len(req))
	type seg struct {
		src, dst netip.AddrPort
		seq, ack uint32
		flags    fsm.Flags
		payload  string
	}
	script := []seg{
		{c, s, x, 0, fsm.SYN, ""},
		{s, c, y, x + 1, fsm.SYN | fsm.ACK, ""},
		{c, s, x + 1, y + 1, fsm.ACK, ""},
		{c, s, x + 1, y + 1, fsm.PSH | fsm.ACK, req},
		{s, c, y + 1, x + 1 + n, fsm.PSH | fsm.ACK, reply},
		{c, s, x + 1 + n, y + 6, fsm.ACK, ""},
		{c, s, x + 1 + n, y + 6, fsm.FIN | fsm.ACK, ""},
		{s, c, y + 6, x + 2 + n, fsm.ACK, ""},
		{s, c, y + 6, x + 2 + n, fsm.FIN | fsm.ACK, ""},
		{c, s, x + 2 + n, y + 7, fsm.ACK, ""},
	}
	out := make([]fsm.Segment, len(script))
	for i, g := range script {
		out[i] = fsm.Segment{
			Packet: pkt + uint64(i), Time: t.Add(time.Duration(i) * time.Millisecond),
			Src: g.src, Dst: g.dst, Seq: fsm.Seq(g.seq), Ack: fsm.Seq(g.ack), Flags: g.flags,
			Window: 512, Len: uint32(len(g.payload)), Payload: []byte(g.payload),
		}
		if g.flags&fsm.SYN != 0 {
			out[i].Options = fsm.Options{MSS: 65495, WScale: 7, SACKPerm: true, Timestamp: true}
		} else {
			out[i].Options.WScale = -1
		}
	}
	return out
}

// Many returns n such connections, each from its own client port to
// 10.0.0.1:80, run one after the other with their packets numbered from 1.
func Many(n int) []fsm.Segment {
	out := make([]fsm.Segment, 0, n*10)
	server := netip.MustParseAddrPort("10.0.0.1:80")
	for i := range n {
		a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)})
		client := netip.AddrPortFrom(a, uint16(20000+i%40000))
		out = append(out, Conn(client, server, uint64(len(out)+1), Start.Add(time.Duration(len(out))*time.Millisecond), "GET /")...)
	}
	return out
}

// Source replays segments; after them Next returns Err (io.EOF if nil).
type Source struct {
	Segs []fsm.Segment
	Err  error
	i    int
}

// Next returns the next segment.
func (s *Source) Next() (fsm.Segment, error) {
	if s.i >= len(s.Segs) {
		if s.Err == nil {
			return fsm.Segment{}, io.EOF
		}
		return fsm.Segment{}, s.Err
	}
	s.i++
	return s.Segs[s.i-1], nil
}
