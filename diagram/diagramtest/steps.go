// Package diagramtest builds hand-written session.Step sequences of
// textbook connections, with realistic numbers, for the tests of the
// diagram and ui packages.
package diagramtest

import (
	"net/netip"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
)

// ISNs and addresses used by the scenarios.
const (
	X uint32 = 2896147381 // client ISN
	Y uint32 = 1137456012 // server ISN
)

var (
	ClientAddr = netip.MustParseAddrPort("127.0.0.1:51234")
	ServerAddr = netip.MustParseAddrPort("127.0.0.1:7788")
	T0         = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
)

// Builder appends steps of one connection, tracking states.
type Builder struct {
	Steps  []session.Step
	states [2]fsm.State
	pkt    uint64
	t      time.Time
}

// NewBuilder starts a connection whose endpoints are in the given states.
func NewBuilder(client, server fsm.State) *Builder {
	return &Builder{states: [2]fsm.State{client, server}, t: T0}
}

// Change is one state change in a step.
type Change struct {
	Who    fsm.Role
	To     fsm.State
	Reason fsm.Reason
}

// Seg appends a segment from role from with relative seq/ack and payload,
// advancing the clock by dt.
func (b *Builder) Seg(dt time.Duration, from fsm.Role, flags fsm.Flags, seq, ack uint32, payload string, changes []Change, notes ...fsm.Reason) *session.Step {
	b.pkt++
	b.t = b.t.Add(dt)
	isn, peer := X, Y
	if from == fsm.Server {
		isn, peer = Y, X
	}
	s := session.Step{
		Index: len(b.Steps), Packet: b.pkt, Time: b.t, ConnID: 1,
		From: from, Flags: flags, Seq: seq, Ack: ack,
		RawSeq: isn + seq, Len: uint32(len(payload)), Window: 512,
		Options: fsm.Options{WScale: -1},
	}
	if flags.Has(fsm.ACK) {
		s.RawAck = peer + ack
	}
	if payload != "" {
		s.Payload = []byte(payload)
	}
	b.apply(&s, changes)
	s.Notes = notes
	b.Steps = append(b.Steps, s)
	return &b.Steps[len(b.Steps)-1]
}

// Timer appends a timer step after dt.
func (b *Builder) Timer(dt time.Duration, changes ...Change) {
	b.t = b.t.Add(dt)
	s := session.Step{Index: len(b.Steps), Time: b.t, ConnID: 1}
	b.apply(&s, changes)
	b.Steps = append(b.Steps, s)
}

// Side appends a step that a segment of another connection (packet
// number pkt, which the builder skips) caused on this one.
func (b *Builder) Side(dt time.Duration, changes ...Change) {
	b.pkt++
	b.t = b.t.Add(dt)
	s := session.Step{Index: len(b.Steps), Packet: b.pkt, Time: b.t, ConnID: 1, Side: true}
	b.apply(&s, changes)
	b.Steps = append(b.Steps, s)
}

func (b *Builder) apply(s *session.Step, changes []Change) {
	for _, c := range changes {
		s.Changes = append(s.Changes, fsm.Transition{Packet: s.Packet, Time: s.Time, Endpoint: c.Who, From: b.states[c.Who], To: c.To, Reason: c.Reason})
		b.states[c.Who] = c.To
	}
	s.States = b.states
}

// Conn returns the connection as it is after the last step.
func (b *Builder) Conn() fsm.Conn {
	c := fsm.Conn{ID: 1, Client: ClientAddr, Server: ServerAddr, State: b.states, FirstTime: T0, FirstPacket: 1}
	for _, s := range b.Steps {
		c.Transitions = append(c.Transitions, s.Changes...)
		for _, n := range s.Notes {
			c.Notes = append(c.Notes, fsm.Note{Packet: s.Packet, Endpoint: s.From, Reason: n})
		}
		if !s.Timer() {
			c.Packets[s.From]++
			c.Bytes[s.From] += uint64(s.Len)
			c.LastPacket = s.Packet
		}
		c.LastTime = s.Time
	}
	return c
}

const (
	c = fsm.Client
	s = fsm.Server
)

// Handshake appends the three-way handshake, with the options Linux puts
// on loopback SYNs.
func (b *Builder) Handshake() {
	opts := fsm.Options{MSS: 65495, WScale: 7, SACKPerm: true, Timestamp: true}
	syn := b.Seg(0, c, fsm.SYN, 0, 0, "", []Change{{c, fsm.SynSent, fsm.ReasonSynSent}, {s, fsm.Listen, fsm.ReasonListen}})
	syn.Options, syn.Window = opts, 65495
	sa := b.Seg(42*time.Microsecond, s, fsm.SYN|fsm.ACK, 0, 1, "", []Change{{s, fsm.SynRecv, fsm.ReasonSynAckSent}, {c, fsm.Established, fsm.ReasonSynAckReceived}})
	sa.Options, sa.Window = opts, 65483
	b.Seg(31*time.Microsecond, c, fsm.ACK, 1, 1, "", []Change{{s, fsm.Established, fsm.ReasonHandshakeAck}})
}

// ClientClose is the course's picture: handshake, one line each way, the
// client closes first (four-way teardown), TIME_WAIT expires.
func ClientClose() *Builder {
	b := NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	b.Seg(2*time.Second, c, fsm.PSH|fsm.ACK, 1, 1, "hello\n", nil)
	b.Seg(40*time.Microsecond, s, fsm.ACK, 1, 7, "", nil)
	b.Seg(150*time.Microsecond, s, fsm.PSH|fsm.ACK, 1, 7, "HELLO\n", nil)
	b.Seg(38*time.Microsecond, c, fsm.ACK, 7, 7, "", nil)
	b.Seg(3*time.Second, c, fsm.FIN|fsm.ACK, 7, 7, "", []Change{{c, fsm.FinWait1, fsm.ReasonActiveClose}, {s, fsm.CloseWait, fsm.ReasonFinReceived}})
	b.Seg(45*time.Microsecond, s, fsm.ACK, 7, 8, "", []Change{{c, fsm.FinWait2, fsm.ReasonFinAcked}})
	b.Seg(120*time.Microsecond, s, fsm.FIN|fsm.ACK, 7, 8, "", []Change{{s, fsm.LastAck, fsm.ReasonPassiveClose}, {c, fsm.TimeWait, fsm.ReasonFinInFinWait2}})
	b.Seg(30*time.Microsecond, c, fsm.ACK, 8, 8, "", []Change{{s, fsm.Closed, fsm.ReasonLastAck}})
	b.Timer(60*time.Second, Change{c, fsm.Closed, fsm.ReasonTimeWaitExpired})
	return b
}

// SimultaneousClose: both sides send FIN before receiving the other's.
func SimultaneousClose() *Builder {
	b := NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	b.Seg(time.Second, c, fsm.FIN|fsm.ACK, 1, 1, "", []Change{{c, fsm.FinWait1, fsm.ReasonActiveClose}})
	b.Seg(9*time.Microsecond, s, fsm.FIN|fsm.ACK, 1, 1, "", []Change{{s, fsm.FinWait1, fsm.ReasonActiveClose}, {s, fsm.Closing, fsm.ReasonSimultaneousClose}, {c, fsm.Closing, fsm.ReasonSimultaneousClose}})
	b.Seg(30*time.Microsecond, c, fsm.ACK, 2, 2, "", []Change{{s, fsm.TimeWait, fsm.ReasonClosingAcked}})
	b.Seg(2*time.Microsecond, s, fsm.ACK, 2, 2, "", []Change{{c, fsm.TimeWait, fsm.ReasonClosingAcked}})
	b.Timer(60*time.Second, Change{s, fsm.Closed, fsm.ReasonTimeWaitExpired})
	b.Timer(2*time.Microsecond, Change{c, fsm.Closed, fsm.ReasonTimeWaitExpired})
	return b
}

// Bulk: a handshake, n data segments with their ACKs from the client, a
// retransmission in the middle, then a client close.
func Bulk(n int) *Builder {
	b := NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	seq := uint32(1)
	for i := 0; i < n; i++ {
		b.Seg(100*time.Microsecond, c, fsm.PSH|fsm.ACK, seq, 1, "0123456789abcdef", nil)
		b.Seg(20*time.Microsecond, s, fsm.ACK, 1, seq+16, "", nil)
		if i == n/2 {
			b.Seg(200*time.Millisecond, c, fsm.PSH|fsm.ACK, seq, 1, "0123456789abcdef", nil, fsm.NoteRetransmit)
		}
		seq += 16
	}
	b.Seg(time.Second, c, fsm.FIN|fsm.ACK, seq, 1, "", []Change{{c, fsm.FinWait1, fsm.ReasonActiveClose}, {s, fsm.CloseWait, fsm.ReasonFinReceived}})
	b.Seg(45*time.Microsecond, s, fsm.FIN|fsm.ACK, 1, seq+1, "", []Change{{s, fsm.LastAck, fsm.ReasonPassiveClose}, {c, fsm.TimeWait, fsm.ReasonFinAndAck}})
	b.Seg(30*time.Microsecond, c, fsm.ACK, seq+1, 2, "", []Change{{s, fsm.Closed, fsm.ReasonLastAck}})
	return b
}

// PortReuse: a client close whose TIME_WAIT a new SYN on the same ports
// ends early (the SYN belongs to the next connection).
func PortReuse() *Builder {
	b := ClientClose()
	b.Steps = b.Steps[:len(b.Steps)-1] // no timer
	b.states[c] = fsm.TimeWait
	b.Side(65*time.Millisecond, Change{c, fsm.Closed, fsm.ReasonReused})
	return b
}
