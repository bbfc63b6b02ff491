package capture_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// fuzzLinkTypes are the link types FuzzDecode picks from (its first
// argument, modulo the length); the last ones are unsupported.
var fuzzLinkTypes = []layers.LinkType{
	layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
	layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw, 12, 14,
	layers.LinkTypeIPv4, layers.LinkTypeIPv6, layers.LinkTypePPP, 147,
}

func fuzzLinkIndex(lt layers.LinkType) uint8 {
	for i, x := range fuzzLinkTypes {
		if x == lt {
			return uint8(i)
		}
	}
	return uint8(len(fuzzLinkTypes) - 1)
}

// FuzzDecode runs the decoder over arbitrary bytes for each link type. A
// segment it returns must be consistent: payload inside the frame and no
// longer than Len, VLAN within two tags, window scale in range, and the
// same answer twice.
func FuzzDecode(f *testing.F) {
	for _, c := range decodeCases(f) {
		wire := c.wire
		if wire == 0 {
			wire = len(c.data)
		}
		f.Add(fuzzLinkIndex(c.lt), c.data, uint32(wire))
	}
	d := capture.NewDecoder()
	f.Fuzz(func(t *testing.T, lti uint8, data []byte, wire uint32) {
		lt := fuzzLinkTypes[int(lti)%len(fuzzLinkTypes)]
		var s1, s2 fsm.Segment
		skip1, ok1 := d.Decode(lt, data, int(wire), &s1)
		skip2, ok2 := d.Decode(lt, data, int(wire), &s2)
		if ok1 != ok2 || (!ok1 && skip1 != skip2) {
			t.Fatalf("not deterministic: (%v,%v) then (%v,%v)", skip1, ok1, skip2, ok2)
		}
		if !ok1 {
			if !capture.LinkTypeSupported(lt) && skip1 != capture.SkipLinkType {
				t.Fatalf("unsupported link type %d skipped as %q", lt, skip1)
			}
			if skip1.String() == "skip(?)" {
				t.Fatalf("unknown skip reason %d", skip1)
			}
			return
		}
		if d := segDiff(s1, s2); d != "" {
			t.Fatalf("not deterministic:\n%s", d)
		}
		if uint32(len(s1.Payload)) > s1.Len {
			t.Fatalf("payload %d bytes, Len %d", len(s1.Payload), s1.Len)
		}
		if len(s1.Payload) > 0 && !inside(s1.Payload, data) {
			t.Fatal("payload does not alias the frame")
		}
		if s1.VLAN >= 1<<24 {
			t.Fatalf("VLAN %#x holds more than two tags", s1.VLAN)
		}
		if w := s1.Options.WScale; w < -1 || w > 14 {
			t.Fatalf("window scale %d", w)
		}
		if !s1.Src.IsValid() || !s1.Dst.IsValid() || s1.Src.Addr().Is4() != s1.Dst.Addr().Is4() {
			t.Fatalf("addresses %v %v", s1.Src, s1.Dst)
		}
	})
}

// inside reports whether sub lies within buf's memory.
func inside(sub, buf []byte) bool {
	if len(buf) == 0 {
		return false
	}
	b0 := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	s0 := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	return s0 >= b0 && s0+uintptr(len(sub)) <= b0+uintptr(len(buf))
}

// fuzzFileSeeds are whole capture files: good ones of each format and
// the bad inputs the error tests use.
func fuzzFileSeeds(t testing.TB) [][]byte {
	f := ethFixture(t)
	pcap := tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)
	seeds := [][]byte{
		pcap,
		tbSwapPcap(tbPcap(t, layers.LinkTypeEthernet, true, 65535, f.pkts[:4]...)),
		tbPcapng(t, f.pkts[:3]...),
		tbGzip(t, tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts[:2]...)),
		tbPcapng(t,
			tbPacket{lt: layers.LinkTypeLinuxSLL2, data: tbSLL2(layers.EthernetTypeIPv4, tbIP(t, tbDefault(false)))},
			tbPacket{lt: layers.LinkTypeNull, data: tbNull(24, binary.LittleEndian, tbIP(t, tbDefault(true)))}),
		tbPcap(t, layers.LinkTypeRaw, false, 68, tbPacket{data: tbIP(t, tbDefault(true))}),
	}
	for _, c := range fileErrorCases(t) {
		if c.data != nil && len(c.data) < 2000 {
			seeds = append(seeds, c.data)
		}
	}
	return seeds
}

// FuzzFile opens arbitrary bytes as a capture file and reads it to the
// end: no panic, no endless loop, errors in the one-line form, stats that
// add up.
func FuzzFile(f *testing.F) {
	for _, s := range fuzzFileSeeds(f) {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.pcap")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := capture.OpenFile(path)
		if err != nil {
			checkFuzzError(t, err, path)
			return
		}
		defer s.Close()
		n := 0
		for {
			_, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				checkFuzzError(t, err, path)
				break
			}
			// Every segment is at least one record of at least 12 bytes
			// (gzip can inflate, so bound by the inflated size loosely).
			if n++; n > 1<<20 {
				t.Fatal("too many segments: endless loop?")
			}
		}
		st := s.Stats()
		if st.Segments != uint64(n) || st.Packets != st.Segments+st.SkippedTotal() {
			t.Fatalf("stats do not add up: %d returned, %+v", n, st)
		}
	})
}

func checkFuzzError(t *testing.T, err error, path string) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, strconv.Quote(path)+": ") || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error not on one line naming the file: %q", msg)
	}
}

// TestWriteFuzzSeeds rewrites the committed seed corpus under
// testdata/fuzz when run with -update-testdata, and otherwise checks
// that it is there.
func TestWriteFuzzSeeds(t *testing.T) {
	type seed struct {
		target string
		args   []any
	}
	var seeds []seed
	for i, c := range decodeCases(t) {
		// A selection keeps the committed corpus small.
		if i%3 != 0 && !strings.Contains(c.name, "options") && !strings.Contains(c.name, "fragment") {
			continue
		}
		wire := c.wire
		if wire == 0 {
			wire = len(c.data)
		}
		seeds = append(seeds, seed{"FuzzDecode", []any{fuzzLinkIndex(c.lt), c.data, uint32(wire)}})
	}
	for _, s := range fuzzFileSeeds(t) {
		seeds = append(seeds, seed{"FuzzFile", []any{s}})
	}
	if !*updateTestdata {
		for _, target := range []string{"FuzzDecode", "FuzzFile"} {
			m, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
			if len(m) == 0 {
				t.Errorf("no committed seeds for %s: run go test -run TestWriteFuzzSeeds -update-testdata", target)
			}
		}
		return
	}
	for _, target := range []string{"FuzzDecode", "FuzzFile"} {
		os.RemoveAll(filepath.Join("testdata", "fuzz", target))
	}
	for _, s := range seeds {
		var b bytes.Buffer
		b.WriteString("go test fuzz v1\n")
		for _, a := range s.args {
			switch v := a.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", v)
			default:
				fmt.Fprintf(&b, "%T(%v)\n", v, v)
			}
		}
		dir := filepath.Join("testdata", "fuzz", s.target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		// Named by content, as go test -fuzz names what it finds.
		name := fmt.Sprintf("%x", sha256.Sum256(b.Bytes()))[:16]
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
