package fsm

import "fmt"

// History is a connection's public history rebuilt from its events alone:
// what Conn says of it (State, Transitions with their current confidence
// and WithdrawnBy, Revisions, Notes), without a *Conn. A reader that
// folds a connection's events in order (Apply) knows at every event what
// the tracker's Conn says at that moment, so it never needs to read or
// diff a live Conn, which with Config.Freeze the tracker may freeze and
// reuse for another connection. The zero History is one before any event.
type History struct {
	ID uint64
	// State is the states of [Client] and [Server] after the last event
	// (a KindSegment's are those after all the events of its segment).
	State       [2]State
	Transitions []Transition
	Revisions   []Revision
	Notes       []Note // bounded as Conn.Notes is
	Ended       bool   // a KindEnd was applied
}

// Apply folds ev, an event of the connection (every event of it, in the
// order the tracker returned them), into h. The slices of ev.Revision are
// shared, not copied: the tracker never changes them. It reports an error
// when ev does not follow from what h holds (an ordinal out of turn, an
// event of another connection): the tracker's events are then not the
// complete record they promise to be.
func (h *History) Apply(ev Event) error {
	if ev.Conn != nil {
		if h.ID == 0 {
			h.ID = ev.Conn.ID
		} else if ev.Conn.ID != h.ID {
			return fmt.Errorf("fsm: event of conn %d applied to the history of conn %d", ev.Conn.ID, h.ID)
		}
	}
	switch ev.Kind {
	case KindTransition:
		if ev.Ordinal != len(h.Transitions) {
			return fmt.Errorf("fsm: conn %d packet %d: transition %d comes after %d", h.ID, ev.Packet, ev.Ordinal, len(h.Transitions))
		}
		h.Transitions = append(h.Transitions, Transition{Packet: ev.Packet, Time: ev.Time, Endpoint: ev.Endpoint,
			From: ev.Old, To: ev.New, Confidence: ev.Confidence, Reason: ev.Reason})
	case KindConfidence:
		if ev.Ordinal < 0 || ev.Ordinal >= len(h.Transitions) {
			return fmt.Errorf("fsm: conn %d packet %d: confidence of transition %d of %d", h.ID, ev.Packet, ev.Ordinal, len(h.Transitions))
		}
		tr := &h.Transitions[ev.Ordinal]
		if tr.Confidence != ev.Was {
			return fmt.Errorf("fsm: conn %d packet %d: transition %d was %s, the event says %s", h.ID, ev.Packet, ev.Ordinal, tr.Confidence, ev.Was)
		}
		tr.Confidence = ev.Confidence
	case KindRevision:
		rv := ev.Revision
		if rv == nil || len(rv.Withdrawn) != len(rv.Believed) || len(rv.Withdrawn) == 0 || rv.Withdrawn[0] != ev.Ordinal {
			return fmt.Errorf("fsm: conn %d packet %d: malformed revision %+v", h.ID, ev.Packet, rv)
		}
		for k, o := range rv.Withdrawn {
			if o < 0 || o >= len(h.Transitions) {
				return fmt.Errorf("fsm: conn %d packet %d: revision withdraws transition %d of %d", h.ID, ev.Packet, o, len(h.Transitions))
			}
			tr := &h.Transitions[o]
			if tr.WithdrawnBy != 0 || tr.Endpoint != rv.Endpoint || tr.To != rv.Believed[k] {
				return fmt.Errorf("fsm: conn %d packet %d: revision withdraws transition %d (%s -> %s of %s, withdrawn by %d)",
					h.ID, ev.Packet, o, tr.From, tr.To, tr.Endpoint, tr.WithdrawnBy)
			}
			tr.WithdrawnBy = rv.CorrectedBy
		}
		h.Revisions = append(h.Revisions, *rv)
	case KindNote:
		if len(h.Notes) < maxNotes {
			h.Notes = append(h.Notes, Note{Packet: ev.Packet, Endpoint: ev.Endpoint, Reason: ev.Reason})
		}
	case KindEnd:
		h.Ended = true
	}
	h.State = ev.States
	return nil
}

// Path returns the corrected path: the transitions that stand, in order
// (as Conn.Path).
func (h *History) Path() []Transition {
	c := Conn{Transitions: h.Transitions}
	return c.Path()
}
