package capture_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

type decodeCase struct {
	name string
	lt   layers.LinkType
	data []byte
	wire int          // 0: len(data)
	want *fsm.Segment // nil: a skip is expected
	skip capture.Skip
}

// withVLAN returns s's expected segment with a VLAN key.
func withVLAN(s fsm.Segment, v uint32) *fsm.Segment { s.VLAN = v; return &s }

func seg(s fsm.Segment) *fsm.Segment { return &s }

func decodeCases(t testing.TB) []decodeCase {
	d4, d6 := tbDefault(false), tbDefault(true)
	ip4, ip6 := tbIP(t, d4), tbIP(t, d6)
	w4, w6 := d4.want(), d6.want()

	syn := tbSeg{src: tbSrc4, dst: tbDst4, seq: 0xfffffff0, flags: fsm.SYN | fsm.ECE | fsm.CWR, win: 65535, opts: tbSynOpts}
	synack6 := tbSeg{src: tbDst6, dst: tbSrc6, seq: 7, ack: 0xfffffff1, flags: fsm.SYN | fsm.ACK, win: 28960, opts: tbSynOpts}
	rst := tbSeg{src: tbSrc4, dst: tbDst4, seq: 5, flags: fsm.RST}
	finAll := tbSeg{src: tbSrc4, dst: tbDst4, seq: 5, ack: 6, flags: fsm.FIN | fsm.SYN | fsm.RST | fsm.PSH | fsm.ACK | fsm.URG | fsm.ECE | fsm.CWR, win: 1}

	var cs []decodeCase
	add := func(name string, lt layers.LinkType, data []byte, want *fsm.Segment) {
		cs = append(cs, decodeCase{name: name, lt: lt, data: data, want: want})
	}
	skip := func(name string, lt layers.LinkType, data []byte, why capture.Skip) {
		cs = append(cs, decodeCase{name: name, lt: lt, data: data, skip: why})
	}

	// Link types.
	add("ethernet-ipv4", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, ip4), seg(w4))
	add("ethernet-ipv6", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv6, ip6), seg(w6))
	add("ethernet-syn-options", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, tbIP(t, syn)), seg(syn.want()))
	add("ethernet-ipv6-synack", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv6, tbIP(t, synack6)), seg(synack6.want()))
	add("ethernet-rst", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, tbIP(t, rst)), seg(rst.want()))
	add("ethernet-all-flags", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, tbIP(t, finAll)), seg(finAll.want()))
	lo := tbEth(t, layers.EthernetTypeIPv4, ip4)
	copy(lo[0:12], make([]byte, 12))
	add("ethernet-linux-lo-zero-macs", layers.LinkTypeEthernet, lo, seg(w4))
	add("vlan-802.1q", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, ip4, 100), withVLAN(w4, 100))
	add("vlan-qinq", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv6, ip6, 100, 200), withVLAN(w6, 100<<12|200))
	add("vlan-three-tags-keeps-inner-two", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, ip4, 7, 100, 4095), withVLAN(w4, 100<<12|4095))
	add("mpls-one-label-ipv4", layers.LinkTypeEthernet, tbMPLS(t, ip4, 16), seg(w4))
	add("mpls-stack-ipv6", layers.LinkTypeEthernet, tbMPLS(t, ip6, 16, 17, 1048575), seg(w6))
	skip("mpls-not-ip", layers.LinkTypeEthernet, tbMPLS(t, tbEth(t, layers.EthernetTypeIPv4, ip4), 16), capture.SkipNotIP)
	vm := tbEth(t, layers.EthernetTypeMPLSUnicast, tbMPLS(t, ip4, 300)[14:], 42)
	add("vlan-then-mpls", layers.LinkTypeEthernet, vm, withVLAN(w4, 42))
	add("linux-sll-ipv4", layers.LinkTypeLinuxSLL, tbSLL(layers.EthernetTypeIPv4, ip4), seg(w4))
	add("linux-sll-ipv6", layers.LinkTypeLinuxSLL, tbSLL(layers.EthernetTypeIPv6, ip6), seg(w6))
	add("linux-sll2-ipv4", layers.LinkTypeLinuxSLL2, tbSLL2(layers.EthernetTypeIPv4, ip4), seg(w4))
	add("linux-sll2-ipv6", layers.LinkTypeLinuxSLL2, tbSLL2(layers.EthernetTypeIPv6, ip6), seg(w6))
	add("null-le-ipv4", layers.LinkTypeNull, tbNull(2, binary.LittleEndian, ip4), seg(w4))
	add("null-be-ipv4", layers.LinkTypeNull, tbNull(2, binary.BigEndian, ip4), seg(w4))
	for _, af := range []uint32{10, 24, 28, 30} {
		add(fmt.Sprintf("null-le-ipv6-af%d", af), layers.LinkTypeNull, tbNull(af, binary.LittleEndian, ip6), seg(w6))
		add(fmt.Sprintf("null-be-ipv6-af%d", af), layers.LinkTypeNull, tbNull(af, binary.BigEndian, ip6), seg(w6))
	}
	add("loop-openbsd-ipv4", layers.LinkTypeLoop, tbNull(2, binary.BigEndian, ip4), seg(w4))
	skip("null-unknown-family", layers.LinkTypeNull, tbNull(7, binary.LittleEndian, ip4), capture.SkipNotIP)
	for _, lt := range []layers.LinkType{layers.LinkTypeRaw, 12, 14} {
		add(fmt.Sprintf("raw-%d-ipv4", lt), lt, ip4, seg(w4))
		add(fmt.Sprintf("raw-%d-ipv6", lt), lt, ip6, seg(w6))
	}
	add("dlt-12-openbsd-loop", 12, tbNull(24, binary.BigEndian, ip6), seg(w6))
	skip("dlt-14-not-loop", 14, tbNull(24, binary.BigEndian, ip6), capture.SkipNotIP)
	add("raw-ipv4-228", layers.LinkTypeIPv4, ip4, seg(w4))
	add("raw-ipv6-229", layers.LinkTypeIPv6, ip6, seg(w6))
	skip("raw-version-5", layers.LinkTypeRaw, append([]byte{0x50}, ip4[1:]...), capture.SkipNotIP)
	skip("raw-empty", layers.LinkTypeRaw, nil, capture.SkipTruncated)
	skip("unknown-link-type", layers.LinkTypeIEEE802_11, ip4, capture.SkipLinkType)
	skip("ppp-unsupported", layers.LinkTypePPP, ip4, capture.SkipLinkType)

	// Not TCP.
	udp := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolUDP, []byte{0, 53, 0, 53, 0, 8, 0, 0}, nil)
	skip("udp", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv4, udp), capture.SkipNotTCP)
	icmp6 := tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolICMPv6, []byte{128, 0, 0, 0, 0, 1, 0, 1})
	skip("icmpv6", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeIPv6, icmp6), capture.SkipNotTCP)
	skip("arp", layers.LinkTypeEthernet, tbEth(t, layers.EthernetTypeARP, make([]byte, 28)), capture.SkipNotIP)
	skip("ethernet-802.3-length-frame", layers.LinkTypeEthernet, tbEth(t, layers.EthernetType(46), make([]byte, 46)), capture.SkipNotIP)
	skip("ipv6-no-next-header", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolNoNextHeader, nil, tbDestOpts()), capture.SkipNotTCP)

	// IPv6 extension headers.
	tcp6 := tbTCP(t, d6)
	add("ipv6-hop-by-hop", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tcp6, tbHop()), seg(w6))
	add("ipv6-all-extensions", layers.LinkTypeRaw,
		tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tcp6, tbHop(), tbDestOpts(), tbRouting(), tbDestOpts()), seg(w6))
	add("ipv6-atomic-fragment", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tcp6, tbFrag6(0, false)), seg(w6))
	add("ipv6-first-fragment", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tcp6, tbDestOpts(), tbFrag6(0, true)), seg(w6))
	skip("ipv6-later-fragment", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, []byte("rest of it"), tbFrag6(3, false)), capture.SkipFragment)
	skip("ipv6-first-fragment-header-split", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tcp6[:16], tbFrag6(0, true)), capture.SkipFragment)
	skip("ipv6-first-fragment-udp", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolUDP, make([]byte, 16), tbFrag6(0, true)), capture.SkipNotTCP)
	ah := append([]byte{byte(layers.IPProtocolTCP), 4, 0, 0}, make([]byte, 20)...) // AH: (4+2)*4 = 24 bytes
	add("ipv6-ah", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolAH, append(ah, tcp6...)), seg(w6))
	skip("ipv6-esp", layers.LinkTypeRaw, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolESP, make([]byte, 40)), capture.SkipNotTCP)

	// IPv4 fragments, options, tunnels.
	tcp4 := tbTCP(t, d4)
	frag := func(off uint16, mf bool) func(*layers.IPv4) {
		return func(ip *layers.IPv4) {
			ip.FragOffset = off
			if mf {
				ip.Flags = layers.IPv4MoreFragments
			}
		}
	}
	add("ipv4-first-fragment", layers.LinkTypeRaw, tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, tcp4, frag(0, true)), seg(w4))
	skip("ipv4-later-fragment", layers.LinkTypeRaw, tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, []byte("continued"), frag(185, false)), capture.SkipFragment)
	skip("ipv4-middle-fragment", layers.LinkTypeRaw, tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, tcp4, frag(1, true)), capture.SkipFragment)
	skip("ipv4-first-fragment-header-split", layers.LinkTypeRaw, tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, tcp4[:8], frag(0, true)), capture.SkipFragment)
	opt4 := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, tcp4, func(ip *layers.IPv4) {
		ip.Options = []layers.IPv4Option{{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}} // router alert
	})
	add("ipv4-with-options", layers.LinkTypeRaw, opt4, seg(w4))
	add("ipv6-in-ipv4", layers.LinkTypeRaw, tbIPv4(t, netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("203.0.113.2"), layers.IPProtocolIPv6, ip6, nil), seg(w6))
	gre := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolGRE, append([]byte{0, 0, 8, 0}, ip4...), nil)
	skip("gre-not-opened", layers.LinkTypeRaw, gre, capture.SkipNotTCP)

	// Lengths: Len from the IP header, Payload what was captured.
	padded := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, rst))
	padded = append(padded, make([]byte, 60-len(padded))...)
	add("ethernet-padding-ignored", layers.LinkTypeEthernet, padded, seg(rst.want()))
	trailer6 := append(tbEth(t, layers.EthernetTypeIPv6, ip6), 0xde, 0xad, 0xbe, 0xef)
	add("ipv6-trailer-ignored", layers.LinkTypeEthernet, trailer6, seg(w6))
	big := tbDefault(false)
	big.payload = bytes.Repeat([]byte("x"), 1000)
	bigFrame := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, big))
	cut := big.want()
	cut.Payload = big.payload[:68-54]
	cs = append(cs, decodeCase{name: "snaplen-cut-payload", lt: layers.LinkTypeEthernet, data: bigFrame[:68], wire: len(bigFrame), want: &cut})
	big6 := tbDefault(true)
	big6.payload = bytes.Repeat([]byte("y"), 500)
	bigFrame6 := tbEth(t, layers.EthernetTypeIPv6, tbIPv6(t, tbSrc6.Addr(), tbDst6.Addr(), layers.IPProtocolTCP, tbTCP(t, big6), tbHop(), tbDestOpts()))
	cut6 := big6.want()
	cut6.Payload = big6.payload[:10]
	cs = append(cs, decodeCase{name: "snaplen-cut-ipv6-extensions", lt: layers.LinkTypeEthernet, data: bigFrame6[:14+40+16+20+10], wire: len(bigFrame6), want: &cut6})
	synFrame := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, syn))
	cutOpts := syn.want()
	cutOpts.Options = fsm.Options{MSS: 1460, SACKPerm: true, WScale: -1} // timestamp and window scale cut off
	cs = append(cs, decodeCase{name: "snaplen-cut-options", lt: layers.LinkTypeEthernet, data: synFrame[:14+20+20+8], wire: len(synFrame), want: &cutOpts})
	cs = append(cs, decodeCase{name: "snaplen-cut-fixed-header", lt: layers.LinkTypeEthernet, data: synFrame[:14+20+19], wire: len(synFrame), skip: capture.SkipTruncated})
	cs = append(cs, decodeCase{name: "snaplen-cut-ip-header", lt: layers.LinkTypeEthernet, data: synFrame[:14+12], wire: len(synFrame), skip: capture.SkipTruncated})
	cs = append(cs, decodeCase{name: "snaplen-cut-ipv6-header", lt: layers.LinkTypeRaw, data: ip6[:39], wire: len(ip6), skip: capture.SkipTruncated})
	skip("ethernet-too-short", layers.LinkTypeEthernet, make([]byte, 10), capture.SkipMalformed)
	skip("sll-too-short", layers.LinkTypeLinuxSLL, make([]byte, 15), capture.SkipMalformed)
	cs = append(cs, decodeCase{name: "snaplen-cut-tcp-header", lt: layers.LinkTypeRaw, data: ip4[:20+12], wire: len(ip4), skip: capture.SkipTruncated})
	skip("ip-packet-ends-in-tcp-header", layers.LinkTypeRaw, tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, tcp4[:12], nil), capture.SkipMalformed)
	badOff := bytes.Clone(ip4)
	badOff[20+12] = 4 << 4
	skip("tcp-data-offset-below-5", layers.LinkTypeRaw, badOff, capture.SkipMalformed)
	short := bytes.Clone(ip4)
	binary.BigEndian.PutUint16(short[2:], 20+16) // IP says 16 bytes of TCP, the header says 20
	skip("ip-length-shorter-than-tcp-header", layers.LinkTypeRaw, short, capture.SkipMalformed)
	badIHL := bytes.Clone(ip4)
	badIHL[0] = 0x43
	skip("ipv4-ihl-below-5", layers.LinkTypeRaw, badIHL, capture.SkipMalformed)
	tso := bytes.Clone(ip4)
	binary.BigEndian.PutUint16(tso[2:], 0) // TCP segmentation offload: length 0
	add("ipv4-tso-zero-length", layers.LinkTypeRaw, tso, seg(w4))

	// Options.
	opt := func(name string, opts []layers.TCPOption, want fsm.Options) {
		s := tbDefault(false)
		s.opts = opts
		w := s.want()
		w.Options = want
		add("options-"+name, layers.LinkTypeRaw, tbIP(t, s), &w)
	}
	opt("none", nil, fsm.Options{WScale: -1})
	opt("syn-set", tbSynOpts, fsm.Options{MSS: 1460, WScale: 7, SACKPerm: true, Timestamp: true, TSval: 1})
	opt("timestamps", []layers.TCPOption{{OptionType: 8, OptionLength: 10, OptionData: []byte{0xde, 0xad, 0xbe, 0xef, 0, 0, 0x01, 0x02}}}, fsm.Options{WScale: -1, Timestamp: true, TSval: 0xdeadbeef, TSecr: 0x102})
	opt("timestamps-short", []layers.TCPOption{{OptionType: 8, OptionLength: 6, OptionData: []byte{1, 2, 3, 4}}}, fsm.Options{WScale: -1})
	opt("wscale-0", []layers.TCPOption{{OptionType: 3, OptionLength: 3, OptionData: []byte{0}}}, fsm.Options{WScale: 0})
	opt("wscale-clamped-to-14", []layers.TCPOption{{OptionType: 3, OptionLength: 3, OptionData: []byte{200}}}, fsm.Options{WScale: 14})
	opt("tfo-cookie", []layers.TCPOption{{OptionType: 34, OptionLength: 10, OptionData: []byte{1, 2, 3, 4, 5, 6, 7, 8}}}, fsm.Options{WScale: -1, TFOCookie: true})
	opt("tfo-cookie-request", []layers.TCPOption{{OptionType: 34, OptionLength: 2}}, fsm.Options{WScale: -1, TFOCookie: true})
	opt("tfo-experimental", []layers.TCPOption{{OptionType: 254, OptionLength: 12, OptionData: []byte{0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8}}}, fsm.Options{WScale: -1, TFOCookie: true})
	opt("experimental-other-magic", []layers.TCPOption{{OptionType: 254, OptionLength: 4, OptionData: []byte{0x12, 0x34}}}, fsm.Options{WScale: -1})
	opt("sack-blocks-ignored", []layers.TCPOption{{OptionType: 5, OptionLength: 10, OptionData: make([]byte, 8)}}, fsm.Options{WScale: -1})
	opt("mss-wrong-length-ignored", []layers.TCPOption{{OptionType: 2, OptionLength: 3, OptionData: []byte{5}}, {OptionType: 4, OptionLength: 2}}, fsm.Options{WScale: -1, SACKPerm: true})
	opt("after-end-of-options", []layers.TCPOption{{OptionType: 0}, {OptionType: 1}, {OptionType: 2, OptionLength: 4, OptionData: []byte{1, 0}}}, fsm.Options{WScale: -1})
	// A bad option length stops option parsing; the segment stays. The
	// serializer fixes option lengths, so these are patched afterwards.
	patched := func(name string, opts []layers.TCPOption, at int, b []byte, want fsm.Options) {
		s := tbDefault(false)
		s.opts = opts
		ip := tbIP(t, s)
		copy(ip[20+20+at:], b)
		w := s.want()
		w.Options = want
		add("options-"+name, layers.LinkTypeRaw, ip, &w)
	}
	nop := layers.TCPOption{OptionType: 1}
	mss := layers.TCPOption{OptionType: 2, OptionLength: 4, OptionData: []byte{2, 0}}
	sackPerm := layers.TCPOption{OptionType: 4, OptionLength: 2}
	patched("length-1-stops", []layers.TCPOption{mss, nop, nop, sackPerm}, 4, []byte{8, 1}, fsm.Options{MSS: 512, WScale: -1})
	patched("length-0-stops", []layers.TCPOption{mss, nop, nop, sackPerm}, 4, []byte{8, 0}, fsm.Options{MSS: 512, WScale: -1})
	patched("length-past-header", []layers.TCPOption{sackPerm, nop, nop}, 2, []byte{3, 40}, fsm.Options{SACKPerm: true, WScale: -1})
	patched("kind-without-length", []layers.TCPOption{sackPerm, nop, nop, nop, nop, nop}, 7, []byte{2}, fsm.Options{SACKPerm: true, WScale: -1})
	return cs
}

func TestDecode(t *testing.T) {
	d := capture.NewDecoder()
	for _, c := range decodeCases(t) {
		t.Run(c.name, func(t *testing.T) {
			wire := c.wire
			if wire == 0 {
				wire = len(c.data)
			}
			// Poison the fields Decode must fill, and check Packet and
			// Time are left alone.
			got := fsm.Segment{Packet: 42, VLAN: 999, Len: 12345, Payload: []byte("stale")}
			skip, ok := d.Decode(c.lt, c.data, wire, &got)
			if c.want == nil {
				if ok {
					t.Fatalf("decoded %+v, want skip %q", got, c.skip)
				}
				if skip != c.skip {
					t.Fatalf("skip %q, want %q", skip, c.skip)
				}
				return
			}
			if !ok {
				t.Fatalf("skipped (%q), want a segment", skip)
			}
			want := *c.want
			want.Packet = 42
			if diff := segDiff(got, want); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// segDiff lists the fields where got differs from want.
func segDiff(got, want fsm.Segment) string {
	var b bytes.Buffer
	f := func(name string, g, w any) {
		if g != w {
			fmt.Fprintf(&b, "%s: got %v, want %v\n", name, g, w)
		}
	}
	f("Packet", got.Packet, want.Packet)
	f("Time", got.Time, want.Time)
	f("Src", got.Src, want.Src)
	f("Dst", got.Dst, want.Dst)
	f("VLAN", got.VLAN, want.VLAN)
	f("Seq", got.Seq, want.Seq)
	f("Ack", got.Ack, want.Ack)
	f("Flags", got.Flags, want.Flags)
	f("Window", got.Window, want.Window)
	f("Options", got.Options, want.Options)
	f("Len", got.Len, want.Len)
	if !bytes.Equal(got.Payload, want.Payload) {
		fmt.Fprintf(&b, "Payload: got %q, want %q\n", got.Payload, want.Payload)
	}
	return b.String()
}

// The decoder is the hot path: decoding a segment must not allocate.
// Skips may (gopacket's layers build error values), and so may hop-by-hop
// headers: gopacket's IPv6 layer allocates each hop-by-hop option.
func TestDecodeAllocs(t *testing.T) {
	d := capture.NewDecoder()
	allowed := map[string]bool{"ipv6-hop-by-hop": true, "ipv6-all-extensions": true, "snaplen-cut-ipv6-extensions": true}
	for _, c := range decodeCases(t) {
		if c.want == nil || allowed[c.name] {
			continue
		}
		var s fsm.Segment
		n := testing.AllocsPerRun(20, func() { d.Decode(c.lt, c.data, len(c.data), &s) })
		if n != 0 {
			t.Errorf("%s: %v allocations per Decode, want 0", c.name, n)
		}
	}
}

// A Decode that fails must not leave state behind for the next one.
func TestDecodeAfterSkip(t *testing.T) {
	d := capture.NewDecoder()
	var s fsm.Segment
	tagged := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, tbDefault(false)), 5, 6)
	if _, ok := d.Decode(layers.LinkTypeEthernet, tagged[:30], len(tagged), &s); ok {
		t.Fatal("cut frame decoded")
	}
	plain := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, tbDefault(false)))
	if _, ok := d.Decode(layers.LinkTypeEthernet, plain, len(plain), &s); !ok || s.VLAN != 0 {
		t.Fatalf("ok=%v VLAN=%d, want ok and VLAN 0", ok, s.VLAN)
	}
}
