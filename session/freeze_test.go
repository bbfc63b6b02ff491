package session_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
)

// TestFreezeChangesNothing: the TUI's session turns the tracker's Freeze
// on (synfin's sessionConfig). With every connection idle for one segment
// frozen, every capture must give the same steps and the same connections
// at every step as without freezing: the session never reads a tracker
// *Conn that freezing has killed.
func TestFreezeChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every capture twice")
	}
	files := 0
	for _, path := range rereadCaptures(t) {
		load := func(freeze bool) *session.Session {
			src, err := capture.OpenFile(path)
			if err != nil {
				return nil
			}
			defer src.Close()
			s := session.New(session.Config{FSM: fsm.Config{Freeze: freeze, FreezeIdle: 1}})
			t.Cleanup(func() { s.Close() })
			s.Run(context.Background(), memOnly{src}, session.RunOptions{})
			return s
		}
		plain := load(false)
		if plain == nil {
			continue // not a capture synfin reads (the error tests' files)
		}
		files++
		frozen := load(true)
		pi, fi := plain.Info(), frozen.Info()
		if pi.Steps != fi.Steps || pi.Conns != fi.Conns || pi.Open != fi.Open {
			t.Fatalf("%s: without freezing %+v, with %+v", path, pi, fi)
		}
		for i := 0; i < pi.Steps; i++ {
			a, _ := plain.Step(i)
			b, _ := frozen.Step(i)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: step %d:\nwithout freezing %+v\n            with %+v", path, i, a, b)
			}
			if id, same := sameConnsAt(plain, frozen, i); !same {
				t.Fatalf("%s: connection %d at step %d differs with freezing", path, id, i)
			}
		}
	}
	if files < 50 {
		t.Fatalf("compared %d captures, want the repository's", files)
	}
}
