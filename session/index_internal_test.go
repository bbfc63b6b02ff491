package session

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/synfin/synfin/fsm"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestIndexDerived checks the per-connection index against every entry
// as it was committed: entAt, from the last checkpoint and the steps
// after it, must give each one back, with all steps kept and with the
// oldest dropped (MaxSteps 4096).
func TestIndexDerived(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.pcap")
	corpus, _ := filepath.Glob("../../shared/corpus/pcaps/*.pcap*")
	files = append(files, corpus...)
	if len(files) < 20 {
		t.Fatalf("%d captures", len(files))
	}
	check := func(name string, s *Session, want map[uint64][]ent, trs map[uint64][]fsm.Transition) {
		t.Helper()
		for id, w := range trs {
			r := s.conns[id]
			if r == nil || r.fz == nil {
				continue
			}
			if got := s.transitions(r, r.fz.ntr()); !reflect.DeepEqual(got, w) {
				t.Fatalf("%s: connection %d: transitions\n got %+v\nwant %+v", name, id, got, w)
			}
		}
		var n, cks int
		for id, es := range want {
			r := s.conns[id]
			if r == nil {
				continue // dropped
			}
			cks += len(r.cks)
			for k := range r.steps {
				st := r.stepAt(k)
				var w *ent
				for i := range es {
					if es[i].step == st {
						w = &es[i]
					}
				}
				if w == nil {
					t.Fatalf("%s: connection %d: step %d not committed", name, id, st)
				}
				if got := s.entAt(r, k); got != *w {
					t.Fatalf("%s: connection %d, step %d:\n got %+v\nwant %+v", name, id, st, got, *w)
				}
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: nothing checked", name)
		}
		t.Logf("%s: %d entries from %d checkpoints", name, n, cks)
	}
	for _, max := range []int{0, chunkSize} {
		s := New(Config{MaxSteps: max})
		want := map[uint64][]ent{}
		s.shadow = func(id uint64, e ent) { want[id] = append(want[id], e) }
		trs := map[uint64][]fsm.Transition{}
		s.shadowFz = func(id uint64, t []fsm.Transition) { trs[id] = t }
		src := &sessiontest.Source{Segs: sessiontest.Many(3000)}
		s.Run(context.Background(), src, RunOptions{})
		check("sessiontest.Many", s, want, trs)
		if max == 0 {
			for _, f := range files {
				src, err := capture.OpenFile(f)
				if err != nil {
					t.Fatal(err)
				}
				s := New(Config{})
				want := map[uint64][]ent{}
				s.shadow = func(id uint64, e ent) { want[id] = append(want[id], e) }
				trs := map[uint64][]fsm.Transition{}
				s.shadowFz = func(id uint64, t []fsm.Transition) { trs[id] = t }
				t.Cleanup(func() { src.Close() })
				s.Run(context.Background(), src, RunOptions{Reread: true})
				check(filepath.Base(f), s, want, trs)
			}
		}
	}
}
