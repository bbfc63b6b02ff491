package fsm

import "slices"

// Hindsight (observer v2): a later packet can show that transitions the
// observer recorded never happened. revise withdraws them; the helpers
// find the transitions a rule talks about, and confirm upgrades one that
// an endpoint's own segment later shows.

// revise withdraws the standing transitions of r from index i on: the
// packet being processed shows they never happened. r goes back to the
// state before c.Transitions[i]; the caller then applies the corrected
// transitions with set. It reports a KindRevision event whose Old is the
// state believed until now and New the state the corrected path resumes
// from.
func (t *Tracker) revise(c *Conn, r Role, i int, why Reason) {
	if i < 0 || i >= len(c.Transitions) {
		return
	}
	base := c.Transitions[i].From
	var believed []State
	var withdrawn []int
	for j := i; j < len(c.Transitions); j++ {
		tr := &c.Transitions[j]
		if tr.Endpoint != r || tr.WithdrawnBy != 0 {
			continue
		}
		tr.WithdrawnBy = t.cur.Packet
		believed = append(believed, tr.To)
		withdrawn = append(withdrawn, j)
	}
	if len(believed) == 0 {
		return
	}
	old := c.State[r]
	c.State[r] = base
	// What the withdrawn transitions had taken in is given back.
	p := &c.ep[r.Peer()]
	if p.finTaken && !c.tookFIN(r) {
		p.finTaken = false
	}
	rv := &Revision{Packet: c.Transitions[i].Packet, Endpoint: r, Believed: believed, Withdrawn: withdrawn, CorrectedBy: t.cur.Packet, Reason: why}
	c.Revisions = append(c.Revisions, *rv)
	t.evs = append(t.evs, t.cur)
	ev := &t.evs[len(t.evs)-1]
	ev.Kind = KindRevision
	ev.Conn = c
	ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Confidence = r, old, base, why, 0
	ev.Ordinal = withdrawn[0]
	ev.Revision = rv
	ev.States = c.State
}

// standing returns the index of the last transition of r that stands and
// satisfies ok, or -1.
func (c *Conn) standing(r Role, ok func(*Transition) bool) int {
	for i := len(c.Transitions) - 1; i >= 0; i-- {
		tr := &c.Transitions[i]
		if tr.Endpoint == r && tr.WithdrawnBy == 0 && ok(tr) {
			return i
		}
	}
	return -1
}

// byReason returns the index of the last standing transition of r made
// for one of the reasons, or -1.
func (c *Conn) byReason(r Role, why ...Reason) int {
	return c.standing(r, func(tr *Transition) bool { return slices.Contains(why, tr.Reason) })
}

// finReasons are the transitions an endpoint makes on taking its peer's
// FIN (§3.10.7.4, eighth check).
var finReasons = []Reason{ReasonFinReceived, ReasonSimultaneousClose, ReasonFinAndAck, ReasonFinInFinWait2}

// tookFIN reports whether a standing transition of r took its peer's FIN.
func (c *Conn) tookFIN(r Role) bool { return c.byReason(r, finReasons...) >= 0 }

// confirm upgrades to Seen the last standing transition of r made for one
// of the reasons, if it was only Inferred: r's own segment now shows it
// (its ACK covers the FIN or SYN it took).
func (t *Tracker) confirm(c *Conn, r Role, why ...Reason) {
	if i := c.byReason(r, why...); i >= 0 && c.Transitions[i].Confidence == Inferred {
		t.setConfidence(c, i, Seen, CauseOwnSegment)
	}
}

// setConfidence changes how transition i of c is known, for cause why,
// and reports it (KindConfidence). It is the only place a recorded
// transition's confidence changes.
func (t *Tracker) setConfidence(c *Conn, i int, to Confidence, why Cause) {
	tr := &c.Transitions[i]
	was := tr.Confidence
	if was == to {
		return
	}
	tr.Confidence = to
	t.evs = append(t.evs, t.cur)
	ev := &t.evs[len(t.evs)-1]
	ev.Kind = KindConfidence
	ev.Conn = c
	ev.Endpoint, ev.Old, ev.New, ev.Reason = tr.Endpoint, tr.From, tr.To, tr.Reason
	ev.Ordinal, ev.Was, ev.Confidence, ev.Cause = i, was, to, why
	ev.Revision = nil
	ev.States = c.State
}

// firstByReason returns the index of the first standing transition of r
// made for one of the reasons, or -1.
func (c *Conn) firstByReason(r Role, why ...Reason) int {
	for i := range c.Transitions {
		tr := &c.Transitions[i]
		if tr.Endpoint == r && tr.WithdrawnBy == 0 && slices.Contains(why, tr.Reason) {
			return i
		}
	}
	return -1
}

// Stands reports whether tr, a transition as an event or a session step
// reported it when its packet was seen, is still part of the corrected
// path, or was withdrawn later (then by is the packet that showed it
// wrong). Exports that draw from steps use it to draw Conn.Path.
func (c *Conn) Stands(tr Transition) (ok bool, by uint64) {
	for i := range c.Transitions {
		t := &c.Transitions[i]
		if t.Packet == tr.Packet && t.Endpoint == tr.Endpoint && t.From == tr.From && t.To == tr.To && t.Reason == tr.Reason {
			if t.WithdrawnBy == 0 {
				return true, 0
			}
			by = t.WithdrawnBy
		}
	}
	return by == 0, by
}
