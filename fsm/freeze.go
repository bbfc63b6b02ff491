package fsm

import (
	"hash/maphash"
	"math"
	"time"
)

// Freezing (Config.Freeze). A connection that only waits (a TIME_WAIT
// waiting for its 2MSL, an established connection with nothing to say)
// costs a Conn of about 1 KB, its transitions (64 bytes each), notes and
// Zeek history: about 2 KB, which made the tracker's memory grow with
// every connection of a capture that a summary only prints at the end.
// With Freeze on, the tracker turns a connection idle for freezeIdle
// segments into a record: a string of varints holding every field of the
// Conn (sequence numbers relative to the ISNs, times relative to the
// first packet's, reasons as indexes into a table), about 200 bytes for
// a connection in TIME_WAIT. The record is decoded into a new Conn,
// equal to the old one field for field (TestFreezeRoundTrip), when the
// connection's next segment arrives (thawKey), when one of its timers
// comes due (timerConn), or when Flush ends it.
//
// Timers name a connection by its slot, not by pointer, so that freezing
// does not touch the timer queues: their order, and so the point in the
// segment stream where a timer fires, is the same frozen or not. A slot
// lives from newConn to end; its generation tells a stale timer (of a
// connection that ended, whose slot another one took) from a live one.
//
// Records are made only by the tracker, from its own connections: the
// decoder never sees bytes from outside (no capture byte reaches it but
// through the fields the tracker computed), so it trusts them.
//
// What is never frozen: a connection with a prev (the old connection on
// its 4-tuple that still takes segments), a prev itself (it is not in
// the map), and one whose fields the record cannot hold exactly (an IPv6
// zone, a time with a monotonic reading, times too far apart for int64
// nanoseconds): those stay live, which costs memory, never correctness.

// slot is where a connection not yet ended lives: c when live, rec when
// frozen.
type slot struct {
	c    *Conn
	rec  string
	gen  uint32 // bumped when the connection ends (31 bits are used)
	hash uint32 // frozen: the hash of its key (freezer.tab's probe)
}

// defaultFreezeIdle is Config.FreezeIdle's default: every 1,024
// segments (or twice as many as connections are live, if more), the
// connections idle for 4,096 segments or more are frozen. A connection
// that takes turns with fewer than 4,096 others is never frozen (the long
// shape: 2,000 connections in round robin); when more take turns, sweep
// raises the idleness. The connections live at any time are those that
// had a segment in the last 5,120 segments or so.
const defaultFreezeIdle = 4096

// maxFreezeIdle bounds how far the default idleness grows when frozen
// connections keep coming back (see sweep).
const maxFreezeIdle = 1 << 20

// freezer is the tracker's store of frozen connections.
type freezer struct {
	now   uint64 // segments observed (Freeze only): the clock of idleness
	every uint64 // sweep every so many segments (at least)
	froze uint64 // connections the last sweep froze
	next  uint64 // now at the next sweep
	idle  uint64 // freeze connections idle for so many
	adapt bool   // idle is the default: sweep may raise it
	// thawed counts thaws by a segment since the last sweep, thawedTotal
	// all of them (tests read it).
	thawed, thawedTotal uint64
	n                   int // frozen connections
	// tab finds a frozen connection by its key: open addressing with
	// linear probing (see tabEntry) from slot.hash, a power of two
	// long. 4 bytes an entry instead of a map slot's 60 to 110 for a
	// 40-byte key.
	tab   []uint32
	tombs int // deleted entries in tab
	seed  maphash.Seed
	// Tables shared by the records: reasons and time locations by index.
	reasons  []Reason
	reasonIx map[Reason]uint32
	// reasonHot caches reasonIndex by the address of a reason's bytes.
	reasonHot [64]reasonHit
	locs      []*time.Location
	epoch     time.Time // the first connection's first time: the others' are relative to it
	buf       []byte    // the encoder's scratch
	// pool holds Conns the tracker froze, for reuse: a Conn and its
	// transitions are about 1.7 KB that need not become garbage.
	pool []*Conn
}

// reasonHit is a reason's index, by the address and length of its bytes.
type reasonHit struct {
	p *byte
	n int
	i uint32
}

// maxPool bounds freezer.pool: a sweep freezes at most about
// sweepEvery/2 connections that newConn and thaw then take back.
const maxPool = 1024

// newConnStruct returns an empty Conn with room for an open's
// transitions: one the tracker froze, when it has one (Freeze's
// contract lets it), else a new one.
func (t *Tracker) newConnStruct() *Conn {
	f := &t.frz
	if n := len(f.pool); n > 0 {
		c := f.pool[n-1]
		f.pool[n-1] = nil
		f.pool = f.pool[:n-1]
		tr := c.Transitions[:0]
		*c = Conn{Transitions: tr}
		return c
	}
	return &Conn{Transitions: make([]Transition, 0, openTransitions)}
}

func (f *freezer) init(cfg Config) {
	idle := cfg.FreezeIdle
	if idle <= 0 {
		idle, f.adapt = defaultFreezeIdle, true
	}
	f.idle, f.every = uint64(idle), uint64(max(1, idle/4))
	f.next = f.every
	f.seed = maphash.MakeSeed()
	f.reasonIx = map[Reason]uint32{}
}

// takeSlot gives c a slot.
func (t *Tracker) takeSlot(c *Conn) {
	var i uint32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
	} else {
		i = uint32(len(t.slots))
		t.slots = append(t.slots, slot{})
	}
	t.slots[i].c = c
	c.slot = i
}

// freeSlot gives back the slot of c, which ended.
func (t *Tracker) freeSlot(c *Conn) {
	s := &t.slots[c.slot]
	if s.c != c {
		return
	}
	s.c = nil
	s.gen = (s.gen + 1) & (math.MaxUint32 >> 1)
	t.free = append(t.free, c.slot)
}

// timer returns a timer due at at for endpoint r of c.
func (t *Tracker) timer(at int64, c *Conn, r Role) timer {
	return timer{at: at, slot: c.slot, tag: t.slots[c.slot].gen<<1 | uint32(r&1)}
}

// timerConn returns the connection tm was set for, thawed if it was
// frozen, or nil if it ended.
func (t *Tracker) timerConn(tm timer) *Conn {
	s := &t.slots[tm.slot]
	if s.gen != tm.tag>>1 {
		return nil
	}
	if s.c == nil {
		return t.thaw(tm.slot)
	}
	return s.c
}

// tick counts a segment and sweeps when it is time.
func (t *Tracker) tick() {
	f := &t.frz
	f.now++
	if f.now >= f.next {
		t.sweep()
	}
}

// sweep freezes the connections idle long enough.
func (t *Tracker) sweep() {
	f := &t.frz
	// Connections that come back soon after they were frozen (more
	// segments thawed one since the last sweep than half the number it
	// froze: more than idle connections take turns) are not waiting:
	// wait longer before freezing, or every turn would pay a freeze and
	// a thaw.
	if f.adapt && f.thawed*2 > f.froze && f.froze > 0 && f.idle < maxFreezeIdle {
		f.idle *= 2
		f.every = f.idle / 4
	}
	f.thawed, f.froze = 0, 0
	defer func() {
		// A sweep visits every live connection: with many live ones
		// that are not idle (the long shape: 2,000 taking turns), sweep
		// less often, so that a segment pays at most half a visit.
		f.next = f.now + max(f.every, uint64(2*len(t.conns)))
		if !f.adapt {
			f.next = f.now + f.every
		}
	}()
	for key, c := range t.conns {
		if c.prev != nil || f.now-c.touched < f.idle || c.slot >= maxFrozen {
			continue
		}
		rec, ok := t.encode(c)
		if !ok {
			c.touched = f.now // try again after another idle period
			continue
		}
		delete(t.conns, key)
		t.cacheGen++
		if len(f.pool) < maxPool {
			f.pool = append(f.pool, c) // the reader let it go with the last call's events
		}
		i := c.slot
		s := &t.slots[i]
		s.c, s.rec, s.hash = nil, rec, t.hashKey(key)
		t.frzInsert(i)
		f.froze++
	}
}

func (t *Tracker) hashKey(k connKey) uint32 {
	return uint32(maphash.Comparable(t.frz.seed, k))
}

// The table's entries: 0 is empty, tombstone a deleted entry that
// probes go past, anything else a frozen slot plus one in the low 24
// bits and the top 8 bits of its hash (a tag), so that a probe reads
// slots only when the tag matches: a new connection's lookup (a miss)
// stays within the table, a few contiguous words.
const (
	tombstone = math.MaxUint32
	maxFrozen = 1<<24 - 2 // slots from here on are never frozen
)

func tabEntry(i, h uint32) uint32 { return i + 1 | h>>24<<24 }

// frzInsert adds slot i (frozen, hash set) to the table.
func (t *Tracker) frzInsert(i uint32) {
	f := &t.frz
	if (f.n+f.tombs+1)*4 > len(f.tab)*3 {
		t.frzRehash()
	}
	h := t.slots[i].hash
	mask := uint32(len(f.tab) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		switch f.tab[p] {
		case tombstone:
			f.tombs--
			fallthrough
		case 0:
			f.tab[p] = tabEntry(i, h)
			f.n++
			return
		}
	}
}

// frzRehash rebuilds the table without its tombstones: twice as large
// when the frozen connections fill half of it or more, else as large.
func (t *Tracker) frzRehash() {
	f := &t.frz
	old := f.tab
	size := max(1024, len(old))
	if (f.n+1)*2 > size {
		size *= 2
	}
	f.tab, f.tombs = make([]uint32, size), 0
	mask := uint32(size - 1)
	for _, e := range old {
		if e == 0 || e == tombstone {
			continue
		}
		for p := t.slots[e&(1<<24-1)-1].hash & mask; ; p = (p + 1) & mask {
			if f.tab[p] == 0 {
				f.tab[p] = e
				break
			}
		}
	}
}

// frzDelete removes slot i from the table.
func (t *Tracker) frzDelete(i uint32) {
	f := &t.frz
	h := t.slots[i].hash
	want, mask := tabEntry(i, h), uint32(len(f.tab)-1)
	p := h & mask
	for f.tab[p] != want {
		p = (p + 1) & mask
	}
	f.tab[p] = tombstone
	f.n--
	f.tombs++
}

// thawKey thaws the frozen connection on key, if there is one.
func (t *Tracker) thawKey(key connKey) *Conn {
	f := &t.frz
	h := t.hashKey(key)
	tag, mask := h>>24<<24, uint32(len(f.tab)-1)
	for p := h & mask; ; p = (p + 1) & mask {
		e := f.tab[p]
		if e == 0 {
			return nil
		}
		if e == tombstone || e>>24<<24 != tag {
			continue
		}
		i := e&(1<<24-1) - 1
		if s := &t.slots[i]; s.hash == h && recordKey(s.rec) == key {
			f.thawed++
			f.thawedTotal++
			return t.thaw(i)
		}
	}
}

// thaw turns the record in slot i back into a live connection.
func (t *Tracker) thaw(i uint32) *Conn {
	s := &t.slots[i]
	c := t.decode(s.rec)
	c.slot, c.touched = i, t.frz.now
	t.frzDelete(i)
	s.c, s.rec = c, ""
	t.conns[c.key()] = c
	return c
}
