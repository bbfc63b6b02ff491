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
//
// A step's changes are found in conn.Transitions by their ordinals
// (Step.ChangesAt, which Session.ConnSteps sets); the changes of a step
// without them (made by hand) are matched to the first transition not
// yet matched with the same packet, endpoint, edge and reason.
func Corrected(conn *fsm.Conn, steps []session.Step) (out []session.Step, marks map[int][2]bool) {
	var affected [2]bool
	withdrawn := false
	for i := range conn.Transitions {
		if t := &conn.Transitions[i]; t.WithdrawnBy != 0 {
			withdrawn = true
			if t.Endpoint <= fsm.Server {
				affected[t.Endpoint] = true
			}
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
	if !withdrawn {
		if len(marks) == 0 {
			marks = nil
		}
		return steps, marks
	}
	before, _ := initial(steps)                 // the first change's From, per role
	used := make([]bool, len(conn.Transitions)) // on a step
	out = make([]session.Step, len(steps))
	for i := range steps {
		out[i] = steps[i]
		out[i].Changes = nil
		for k, c := range steps[i].Changes {
			o := ordinal(conn, &steps[i], k, used)
			if o >= 0 {
				used[o] = true
				if conn.Transitions[o].WithdrawnBy != 0 {
					continue
				}
			}
			out[i].Changes = append(out[i].Changes, c)
		}
	}
	// The corrected transitions no step carries yet go to the step of
	// their packet (a timer's to the timer step at its time), else to the
	// last step before it.
	for o, t := range conn.Transitions {
		if t.WithdrawnBy != 0 || used[o] {
			continue
		}
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

// ordinal returns the index in conn.Transitions of change k of st, or -1
// if it is not there: from st.ChangesAt, or else the first transition not
// used yet with the change's packet, endpoint, edge and reason.
func ordinal(conn *fsm.Conn, st *session.Step, k int, used []bool) int {
	if st.ChangesAt > 0 {
		if o := st.ChangesAt - 1 + k; o < len(conn.Transitions) {
			return o
		}
		return -1
	}
	c := &st.Changes[k]
	for o := range conn.Transitions {
		t := &conn.Transitions[o]
		if !used[o] && t.Packet == c.Packet && t.Endpoint == c.Endpoint && t.From == c.From && t.To == c.To && t.Reason == c.Reason {
			return o
		}
	}
	return -1
}
