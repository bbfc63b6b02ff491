package capturetest_test

import (
	"bytes"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
)

func TestWriteSyntheticPcap(t *testing.T) {
	const conns = 13 // not a multiple of Interleave
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b.pcap")
	for _, p := range []string{p1, p2} {
		if err := capturetest.WriteSyntheticPcap(p, conns); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.ReadFile(p1)
	b, _ := os.ReadFile(p2)
	if !bytes.Equal(a, b) {
		t.Error("two runs wrote different files: not deterministic")
	}

	s, err := capture.OpenFile(p1)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type conn struct {
		segs []fsm.Segment
	}
	byClient := map[netip.AddrPort]*conn{}
	var order []netip.AddrPort
	var n int
	for {
		seg, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := capturetest.Start.Add(time.Duration(n) * time.Millisecond); !seg.Time.Equal(want) {
			t.Fatalf("packet %d at %v, want %v", seg.Packet, seg.Time, want)
		}
		n++
		client := seg.Src
		if seg.Src.Port() == 80 {
			client = seg.Dst
		}
		c := byClient[client]
		if c == nil {
			c = &conn{}
			byClient[client] = c
			order = append(order, client)
		}
		c.segs = append(c.segs, seg)
	}
	if n != conns*capturetest.PacketsPerConn || len(byClient) != conns {
		t.Fatalf("%d segments in %d connections, want %d in %d", n, len(byClient), conns*capturetest.PacketsPerConn, conns)
	}
	if st := s.Stats(); st.SkippedTotal() != 0 {
		t.Errorf("skipped: %s", st.SkipSummary())
	}
	wantFlags := []fsm.Flags{fsm.SYN, fsm.SYN | fsm.ACK, fsm.ACK, fsm.ACK | fsm.PSH, fsm.ACK | fsm.PSH, fsm.ACK, fsm.ACK | fsm.FIN, fsm.ACK, fsm.ACK | fsm.FIN, fsm.ACK}
	for _, client := range order {
		segs := byClient[client].segs
		if len(segs) != capturetest.PacketsPerConn {
			t.Fatalf("%v: %d segments", client, len(segs))
		}
		// Each side's next sequence number, learned from its first segment.
		var next [2]fsm.Seq
		for i, seg := range segs {
			if seg.Flags != wantFlags[i] {
				t.Errorf("%v segment %d: flags %v, want %v", client, i, seg.Flags, wantFlags[i])
			}
			side := 0
			if seg.Src != client {
				side = 1
			}
			if seg.Flags.Has(fsm.SYN) {
				next[side] = seg.Seq
				if seg.Options.MSS != 1460 || seg.Options.WScale != 7 || !seg.Options.SACKPerm || !seg.Options.Timestamp {
					t.Errorf("%v SYN options %+v", client, seg.Options)
				}
			}
			if seg.Seq != next[side] {
				t.Errorf("%v segment %d: seq %d, want %d", client, i, seg.Seq, next[side])
			}
			if seg.Flags.Has(fsm.ACK) && seg.Ack != next[1-side] {
				t.Errorf("%v segment %d: ack %d, want %d", client, i, seg.Ack, next[1-side])
			}
			next[side] = seg.Seq.Add(seg.SeqLen())
		}
	}
}
