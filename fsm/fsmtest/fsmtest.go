// Package fsmtest holds the checks that every output of the tracker must
// pass, shared by fsm's own tests and by the tests that feed it real
// captures (which fsm itself cannot read: it imports only the standard
// library). It is imported by tests only.
package fsmtest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/synfin/synfin/fsm"
)

// Run feeds segs to a new tracker and returns every connection it ended,
// in order of ID. It checks the event stream as it goes: every transition
// event is a legal edge leaving the state the endpoint was in, and every
// revision event's New state is where the next transition of that
// endpoint starts; and after every call, folding each connection's events
// (fsm.History) gives what its Conn says (Histories).
func Run(t testing.TB, segs []fsm.Segment, cfg fsm.Config) []*fsm.Conn {
	t.Helper()
	tr := fsm.NewTracker(cfg)
	var out []*fsm.Conn
	state := map[*fsm.Conn]*[2]fsm.State{}
	hs := NewHistories(cfg)
	check := func(evs []fsm.Event) {
		for _, err := range hs.Check(evs) {
			t.Error(err)
		}
		for _, ev := range evs {
			st := state[ev.Conn]
			if st == nil {
				st = &[2]fsm.State{}
				*st = ev.States
				state[ev.Conn] = st
			}
			switch ev.Kind {
			case fsm.KindTransition:
				if !fsm.Legal(ev.Old, ev.New) {
					t.Errorf("conn %d packet %d: %s %s -> %s (%s) is not an edge", ev.Conn.ID, ev.Packet, ev.Endpoint, ev.Old, ev.New, ev.Reason)
				}
				if ev.Confidence == 0 {
					t.Errorf("conn %d packet %d: %s -> %s has no confidence", ev.Conn.ID, ev.Packet, ev.Old, ev.New)
				}
			case fsm.KindRevision:
				if ev.Revision == nil || len(ev.Revision.Believed) == 0 || ev.Revision.CorrectedBy != ev.Packet {
					t.Errorf("conn %d packet %d: malformed revision %+v", ev.Conn.ID, ev.Packet, ev.Revision)
				}
			case fsm.KindEnd:
				out = append(out, ev.Conn)
			}
			*st = ev.States
		}
	}
	for _, s := range segs {
		check(tr.Observe(s))
	}
	check(tr.Flush())
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CheckPaths checks that each connection's corrected path (Conn.Path) is
// made of edges of the table and chains per endpoint (each transition
// leaves the state the previous one reached), and that withdrawn
// transitions are exactly those the revisions name.
func CheckPaths(conns []*fsm.Conn) []error {
	var errs []error
	for _, c := range conns {
		var at [2]fsm.State
		var seen [2]bool
		for _, tr := range c.Path() {
			if !fsm.Legal(tr.From, tr.To) {
				errs = append(errs, fmt.Errorf("conn %d packet %d: %s %s -> %s (%s) is not an edge", c.ID, tr.Packet, tr.Endpoint, tr.From, tr.To, tr.Reason))
			}
			if seen[tr.Endpoint] && tr.From != at[tr.Endpoint] {
				errs = append(errs, fmt.Errorf("conn %d packet %d: %s leaves %s but was in %s", c.ID, tr.Packet, tr.Endpoint, tr.From, at[tr.Endpoint]))
			}
			if tr.Confidence == 0 {
				errs = append(errs, fmt.Errorf("conn %d packet %d: %s -> %s has no confidence", c.ID, tr.Packet, tr.From, tr.To))
			}
			seen[tr.Endpoint], at[tr.Endpoint] = true, tr.To
		}
		for r := fsm.Client; r <= fsm.Server; r++ {
			if seen[r] && at[r] != c.State[r] {
				errs = append(errs, fmt.Errorf("conn %d: %s's path ends in %s, its state is %s", c.ID, r, at[r], c.State[r]))
			}
		}
		withdrawn := 0
		for _, tr := range c.Transitions {
			if tr.WithdrawnBy != 0 {
				withdrawn++
			}
		}
		believed := 0
		for _, rv := range c.Revisions {
			believed += len(rv.Believed)
		}
		if withdrawn != believed {
			errs = append(errs, fmt.Errorf("conn %d: %d transitions withdrawn, revisions list %d", c.ID, withdrawn, believed))
		}
	}
	return errs
}
