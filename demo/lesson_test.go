package demo_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
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
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n := 0
	var last int64
	for {
		seg, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ts := seg.Time.UnixNano(); ts < last {
			t.Fatalf("packet %d goes back in time", seg.Packet)
		} else {
			last = ts
		}
		n++
	}
	if n < 100 {
		t.Errorf("lesson holds %d segments, want the recordings' (more than 100)", n)
	}
}
