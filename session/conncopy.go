package session

import (
	"math"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/synfin/synfin/fsm"
)

// A listed connection (connRec) and the compact copy of it that
// readers are shown (connCopy), folded from the tracker's events.

// connRec is one listed connection. What readers are shown of it is fz,
// a compact copy of its history folded from the tracker's events at each
// of its steps (addChanges, fold; identify once, sync for the segment's
// Zeek history): readers never touch a *Conn, which the tracker changes,
// and with fsm.Config.Freeze freezes and reuses for another connection;
// nor does the session read one to find out what changed. Once the
// tracker lets go of it, the Conn (a transitions array with room to
// spare, sequence tracking, Zeek state: about 1.8 KB) is left to the
// collector.
//
// Its index is the Index of each of its steps (4 bytes a step, relative to
// base) and a full entry (ent) at the first of them, every ckEvery
// steps, and wherever the entry cannot be derived from the one before
// and the step (see derive); entAt rebuilds any other from the last
// checkpoint before it by walking at most ckEvery-1 steps.
//
// Its copy (fz) is part of it, not a pointer: one object a connection,
// found by ID in Session.order (no map).
//
// 144 bytes (a size class), what few connections have apart (ix).
type connRec struct {
	id     uint64
	base   int      // steps[k] is base + Index of the k-th kept step
	steps  []uint32 // one per kept step, and the last one even once dropped
	ix     *connIx  // checkpoints and the rest, nil while it has none
	lastCk int32    // position of the last checkpoint in steps
	nder   uint32   // transitions attributed to its steps so far (fz.trAt)
	end    uint32   // see ended
	vlan   uint32   // of fz, here where it packs
	fz     connCopy // what readers are shown of it (see addChanges, fold)
}

// connRec.end: the connection is open, gone, or ended at the Index in
// fz.rare.ended, or ended at Index first()+end-endAt.
const (
	endOpen = iota
	endGone
	endRare
	endAt
)

// ended returns the Index of the last step before the tracker let go of
// r, -1 while it follows it, or gone.
func (r *connRec) ended() int {
	switch r.end {
	case endOpen:
		return -1
	case endGone:
		return gone
	case endRare:
		return r.fz.rare.ended
	}
	return r.first() + int(r.end-endAt)
}

// setEnded records that the tracker let go of r after step i.
func (r *connRec) setEnded(i int) {
	if d := i - r.first(); d >= 0 && d <= math.MaxUint32-endAt {
		r.end = uint32(d) + endAt
		return
	}
	r.end = endRare
	r.fz.rareOf().ended = i
}

// connCopy is a connection, compact: the fields ConnAt, RowAt and
// Match read, transitions without their padding; the copy of an open
// connection is the same, updated at each of its steps.
// 80 bytes, the rest (rare) apart: the addresses as 16 bytes and a
// port each (an address with a zone, ::, or 4-in-6 in rare), the first
// time as Unix nanoseconds in the session's location (another in rare);
// the VLAN is in connRec, where it packs.
type connCopy struct {
	firstT int64 // FirstTime, Unix ns, unless rare.wide
	// While every step of the connection is kept, its transitions are
	// its steps' changes, in order: at lists the positions in the
	// connection's index of the steps that have changes (see trAt),
	// confs their confidence as of now (later evidence raises it), 2
	// bits each, the first in the lowest (or rare.conf when they do not
	// fit: more than 32, or one above 3), rare.wd the transitions later
	// withdrawn, and rare.trs is nil: about 4 bytes a transition instead
	// of 32. Before any of its steps is dropped, they go to rare.trs.
	at      uint64
	confs   uint64
	rare    *copyRare
	hist    uint32 // History: Session.histTab[hist-1], or rare.history if 0
	firstPk uint32 // FirstPacket, unless rare.firstPacket
	bits    uint32 // the number of transitions | live | joinedLate (fzLive, fzJoinedLate)
	// The addresses as 16 bytes (see addrPort), unless rare.wide.
	addr [2][16]byte
	port [2]uint16
}

// connCopy.bits: the number of transitions, below fzLive, and two flags.
const (
	fzLive       = 1 << 30 // the tracker follows it: folded at each step, until letGo
	fzJoinedLate = 1 << 31
	fzNtrMax     = fzLive - 1
)

// copyRare is what few connection copies have.
type copyRare struct {
	trs   []copyTr
	notes []fsm.Note
	wd    []withdrawn
	// conf: the confidences, when connCopy.confs cannot hold them; trAt,
	// the positions of the steps with changes, when connCopy.at cannot
	// (atRare); history, when it is not interned (connCopy.hist 0).
	conf    []fsm.Confidence
	trAt    []uint32
	history string
	// firstPacket: FirstPacket, when it does not fit connCopy.firstPk.
	firstPacket uint64
	// Of the connection's index (connRec), once steps were dropped:
	// lastT, the time of steps[0] once its step is dropped (Unix ns);
	// first, the Index of its first step, once it is not base (rebased).
	lastT   int64
	first   int
	rebased bool
	// ended: connRec.ended when connRec.end cannot hold it.
	ended int
	// wide: the addresses or first time did not fit connCopy's compact
	// fields (a zone, another location): they are here.
	wide           bool
	client, server netip.AddrPort
	firstTime      time.Time
}

// setIDFields keeps the connection's addresses and first time in fz,
// compact unless they would not read back the same.
func (s *Session) setIDFields(fz *connCopy, c *fsm.Conn) {
	if fz.rare != nil && fz.rare.wide {
		fz.rare.client, fz.rare.server, fz.rare.firstTime = c.Client, c.Server, c.FirstTime
		return
	}
	fz.firstT = c.FirstTime.UnixNano()
	for i, ap := range [2]netip.AddrPort{c.Client, c.Server} {
		a := ap.Addr()
		fz.addr[i], fz.port[i] = [16]byte{}, ap.Port()
		if a.IsValid() {
			fz.addr[i] = a.As16()
		}
	}
	if s.loc == nil {
		s.loc = c.FirstTime.Location()
	}
	if fz.addrPort(0) != c.Client || fz.addrPort(1) != c.Server || time.Unix(0, fz.firstT).In(s.loc) != c.FirstTime {
		r := fz.rareOf()
		r.wide = true
		r.client, r.server, r.firstTime = c.Client, c.Server, c.FirstTime
	}
}

// addrPort decodes fz's compact address i (0 client, 1 server): 16
// zero bytes are no address, an IPv4-mapped one is IPv4, any other IPv6.
// The IPv6 addresses this would read back otherwise (::, ::ffff:a.b.c.d)
// are kept whole in rare (setIDFields checks).
func (fz *connCopy) addrPort(i int) netip.AddrPort {
	var a netip.Addr
	b := fz.addr[i]
	switch {
	case b == [16]byte{}:
	case [12]byte(b[:12]) == [12]byte{10: 0xff, 11: 0xff}:
		a = netip.AddrFrom4([4]byte(b[12:]))
	default:
		a = netip.AddrFrom16(b)
	}
	return netip.AddrPortFrom(a, fz.port[i])
}

// firstPacket returns fz's FirstPacket.
func (fz *connCopy) firstPacket() uint64 {
	if fz.rare != nil && fz.rare.firstPacket != 0 {
		return fz.rare.firstPacket
	}
	return uint64(fz.firstPk)
}

// setFirstPacket keeps n in fz.
func (fz *connCopy) setFirstPacket(n uint64) {
	if n <= math.MaxUint32 {
		fz.firstPk = uint32(n)
		if fz.rare != nil {
			fz.rare.firstPacket = 0
		}
		return
	}
	fz.firstPk = 0
	fz.rareOf().firstPacket = n
}

// connCopy.at holds up to atMax positions as a 4-bit count (atRare: they
// are in rare.trAt) and then, 4 bits each from bit 4, each position's
// distance from the one before (from -1 for the first) less one: short
// connections' steps with changes are close together.
const (
	atMax  = 14
	atRare = 15
)

// trAt returns the positions in r's index of the steps that have
// changes, decoded into buf if they are kept in fz.at.
func (fz *connCopy) trAt(buf *[atMax]uint32) []uint32 {
	n := int(fz.at & 15)
	if n == atRare {
		return fz.rare.trAt
	}
	p := -1
	for i := range n {
		p += int(fz.at>>(4+4*i)&15) + 1
		buf[i] = uint32(p)
	}
	return buf[:n]
}

// addTrAt appends pos to fz's positions of steps with changes.
func (fz *connCopy) addTrAt(pos uint32) {
	n := int(fz.at & 15)
	if n == atRare {
		fz.rare.trAt = append(fz.rare.trAt, pos)
		return
	}
	var buf [atMax]uint32
	prev := -1
	if n > 0 {
		prev = int(fz.trAt(&buf)[n-1])
	}
	if d := int(pos) - prev - 1; n < atMax && d >= 0 && d < 16 {
		fz.at = fz.at&^15 | uint64(n+1) | uint64(d)<<(4+4*n)
		return
	}
	fz.rareOf().trAt = append(slices.Clone(fz.trAt(&buf)), pos)
	fz.at = atRare
}

// clearTrAt forgets fz's positions of steps with changes.
func (fz *connCopy) clearTrAt() {
	fz.at = 0
	if fz.rare != nil {
		fz.rare.trAt = nil
	}
}

// history returns fz's History.
func (s *Session) history(fz *connCopy) string {
	if fz.hist == 0 {
		if fz.rare == nil {
			return ""
		}
		return fz.rare.history
	}
	return s.histTab[fz.hist-1]
}

// conf returns the current confidence of fz's transition i (trAt form).
func (fz *connCopy) conf(i int) fsm.Confidence {
	if fz.rare != nil && fz.rare.conf != nil {
		return fz.rare.conf[i]
	}
	return fsm.Confidence(fz.confs >> (2 * i) & 3)
}

// setConf keeps c as the current confidence of fz's transition i (trAt
// form): in fz.confs while every one fits (32 of them, each up to 3),
// else in rare.conf, where those of fz.confs move the first time.
func (fz *connCopy) setConf(i int, c fsm.Confidence) {
	if (fz.rare == nil || fz.rare.conf == nil) && i < 32 && c <= 3 {
		fz.confs = fz.confs&^(3<<(2*i)) | uint64(c)<<(2*i)
		return
	}
	r := fz.rareOf()
	if r.conf == nil {
		r.conf = make([]fsm.Confidence, 32, 48)
		for k := range r.conf {
			r.conf[k] = fsm.Confidence(fz.confs >> (2 * k) & 3)
		}
		fz.confs = 0
	}
	for len(r.conf) <= i {
		r.conf = append(r.conf, 0)
	}
	r.conf[i] = c
}

func (fz *connCopy) client() netip.AddrPort {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.client
	}
	return fz.addrPort(0)
}

func (fz *connCopy) server() netip.AddrPort {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.server
	}
	return fz.addrPort(1)
}

// firstTime returns fz's FirstTime.
func (s *Session) firstTime(fz *connCopy) time.Time {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.firstTime
	}
	return time.Unix(0, fz.firstT).In(s.loc)
}

func (fz *connCopy) ntr() int         { return int(fz.bits & fzNtrMax) }
func (fz *connCopy) joinedLate() bool { return fz.bits&fzJoinedLate != 0 }
func (fz *connCopy) live() bool       { return fz.bits&fzLive != 0 }

func (fz *connCopy) trs() []copyTr {
	if fz.rare == nil {
		return nil
	}
	return fz.rare.trs
}

func (fz *connCopy) notes() []fsm.Note {
	if fz.rare == nil {
		return nil
	}
	return fz.rare.notes
}

func (fz *connCopy) rareOf() *copyRare {
	if fz.rare == nil {
		fz.rare = new(copyRare)
	}
	return fz.rare
}

// withdrawn is a transition's WithdrawnBy, by its position.
type withdrawn struct {
	i  int
	by uint64
}

// copyTr is an fsm.Transition in 32 bytes instead of 72 (the reason is
// an index in the session's table of reasons, the time Unix nanoseconds
// in the connection's location).
type copyTr struct {
	packet, withdrawnBy uint64
	t                   int64
	step                int // the Index of the step that carries it, -1 none (Step.ChangesAt)
	ep                  fsm.Role
	from, to            fsm.State
	conf                fsm.Confidence
	reason              uint16
}

// conn returns the listed connection id, or nil. IDs are dense and come
// in order, so order[id-order[0].id] is it unless connections were
// dropped before it; otherwise a binary search finds it.
func (s *Session) conn(id uint64) *connRec {
	n := len(s.order)
	if n == 0 || id < s.order[0].id {
		return nil
	}
	var r *connRec
	if k := id - s.order[0].id; k < uint64(n) && s.order[k].id == id {
		r = s.order[k]
	} else if last := s.order[n-1]; last.id == id {
		r = last
	} else {
		k := sort.Search(n, func(k int) bool { return s.order[k].id >= id })
		if k == n || s.order[k].id != id {
			return nil
		}
		r = s.order[k]
	}
	if r.end == endGone {
		return nil
	}
	return r
}

func (r *connRec) client() netip.AddrPort { return r.fz.client() }

func (r *connRec) server() netip.AddrPort { return r.fz.server() }

// setHistory keeps history h in fz, as an index in a table of the
// histories seen (Session.histTab): most connections of a file have one
// of a few short histories ("ShADadFf", "ShADaR"), and a string of their
// own would cost each 24 to 32 bytes. Long histories, and any once
// histsMax are kept, are kept in fz.rare, so the table stays small.
func (s *Session) setHistory(fz *connCopy, h string) {
	if i, ok := s.hists[h]; ok {
		fz.hist = i
	} else if len(h) <= histInternLen && len(s.histTab) < histsMax {
		if s.hists == nil {
			s.hists = map[string]uint32{}
		}
		s.histTab = append(s.histTab, h)
		fz.hist = uint32(len(s.histTab))
		s.hists[h] = fz.hist
	} else {
		fz.hist = 0
		fz.rareOf().history = h
		return
	}
	if fz.rare != nil {
		fz.rare.history = ""
	}
}

// Bounds of the interned histories (Session.hists).
const (
	histInternLen = 24
	histsMax      = 1 << 12
)

// letGo is the last sync of a connection the tracker let go of (c, its
// Conn, valid during this event): its copy loses the room append left.
func (s *Session) letGo(r *connRec, c *fsm.Conn) {
	if !r.fz.live() {
		return // already let go of
	}
	s.sync(r, c)
	fz := &r.fz
	if fz.rare != nil && fz.rare.trs == nil {
		fz.rare.conf = slices.Clip(fz.rare.conf)
		fz.rare.trAt = slices.Clip(fz.rare.trAt)
	}
	r.steps = slices.Clone(r.steps)
	if r.ix != nil {
		r.ix.cks = slices.Clone(r.ix.cks)
		r.ix.tail = nil
	}
	r.fz.bits &^= fzLive
}

// identify copies what never changes of a connection (addresses, VLAN,
// first packet and time, whether it was joined late) from c, its Conn at
// its first step.
func (s *Session) identify(r *connRec, c *fsm.Conn) {
	fz := &r.fz
	r.vlan = c.VLAN
	fz.setFirstPacket(c.FirstPacket)
	s.setIDFields(fz, c)
	if c.JoinedLate {
		fz.bits |= fzJoinedLate
	}
}

// sync copies connection r's Zeek history from c, the tracker's Conn at
// the current event: like the counters of a segment's entry, it is the
// segment's, not a change of the connection's history of states.
func (s *Session) sync(r *connRec, c *fsm.Conn) {
	if h := c.History(); h != s.history(&r.fz) {
		s.setHistory(&r.fz, h)
	}
}

// addChanges folds in the transitions trs (ordinals ords) that r's step
// at pos carries (pos -1: no step). A connection's transitions are its
// steps' changes, in order (fz.trAt, fz.conf), as long as the ordinals
// say they are; otherwise they are kept themselves (rare.trs).
func (s *Session) addChanges(r *connRec, pos int, trs []fsm.Transition, ords []int) {
	if len(trs) == 0 {
		return
	}
	fz := &r.fz
	n := fz.ntr()
	inSteps := fz.trs() == nil
	for k := 0; inSteps && k < len(ords); k++ {
		inSteps = ords[k] == n+k
	}
	if inSteps && pos >= 0 && int(r.nder) == n {
		fz.addTrAt(uint32(pos))
		for k := range trs {
			fz.setConf(n+k, trs[k].Confidence)
		}
		r.nder += uint32(len(trs))
	} else {
		if fz.trs() == nil {
			s.keepAll(r)
		}
		at := -1
		if pos >= 0 {
			at = r.stepAt(pos)
		}
		for _, t := range trs {
			fz.rare.trs = append(fz.rare.trs, copyTr{packet: t.Packet, t: t.Time.UnixNano(), step: at,
				ep: t.Endpoint, from: t.From, to: t.To, conf: t.Confidence, reason: s.reasonIndex(t.Reason)})
		}
	}
	fz.bits = fz.bits&^fzNtrMax | uint32(min(n+len(trs), fzNtrMax))
}

// fold applies ev, a change of connection r's history that is not a
// transition (a confidence, a revision, a note), to its copy.
func (s *Session) fold(r *connRec, ev *fsm.Event) {
	fz := &r.fz
	switch ev.Kind {
	case fsm.KindConfidence:
		if ev.Ordinal >= fz.ntr() {
			return
		}
		if trs := fz.trs(); trs != nil {
			trs[ev.Ordinal].conf = ev.Confidence
		} else {
			fz.setConf(ev.Ordinal, ev.Confidence)
		}
	case fsm.KindRevision:
		for _, o := range ev.Revision.Withdrawn {
			if o >= fz.ntr() {
				continue
			}
			if trs := fz.trs(); trs != nil {
				trs[o].withdrawnBy = ev.Revision.CorrectedBy
			} else {
				fz.rareOf().wd = append(fz.rare.wd, withdrawn{o, ev.Revision.CorrectedBy})
			}
		}
	case fsm.KindNote:
		// Readers hold fz.notes()[:n:n]: append only.
		if len(fz.notes()) < fsm.MaxNotes {
			fz.rareOf().notes = append(fz.rare.notes, fsm.Note{Packet: ev.Packet, Endpoint: ev.Endpoint, Reason: ev.Reason})
		}
	}
}

// copyTransitions keeps trs themselves in fz, compact; steps[i] is the
// Index of the step that carries trs[i] (-1: none).
func (s *Session) copyTransitions(fz *connCopy, trs []fsm.Transition, steps []int) {
	kept := make([]copyTr, len(trs))
	for i, t := range trs {
		kept[i] = copyTr{packet: t.Packet, withdrawnBy: t.WithdrawnBy, t: t.Time.UnixNano(), step: steps[i],
			ep: t.Endpoint, from: t.From, to: t.To, conf: t.Confidence, reason: s.reasonIndex(t.Reason)}
	}
	fz.rareOf().trs, fz.rare.wd, fz.rare.conf = kept, nil, nil
	fz.clearTrAt()
	fz.confs = 0
}

// transitions returns the first n transitions of connection r's copy.
func (s *Session) transitions(r *connRec, n int) []fsm.Transition {
	return s.appendTransitions(r, n, nil)
}

// transitionsAt is transitions with the Index of the step that carries
// each (-1: none).
func (s *Session) transitionsAt(r *connRec, n int) ([]fsm.Transition, []int) {
	steps := make([]int, 0, n)
	return s.appendTransitions(r, n, &steps), steps
}

// appendTransitions returns the first n transitions of r's copy, and
// appends the Index of the step of each to steps unless it is nil.
func (s *Session) appendTransitions(r *connRec, n int, steps *[]int) []fsm.Transition {
	fz := &r.fz
	out := make([]fsm.Transition, 0, n)
	loc := s.firstTime(fz).Location()
	if trs := fz.trs(); trs != nil {
		for _, t := range trs[:n] {
			out = append(out, fsm.Transition{Packet: t.packet, Time: time.Unix(0, t.t).In(loc), Endpoint: t.ep,
				From: t.from, To: t.to, Reason: s.reasons[t.reason], Confidence: t.conf, WithdrawnBy: t.withdrawnBy})
			if steps != nil {
				*steps = append(*steps, t.step)
			}
		}
		return out
	}
	var buf [atMax]uint32
	for _, k := range fz.trAt(&buf) {
		idx := r.stepAt(int(k))
		rec, ch := s.recLocked(idx)
		t := time.Unix(0, s.tAt(idx)).In(loc)
		for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
			if len(out) == n {
				break
			}
			if !d.note {
				out = append(out, fsm.Transition{Packet: ch.packetOf(rec), Time: t, Endpoint: d.ep,
					From: d.from, To: d.to, Reason: s.reasons[d.reason], Confidence: fz.conf(len(out))})
				if steps != nil {
					*steps = append(*steps, idx)
				}
			}
		}
		if len(out) == n {
			break
		}
	}
	if fz.rare == nil {
		return out
	}
	for _, w := range fz.rare.wd {
		if w.i < len(out) {
			out[w.i].WithdrawnBy = w.by
		}
	}
	return out
}

// keepTransitions copies the transitions of connection r's copy from its
// steps before one of them is dropped: from then on they are kept
// themselves (a copy without transitions has nothing to keep).
func (s *Session) keepTransitions(r *connRec) {
	if r.fz.trs() != nil || r.fz.ntr() == 0 {
		return
	}
	s.keepAll(r)
}

// keepAll makes r's copy keep its transitions themselves (rare.trs),
// from now on.
func (s *Session) keepAll(r *connRec) {
	trs, steps := s.transitionsAt(r, r.fz.ntr())
	s.copyTransitions(&r.fz, trs, steps)
}
