package session

import (
	"net/netip"
	"sort"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Reading back: steps, connections as of a step, the list's rows.

// Info returns counters about the whole session.
func (s *Session) Info() Info {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Info{
		Steps: s.n, First: s.base, Dropped: s.base, DropWhy: s.dropWhy, Keep: s.keep,
		Conns: len(s.order), Open: s.tr.Open(),
		Counts: s.counts, Done: s.done, Err: s.err, Reread: s.rereadErr(),
	}
}

func (s *Session) rereadErr() error {
	s.rrMu.Lock()
	defer s.rrMu.Unlock()
	return s.rrErr
}

// Len returns the number of steps ever recorded: valid indexes are
// [Info().First, Len()).
func (s *Session) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n
}

// First returns the Index of the oldest kept step.
func (s *Session) First() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.base
}

// ConnView is a connection as it was after a step, as the session keeps
// it (folded from the tracker's events): not the tracker's fsm.Conn,
// whose private state (sequence tracking, Zeek's) a copy cannot have.
// Transitions end at the step, with their confidence and WithdrawnBy as
// known now; the slices are shared and must not be modified.
type ConnView struct {
	ID                      uint64
	Client, Server          netip.AddrPort
	VLAN                    uint32
	JoinedLate              bool
	State                   [2]fsm.State // of [fsm.Client] and [fsm.Server] after the step
	FirstPacket, LastPacket uint64
	FirstTime, LastTime     time.Time
	Packets, Bytes          [2]uint64
	Transitions             []fsm.Transition
	Notes                   []fsm.Note
}

// Addr returns the address of the endpoint playing role r.
func (v *ConnView) Addr(r fsm.Role) netip.AddrPort {
	if r == fsm.Client {
		return v.Client
	}
	return v.Server
}

// Duration is the time from the first to the last packet.
func (v *ConnView) Duration() time.Duration { return v.LastTime.Sub(v.FirstTime) }

// Path returns the corrected path: the transitions that stand, in order.
func (v *ConnView) Path() []fsm.Transition {
	c := fsm.Conn{Transitions: v.Transitions}
	return c.Path()
}

// Conn returns v as an fsm.Conn, for code that takes one: its exported
// fields only (History, ConnState and ISN of the result are empty).
func (v *ConnView) Conn() fsm.Conn {
	return fsm.Conn{ID: v.ID, Client: v.Client, Server: v.Server, VLAN: v.VLAN, JoinedLate: v.JoinedLate,
		State: v.State, FirstPacket: v.FirstPacket, LastPacket: v.LastPacket, FirstTime: v.FirstTime, LastTime: v.LastTime,
		Packets: v.Packets, Bytes: v.Bytes, Transitions: v.Transitions, Notes: v.Notes}
}

// ConnAt returns connection id as it was after step i, as an fsm.Conn
// (ViewAt(id, i).Conn(), for the callers that take one): its states,
// counters, transitions and notes as of then. ok is false if the
// connection is unknown or had no step at or before i.
func (s *Session) ConnAt(id uint64, i int) (c fsm.Conn, ok bool) {
	v, ok := s.ViewAt(id, i)
	if !ok {
		return c, false
	}
	return v.Conn(), true
}

// ViewAt returns connection id as it was after step i: its states,
// counters, transitions and notes as of then. ok is false if the
// connection is unknown or had no step at or before i.
func (s *Session) ViewAt(id uint64, i int) (c ConnView, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil {
		return c, false
	}
	k := r.latest(i)
	if k < 0 {
		return c, false
	}
	e := s.entAt(r, k)
	fz := &r.fz
	c = ConnView{
		ID: r.id, Client: fz.client(), Server: fz.server(), VLAN: r.vlan,
		JoinedLate: fz.joinedLate(), FirstPacket: fz.firstPacket(), FirstTime: s.firstTime(fz),
	}
	ntr, nnotes := min(int(e.ntr), fz.ntr()), min(int(e.nnotes), len(fz.notes()))
	if ntr > 0 {
		c.Transitions = s.transitions(r, ntr)
	}
	if nnotes > 0 {
		c.Notes = fz.notes()[:nnotes:nnotes]
	}
	c.State = e.states
	c.Packets = [2]uint64{uint64(e.pkts[0]), uint64(e.pkts[1])}
	c.Bytes = e.bytes
	c.LastTime = time.Unix(0, s.entTime(r, &e)).In(c.FirstTime.Location())
	if rec, ch := s.recLocked(e.step); rec != nil && ch.packetOf(rec) != 0 {
		c.LastPacket = ch.packetOf(rec)
	}
	return c, true
}

// ConnSteps returns the kept steps of connection id with Index ≤ i, at
// most max of them (the latest), oldest first. The steps' slices are shared
// and must not be modified.
func (s *Session) ConnSteps(id uint64, i, max int) []Step {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil {
		return nil
	}
	end := r.latest(i) + 1
	start := max0(end - max)
	if start >= end {
		return nil
	}
	out := make([]Step, 0, end-start)
	for k := start; k < end; k++ {
		if st, ok := s.stepLocked(r.stepAt(k)); ok {
			out = append(out, st)
		}
	}
	s.setChangesAt(r, out)
	return out
}

// setChangesAt sets the ChangesAt of steps, some of r's in order: where
// their changes are in r's transitions. While they are its steps'
// changes (trAt), a step's first ordinal is the count of the changes of
// the steps before it; once kept themselves, each says its step.
func (s *Session) setChangesAt(r *connRec, steps []Step) {
	fz := &r.fz
	if fz.ntr() == 0 || len(steps) == 0 {
		return
	}
	lastIdx := steps[len(steps)-1].Index
	k := 0 // in steps
	next := func(idx, o int) {
		for k < len(steps) && steps[k].Index < idx {
			k++
		}
		if k < len(steps) && steps[k].Index == idx && len(steps[k].Changes) > 0 {
			steps[k].ChangesAt = o + 1
		}
	}
	if trs := fz.trs(); trs != nil {
		for o := range trs {
			st := trs[o].step
			if st > lastIdx {
				return
			}
			if st >= 0 && (o == 0 || trs[o-1].step != st) {
				next(st, o)
			}
		}
		return
	}
	var buf [atMax]uint32
	o := 0
	for _, p := range fz.trAt(&buf) {
		idx := r.stepAt(int(p))
		if idx > lastIdx {
			return
		}
		next(idx, o)
		rec, ch := s.recLocked(idx)
		if rec == nil {
			return
		}
		for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
			if !d.note {
				o++
			}
		}
	}
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// NextStep returns the index of the first step after i, of connection id
// (any connection when id is 0), or -1 if there is none yet.
func (s *Session) NextStep(i int, id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id == 0 {
		if i+1 < s.base {
			return s.base
		}
		if i+1 < s.n {
			return i + 1
		}
		return -1
	}
	r := s.conn(id)
	if r == nil {
		return -1
	}
	k := r.latest(i) + 1
	for ; k < len(r.steps); k++ {
		if st := r.stepAt(k); st >= s.base {
			return st
		}
	}
	return -1
}

// PrevStep returns the index of the last kept step before i, of connection
// id (any when 0), or -1.
func (s *Session) PrevStep(i int, id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id == 0 {
		if i-1 >= s.base && i-1 < s.n {
			return i - 1
		}
		if i-1 >= s.n && s.n > s.base {
			return s.n - 1
		}
		return -1
	}
	r := s.conn(id)
	if r == nil {
		return -1
	}
	k := r.latest(i - 1)
	if k >= 0 && r.stepAt(k) >= s.base {
		return r.stepAt(k)
	}
	return -1
}

// ConnSpan returns the first and last kept step of connection id, or
// -1, -1.
func (s *Session) ConnSpan(id uint64) (first, last int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil || len(r.steps) == 0 {
		return -1, -1
	}
	first, last = r.stepAt(0), r.stepAt(len(r.steps)-1)
	if first < s.base {
		first = s.base
	}
	if last < s.base {
		return -1, -1
	}
	return first, last
}

// Row is one line of the connection list: a connection as it was after a
// step.
type Row struct {
	ID             uint64
	Client, Server netip.AddrPort
	JoinedLate     bool
	States         [2]fsm.State // [fsm.Client], [fsm.Server]
	Packets        uint64
	Bytes          uint64
	Duration       time.Duration
	History        string // Zeek letters
	Ended          bool   // the tracker had let go of it after that step
}

// Visible returns how many connections had a step at or before step i:
// they are the first Visible(i) in order of first packet.
func (s *Session) Visible(i int) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sort.Search(len(s.order), func(k int) bool { return s.order[k].first() > i })
}

// RowAt returns the k-th connection (in order of first packet, 0-based)
// as it was after step i.
func (s *Session) RowAt(k, i int) (Row, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k < 0 || k >= len(s.order) {
		return Row{}, false
	}
	return s.rowLocked(s.order[k], i)
}

// RowOf returns connection id as it was after step i.
func (s *Session) RowOf(id uint64, i int) (Row, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil {
		return Row{}, false
	}
	return s.rowLocked(r, i)
}

func (s *Session) rowLocked(r *connRec, i int) (Row, bool) {
	k := r.latest(i)
	if k < 0 {
		return Row{}, false
	}
	ev := s.entAt(r, k)
	e := &ev
	row := Row{ID: r.id}
	var h string
	var first time.Time
	{
		fz := &r.fz
		row.Client, row.Server, row.JoinedLate = fz.client(), fz.server(), fz.joinedLate()
		h, first = s.history(fz), s.firstTime(fz)
	}
	if int(e.hist) < len(h) {
		h = h[:e.hist]
	}
	return Row{
		ID: row.ID, Client: row.Client, Server: row.Server, JoinedLate: row.JoinedLate,
		States:   e.states,
		Packets:  uint64(e.pkts[0]) + uint64(e.pkts[1]),
		Bytes:    e.bytes[0] + e.bytes[1],
		Duration: time.Duration(s.entTime(r, e) - first.UnixNano()),
		History:  h,
		Ended:    r.end != endOpen && r.end != endGone && r.ended() <= i,
	}, true
}

// IndexOf returns the position of connection id in order of first packet,
// or -1.
func (s *Session) IndexOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].id >= id })
	if k < len(s.order) && s.order[k].id == id {
		return k
	}
	return -1
}

// Match returns, in order of first packet, the IDs greater than after of
// connections whose client or server matches f (see ConnFilter), and the
// highest ID it looked at (after, if none), to pass as after next time.
func (s *Session) Match(f ConnFilter, after uint64) (ids []uint64, last uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].id > after })
	last = after
	for _, r := range s.order[k:] {
		if f.Match(r.client(), r.server()) {
			ids = append(ids, r.id)
		}
		last = r.id
	}
	return ids, last
}

// FirstStepOf returns the Index of the first step of connection id, or -1.
func (s *Session) FirstStepOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := s.conn(id); r != nil {
		return r.first()
	}
	return -1
}
