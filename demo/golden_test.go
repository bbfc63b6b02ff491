package demo_test

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/internal/golden"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/report"
)

const scenarioDir = "../testdata/scenarios"

// recorded lists the scenarios that have a recording: all but stress.
func recorded() []demo.Scenario {
	var out []demo.Scenario
	for _, s := range demo.Scenarios() {
		if s.Name != "stress" {
			out = append(out, s)
		}
	}
	return out
}

func openRecording(t *testing.T, name string) (string, *capture.FileSource) {
	t.Helper()
	path := filepath.Join(scenarioDir, name+".pcap")
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatalf("%v (re-record with: sh testdata/scenarios/record.sh)", err)
	}
	t.Cleanup(func() { src.Close() })
	return path, src
}

// TestRecordingsGolden checks <name>.json = synfin summary -r <name>.pcap
// --format json for every recorded scenario.
func TestRecordingsGolden(t *testing.T) {
	for _, sc := range recorded() {
		t.Run(sc.Name, func(t *testing.T) {
			path, src := openRecording(t, sc.Name)
			var got bytes.Buffer
			if _, err := report.Run(src, &got, report.Options{Format: "json", Name: path}); err != nil {
				t.Fatalf("report: %v", err)
			}
			golden.Check(t, filepath.Join(scenarioDir, sc.Name+".json"), got.Bytes())
		})
	}
}

// TestRecordingsAgreeWithKernel replays each recording through the fsm
// and compares, at each checkpoint, with the kernel's view saved when it
// was recorded.
func TestRecordingsAgreeWithKernel(t *testing.T) {
	for _, sc := range recorded() {
		t.Run(sc.Name, func(t *testing.T) {
			_, src := openRecording(t, sc.Name)
			segs := readAll(t, src)
			kv, err := demo.ReadKernelView(filepath.Join(scenarioDir, sc.Name+".kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			baseline, cps, err := kv.Parts()
			if err != nil {
				t.Fatal(err)
			}
			if len(cps) == 0 {
				t.Fatal("the kernel view has no checkpoint")
			}
			cmp := demo.Compare(segs, cps, baseline, fsm.Config{})
			if !cmp.OK() {
				t.Errorf("kernel and fsm disagree:\n%s", cmp.Table(0))
			}
			checkExpect(t, sc.Name, cmp)
		})
	}
}

// TestRecordingsShowCrossings: the simultaneous scenarios' recordings
// really hold crossing SYNs and crossing FINs.
func TestRecordingsShowCrossings(t *testing.T) {
	_, src := openRecording(t, "simultaneous-open")
	if !demo.SYNsCrossed(readAll(t, src)) {
		t.Error("simultaneous-open.pcap: no SYN+ACK from each side: the SYNs did not cross")
	}
	_, src = openRecording(t, "simultaneous-close")
	segs := readAll(t, src)
	if len(segs) == 0 {
		t.Fatal("simultaneous-close.pcap is empty")
	}
	if crossed, complete := demo.FINsCrossed(segs, segs[0].Src.Port()); !crossed || !complete {
		t.Errorf("simultaneous-close.pcap: FINs crossed %v (both seen %v), want crossing", crossed, complete)
	}
}

func readAll(t *testing.T, src capture.Source) []fsm.Segment {
	t.Helper()
	var segs []fsm.Segment
	for {
		s, err := src.Next()
		if errors.Is(err, io.EOF) {
			return segs
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Payload = nil
		segs = append(segs, s)
	}
}

// expectations: what the kernel must show for the newest connection at a
// checkpoint, so a scenario that stops doing what it says fails even when
// the fsm agrees with the kernel.
var expectations = map[string][]struct {
	label          string
	client, server fsm.State
}{
	"client-close":       {{"established", fsm.Established, fsm.Established}, {"client closed first", fsm.TimeWait, fsm.Closed}},
	"server-close":       {{"server closed first", fsm.CloseWait, fsm.FinWait2}, {"client closed too", fsm.Closed, fsm.TimeWait}},
	"refused":            {{"refused", fsm.Closed, fsm.Closed}},
	"abort":              {{"client aborted", fsm.Closed, fsm.Closed}},
	"unread-rst":         {{"reply unread", fsm.Established, fsm.Established}, {"client closed with unread data", fsm.Closed, fsm.Closed}},
	"half-close":         {{"client half-closed", fsm.FinWait2, fsm.CloseWait}, {"both closed", fsm.TimeWait, fsm.Closed}},
	"simultaneous-close": {{"FINs crossed", fsm.TimeWait, fsm.TimeWait}, {"sockets released", fsm.TimeWait, fsm.TimeWait}},
	"simultaneous-open":  {{"SYNs crossed", fsm.Established, fsm.Established}, {"A closed first", fsm.TimeWait, fsm.Closed}},
	"port-reuse":         {{"connection 1 closed, the fixed client port in TIME_WAIT", fsm.TimeWait, fsm.Closed}, {"connection 2 closed, the fixed client port in TIME_WAIT", fsm.TimeWait, fsm.Closed}},
	"long-connection":    {{"after the lines", fsm.Established, fsm.Established}, {"closed", fsm.TimeWait, fsm.Closed}},
	"short-connections":  {{"all closed", fsm.TimeWait, fsm.Closed}},
	"concurrent":         {{"all connected", fsm.Established, fsm.Established}, {"all closed", fsm.TimeWait, fsm.Closed}},
	"backlog":            {{"accept queue full, third SYN dropped", fsm.SynSent, fsm.Listen}, {"all served", fsm.TimeWait, fsm.Closed}},
	"reuseaddr":          {{"server stopped, its old connection in TIME_WAIT", fsm.Closed, fsm.TimeWait}, {"restarted with SO_REUSEADDR", fsm.TimeWait, fsm.Closed}},
	"teardown":           {{"client closed, server not yet", fsm.FinWait2, fsm.CloseWait}, {"server closed too", fsm.TimeWait, fsm.Closed}},
	"parent-copy":        {{"child closed and exited, the parent's copy open", fsm.FinWait2, fsm.CloseWait}, {"the parent closed its copy", fsm.TimeWait, fsm.Closed}},
}

func checkExpect(t *testing.T, scenario string, cmp *demo.Comparison) {
	t.Helper()
	for _, want := range expectations[scenario] {
		var got [2]fsm.State
		var newest uint64
		for _, r := range cmp.Rows {
			if r.Checkpoint == want.label && r.Conn >= newest && r.Conn > 0 {
				newest = r.Conn
				got[r.Role] = r.Kernel
			}
		}
		if newest == 0 {
			t.Errorf("checkpoint %q: no connection", want.label)
			continue
		}
		if got != [2]fsm.State{want.client, want.server} {
			t.Errorf("checkpoint %q, connection %d: kernel says client %v, server %v; the scenario should give %v, %v",
				want.label, newest, got[0], got[1], want.client, want.server)
		}
	}
}
