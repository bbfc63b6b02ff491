package capture

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/fsm"
)

// Link types synfin decodes that gopacket has no constant for: DLT_RAW as
// some BSDs and old libpcap versions numbered it (OpenBSD 14, others 12).
// pcap files written on those systems can carry the DLT value instead of
// LINKTYPE_RAW (101); libpcap and Wireshark accept both. (OpenBSD's DLT 12
// is DLT_LOOP: a frame of link type 12 that does not start like IP is
// read as loopback.)
const (
	linkTypeRawDLT12 layers.LinkType = 12
	linkTypeRawDLT14 layers.LinkType = 14
)

// LinkTypeSupported reports whether the Decoder can decode frames of link
// type lt. Frames of other link types are skipped as SkipLinkType.
func LinkTypeSupported(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop,
		layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14,
		layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		return true
	}
	return false
}

// Decoder turns one link-layer frame into an fsm.Segment using gopacket's
// DecodingLayerParser with preallocated layers (no gopacket.NewPacket).
// Decoding a segment does not allocate, except for IPv6 hop-by-hop options
// (gopacket's IPv6 layer allocates each one); skips may allocate (the error
// values of gopacket's layers).
//
// What it decodes:
//   - link types: Ethernet (with any number of 802.1Q / 802.1ad tags and MPLS
//     label stacks), Linux cooked SLL and SLL2, BSD loopback/NULL and
//     OpenBSD LOOP (address family in either byte order; IPv6 as AF 10, 24,
//     28 or 30), raw IP (LINKTYPE_RAW 101, DLT_RAW 12 and 14, IPv4 228,
//     IPv6 229);
//   - IPv4 (options skipped) and IPv6 with hop-by-hop, routing, destination
//     options, fragment and authentication (AH) extension headers;
//   - the TCP header and the options in fsm.Options.
//
// Limitations:
//   - No IP reassembly. A non-first fragment is SkipFragment. A first
//     fragment whose captured bytes hold the whole TCP header is decoded,
//     but its Len counts only the payload bytes inside that fragment.
//   - VLAN keeps the two innermost tags (outer<<12 | inner); further outer
//     tags are dropped. The old QinQ EtherType 0x9100 is recognised only
//     for inner tags.
//   - After the bottom MPLS label the payload is taken as IPv4 or IPv6 by
//     its first nibble; anything else (pseudowires, control words) is
//     SkipNotIP.
//   - IP-in-IP (IPv4 or IPv6 inside IPv4 or IPv6) is opened and the
//     innermost IP header gives the addresses; other tunnels (GRE, VXLAN,
//     ESP...) are not: SkipNotTCP.
//   - IPv6 jumbograms: Len is computed from the captured length.
//   - A segment needs its fixed 20-byte TCP header captured (else
//     SkipTruncated); options cut off by the snaplen are read as far as
//     they were captured, the rest are unknown (as for tshark).
//   - Checksums are not verified.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	eth    layers.Ethernet
	sll    layers.LinuxSLL
	sll2   layers.LinuxSLL2
	loop   layers.Loopback
	vlan   vlanLayer
	mpls   mplsLayer
	ip4    layers.IPv4
	ip6    layers.IPv6
	hop    ip6ExtLayer
	route  ip6ExtLayer
	dest   ip6ExtLayer
	ah     ip6ExtLayer
	frag6  layers.IPv6Fragment
	tcp    tcpLayer
	parser [numFirst]*gopacket.DecodingLayerParser

	decoded []gopacket.LayerType
}

// The first layer a parser starts with, one parser each.
const (
	firstEthernet = iota
	firstSLL
	firstSLL2
	firstLoopback
	firstIPv4
	firstIPv6
	numFirst
)

// NewDecoder returns a Decoder ready for use.
func NewDecoder() *Decoder {
	d := &Decoder{decoded: make([]gopacket.LayerType, 0, 16)}
	d.hop.typ = layers.LayerTypeIPv6HopByHop
	d.route.typ = layers.LayerTypeIPv6Routing
	d.dest.typ = layers.LayerTypeIPv6Destination
	d.ah.typ = layers.LayerTypeIPSecAH
	dl := []gopacket.DecodingLayer{
		&d.eth, &d.sll, &d.sll2, &d.loop, &d.vlan, &d.mpls,
		&d.ip4, &d.ip6, &d.hop, &d.route, &d.dest, &d.ah, &d.frag6, &d.tcp,
	}
	firsts := [numFirst]gopacket.LayerType{
		firstEthernet: layers.LayerTypeEthernet,
		firstSLL:      layers.LayerTypeLinuxSLL,
		firstSLL2:     layers.LayerTypeLinuxSLL2,
		firstLoopback: layers.LayerTypeLoopback,
		firstIPv4:     layers.LayerTypeIPv4,
		firstIPv6:     layers.LayerTypeIPv6,
	}
	for i, first := range firsts {
		p := gopacket.NewDecodingLayerParser(first)
		var c gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
		for _, l := range dl {
			c = c.Put(l)
		}
		p.SetDecodingLayerContainer(c)
		d.parser[i] = p
	}
	return d
}

// Decode fills seg from data, a frame of link type lt whose length on the
// wire was wireLen (wireLen > len(data) when the snaplen cut it).
// ok=false means the frame is not a TCP segment synfin can use, and skip
// says why. seg.Packet and seg.Time are left to the caller; seg.Payload
// aliases data.
func (d *Decoder) Decode(lt layers.LinkType, data []byte, wireLen int, seg *fsm.Segment) (skip Skip, ok bool) {
	var first int
	switch lt {
	case layers.LinkTypeEthernet:
		first = firstEthernet
	case layers.LinkTypeLinuxSLL:
		first = firstSLL
	case layers.LinkTypeLinuxSLL2:
		first = firstSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = firstLoopback
	case layers.LinkTypeIPv4:
		first = firstIPv4
	case layers.LinkTypeIPv6:
		first = firstIPv6
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14:
		if len(data) == 0 {
			return SkipTruncated, false
		}
		switch data[0] >> 4 {
		case 4:
			first = firstIPv4
		case 6:
			first = firstIPv6
		default:
			// On OpenBSD DLT 12 is DLT_LOOP: a 4-byte address family
			// (below 256, in either byte order) before the IP header.
			if lt == linkTypeRawDLT12 && len(data) >= 4 && (data[0]|data[1] == 0 || data[2]|data[3] == 0) {
				first = firstLoopback
				break
			}
			return SkipNotIP, false
		}
	default:
		return SkipLinkType, false
	}

	d.vlan.id = 0
	d.tcp.fail = 0
	p := d.parser[first]
	err := p.DecodeLayers(data, &d.decoded)

	// Find the network layer and whether TCP was reached.
	var ipLayer, last gopacket.LayerType
	gotTCP := false
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4, layers.LayerTypeIPv6:
			ipLayer = t
		case layers.LayerTypeTCP:
			gotTCP = true
		}
		last = t
	}
	if !gotTCP {
		unsupported, isUnsupported := err.(gopacket.UnsupportedLayerType)
		switch {
		case d.tcp.fail == SkipTruncated && !p.Truncated && wireLen <= len(data):
			// Nothing was cut off, yet the IP packet ends inside the
			// TCP header: the IP length is wrong.
			return SkipMalformed, false
		case d.tcp.fail != 0:
			return d.tcp.fail, false
		case err == nil || isUnsupported:
			if ipLayer == 0 {
				return SkipNotIP, false
			}
			if gopacket.LayerType(unsupported) != gopacket.LayerTypeFragment {
				return SkipNotTCP, false
			}
			// A fragment: decode the TCP header of a first fragment.
			var rest []byte
			switch {
			case last == layers.LayerTypeIPv4 && d.ip4.FragOffset == 0 && d.ip4.Protocol == layers.IPProtocolTCP:
				rest = d.ip4.Payload
			case last == layers.LayerTypeIPv6Fragment && d.frag6.FragmentOffset == 0 && d.frag6.NextHeader == layers.IPProtocolTCP:
				rest = d.frag6.Payload
			case last == layers.LayerTypeIPv4 && d.ip4.FragOffset == 0,
				last == layers.LayerTypeIPv6Fragment && d.frag6.FragmentOffset == 0:
				return SkipNotTCP, false
			default:
				return SkipFragment, false
			}
			if err := d.tcp.DecodeFromBytes(rest, p); err != nil || d.tcp.cut {
				// Whatever the reason, a first fragment too short for
				// the TCP header has the rest of it in the next one.
				return SkipFragment, false
			}
		default:
			// A header below TCP did not parse.
			if p.Truncated || wireLen > len(data) {
				return SkipTruncated, false
			}
			return SkipMalformed, false
		}
	}

	// The TCP payload length the IP header announces: total length minus
	// the IP headers and the TCP header (so it stays right when the
	// snaplen cut the payload).
	hdr := d.tcp.hdrLen
	var claimed int // IP's idea of the TCP header + payload length
	switch ipLayer {
	case layers.LayerTypeIPv4:
		claimed = int(d.ip4.Length) - int(d.ip4.IHL)*4
		seg.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(d.ip4.SrcIP)), d.tcp.src)
		seg.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(d.ip4.DstIP)), d.tcp.dst)
	case layers.LayerTypeIPv6:
		// Captured IPv6 bytes: fixed header, hop-by-hop (which gopacket
		// keeps inside the IPv6 layer) and the payload as bounded by the
		// payload length field.
		captured := 40 + len(d.ip6.Payload)
		if d.ip6.HopByHop != nil {
			captured += d.ip6.HopByHop.ActualLength
		}
		off := captured - len(d.tcp.data) // TCP header offset from the IPv6 header
		total := 40 + int(d.ip6.Length)
		if d.ip6.Length == 0 { // jumbogram
			total = captured
		}
		claimed = total - off
		seg.Src = netip.AddrPortFrom(netip.AddrFrom16([16]byte(d.ip6.SrcIP)), d.tcp.src)
		seg.Dst = netip.AddrPortFrom(netip.AddrFrom16([16]byte(d.ip6.DstIP)), d.tcp.dst)
	default:
		return SkipNotIP, false
	}
	if claimed < hdr {
		return SkipMalformed, false
	}
	seg.Len = uint32(claimed - hdr)
	payload := d.tcp.LayerPayload()
	if len(payload) > claimed-hdr {
		payload = payload[:claimed-hdr]
	}
	seg.Payload = payload[:len(payload):len(payload)]
	seg.VLAN = d.vlan.id
	seg.Seq = fsm.Seq(d.tcp.seq)
	seg.Ack = fsm.Seq(d.tcp.ack)
	seg.Flags = d.tcp.flags
	seg.Window = d.tcp.window
	seg.Options = d.tcp.opts
	return 0, true
}

// vlanLayer decodes 802.1Q and 802.1ad tags, recording the VLAN ids into
// the decoder as it goes (gopacket's Dot1Q would keep only the last one:
// a DecodingLayerParser holds one layer value per type).
type vlanLayer struct {
	id      uint32
	next    layers.EthernetType
	payload []byte
}

func (v *vlanLayer) CanDecode() gopacket.LayerClass { return layers.LayerTypeDot1Q }
func (v *vlanLayer) LayerPayload() []byte           { return v.payload }

func (v *vlanLayer) NextLayerType() gopacket.LayerType {
	if v.next == 0x9100 { // pre-802.1ad QinQ
		return layers.LayerTypeDot1Q
	}
	if v.next < 0x600 { // an 802.3 length: LLC follows
		return layers.LayerTypeLLC
	}
	return v.next.LayerType()
}

func (v *vlanLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 4 {
		df.SetTruncated()
		return errors.New("802.1Q tag too short")
	}
	id := uint32(binary.BigEndian.Uint16(data) & 0x0fff)
	v.id = (v.id<<12 | id) & 0xffffff
	v.next = layers.EthernetType(binary.BigEndian.Uint16(data[2:]))
	v.payload = data[4:]
	return nil
}

// ip6ExtLayer skips one IPv6 extension header of the common form (RFC
// 8200 §4: next header, length in 8-octet units after the first 8) or an
// authentication header (RFC 4302: length in 4-octet units minus 2).
// gopacket's extension layers are not DecodingLayers.
type ip6ExtLayer struct {
	typ     gopacket.LayerType
	next    layers.IPProtocol
	payload []byte
}

func (e *ip6ExtLayer) CanDecode() gopacket.LayerClass    { return e.typ }
func (e *ip6ExtLayer) NextLayerType() gopacket.LayerType { return e.next.LayerType() }
func (e *ip6ExtLayer) LayerPayload() []byte              { return e.payload }

func (e *ip6ExtLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 8 {
		df.SetTruncated()
		return errors.New("ipv6 extension header too short")
	}
	n := (int(data[1]) + 1) * 8
	if e.typ == layers.LayerTypeIPSecAH {
		n = (int(data[1]) + 2) * 4
	}
	if n > len(data) {
		df.SetTruncated()
		return errors.New("ipv6 extension header truncated")
	}
	e.next = layers.IPProtocol(data[0])
	e.payload = data[n:]
	return nil
}

// mplsLayer walks an MPLS label stack. gopacket's MPLS is not a
// DecodingLayer; after the bottom of the stack it guesses the payload by
// the IP version nibble as routers' ECMP hashing does.
type mplsLayer struct {
	bottom  bool
	payload []byte
}

func (m *mplsLayer) CanDecode() gopacket.LayerClass { return layers.LayerTypeMPLS }
func (m *mplsLayer) LayerPayload() []byte           { return m.payload }

func (m *mplsLayer) NextLayerType() gopacket.LayerType {
	if !m.bottom {
		return layers.LayerTypeMPLS
	}
	if len(m.payload) == 0 {
		return gopacket.LayerTypeZero
	}
	switch m.payload[0] >> 4 {
	case 4:
		return layers.LayerTypeIPv4
	case 6:
		return layers.LayerTypeIPv6
	}
	return gopacket.LayerTypePayload
}

func (m *mplsLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 4 {
		df.SetTruncated()
		return errors.New("MPLS label too short")
	}
	m.bottom = data[2]&1 != 0
	m.payload = data[4:]
	return nil
}

// tcpLayer decodes the TCP header straight into the values a Segment
// needs. Unlike gopacket's TCP it does not allocate, and a damaged option
// ends option parsing instead of failing the segment (tshark and the
// kernel behave alike: the segment is still a segment).
type tcpLayer struct {
	src, dst uint16
	seq, ack uint32
	flags    fsm.Flags
	window   uint16
	hdrLen   int
	opts     fsm.Options
	data     []byte // the bytes handed to DecodeFromBytes, header first
	cut      bool   // the options were not captured whole
	fail     Skip   // why the last DecodeFromBytes failed (0 if it did not)
}

func (t *tcpLayer) CanDecode() gopacket.LayerClass    { return layers.LayerTypeTCP }
func (t *tcpLayer) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }
func (t *tcpLayer) LayerPayload() []byte              { return t.data[min(t.hdrLen, len(t.data)):] }

var (
	errTCPShort  = errors.New("tcp header truncated")
	errTCPOffset = errors.New("tcp data offset below 5")
)

func (t *tcpLayer) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	t.fail = 0
	if len(data) < 20 {
		// Decode tells a snaplen cut (SkipTruncated) from an IP length
		// too short for the header (SkipMalformed).
		t.fail = SkipTruncated
		return errTCPShort
	}
	t.hdrLen = int(data[12]>>4) * 4
	if t.hdrLen < 20 {
		t.fail = SkipMalformed
		return errTCPOffset
	}
	t.src = binary.BigEndian.Uint16(data[0:])
	t.dst = binary.BigEndian.Uint16(data[2:])
	t.seq = binary.BigEndian.Uint32(data[4:])
	t.ack = binary.BigEndian.Uint32(data[8:])
	t.flags = fsm.Flags(data[13])
	t.window = binary.BigEndian.Uint16(data[14:])
	t.data = data
	// When the snaplen cut the options, read those that were captured: old
	// tcpdump's default snaplen of 68 cuts every SYN's options this way,
	// and tshark still shows the segment.
	t.cut = t.hdrLen > len(data)
	t.opts = parseOptions(data[20:min(t.hdrLen, len(data))])
	return nil
}

// TCP option kinds (IANA "TCP Option Kind Numbers").
const (
	optEnd       = 0
	optNOP       = 1
	optMSS       = 2  // RFC 9293 §3.2
	optWScale    = 3  // RFC 7323 §2
	optSACKPerm  = 4  // RFC 2018
	optTimestamp = 8  // RFC 7323 §3
	optTFO       = 34 // RFC 7413
	optExp       = 254
	expTFOMagic  = 0xF989 // RFC 7413 §4.1.1: the experimental TFO option
	maxWScale    = 14     // RFC 7323 §2.3
)

// parseOptions reads the options the explanations use. It stops at the
// end-of-options kind or at the first option whose length does not fit;
// what it read before stays.
func parseOptions(b []byte) fsm.Options {
	o := fsm.Options{WScale: -1}
	for len(b) > 0 {
		kind := b[0]
		if kind == optEnd {
			break
		}
		if kind == optNOP {
			b = b[1:]
			continue
		}
		if len(b) < 2 || b[1] < 2 || int(b[1]) > len(b) {
			break
		}
		n := int(b[1])
		v := b[2:n]
		switch kind {
		case optMSS:
			if len(v) == 2 {
				o.MSS = binary.BigEndian.Uint16(v)
			}
		case optWScale:
			if len(v) == 1 {
				// RFC 7323 §2.3: a shift above 14 is used as 14.
				o.WScale = int8(min(v[0], maxWScale))
			}
		case optSACKPerm:
			o.SACKPerm = true
		case optTimestamp:
			if len(v) == 8 {
				o.Timestamp = true
				o.TSval = binary.BigEndian.Uint32(v)
				o.TSecr = binary.BigEndian.Uint32(v[4:])
			}
		case optTFO:
			o.TFOCookie = true
		case optExp:
			if len(v) >= 2 && binary.BigEndian.Uint16(v) == expTFOMagic {
				o.TFOCookie = true
			}
		}
		b = b[n:]
	}
	return o
}
