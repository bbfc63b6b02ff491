package fsm

import (
	"net/netip"
	"strings"
	"time"
)

// Flags are the TCP header control bits (RFC 9293 §3.1, RFC 3168).
type Flags uint8

// Control bits, in header order from the least significant bit.
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// Has reports whether every bit of f2 is set in f.
func (f Flags) Has(f2 Flags) bool { return f&f2 == f2 }

// String spells the flags as tcpdump's long form does, e.g. "SYN,ACK".
// No flag at all is "none".
func (f Flags) String() string {
	if f == 0 {
		return "none"
	}
	var b strings.Builder
	for _, x := range []struct {
		f Flags
		n string
	}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}} {
		if f&x.f != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(x.n)
		}
	}
	return b.String()
}

// Options are the TCP options the explanations talk about, decoded from
// the header (RFC 9293 §3.2, RFC 7323, RFC 2018, RFC 7413).
type Options struct {
	MSS       uint16 // 0: absent
	WScale    int8   // -1: absent
	SACKPerm  bool
	Timestamp bool
	TSval     uint32 // RFC 7323 §3: the sender's timestamp clock, when Timestamp
	TSecr     uint32 // the peer's TSval it echoes (0 on a SYN), when Timestamp
	TFOCookie bool   // a TCP Fast Open cookie option (kind 34) is present
}

// Segment is one TCP segment as the observer saw it. Capture code fills it
// from packet headers; nothing in it points into a packet buffer except
// Payload.
type Segment struct {
	Packet uint64    // 1-based packet number in the capture (tshark's frame.number)
	Time   time.Time // capture timestamp: the tracker's only clock

	Src, Dst netip.AddrPort
	VLAN     uint32 // 802.1Q ids, outer<<12 | inner for QinQ, 0 if untagged; part of the connection key

	Seq, Ack Seq
	Flags    Flags
	Window   uint16 // raw header value, not scaled
	Options  Options

	// Len is the TCP payload length from the IP header's length fields,
	// which stays right when the capture's snaplen cut the payload off.
	Len uint32
	// Payload is the captured part of the payload (possibly shorter than
	// Len). It is only valid during the call to Observe: copy to keep.
	Payload []byte
}

// SeqLen is the amount of sequence space the segment occupies: the payload
// plus one for SYN and one for FIN (RFC 9293 §3.4).
func (s *Segment) SeqLen() uint32 {
	n := s.Len
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// SplitVLAN splits a Segment.VLAN value into its tags: with one tag, outer
// is that tag and inner is 0; with two (QinQ), outer and inner.
func SplitVLAN(v uint32) (outer, inner uint16) {
	if v < 1<<12 {
		return uint16(v), 0
	}
	return uint16(v >> 12 & 0xfff), uint16(v & 0xfff)
}
