package fsm

import (
	"net/netip"
	"time"
)

// DefaultTimeWait is the TIME_WAIT duration (2MSL) Linux uses: 60 s
// (TCP_TIMEWAIT_LEN in include/net/tcp.h).
const DefaultTimeWait = 60 * time.Second

// Config tunes a Tracker.
type Config struct {
	// TimeWait is how long an endpoint stays in TIME_WAIT before the
	// tracker moves it to CLOSED (2MSL, RFC 9293 §3.6.1). Zero means
	// DefaultTimeWait.
	TimeWait time.Duration
}

// endpoint is what the observer knows of one sender's sequence space.
type endpoint struct{}

// zeekState mirrors Zeek's TCP endpoint states and history letters.
type zeekState struct{ history []byte }

// Key identifies a connection: VLAN and both ends, client first.
type Key struct {
	VLAN uint32
	A, B netip.AddrPort
}

// Tracker follows every connection seen in a stream of segments. It is
// deterministic (capture timestamps are its only clock) and not safe for
// concurrent use.
type Tracker struct {
	cfg   Config
	conns map[Key]*Conn
	evs   []Event
	next  uint64
}

// NewTracker returns an empty tracker.
func NewTracker(cfg Config) *Tracker {
	if cfg.TimeWait <= 0 {
		cfg.TimeWait = DefaultTimeWait
	}
	return &Tracker{cfg: cfg, conns: map[Key]*Conn{}}
}

// Observe feeds one segment. It first fires the timers due at s.Time (see
// Advance), then returns a KindSegment event for s followed by the
// transitions and notes it caused and KindEnd for connections it let go.
// The returned slice is reused by the next call to Observe, Advance or
// Flush.
func (t *Tracker) Observe(s Segment) []Event {
	t.evs = t.evs[:0]
	return t.evs
}

// Advance fires the timers due at now (TIME_WAIT's 2MSL) and returns the
// resulting transitions and KindEnd events. The returned slice is reused
// by the next call.
func (t *Tracker) Advance(now time.Time) []Event {
	t.evs = t.evs[:0]
	return t.evs
}

// Flush ends the input: it returns KindEnd (preceded by any final notes)
// for every connection still tracked, in order of ID, and forgets them.
func (t *Tracker) Flush() []Event {
	t.evs = t.evs[:0]
	return t.evs
}

// Open returns the number of connections being tracked.
func (t *Tracker) Open() int { return len(t.conns) }
