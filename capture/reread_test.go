package capture_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"reflect"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"

	"github.com/synfin/synfin/fsm"
)

// ngBlock is a pcapng block of type typ around body (padded to 4 bytes).
func ngBlock(bo binary.AppendByteOrder, typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	b := bo.AppendUint32(nil, typ)
	b = bo.AppendUint32(b, uint32(12+len(body)))
	b = append(b, body...)
	return bo.AppendUint32(b, uint32(12+len(body)))
}

// ngSection is a section header and one Ethernet interface.
func ngSection(bo binary.AppendByteOrder) []byte {
	shb := bo.AppendUint32(nil, 0x1a2b3c4d)
	shb = bo.AppendUint16(shb, 1)
	shb = bo.AppendUint16(shb, 0)
	shb = bo.AppendUint64(shb, ^uint64(0))
	idb := bo.AppendUint16(nil, uint16(layers.LinkTypeEthernet))
	idb = bo.AppendUint16(idb, 0)
	idb = bo.AppendUint32(idb, 65535)
	return append(ngBlock(bo, 0x0a0d0d0a, shb), ngBlock(bo, 1, idb)...)
}

// ngEPB is an enhanced packet block of data, with a comment option if
// comment is set.
func ngEPB(bo binary.AppendByteOrder, data []byte, ts uint64, comment string) []byte {
	b := bo.AppendUint32(nil, 0)
	b = bo.AppendUint32(b, uint32(ts>>32))
	b = bo.AppendUint32(b, uint32(ts))
	b = bo.AppendUint32(b, uint32(len(data)))
	b = bo.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	if comment != "" {
		b = bo.AppendUint16(b, 1)
		b = bo.AppendUint16(b, uint16(len(comment)))
		b = append(b, comment...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		b = append(b, 0, 0, 0, 0) // opt_endofopt
	}
	return ngBlock(bo, 6, b) // enhanced packet block
}

// TestReread reads files of every layout FileSource re-reads (pcap in
// both byte orders and resolutions; pcapng in both byte orders, with
// packet options, blocks that are not packets between them, a simple
// packet block and a second section) and checks that Reread at each
// segment's Offset gives the segment Next gave.
func TestReread(t *testing.T) {
	var frames [][]byte
	var want []fsm.Segment
	for i := range 5 {
		s := tbDefault(i%2 == 1)
		s.seq += uint32(i) * 7
		s.payload = bytes.Repeat([]byte{'a' + byte(i)}, 10+i*50)
		s.opts = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}}}
		et := layers.EthernetTypeIPv4
		if i%2 == 1 {
			et = layers.EthernetTypeIPv6
		}
		frames = append(frames, tbEth(t, et, tbIP(t, s)))
		want = append(want, s.want())
	}
	var pkts []tbPacket
	for _, f := range frames {
		pkts = append(pkts, tbPacket{lt: layers.LinkTypeEthernet, data: f})
	}
	pcap := tbPcap(t, layers.LinkTypeEthernet, false, 65535, pkts...)
	ng := func(bo, bo2 binary.AppendByteOrder) []byte {
		b := ngSection(bo)
		b = append(b, ngEPB(bo, frames[0], 1, "first")...)
		b = append(b, ngBlock(bo, 4, []byte{0, 0, 0, 0})...)                                              // name resolution, empty
		b = append(b, ngBlock(bo, 5, bo.AppendUint32(bo.AppendUint64(bo.AppendUint32(nil, 0), 2), 0))...) // interface statistics
		b = append(b, ngEPB(bo, frames[1], 3, "")...)
		b = append(b, ngBlock(bo, 3, append(bo.AppendUint32(nil, uint32(len(frames[2]))), frames[2]...))...) // simple packet
		b = append(b, ngBlock(bo, 0xbad, []byte("custom"))...)
		b = append(b, ngSection(bo2)...) // a second section
		b = append(b, ngEPB(bo2, frames[3], 4, "x")...)
		return append(b, ngEPB(bo2, frames[4], 5, "")...)
	}
	le, be := binary.LittleEndian, binary.BigEndian
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"le.pcap", pcap},
		{"be.pcap", tbSwapPcap(pcap)},
		{"nanos.pcap", tbPcap(t, layers.LinkTypeEthernet, true, 65535, pkts...)},
		{"le.pcapng", ng(le, be)},
		{"be.pcapng", ng(be, le)},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := capture.OpenFile(tbFile(t, c.name, c.data))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if !src.Rereadable() {
				t.Fatal("not re-readable")
			}
			var offs []int64
			for i := 0; ; i++ {
				seg, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				off, ok := src.Offset()
				if !ok {
					t.Fatalf("segment %d: no offset", i)
				}
				offs = append(offs, off)
				seg.Packet, seg.Time = 0, want[i].Time
				if !reflect.DeepEqual(seg, want[i]) {
					t.Fatalf("segment %d read as %+v, want %+v", i, seg, want[i])
				}
			}
			if len(offs) != len(want) {
				t.Fatalf("%d segments, want %d", len(offs), len(want))
			}
			// Read again, last first, while nothing is read in order.
			for i := len(offs) - 1; i >= 0; i-- {
				var seg fsm.Segment
				if err := src.Reread(offs[i], &seg); err != nil {
					t.Fatalf("segment %d at %d: %v", i, offs[i], err)
				}
				if !reflect.DeepEqual(seg, want[i]) {
					t.Errorf("segment %d at %d read again as %+v, want %+v", i, offs[i], seg, want[i])
				}
			}
			var seg fsm.Segment
			if err := src.Reread(offs[0]+1, &seg); err == nil && reflect.DeepEqual(seg, want[0]) {
				t.Errorf("a wrong offset gave the segment")
			}
		})
	}
	// Not re-readable: gzip.
	src, err := capture.OpenFile(tbFile(t, "x.pcap.gz", tbGzip(t, pcap)))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Next(); err != nil {
		t.Fatal(err)
	}
	if _, ok := src.Offset(); ok || src.Rereadable() {
		t.Error("a gzip file is re-readable")
	}
}
