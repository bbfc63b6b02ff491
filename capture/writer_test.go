package capture_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// readAll reads every segment of a capture file.
func readPcapSegments(t *testing.T, path string) ([]fsm.Segment, capture.Stats) {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	defer src.Close()
	var segs []fsm.Segment
	for {
		s, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		s.Payload = append([]byte(nil), s.Payload...)
		segs = append(segs, s)
	}
	return segs, src.Stats()
}

// tsharkCheck checks, in a subtest that is skipped (with the reason)
// when tshark is not installed, that tshark reads want frames in path,
// numbered from 1, without a complaint.
func tsharkCheck(t *testing.T, path string, want int) {
	t.Helper()
	t.Run("tshark", func(t *testing.T) {
		tshark, err := exec.LookPath("tshark")
		if err != nil {
			t.Skipf("tshark not installed (apt install tshark): %s was only read back with synfin's own reader", path)
		}
		cmd := exec.Command(tshark, "-r", path, "-T", "fields", "-e", "frame.number")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("tshark -r %s: %v: %s", path, err, stderr.String())
		}
		if s := strings.TrimSpace(stderr.String()); s != "" && !strings.Contains(s, "Running as user \"root\"") {
			t.Errorf("tshark complained about %s: %s", path, s)
		}
		lines := strings.Fields(string(out))
		for i, l := range lines {
			if n, _ := strconv.Atoi(l); n != i+1 {
				t.Fatalf("tshark frame %d numbered %q", i+1, l)
			}
		}
		if len(lines) != want {
			t.Errorf("tshark reads %d frames in %s, want %d", len(lines), path, want)
		}
	})
}

// checkWrittenFile reads a file a live capture wrote and checks it holds
// the same segments, with the same numbers and times, as Next returned.
func checkWrittenFile(t *testing.T, path string, want []fsm.Segment) {
	t.Helper()
	got, st := readPcapSegments(t, path)
	if len(got) != len(want) || st.Packets != uint64(len(want)) {
		t.Fatalf("file has %d segments in %d packets, capture returned %d", len(got), st.Packets, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Packet != w.Packet || !g.Time.Equal(w.Time) || g.Src != w.Src || g.Dst != w.Dst ||
			g.Seq != w.Seq || g.Ack != w.Ack || g.Flags != w.Flags || g.Len != w.Len || !bytes.Equal(g.Payload, w.Payload) {
			t.Errorf("file segment %d differs:\n got %+v\nwant %+v", i, g, w)
		}
	}
	tsharkCheck(t, path, len(want))
}

func TestPcapWriterRoundTrip(t *testing.T) {
	frames := testFrames(t)
	for _, nanos := range []bool{true, false} {
		name := "micro"
		if nanos {
			name = "nano"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.pcap")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			var w *capture.PcapWriter
			if nanos {
				w, err = capture.NewPcapWriter(f, layers.LinkTypeEthernet, 0)
			} else {
				w, err = capture.NewPcapWriterMicro(f, layers.LinkTypeEthernet, 0)
			}
			if err != nil {
				t.Fatal(err)
			}
			base := time.Date(2026, 11, 24, 10, 0, 0, 123456789, time.UTC)
			var wantSegs []fsm.Segment
			for i, fr := range frames {
				ts := base.Add(time.Duration(i) * 1001 * time.Microsecond)
				if err := w.WritePacket(ts, fr.data, len(fr.data)); err != nil {
					t.Fatal(err)
				}
				if fr.seg != nil {
					s := *fr.seg
					s.Packet = uint64(i + 1)
					s.Time = ts
					if !nanos {
						s.Time = ts.Truncate(time.Microsecond)
					}
					wantSegs = append(wantSegs, s)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if w.Packets() != uint64(len(frames)) {
				t.Errorf("Packets() = %d, want %d", w.Packets(), len(frames))
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}

			got, st := readPcapSegments(t, path)
			if st.Packets != uint64(len(frames)) {
				t.Errorf("read back %d packets, wrote %d", st.Packets, len(frames))
			}
			if len(got) != len(wantSegs) {
				t.Fatalf("read back %d segments, want %d", len(got), len(wantSegs))
			}
			for i := range got {
				g, w := got[i], wantSegs[i]
				if g.Packet != w.Packet || !g.Time.Equal(w.Time) || g.Src != w.Src || g.Dst != w.Dst || g.Seq != w.Seq || g.Flags != w.Flags {
					t.Errorf("segment %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
			// The header says what resolution it has.
			rf, _ := os.Open(path)
			defer rf.Close()
			r, err := pcapgo.NewReader(rf)
			if err != nil {
				t.Fatal(err)
			}
			wantRes := time.Microsecond
			if nanos {
				wantRes = time.Nanosecond
			}
			if r.Resolution().ToDuration() != wantRes || r.LinkType() != layers.LinkTypeEthernet {
				t.Errorf("header: resolution %v, link type %v", r.Resolution(), r.LinkType())
			}
			tsharkCheck(t, path, len(frames))
		})
	}
}

// TestPcapWriterEmptyAndSnaplen: a file closed with no packets is valid;
// frames longer than the snaplen are cut but keep their wire length.
func TestPcapWriterEmptyAndSnaplen(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pcap")
	w, err := capture.CreatePcap(empty)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if segs, st := readPcapSegments(t, empty); len(segs) != 0 || st.Packets != 0 {
		t.Errorf("empty file read as %d packets", st.Packets)
	}
	tsharkCheck(t, empty, 0)

	var buf bytes.Buffer
	w2, err := capture.NewPcapWriter(&buf, layers.LinkTypeEthernet, 60)
	if err != nil {
		t.Fatal(err)
	}
	fr := testFrames(t)[0]
	long := append(append([]byte(nil), fr.data...), make([]byte, 100)...)
	if err := w2.WritePacket(time.Unix(1, 0), long, 0); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	data, ci, err := r.ReadPacketData()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 60 || ci.Length != len(long) || r.Snaplen() != 60 {
		t.Errorf("cut frame: %d bytes captured, wire %d, snaplen %d; want 60, %d, 60", len(data), ci.Length, r.Snaplen(), len(long))
	}
	if err := w2.WritePacket(time.Unix(2, 0), long, 0); err == nil {
		t.Error("WritePacket after Close succeeded")
	}
}

// TestPcapWriterConcurrentClose: Close from another goroutine (a signal
// handler) while packets are written leaves a file that reads to the end.
func TestPcapWriterConcurrentClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sig.pcap")
	w, err := capture.CreatePcap(path)
	if err != nil {
		t.Fatal(err)
	}
	fr := testFrames(t)[0]
	var wg sync.WaitGroup
	wg.Add(1)
	var written int
	busy := make(chan struct{}) // closed once the writer is well under way
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if err := w.WritePacket(time.Unix(int64(i), 0), fr.data, len(fr.data)); err != nil {
				if !strings.Contains(err.Error(), "closed") {
					t.Errorf("WritePacket: %v", err)
				}
				return
			}
			written++
			if written == 1000 {
				close(busy)
			}
		}
	}()
	<-busy // an event, not a sleep: Close lands while packets are written
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_, st := readPcapSegments(t, path)
	if st.Packets != uint64(written) || written == 0 {
		t.Errorf("file holds %d packets, %d were written before Close", st.Packets, written)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestPcapWriterErrors(t *testing.T) {
	if _, err := capture.CreatePcap(filepath.Join(t.TempDir(), "no", "such", "dir.pcap")); err == nil || !strings.Contains(err.Error(), "dir.pcap") {
		t.Errorf("CreatePcap in a missing directory: %v, want an error naming the file", err)
	}
	if _, err := capture.NewPcapWriter(&failWriter{}, layers.LinkTypeEthernet, 0); err == nil {
		t.Error("header write to a failing writer succeeded")
	}
	w, err := capture.NewPcapWriter(&failWriter{n: 1}, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	fr := testFrames(t)[0]
	_ = w.WritePacket(time.Unix(1, 0), fr.data, len(fr.data)) // buffered
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Flush to a full disk: %v", err)
	}
	if err := w.WritePacket(time.Unix(2, 0), fr.data, len(fr.data)); err == nil {
		t.Error("WritePacket after a failed flush succeeded")
	}
}
