package capturetest

import (
	"errors"
	"io"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// EachSegment reads the capture at path to its end and calls fn with
// every segment, in order; it fails tb on any error but the end of the
// file, and returns the source's counters.
func EachSegment(tb testing.TB, path string, fn func(fsm.Segment)) capture.Stats {
	tb.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	for {
		seg, err := src.Next()
		if errors.Is(err, io.EOF) {
			return src.Stats()
		}
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		fn(seg)
	}
}
