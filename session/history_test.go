package session_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/fsm/fsmtest"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestChangesAt: every step ConnSteps returns says where its changes are
// in the connection's transitions (Step.ChangesAt, ViewAt), and they are there:
// on every capture, as the TUI runs the tracker (freezing) and with the
// oldest steps dropped.
func TestChangesAt(t *testing.T) {
	type run struct {
		name string
		s    *session.Session
	}
	var runs []run
	for _, path := range rereadCaptures(t) {
		src, err := capture.OpenFile(path)
		if err != nil {
			continue // not a capture synfin reads (the error tests' files)
		}
		s := session.New(session.Config{FSM: fsm.Config{Freeze: true}})
		s.Run(context.Background(), memOnly{src}, session.RunOptions{})
		src.Close()
		runs = append(runs, run{path, s})
	}
	s := session.New(session.Config{MaxSteps: 4096})
	s.Run(context.Background(), &sessiontest.Source{Segs: sessiontest.Many(3000)}, session.RunOptions{})
	runs = append(runs, run{"sessiontest.Many, 4096 steps kept", s})
	placed := 0
	for _, r := range runs {
		s := r.s
		last := s.Len() - 1
		ids, _ := s.Match(session.ConnFilter{}, 0)
		for _, id := range ids {
			c, ok := s.ViewAt(id, last)
			if !ok {
				continue
			}
			for _, st := range s.ConnSteps(id, last, math.MaxInt) {
				if len(st.Changes) == 0 {
					continue
				}
				if st.ChangesAt <= 0 || st.ChangesAt-1+len(st.Changes) > len(c.Transitions) {
					t.Fatalf("%s: connection %d, step %d: ChangesAt %d for %d changes of %d transitions", r.name, id, st.Index, st.ChangesAt, len(st.Changes), len(c.Transitions))
				}
				for k, ch := range st.Changes {
					tr := c.Transitions[st.ChangesAt-1+k]
					tr.Confidence, tr.WithdrawnBy, ch.Confidence = 0, 0, 0 // as of now, not of the step
					if tr != ch {
						t.Fatalf("%s: connection %d, step %d: change %d is %+v, transition %d %+v", r.name, id, st.Index, k, ch, st.ChangesAt-1+k, tr)
					}
					placed++
				}
			}
		}
	}
	if placed < 1000 {
		t.Errorf("only %d changes placed", placed)
	}
}

// TestHistoryFoldsCaptures: on every capture, folding each connection's
// events (fsm.History) gives what its Conn says after every call, as the
// TUI runs the tracker (freezing every idle connection before every
// segment).
func TestHistoryFoldsCaptures(t *testing.T) {
	cfg := fsm.Config{Freeze: true, FreezeIdle: 1}
	files, _ := filepath.Glob("../testdata/*/*.pcap")
	corpus, _ := filepath.Glob("../../shared/corpus/pcaps/*.pcap*")
	files = append(files, corpus...)
	if len(files) < 20 {
		t.Fatalf("%d captures", len(files))
	}
	for _, path := range files {
		tr := fsm.NewTracker(cfg)
		hs := fsmtest.NewHistories(cfg)
		check := func(evs []fsm.Event) {
			for _, err := range hs.Check(evs) {
				t.Errorf("%s: %v", path, err)
			}
		}
		capturetest.EachSegment(t, path, func(g fsm.Segment) { check(tr.Observe(g)) })
		check(tr.Flush())
	}
}
