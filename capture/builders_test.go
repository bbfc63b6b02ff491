package capture_test

// Builders for the tiny frames and captures the decoder and file tests use.
// Headers are serialized with gopacket where it has a serializer (Ethernet,
// 802.1Q, MPLS, loopback, IPv4, IPv6 and its extension headers, TCP);
// Linux SLL/SLL2 and the odd cases (bad lengths, big-endian pcap) are
// written byte by byte. Names start with "tb" so they do not collide with
// other test files of the package.

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/synfin/synfin/fsm"
)

// tbSeg describes a TCP segment to build.
type tbSeg struct {
	src, dst netip.AddrPort
	seq, ack uint32
	flags    fsm.Flags
	win      uint16
	opts     []layers.TCPOption
	payload  []byte
}

var (
	tbSrc4 = netip.MustParseAddrPort("192.0.2.1:40000")
	tbDst4 = netip.MustParseAddrPort("198.51.100.2:80")
	tbSrc6 = netip.MustParseAddrPort("[2001:db8::1]:40000")
	tbDst6 = netip.MustParseAddrPort("[2001:db8::2]:443")
)

// tbDefault is a data segment with the usual fields.
func tbDefault(v6 bool) tbSeg {
	s := tbSeg{src: tbSrc4, dst: tbDst4, seq: 1000, ack: 2000, flags: fsm.ACK | fsm.PSH, win: 512, payload: []byte("hello")}
	if v6 {
		s.src, s.dst = tbSrc6, tbDst6
	}
	return s
}

// want is the fsm.Segment the decoder should make of s (Packet and Time
// left zero).
func (s tbSeg) want() fsm.Segment {
	return fsm.Segment{
		Src: s.src, Dst: s.dst,
		Seq: fsm.Seq(s.seq), Ack: fsm.Seq(s.ack),
		Flags: s.flags, Window: s.win,
		Options: tbOptions(s.opts),
		Len:     uint32(len(s.payload)),
		Payload: s.payload,
	}
}

// tbOptions is what the options should decode to (for well-formed ones).
func tbOptions(opts []layers.TCPOption) fsm.Options {
	o := fsm.Options{WScale: -1}
	for _, x := range opts {
		switch x.OptionType {
		case layers.TCPOptionKindMSS:
			if len(x.OptionData) == 2 {
				o.MSS = binary.BigEndian.Uint16(x.OptionData)
			}
		case layers.TCPOptionKindWindowScale:
			if len(x.OptionData) == 1 {
				o.WScale = int8(min(x.OptionData[0], 14))
			}
		case layers.TCPOptionKindSACKPermitted:
			o.SACKPerm = true
		case layers.TCPOptionKindTimestamps:
			if len(x.OptionData) == 8 {
				o.Timestamp = true
				o.TSval = binary.BigEndian.Uint32(x.OptionData)
				o.TSecr = binary.BigEndian.Uint32(x.OptionData[4:])
			}
		case 34:
			o.TFOCookie = true
		}
	}
	return o
}

var tbSynOpts = []layers.TCPOption{
	{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
	{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
	{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 0}},
	{OptionType: layers.TCPOptionKindNop},
	{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
}

func tbSerialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return bytes.Clone(buf.Bytes())
}

// tbTCP is the TCP header and payload of s.
func tbTCP(t testing.TB, s tbSeg) []byte {
	t.Helper()
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(s.src.Port()), DstPort: layers.TCPPort(s.dst.Port()),
		Seq: s.seq, Ack: s.ack, Window: s.win, Options: s.opts,
		FIN: s.flags.Has(fsm.FIN), SYN: s.flags.Has(fsm.SYN), RST: s.flags.Has(fsm.RST),
		PSH: s.flags.Has(fsm.PSH), ACK: s.flags.Has(fsm.ACK), URG: s.flags.Has(fsm.URG),
		ECE: s.flags.Has(fsm.ECE), CWR: s.flags.Has(fsm.CWR),
	}
	return tbSerialize(t, tcp, gopacket.Payload(s.payload))
}

// tbIPv4 wraps payload in an IPv4 header; mod may change the header
// before it is written.
func tbIPv4(t testing.TB, src, dst netip.Addr, proto layers.IPProtocol, payload []byte, mod func(*layers.IPv4)) []byte {
	t.Helper()
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	if mod != nil {
		mod(ip)
	}
	return tbSerialize(t, ip, gopacket.Payload(payload))
}

// tbIPv6 wraps payload in an IPv6 header followed by the extension
// headers ext (serialized by gopacket; their NextHeader fields are set
// here to chain to proto). A hop-by-hop header must come first.
func tbIPv6(t testing.TB, src, dst netip.Addr, proto layers.IPProtocol, payload []byte, ext ...gopacket.SerializableLayer) []byte {
	t.Helper()
	ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	ls := []gopacket.SerializableLayer{ip}
	setNext := func(l gopacket.SerializableLayer, p layers.IPProtocol) {
		switch l := l.(type) {
		case *layers.IPv6:
			l.NextHeader = p
		case *layers.IPv6HopByHop:
			l.NextHeader = p
		case *layers.IPv6Destination:
			l.NextHeader = p
		case *layers.IPv6Routing:
			l.NextHeader = p
		case *layers.IPv6Fragment:
			l.NextHeader = p
		default:
			t.Fatalf("tbIPv6: %T is not an extension header", l)
		}
	}
	var cur gopacket.SerializableLayer = ip
	for _, e := range ext {
		var p layers.IPProtocol
		switch l := e.(type) {
		case *layers.IPv6HopByHop:
			// gopacket serializes hop-by-hop as part of the IPv6 layer.
			ip.HopByHop = l
			setNext(cur, layers.IPProtocolIPv6HopByHop)
			cur = l
			continue
		case *layers.IPv6Destination:
			p = layers.IPProtocolIPv6Destination
		case *layers.IPv6Routing:
			p = layers.IPProtocolIPv6Routing
		case *layers.IPv6Fragment:
			p = layers.IPProtocolIPv6Fragment
		}
		setNext(cur, p)
		cur = e
		ls = append(ls, e)
	}
	setNext(cur, proto)
	ls = append(ls, gopacket.Payload(payload))
	return tbSerialize(t, ls...)
}

// Extension headers of 8 bytes each, padded with a PadN option.
func tbHop() *layers.IPv6HopByHop {
	h := &layers.IPv6HopByHop{}
	h.Options = []*layers.IPv6HopByHopOption{{OptionType: 1, OptionData: []byte{0, 0, 0, 0}}}
	return h
}

func tbDestOpts() *layers.IPv6Destination {
	return &layers.IPv6Destination{Options: []*layers.IPv6DestinationOption{{OptionType: 1, OptionData: []byte{0, 0, 0, 0}}}}
}

func tbRouting() *layers.IPv6Routing {
	return &layers.IPv6Routing{RoutingType: 4, Reserved: []byte{0, 0, 0, 0}} // segment routing, no segments
}

func tbFrag6(offset uint16, more bool) *layers.IPv6Fragment {
	return &layers.IPv6Fragment{FragmentOffset: offset, MoreFragments: more, Identification: 0x1234}
}

// tbIP is the IP packet (v4 or v6 by the addresses) carrying segment s.
func tbIP(t testing.TB, s tbSeg) []byte {
	t.Helper()
	if s.src.Addr().Is4() {
		return tbIPv4(t, s.src.Addr(), s.dst.Addr(), layers.IPProtocolTCP, tbTCP(t, s), nil)
	}
	return tbIPv6(t, s.src.Addr(), s.dst.Addr(), layers.IPProtocolTCP, tbTCP(t, s))
}

var (
	tbMAC1 = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	tbMAC2 = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
)

// tbEth wraps payload in Ethernet (with VLAN tags, outer first, if any:
// the outer one as 802.1ad when there are two).
func tbEth(t testing.TB, et layers.EthernetType, payload []byte, vlans ...uint16) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: tbMAC1, DstMAC: tbMAC2, EthernetType: et}
	ls := []gopacket.SerializableLayer{eth}
	for i, id := range vlans {
		tag := &layers.Dot1Q{VLANIdentifier: id, Type: et}
		prev := layers.EthernetTypeDot1Q
		if i == 0 && len(vlans) > 1 {
			prev = layers.EthernetTypeQinQ
		}
		switch l := ls[len(ls)-1].(type) {
		case *layers.Ethernet:
			l.EthernetType = prev
		case *layers.Dot1Q:
			l.Type = prev
		}
		ls = append(ls, tag)
	}
	ls = append(ls, gopacket.Payload(payload))
	return tbSerialize(t, ls...)
}

// tbMPLS wraps payload in Ethernet and an MPLS stack of labels.
func tbMPLS(t testing.TB, payload []byte, labels ...uint32) []byte {
	t.Helper()
	ls := []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: tbMAC1, DstMAC: tbMAC2, EthernetType: layers.EthernetTypeMPLSUnicast}}
	for i, l := range labels {
		ls = append(ls, &layers.MPLS{Label: l, TTL: 64, StackBottom: i == len(labels)-1})
	}
	ls = append(ls, gopacket.Payload(payload))
	return tbSerialize(t, ls...)
}

// tbSLL wraps payload in a Linux cooked (v1) header.
func tbSLL(et layers.EthernetType, payload []byte) []byte {
	h := make([]byte, 16)
	binary.BigEndian.PutUint16(h[0:], 0) // packet to us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6) // address length
	copy(h[6:], tbMAC1)                  // address
	binary.BigEndian.PutUint16(h[14:], uint16(et))
	return append(h, payload...)
}

// tbSLL2 wraps payload in a Linux cooked v2 header.
func tbSLL2(et layers.EthernetType, payload []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], uint16(et))
	binary.BigEndian.PutUint32(h[4:], 1) // interface index
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10] = 4                            // outgoing
	h[11] = 6
	copy(h[12:], tbMAC1)
	return append(h, payload...)
}

// tbNull wraps payload in a BSD loopback header: the address family in
// the given byte order.
func tbNull(af uint32, order binary.ByteOrder, payload []byte) []byte {
	h := make([]byte, 4)
	order.PutUint32(h, af)
	return append(h, payload...)
}

// tbPacket is one frame of a capture file.
type tbPacket struct {
	lt   layers.LinkType // pcapng: the interface's link type
	data []byte
	wire int // 0: len(data)
}

var tbT0 = time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)

// tbTime is the timestamp of packet i (0-based) in the files tbWrite*
// make: tbT0 plus i*1.5 ms plus i µs (so nanosecond files differ from
// microsecond ones only in the nanoseconds they keep).
func tbTime(i int, nanos bool) time.Time {
	ts := tbT0.Add(time.Duration(i) * (1500*time.Microsecond + time.Microsecond))
	if nanos {
		ts = ts.Add(time.Duration(i) * 7) // sub-microsecond part
	}
	return ts
}

// tbPcap is a pcap file (little endian, µs or ns) of frames of link type lt.
func tbPcap(t testing.TB, lt layers.LinkType, nanos bool, snaplen uint32, pkts ...tbPacket) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if nanos {
		w = pcapgo.NewWriterNanos(&b)
	}
	if err := w.WriteFileHeader(snaplen, lt); err != nil {
		t.Fatal(err)
	}
	for i, p := range pkts {
		wire := p.wire
		if wire == 0 {
			wire = len(p.data)
		}
		ci := gopacket.CaptureInfo{Timestamp: tbTime(i, nanos), CaptureLength: len(p.data), Length: wire}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// tbSwapPcap turns a little-endian pcap into the same file in big endian.
func tbSwapPcap(le []byte) []byte {
	be := bytes.Clone(le)
	sw32 := func(o int) { binary.BigEndian.PutUint32(be[o:], binary.LittleEndian.Uint32(le[o:])) }
	sw16 := func(o int) { binary.BigEndian.PutUint16(be[o:], binary.LittleEndian.Uint16(le[o:])) }
	sw32(0)
	sw16(4)
	sw16(6)
	for o := 8; o < 24; o += 4 {
		sw32(o)
	}
	for o := 24; o+16 <= len(le); {
		n := int(binary.LittleEndian.Uint32(le[o+8:]))
		for k := 0; k < 16; k += 4 {
			sw32(o + k)
		}
		o += 16 + n
	}
	return be
}

// tbPcapng is a pcapng file with one interface per distinct link type
// among pkts, in order of first use.
func tbPcapng(t testing.TB, pkts ...tbPacket) []byte {
	t.Helper()
	var b bytes.Buffer
	if len(pkts) == 0 {
		t.Fatal("tbPcapng needs a packet")
	}
	w, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "if0", LinkType: pkts[0].lt, SnapLength: 65535}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	ifaces := map[layers.LinkType]int{pkts[0].lt: 0}
	for i, p := range pkts {
		id, ok := ifaces[p.lt]
		if !ok {
			id, err = w.AddInterface(pcapgo.NgInterface{Name: "if" + string(rune('0'+len(ifaces))), LinkType: p.lt, SnapLength: 65535})
			if err != nil {
				t.Fatal(err)
			}
			ifaces[p.lt] = id
		}
		wire := p.wire
		if wire == 0 {
			wire = len(p.data)
		}
		ci := gopacket.CaptureInfo{Timestamp: tbTime(i, false), CaptureLength: len(p.data), Length: wire, InterfaceIndex: id}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tbGzip(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tbFile writes data to a file named name in a fresh temporary directory.
func tbFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tbUDP is a UDP header with no payload (port 5353 to 53).
var tbUDP = []byte{0x14, 0xe9, 0, 53, 0, 8, 0, 0}
