package capturetest_test

import (
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
)

// TestShapes writes each shape scaled down and checks that the tracker
// ends every connection where the shape says: the client in TIME_WAIT
// (timewait, long), CLOSED after its RST or still ESTABLISHED (resetopen).
func TestShapes(t *testing.T) {
	for _, sh := range capturetest.Shapes {
		t.Run(sh.Name, func(t *testing.T) {
			sh.Conns = 21
			sh.Concurrent = min(sh.Concurrent, 5)
			path := filepath.Join(t.TempDir(), sh.Name+".pcap")
			if err := capturetest.WriteShape(path, sh); err != nil {
				t.Fatal(err)
			}
			tr := fsm.NewTracker(fsm.Config{})
			ended := map[uint64]fsm.Conn{}
			collect := func(evs []fsm.Event) {
				for _, ev := range evs {
					if ev.Kind == fsm.KindEnd {
						ended[ev.Conn.ID] = *ev.Conn
					}
				}
			}
			st := capturetest.EachSegment(t, path, func(seg fsm.Segment) { collect(tr.Observe(seg)) })
			collect(tr.Flush())
			if int(st.Segments) != sh.Packets() || st.Packets != st.Segments {
				t.Fatalf("%d packets, %d segments, want %d of each", st.Packets, st.Segments, sh.Packets())
			}
			if len(ended) != sh.Conns {
				t.Fatalf("%d connections, want %d", len(ended), sh.Conns)
			}
			for id, c := range ended {
				want := [2]fsm.State{fsm.TimeWait, fsm.Closed}
				if sh.Name == "resetopen" {
					want = [2]fsm.State{fsm.Established, fsm.Established}
					if id%2 == 1 { // IDs are 1-based: odd IDs are the even scripts, reset
						want = [2]fsm.State{fsm.Closed, fsm.Closed}
					}
				}
				if c.State != want || c.JoinedLate || len(c.Notes) != 0 {
					t.Errorf("connection %d: states %v, notes %v, joined late %v; want %v, no notes", id, c.State, c.NoteKeys(), c.JoinedLate, want)
				}
			}
		})
	}
}
