package session

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/synfin/synfin/fsm"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
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
			r := s.conn(id)
			if r == nil {
				continue
			}
			if got := s.transitions(r, r.fz.ntr()); !reflect.DeepEqual(got, w) {
				t.Fatalf("%s: connection %d: transitions\n got %+v\nwant %+v", name, id, got, w)
			}
		}
		var n, cks int
		for id, es := range want {
			r := s.conn(id)
			if r == nil {
				continue // dropped
			}
			cks += len(r.cks())
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
		s.onCommit = func(id uint64, e ent) { want[id] = append(want[id], e) }
		segs := sessiontest.Many(3000)
		src := &sessiontest.Source{Segs: segs}
		s.Run(context.Background(), src, RunOptions{})
		check("sessiontest.Many", s, want, endedTransitions(func(fn func(fsm.Segment)) {
			for _, g := range segs {
				fn(g)
			}
		}))
		if max == 0 {
			for _, f := range files {
				src, err := capture.OpenFile(f)
				if err != nil {
					t.Fatal(err)
				}
				s := New(Config{})
				want := map[uint64][]ent{}
				s.onCommit = func(id uint64, e ent) { want[id] = append(want[id], e) }
				t.Cleanup(func() { src.Close() })
				s.Run(context.Background(), src, RunOptions{Reread: true})
				check(filepath.Base(f), s, want, endedTransitions(func(fn func(fsm.Segment)) { capturetest.EachSegment(t, f, fn) }))
			}
		}
	}
}

// endedTransitions feeds the segments each gives to a tracker of its
// own, as the session's is made, and returns every connection's
// transitions as it ended: what the session's copy must hold once the
// tracker let go of it.
func endedTransitions(each func(func(fsm.Segment))) map[uint64][]fsm.Transition {
	tr := fsm.NewTracker(fsm.Config{})
	trs := map[uint64][]fsm.Transition{}
	keep := func(evs []fsm.Event) {
		for _, ev := range evs {
			if ev.Kind == fsm.KindEnd {
				trs[ev.Conn.ID] = slices.Clone(ev.Conn.Transitions)
			}
		}
	}
	each(func(g fsm.Segment) { keep(tr.Observe(g)) })
	keep(tr.Flush())
	return trs
}

// TestOpenCopy: what ConnAt shows of a connection the tracker still
// follows, at its latest step, is its Conn as the tracker has it after
// the segment (the session reads a copy made at each step, never the
// *Conn itself, which fsm.Config.Freeze may freeze and reuse).
func TestOpenCopy(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.pcap")
	corpus, _ := filepath.Glob("../../shared/corpus/pcaps/*.pcap*")
	files = append(files, corpus...)
	var checked int
	for _, f := range files {
		src, err := capture.OpenFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := New(Config{})
		// A tracker beside the session's, fed the same segments: its
		// Conns after each segment are what the session must show.
		tr := fsm.NewTracker(fsm.Config{})
		var want []fsm.Conn
		for {
			seg, err := src.Next()
			if err != nil {
				break
			}
			want = want[:0]
			for _, ev := range tr.Observe(seg) {
				if c := ev.Conn; ev.Kind != fsm.KindEnd {
					want = append(want, fsm.Conn{ID: c.ID, Client: c.Client, Server: c.Server, VLAN: c.VLAN, JoinedLate: c.JoinedLate,
						FirstPacket: c.FirstPacket, FirstTime: c.FirstTime, Packets: c.Packets, Bytes: c.Bytes,
						Transitions: slices.Clone(c.Transitions), Notes: slices.Clone(c.Notes)})
				}
			}
			s.Observe(seg)
			for _, w := range want {
				got, ok := s.ConnAt(w.ID, s.Len()-1)
				if !ok {
					t.Fatalf("%s: connection %d not found", f, w.ID)
				}
				got = fsm.Conn{ID: got.ID, Client: got.Client, Server: got.Server, VLAN: got.VLAN, JoinedLate: got.JoinedLate,
					FirstPacket: got.FirstPacket, FirstTime: got.FirstTime, Packets: got.Packets, Bytes: got.Bytes,
					Transitions: got.Transitions, Notes: got.Notes}
				if len(got.Transitions) == 0 {
					got.Transitions = nil
				}
				if len(got.Notes) == 0 {
					got.Notes = nil
				}
				if len(w.Transitions) == 0 {
					w.Transitions = nil
				}
				if len(w.Notes) == 0 {
					w.Notes = nil
				}
				if !reflect.DeepEqual(got, w) {
					t.Fatalf("%s: packet %d: connection %d\n got %+v\nwant %+v", f, seg.Packet, w.ID, got, w)
				}
				checked++
			}
		}
		src.Close()
	}
	t.Logf("%d connection states checked", checked)
	if checked < 1000 {
		t.Errorf("only %d checked", checked)
	}
}
