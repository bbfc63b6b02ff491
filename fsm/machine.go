package fsm

// segment applies one segment from endpoint X to endpoint Y. The order
// follows RFC 9293 §3.10.7.4 ("Otherwise" — the checks for a synchronized
// receiver): RST first, then SYN, then ACK, then data, then FIN; the
// sender's own transitions (on sending SYN, SYN+ACK, FIN) are applied at
// the moment the observer sees the segment leave.
func (t *Tracker) segment(c *Conn, s *Segment, reused bool) {
	X := c.roleOf(s.Src)
	Y := X.Peer()
	x, y := &c.ep[X], &c.ep[Y]
	seq, ack := s.Seq, s.Ack

	// Learn sequence bases before computing relative numbers.
	firstSYN := s.Flags&SYN != 0 && !x.synSeen
	if firstSYN {
		x.synSeen, x.isnKnown, x.iss = true, true, seq
		x.wscale = s.Options.WScale
	}
	if !x.isnKnown {
		// Joined late: number as if the SYN had been just before (as
		// tshark and Zeek do), so the first byte seen is 1.
		x.isnKnown, x.iss = true, seq-1
	}
	if s.Flags&ACK != 0 && !y.isnKnown {
		// The peer's ISN, inferred from what this segment acknowledges.
		y.isnKnown, y.iss = true, ack-1
	}

	c.LastPacket, c.LastTime = s.Packet, s.Time
	c.Packets[X]++
	c.Bytes[X] += uint64(s.Len)

	t.cur = Event{
		Conn: c, Packet: s.Packet, Time: s.Time, From: X, Flags: s.Flags,
		Seq: seq.Sub(x.iss), Len: s.Len,
	}
	if s.Flags&ACK != 0 {
		t.cur.Ack = ack.Sub(y.iss)
	}
	segIdx := len(t.evs)
	t.evs = append(t.evs, t.cur) // KindSegment (zero), States filled in at the end

	t.zeekObserve(c, X, s)

	if reused {
		t.note(c, X, NotePortReuse)
	}
	if s.Flags&SYN == 0 && c.State[Client] == Unknown && c.State[Server] == Unknown && s.Flags&RST == 0 {
		// Mid-connection: both ends must already be synchronized.
		t.note(c, X, ReasonJoinedLate)
		t.set(c, Client, Established, ReasonJoinedLate)
		t.set(c, Server, Established, ReasonJoinedLate)
	}

	t.checkWrap(c, X, s)
	switch {
	case s.Flags&RST != 0:
		t.onRST(c, X, s)
	case s.Flags&SYN != 0:
		t.onSYN(c, X, s, firstSYN)
	default:
		t.onACK(c, X, s)
		t.onData(c, X, s)
		if s.Flags&FIN != 0 {
			t.onFIN(c, X, s)
		}
	}

	// Bookkeeping after the rules, which needed the old values.
	if s.Flags&RST == 0 {
		end := seq.Add(s.SeqLen())
		if !x.nxtValid || x.nxt.LessThan(end) {
			x.nxt, x.nxtValid = end, true
		}
		if s.Flags&ACK != 0 && (!x.ackValid || x.acked.LessThan(ack)) {
			x.acked, x.ackValid = ack, true
		}
		w := uint32(s.Window)
		if s.Flags&SYN == 0 && x.wscale > 0 && y.wscale >= 0 {
			w <<= uint(x.wscale)
		}
		x.window = w
		if s.Window == 0 && s.Flags&(SYN|FIN) == 0 && c.State[X] != Closed && c.State[X] != TimeWait {
			t.note(c, X, NoteZeroWindow)
		}
	}
	x.seen = true
	t.evs[segIdx].States = c.State
}

// checkWrap notes the first time an endpoint's sequence numbers pass 2^32.
func (t *Tracker) checkWrap(c *Conn, X Role, s *Segment) {
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

// sndNxtAfterSyn is what a SYN's acknowledgment must be: ISN+1, plus the
// data the SYN carried when the peer accepted it (TCP Fast Open, RFC 7413).
func (e *endpoint) ackOK(ack Seq) bool {
	// RFC 9293 §3.10.7.3: acceptable if SND.UNA < SEG.ACK =< SND.NXT.
	return e.iss.LessThan(ack) && ack.LessEq(e.iss.Add(1+e.synLen))
}

// onRST handles a reset from X (RFC 9293 §3.10.7.3 for SYN-SENT,
// §3.10.7.4 first check otherwise; RFC 5961 §3.2 as Linux implements it in
// tcp_validate_incoming and tcp_reset_check).
func (t *Tracker) onRST(c *Conn, X Role, s *Segment) {
	Y := X.Peer()
	x, y := &c.ep[X], &c.ep[Y]
	switch ys := c.State[Y]; ys {
	case SynSent:
		// "If the ACK bit is set ... If the RST bit is set: if the ACK was
		// acceptable, then signal to the user 'error: connection reset',
		// drop the segment, enter CLOSED state". Without an acceptable ACK
		// the RST is dropped.
		if s.Flags&ACK == 0 || !y.ackOK(s.Ack) {
			t.note(c, X, NoteRstOutOfWindow)
			return
		}
		if xs := c.State[X]; xs == Listen || xs == Unknown {
			// Nobody listens on that port: no server socket ever existed.
			t.set(c, X, Closed, ReasonRefused)
		} else {
			t.set(c, X, Closed, ReasonRstSent)
		}
		t.set(c, Y, Closed, ReasonRefused)
		return
	case Closed:
		t.note(c, X, NoteRstAfterClose)
		t.set(c, X, Closed, ReasonRstSent)
		return
	case Unknown, Listen:
		// A lone RST, or the client aborting its own SYN_SENT: the
		// receiver has no synchronized connection to check it against.
		t.set(c, X, Closed, ReasonRstSent)
		t.set(c, Y, Closed, ReasonAborted)
		return
	case TimeWait:
		// Linux (tcp_timewait_state_process) kills a TIME_WAIT socket on
		// an RST at exactly RCV.NXT (net.ipv4.tcp_rfc1337 = 0).
		if x.nxtValid && s.Seq != x.nxt {
			t.note(c, X, NoteRstOutOfWindow)
			return
		}
		t.note(c, Y, NoteTimeWaitAssassin)
		t.set(c, X, Closed, ReasonRstSent)
		t.set(c, Y, Closed, ReasonAborted)
		return
	}
	// Synchronized receiver (or SYN_RECV): the RST must carry exactly the
	// next expected sequence number; in CLOSE_WAIT, CLOSING and LAST_ACK
	// also RCV.NXT-1 (tcp_reset_check). RCV.NXT is what X has sent, or
	// what Y last acknowledged.
	ok := !x.nxtValid && !y.ackValid
	if x.nxtValid && (s.Seq == x.nxt || (s.Seq == x.nxt-1 && (c.State[Y] == CloseWait || c.State[Y] == Closing || c.State[Y] == LastAck))) {
		ok = true
	}
	if y.ackValid && s.Seq == y.acked {
		ok = true
	}
	if !ok {
		// In the window but not exactly at RCV.NXT: Linux answers a
		// challenge ACK and keeps the connection (RFC 5961 §3.2).
		if rcvNxt, known := y.rcvNxt(x); known && y.window > 0 && s.Seq.InWindow(rcvNxt, y.window) {
			t.note(c, X, NoteRstChallenge)
		} else {
			t.note(c, X, NoteRstOutOfWindow)
		}
		return
	}
	why := ReasonAborted
	if c.State[Y] == SynRecv {
		why = ReasonRstInSyn
	}
	if c.State[X] != Closed {
		t.set(c, X, Closed, ReasonRstSent)
	}
	t.set(c, Y, Closed, why)
}

// onSYN handles SYN and SYN+ACK segments (RFC 9293 §3.5).
func (t *Tracker) onSYN(c *Conn, X Role, s *Segment, first bool) {
	Y := X.Peer()
	x, y := &c.ep[X], &c.ep[Y]
	if s.Flags&ACK == 0 {
		switch {
		case !first && s.Seq == x.iss:
			t.note(c, X, NoteSynRetransmit)
		case c.State[X].Synchronized():
			// The SYN that the peer already answered arrives after later
			// segments: reordered on the way or in the capture.
			t.note(c, X, NoteOutOfOrder)
		case c.State[Y] == SynSent && first:
			// Crossing SYNs (§3.5, Figure 8): X had sent its own SYN
			// before Y's arrived. Each side then receives the other's SYN
			// in SYN_SENT and moves to SYN_RECV.
			if c.State[X] == Listen {
				// X connects too: it was never the listener assumed when
				// Y's SYN was seen, but a CLOSED socket calling connect().
				t.set(c, X, Closed, ReasonNotListening)
			}
			t.set(c, X, SynSent, ReasonSynSent)
			t.set(c, Y, SynRecv, ReasonSimultaneousOpen)
			t.set(c, X, SynRecv, ReasonSimultaneousOpen)
		default:
			// Active open: the client sends SYN seq=x (the course's
			// first handshake) and the server must be listening.
			t.set(c, X, SynSent, ReasonSynSent)
			if c.State[Y] == Unknown {
				t.set(c, Y, Listen, ReasonListen)
			}
		}
		if s.Len > 0 && first {
			x.synLen = s.Len
			t.note(c, X, NoteSynData)
		}
		return
	}

	// SYN+ACK from X.
	if x.synAckSent && s.Seq == x.iss {
		t.note(c, X, NoteSynAckRetransmit)
		if c.State[X] == Established && x.nxt == x.iss.Add(1) {
			// X sends its SYN+ACK again although we saw Y's ACK: X never
			// took that ACK in. Linux drops the handshake's last ACK when
			// the listener's accept queue is full (tcp_check_req with
			// tcp_abort_on_overflow = 0) and keeps the request in SYN_RECV.
			t.set(c, X, SynRecv, ReasonAckDropped)
		}
		return
	}
	x.synAckSent = true
	switch c.State[Y] {
	case Unknown:
		// Capture began at the SYN+ACK: Y must have sent a SYN we missed.
		t.set(c, Y, SynSent, ReasonJoinedAtSynAck)
		t.set(c, X, SynRecv, ReasonSynAckSent)
	case SynSent:
		// Second handshake: SYN+ACK seq=y ack=x+1.
		t.set(c, X, SynRecv, ReasonSynAckSent)
	case SynRecv:
		// Simultaneous open: X (already SYN_RECV) sends its SYN+ACK.
	default:
		t.note(c, X, NoteUnexpectedFlags)
		return
	}
	if !y.ackOK(s.Ack) {
		// §3.10.7.3: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a
		// reset" — Y does not accept the SYN+ACK and stays in SYN_SENT.
		t.note(c, Y, NoteBadSynAckAck)
		return
	}
	if y.synLen > 0 {
		if s.Ack == y.iss.Add(1+y.synLen) {
			t.note(c, Y, NoteSynDataAcked)
		} else {
			t.note(c, Y, NoteSynDataNotAcked)
		}
	}
	if s.Len > 0 {
		x.synLen = s.Len
	}
	if c.State[Y] == SynSent {
		t.set(c, Y, Established, ReasonSynAckReceived)
	} else {
		t.set(c, Y, Established, ReasonHandshakeAck)
	}
}

// onACK handles the acknowledgment field of a segment without SYN or RST
// (RFC 9293 §3.10.7.4, fifth check).
func (t *Tracker) onACK(c *Conn, X Role, s *Segment) {
	if s.Flags&ACK == 0 {
		return
	}
	Y := X.Peer()
	y := &c.ep[Y]
	if c.State[X] == SynSent {
		// X acknowledges a SYN+ACK the capture did not show: it is
		// ESTABLISHED, and so is Y once this ACK arrives.
		t.set(c, X, Established, ReasonSynAckNotSeen)
		if c.State[Y] == Listen || c.State[Y] == Unknown {
			t.set(c, Y, Established, ReasonSynAckNotSeen)
		}
		return
	}
	if y.nxtValid && y.nxt.LessThan(s.Ack) {
		t.note(c, X, NoteUnexpectedAck)
	}
	switch c.State[Y] {
	case SynRecv:
		// Third handshake: ACK ack=y+1. "If SND.UNA < SEG.ACK =< SND.NXT,
		// then enter ESTABLISHED state"; otherwise Y sends a reset.
		if y.ackOK(s.Ack) {
			t.set(c, Y, Established, ReasonHandshakeAck)
		} else {
			t.note(c, X, NoteBadHandshakeAck)
		}
	case FinWait1:
		if y.finAcked(s.Ack) && s.Flags&FIN == 0 {
			t.set(c, Y, FinWait2, ReasonFinAcked)
		}
	case Closing:
		if y.finAcked(s.Ack) {
			t.set(c, Y, TimeWait, ReasonClosingAcked)
		}
	case LastAck:
		if y.finAcked(s.Ack) {
			t.set(c, Y, Closed, ReasonLastAck)
		}
	}
}

// finAcked reports whether ack covers the endpoint's FIN.
func (e *endpoint) finAcked(ack Seq) bool {
	return e.finSent && e.finSeq.LessThan(ack)
}

// onData annotates the payload of a segment without SYN or RST.
func (t *Tracker) onData(c *Conn, X Role, s *Segment) {
	Y := X.Peer()
	x := &c.ep[X]
	if s.Len == 0 {
		if s.Flags&FIN == 0 && x.nxtValid && s.Seq == x.nxt-1 && s.Flags == ACK {
			t.note(c, X, NoteKeepAlive) // Linux probes with SND.UNA-1 and no data
		}
		return
	}
	switch {
	case x.nxtValid && s.Seq.Add(s.Len).LessEq(x.nxt):
		if s.Len == 1 && s.Seq == x.nxt-1 {
			t.note(c, X, NoteKeepAlive)
		} else {
			t.note(c, X, NoteRetransmit)
		}
	case x.finSent:
		t.note(c, X, NoteDataAfterFin)
	case c.State[X] == Closed || c.State[X] == TimeWait:
		t.note(c, X, NoteAfterClosed)
	case c.State[X] == CloseWait && (c.State[Y] == FinWait2 || c.State[Y] == FinWait1):
		// Half-close (§3.6): Y shut down its sending side only; X keeps
		// sending and Y keeps receiving.
		t.note(c, X, NoteHalfClose)
	}
}

// onFIN handles a FIN from X (RFC 9293 §3.6 and §3.10.7.4, eighth check).
func (t *Tracker) onFIN(c *Conn, X Role, s *Segment) {
	x := &c.ep[X]
	finSeq := s.Seq.Add(s.Len)
	if x.finSent {
		if finSeq != x.finSeq {
			t.note(c, X, NoteUnexpectedFlags)
			return
		}
		t.note(c, X, NoteFinRetransmit)
		// X sends its FIN again although we saw Y acknowledge it: that
		// ACK never reached X, which is still waiting for it.
		switch c.State[X] {
		case FinWait2:
			t.set(c, X, FinWait1, ReasonFinAckLost)
		case TimeWait:
			if c.lastReason(X) == ReasonClosingAcked {
				t.set(c, X, Closing, ReasonFinAckLost)
			}
		case Closed:
			if c.lastReason(X) == ReasonLastAck {
				t.set(c, X, LastAck, ReasonFinAckLost)
			}
		}
		if !x.finTaken {
			t.finArrives(c, X, s)
		}
		return
	}

	// The sender: close() → FIN.
	Y := X.Peer()
	y := &c.ep[Y]
	switch c.State[X] {
	case Established, SynRecv:
		t.set(c, X, FinWait1, ReasonActiveClose)
	case CloseWait:
		if y.finSent && !(s.Flags&ACK != 0 && y.finAcked(s.Ack)) {
			// X's FIN does not acknowledge Y's: X sent it before Y's FIN
			// arrived. The FINs crossed (§3.6, Figure 13): X was still
			// ESTABLISHED, its close() took it to FIN_WAIT_1 (correcting
			// the CLOSE_WAIT the observer assumed), and Y's FIN then moves
			// it to CLOSING.
			t.set(c, X, FinWait1, ReasonFinCrossed)
			t.set(c, X, Closing, ReasonSimultaneousClose)
		} else {
			t.set(c, X, LastAck, ReasonPassiveClose)
		}
	default:
		// No FIN is sent from SYN_SENT (close() there just deletes the
		// TCB, §3.10.4) nor twice: a stack doing so anyway is noted.
		t.note(c, X, NoteUnexpectedFlags)
		return
	}
	x.finSent, x.finSeq = true, finSeq
	t.finArrives(c, X, s)
}

// finArrives applies X's FIN to the receiver Y. A FIN without ACK is
// dropped by a synchronized receiver (§3.10.7.4: "if the ACK bit is off
// drop the segment"); its retransmission with ACK is taken then.
func (t *Tracker) finArrives(c *Conn, X Role, s *Segment) {
	Y := X.Peer()
	x, y := &c.ep[X], &c.ep[Y]
	if s.Flags&ACK == 0 {
		t.note(c, Y, NoteUnexpectedFlags)
		return
	}
	acksPeerFin := y.finAcked(s.Ack)
	switch c.State[Y] {
	case Established, SynRecv:
		t.set(c, Y, CloseWait, ReasonFinReceived)
	case FinWait1:
		if acksPeerFin {
			// "If our FIN has been ACKed (perhaps in this segment), then
			// enter TIME-WAIT": the 3-segment close, ACK riding on the FIN.
			t.set(c, Y, TimeWait, ReasonFinAndAck)
		} else {
			t.set(c, Y, Closing, ReasonSimultaneousClose)
		}
	case FinWait2:
		t.set(c, Y, TimeWait, ReasonFinInFinWait2)
	default:
		return // a listener or a closed socket ignores it (§3.10.7.2)
	}
	x.finTaken = true
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
