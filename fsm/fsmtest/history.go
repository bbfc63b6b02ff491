package fsmtest

import (
	"fmt"
	"reflect"

	"github.com/synfin/synfin/fsm"
)

// Histories folds a tracker's events per connection (fsm.History) and
// checks, after every call of the tracker, that each fold equals what the
// connection's live Conn says: its states, transitions with their current
// confidence and WithdrawnBy, revisions and notes. It is the property
// that makes the events a complete record: a reader that folds them
// never needs to read a *Conn.
type Histories struct {
	freeze bool
	h      map[uint64]*fsm.History
	// live holds the Conn of every connection not yet ended, to compare
	// those the call had no event for too (without Config.Freeze only:
	// with it, a Conn is good only until the next call).
	live map[uint64]*fsm.Conn
}

// allLive bounds the connections compared after a call that had no event
// for them: beyond, only those of the call are (the check would be
// quadratic on a capture of many connections).
const allLive = 64

// NewHistories returns a checker for a tracker made with cfg.
func NewHistories(cfg fsm.Config) *Histories {
	return &Histories{freeze: cfg.Freeze, h: map[uint64]*fsm.History{}, live: map[uint64]*fsm.Conn{}}
}

// Check folds evs, the result of one call to Observe, Advance or Flush,
// and compares the folds with the Conns.
func (hs *Histories) Check(evs []fsm.Event) []error {
	var errs []error
	batch := map[uint64]*fsm.Conn{}
	var order []uint64
	for _, ev := range evs {
		if ev.Conn == nil {
			continue
		}
		id := ev.Conn.ID
		h := hs.h[id]
		if h == nil {
			h = &fsm.History{}
			hs.h[id] = h
		}
		if err := h.Apply(ev); err != nil {
			errs = append(errs, err)
		}
		if _, ok := batch[id]; !ok {
			order = append(order, id)
		}
		batch[id] = ev.Conn
		if ev.Kind == fsm.KindEnd {
			delete(hs.live, id)
		} else if !hs.freeze {
			hs.live[id] = ev.Conn
		}
	}
	for _, id := range order {
		errs = append(errs, Compare(hs.h[id], batch[id])...)
	}
	if !hs.freeze && len(hs.live) <= allLive {
		for id, c := range hs.live {
			if _, ok := batch[id]; !ok {
				errs = append(errs, Compare(hs.h[id], c)...)
			}
		}
	}
	for id, h := range hs.h {
		if h.Ended {
			delete(hs.h, id)
		}
	}
	return errs
}

// Compare reports how h differs from c's public history.
func Compare(h *fsm.History, c *fsm.Conn) []error {
	var errs []error
	bad := func(what string, got, want any) {
		errs = append(errs, fmt.Errorf("conn %d (last packet %d): the fold's %s is %v, the Conn's %v", c.ID, c.LastPacket, what, got, want))
	}
	if h.State != c.State {
		bad("states", h.State, c.State)
	}
	if len(h.Transitions) != len(c.Transitions) {
		bad("transitions", h.Transitions, c.Transitions)
	} else {
		for i := range h.Transitions {
			if g, w := h.Transitions[i], c.Transitions[i]; g != w {
				bad(fmt.Sprintf("transition %d", i), g, w)
			}
		}
	}
	if len(h.Revisions) != len(c.Revisions) {
		bad("revisions", h.Revisions, c.Revisions)
	} else {
		for i := range h.Revisions {
			if g, w := h.Revisions[i], c.Revisions[i]; !reflect.DeepEqual(g, w) {
				bad(fmt.Sprintf("revision %d", i), g, w)
			}
		}
	}
	if len(h.Notes) != len(c.Notes) || len(h.Notes) > 0 && !reflect.DeepEqual(h.Notes, c.Notes) {
		bad("notes", h.Notes, c.Notes)
	}
	return errs
}
