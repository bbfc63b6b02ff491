package fsm

import "regexp"

// This file mirrors, for the conn_state and history columns only, what
// Zeek's TCP analyzer does (src/packet_analysis/protocol/tcp/
// TCPSessionAdapter.cc and base/protocols/conn/main.zeek), so that synfin's
// summaries read like the conn.log network engineers know. Zeek's endpoint
// states are coarser than RFC 9293's and are kept apart from them.

// zState is a Zeek TCP endpoint state (TCP_ENDPOINT_*).
type zState uint8

const (
	zInactive zState = iota
	zSynSent
	zSynAckSent
	zPartial
	zEstablished
	zClosed
	zReset
)

// History bits, one per letter and direction (Zeek's HIST_* masks).
const (
	histSYN uint32 = 1 << iota
	histFIN
	histRST
	histFinRst
	histData
	histAck
	histMulti
)

type zEndpoint struct {
	state, prev    zState
	startSeq       Seq
	lastSeq        Seq
	histLastSYN    uint32
	histLastFIN    uint32
	histLastRST    uint32
	rxmt, rxmtNext uint32
	win0, win0Next uint32
}

func (e *zEndpoint) set(s zState) { e.prev, e.state = e.state, s }

// zeekState is the Zeek view of one connection; ep is indexed by Role
// (Zeek's originator is synfin's client).
type zeekState struct {
	ep      [2]zEndpoint
	seen    [2]uint32 // history bits already recorded, per role
	history []byte
	flipped bool // roles differ from "sender of the first packet" (Zeek's '^')
}

func (z *zeekState) add(r Role, code byte) {
	if r == Server && code >= 'A' && code <= 'Z' {
		code += 'a' - 'A'
	}
	if len(z.history) == 0 && z.flipped {
		z.history = append(z.history, '^')
	}
	z.history = append(z.history, code)
}

// check records code the first time mask is seen for r, and reports
// whether it had been seen before (Zeek's CheckHistory).
func (z *zeekState) check(r Role, mask uint32, code byte) bool {
	if z.seen[r]&mask != 0 {
		return true
	}
	z.seen[r] |= mask
	z.add(r, code)
	return false
}

// scaled adds code at counts 1, 10, 100... (Zeek's ScaledHistoryEntry).
func (z *zeekState) scaled(r Role, code byte, count, next *uint32) {
	*count++
	if *next == 0 {
		*next = 1
	}
	if *count == *next {
		z.add(r, code)
		*next *= 10
	}
}

const tooLargeSeqDelta = 1048576

// zeekObserve runs Zeek's per-packet endpoint logic for a segment from X.
func (t *Tracker) zeekObserve(c *Conn, X Role, s *Segment) {
	z := &c.zeek
	Y := X.Peer()
	e, p := &z.ep[X], &z.ep[Y]
	isOrig := X == Client
	f := s.Flags
	segLen := s.SeqLen()
	if f&RST != 0 {
		segLen -= s.Len
	}
	past := s.Seq.Add(segLen)

	// init_endpoint
	switch e.state {
	case zInactive:
		if f&SYN != 0 {
			e.startSeq, e.lastSeq = s.Seq, past
		} else {
			// Partial: number as though the SYN was just before, and
			// do not count the first packet as a retransmission.
			e.startSeq, e.lastSeq = s.Seq-1, s.Seq
		}
	case zSynSent, zSynAckSent, zEstablished, zPartial:
		if f&SYN != 0 && s.Seq != e.startSeq {
			e.startSeq, e.lastSeq = s.Seq, past
		}
	case zReset:
		if f&SYN != 0 && e.prev == zInactive {
			e.startSeq, e.lastSeq = s.Seq, past
		}
	}
	relSeq := s.Seq.Sub(e.startSeq)

	// update_history
	bits := 0
	for _, b := range []Flags{SYN, FIN, RST} {
		if f&b != 0 {
			bits++
		}
	}
	switch {
	case bits > 1:
		if f&FIN != 0 && f&RST != 0 {
			z.check(X, histFinRst, 'I')
		} else {
			z.check(X, histMulti, 'Q')
		}
	case bits == 1:
		if f&SYN != 0 {
			code := byte('S')
			if f&ACK != 0 {
				code = 'H'
			}
			if z.check(X, histSYN, code) && relSeq != e.histLastSYN {
				z.add(X, code)
			}
			e.histLastSYN = relSeq
		}
		if f&FIN != 0 {
			if z.check(X, histFIN, 'F') && relSeq+s.Len != e.histLastFIN {
				z.add(X, 'F')
			}
			e.histLastFIN = relSeq + s.Len
		}
		if f&RST != 0 {
			if z.check(X, histRST, 'R') && relSeq != e.histLastRST {
				z.add(X, 'R')
			}
			e.histLastRST = relSeq
		}
	default:
		if s.Len > 0 {
			z.check(X, histData, 'D')
		} else if f&ACK != 0 {
			z.check(X, histAck, 'A')
		}
	}

	// update_window: zero windows are interesting unless they come with
	// or after a RST, or after the peer's FIN.
	if s.Window == 0 && f&RST == 0 && p.state != zClosed && e.state != zReset {
		z.scaled(X, 'W', &e.win0, &e.win0Next)
	}

	if f&ACK != 0 && p.state == zInactive {
		// init_peer: number the peer as though its SYN was at ack-1.
		p.startSeq, p.lastSeq = s.Ack-1, s.Ack-1
	}

	// update_last_seq
	delta := int32(past - e.lastSeq)
	switch {
	case f&(SYN|RST) != 0 && (delta > tooLargeSeqDelta || delta < -tooLargeSeqDelta):
	case f&FIN != 0 && e.lastSeq == e.startSeq.Add(1):
		e.lastSeq = past
	case e.state == zReset:
	case delta > 0:
		e.lastSeq = past
	case s.Len > 0:
		z.scaled(X, 'T', &e.rxmt, &e.rxmtNext)
	}

	// UpdateStateMachine
	switch e.state {
	case zInactive:
		if f&SYN != 0 {
			if isOrig {
				if f&ACK != 0 {
					e.set(zSynAckSent)
				} else {
					e.set(zSynSent)
				}
			} else {
				if f&ACK == 0 && p.state == zSynAckSent && s.Seq == e.startSeq {
					p.set(zEstablished)
				}
				if p.state == zSynSent {
					p.set(zEstablished)
				}
				e.set(zEstablished)
			}
		}
		if f&FIN != 0 {
			e.set(zClosed)
		}
		if f&RST != 0 {
			e.set(zReset)
		}
		if e.state == zInactive {
			switch {
			case !isOrig && s.Len == 0 && z.ep[Client].state == zSynSent:
				// An ACK of the SYN before the SYN+ACK: not partial.
			case f&ACK != 0 && p.state == zEstablished:
				e.set(zEstablished)
			default:
				e.set(zPartial)
			}
		}
	case zSynSent, zSynAckSent:
		if f&FIN != 0 {
			e.set(zClosed)
		}
		if f&RST != 0 {
			e.set(zReset)
		}
	case zEstablished, zPartial:
		if f&SYN != 0 && e.state == zPartial && p.state == zInactive && f&ACK == 0 {
			e.set(zSynSent)
		}
		if f&FIN != 0 && f&RST == 0 {
			e.set(zClosed)
			if p.state == zReset && p.prev == zClosed {
				p.set(zClosed)
			}
		}
		if f&RST != 0 {
			e.set(zReset)
		}
	case zClosed:
		if f&RST != 0 && p.state != zClosed {
			e.set(zReset)
		}
	}
}

var rstos0 = regexp.MustCompile(`^\^?S[^HAFGIQ]*R`)

// History returns the connection's history in Zeek's letters (S h A D a d
// F f R r T t W w ^ ...): upper case for the client (Zeek's originator),
// lower case for the server.
func (c *Conn) History() string { return string(c.zeek.history) }

// ConnState returns Zeek's conn_state summary of the connection (S0, S1,
// SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH), with the
// client as Zeek's originator.
func (c *Conn) ConnState() string {
	os, rs := c.zeek.ep[Client].state, c.zeek.ep[Server].state
	oInactive := os == zInactive || os == zPartial
	rInactive := rs == zInactive || rs == zPartial
	switch {
	case rs == zReset:
		if os == zSynSent || os == zSynAckSent || (os == zReset && c.Bytes[Client] == 0 && c.Bytes[Server] == 0) {
			return "REJ"
		}
		if oInactive {
			return "RSTRH"
		}
		return "RSTR"
	case os == zReset:
		if rInactive {
			if rstos0.MatchString(c.History()) {
				return "RSTOS0"
			}
			return "OTH"
		}
		return "RSTO"
	case rs == zClosed && os == zClosed:
		return "SF"
	case os == zClosed:
		if rInactive {
			return "SH"
		}
		return "S2"
	case rs == zClosed:
		if oInactive {
			return "SHR"
		}
		return "S3"
	case os == zSynSent && rs == zInactive:
		return "S0"
	case os == zEstablished && rs == zEstablished:
		return "S1"
	}
	return "OTH"
}
