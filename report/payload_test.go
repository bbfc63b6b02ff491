package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/report"
)

// TestSummaryHistoryKeepsCutPayloads checks that summary, whose reader
// drops payload bytes, gives every connection of the corpus and testdata
// the Zeek history and conn_state the tracker gives it with the payloads
// kept: a payload the snaplen cut is no data for Zeek's reassembler (the
// G and g letters), so what the reader drops must not hide the cut.
func TestSummaryHistoryKeepsCutPayloads(t *testing.T) {
	dir := corpusDir(t)
	var files []string
	for _, g := range []string{filepath.Join(dir, "pcaps", "*.pcap*"), filepath.Join("..", "testdata", "*", "*.pcap")} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d captures found", len(files))
	}
	for _, f := range files {
		src, err := capture.OpenFile(f)
		if err != nil {
			continue // the damaged ones: nothing to compare
		}
		var out bytes.Buffer
		_, _ = report.Run(src, &out, report.Options{Format: "json"})
		src.Close()
		want := map[uint64]*fsm.Conn{}
		for _, c := range track(t, f) {
			want[c.ID] = c
		}
		dec := json.NewDecoder(&out)
		n := 0
		for ; dec.More(); n++ {
			var rec report.Conn
			if err := dec.Decode(&rec); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			c := want[rec.ID]
			if c == nil {
				t.Fatalf("%s: summary's connection %d is not the tracker's", f, rec.ID)
			}
			if rec.History != c.History() || rec.ConnState != c.ConnState() {
				t.Errorf("%s: connection %d: summary %s %s, tracker with payloads %s %s",
					filepath.Base(f), rec.ID, rec.History, rec.ConnState, c.History(), c.ConnState())
			}
		}
		if n != len(want) {
			t.Errorf("%s: summary wrote %d connections, the tracker ended %d", f, n, len(want))
		}
	}
}
