package demo_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
)

// TestLessonUpToDate: the embedded lesson is exactly the merge of the
// checked-in recordings (go generate ./demo rebuilds it).
func TestLessonUpToDate(t *testing.T) {
	var paths []string
	for _, name := range demo.LessonScenarios {
		paths = append(paths, filepath.Join("..", "testdata", "scenarios", name+".pcap"))
	}
	var buf bytes.Buffer
	if err := demo.MergeRecordings(&buf, paths); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), demo.Lesson()) {
		t.Errorf("demo/lesson.pcap is stale: run go generate ./demo (or: cd demo && go run ./internal/mklesson ../testdata/scenarios lesson.pcap)")
	}
}

// TestLessonReads: the lesson is a capture synfin reads to the end, with
// every recording's packets in time order.
func TestLessonReads(t *testing.T) {
	path, err := demo.WriteLesson()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	n := 0
	var last int64
	capturetest.EachSegment(t, path, func(seg fsm.Segment) {
		if ts := seg.Time.UnixNano(); ts < last {
			t.Fatalf("packet %d goes back in time", seg.Packet)
		} else {
			last = ts
		}
		n++
	})
	if n < 100 {
		t.Errorf("lesson holds %d segments, want the recordings' (more than 100)", n)
	}
}

// TestLessonPlans: every lesson of synfin lesson has scenarios that exist
// and are in the built-in recording, whose packets its Filter keeps.
func TestLessonPlans(t *testing.T) {
	want := []string{"handshake", "teardown", "time-wait", "half-close", "reset", "backlog", "concurrency", "long-short", "simultaneous",
		"listen-queue", "accept", "process-thread", "so-reuseaddr"}
	plans := demo.LessonPlans()
	if len(plans) != len(want) {
		t.Fatalf("%d lessons, want %v", len(plans), want)
	}
	path, err := demo.WriteLesson()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	for i, p := range plans {
		if p.Name != want[i] {
			t.Errorf("lesson %d is %q, want %q", i, p.Name, want[i])
		}
		if _, ok := demo.LookupLessonPlan(p.Name); !ok {
			t.Errorf("LookupLessonPlan(%q) fails", p.Name)
		}
		for _, name := range p.Scenarios {
			if _, ok := demo.Lookup(name); !ok {
				t.Errorf("lesson %s: no scenario %q", p.Name, name)
			}
			if !slices.Contains(demo.LessonScenarios, name) {
				t.Errorf("lesson %s: scenario %q is not in the built-in recording", p.Name, name)
			}
		}
		src, err := capture.OpenFileFiltered(path, p.Filter())
		if err != nil {
			t.Fatalf("lesson %s: filter %q: %v", p.Name, p.Filter(), err)
		}
		ports := map[uint16]bool{}
		for {
			seg, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ports[seg.Dst.Port()], ports[seg.Src.Port()] = true, true
		}
		src.Close()
		for _, name := range p.Scenarios {
			sc, _ := demo.Lookup(name)
			if !ports[sc.Base] {
				t.Errorf("lesson %s: the built-in recording has no packet of %s (port %d) under %q", p.Name, name, sc.Base, p.Filter())
			}
		}
	}
}

// TestWriteLessonOf: a lesson's own file holds exactly the packets its
// Filter keeps in the whole recording, in order, numbered from 1.
func TestWriteLessonOf(t *testing.T) {
	whole, err := demo.WriteLesson()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(whole)
	read := func(path, filter string) []fsm.Segment {
		src, err := capture.OpenFileFiltered(path, filter)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		var segs []fsm.Segment
		for {
			seg, err := src.Next()
			if err == io.EOF {
				return segs
			}
			if err != nil {
				t.Fatal(err)
			}
			seg.Payload = nil
			segs = append(segs, seg)
		}
	}
	for _, p := range demo.LessonPlans() {
		path, err := demo.WriteLessonOf(p)
		if err != nil {
			t.Fatal(err)
		}
		got, want := read(path, ""), read(whole, p.Filter())
		os.Remove(path)
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("lesson %s: %d segments, want %d (and some)", p.Name, len(got), len(want))
		}
		for i := range got {
			if got[i].Packet != uint64(i+1) {
				t.Errorf("lesson %s: segment %d is packet #%d, want #%d", p.Name, i, got[i].Packet, i+1)
				break
			}
			got[i].Packet = want[i].Packet
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("lesson %s: segment %d differs from the recording's:\n%+v\n%+v", p.Name, i, got[i], want[i])
				break
			}
		}
	}
}
