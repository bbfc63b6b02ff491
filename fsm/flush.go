package fsm

import (
	"cmp"
	"slices"
)

// FlushBatches is Flush delivered in batches: it ends every connection
// still tracked, in order of ID, and calls fn with the events of at most n
// connections at a time (KindEnd, preceded by any final notes), so that a
// caller can write them out as they come instead of holding one event per
// open connection. Frozen connections (Config.Freeze) are thawed one at a
// time as their turn comes. The slice passed to fn is reused after fn
// returns. The events are exactly Flush's (TestFlushBatchesMatchesFlush).
func (t *Tracker) FlushBatches(n int, fn func([]Event)) {
	if n < 1 {
		n = 1
	}
	open := t.openConns()
	t.evs = t.evs[:0]
	for i, o := range open {
		if c := t.slotConn(o.slot); c != nil {
			t.end(c)
		}
		if (i+1)%n == 0 {
			fn(t.evs)
			clear(t.evs)
			t.evs = t.evs[:0]
		}
	}
	t.tw.reset()
	t.linger.reset()
	if len(t.evs) > 0 {
		fn(t.evs)
		clear(t.evs)
		t.evs = t.evs[:0]
	}
}

// openConn is a connection not yet ended: its ID and its slot.
type openConn struct {
	id   uint64
	slot uint32
}

// openConns lists every connection still tracked (live, frozen, or a
// superseded prev not yet ended), in order of ID: the order Flush and
// FlushBatches end them in.
func (t *Tracker) openConns() []openConn {
	open := make([]openConn, 0, len(t.conns)+t.frz.n)
	for i, s := range t.slots {
		switch {
		case s.c != nil:
			open = append(open, openConn{s.c.ID, uint32(i)})
		case s.rec != "":
			open = append(open, openConn{recordID(s.rec), uint32(i)})
		}
	}
	slices.SortFunc(open, func(a, b openConn) int { return cmp.Compare(a.id, b.id) })
	return open
}

// slotConn returns the connection in slot i, thawed if it was frozen,
// or nil if the slot is free (its connection ended with a later one).
func (t *Tracker) slotConn(i uint32) *Conn {
	s := &t.slots[i]
	if s.c == nil && s.rec != "" {
		return t.thaw(i)
	}
	return s.c
}
