package fsm_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
)

// describe writes events with everything a reader could see of them,
// the whole connection when it ends.
func describe(b *strings.Builder, evs []fsm.Event) {
	for _, ev := range evs {
		fmt.Fprintf(b, "%v conn=%d pkt=%d t=%v from=%v %v seq=%d ack=%d len=%d ep=%v %v>%v %s %v %v",
			ev.Kind, ev.Conn.ID, ev.Packet, ev.Time.UnixNano(), ev.From, ev.Flags, ev.Seq, ev.Ack, ev.Len,
			ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Confidence, ev.States)
		if ev.Revision != nil {
			fmt.Fprintf(b, " rev=%+v", *ev.Revision)
		}
		if ev.Kind == fsm.KindEnd {
			c := ev.Conn
			fmt.Fprintf(b, " | %v %v %v late=%v %s %s pk=%v by=%v first=%d last=%d %v..%v tr=%+v notes=%+v revs=%+v",
				c.Client, c.Server, c.VLAN, c.JoinedLate, c.ConnState(), c.History(), c.Packets, c.Bytes,
				c.FirstPacket, c.LastPacket, c.FirstTime.UnixNano(), c.LastTime.UnixNano(), c.Transitions, c.Notes, c.Revisions)
		}
		b.WriteByte('\n')
	}
}

type feed struct {
	seg     fsm.Segment
	advance bool
}

func run(tr *fsm.Tracker, lines []feed) string {
	var b strings.Builder
	feedAll(&b, tr, lines)
	describe(&b, tr.Flush())
	return b.String()
}

// feedAll feeds lines to tr and describes the events into b.
func feedAll(b *strings.Builder, tr *fsm.Tracker, lines []feed) {
	for _, l := range lines {
		if l.advance {
			describe(b, tr.Advance(l.seg.Time))
		} else {
			describe(b, tr.Observe(l.seg))
		}
	}
}

// TestCloneReportsTheSame cuts every script (and random streams) at every
// point, clones the tracker there, and checks that the clone and the
// original, fed the rest, report exactly what a tracker never cloned
// reports: the copy is deep (neither disturbs the other) and complete.
func TestCloneReportsTheSame(t *testing.T) {
	streams := scriptAndRandomStreams(t, 20, rand.NewPCG(1, 2))
	cuts := 0
	for _, s := range streams {
		want := run(fsm.NewTracker(s.cfg), s.lines)
		for cut := 0; cut <= len(s.lines); cut++ {
			orig := fsm.NewTracker(s.cfg)
			var head strings.Builder
			feedAll(&head, orig, s.lines[:cut])
			clone := orig.Clone()
			other := orig.Clone()
			// The clone, to its end, then the original in step with
			// another clone fed something else (the rest with flags and
			// numbers changed): if they shared anything, the original's
			// report would show it.
			gotClone := head.String() + run(clone, s.lines[cut:])
			var b strings.Builder
			b.WriteString(head.String())
			for _, l := range s.lines[cut:] {
				d := l.seg
				d.Flags ^= fsm.RST | fsm.FIN | fsm.PSH
				d.Seq += 7
				d.Len++
				if l.advance {
					describe(&b, orig.Advance(l.seg.Time))
					other.Advance(d.Time)
				} else {
					describe(&b, orig.Observe(l.seg))
					other.Observe(d)
				}
			}
			describe(&b, orig.Flush())
			other.Flush()
			gotOrig := b.String()
			if gotClone != want {
				t.Fatalf("%s cut at %d: the clone reported\n%s\nwant\n%s", s.name, cut, gotClone, want)
			}
			if gotOrig != want {
				t.Fatalf("%s cut at %d: the original, run beside another clone, reported\n%s\nwant\n%s", s.name, cut, gotOrig, want)
			}
			cuts++
		}
	}
	t.Logf("%d streams, %d cuts", len(streams), cuts)
}

// scriptAndRandomStreams returns every script of testdata as a stream,
// then n random streams drawn from src.
func scriptAndRandomStreams(t *testing.T, n int, src rand.Source) []stream {
	paths, err := filepath.Glob("testdata/*.seg")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	var streams []stream
	for _, p := range paths {
		sc := parseScript(t, p)
		s := stream{name: filepath.Base(p), cfg: sc.cfg}
		for _, l := range sc.segs {
			s.lines = append(s.lines, feed(l))
		}
		streams = append(streams, s)
	}
	rng := rand.New(src)
	for i := 0; i < n; i++ {
		data := make([]byte, 12*60)
		for k := range data {
			data[k] = byte(rng.Uint32())
		}
		s := stream{name: fmt.Sprintf("random-%d", i), cfg: fsm.Config{TimeWait: 3e9}}
		for _, g := range segmentsFromBytes(data) {
			s.lines = append(s.lines, feed{seg: g})
		}
		streams = append(streams, s)
	}
	return streams
}
