package capture_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"
)

var updateTestdata = flag.Bool("update-testdata", false, "rewrite capture/testdata (edge-case captures, fuzz seeds) from the test builders")

// fixture is a tiny capture committed under testdata/ for other packages'
// tests (what the summary command says about each) and for trying synfin.
type fixture struct {
	name, about string
	data        []byte
}

func fixtures(t testing.TB) []fixture {
	f := ethFixture(t)
	pcap := tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)
	udp := tbIPv4(t, tbSrc4.Addr(), tbDst4.Addr(), layers.IPProtocolUDP, tbUDP, nil)
	ip4 := tbIP(t, tbDefault(false))
	absurd := bytes.Clone(pcap)
	copy(absurd[24+8:], []byte{0, 0, 0xff, 0x7f, 0, 0, 0xff, 0x7f}) // caplen and len of record 1
	return []fixture{
		{"eth-mixed.pcap", "8 Ethernet frames: ARP, SYN, SYN-ACK in VLAN 10, UDP, IPv6 data, an IPv4 fragment, a SYN cut in its TCP header, a data segment cut by the snaplen: 4 segments", pcap},
		{"eth-mixed-nsec-be.pcap", "eth-mixed.pcap as a big-endian nanosecond pcap", tbSwapPcap(tbPcap(t, layers.LinkTypeEthernet, true, 65535, f.pkts...))},
		{"eth-mixed.pcapng", "eth-mixed.pcap as pcapng", tbPcapng(t, f.pkts...)},
		{"eth-mixed.pcap.gz", "eth-mixed.pcap, gzip-compressed", tbGzip(t, pcap)},
		{"mixed-linktypes.pcapng", "7 packets on interfaces of 6 link types (Ethernet, SLL, raw IP, 802.11 (unsupported), BSD loopback, SLL2): 6 segments", tbPcapng(t, mixedLinkPackets(t)...)},
		{"no-tcp.pcap", "3 UDP packets and no TCP: no error, no segment", tbPcap(t, layers.LinkTypeRaw, false, 65535, tbPacket{data: udp}, tbPacket{data: udp}, tbPacket{data: udp})},
		{"unknown-linktype.pcap", "2 packets of link type 147 (user 0), which synfin cannot decode", tbPcap(t, 147, false, 65535, tbPacket{data: ip4}, tbPacket{data: ip4})},
		{"header-only.pcap", "a pcap header and no packet", tbPcap(t, layers.LinkTypeEthernet, false, 65535)},
		{"truncated-record.pcap", "eth-mixed.pcap with its last record cut: 7 packets (3 segments), then an error", pcap[:len(pcap)-5]},
		{"truncated-header.pcap", "the first 10 bytes of a pcap header", pcap[:10]},
		{"absurd-length.pcap", "eth-mixed.pcap whose first record claims 2 GiB", absurd},
		{"not-a-capture.pcap", "an HTTP request, not a capture", []byte("GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")},
		{"empty.pcap", "0 bytes", []byte{}},
	}
}

// readOutcome is what reading a file gives: segments, stats and the error
// (file path replaced by FILE).
type readOutcome struct {
	segs  string
	stats capture.Stats
	err   string
}

func outcome(t testing.TB, path string) readOutcome {
	t.Helper()
	var o readOutcome
	s, err := capture.OpenFile(path)
	if err == nil {
		segs, rerr := readAll(t, s)
		o.stats = s.Stats()
		s.Close()
		o.segs = fmt.Sprintf("%+v", segs)
		err = rerr
	}
	if err != nil {
		o.err = strings.ReplaceAll(err.Error(), path, "FILE")
	}
	return o
}

// TestFixtures checks that the committed captures are what the builders
// make (read through OpenFile: same segments, stats and errors), and
// rewrites them, with testdata/README.md, under -update-testdata.
func TestFixtures(t *testing.T) {
	fs := fixtures(t)
	if *updateTestdata {
		var readme bytes.Buffer
		readme.WriteString("# capture/testdata\n\nTiny captures made by the builders in capture/*_test.go\n" +
			"(`go test ./capture -run 'TestFixtures|TestWriteFuzzSeeds' -update-testdata` rewrites them;\n" +
			"TestFixtures checks they still read as the builders' output).\n" +
			"fuzz/ holds the seed corpus of FuzzDecode and FuzzFile.\n\n| file | what it holds |\n|---|---|\n")
		for _, f := range fs {
			if err := os.WriteFile(filepath.Join("testdata", f.name), f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&readme, "| %s | %s |\n", f.name, f.about)
		}
		if err := os.WriteFile(filepath.Join("testdata", "README.md"), readme.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, f := range fs {
		t.Run(f.name, func(t *testing.T) {
			committed := filepath.Join("testdata", f.name)
			if _, err := os.Stat(committed); err != nil {
				t.Fatalf("%v: run go test ./capture -run TestFixtures -update-testdata", err)
			}
			built := tbFile(t, f.name, f.data)
			got, want := outcome(t, committed), outcome(t, built)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s reads differently from what the builders make now:\n got %+v\nwant %+v\n(run with -update-testdata if the change is intended)", committed, got, want)
			}
		})
	}
}
