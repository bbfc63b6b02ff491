package fsm

import (
	"encoding/binary"
	"math"
	"net/netip"
	"time"
	"unsafe"
)

// The freeze record (Config.Freeze, freeze.go): how a Conn is written as a string of
// varints, and read back field for field.

// recordID returns the ID of a record's connection.
func recordID(rec string) uint64 {
	id, _ := binary.Uvarint([]byte(rec[:min(len(rec), binary.MaxVarintLen64)]))
	return id
}

// recordKey returns the key of a record's connection.
func recordKey(rec string) connKey {
	d := recDec{b: rec}
	_, a, b, vlan := d.head()
	return keyOf(vlan, a, b)
}

// The record. It starts with the connection's ID, the kinds of its two
// addresses (zero, IPv4, IPv6: two bits each), the addresses and ports
// (big-endian) and the VLAN, so that recordKey need not decode the rest.
// Then every other field as a group-coded uint64 (recEnc.u): sequence
// numbers relative to the sender's ISN (or to the value they usually
// follow), times relative to the first packet's, small structures packed
// into one value.

// recEnc writes values in groups of eight behind a byte whose bits say
// which are not zero: a zero costs one bit, anything else its uvarint.
type recEnc struct {
	b    []byte
	mpos int  // where the current group's mask is
	n    uint // values in the current group
	bad  bool // a field the record cannot hold exactly: do not freeze
}

func (e *recEnc) u(x uint64) {
	if e.n == 0 {
		e.mpos = len(e.b)
		e.b = append(e.b, 0)
	}
	if x != 0 {
		e.b[e.mpos] |= 1 << e.n
		for x >= 0x80 {
			e.b = append(e.b, byte(x)|0x80)
			x >>= 7
		}
		e.b = append(e.b, byte(x))
	}
	e.n = (e.n + 1) & 7
}

// flush ends the current group.
func (e *recEnc) flush() { e.n = 0 }

// raw writes bytes as they are, after the values so far.
func (e *recEnc) raw(p []byte) {
	e.flush()
	e.b = append(e.b, p...)
}

// zz maps a signed value to an unsigned one, small for small magnitudes
// (zigzag); unzz undoes it.
func zz(x int64) uint64   { return uint64(x<<1) ^ uint64(x>>63) }
func unzz(x uint64) int64 { return int64(x>>1) ^ -int64(x&1) }

// seq writes a relative to base, exactly (modulo 2^32).
func (e *recEnc) seq(a, base Seq) { e.u(zz(int64(int32(a - base)))) }

// tm writes a time relative to ref: 0 for the zero time, else its
// difference as zigzag nanoseconds plus one. A time that ref plus that
// difference does not give back exactly (another location, a monotonic
// reading, too far apart) makes the record bad.
func (e *recEnc) tm(a, ref time.Time) {
	switch a {
	case time.Time{}:
		e.u(0)
		return
	case ref:
		e.u(1) // zz(0) + 1
		return
	}
	d := a.Sub(ref)
	if ref.Add(d) != a {
		e.bad = true
	}
	e.u(e.nanos(int64(d)) + 1)
}

// nanos maps a difference in nanoseconds to a value, small when it is a
// whole number of microseconds (pcap's usual resolution): the low bit
// says which. A difference of 2^62 ns (146 years) or more makes the
// record bad.
func (e *recEnc) nanos(d int64) uint64 {
	if d%1000 == 0 {
		return zz(d/1000)<<1 | 1
	}
	if d >= 1<<62 || d < -1<<62 {
		e.bad = true
	}
	return zz(d) << 1
}

func unnanos(x uint64) int64 {
	if x&1 != 0 {
		return unzz(x>>1) * 1000
	}
	return unzz(x >> 1)
}

// inst writes an instant relative to base the same way (modular
// arithmetic: always exact).
func (e *recEnc) inst(a, base instant) {
	if a == 0 {
		e.u(0)
		return
	}
	e.u(e.nanos(int64(uint64(a)-uint64(base))) + 1)
}

// packTransition packs a transition's To, Endpoint and Confidence into
// one value, below 128 (one byte) when they are in their usual ranges
// (To < 16, Endpoint < 2, Confidence < 4) and exact for any.
func packTransition(to State, r Role, conf Confidence) uint64 {
	return uint64(to&15) | uint64(r&1)<<4 | uint64(conf&3)<<5 |
		uint64(to>>4)<<7 | uint64(r>>1)<<11 | uint64(conf>>2)<<18
}

func unpackTransition(x uint64) (State, Role, Confidence) {
	return State(x&15 | x>>7&15<<4), Role(x>>4&1 | x>>11&127<<1), Confidence(x>>5&3 | x>>18&63<<2)
}

// flag packs bools into one value, bit i for the i-th.
func flags(bs ...bool) uint64 {
	var x uint64
	for i, b := range bs {
		if b {
			x |= 1 << i
		}
	}
	return x
}

func (t *Tracker) reasonIndex(r Reason) uint64 {
	f := &t.frz
	// Reasons are constants: their bytes are at one address, which a
	// small cache looks up faster than the map hashes the string.
	p := unsafe.StringData(string(r))
	h := &f.reasonHot[(uintptr(unsafe.Pointer(p))>>3^uintptr(len(r)))%uintptr(len(f.reasonHot))]
	if h.p == p && h.n == len(r) && p != nil {
		return uint64(h.i)
	}
	i, ok := f.reasonIx[r]
	if !ok {
		i = uint32(len(f.reasons))
		f.reasons = append(f.reasons, r)
		f.reasonIx[r] = i
	}
	*h = reasonHit{p, len(r), i}
	return uint64(i)
}

func (t *Tracker) locIndex(l *time.Location) uint64 {
	f := &t.frz
	for i, x := range f.locs {
		if x == l {
			return uint64(i)
		}
	}
	f.locs = append(f.locs, l)
	return uint64(len(f.locs) - 1)
}

// appendAddr appends a's kind's bytes and port; kind is 0 (zero), 1
// (IPv4) or 2 (IPv6); a zone makes it bad.
func appendAddr(b []byte, a netip.AddrPort) ([]byte, byte, bool) {
	ip := a.Addr()
	var kind byte
	switch {
	case !ip.IsValid():
	case ip.Is4():
		kind = 1
		v := ip.As4()
		b = append(b, v[:]...)
	default:
		kind = 2
		v := ip.As16()
		b = append(b, v[:]...)
	}
	return binary.BigEndian.AppendUint16(b, a.Port()), kind, ip.Zone() == ""
}

// encode returns c's record, or false if it cannot be frozen exactly.
func (t *Tracker) encode(c *Conn) (string, bool) {
	if c.done || c.prev != nil {
		return "", false
	}
	e := recEnc{b: t.frz.buf[:0]}
	e.b = binary.AppendUvarint(e.b, c.ID)
	kinds := len(e.b)
	e.b = append(e.b, 0)
	var k1, k2 byte
	var ok1, ok2 bool
	e.b, k1, ok1 = appendAddr(e.b, c.Client)
	e.b, k2, ok2 = appendAddr(e.b, c.Server)
	e.b[kinds] = k1 | k2<<2
	e.b = binary.AppendUvarint(e.b, uint64(c.VLAN))
	e.bad = !ok1 || !ok2

	base := c.FirstTime
	if base != (time.Time{}) && base != base.Round(0) {
		e.bad = true // a monotonic reading: capture times have none
	}
	// The first time, relative to the first one the tracker froze when
	// that gives it back exactly (a few bytes), else in full.
	f := &t.frz
	if f.epoch == (time.Time{}) && base != (time.Time{}) && base == base.Round(0) {
		f.epoch = base
	}
	d := base.Sub(f.epoch)
	near := base != (time.Time{}) && d < 1<<62 && d >= -1<<62 && f.epoch.Add(d) == base
	e.u(flags(c.JoinedLate, base == (time.Time{}), near))
	switch {
	case near:
		e.u(e.nanos(int64(d)))
	case base != (time.Time{}):
		e.u(t.locIndex(base.Location()))
		e.u(zz(base.Unix()))
		e.u(uint64(base.Nanosecond()))
	}
	e.u(uint64(c.State[Client]) | uint64(c.State[Server])<<8 | uint64(c.lastFrom)<<16)
	e.u(c.FirstPacket)
	e.u(zz(int64(c.LastPacket - c.FirstPacket)))
	e.tm(c.LastTime, base)
	for r := range 2 {
		e.u(c.Packets[r])
		e.u(c.Bytes[r])
	}

	// Transitions: packet and time relative to the one before.
	pkt, at := c.FirstPacket, base
	from := [2]State{Closed, Closed}
	e.u(sliceLen(c.Transitions))
	for i := range c.Transitions {
		tr := &c.Transitions[i]
		e.u(zz(int64(tr.Packet - pkt)))
		e.tm(tr.Time, at)
		e.u(packTransition(tr.To, tr.Endpoint, tr.Confidence))
		if p := &from[tr.Endpoint&1]; tr.From == *p {
			e.u(0) // it leaves the state its endpoint's last transition entered
		} else {
			e.u(uint64(tr.From) + 1)
		}
		from[tr.Endpoint&1] = tr.To
		e.u(t.reasonIndex(tr.Reason))
		if tr.WithdrawnBy == 0 {
			e.u(0)
		} else {
			d := int64(tr.WithdrawnBy - tr.Packet)
			if d == math.MinInt64 {
				e.bad = true
			}
			e.u(zz(d) + 1)
		}
		pkt = tr.Packet
		if tr.Time != (time.Time{}) {
			at = tr.Time
		}
	}
	e.u(sliceLen(c.Revisions))
	for i := range c.Revisions {
		rv := &c.Revisions[i]
		e.u(rv.Packet)
		e.u(uint64(rv.Endpoint))
		e.u(sliceLen(rv.Believed))
		for _, s := range rv.Believed {
			e.u(uint64(s))
		}
		// The withdrawn ordinals rise: each as its distance from the
		// one before (from -1 for the first).
		e.u(sliceLen(rv.Withdrawn))
		prev := -1
		for _, o := range rv.Withdrawn {
			if o <= prev {
				e.bad = true
			}
			e.u(uint64(o - prev))
			prev = o
		}
		e.u(rv.CorrectedBy)
		e.u(t.reasonIndex(rv.Reason))
	}
	pkt = c.FirstPacket
	e.u(sliceLen(c.Notes))
	for i := range c.Notes {
		n := &c.Notes[i]
		e.u(zz(int64(n.Packet - pkt)))
		e.u(uint64(n.Endpoint))
		e.u(t.reasonIndex(n.Reason))
		pkt = n.Packet
	}

	bi := instantOf(base)
	for r := range 2 {
		x, y := &c.ep[r], &c.ep[1-r]
		e.u(flags(x.seen, x.synSeen, x.synAckSent, x.isnKnown, x.isnReal, x.nxtValid, x.ackValid,
			x.finSent, x.finTaken, x.finGap, x.finHasAck, x.wrapped, x.contigValid, x.tsValid,
			x.dupNoted, x.closeAssumed, x.finMaybe, x.closeMaybe))
		e.u(uint64(uint8(x.wscale + 1)))
		e.u(uint64(x.iss))
		// Acknowledgments follow what the peer sent, a FIN and the
		// contiguous end what it sent itself.
		e.seq(x.nxt, x.iss)
		e.seq(x.acked, y.nxt)
		e.seq(x.finSeq, x.nxt)
		e.seq(x.finAck, y.nxt)
		e.u(uint64(x.synLen))
		e.u(uint64(x.window))
		e.seq(x.contig, x.nxt)
		e.u(uint64(x.tsRecent))
		e.u(sliceLen(x.ooo))
		for _, o := range x.ooo {
			e.seq(o.start, x.iss)
			e.seq(o.end, o.start)
		}
		for i := range x.recent {
			g := &x.recent[i]
			e.seq(g.seq, x.nxt)
			e.seq(g.ack, x.acked)
			e.u(uint64(g.len))
			e.seq(Seq(g.tsval), Seq(x.tsRecent))
			e.u(uint64(g.flags) | flags(g.ts)<<8)
		}
		e.u(zz(int64(x.nrecent)))
		e.inst(x.synTime, bi)
		e.inst(x.finTime, bi)
		e.u(zz(int64(x.lastPkt - c.FirstPacket)))
	}

	z := &c.zeek
	for r := range 2 {
		x := &z.ep[r]
		e.u(uint64(x.state) | uint64(x.prev)<<8)
		e.seq(x.startSeq, c.ep[r].iss)
		e.seq(x.lastSeq, c.ep[r].nxt)
		e.u(uint64(x.histLastSYN))
		e.u(uint64(x.histLastFIN))
		e.u(uint64(x.histLastRST))
		e.u(uint64(x.rxmt))
		e.u(uint64(x.rxmtNext))
		e.u(uint64(x.win0))
		e.u(uint64(x.win0Next))
		e.u(uint64(x.gap))
		e.u(uint64(x.gapNext))
		e.u(uint64(x.finCnt))
		e.u(zz(x.finSeq))
		a := &x.reasm
		e.u(zz(a.lastReassem))
		e.u(zz(a.trimSeq - a.lastReassem))
		e.u(flags(a.skip))
		e.u(sliceLen(a.blocks))
		for _, b := range a.blocks {
			e.u(zz(b.seq - a.lastReassem))
			e.u(zz(b.upper - b.seq))
		}
	}
	e.u(uint64(z.seen[Client]))
	e.u(uint64(z.seen[Server]))
	e.u(flags(z.flipped, z.partial, z.started))

	// A TIME_WAIT deadline is usually 2MSL after the last segment.
	twRef := c.LastTime.Add(t.cfg.TimeWait)
	for r := range 2 {
		e.tm(c.twUntil[r], twRef)
		e.u(zz(int64(c.probes[r])))
	}
	e.inst(c.closedAt, bi)
	e.u(zz(int64(c.rtt)))
	e.u(sliceLen(z.history))
	e.raw(z.history)
	e.flush()

	t.frz.buf = e.b
	if e.bad {
		return "", false
	}
	return string(e.b), true
}

// sliceLen is 0 for a nil slice, else its length plus one: a thawed
// connection has nil where the frozen one had nil.
func sliceLen[S ~[]E, E any](s S) uint64 {
	if s == nil {
		return 0
	}
	return uint64(len(s)) + 1
}

// recDec reads what recEnc wrote.
type recDec struct {
	b string
	i int
	// bits holds the current group's mask bits not yet read, above a
	// marker bit: 1 or 0 when the group is done.
	bits uint
}

func (d *recDec) uvarint() uint64 {
	if c := d.b[d.i]; c < 0x80 {
		d.i++
		return uint64(c)
	}
	var x uint64
	for s := uint(0); ; s += 7 {
		c := d.b[d.i]
		d.i++
		if c < 0x80 {
			return x | uint64(c)<<s
		}
		x |= uint64(c&0x7f) << s
	}
}

func (d *recDec) u() uint64 {
	if d.bits <= 1 {
		d.bits = uint(d.b[d.i]) | 0x100
		d.i++
	}
	b := d.bits & 1
	d.bits >>= 1
	if b == 0 {
		return 0
	}
	return d.uvarint()
}

func (d *recDec) raw(n int) string {
	d.bits = 0
	s := d.b[d.i : d.i+n]
	d.i += n
	return s
}

func (d *recDec) seq(base Seq) Seq { return base + Seq(int32(unzz(d.u()))) }

func (d *recDec) tm(ref time.Time) time.Time {
	switch x := d.u(); x {
	case 0:
		return time.Time{}
	case 1:
		return ref
	default:
		return ref.Add(time.Duration(unnanos(x - 1)))
	}
}

func (d *recDec) inst(base instant) instant {
	x := d.u()
	if x == 0 {
		return 0
	}
	return instant(uint64(base) + uint64(unnanos(x-1)))
}

// count returns a length written by sliceLen: -1 for nil.
func (d *recDec) count() int { return int(d.u()) - 1 }

func bit(x uint64, i int) bool { return x&(1<<i) != 0 }

// head reads the record's ID, addresses and VLAN.
func (d *recDec) head() (id uint64, a, b netip.AddrPort, vlan uint32) {
	id = d.uvarint()
	kinds := d.b[d.i]
	d.i++
	a = d.addr(kinds & 3)
	b = d.addr(kinds >> 2 & 3)
	vlan = uint32(d.uvarint())
	return
}

func (d *recDec) addr(kind byte) netip.AddrPort {
	var ip netip.Addr
	switch kind {
	case 1:
		var v [4]byte
		copy(v[:], d.b[d.i:])
		d.i += 4
		ip = netip.AddrFrom4(v)
	case 2:
		var v [16]byte
		copy(v[:], d.b[d.i:])
		d.i += 16
		ip = netip.AddrFrom16(v)
	}
	port := uint16(d.b[d.i])<<8 | uint16(d.b[d.i+1])
	d.i += 2
	return netip.AddrPortFrom(ip, port)
}

// decode returns the connection rec holds (its slot and touched unset).
func (t *Tracker) decode(rec string) *Conn {
	f := &t.frz
	d := recDec{b: rec}
	c := t.newConnStruct()
	c.ID, c.Client, c.Server, c.VLAN = d.head()

	fl := d.u()
	c.JoinedLate = bit(fl, 0)
	var base time.Time
	switch {
	case bit(fl, 2):
		base = f.epoch.Add(time.Duration(unnanos(d.u())))
	case !bit(fl, 1):
		loc := f.locs[d.u()]
		sec := unzz(d.u())
		base = time.Unix(sec, int64(d.u())).In(loc)
	}
	c.FirstTime = base
	st := d.u()
	c.State = [2]State{State(st), State(st >> 8)}
	c.lastFrom = Role(st >> 16)
	c.FirstPacket = d.u()
	c.LastPacket = c.FirstPacket + uint64(unzz(d.u()))
	c.LastTime = d.tm(base)
	for r := range 2 {
		c.Packets[r] = d.u()
		c.Bytes[r] = d.u()
	}

	pkt, at := c.FirstPacket, base
	from := [2]State{Closed, Closed}
	switch n := d.count(); {
	case n < 0:
		c.Transitions = nil
	case n <= cap(c.Transitions):
		c.Transitions = c.Transitions[:n]
	default:
		c.Transitions = make([]Transition, n, max(n, closeTransitions))
	}
	for i := range c.Transitions {
		tr := &c.Transitions[i]
		*tr = Transition{} // a reused array holds another connection's
		tr.Packet = pkt + uint64(unzz(d.u()))
		tr.Time = d.tm(at)
		tr.To, tr.Endpoint, tr.Confidence = unpackTransition(d.u())
		tr.From = from[tr.Endpoint&1]
		if x := d.u(); x != 0 {
			tr.From = State(x - 1)
		}
		from[tr.Endpoint&1] = tr.To
		tr.Reason = f.reasons[d.u()]
		if w := d.u(); w != 0 {
			tr.WithdrawnBy = tr.Packet + uint64(unzz(w-1))
		}
		pkt = tr.Packet
		if tr.Time != (time.Time{}) {
			at = tr.Time
		}
	}
	if n := d.count(); n >= 0 {
		c.Revisions = make([]Revision, n)
	}
	for i := range c.Revisions {
		rv := &c.Revisions[i]
		rv.Packet = d.u()
		rv.Endpoint = Role(d.u())
		if n := d.count(); n >= 0 {
			rv.Believed = make([]State, n)
		}
		for j := range rv.Believed {
			rv.Believed[j] = State(d.u())
		}
		if n := d.count(); n >= 0 {
			rv.Withdrawn = make([]int, n)
		}
		prev := -1
		for j := range rv.Withdrawn {
			prev += int(d.u())
			rv.Withdrawn[j] = prev
		}
		rv.CorrectedBy = d.u()
		rv.Reason = f.reasons[d.u()]
	}
	pkt = c.FirstPacket
	if n := d.count(); n >= 0 {
		c.Notes = make([]Note, n)
	}
	for i := range c.Notes {
		n := &c.Notes[i]
		n.Packet = pkt + uint64(unzz(d.u()))
		n.Endpoint = Role(d.u())
		n.Reason = f.reasons[d.u()]
		pkt = n.Packet
	}

	bi := instantOf(base)
	for r := range 2 {
		x := &c.ep[r]
		b := d.u()
		x.seen, x.synSeen, x.synAckSent, x.isnKnown, x.isnReal, x.nxtValid, x.ackValid =
			bit(b, 0), bit(b, 1), bit(b, 2), bit(b, 3), bit(b, 4), bit(b, 5), bit(b, 6)
		x.finSent, x.finTaken, x.finGap, x.finHasAck, x.wrapped, x.contigValid, x.tsValid =
			bit(b, 7), bit(b, 8), bit(b, 9), bit(b, 10), bit(b, 11), bit(b, 12), bit(b, 13)
		x.dupNoted, x.closeAssumed, x.finMaybe, x.closeMaybe = bit(b, 14), bit(b, 15), bit(b, 16), bit(b, 17)
		x.wscale = int8(uint8(d.u())) - 1
		x.iss = Seq(d.u())
		// The peer's nxt comes after the fields relative to it: those
		// are completed below.
		x.nxt = d.seq(x.iss)
		x.acked = Seq(zzSeq(d.u())) // relative to the peer's nxt: completed below
		x.finSeq = d.seq(x.nxt)
		x.finAck = Seq(zzSeq(d.u())) // idem
		x.synLen = uint32(d.u())
		x.window = uint32(d.u())
		x.contig = d.seq(x.nxt)
		x.tsRecent = uint32(d.u())
		if n := d.count(); n >= 0 {
			x.ooo = make([]seqRange, n)
		}
		for i := range x.ooo {
			x.ooo[i].start = d.seq(x.iss)
			x.ooo[i].end = d.seq(x.ooo[i].start)
		}
		for i := range x.recent {
			g := &x.recent[i]
			g.seq = d.seq(x.nxt)
			g.ack = Seq(zzSeq(d.u())) // relative to acked: fixed up below
			g.len = uint32(d.u())
			g.tsval = uint32(d.seq(Seq(x.tsRecent)))
			fl := d.u()
			g.flags, g.ts = Flags(fl), bit(fl, 8)
		}
		x.nrecent = int(unzz(d.u()))
		x.synTime = d.inst(bi)
		x.finTime = d.inst(bi)
		x.lastPkt = c.FirstPacket + uint64(unzz(d.u()))
	}
	for r := range 2 {
		x, y := &c.ep[r], &c.ep[1-r]
		x.acked += y.nxt
		x.finAck += y.nxt
		for i := range x.recent {
			x.recent[i].ack += x.acked
		}
	}

	z := &c.zeek
	for r := range 2 {
		x := &z.ep[r]
		st := d.u()
		x.state, x.prev = zState(st), zState(st>>8)
		x.startSeq = d.seq(c.ep[r].iss)
		x.lastSeq = d.seq(c.ep[r].nxt)
		x.histLastSYN = uint32(d.u())
		x.histLastFIN = uint32(d.u())
		x.histLastRST = uint32(d.u())
		x.rxmt = uint32(d.u())
		x.rxmtNext = uint32(d.u())
		x.win0 = uint32(d.u())
		x.win0Next = uint32(d.u())
		x.gap = uint32(d.u())
		x.gapNext = uint32(d.u())
		x.finCnt = uint32(d.u())
		x.finSeq = unzz(d.u())
		a := &x.reasm
		a.lastReassem = unzz(d.u())
		a.trimSeq = a.lastReassem + unzz(d.u())
		a.skip = bit(d.u(), 0)
		if n := d.count(); n >= 0 {
			a.blocks = make([]zBlock, n)
		}
		for i := range a.blocks {
			b := &a.blocks[i]
			b.seq = a.lastReassem + unzz(d.u())
			b.upper = b.seq + unzz(d.u())
		}
	}
	z.seen[Client] = uint32(d.u())
	z.seen[Server] = uint32(d.u())
	zf := d.u()
	z.flipped, z.partial, z.started = bit(zf, 0), bit(zf, 1), bit(zf, 2)

	twRef := c.LastTime.Add(t.cfg.TimeWait)
	for r := range 2 {
		c.twUntil[r] = d.tm(twRef)
		c.probes[r] = int(unzz(d.u()))
	}
	c.closedAt = d.inst(bi)
	c.rtt = time.Duration(unzz(d.u()))
	if n := d.count(); n >= 0 {
		z.history = make([]byte, n, n+8)
		copy(z.history, d.raw(n))
	}
	return c
}

// zzSeq undoes recEnc.seq's zigzag, leaving the base to add.
func zzSeq(x uint64) uint32 { return uint32(int32(unzz(x))) }
