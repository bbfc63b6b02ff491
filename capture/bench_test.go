package capture_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
)

// BenchmarkDecode measures the bare read-and-decode loop the summary
// command's speed is judged against.
//
// file: OpenFile + Next over a generated pcap of 100k short connections
// (1M packets), built into b.TempDir() once, not committed.
// frames: Decoder.Decode alone over in-memory frames of that traffic.
func BenchmarkDecode(b *testing.B) {
	b.Run("file", func(b *testing.B) {
		const conns = 100_000
		path := filepath.Join(b.TempDir(), "synthetic.pcap")
		if err := capturetest.WriteSyntheticPcap(path, conns); err != nil {
			b.Fatal(err)
		}
		var pkts uint64
		for b.Loop() {
			s, err := capture.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			for {
				_, err := s.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			st := s.Stats()
			if st.Segments != conns*capturetest.PacketsPerConn {
				b.Fatalf("%d segments, want %d", st.Segments, conns*capturetest.PacketsPerConn)
			}
			pkts += st.Packets
			s.Close()
		}
		b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "pkts/s")
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(pkts), "ns/pkt")
	})
	b.Run("frames", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "small.pcap")
		if err := capturetest.WriteSyntheticPcap(path, 100); err != nil {
			b.Fatal(err)
		}
		frames := readFrames(b, path)
		d := capture.NewDecoder()
		var seg fsm.Segment
		var n int
		for b.Loop() {
			f := frames[n%len(frames)]
			if _, ok := d.Decode(layers.LinkTypeEthernet, f, len(f), &seg); !ok {
				b.Fatal("skipped")
			}
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pkts/s")
	})
}

// readFrames returns a copy of every frame in a pcap file.
func readFrames(b *testing.B, path string) [][]byte {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var frames [][]byte
	for {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			return frames
		}
		if err != nil {
			b.Fatal(err)
		}
		frames = append(frames, data)
	}
}
