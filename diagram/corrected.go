package diagram

import (
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
)

// Corrected returns steps redrawn along conn's corrected path (observer
// v2, Conn.Path): the transitions a later packet withdrew are dropped from
// their steps, corrected transitions not yet on a step are put on the step
// of their packet, and the states of each endpoint whose path was
// corrected are recomputed from what stands. marks says, by step Index,
// which roles a step corrected (it carries a revision for them, or a
// corrected transition was placed on it). With nothing withdrawn, steps
// are returned as they are. steps is never modified.
func Corrected(conn *fsm.Conn, steps []session.Step) (out []session.Step, marks map[int][2]bool) {
	type key struct {
		pkt      uint64
		who      fsm.Role
		from, to fsm.State
		reason   fsm.Reason
	}
	keyOf := func(t *fsm.Transition) key { return key{t.Packet, t.Endpoint, t.From, t.To, t.Reason} }
	withdrawn := map[key]int{}
	standing := map[key]int{}
	var affected [2]bool
	for i := range conn.Transitions {
		t := &conn.Transitions[i]
		if t.WithdrawnBy != 0 {
			withdrawn[keyOf(t)]++
			if t.Endpoint <= fsm.Server {
				affected[t.Endpoint] = true
			}
		} else {
			standing[keyOf(t)]++
		}
	}
	marks = map[int][2]bool{}
	mark := func(i int, r fsm.Role) {
		if r <= fsm.Server {
			m := marks[i]
			m[r] = true
			marks[i] = m
		}
	}
	for i := range steps {
		for _, rv := range steps[i].Revisions {
			mark(steps[i].Index, rv.Endpoint)
		}
	}
	if len(withdrawn) == 0 {
		if len(marks) == 0 {
			marks = nil
		}
		return steps, marks
	}
	before, _ := initial(steps) // the first change's From, per role
	out = make([]session.Step, len(steps))
	for i := range steps {
		out[i] = steps[i]
		out[i].Changes = nil
		for _, c := range steps[i].Changes {
			k := keyOf(&c)
			switch {
			case withdrawn[k] > 0:
				withdrawn[k]--
				continue
			case standing[k] > 0:
				standing[k]--
			}
			out[i].Changes = append(out[i].Changes, c)
		}
	}
	// The corrected transitions no step carries yet go to the step of
	// their packet (a timer's to the timer step at its time), else to the
	// last step before it.
	for _, t := range conn.Path() {
		k := keyOf(&t)
		if standing[k] == 0 {
			continue
		}
		standing[k]--
		at := -1
		for i := range out {
			s := &out[i]
			if t.Packet == 0 && s.Timer() && s.Time.Equal(t.Time) || t.Packet != 0 && s.Packet == t.Packet {
				at = i
				break
			}
			if t.Packet != 0 && s.Packet != 0 && s.Packet < t.Packet || t.Packet == 0 && !s.Time.After(t.Time) {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		out[at].Changes = append(out[at].Changes, t)
		mark(out[at].Index, t.Endpoint)
		if t.Endpoint <= fsm.Server {
			affected[t.Endpoint] = true
		}
	}
	for r := fsm.Client; r <= fsm.Server; r++ {
		if !affected[r] {
			continue
		}
		st := before[r]
		for i := range out {
			for _, c := range out[i].Changes {
				if c.Endpoint == r {
					st = c.To
				}
			}
			out[i].States[r] = st
		}
	}
	return out, marks
}
