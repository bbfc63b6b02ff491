package fsm

import (
	"cmp"
	"slices"
)

// FlushBatches is Flush delivered in batches: it ends every connection
// still tracked, in order of ID, and calls fn with the events of at most n
// connections at a time (KindEnd, preceded by any final notes), so that a
// caller can write them out as they come instead of holding one event per
// open connection. The slice passed to fn is reused after fn returns. The
// events are exactly Flush's (TestFlushBatchesMatchesFlush).
func (t *Tracker) FlushBatches(n int, fn func([]Event)) {
	if n < 1 {
		n = 1
	}
	open := t.openConns()
	t.evs = t.evs[:0]
	for i, c := range open {
		t.end(c)
		open[i] = nil // let the writer's copy be the last reference
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

// openConns lists every connection still tracked, with a superseded one
// (prev) not yet ended, in order of ID: the order Flush and FlushBatches
// end them in.
func (t *Tracker) openConns() []*Conn {
	open := make([]*Conn, 0, len(t.conns))
	for _, c := range t.conns {
		if c.prev != nil && !c.prev.done {
			open = append(open, c.prev)
		}
		open = append(open, c)
	}
	slices.SortFunc(open, func(a, b *Conn) int { return cmp.Compare(a.ID, b.ID) })
	return open
}
