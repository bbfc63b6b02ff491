package capture_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// TestNextIntoMatchesNext reads every capture of capture/testdata (good,
// damaged and truncated ones) with Next and with NextInto into a Segment
// that still holds the previous one: the same segments with the same
// payload bytes, the same final error, the same counts, and the zero
// Segment once reading failed.
func TestNextIntoMatchesNext(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pcap*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata (%v)", err)
	}
	total := 0
	for _, f := range files {
		a, errA := capture.OpenFile(f)
		b, errB := capture.OpenFile(f)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%s: open: %v / %v", f, errA, errB)
		}
		if errA != nil {
			continue
		}
		var into fsm.Segment
		n := 0
		for {
			want, werr := a.Next()
			gerr := b.NextInto(&into)
			if werr != gerr && (werr == nil || gerr == nil || werr.Error() != gerr.Error()) {
				t.Fatalf("%s: segment %d: Next error %v, NextInto %v", f, n+1, werr, gerr)
			}
			if !reflect.DeepEqual(want, into) {
				t.Fatalf("%s: segment %d: Next\n%+v\nNextInto\n%+v", f, n+1, want, into)
			}
			if werr != nil {
				break
			}
			n++
		}
		if !reflect.DeepEqual(a.Stats(), b.Stats()) {
			t.Errorf("%s: stats %+v / %+v", f, a.Stats(), b.Stats())
		}
		a.Close()
		b.Close()
		total += n
	}
	if total == 0 {
		t.Fatal("no segment read at all")
	}
}
