package report_test

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/report"
)

// freezeCaptures lists every capture in testdata and, when it is there,
// the public corpus.
func freezeCaptures(t *testing.T) []string {
	var paths []string
	for _, g := range []string{"../testdata/*/*.pcap", "../testdata/*/*.pcapng", "../../shared/corpus/pcaps/*.pcap", "../../shared/corpus/pcaps/*.pcapng"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 40 {
		t.Fatalf("only %d captures found in ../testdata", len(paths))
	}
	if _, err := os.Stat("../../shared/corpus/pcaps"); err != nil {
		t.Logf("no public corpus beside the repository (%v): testdata only", err)
	}
	return paths
}

// describeEvents writes everything a reader sees of events, and the whole
// connection (what its exported fields and methods show) when it ends.
func describeEvents(b *strings.Builder, evs []fsm.Event) {
	for _, ev := range evs {
		fmt.Fprintf(b, "%v conn=%d pkt=%d t=%v from=%v %v seq=%d ack=%d len=%d ep=%v %v>%v %s %v %v",
			ev.Kind, ev.Conn.ID, ev.Packet, ev.Time, ev.From, ev.Flags, ev.Seq, ev.Ack, ev.Len,
			ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Confidence, ev.States)
		if ev.Revision != nil {
			fmt.Fprintf(b, " rev=%+v", *ev.Revision)
		}
		c := ev.Conn
		fmt.Fprintf(b, " | %v %v pk=%v by=%v last=%d %v", c.State, c.History(), c.Packets, c.Bytes, c.LastPacket, c.LastTime)
		if ev.Kind == fsm.KindEnd {
			ic, okc := c.ISN(fsm.Client)
			is, oks := c.ISN(fsm.Server)
			fmt.Fprintf(b, " || %v %v %v late=%v %s first=%d %v tr=%+v notes=%+v revs=%+v isn=%v/%v %v/%v rtt=%v",
				c.Client, c.Server, c.VLAN, c.JoinedLate, c.ConnState(), c.FirstPacket, c.FirstTime,
				c.Transitions, c.Notes, c.Revisions, ic, okc, is, oks, c.Duration())
		}
		b.WriteByte('\n')
	}
}

// trackEvents runs a capture through a tracker and describes every event.
func trackEvents(t *testing.T, path string, cfg fsm.Config) string {
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tr := fsm.NewTracker(cfg)
	var b strings.Builder
	for {
		seg, err := src.Next()
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(&b, "read error: %v\n", err)
			}
			break
		}
		describeEvents(&b, tr.Observe(seg))
	}
	describeEvents(&b, tr.Flush())
	return b.String()
}

// TestFreezeChangesNothingOnCaptures runs every capture of testdata and the
// corpus with freezing off and with every connection frozen before every
// segment (fsm.Config.FreezeIdle 1: each segment and timer thaws its
// connection): the event streams, and the summaries in every format, are
// the same byte for byte.
func TestFreezeChangesNothingOnCaptures(t *testing.T) {
	for _, path := range freezeCaptures(t) {
		name := filepath.Base(path)
		want := trackEvents(t, path, fsm.Config{})
		if got := trackEvents(t, path, fsm.Config{Freeze: true, FreezeIdle: 1}); got != want {
			t.Errorf("%s: frozen before every segment, the events are\n%s\nwant\n%s", name, got, want)
		}
		for _, format := range report.Formats {
			var outs [2]bytes.Buffer
			for i, idle := range []int{math.MaxInt, 1} { // never frozen, always
				src, err := capture.OpenFile(path)
				if err != nil {
					t.Fatal(err)
				}
				_, err = report.Run(src, &outs[i], report.Options{Format: format, FSM: fsm.Config{FreezeIdle: idle}})
				src.Close()
				fmt.Fprintf(&outs[i], "error: %v\n", err)
			}
			if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
				t.Errorf("%s, %s: frozen before every segment, the summary is\n%s\nwant\n%s", name, format, outs[1].String(), outs[0].String())
			}
		}
	}
}
