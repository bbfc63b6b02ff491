package capture_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// readAll reads a source to its end: the segments, then the error that
// ended it (nil for io.EOF).
func readAll(t testing.TB, s capture.Source) ([]fsm.Segment, error) {
	t.Helper()
	var segs []fsm.Segment
	for i := 0; ; i++ {
		seg, err := s.Next()
		if err == io.EOF {
			return segs, nil
		}
		if err != nil {
			return segs, err
		}
		seg.Payload = bytes.Clone(seg.Payload)
		segs = append(segs, seg)
		if i > 1e6 {
			t.Fatal("source does not end")
		}
	}
}

func openRead(t testing.TB, path string) ([]fsm.Segment, capture.Stats, error) {
	t.Helper()
	s, err := capture.OpenFile(path)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	defer s.Close()
	segs, err := readAll(t, s)
	return segs, s.Stats(), err
}

// fileFixture is a small capture mixing segments and skips; the packet
// numbers of its segments and its stats are known.
type fileFixture struct {
	pkts     []tbPacket
	want     []fsm.Segment // Packet set, Time not
	stats    capture.Stats
	wantLink []string
}

func ethFixture(t testing.TB) fileFixture {
	syn := tbSeg{src: tbSrc4, dst: tbDst4, seq: 100, flags: fsm.SYN, win: 65535, opts: tbSynOpts}
	synack := tbSeg{src: tbDst4, dst: tbSrc4, seq: 300, ack: 101, flags: fsm.SYN | fsm.ACK, win: 65535, opts: tbSynOpts}
	data := tbDefault(true)
	big := tbDefault(false)
	big.payload = bytes.Repeat([]byte{'z'}, 300)
	bigFrame := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, big))
	udp := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolUDP, tbUDP, nil)
	fragIP := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolTCP, []byte("tail"), func(ip *layers.IPv4) { ip.FragOffset = 100 })
	synFrame := tbEth(t, layers.EthernetTypeIPv4, tbIP(t, syn))

	f := fileFixture{
		pkts: []tbPacket{
			{data: tbEth(t, layers.EthernetTypeARP, make([]byte, 28))}, // 1 not IP
			{data: synFrame}, // 2
			{data: tbEth(t, layers.EthernetTypeIPv4, tbIP(t, synack), 10)}, // 3 VLAN 10
			{data: tbEth(t, layers.EthernetTypeIPv4, udp)},                 // 4 not TCP
			{data: tbEth(t, layers.EthernetTypeIPv6, tbIP(t, data))},       // 5
			{data: tbEth(t, layers.EthernetTypeIPv4, fragIP)},              // 6 fragment
			{data: synFrame[:14+20+10], wire: len(synFrame)},               // 7 truncated
			{data: bigFrame[:100], wire: len(bigFrame)},                    // 8 snaplen cut
		},
		wantLink: []string{"ethernet"},
	}
	w2, w3, w5, w8 := syn.want(), synack.want(), data.want(), big.want()
	w2.Packet, w3.Packet, w5.Packet, w8.Packet = 2, 3, 5, 8
	w3.VLAN = 10
	w8.Payload = big.payload[:100-54]
	f.want = []fsm.Segment{w2, w3, w5, w8}
	f.stats = capture.Stats{Packets: 8, Segments: 4, LinkTypes: []string{"ethernet"}}
	f.stats.Skipped[capture.SkipNotIP] = 1
	f.stats.Skipped[capture.SkipNotTCP] = 1
	f.stats.Skipped[capture.SkipFragment] = 1
	f.stats.Skipped[capture.SkipTruncated] = 1
	for i := range f.pkts {
		f.pkts[i].lt = layers.LinkTypeEthernet
	}
	return f
}

func checkRead(t *testing.T, segs []fsm.Segment, stats capture.Stats, err error, want []fsm.Segment, wantStats capture.Stats, nanos bool) {
	t.Helper()
	if err != nil {
		t.Fatalf("read error: %v", err)
	}
	if len(segs) != len(want) {
		t.Fatalf("got %d segments, want %d", len(segs), len(want))
	}
	for i := range segs {
		w := want[i]
		w.Time = tbTime(int(w.Packet-1), nanos)
		if d := segDiff(segs[i], w); d != "" {
			t.Errorf("segment %d:\n%s", i, d)
		}
	}
	if !reflect.DeepEqual(stats, wantStats) {
		t.Errorf("stats:\n got %+v\nwant %+v", stats, wantStats)
	}
}

func TestFileFormats(t *testing.T) {
	f := ethFixture(t)
	le := tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)
	leNano := tbPcap(t, layers.LinkTypeEthernet, true, 65535, f.pkts...)
	ng := tbPcapng(t, f.pkts...)
	for _, c := range []struct {
		name  string
		data  []byte
		nanos bool
	}{
		{"pcap-usec-le", le, false},
		{"pcap-usec-be", tbSwapPcap(le), false},
		{"pcap-nsec-le", leNano, true},
		{"pcap-nsec-be", tbSwapPcap(leNano), true},
		{"pcap-gzip", tbGzip(t, le), false},
		{"pcap-nsec-be-gzip", tbGzip(t, tbSwapPcap(leNano)), true},
		{"pcapng", ng, false},
		{"pcapng-gzip", tbGzip(t, ng), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			segs, stats, err := openRead(t, tbFile(t, c.name, c.data))
			checkRead(t, segs, stats, err, f.want, f.stats, c.nanos)
		})
	}
}

// Big-endian and little-endian files must agree with the magic's byte
// order: check the swapped fixture really is big endian.
func TestSwapPcapIsBigEndian(t *testing.T) {
	be := tbSwapPcap(tbPcap(t, layers.LinkTypeEthernet, false, 65535))
	if !bytes.Equal(be[:4], []byte{0xa1, 0xb2, 0xc3, 0xd4}) {
		t.Fatalf("magic % x", be[:4])
	}
}

// mixedLinkPackets are frames of six link types, one unsupported.
func mixedLinkPackets(t testing.TB) []tbPacket {
	ip4, ip6 := tbIP(t, tbDefault(false)), tbIP(t, tbDefault(true))
	return []tbPacket{
		{lt: layers.LinkTypeEthernet, data: tbEth(t, layers.EthernetTypeIPv4, ip4)},
		{lt: layers.LinkTypeLinuxSLL, data: tbSLL(layers.EthernetTypeIPv6, ip6)},
		{lt: layers.LinkTypeRaw, data: ip4},
		{lt: layers.LinkTypeIEEE802_11, data: ip4}, // unsupported
		{lt: layers.LinkTypeNull, data: tbNull(30, binary.LittleEndian, ip6)},
		{lt: layers.LinkTypeEthernet, data: tbEth(t, layers.EthernetTypeIPv6, ip6, 3)},
		{lt: layers.LinkTypeLinuxSLL2, data: tbSLL2(layers.EthernetTypeIPv4, ip4)},
	}
}

func TestPcapngMixedLinkTypes(t *testing.T) {
	d4, d6 := tbDefault(false), tbDefault(true)
	pkts := mixedLinkPackets(t)
	w4, w6 := d4.want(), d6.want()
	var want []fsm.Segment
	for i, w := range []fsm.Segment{w4, w6, w4, {}, w6, w6, w4} {
		if i == 3 {
			continue
		}
		w.Packet = uint64(i + 1)
		if i == 5 {
			w.VLAN = 3
		}
		want = append(want, w)
	}
	stats := capture.Stats{Packets: 7, Segments: 6,
		LinkTypes: []string{"ethernet", "linux-sll", "raw ip", "link type 105 (unsupported)", "null (bsd loopback)", "linux-sll2"}}
	stats.Skipped[capture.SkipLinkType] = 1
	segs, st, err := openRead(t, tbFile(t, "mixed.pcapng", tbPcapng(t, pkts...)))
	checkRead(t, segs, st, err, want, stats, false)
}

// A file of only unsupported link types or only non-TCP packets is read
// without error; Stats tell the caller what was there.
func TestFileNothingToShow(t *testing.T) {
	ip4 := tbIP(t, tbDefault(false))
	t.Run("all-unknown-link-type", func(t *testing.T) {
		data := tbPcap(t, 147, false, 65535, tbPacket{data: ip4}, tbPacket{data: ip4})
		segs, st, err := openRead(t, tbFile(t, "user0.pcap", data))
		if err != nil || len(segs) != 0 {
			t.Fatalf("got %d segments, err %v; want none, no error", len(segs), err)
		}
		if st.Packets != 2 || st.Skipped[capture.SkipLinkType] != st.Packets || !reflect.DeepEqual(st.LinkTypes, []string{"link type 147 (unsupported)"}) {
			t.Errorf("stats %+v: want 2 packets, all skipped for link type", st)
		}
	})
	t.Run("no-tcp", func(t *testing.T) {
		udp := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolUDP, tbUDP, nil)
		data := tbPcap(t, layers.LinkTypeRaw, false, 65535, tbPacket{data: udp}, tbPacket{data: udp}, tbPacket{data: udp})
		segs, st, err := openRead(t, tbFile(t, "udp.pcap", data))
		if err != nil || len(segs) != 0 {
			t.Fatalf("got %d segments, err %v; want none, no error", len(segs), err)
		}
		if st.Packets != 3 || st.Segments != 0 || st.Skipped[capture.SkipNotTCP] != 3 {
			t.Errorf("stats %+v: want 3 packets, 3 not TCP", st)
		}
		if got := st.SkipSummary(); got != "3 not TCP" {
			t.Errorf("SkipSummary %q", got)
		}
	})
	t.Run("header-only", func(t *testing.T) {
		segs, st, err := openRead(t, tbFile(t, "hdr.pcap", tbPcap(t, layers.LinkTypeEthernet, false, 65535)))
		if err != nil || len(segs) != 0 || st.Packets != 0 || len(st.LinkTypes) != 0 {
			t.Errorf("got %d segments, stats %+v, err %v; want nothing", len(segs), st, err)
		}
	})
}

// Next keeps returning io.EOF at the end, and Stats is a copy.
func TestFileEOFSticky(t *testing.T) {
	f := ethFixture(t)
	s, err := capture.OpenFile(tbFile(t, "x.pcap", tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.Next(); err != io.EOF {
			t.Fatalf("Next after the end: %v, want io.EOF", err)
		}
	}
	st := s.Stats()
	st.LinkTypes[0] = "changed"
	if s.Stats().LinkTypes[0] != "ethernet" {
		t.Error("Stats shares its LinkTypes slice with the source")
	}
}

// fileErrorCase is a file that cannot be read whole.
type fileErrorCase struct {
	name     string
	data     []byte // nil: no file at all
	open     bool   // the error comes from OpenFile (else from Next)
	segs     int    // segments read before the error
	contains []string
}

func fileErrorCases(t testing.TB) []fileErrorCase {
	f := ethFixture(t)
	pcap := tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)
	ng := tbPcapng(t, f.pkts...)
	lastLen := 16 + len(f.pkts[len(f.pkts)-1].data)

	absurd := bytes.Clone(pcap)
	binary.LittleEndian.PutUint32(absurd[24+8:], 0x7fff0000) // caplen of record 1
	binary.LittleEndian.PutUint32(absurd[24+12:], 0x7fff0000)
	overLen := bytes.Clone(pcap)
	binary.LittleEndian.PutUint32(overLen[24+12:], 10) // wire length below caplen
	kuz := bytes.Clone(pcap)
	copy(kuz, []byte{0x34, 0xcd, 0xb2, 0xa1})
	badVersion := bytes.Clone(pcap)
	binary.LittleEndian.PutUint16(badVersion[4:], 9)
	gz := tbGzip(t, pcap)
	badGz := bytes.Clone(gz)
	badGz[len(badGz)-6] ^= 0xff // CRC

	return []fileErrorCase{
		{name: "missing", open: true, contains: []string{"no such file", "check the path"}},
		{name: "empty", data: []byte{}, open: true, contains: []string{"empty file (0 bytes)"}},
		{name: "bad-magic", data: []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"), open: true, contains: []string{"not a capture file", "47455420"}},
		{name: "text-3-bytes", data: []byte("hi\n"), open: true, contains: []string{"not a capture file", "3 bytes"}},
		{name: "truncated-global-header", data: pcap[:10], open: true, contains: []string{"truncated pcap file header", "10 of 24 bytes"}},
		{name: "pcap-bad-version", data: badVersion, open: true, contains: []string{"unsupported pcap header", "version 9"}},
		{name: "kuznetzov", data: kuz, open: true, contains: []string{"modified pcap", "editcap"}},
		{name: "truncated-pcapng-header", data: ng[:20], open: true, contains: []string{"truncated pcapng header"}},
		{name: "empty-gzip", data: tbGzip(t, nil), open: true, contains: []string{"empty file", "decompressed"}},
		{name: "truncated-last-record-data", data: pcap[:len(pcap)-5], segs: 3, contains: []string{"truncated", "record 8 is cut off", "7 packets before it were read"}},
		{name: "truncated-last-record-header", data: pcap[:len(pcap)-lastLen+7], segs: 3, contains: []string{"truncated", "record 8 is cut off"}},
		{name: "truncated-record-no-data", data: pcap[:len(pcap)-lastLen+16], segs: 3, contains: []string{"truncated", "record 8 is cut off"}},
		{name: "truncated-pcapng-block", data: ng[:len(ng)-3], segs: 3, contains: []string{"truncated", "record 8"}},
		{name: "truncated-gzip", data: gz[:len(gz)-12], segs: 4, contains: []string{"truncated gzip stream", "after 8 complete packets", "8 packets before it were read"}},
		{name: "gzip-trailer-missing", data: gz[:len(gz)-8], segs: 4, contains: []string{"truncated gzip stream", "after 8 complete packets", "8 packets before it were read"}},
		{name: "damaged-gzip-crc", data: badGz, segs: 4, contains: []string{"damaged gzip data", "checksum"}},
		{name: "absurd-record-length", data: absurd, contains: []string{"corrupt record 1", "2147418112 captured bytes", "snap length 65535", "no packet could be read"}},
		{name: "caplen-over-wire-length", data: overLen, contains: []string{"corrupt record 1"}},
	}
}

func TestFileErrors(t *testing.T) {
	for _, c := range fileErrorCases(t) {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.name+".pcap")
			if c.data != nil {
				if err := os.WriteFile(path, c.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := capture.OpenFile(path)
			var segs []fsm.Segment
			if err == nil {
				if c.open {
					s.Close()
					t.Fatal("OpenFile succeeded, want an error")
				}
				segs, err = readAll(t, s)
				if err == nil {
					t.Fatalf("read %d segments and no error, want an error", len(segs))
				}
				if len(segs) != c.segs {
					t.Errorf("%d segments before the error, want %d", len(segs), c.segs)
				}
				if _, again := s.Next(); again == nil || again.Error() != err.Error() {
					t.Errorf("Next after the error: %v, want the same error", again)
				}
				s.Close()
			} else if !c.open {
				t.Fatalf("OpenFile: %v, want the error from Next", err)
			}
			checkErrorMessage(t, err, path, c.contains...)
		})
	}
}

// checkErrorMessage checks what every error from the reader must be: one
// line, naming the file, in lower case after it, saying what is wrong.
func checkErrorMessage(t *testing.T, err error, path string, contains ...string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error on several lines: %q", msg)
	}
	if !strings.HasPrefix(msg, strconv.Quote(path)+": ") {
		t.Errorf("error %q does not start with the file name", msg)
	}
	rest := strings.TrimPrefix(msg, path+": ")
	if rest == "" || strings.ToLower(rest[:1]) != rest[:1] {
		t.Errorf("error %q: want lower case after the file name", msg)
	}
	for _, c := range contains {
		if !strings.Contains(msg, c) {
			t.Errorf("error %q does not say %q", msg, c)
		}
	}
}

func TestFileIsDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := capture.OpenFile(dir)
	if err == nil {
		t.Fatal("OpenFile on a directory succeeded")
	}
	checkErrorMessage(t, err, dir, "is a directory")
}

func TestFileTimestamps(t *testing.T) {
	// Timestamps come from the capture, in UTC, to the file's resolution.
	s := tbDefault(false)
	data := tbPcap(t, layers.LinkTypeRaw, true, 65535, tbPacket{data: tbIP(t, s)}, tbPacket{data: tbIP(t, s)})
	segs, _, err := openRead(t, tbFile(t, "ns.pcap", data))
	if err != nil || len(segs) != 2 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	want := time.Date(2024, 5, 6, 7, 8, 9, 123456000+1501007, time.UTC)
	if !segs[1].Time.Equal(want) || segs[1].Time.Location() != time.UTC {
		t.Errorf("time %v, want %v", segs[1].Time, want)
	}
	if errors.Is(err, io.EOF) {
		t.Error("EOF leaked")
	}
}
