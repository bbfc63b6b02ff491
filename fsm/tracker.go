package fsm

import (
	"net/netip"
	"sort"
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
}

// maxNotes bounds Conn.Notes: a long transfer with many retransmissions
// keeps the first ones, which is enough to explain it.
const maxNotes = 256

// endpoint is what the observer knows of one endpoint's sending side.
type endpoint struct {
	seen       bool   // sent at least one segment
	synSeen    bool   // sent a SYN: iss is its real ISN
	synAckSent bool   // sent a SYN+ACK
	isnKnown   bool   // iss is usable as the base of relative numbers
	iss        Seq    // initial send sequence number (RFC 9293 §3.4), or inferred base
	nxt        Seq    // one past the highest sequence number it sent (its SND.NXT as seen)
	nxtValid   bool   // nxt was set from a segment it sent
	acked      Seq    // highest ack it sent: its RCV.NXT as announced
	ackValid   bool   //
	finSent    bool   //
	finTaken   bool   // the peer took its FIN (moved on it)
	finSeq     Seq    // sequence number of its FIN
	synLen     uint32 // payload carried on its SYN (TCP Fast Open)
	wscale     int8   // window scale from its SYN, -1 unknown
	window     uint32 // last advertised window, scaled when known
	wrapped    bool   // its sequence numbers wrapped past 2^32 (noted once)
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

// timer is a pending deadline: TIME_WAIT expiry of one endpoint, or the end
// of a closed connection's linger.
type timer struct {
	at   int64 // capture time, Unix nanoseconds
	conn *Conn
	role Role
}

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

	// The segment being processed, copied into every event it causes.
	cur Event
}

// NewTracker returns an empty tracker.
func NewTracker(cfg Config) *Tracker {
	if cfg.TimeWait <= 0 {
		cfg.TimeWait = DefaultTimeWait
	}
	if cfg.Linger <= 0 {
		cfg.Linger = DefaultLinger
	}
	return &Tracker{cfg: cfg, conns: map[connKey]*Conn{}}
}

// Open returns the number of connections being tracked.
func (t *Tracker) Open() int { return len(t.conns) }

// Observe feeds one segment. It first fires the timers due at s.Time (see
// Advance), then returns a KindSegment event for s followed by the
// transitions and notes it caused and KindEnd for connections it let go.
// The returned slice is reused by the next call to Observe, Advance or
// Flush.
func (t *Tracker) Observe(s Segment) []Event {
	t.evs = t.evs[:0]
	t.fire(s.Time)

	key := keyOf(s.VLAN, s.Src, s.Dst)
	c := t.conns[key]
	reused := false
	if c != nil && t.startsNew(c, &s) {
		reused = s.Flags&SYN != 0
		t.reuse(c, &s)
		c = nil
	}
	if c == nil {
		c = t.newConn(&s)
		t.conns[key] = c
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
	open := make([]*Conn, 0, len(t.conns))
	for _, c := range t.conns {
		open = append(open, c)
	}
	sort.Slice(open, func(i, j int) bool { return open[i].ID < open[j].ID })
	for _, c := range open {
		t.end(c)
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
		c := tm.conn
		if c.done || c.State[tm.role] != TimeWait || c.twUntil[tm.role].UnixNano() != tm.at {
			continue // gone, or left TIME_WAIT another way (RST, reuse)
		}
		// RFC 9293 §3.10.8: "If the time-wait timeout expires on a
		// connection, delete the TCB, enter the CLOSED state".
		t.cur = Event{Conn: c, Time: c.twUntil[tm.role]}
		t.set(c, tm.role, Closed, ReasonTimeWaitExpired)
	}
	for {
		tm, ok := t.linger.due(n)
		if !ok {
			break
		}
		c := tm.conn
		if !c.done && c.State[Client] == Closed && c.State[Server] == Closed &&
			c.closedAt.Add(t.cfg.Linger).UnixNano() == tm.at {
			t.end(c)
		}
	}
}

// end reports KindEnd for c and forgets it.
func (t *Tracker) end(c *Conn) {
	if c.done {
		return
	}
	if c.Packets[Client] == 0 || c.Packets[Server] == 0 {
		silent := Client
		if c.Packets[Client] != 0 {
			silent = Server
		}
		if c.State[silent].Synchronized() || c.State[silent] == SynRecv {
			t.cur = Event{Conn: c, Time: c.LastTime}
			t.note(c, silent, NoteOneDirection)
		}
	}
	c.done = true
	if key := c.key(); t.conns[key] == c {
		delete(t.conns, key)
	}
	t.evs = append(t.evs, Event{Kind: KindEnd, Conn: c, Time: c.LastTime, States: c.State})
}

// set moves endpoint r of c to state to, recording why. It is the only
// place a state changes.
func (t *Tracker) set(c *Conn, r Role, to State, why Reason) {
	from := c.State[r]
	if from == to {
		return
	}
	c.State[r] = to
	tr := Transition{Packet: t.cur.Packet, Time: t.cur.Time, Endpoint: r, From: from, To: to, Reason: why}
	c.Transitions = append(c.Transitions, tr)
	t.evs = append(t.evs, t.cur)
	ev := &t.evs[len(t.evs)-1]
	ev.Kind = KindTransition
	ev.Conn = c
	ev.Endpoint, ev.Old, ev.New, ev.Reason = r, from, to, why
	ev.States = c.State

	if to == TimeWait {
		c.twUntil[r] = t.cur.Time.Add(t.cfg.TimeWait)
		t.tw.push(timer{at: c.twUntil[r].UnixNano(), conn: c, role: r})
	}
	if c.State[Client] == Closed && c.State[Server] == Closed {
		c.closedAt = t.cur.Time
		t.linger.push(timer{at: t.cur.Time.Add(t.cfg.Linger).UnixNano(), conn: c})
	}
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
	c := &Conn{ID: t.nextID, VLAN: s.VLAN, FirstPacket: s.Packet, FirstTime: s.Time,
		Transitions: make([]Transition, 0, 12)} // a whole open and close, TIME_WAIT expiry included
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
	return c
}

// startsNew reports whether s, a segment on the 4-tuple of c, opens a new
// connection rather than continuing c: a SYN without ACK from an endpoint
// that is not (or no longer) in the middle of its own open.
func (t *Tracker) startsNew(c *Conn, s *Segment) bool {
	if c.State[Client] == Closed && c.State[Server] == Closed && s.Time.Sub(c.closedAt) > t.cfg.Linger {
		return true // lingered long enough: anything now is a new story
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
	return true
}

// reuse ends c because s starts a new connection on its 4-tuple.
func (t *Tracker) reuse(c *Conn, s *Segment) {
	t.cur = Event{Conn: c, Packet: s.Packet, Time: s.Time, From: c.roleOf(s.Src), Flags: s.Flags}
	for _, r := range []Role{Client, Server} {
		if c.State[r] == TimeWait {
			// Linux lets a SYN with a higher ISN (or timestamp) take over a
			// 4-tuple in TIME_WAIT (tcp_timewait_state_process: TCP_TW_SYN).
			t.set(c, r, Closed, ReasonReused)
		}
	}
	t.end(c)
}

func (c *Conn) roleOf(a netip.AddrPort) Role {
	if a == c.Client {
		return Client
	}
	return Server
}
