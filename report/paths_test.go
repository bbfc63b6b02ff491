package report_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/fsm/fsmtest"
)

// TestCapturePathsAreEdges runs every capture the project holds and every
// capture of the public corpus (when present beside the repository)
// through the tracker and checks, with fsmtest, that every connection's
// corrected path is made of edges of RFC 9293's diagram and chains per
// endpoint (issue 7: no transition outside the edge table in any output).
func TestCapturePathsAreEdges(t *testing.T) {
	var files []string
	for _, pat := range []string{"../testdata/*/*.pcap", "../testdata/*/*.pcapng", "../testdata/*/*/*.pcap", "../testdata/*/*/*.pcapng",
		"../../shared/corpus/pcaps/*.pcap", "../../shared/corpus/pcaps/*.pcapng"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no captures under ../testdata")
	}
	conns, transitions := 0, 0
	for _, path := range files {
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			continue
		}
		segs := readSegments(t, path)
		cs := fsmtest.Run(t, segs, fsm.Config{})
		for _, err := range fsmtest.CheckPaths(cs) {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
		conns += len(cs)
		for _, c := range cs {
			transitions += len(c.Path())
		}
	}
	t.Logf("%d captures, %d connections, %d transitions checked", len(files), conns, transitions)
}

func readSegments(t *testing.T, path string) []fsm.Segment {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer src.Close()
	var out []fsm.Segment
	for {
		seg, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Logf("%s: read stopped: %v", filepath.Base(path), err)
			break
		}
		seg.Payload = nil
		out = append(out, seg)
	}
	return out
}
