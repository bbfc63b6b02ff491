package fsm

import (
	"regexp"
	"slices"
)

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
	gap, gapNext   uint32
	finCnt         uint32
	finSeq         int64 // relative seq after the FIN (Zeek's FIN_seq)
	reasm          zReassembler
}

func (e *zEndpoint) set(s zState) { e.prev, e.state = e.state, s }

// zReassembler is the bookkeeping of Zeek's TCP_Reassembler for one
// sender's stream that decides the G/g history letters ("a content gap"):
// data the peer acknowledged but the capture never showed. Sequence
// numbers are relative to the sender's start (its first data byte is 1),
// as Zeek's. Only positions are kept, never payload.
type zReassembler struct {
	lastReassem int64 // next byte to deliver (Zeek's last_reassem_seq)
	trimSeq     int64 // highest acknowledged position (trim_seq)
	blocks      []zBlock
	skip        bool // gave up, as Zeek's skip_deliveries: no more gaps
}

// Zeek's limits on data held above a hole (base/init-bare.zeek): past
// them the reassembler drops what it holds and stops (DataSent), which
// also bounds the memory and time this bookkeeping takes.
const (
	zMaxAboveHoleWithoutAcks = 16384    // tcp_max_above_hole_without_any_acks
	zExcessiveWithoutAcks    = 10 << 20 // tcp_excessive_data_without_further_acks
	// synfin's own bound (Zeek keeps its blocks in a map): so many
	// separate holes at once only come from a damaged capture.
	zMaxBlocks = 1024
)

// zBlock is data held above a hole, [seq, upper).
type zBlock struct{ seq, upper int64 }

func (r *zReassembler) init() {
	if r.lastReassem == 0 {
		r.lastReassem, r.trimSeq = 1, 1
	}
}

// zeekState is the Zeek view of one connection; ep is indexed by Role
// (Zeek's originator is synfin's client).
type zeekState struct {
	ep      [2]zEndpoint
	seen    [2]uint32 // history bits already recorded, per role
	history []byte
	flipped bool // roles differ from "sender of the first packet" (Zeek's '^')
	partial bool // the first packet was not a SYN without ACK (Zeek's IsPartial)
	started bool
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

	if !z.started {
		z.started = true
		z.partial = f&SYN == 0 || f&ACK != 0
	}

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

	var relAck int64
	if f&ACK != 0 && p.state == zInactive {
		// init_peer: number the peer as though its SYN was at ack-1.
		p.startSeq, p.lastSeq = s.Ack-1, s.Ack-1
		relAck = 1
	} else if f&ACK != 0 {
		relAck = max(int64(int32(s.Ack-p.startSeq)), 0) // an underflow counts as 0, as in Zeek
	}
	if f&FIN != 0 {
		// ProcessFIN: FIN_seq is the relative seq just past the FIN.
		e.finCnt++
		e.finSeq = int64(int32(relSeq)) + int64(segLen)
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

	// After the state machine (so that a gap revealed by the ack of a
	// FIN or RST sees the final states): the ACK trims the peer's
	// stream, then this segment's data enters its own.
	if f&ACK != 0 {
		z.ackReceived(Y, relAck)
	}
	truncated := s.Payload != nil && len(s.Payload) < int(s.Len)
	if s.Len > 0 && !truncated && f&RST == 0 {
		dataSeq := int64(int32(relSeq))
		if f&SYN != 0 {
			dataSeq++
		}
		z.dataSent(X, dataSeq, int64(s.Len))
	}
}

// clean is Zeek's is_clean: established, or closed from established.
func (e *zEndpoint) clean() bool {
	return e.state == zEstablished || e.state == zClosed && e.prev == zEstablished
}

// ackReceived is TCP_Reassembler::AckReceived for sender r's stream: the
// peer acknowledged up to seq (relative), the FIN's octet excluded.
func (z *zeekState) ackReceived(r Role, seq int64) {
	e := &z.ep[r]
	e.reasm.init()
	if e.finCnt > 0 && seq >= e.finSeq {
		seq = e.finSeq - 1
	}
	if seq <= e.reasm.trimSeq {
		return
	}
	z.trimToSeq(r, seq)
}

// trimToSeq is Reassembler::TrimToSeq: acknowledged data the capture
// never delivered is reported as a gap (Undelivered), then forgotten.
func (z *zeekState) trimToSeq(r Role, seq int64) {
	e := &z.ep[r]
	a := &e.reasm
	if seq > a.lastReassem {
		z.undelivered(r, seq)
	}
	keep := a.blocks[:0]
	for _, b := range a.blocks {
		if b.upper > seq {
			keep = append(keep, b)
		}
	}
	a.blocks = keep
	if seq > a.trimSeq {
		a.trimSeq = seq
	}
}

// undelivered is TCP_Reassembler::Undelivered: every hole below upTo is
// a gap (G for the originator's stream, g for the responder's, counted
// 1, 10, 100...), reported only while both endpoints are cleanly
// established or closing (TCP_Reassembler::Gap).
func (z *zeekState) undelivered(r Role, upTo int64) {
	e, p := &z.ep[r], &z.ep[r.Peer()]
	a := &e.reasm
	if upTo <= 2 && z.partial {
		// Zeek ignores the first ack of a partial connection: its
		// numbering was faked from that ack.
		return
	}
	if a.skip {
		a.lastReassem = max(a.lastReassem, upTo)
		return
	}
	gap := func() {
		if e.clean() && p.clean() {
			code := byte('G')
			z.scaled(r, code, &e.gap, &e.gapNext)
		}
	}
	for len(a.blocks) > 0 && a.blocks[0].seq < upTo {
		b := a.blocks[0]
		if b.seq > a.lastReassem {
			gap()
			a.lastReassem = b.seq
		}
		a.deliver()
	}
	if upTo > a.lastReassem {
		gap()
		a.lastReassem = upTo
	}
}

// dataSent is TCP_Reassembler::DataSent and Reassembler::NewBlock for
// sender r: data at or below the delivered point moves it on; data above
// a hole waits in a block.
func (z *zeekState) dataSent(r Role, seq, n int64) {
	a := &z.ep[r].reasm
	a.init()
	upper := seq + n
	if a.skip || upper <= a.trimSeq {
		return // given up, or old data already acknowledged
	}
	seq = max(seq, a.trimSeq)
	if len(a.blocks) == 0 && seq <= a.lastReassem {
		// In order, nothing held: what insert and deliver would do,
		// without building a block.
		a.lastReassem = max(a.lastReassem, upper)
		return
	}
	a.insert(zBlock{seq, upper})
	a.deliver()
	if len(a.blocks) == 0 {
		return
	}
	held := int64(0)
	for _, b := range a.blocks {
		held += b.upper - b.seq
	}
	noDataAcked := a.trimSeq <= 1 // Zeek's NoDataAcked: no ack beyond the SYN yet
	if noDataAcked && a.blocks[len(a.blocks)-1].upper-a.lastReassem > zMaxAboveHoleWithoutAcks ||
		held > zExcessiveWithoutAcks || len(a.blocks) > zMaxBlocks {
		a.blocks, a.skip = nil, true
	}
}

// insert adds b to the blocks, kept sorted by seq (overlaps merged).
func (a *zReassembler) insert(b zBlock) {
	i := 0
	for i < len(a.blocks) && a.blocks[i].upper < b.seq {
		i++
	}
	j := i
	for j < len(a.blocks) && a.blocks[j].seq <= b.upper {
		b.seq = min(b.seq, a.blocks[j].seq)
		b.upper = max(b.upper, a.blocks[j].upper)
		j++
	}
	a.blocks = slices.Replace(a.blocks, i, j, b)
}

// deliver moves lastReassem over the blocks that start at or below it
// (BlockInserted) and drops what was delivered.
func (a *zReassembler) deliver() {
	for len(a.blocks) > 0 && a.blocks[0].seq <= a.lastReassem {
		a.lastReassem = max(a.lastReassem, a.blocks[0].upper)
		a.blocks = a.blocks[1:]
	}
}

var rstos0 = regexp.MustCompile(`^\^?S[^HAFGIQ]*R`)

// History returns the connection's history in Zeek's letters: S H A D F R
// (once per direction, S/H/F/R again when their sequence number differs),
// T W G (retransmitted data, zero window, content gap: at 1, 10, 100...
// occurrences), I Q (FIN+RST, SYN with FIN or RST) and a leading ^ when
// the roles were flipped; upper case for the client (Zeek's originator),
// lower case for the server. Zeek's C (bad checksum) is not produced:
// segments carry no checksum verdict (Zeek's tests run with -C too).
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
