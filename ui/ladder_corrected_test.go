package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// TestLadderCorrectedAtCursor (observer v2, issue 7 item 2): in a capture
// with a revision, the ladder shows before the correcting packet what was
// believed then, and from the correcting packet on the corrected state,
// marked "*" (and the row's note says corrected, in both languages).
func TestLadderCorrectedAtCursor(t *testing.T) {
	src, err := capture.OpenFile(filepath.Join("..", "testdata", "impaired", "simultaneous-close.client.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := session.New(session.Config{})
	if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	last := s.Info().Steps - 1
	steps := s.ConnSteps(1, last, 400)
	k := -1
	for i := range steps {
		if len(steps[i].Revisions) > 0 {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("no step with a revision in simultaneous-close.client.pcap")
	}
	rv := steps[k].Revisions[0]
	believed := rv.Believed[0].String()
	l := NewLadder()
	for _, lang := range i18n.Langs() {
		for i := k - 1; i <= k; i++ {
			conn, ok := s.ConnAt(1, steps[i].Index)
			if !ok {
				t.Fatal("no connection 1")
			}
			l.SetConn(conn, steps[:i+1], i, lang)
			got := screenDump(t, l, 100, 30)
			got = got[:strings.Index(got, "--- styles")]
			corrected := lang.T(i18n.KeyLadderCorrected)
			if i < k {
				if !strings.Contains(got, believed) || strings.Contains(got, markCorrected) || strings.Contains(got, corrected) {
					t.Errorf("%v, before the correcting packet #%d: want %s as believed then, no correction:\n%s", lang, rv.CorrectedBy, believed, got)
				}
				continue
			}
			if !strings.Contains(got, markCorrected+" │") && !strings.Contains(got, markCorrected+"\n") && !strings.Contains(got, markCorrected+" ") {
				t.Errorf("%v, at the correcting packet #%d: no state marked %q:\n%s", lang, rv.CorrectedBy, markCorrected, got)
			}
			if !strings.Contains(got, corrected) {
				t.Errorf("%v, at the correcting packet: no %q note:\n%s", lang, corrected, got)
			}
			if rv.Endpoint == fsm.Server && strings.Contains(got, "│ "+believed) || rv.Endpoint == fsm.Client && strings.Contains(got, believed+" │") {
				t.Errorf("%v, at the correcting packet: the withdrawn %s is still drawn:\n%s", lang, believed, got)
			}
			t.Logf("%v:\n%s", lang, got)
		}
	}
}
