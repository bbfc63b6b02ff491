package report_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// TestFlushBatchesMatchesFlush checks that the tracker's batched Flush,
// which summary uses, reports exactly what Flush reports, on every capture
// of testdata/ and the public corpus (if present).
func TestFlushBatchesMatchesFlush(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/scenarios/*.pcap")
	more, _ := filepath.Glob("../../shared/corpus/pcaps/*.pcap*")
	paths = append(paths, more...)
	if len(paths) == 0 {
		t.Fatal("no captures found under ../testdata/scenarios")
	}
	for _, path := range paths {
		var whole, batched []string
		describe := func(evs []fsm.Event, out *[]string) {
			for _, ev := range evs {
				*out = append(*out, fmt.Sprintf("%v %d %v %v %v %v %s %d %v", ev.Kind, ev.Conn.ID, ev.Time, ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Packet, ev.States))
			}
		}
		for _, n := range []int{0, 1, 2, 3, 64} {
			src, err := capture.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tr := fsm.NewTracker(fsm.Config{})
			for {
				seg, err := src.Next()
				if err != nil {
					if err != io.EOF {
						t.Logf("%s: read stopped: %v", filepath.Base(path), err)
					}
					break
				}
				tr.Observe(seg)
			}
			src.Close()
			if n == 0 {
				describe(tr.Flush(), &whole)
				continue
			}
			batched = batched[:0]
			calls := 0
			tr.FlushBatches(n, func(evs []fsm.Event) {
				calls++
				ends := 0
				for _, ev := range evs {
					if ev.Kind == fsm.KindEnd {
						ends++
					}
				}
				if ends == 0 || ends > n {
					t.Errorf("%s: a batch of %d ended connections, want 1 to %d", filepath.Base(path), ends, n)
				}
				describe(evs, &batched)
			})
			if fmt.Sprint(batched) != fmt.Sprint(whole) {
				t.Errorf("%s: FlushBatches(%d) reported\n%v\nFlush reported\n%v", filepath.Base(path), n, batched, whole)
			}
			if tr.Open() != 0 {
				t.Errorf("%s: %d connections still open after FlushBatches", filepath.Base(path), tr.Open())
			}
		}
	}
}
