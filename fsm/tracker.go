package fsm

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

// DefaultTimeWait is the TIME_WAIT duration (2MSL) Linux uses: 60 s
// (TCP_TIMEWAIT_LEN in include/net/tcp.h).
const DefaultTimeWait = 60 * time.Second

// DefaultLinger is how long a connection whose endpoints are both CLOSED
// stays tracked, so that stray segments still in flight (a retransmission,
// a second RST) are shown on it rather than starting a new connection.
const DefaultLinger = 2 * time.Second

// Config tunes a Tracker.
type Config struct {
	// TimeWait is how long an endpoint stays in TIME_WAIT before the
	// tracker moves it to CLOSED (2MSL, RFC 9293 §3.6.1). Zero means
	// DefaultTimeWait.
	TimeWait time.Duration
	// Linger is how long a fully closed connection is kept before KindEnd.
	// Zero means DefaultLinger.
	Linger time.Duration
	// Freeze lets the tracker keep a connection that has been idle for a
	// while (a TIME_WAIT waiting for its 2MSL, an established connection
	// with nothing to say) as a compact record of a few hundred bytes
	// instead of its Conn and slices (about 2 KB), and turn it back into
	// a Conn, exactly as it was, on its next segment or timer (see
	// freeze.go). The contract it needs from the reader: a *Conn the
	// tracker froze is dead. It keeps the values it had, the tracker never
	// updates it again, and the next event about that connection carries
	// a new *Conn with the same ID. A reader that only keeps connections
	// after their KindEnd (report.Run), or folds the events and reads a
	// Conn only during its event (the session store, which the TUI runs
	// with Freeze), can turn it on; one that keeps a *Conn of a live
	// connection between calls must not: the tracker also reuses the Conn
	// it froze for the next connection it creates or thaws. So with
	// Freeze, a *Conn not yet ended is only good until the next call to
	// Observe or Advance. Off, the tracker behaves as if the feature did
	// not exist.
	Freeze bool
	// FreezeIdle is how many segments (of any connection) a connection
	// must have gone without one of its own to be frozen; the tracker
	// looks every FreezeIdle/4 segments. Zero means 4096, raised while
	// frozen connections keep coming back soon (more than 4096 taking
	// turns), and looked at less often while many are live. 1 freezes every
	// connection it can before every segment, so that every segment and
	// timer finds its connection frozen: tests use it to prove that
	// freezing changes nothing.
	FreezeIdle int
}

// MaxNotes bounds Conn.Notes (and History.Notes): a long transfer with
// many retransmissions keeps the first ones, which is enough to explain
// it. Every note is still reported as an event.
const MaxNotes = 256

const maxNotes = MaxNotes

// endpoint is what the observer knows of one endpoint's sending side.
type endpoint struct {
	// The one-byte fields come first, together, so that the struct has
	// no padding (the tracker holds two per connection).
	seen       bool // sent at least one segment
	synSeen    bool // sent a SYN: iss is its real ISN
	synAckSent bool // sent a SYN+ACK
	isnKnown   bool // iss is usable as the base of relative numbers
	isnReal    bool // iss is its real ISN: its SYN was seen, or a SYN+ACK acknowledged it
	nxtValid   bool // nxt was set
	ackValid   bool //
	finSent    bool //
	finTaken   bool // the peer took its FIN (moved on it)
	finGap     bool // its FIN waits for data before it (sequence order, §3.10.7.4 eighth check)
	finHasAck  bool // the FIN segment had the ACK bit
	wscale     int8 // window scale from its SYN, -1 unknown
	wrapped    bool // its sequence numbers wrapped past 2^32 (noted once)
	// contigValid: contig (below) was set.
	contigValid bool
	// TCP timestamps (RFC 7323): tsRecent (below) is valid.
	tsValid  bool
	dupNoted bool // NoteDupOrRetransmit said once

	closeAssumed bool // how it left FIN_WAIT_1 is not in the packets (closeOrderUnseen)
	finMaybe     bool // one direction: the peer's last ACK covered several unseen octets of it; the last may be a FIN
	closeMaybe   bool // its FIN_WAIT_1 is assumed because of the peer's finMaybe (until the peer's FIN is proven later)

	iss    Seq    // initial send sequence number (RFC 9293 §3.4), or inferred base
	nxt    Seq    // one past the highest sequence number it sent (its SND.NXT as seen, or proven by the peer's ACKs)
	acked  Seq    // highest ack it sent: its RCV.NXT as announced
	finSeq Seq    // sequence number of its FIN
	finAck Seq    // the ack its FIN segment carried
	synLen uint32 // payload carried on its SYN (TCP Fast Open)
	window uint32 // last advertised window, scaled when known

	// contig is the end of the sequence space it sent without a hole, as
	// far as the capture shows: what the peer's RCV.NXT can have reached.
	// ooo holds the ranges it sent beyond a hole (bounded).
	contig Seq
	// TCP timestamps (RFC 7323): the last TSval it sent (ts_recent for
	// its peer), and its last segments, to tell a network duplicate (same
	// TSval) from a retransmission (a new one).
	tsRecent uint32
	ooo      []seqRange
	recent   [4]segSig
	nrecent  int

	synTime instant // when its SYN was seen
	finTime instant // when its FIN was seen
	lastPkt uint64  // packet number of its last segment (0: none yet)
}

// seqRange is [start, end) in sequence space.
type seqRange struct{ start, end Seq }

// segSig is what makes two segments copies of each other.
type segSig struct {
	seq, ack Seq
	len      uint32
	tsval    uint32
	flags    Flags
	ts       bool
}

// connKey identifies a connection: VLAN and both ends (16-byte address,
// port) in a canonical order, in plain memory with no padding so that the
// map hashes it in one go (a struct of netip.AddrPort is hashed field by
// field, and was a quarter of the tracker's time). IPv6 zones are not part
// of it.
type connKey struct {
	vlan   uint32
	a, b   [16]byte
	pa, pb uint16
}

func keyOf(vlan uint32, a, b netip.AddrPort) connKey {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return connKey{vlan: vlan, a: a.Addr().As16(), b: b.Addr().As16(), pa: a.Port(), pb: b.Port()}
}

func (c *Conn) key() connKey { return keyOf(c.VLAN, c.Client, c.Server) }

// The connection cache remembers, by a cheap hash of the 4-tuple, the
// connection a recent segment went to, so that most segments skip the
// map (hashing and comparing a 44-byte key, and the cache misses of a
// large map: a quarter of the tracker's time on 2,000 concurrent
// connections). An entry stands for t.conns[key] exactly: it is good only
// while no connection left the map since it was written (Tracker.cacheGen
// counts the deletions), and putting a connection in the map writes the
// entry of its own 4-tuple. A hit compares the addresses themselves, so a
// collision only costs a map lookup.
const connCacheSize = 1 << 13

type cacheEntry struct {
	c   *Conn
	gen uint64
}

// cacheSlot hashes a 4-tuple the same way in both directions.
func cacheSlot(vlan uint32, a, b netip.AddrPort) uint32 {
	a16, b16 := a.Addr().As16(), b.Addr().As16()
	x := uint64(a.Port()^b.Port())<<32 | uint64(binary.LittleEndian.Uint32(a16[12:])^binary.LittleEndian.Uint32(b16[12:]))
	x ^= uint64(vlan) << 20
	return uint32(x * 0x9E3779B97F4A7C15 >> (64 - 13))
}

// cached returns the connection the cache holds for s's 4-tuple, or nil.
func (t *Tracker) cached(h uint32, s *Segment) *Conn {
	e := &t.cache[h]
	c := e.c
	if c == nil || e.gen != t.cacheGen || c.VLAN != s.VLAN {
		return nil
	}
	if c.Client == s.Src && c.Server == s.Dst || c.Client == s.Dst && c.Server == s.Src {
		return c
	}
	return nil
}

// timer is a pending deadline: TIME_WAIT expiry of one endpoint, or the end
// of a closed connection's linger.
type timer struct {
	at   int64  // capture time, Unix nanoseconds
	slot uint32 // the connection's slot (see slot)
	// tag is the slot's generation when the timer was set, shifted left
	// once, with the role in the low bit: a timer whose generation is
	// not its slot's any more names a connection that ended.
	tag uint32
}

func (tm timer) role() Role { return Role(tm.tag & 1) }

// timerQueue is a FIFO of timers that all have the same duration, so they
// are due in the order they were set (capture time never runs backwards by
// much; a timer set out of order waits for the one before it, which keeps
// the result deterministic).
type timerQueue struct {
	q    []timer
	head int
}

func (q *timerQueue) push(tm timer) {
	if q.head > 1024 && q.head*2 > len(q.q) {
		n := copy(q.q, q.q[q.head:])
		q.q = q.q[:n]
		q.head = 0
	}
	q.q = append(q.q, tm)
}

// due returns the first timer at or before now, if any, and removes it.
func (q *timerQueue) due(now int64) (timer, bool) {
	if q.head == len(q.q) || q.q[q.head].at > now {
		return timer{}, false
	}
	tm := q.q[q.head]
	q.q[q.head] = timer{}
	q.head++
	return tm, true
}

func (q *timerQueue) reset() { q.q, q.head = q.q[:0], 0 }

// Tracker follows every connection seen in a stream of segments. It is
// deterministic (capture timestamps are its only clock) and not safe for
// concurrent use.
type Tracker struct {
	cfg    Config
	conns  map[connKey]*Conn
	evs    []Event
	nextID uint64
	tw     timerQueue // TIME_WAIT expiries
	linger timerQueue // ends of fully closed connections

	// The template of the events being reported: the segment being
	// processed (or the timer firing, the connection ending), copied into
	// every event it causes. What the rules learn of a segment is passed
	// to them (seg), not kept here.
	cur Event

	// Every connection not yet ended holds a slot, by which its timers
	// name it, live or frozen (freeze.go); free lists the slots of the
	// connections that ended, for reuse.
	slots []slot
	free  []uint32
	frz   freezer // Config.Freeze: the frozen connections and their pacing

	// cache holds connCacheSize entries once Observe ran (a clone starts
	// without); cacheGen counts the deletions from conns.
	cache    []cacheEntry
	cacheGen uint64
}

// strictEdges makes set panic on a transition that is not an Edge. Tests
// turn it on (export_test.go); in production an impossible transition is
// dropped, never shown.
var strictEdges = false

// NewTracker returns an empty tracker.
func NewTracker(cfg Config) *Tracker {
	if cfg.TimeWait <= 0 {
		cfg.TimeWait = DefaultTimeWait
	}
	if cfg.Linger <= 0 {
		cfg.Linger = DefaultLinger
	}
	t := &Tracker{cfg: cfg, conns: map[connKey]*Conn{}}
	t.frz.init(cfg)
	return t
}

// Open returns the number of connections being tracked (frozen ones
// included).
func (t *Tracker) Open() int { return len(t.conns) + t.frz.n }

// Observe feeds one segment. It first fires the timers due at s.Time (see
// Advance), then returns a KindSegment event for s followed by the
// transitions, revisions and notes it caused and KindEnd for connections
// it let go. The returned slice is reused by the next call to Observe,
// Advance or Flush.
func (t *Tracker) Observe(s Segment) []Event {
	t.evs = t.evs[:0]
	if t.cfg.Freeze {
		t.tick()
	}
	t.fire(s.Time)

	if t.cache == nil {
		t.cache = make([]cacheEntry, connCacheSize)
	}
	h := cacheSlot(s.VLAN, s.Src, s.Dst)
	var key connKey // computed on a cache miss, or when a new connection needs it
	c := t.cached(h, &s)
	keyed := c == nil
	if keyed {
		key = keyOf(s.VLAN, s.Src, s.Dst)
		c = t.conns[key]
		if c == nil && t.frz.n > 0 {
			c = t.thawKey(key)
		}
		if c != nil {
			t.cache[h] = cacheEntry{c, t.cacheGen}
		}
	}
	if c != nil {
		c.touched = t.frz.now
	}
	if c.prevLive() != nil && t.refusedAfterAll(c, &s) {
		return t.evs
	}
	if p := c.prevLive(); p != nil && p.inTimeWait() && p.takes(&s) {
		// A segment of the old connection whose TIME_WAIT is still
		// there (its ACK answering the rejected SYN, the RST that answers
		// that ACK): it belongs to the old numbers.
		t.segment(p, &s, false)
		if !p.inTimeWait() {
			t.cur.Conn = c
			t.note(c, c.roleOf(s.Src), NoteSynSentSurvivesRst)
		}
		return t.evs
	}
	reused := false
	var old *Conn
	if c != nil && t.startsNew(c, &s) {
		reused = s.Flags&SYN != 0
		if t.timeWaitRejects(c, &s) {
			// Linux's TIME_WAIT does not accept this SYN
			// (tcp_timewait_state_process): it stays, and answers with
			// an ACK of the old connection. The new connection takes the
			// map slot; the old one is kept until its TIME_WAIT ends.
			t.cur = Event{Conn: c, Packet: s.Packet, Time: s.Time, From: c.roleOf(s.Src), Flags: s.Flags}
			t.note(c, c.roleOf(s.Dst), NoteTimeWaitSynRejected)
			old = c
		} else if t.reuse(c, &s) {
			old = c
		}
		c = nil
	}
	if c == nil {
		if !keyed {
			key = keyOf(s.VLAN, s.Src, s.Dst)
		}
		c = t.newConn(&s)
		c.prev = old
		t.conns[key] = c
		t.cache[h] = cacheEntry{c, t.cacheGen}
	}
	t.segment(c, &s, reused)
	return t.evs
}

// Advance fires the timers due at now (TIME_WAIT's 2MSL, the linger of
// closed connections) and returns the resulting transitions and KindEnd
// events. The returned slice is reused by the next call.
func (t *Tracker) Advance(now time.Time) []Event {
	t.evs = t.evs[:0]
	t.fire(now)
	return t.evs
}

// Flush ends the input: it returns KindEnd (preceded by any final notes)
// for every connection still tracked, in order of ID, and forgets them.
// Pending TIME_WAIT timers do not fire: the capture ended first.
func (t *Tracker) Flush() []Event {
	t.evs = t.evs[:0]
	for _, o := range t.openConns() {
		if c := t.slotConn(o.slot); c != nil {
			t.end(c)
		}
	}
	t.tw.reset()
	t.linger.reset()
	return t.evs
}

// fire runs every timer due at or before now, TIME_WAIT expiries first
// (an expiry can close a connection, whose linger then starts).
func (t *Tracker) fire(now time.Time) {
	n := now.UnixNano()
	for {
		tm, ok := t.tw.due(n)
		if !ok {
			break
		}
		c := t.timerConn(tm)
		r := tm.role()
		if c == nil || c.State[r] != TimeWait || c.twUntil[r].UnixNano() != tm.at {
			continue // gone, left TIME_WAIT another way (RST, reuse), or restarted
		}
		// RFC 9293 §3.10.8: "If the time-wait timeout expires on a
		// connection, delete the TCB, enter the CLOSED state". Nothing
		// on the wire shows it.
		t.cur = Event{Conn: c, Time: c.twUntil[r]}
		t.set(c, r, Closed, ReasonTimeWaitExpired, Assumed)
	}
	for {
		tm, ok := t.linger.due(n)
		if !ok {
			break
		}
		c := t.timerConn(tm)
		if c != nil && c.over() && c.closedAt.time().Add(t.cfg.Linger).UnixNano() == tm.at {
			t.end(c)
		}
	}
}

// prevLive returns c's superseded connection (prev) while the tracker
// still follows it, else nil; c may be nil.
func (c *Conn) prevLive() *Conn {
	if c == nil || c.prev == nil || c.prev.done {
		return nil
	}
	return c.prev
}

// Recycle hands back c, a connection the tracker reported ended
// (KindEnd), for the tracker to reuse for a later connection: the caller
// promises that nothing reads c, nor its Transitions, any more (report
// does so once a connection is written). Anything else is ignored.
func (t *Tracker) Recycle(c *Conn) {
	if c != nil && c.done && len(t.frz.pool) < maxPool {
		t.frz.pool = append(t.frz.pool, c)
	}
}

// end reports KindEnd for c and forgets it.
func (t *Tracker) end(c *Conn) {
	if c.done {
		return
	}
	if p := c.prevLive(); p != nil {
		t.end(p)
	}
	t.cur = Event{Conn: c, Time: c.LastTime}
	t.finalNotes(c)
	c.done = true
	key := c.key()
	switch n := t.conns[key]; {
	case n == c:
		delete(t.conns, key)
		t.cacheGen++
	case n != nil && n.prev == c:
		// The connection that superseded c lets go of it, so that c may
		// be recycled (Recycle) and the newer one frozen.
		n.prev = nil
	}
	t.freeSlot(c)
	t.evs = append(t.evs, Event{Kind: KindEnd, Conn: c, Time: c.LastTime, States: c.State})
}

// set moves endpoint r of c to state to, recording why and how it is
// known. It is the only place a state changes (revise only withdraws).
// A change that is not an Edge is refused: it is never shown.
func (t *Tracker) set(c *Conn, r Role, to State, why Reason, conf Confidence) {
	from := c.State[r]
	if from == to {
		return
	}
	if !Legal(from, to) {
		if strictEdges {
			panic(fmt.Sprintf("fsm: %s %s -> %s (%s) is not an edge of RFC 9293's diagram (packet %d)", r, from, to, why, t.cur.Packet))
		}
		return
	}
	c.State[r] = to
	tr := Transition{Packet: t.cur.Packet, Time: t.cur.Time, Endpoint: r, From: from, To: to, Reason: why, Confidence: conf}
	c.Transitions = appendTransition(c.Transitions, tr)
	t.evs = append(t.evs, t.cur)
	ev := &t.evs[len(t.evs)-1]
	ev.Kind = KindTransition
	ev.Conn = c
	ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Confidence = r, from, to, why, conf
	ev.Ordinal = len(c.Transitions) - 1
	ev.Revision = nil
	ev.States = c.State

	if to == TimeWait {
		t.startTimeWait(c, r)
	}
	if c.over() {
		c.closedAt = instantOf(t.cur.Time)
		t.linger.push(t.timer(t.cur.Time.Add(t.cfg.Linger).UnixNano(), c, 0))
	}
}

// An open is five transitions (the client's two, the server's three,
// LISTEN included) and a whole close six more, TIME_WAIT expiry included.
// A connection's transitions start with room for its open and grow once
// to room for its close: room for 12 at once would be half empty in every
// connection that stays open (the tracker holds many that only wait).
// 5 and 11 Transitions are 320 and 704 bytes, sizes the allocator has.
const (
	openTransitions  = 5
	closeTransitions = 11
)

// appendTransition is append with that growth.
func appendTransition(ts []Transition, tr Transition) []Transition {
	if len(ts) == cap(ts) && cap(ts) < closeTransitions {
		ts = append(make([]Transition, 0, closeTransitions), ts...)
	}
	return append(ts, tr)
}

// startTimeWait (re)starts the 2MSL timer of r (RFC 9293 §3.10.7.4: a
// FIN retransmitted into TIME_WAIT restarts it; Linux
// inet_twsk_reschedule).
func (t *Tracker) startTimeWait(c *Conn, r Role) {
	c.twUntil[r] = t.cur.Time.Add(t.cfg.TimeWait)
	t.tw.push(t.timer(c.twUntil[r].UnixNano(), c, r))
}

// over reports whether the connection is finished: both endpoints CLOSED,
// or one CLOSED and the other back to (or never more than) a listener.
func (c *Conn) over() bool {
	gone := func(s State) bool { return s == Closed || s == Listen || s == Unknown }
	return gone(c.State[Client]) && gone(c.State[Server]) &&
		(c.State[Client] == Closed || c.State[Server] == Closed)
}

func (c *Conn) inTimeWait() bool {
	return c.State[Client] == TimeWait || c.State[Server] == TimeWait
}

// note records an annotation about endpoint r.
func (t *Tracker) note(c *Conn, r Role, why Reason) {
	if len(c.Notes) < maxNotes {
		c.Notes = append(c.Notes, Note{Packet: t.cur.Packet, Endpoint: r, Reason: why})
	}
	t.evs = append(t.evs, t.cur)
	ev := &t.evs[len(t.evs)-1]
	ev.Kind = KindNote
	ev.Conn = c
	ev.Endpoint, ev.Reason = r, why
	ev.Revision = nil
	ev.States = c.State
}

// guessClientIsSrc guesses roles for a connection joined without its SYN:
// a well-known port (< 1024) is the server's; otherwise an ephemeral port
// (≥ 32768, Linux's default ip_local_port_range starts there) is the
// client's; otherwise the sender of the first segment seen is the client.
func guessClientIsSrc(src, dst uint16) bool {
	if sw, dw := src < 1024, dst < 1024; sw != dw {
		return dw
	}
	if se, de := src >= 32768, dst >= 32768; se != de {
		return se
	}
	return true
}

// newConn starts tracking the connection s belongs to.
func (t *Tracker) newConn(s *Segment) *Conn {
	t.nextID++
	c := t.newConnStruct()
	c.ID, c.VLAN, c.FirstPacket, c.FirstTime = t.nextID, s.VLAN, s.Packet, s.Time
	c.ep[Client].wscale, c.ep[Server].wscale = -1, -1
	clientIsSrc := true
	switch {
	case s.Flags&SYN != 0 && s.Flags&(ACK|RST) == 0:
		// The normal case: the sender of a SYN without ACK is the client,
		// which was CLOSED until connect() sent it.
		c.State[Client] = Closed
	case s.Flags&SYN != 0 && s.Flags&ACK != 0 && s.Flags&RST == 0:
		// Capture began at the SYN+ACK: its sender is the server.
		clientIsSrc = false
		c.JoinedLate = true
	default:
		clientIsSrc = guessClientIsSrc(s.Src.Port(), s.Dst.Port())
		c.JoinedLate = true
	}
	if clientIsSrc {
		c.Client, c.Server = s.Src, s.Dst
	} else {
		c.Client, c.Server = s.Dst, s.Src
	}
	c.zeek.flipped = !clientIsSrc
	c.touched = t.frz.now
	t.takeSlot(c)
	return c
}

// startsNew reports whether s, a segment on the 4-tuple of c, opens a new
// connection rather than continuing c: a SYN without ACK from an endpoint
// that is not (or no longer) in the middle of its own open, sent to an
// endpoint that is not synchronized.
func (t *Tracker) startsNew(c *Conn, s *Segment) bool {
	if c.over() && s.Time.Sub(c.closedAt.time()) > t.cfg.Linger {
		return true // lingered long enough: anything now is a new story
	}
	if s.Flags&(SYN|ACK|RST) == SYN|ACK {
		// A SYN+ACK with a new ISN from an endpoint that had left the
		// connection (TIME_WAIT or CLOSED): only a listener answers a SYN
		// with one (LISTEN → SYN_RECV), so the old socket was gone (a
		// TIME_WAIT ended by an RST, RFC 9293 Figure 8, or taken over by
		// the SYN, Linux TCP_TW_SYN) and this is a new connection whose
		// SYN the capture lacks. Linux never changes an ISN within one
		// connection; the same ISN is the old SYN+ACK again.
		x := c.roleOf(s.Src)
		st, ex := c.State[x], &c.ep[x]
		return (st == TimeWait || st == Closed) && ex.isnKnown && Seq(s.Seq) != ex.iss
	}
	if s.Flags&SYN == 0 || s.Flags&(ACK|RST) != 0 {
		return false
	}
	x := c.roleOf(s.Src)
	ex := &c.ep[x]
	if ex.synSeen && Seq(s.Seq) == ex.iss {
		return false // the same SYN again: a retransmission
	}
	if !ex.synSeen && c.State[x.Peer()] == SynSent {
		return false // crossing SYNs: simultaneous open (or a split handshake)
	}
	if !ex.synSeen && ex.isnKnown && Seq(s.Seq) == ex.iss {
		return false // the SYN the peer's SYN+ACK already acknowledged, late
	}
	if ys := c.State[x.Peer()]; ys.Synchronized() && ys != TimeWait {
		// A SYN with a new ISN reaching a synchronized endpoint does not
		// open anything: Linux answers with a challenge ACK and keeps the
		// connection (RFC 5961 §4, tcp_validate_incoming).
		return false
	}
	return true
}

// timeWaitRejects reports whether s, a SYN that would start a new
// connection on c's 4-tuple, reaches an endpoint of c in TIME_WAIT that
// refuses it. Linux (tcp_timewait_state_process) accepts the SYN only if
// it passes PAWS and its ISN is after the TIME_WAIT's RCV.NXT, or both
// ends use timestamps and its TSval is newer than the last one seen.
// Otherwise TIME_WAIT stays and answers with an ACK of the old connection
// (RFC 9293 Figure 8's old duplicate SYN).
func (t *Tracker) timeWaitRejects(c *Conn, s *Segment) bool {
	if s.Flags&SYN == 0 || s.Flags&(ACK|RST) != 0 {
		return false
	}
	x := c.roleOf(s.Src)
	if c.State[x.Peer()] != TimeWait || c.over() {
		return false
	}
	ex := &c.ep[x]
	ts := s.Options.Timestamp && ex.tsValid
	if ts && int32(s.Options.TSval-ex.tsRecent) < 0 {
		return true // PAWS (RFC 7323 §5): an older timestamp
	}
	rcvNxt, known := c.ep[x.Peer()].rcvNxt(ex)
	if known && rcvNxt.LessThan(s.Seq) {
		return false
	}
	if ts && int32(ex.tsRecent-s.Options.TSval) < 0 {
		return false
	}
	return known || ts
}

// takes reports whether s belongs to c, an old connection in TIME_WAIT
// that a newer one superseded in the map: the TIME_WAIT endpoint's ACK
// carrying its old numbers, or an RST at its RCV.NXT.
func (c *Conn) takes(s *Segment) bool {
	if s.Flags&SYN != 0 {
		return false
	}
	x := c.roleOf(s.Src)
	ex, ey := &c.ep[x], &c.ep[x.Peer()]
	if s.Flags&RST != 0 {
		n, ok := ey.rcvNxt(ex)
		return c.State[x.Peer()] == TimeWait && ok && s.Seq == n
	}
	return c.State[x] == TimeWait && ex.nxtValid && s.Seq == ex.nxt
}

// reuse ends c because s starts a new connection on its 4-tuple. When
// the SYN took over the peer's TIME_WAIT, that end is only inferred (the
// capture point may be before the peer, which may still refuse it): c is
// kept, and reuse reports true, so that the TIME_WAIT's answer can
// revise it (refusedAfterAll).
func (t *Tracker) reuse(c *Conn, s *Segment) (kept bool) {
	t.cur = Event{Conn: c, Packet: s.Packet, Time: s.Time, From: c.roleOf(s.Src), Flags: s.Flags}
	for _, r := range []Role{Client, Server} {
		if c.State[r] == TimeWait {
			// Linux lets a SYN with a higher ISN (or timestamp) take over a
			// 4-tuple in TIME_WAIT (tcp_timewait_state_process: TCP_TW_SYN).
			conf := Seen
			if r != c.roleOf(s.Src) {
				conf, kept = Inferred, true
			}
			t.set(c, r, Closed, ReasonReused, conf)
		}
	}
	if !kept {
		t.end(c)
	}
	return kept
}

// refusedAfterAll handles the case where the capture (taken before the
// peer) showed a SYN that should take over a TIME_WAIT, and the TIME_WAIT
// answers with an ACK of the old connection: the peer refused it after all
// (PAWS with a timestamp rewritten on the way, or an old ISN). The
// TIME_WAIT is given back to the old connection (a revision) and the ACK
// is shown there.
func (t *Tracker) refusedAfterAll(c *Conn, s *Segment) bool {
	p := c.prev
	r := p.roleOf(s.Src)
	if s.Flags&(SYN|RST|FIN) != 0 || s.Flags&ACK == 0 || c.Packets[c.roleOf(s.Src)] != 0 ||
		p.State[r] != Closed || !p.ep[r].nxtValid || s.Seq != p.ep[r].nxt {
		return false
	}
	i := p.byReason(r, ReasonReused)
	if i < 0 || p.Transitions[i].Confidence != Inferred {
		return false
	}
	t.segment(p, s, false) // the segment's event first, then what it showed
	t.revise(p, r, i, NoteTimeWaitSynRejected)
	for k := len(t.evs) - 1; k >= 0; k-- {
		if t.evs[k].Kind == KindSegment {
			t.evs[k].States = p.State // the states after the segment, revised
			break
		}
	}
	return true
}

func (c *Conn) roleOf(a netip.AddrPort) Role {
	if a == c.Client {
		return Client
	}
	return Server
}
