package fsm_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/fsm/fsmtest"
)

// TestHistoryFoldsScripts runs every script, as the tracker is configured
// by it and again freezing every connection before every segment, and
// checks after every call that folding each connection's events
// (fsm.History) gives what its Conn says: the events are the complete
// record of a connection's public history.
func TestHistoryFoldsScripts(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.seg")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	confidences := 0
	for _, path := range paths {
		sc := parseScript(t, path)
		frozen := sc.cfg
		frozen.Freeze, frozen.FreezeIdle = true, 1
		for _, cfg := range []fsm.Config{sc.cfg, frozen} {
			name := strings.TrimSuffix(filepath.Base(path), ".seg")
			if cfg.Freeze {
				name += "/freeze"
			}
			tr := fsm.NewTracker(cfg)
			hs := fsmtest.NewHistories(cfg)
			check := func(evs []fsm.Event) {
				for _, ev := range evs {
					if ev.Kind == fsm.KindConfidence {
						confidences++
					}
				}
				for _, err := range hs.Check(evs) {
					t.Errorf("%s: %v", name, err)
				}
			}
			for _, l := range sc.segs {
				if l.advance {
					check(tr.Advance(l.seg.Time))
				} else {
					check(tr.Observe(l.seg))
				}
			}
			check(tr.Flush())
		}
	}
	if confidences == 0 {
		t.Error("no script changed a confidence: the check proves nothing about KindConfidence")
	}
}

// TestHistoryRejectsAGap checks that Apply refuses events that do not
// follow from what it holds, so that a gap in the record cannot pass.
func TestHistoryRejectsAGap(t *testing.T) {
	c := &fsm.Conn{ID: 1}
	var h fsm.History
	if err := h.Apply(fsm.Event{Kind: fsm.KindTransition, Conn: c, Ordinal: 1, Old: fsm.Closed, New: fsm.SynSent}); err == nil {
		t.Error("a transition with ordinal 1 applied to an empty history")
	}
	if err := h.Apply(fsm.Event{Kind: fsm.KindConfidence, Conn: c, Ordinal: 0, Was: fsm.Inferred, Confidence: fsm.Seen}); err == nil {
		t.Error("a confidence change of a transition the history lacks applied")
	}
	if err := h.Apply(fsm.Event{Kind: fsm.KindNote, Conn: &fsm.Conn{ID: 2}}); err == nil {
		t.Error("an event of conn 2 applied to the history of conn 1")
	}
	if err := h.Apply(fsm.Event{Kind: fsm.KindTransition, Conn: c, Ordinal: 0, Old: fsm.Closed, New: fsm.SynSent, Confidence: fsm.Seen}); err != nil {
		t.Fatal(err)
	}
	rv := &fsm.Revision{Endpoint: fsm.Client, Believed: []fsm.State{fsm.Established}, Withdrawn: []int{0}}
	if err := h.Apply(fsm.Event{Kind: fsm.KindRevision, Conn: c, Revision: rv}); err == nil {
		t.Error("a revision withdrawing a transition to ESTABLISHED applied to one to SYN_SENT")
	}
}
