package fsm

import "time"

// This file holds the evidence the state methods of machine.go rely on:
// what an ACK number proves, duplicates told from retransmissions by TCP
// timestamps, sequence order (what the receiver can have reached), the
// acceptability of RSTs, and what the packets cannot tell at the end.

// evidence applies what X's acknowledgment proves (§3.4: an ACK covers
// every sequence number before it): that X took the peer's FIN or SYN
// (its own segment shows it: Seen), and segments of the peer the capture
// lacks.
func (t *Tracker) evidence(c *Conn, X Role, s *seg) {
	if s.Flags&ACK == 0 || s.Flags&RST != 0 {
		return
	}
	Y := X.Peer()
	y := &c.ep[Y]
	ack := s.Ack

	// A FIN the capture lacks: the ACK is one past everything the peer
	// was seen (or proven) to send, with no data to explain it. Only
	// where the capture holds the peer's sequence without a hole (or
	// none of it: one direction, where its octets are known only from
	// these ACKs): a capture that already lacks some of its data may
	// lack a one-octet segment too, and that octet is no proof of a FIN.
	contiguous := c.Packets[Y] == 0 || !y.contigValid || (y.contig == y.nxt && len(y.ooo) == 0)
	finProof := !y.finSent && y.nxtValid && ack == y.nxt.Add(1) && s.Flags&SYN == 0 &&
		(c.State[Y] == Established || c.State[Y] == CloseWait)
	if finProof && !contiguous {
		t.note(c, X, NoteFinMaybeAcked)
		y.nxt = ack
	} else if finProof {
		y.finSent, y.finSeq, y.finHasAck = true, y.nxt, true
		y.finAck = y.acked
		if c.State[Y] == CloseWait && c.ep[X].finSent {
			y.finAck = c.ep[X].finSeq.Add(1) // it took X's FIN, so its FIN acknowledges it
		}
		y.nxt = ack
		y.extend(y.finSeq, y.finSeq)
		to := FinWait1
		if c.State[Y] == CloseWait {
			to = LastAck
		}
		t.set(c, Y, to, ReasonFinNotSeen, Inferred)
		if x := &c.ep[X]; x.closeMaybe {
			// The peer's FIN is proven here, after the octets that might
			// have held it: those were data (one FIN per connection), so
			// X did close from ESTABLISHED, as its FIN showed.
			x.closeMaybe = false
			if i := c.byReason(X, ReasonActiveClose); i >= 0 && c.Transitions[i].Confidence == Assumed {
				t.setConfidence(c, i, Seen, CauseFinProven)
			}
		}
		if c.Packets[Y] == 0 && c.State[X] == FinWait1 {
			t.closeOrderUnseen(c, X, s)
		}
	} else if c.Packets[Y] == 0 && (!y.nxtValid || y.nxt.LessThan(ack)) {
		// Nothing from the peer was captured: its ACKed bytes prove
		// what it sent. Several octets at once may end with a FIN (data
		// and FIN take sequence numbers alike): whether they do is not in
		// the packets (finMaybe, until a later ACK shows more octets).
		y.finMaybe = y.nxtValid && y.nxt.Add(1).LessThan(ack) && s.Flags&SYN == 0 && !y.finSent
		y.nxt, y.nxtValid = ack, true
		y.extend(ack-1, ack)
	} else if y.nxtValid && y.nxt.LessThan(ack) && s.Flags&SYN == 0 {
		t.note(c, X, NoteUnexpectedAck)
	}

	if y.finSent && y.finSeq.LessThan(ack) {
		if !y.finTaken {
			t.takeFIN(c, X, Seen)
		} else {
			t.confirm(c, X, finReasons...)
		}
	}
	if y.isnReal && y.iss.LessThan(ack) {
		t.confirmOne(c, X, ReasonSynAckReceived)
	}
	if s.Flags&SYN == 0 && c.State[X].Synchronized() {
		// A handshake's last ACK is shown taken by anything but a
		// SYN+ACK again: SYN_RECV sends nothing else.
		t.confirmOne(c, X, ReasonHandshakeAck)
	}
}

// confirmOne is confirm for a single reason, without the variadic slice
// and the closure of byReason: it runs on nearly every segment.
func (t *Tracker) confirmOne(c *Conn, r Role, why Reason) {
	for i := len(c.Transitions) - 1; i >= 0; i-- {
		tr := &c.Transitions[i]
		if tr.Endpoint == r && tr.WithdrawnBy == 0 && tr.Reason == why {
			if tr.Confidence == Inferred {
				t.setConfidence(c, i, Seen, CauseOwnSegment)
			}
			return
		}
	}
}

// atoMin is Linux's shortest delayed-ACK timeout (TCP_ATO_MIN, HZ/25):
// a FIN is acknowledged with the next segment or at the latest when the
// delayed-ACK timer fires (tcp_fin schedules the ACK in pingpong mode).
const atoMin = 40 * time.Millisecond

// closeOrderUnseen handles X in FIN_WAIT_1 whose ACK proves a FIN of a
// peer the capture never shows (one direction only). Whether the peer's
// ACK of X's FIN came first (FIN_WAIT_2) or rode on its FIN (straight to
// TIME_WAIT) is not in the packets. If the peer's FIN came later than a
// round trip plus Linux's delayed-ACK timeout after X's, it had sent the
// ACK alone first: FIN_WAIT_2, assumed. Either way a note says so.
func (t *Tracker) closeOrderUnseen(c *Conn, X Role, s *seg) {
	x := &c.ep[X]
	if s.Time.Sub(x.finTime.time()) > c.rtt+atoMin {
		t.set(c, X, FinWait2, ReasonAckNotSeen, Assumed)
	}
	t.note(c, X, NoteCloseOrderUnseen)
	x.closeAssumed = true
}

// duplicate reports whether s is a copy of a segment X already sent. With
// TCP timestamps (RFC 7323) a copy with the same TSval is a network
// duplicate — Linux puts a fresh TSval on every retransmission, tail-loss
// probes included — and changes nothing. Without timestamps a copy is
// noted as undecidable and then taken as a retransmission.
func (t *Tracker) duplicate(c *Conn, X Role, s *seg) bool {
	x := &c.ep[X]
	sig := segSig{seq: s.Seq, ack: s.Ack, flags: s.Flags, len: s.Len, ts: s.Options.Timestamp, tsval: s.Options.TSval}
	n := min(x.nrecent, len(x.recent))
	for i := 0; i < n; i++ {
		r := &x.recent[i]
		if r.seq != sig.seq || r.ack != sig.ack || r.flags != sig.flags || r.len != sig.len || r.ts != sig.ts {
			continue
		}
		if sig.ts {
			if r.tsval == sig.tsval {
				t.note(c, X, NoteDuplicate)
				return true
			}
			continue
		}
		if s.SeqLen() > 0 && !x.dupNoted {
			x.dupNoted = true // once: it holds for every copy that follows
			t.note(c, X, NoteDupOrRetransmit)
		}
		break
	}
	x.recent[x.nrecent%len(x.recent)] = sig
	x.nrecent++
	return false
}

// dataNotes annotates the payload of a segment without SYN or RST.
func (t *Tracker) dataNotes(c *Conn, X Role, s *seg) {
	Y := X.Peer()
	x := &c.ep[X]
	if s.Len == 0 {
		if s.Flags&FIN == 0 && x.nxtValid && s.Seq == x.nxt-1 && s.Flags == ACK {
			t.note(c, X, NoteKeepAlive) // Linux probes with SND.UNA-1 and no data
			c.probes[X]++
		}
		return
	}
	switch {
	case x.nxtValid && s.Seq.Add(s.Len).LessEq(x.nxt):
		switch {
		case s.Len == 1 && s.Seq == x.nxt-1:
			t.note(c, X, NoteKeepAlive)
			c.probes[X]++
		case s.resent:
			t.note(c, X, NoteRetransmit)
		default:
			// Bytes before ones already seen, never seen themselves:
			// they were overtaken on the way (or in the capture).
			t.note(c, X, NoteOutOfOrder)
		}
	case x.finSent && x.finSeq.LessThan(s.Seq.Add(s.Len)):
		// Data past the FIN's sequence number. Data carried on the FIN
		// segment itself ends where the FIN begins (§3.4: the FIN
		// occupies the number after the last data octet) and is normal:
		// Linux sends it whenever close() follows a write still queued.
		t.note(c, X, NoteDataAfterFin)
	case c.State[X] == Closed || c.State[X] == TimeWait:
		t.note(c, X, NoteAfterClosed)
	case c.State[X] == CloseWait && (c.State[Y] == FinWait2 || c.State[Y] == FinWait1):
		// Half-close (§3.6): Y shut down its sending side only; X keeps
		// sending and Y keeps receiving.
		t.note(c, X, NoteHalfClose)
	}
}

// checkWrap notes the first time an endpoint's sequence numbers pass 2^32.
func (t *Tracker) checkWrap(c *Conn, X Role, s *seg) {
	x := &c.ep[X]
	if x.wrapped || !x.nxtValid {
		return
	}
	end := s.Seq.Add(s.SeqLen())
	if x.nxt.LessThan(end) && end < x.nxt {
		x.wrapped = true
		t.note(c, X, NoteSeqWrap)
	}
}

// rstOK checks an RST from the peer of e, a synchronized receiver (or
// SYN_RECV), as Linux does (RFC 5961 §3.2; tcp_validate_incoming and
// tcp_reset_check): it must carry exactly RCV.NXT (in CLOSE_WAIT, CLOSING
// and LAST_ACK also RCV.NXT-1). In the window but not exact, Linux
// answers a challenge ACK and keeps the connection; outside, it drops it.
func (t *Tracker) rstOK(c *Conn, e Role, s *seg) bool {
	X := e.Peer()
	x, y := &c.ep[X], &c.ep[e]
	ok := !x.nxtValid && !y.ackValid
	if x.nxtValid && (s.Seq == x.nxt || (s.Seq == x.nxt-1 && (c.State[e] == CloseWait || c.State[e] == Closing || c.State[e] == LastAck))) {
		ok = true
	}
	if y.ackValid && s.Seq == y.acked {
		ok = true
	}
	if ok {
		return true
	}
	if rcvNxt, known := y.rcvNxt(x); known && y.window > 0 && s.Seq.InWindow(rcvNxt, y.window) {
		t.note(c, X, NoteRstChallenge)
	} else {
		t.note(c, X, NoteRstOutOfWindow)
	}
	return false
}

// rstFits reports whether an RST from X carries a sequence number X's own
// socket would put there (Linux: its SND.NXT, or the ack it answers), so
// that it shows X's state. A blind RST from elsewhere shows nothing about
// X; its receiver judges it (rstOK).
func (c *Conn) rstFits(X Role, s *seg) bool {
	x, y := &c.ep[X], &c.ep[X.Peer()]
	switch c.State[X] {
	case Unknown, Listen, SynSent, Closed:
		return true
	}
	if !x.nxtValid || s.Seq == x.nxt || (y.ackValid && s.Seq == y.acked) {
		return true
	}
	return y.ackValid && y.acked.LessEq(s.Seq) && s.Seq.LessEq(x.nxt)
}

// ackOK reports whether ack acknowledges the endpoint's SYN: ISN+1, plus
// the data the SYN carried when the peer accepted it (TCP Fast Open, RFC
// 7413). RFC 9293 §3.10.7.3: acceptable if SND.UNA < SEG.ACK =< SND.NXT.
func (e *endpoint) ackOK(ack Seq) bool {
	return e.iss.LessThan(ack) && ack.LessEq(e.iss.Add(1+e.synLen))
}

// finAcked reports whether ack covers the endpoint's FIN.
func (e *endpoint) finAcked(ack Seq) bool {
	return e.finSent && e.finSeq.LessThan(ack)
}

// rcvNxt is the endpoint's RCV.NXT as far as the observer knows: what it
// last acknowledged of its peer p, or else what p has sent.
func (e *endpoint) rcvNxt(p *endpoint) (Seq, bool) {
	switch {
	case e.ackValid:
		return e.acked, true
	case p.nxtValid:
		return p.nxt, true
	}
	return 0, false
}

// maxRanges bounds the out-of-order ranges kept per endpoint.
const maxRanges = 8

// extend records that the endpoint sent [start, end): contig grows over
// it when it starts at or before contig, and absorbs the ranges sent
// beyond a hole that it reaches.
func (e *endpoint) extend(start, end Seq) {
	if !e.contigValid {
		e.contig, e.contigValid = start, true
	}
	if e.contig.LessThan(start) {
		if len(e.ooo) < maxRanges {
			e.ooo = append(e.ooo, seqRange{start, end})
		}
		return
	}
	if e.contig.LessThan(end) {
		e.contig = end
	}
	for grew := true; grew; {
		grew = false
		for i := 0; i < len(e.ooo); i++ {
			r := e.ooo[i]
			if r.start.LessEq(e.contig) {
				if e.contig.LessThan(r.end) {
					e.contig = r.end
				}
				e.ooo = append(e.ooo[:i], e.ooo[i+1:]...)
				i--
				grew = true
			}
		}
	}
}

// reachable reports whether the receiver of X's segments can have reached
// sequence number at: its ACKs say so, or X's data before it was all seen.
func (c *Conn) reachable(X Role, at Seq) bool {
	x, y := &c.ep[X], &c.ep[X.Peer()]
	if y.ackValid && at.LessEq(y.acked) {
		return true
	}
	return !x.contigValid || at.LessEq(x.contig)
}

// finalNotes says, when a connection ends, what its packets cannot tell.
func (t *Tracker) finalNotes(c *Conn) {
	if c.Packets[Client] == 0 || c.Packets[Server] == 0 {
		silent := Client
		if c.Packets[Client] != 0 {
			silent = Server
		}
		// One direction only: the ACK of the seen side's FIN cannot be in
		// the capture. Its FIN was not sent again, so the ACK presumably
		// arrived: assumed, never seen.
		x := silent.Peer()
		if c.ep[x].finSent && c.Packets[silent] == 0 {
			switch c.State[x] {
			case FinWait1:
				t.set(c, x, FinWait2, ReasonAckNotSeen, Assumed)
			case Closing:
				t.set(c, x, TimeWait, ReasonAckNotSeen, Assumed)
			case LastAck:
				t.set(c, x, Closed, ReasonAckNotSeen, Assumed)
			}
		}
		t.silentAssumed(c, silent)
		if c.standing(silent, func(tr *Transition) bool { return tr.Reason != ReasonListen }) >= 0 {
			t.note(c, silent, NoteOneDirection)
		}
		if s := c.State[x]; s != Closed && s != Listen && s != Unknown && s != SynSent { // a lone SYN: syn-unanswered below
			// Whatever the silent side sent after x's last segment (an
			// RST, a FIN, the ACK that ends LAST_ACK, a SYN+ACK) may have
			// moved x; nothing in the capture shows it did not.
			t.note(c, x, NoteEndUnseen)
		}
	}
	for _, r := range []Role{Client, Server} {
		switch {
		case c.State[r] == FinWait2:
			// Linux ends an orphan FIN_WAIT_2 (closed, not just shut
			// down) after tcp_fin_timeout (60 s) with no packet at all.
			t.note(c, r, NoteFinWait2Orphan)
		case c.State[r] == SynSent && c.Packets[r.Peer()] == 0:
			// A lone SYN: the answer may have gone by out of sight
			// (another path, a capture filter), for both ends.
			t.note(c, r, NoteSynUnanswered)
			t.note(c, r.Peer(), NoteSynUnanswered)
		case c.probes[r] > 0 && c.Packets[r.Peer()] == 0 || c.probes[r] > 0 && c.lastFrom == r:
			// Keep-alive probes with no answer: Linux gives up after
			// tcp_keepalive_probes and resets; that RST may never arrive
			// or be seen.
			t.note(c, r.Peer(), NoteKeepAliveUnanswered)
		}
	}
	t.finUnanswered(c)
}

// finUnanswered: an endpoint Y that sent segments, then nothing while its
// peer sent its FIN again and again to the end of the capture. A Linux
// endpoint that received that FIN acknowledges every copy (RFC 9293
// §3.10.7.4; in TIME_WAIT tcp_timewait_state_process answers each with an
// ACK), so its silence says the copies, and perhaps the segments before
// them, did not reach it, or that its answers were lost before the
// capture point: which, the packets cannot tell. Y's transitions after its
// last segment were inferred from receiving them: they become Assumed.
// One retransmission is not enough to say so (the capture may simply have
// stopped before the answer).
func (t *Tracker) finUnanswered(c *Conn) {
	for _, Y := range []Role{Client, Server} {
		X := Y.Peer()
		since := c.ep[Y].lastPkt
		if c.lastFrom != X || !c.ep[X].finSent || c.Packets[Y] == 0 {
			continue // one direction has its own notes
		}
		copies := 0
		for i := range c.Notes {
			if n := &c.Notes[i]; n.Reason == NoteFinRetransmit && n.Endpoint == X && n.Packet > since {
				copies++
			}
		}
		if copies < 2 {
			continue
		}
		for i := range c.Transitions {
			tr := &c.Transitions[i]
			if tr.Endpoint == Y && tr.WithdrawnBy == 0 && tr.Packet > since && tr.Confidence == Inferred {
				t.setConfidence(c, i, Assumed, CauseFinUnanswered)
			}
		}
		t.note(c, Y, NoteFinUnanswered)
	}
}

// silentAssumed revises the confidence of the silent endpoint S of a
// one-direction capture, now that the input has ended and S sent nothing
// at all. A transition Inferred from a segment sent towards S assumed its
// delivery, and no segment of S's own ever confirmed it: it is Assumed.
// What S's peer acknowledged proves what S sent, so the transitions of
// S's own sending stay Inferred: its SYN+ACK (synack-not-seen), its FIN
// (fin-not-seen), and the ESTABLISHED that any octet S sent after its SYN
// proves (S sends data or a FIN only when synchronized), or that the
// peer's own ESTABLISHED proves (a SYN_RECV peer needs S's ACK of its
// SYN). Once a transition of S is Assumed, every later one of S is too:
// its state follows from a state that is not in the packets (a FIN sent
// from an assumed CLOSE_WAIT may have been sent from ESTABLISHED).
func (t *Tracker) silentAssumed(c *Conn, S Role) {
	V := S.Peer()
	s := &c.ep[S]
	sentAfterSyn := s.isnKnown && s.nxtValid && s.iss.Add(1).LessThan(s.nxt)
	peerTookAck := c.standing(V, func(tr *Transition) bool {
		return tr.Reason == ReasonHandshakeAck && tr.Confidence == Seen
	}) >= 0
	after := false
	for i := range c.Transitions {
		tr := &c.Transitions[i]
		if tr.Endpoint != S || tr.WithdrawnBy != 0 || tr.Confidence == Assumed {
			continue
		}
		if !after {
			switch tr.Reason {
			case ReasonSynAckNotSeen, ReasonFinNotSeen, ReasonSynNotSeen:
				continue // S's own sending, proven by the peer's ACK
			case ReasonSynAckReceived, ReasonHandshakeAck, ReasonSimultaneousOpen:
				if tr.To == Established && (sentAfterSyn || peerTookAck) {
					continue
				}
			}
		}
		t.setConfidence(c, i, Assumed, CauseSilent)
		after = true
	}
}
