package fsm

import (
	"net/netip"
	"time"
)

// Conn is one TCP connection: both endpoints' states and what led to them.
// The tracker owns and mutates a Conn until it reports KindEnd for it;
// readers on other goroutines must copy what they need before that (the
// session store does, on the tracker's goroutine).
type Conn struct {
	ID     uint64         // 1-based, in order of first packet
	Client netip.AddrPort // sender of the first SYN without ACK (guessed when JoinedLate)
	Server netip.AddrPort
	VLAN   uint32

	// JoinedLate is set when the capture did not see the connection's
	// first SYN, so roles were inferred (from the SYN+ACK, or from ports).
	JoinedLate bool

	State [2]State // current state of [Client] and [Server]

	done     bool // reported KindEnd
	lastFrom Role // sender of the last segment

	FirstPacket, LastPacket uint64
	FirstTime, LastTime     time.Time
	Packets                 [2]uint64 // segments sent by [Client], [Server]
	Bytes                   [2]uint64 // payload bytes sent by [Client], [Server]

	// Transitions is append-only: every transition as it was believed
	// when its packet was seen, withdrawn ones marked (WithdrawnBy). Path
	// returns the corrected path; Revisions says what was corrected.
	Transitions []Transition
	Revisions   []Revision
	Notes       []Note

	ep       [2]endpoint // sequence tracking per sender
	zeek     zeekState
	twUntil  [2]time.Time // TIME_WAIT deadline per endpoint
	closedAt instant      // when the connection was over (see over)
	// prev is an older connection on the same 4-tuple whose TIME_WAIT
	// refused the SYN that started this one (RFC 9293 Figure 8): it keeps
	// receiving the segments that carry its old numbers until its
	// TIME_WAIT ends (an RST, the timer); it ends at the latest with this
	// one.
	prev *Conn

	probes [2]int        // keep-alive probes sent by [Client], [Server]
	rtt    time.Duration // the client's SYN to its handshake ACK, at the capture point (0: unknown)

	// The tracker's bookkeeping (freeze.go), not part of what the
	// connection is: a frozen and thawed Conn may differ here.
	slot    uint32 // its slot in Tracker.slots
	touched uint64 // Config.Freeze: the tracker's segment count when it last had a segment (or thawed)
}

// ClientState returns the client's current state.
func (c *Conn) ClientState() State { return c.State[Client] }

// ServerState returns the server's current state.
func (c *Conn) ServerState() State { return c.State[Server] }

// Addr returns the address of the endpoint playing role r.
func (c *Conn) Addr(r Role) netip.AddrPort {
	if r == Client {
		return c.Client
	}
	return c.Server
}

// Duration is the time from the first to the last packet.
func (c *Conn) Duration() time.Duration { return c.LastTime.Sub(c.FirstTime) }

// Path returns the corrected path: the transitions that stand, in order.
func (c *Conn) Path() []Transition {
	n := 0
	for i := range c.Transitions {
		if c.Transitions[i].WithdrawnBy == 0 {
			n++
		}
	}
	if n == len(c.Transitions) {
		return c.Transitions
	}
	out := make([]Transition, 0, n)
	for _, t := range c.Transitions {
		if t.WithdrawnBy == 0 {
			out = append(out, t)
		}
	}
	return out
}

// NoteKeys returns the distinct note reasons in order of first appearance.
func (c *Conn) NoteKeys() []Reason {
	var out []Reason
	seen := map[Reason]bool{}
	for _, n := range c.Notes {
		if !seen[n.Reason] {
			seen[n.Reason] = true
			out = append(out, n.Reason)
		}
	}
	return out
}

// ISN returns the initial sequence number of the endpoint playing role r,
// and whether it is known: from its SYN, or from what its peer
// acknowledged. An RST teaches nothing (the refused connection's RST has
// seq 0 and no ISN behind it).
func (c *Conn) ISN(r Role) (Seq, bool) {
	e := &c.ep[r]
	return e.iss, e.isnReal
}
