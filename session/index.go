package session

import (
	"math"
	"sort"

	"github.com/synfin/synfin/fsm"
)

// A connection's index: the Index of each of its steps, and entries
// (ent) at checkpoints from which any other is derived.

// ent is one step in a connection's index, with what the connection
// looked like after it (kept even when the step itself is dropped).
type ent struct {
	step   int // its time is the step's (or connRec.lastT once dropped)
	bytes  [2]uint64
	pkts   [2]uint32
	ntr    uint32 // len(Conn.Transitions) after the step
	nnotes uint32 // len(Conn.Notes) after the step
	hist   uint16 // len(Conn.History()) after the step
	states [2]fsm.State
}

// connIx is what a connection's index holds beyond its steps, which
// most short connections do without (32 bytes: what only connections
// whose steps were dropped need is in fz.rare).
type connIx struct {
	cks  []ent // checkpoints, by step; none at steps[0] if derive gives it from ent{}
	tail *ent  // the entry at the last step, while the tracker follows it, once tailAfter steps from a checkpoint
}

// cks returns r's checkpoints.
func (r *connRec) cks() []ent {
	if r.ix == nil {
		return nil
	}
	return r.ix.cks
}

// tail returns r's kept latest entry, or nil.
func (r *connRec) tail() *ent {
	if r.ix == nil {
		return nil
	}
	return r.ix.tail
}

// ixOf returns r.ix, made if need be.
func (r *connRec) ixOf() *connIx {
	if r.ix == nil {
		r.ix = new(connIx)
	}
	return r.ix
}

// first returns the Index of r's first step, kept or not.
func (r *connRec) first() int {
	if rr := r.fz.rare; rr != nil && rr.rebased {
		return rr.first
	}
	return r.base
}

// tailAfter is how many steps past its last checkpoint an open
// connection's entry is derived at each of its steps (entAt) before it
// keeps it (connRec.tail, 48 bytes): short connections never do.
const tailAfter = 8

// gone is connRec.ended of a connection dropped with its steps (bounded
// memory), left out of the list.
const gone = math.MinInt

// ckEvery bounds the steps entAt walks from a checkpoint.
const ckEvery = 32

// roomFor returns steps with room for one more: 2, 6, 12, 20, then half
// again as many (8, 24, 48, 80 bytes: size classes), where append would
// double (a 10-step connection's 64 bytes instead of 48).
func roomFor(steps []uint32) []uint32 {
	n := len(steps)
	if n < cap(steps) {
		return steps
	}
	var c int
	switch {
	case n < 2:
		c = 2
	case n < 6:
		c = 6
	case n < 12:
		c = 12
	case n < 20:
		c = 20
	default:
		c = n + n/2
	}
	return append(make([]uint32, 0, c), steps...)
}

// derive returns the entry after step rec given the entry e before it:
// a segment's own step counts one packet and its bytes for its sender,
// its history growth (dhist), and every step its changes and notes.
func derive(e ent, rec *stepRec, ch *chunk, idx int) ent {
	if rec.bits&recSeg != 0 {
		from := 0
		if rec.bits&recServer != 0 {
			from = 1
		}
		e.pkts[from]++
		e.bytes[from] += uint64(rec.len)
		e.hist += uint16(rec.dhist)
	}
	for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
		if d.note {
			e.nnotes++
		} else {
			e.ntr++
		}
	}
	e.states = rec.states
	e.step = idx
	return e
}

// stepAt returns the Index of the k-th step in r's index.
func (r *connRec) stepAt(k int) int { return r.base + int(r.steps[k]) }

// latest returns the position in r.steps of the latest step ≤ i, or -1.
func (r *connRec) latest(i int) int {
	return sort.Search(len(r.steps), func(k int) bool { return r.stepAt(k) > i }) - 1
}

// entAt returns the entry at position k of r's index: its last
// checkpoint at or before k (or the first step's entry, derived from
// ent{}), carried forward by derive.
func (s *Session) entAt(r *connRec, k int) ent {
	st := r.stepAt(k)
	cks := r.cks()
	j := sort.Search(len(cks), func(j int) bool { return cks[j].step > st }) - 1
	var e ent
	q := 0
	if j >= 0 {
		e = cks[j]
		if e.step == st {
			return e
		}
		q = r.latest(e.step) + 1
	} else {
		rec, ch := s.recLocked(r.stepAt(0))
		e = derive(ent{}, rec, ch, r.stepAt(0))
		if k == 0 {
			return e
		}
		q = 1
	}
	for ; q <= k; q++ {
		rec, ch := s.recLocked(r.stepAt(q))
		e = derive(e, rec, ch, r.stepAt(q))
	}
	return e
}

// rebase drops the index positions before k, e being the entry at k: it
// becomes the first checkpoint.
func (r *connRec) rebase(k int, e ent) {
	nb := r.stepAt(k)
	steps := make([]uint32, len(r.steps)-k, max(len(r.steps)-k, cap(r.steps)-k))
	for q := range steps {
		steps[q] = uint32(r.stepAt(k+q) - nb)
	}
	cks := []ent{e}
	for _, c := range r.cks() {
		if c.step > e.step {
			cks = append(cks, c)
		}
	}
	if rr := r.fz.rareOf(); !rr.rebased {
		rr.first, rr.rebased = r.base, true
	}
	r.base, r.steps, r.ixOf().cks = nb, steps, cks
	r.lastCk = max(r.lastCk-int32(k), 0)
}

// entTime returns the capture time of entry e of r (Unix nanoseconds).
func (s *Session) entTime(r *connRec, e *ent) int64 {
	if rec, ch := s.recLocked(e.step); rec != nil {
		return ch.tOf(rec, (e.step-s.base)%chunkSize)
	}
	if r.fz.rare == nil {
		return 0
	}
	return r.fz.rare.lastT
}
