package report_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/report"
)

// TestRunRecyclesOnlyWrittenConns: summary hands written connections back
// to the tracker for reuse while it goes on tracking and flushing. On
// captures with thousands of connections ending during the file and at
// its end, Run's JSON must equal each connection formatted straight from
// a plain tracker (no freezing, no reuse) as it ended. Under -race (CI's
// short race run includes it) a connection reused while the writer still
// reads it is also a data race.
func TestRunRecyclesOnlyWrittenConns(t *testing.T) {
	dir := t.TempDir()
	for _, sh := range []capturetest.Shape{
		// Resets end after the linger (2 s) while the file goes on, the
		// connections left open at the end are flushed.
		{Name: "resetopen", Conns: 4000, Concurrent: 8, Gap: time.Millisecond, Script: capturetest.ShapeResetOpen.Script},
		// All wait in TIME_WAIT to the end: thawed and written in batches.
		{Name: "timewait", Conns: 4000, Concurrent: 8, Gap: 10 * time.Microsecond, Script: capturetest.ShapeTimeWait.Script},
	} {
		path := filepath.Join(dir, sh.Name+".pcap")
		if err := capturetest.WriteShape(path, sh); err != nil {
			t.Fatal(err)
		}
		var want []byte
		tr := fsm.NewTracker(fsm.Config{})
		ended := func(evs []fsm.Event) {
			for _, ev := range evs {
				if ev.Kind == fsm.KindEnd {
					want = report.AppendJSON(want, ev.Conn)
				}
			}
		}
		capturetest.EachSegment(t, path, func(seg fsm.Segment) { ended(tr.Observe(seg)) })
		ended(tr.Flush())

		src, err := capture.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		res, err := report.Run(src, &got, report.Options{Format: "json"})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.Conns != uint64(sh.Conns) || !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: Run wrote %d connections (%d bytes) unlike the plain tracker's %d (%d bytes)",
				sh.Name, res.Conns, got.Len(), sh.Conns, len(want))
		}
	}
}
