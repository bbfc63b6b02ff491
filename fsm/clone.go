package fsm

import (
	"maps"
	"time"
)

// Clone returns a deep copy of the tracker: its connections (with their
// transitions, revisions, notes and Zeek history), its timers and its
// configuration. Fed the same segments, the copy reports the same events
// as the original (TestCloneReportsTheSame), and neither changes the
// other. A player keeps clones as keyframes to rebuild any moment of a
// capture by replaying the packets that follow one.
//
// Frozen connections (Config.Freeze) stay frozen in the copy: their
// records are immutable and shared. Connections the tracker has let go
// of (KindEnd) are final and never written again; an event of the
// current call naming one keeps the original's pointer.
func (t *Tracker) Clone() *Tracker {
	n := &Tracker{
		cfg:    t.cfg,
		conns:  make(map[connKey]*Conn, len(t.conns)),
		nextID: t.nextID,
		slots:  make([]slot, len(t.slots)),
		free:   append([]uint32(nil), t.free...),
		frz:    t.frz,
	}
	n.frz.tab = append([]uint32(nil), t.frz.tab...)
	n.frz.reasons = append([]Reason(nil), t.frz.reasons...)
	n.frz.reasonIx = maps.Clone(t.frz.reasonIx)
	n.frz.locs = append([]*time.Location(nil), t.frz.locs...)
	n.frz.buf = nil
	n.frz.pool = nil // its Conns are the original's to reuse
	copies := make(map[*Conn]*Conn, len(t.conns))
	var dup func(c *Conn) *Conn
	dup = func(c *Conn) *Conn {
		if c == nil {
			return nil
		}
		if d, ok := copies[c]; ok {
			return d
		}
		if c.done {
			return c
		}
		d := c.clone()
		copies[c] = d
		d.prev = dup(c.prev)
		return d
	}
	for i, s := range t.slots {
		s.c = dup(s.c)
		n.slots[i] = s
	}
	for k, c := range t.conns {
		n.conns[k] = dup(c)
	}
	n.tw = t.tw.clone()
	n.linger = t.linger.clone()
	n.cur = t.cur
	n.cur.Conn = dup(t.cur.Conn)
	n.cur.Revision = nil // set only on the events of one call
	return n
}

// clone copies c and every slice it owns; the caller sets prev.
func (c *Conn) clone() *Conn {
	d := *c
	d.Transitions = append(make([]Transition, 0, cap(c.Transitions)), c.Transitions...)
	d.Notes = append([]Note(nil), c.Notes...)
	if c.Revisions != nil {
		d.Revisions = make([]Revision, len(c.Revisions))
		for i, r := range c.Revisions {
			r.Believed = append([]State(nil), r.Believed...)
			r.Withdrawn = append([]int(nil), r.Withdrawn...)
			d.Revisions[i] = r
		}
	}
	d.zeek.history = append([]byte(nil), c.zeek.history...)
	for r := range d.zeek.ep {
		// These are rewritten in place: each copy needs its own.
		d.zeek.ep[r].reasm.blocks = append([]zBlock(nil), c.zeek.ep[r].reasm.blocks...)
		d.ep[r].ooo = append([]seqRange(nil), c.ep[r].ooo...)
	}
	return &d
}

func (q *timerQueue) clone() timerQueue {
	return timerQueue{q: append([]timer(nil), q.q[q.head:]...)}
}
