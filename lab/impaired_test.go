package lab

import (
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/fsm"
)

// TestImpairedCorpus compares synfin's corrected path of every endpoint
// in every capture of testdata/impaired (recorded by
// lab/cmd/record-impaired through the impairing relay; see its README)
// with the kernel's sock_diag truth, by the rules of Analyze: the kernel's
// observed path must be a subsequence of synfin's (polls miss states that
// last microseconds), the final states must be equal, and the timing
// rules hold (see Analyze). A disagreement passes only where synfin says
// the packets cannot tell: a note on that endpoint, and the disagreement
// lies on steps marked `assumed` (see covered). Every disagreement is
// listed with both paths; run with -v for the agreeing ones too.
func TestImpairedCorpus(t *testing.T) {
	dir := filepath.Join("..", "testdata", "impaired")
	as, truths, err := AnalyzeDir(dir, fsm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(truths) == 0 {
		t.Fatalf("no *.truth.json in %s", dir)
	}
	var endpoints, ok, accepted, bad int
	for _, a := range as {
		for _, e := range a.Endpoints {
			endpoints++
			switch {
			case e.OK:
				ok++
				t.Log(e.Format())
			case e.Accepted:
				accepted++
				t.Log(e.Format())
			default:
				bad++
				t.Error(e.Format())
			}
		}
		for _, n := range a.NotCaptured {
			t.Logf("%s: kernel socket of a connection the capture has no packet of: %s", a.Capture, n)
		}
	}
	t.Logf("%d scenarios, %d captures, %d endpoints: %d agree with the kernel, %d disagree where synfin said it could not tell, %d disagree",
		len(truths), len(as), endpoints, ok, accepted, bad)
}
