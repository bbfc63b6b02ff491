package fsm

// This file is the observer's state machine. A segment from X to Y says
// two things: what X's own state must be to send it (Seen), and what it
// does to Y when it arrives (Inferred: the capture point may be before a
// loss). segment handles what every state shares (sequence bases,
// duplicates, what X's ACK proves), then asks X's state what sending it
// shows (own = true) and Y's state what receiving it does (own = false):
// one method per state, in the order of RFC 9293's Figure 5, as gVisor's
// netstack reads. The FIN is taken last, in sequence order (§3.10.7.4,
// eighth check). Every change goes through Tracker.set, which refuses
// anything that is not an Edge; revise withdraws earlier beliefs that a
// packet shows wrong.
//
// Section numbers refer to RFC 9293; Linux functions to net/ipv4/.

// seg is the segment being applied with what is learnt of it before the
// rules run: the context every rule of machine.go and evidence.go is
// handed, so that none reads per-segment state off the Tracker (whose
// cur is only the template of the events the segment causes).
type seg struct {
	*Segment
	resent  bool   // its bytes were all seen before (dataNotes)
	prevPkt uint64 // the connection's packet before it (rstFromOpen asks what it answers)
}

// segment applies one segment from X to Y.
func (t *Tracker) segment(c *Conn, raw *Segment, reused bool) {
	s := &seg{Segment: raw}
	X := c.roleOf(s.Src)
	Y := X.Peer()
	x, y := &c.ep[X], &c.ep[Y]
	seq, ack := s.Seq, s.Ack

	// A SYN with a new ISN reaching a synchronized endpoint starts
	// nothing: Linux answers a challenge ACK (RFC 5961 §4,
	// tcp_validate_incoming). Its numbers belong to no connection.
	// It stays out of the sequence bookkeeping at the end too.
	challenge := s.Flags&SYN != 0 && s.Flags&(ACK|RST) == 0 &&
		c.State[Y].Synchronized() && c.State[Y] != TimeWait && !(x.isnKnown && seq == x.iss)

	// Learn sequence bases before computing relative numbers. An RST
	// teaches none: the refused connection's RST has seq 0.
	firstSYN := s.Flags&SYN != 0 && !x.synSeen && !challenge
	if firstSYN {
		x.synSeen, x.isnKnown, x.isnReal, x.iss = true, true, true, seq
		x.synTime = instantOf(s.Time)
		x.wscale = s.Options.WScale
		x.contig, x.contigValid = seq.Add(1+s.Len), true
	}
	if !x.isnKnown && s.Flags&RST == 0 {
		// Joined late: number as if the SYN had been just before (as
		// tshark and Zeek do), so the first byte seen is 1.
		x.isnKnown, x.iss = true, seq-1
	}
	if s.Flags&ACK != 0 && !y.isnKnown {
		// The peer's ISN, inferred from what this segment acknowledges.
		y.isnKnown, y.iss = true, ack-1
		y.isnReal = s.Flags&SYN != 0 || c.State[X] == SynSent
	}
	// Whether this segment's bytes were all seen before (a
	// retransmission) or fill a hole (reordered): asked before it counts.
	s.resent = s.Len > 0 && x.contigValid && seq.Add(s.Len).LessEq(x.contig)
	if s.Flags&(SYN|RST) == 0 {
		x.extend(seq, seq.Add(s.Len))
	}

	s.prevPkt = c.LastPacket
	c.lastFrom = X
	c.LastPacket, c.LastTime = s.Packet, s.Time
	c.Packets[X]++
	x.lastPkt = s.Packet
	c.Bytes[X] += uint64(s.Len)

	t.cur = Event{Conn: c, Packet: s.Packet, Time: s.Time, From: X, Flags: s.Flags, Len: s.Len}
	if x.isnKnown {
		t.cur.Seq = seq.Sub(x.iss)
	}
	if s.Flags&ACK != 0 {
		t.cur.Ack = ack.Sub(y.iss)
	}
	segIdx := len(t.evs)
	t.evs = append(t.evs, t.cur) // KindSegment (zero), States filled in at the end

	t.zeekObserve(c, X, raw)
	if t.duplicate(c, X, s) {
		x.seen = true
		t.evs[segIdx].States = c.State
		return
	}
	if reused {
		t.note(c, X, NotePortReuse)
	}
	if s.Flags&SYN == 0 && s.Flags&RST == 0 && c.State[Client] == Unknown && c.State[Server] == Unknown {
		// Mid-connection: both ends must already be synchronized.
		t.note(c, X, ReasonJoinedLate)
		t.set(c, Client, Established, ReasonJoinedLate, Assumed)
		t.set(c, Server, Established, ReasonJoinedLate, Assumed)
	}
	t.checkWrap(c, X, s)

	if challenge {
		t.note(c, Y, NoteUnexpectedSyn)
	} else {
		finBefore := x.finSent
		t.evidence(c, X, s)
		if s.Flags&RST == 0 || c.rstFits(X, s) {
			t.step(c, X, s, true)
		}
		t.step(c, Y, s, false)
		if s.Flags&(SYN|RST) == 0 {
			t.dataNotes(c, X, s)
			if s.Flags&FIN != 0 {
				t.finFrom(c, X, s, finBefore)
			}
		}
	}

	// Bookkeeping after the rules, which needed the old values.
	if s.Flags&RST == 0 && !challenge {
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
		if s.Flags&(SYN|ACK) == SYN|ACK {
			x.synAckSent = true
		}
		if s.Options.Timestamp && (!x.tsValid || int32(s.Options.TSval-x.tsRecent) > 0) {
			x.tsRecent, x.tsValid = s.Options.TSval, true
		}
	}
	t.pendingFINs(c)
	x.seen = true
	t.evs[segIdx].States = c.State
}

// step asks the state of endpoint e what segment s shows about it: as its
// sender (own) or as its receiver.
func (t *Tracker) step(c *Conn, e Role, s *seg, own bool) {
	switch c.State[e] {
	case Unknown:
		t.inUnknown(c, e, s, own)
	case Closed:
		t.inClosed(c, e, s, own)
	case Listen:
		t.inListen(c, e, s, own)
	case SynSent:
		t.inSynSent(c, e, s, own)
	case SynRecv:
		t.inSynRecv(c, e, s, own)
	case Established:
		t.inEstablished(c, e, s, own)
	case FinWait1:
		t.inFinWait1(c, e, s, own)
	case FinWait2:
		t.inFinWait2(c, e, s, own)
	case CloseWait:
		t.inCloseWait(c, e, s, own)
	case Closing:
		t.inClosing(c, e, s, own)
	case LastAck:
		t.inLastAck(c, e, s, own)
	case TimeWait:
		t.inTimeWait(c, e, s, own)
	}
}

// inUnknown: nothing was known of e yet; this segment is the first
// evidence (UNKNOWN → any state is allowed).
func (t *Tracker) inUnknown(c *Conn, e Role, s *seg, own bool) {
	switch {
	case own && s.Flags&(RST|ACK) == RST|ACK && s.Seq == 0 && c.Packets[e.Peer()] == 0:
		// The answer to a SYN the capture lacks (see below): nothing
		// listened; e was CLOSED throughout.
		t.set(c, e, Closed, ReasonRefused, Seen)
	case own && s.Flags&RST != 0:
		t.set(c, e, Closed, ReasonRstSent, Seen)
	case own && s.Flags&(SYN|ACK) == SYN:
		t.set(c, e, SynSent, ReasonSynSent, Seen)
	case own && s.Flags&(SYN|ACK) == SYN|ACK:
		t.set(c, e, SynRecv, ReasonSynAckSent, Seen)
	case own:
	case s.Flags&(RST|ACK) == RST|ACK && s.Seq == 0 && c.Packets[e] == 0:
		// An RST,ACK with seq 0 is Linux's answer to a segment without
		// ACK (tcp_v4_send_reset): a SYN the capture lacks. e was in
		// SYN_SENT and is refused.
		t.set(c, e, SynSent, ReasonSynNotSeen, Inferred)
		t.set(c, e, Closed, ReasonRefused, Inferred)
	case s.Flags&RST != 0:
		// A lone RST: whatever e had, it is gone now.
		t.set(c, e, Closed, ReasonAborted, Assumed)
	case s.Flags&(SYN|ACK) == SYN:
		// §3.5: a SYN is answered by a listener.
		t.set(c, e, Listen, ReasonListen, Assumed)
	case s.Flags&(SYN|ACK) == SYN|ACK:
		// Capture began at the SYN+ACK: e must have sent a SYN we missed.
		t.set(c, e, SynSent, ReasonJoinedAtSynAck, Assumed)
		t.inSynSent(c, e, s, false)
	}
}

// inClosed: no connection (§3.10.7.1). A CLOSED endpoint opens with a
// SYN; anything else it sends or gets is a leftover.
func (t *Tracker) inClosed(c *Conn, e Role, s *seg, own bool) {
	if !own {
		if s.Flags&RST != 0 {
			t.note(c, e.Peer(), NoteRstAfterClose)
		}
		return
	}
	switch {
	case s.Flags&(SYN|ACK|RST) == SYN:
		t.synSent(c, e, s)
	case s.Flags&(FIN|SYN|RST) == FIN && c.ep[e].finSent && s.Seq.Add(s.Len) == c.ep[e].finSeq:
		// Its FIN again, although we saw the peer acknowledge it in
		// LAST_ACK: that ACK never reached e, which is still in LAST_ACK
		// (§3.10.7.4; the peer's TIME_WAIT answers exactly this).
		if i := c.byReason(e, ReasonLastAck); i >= 0 && c.Transitions[i].Confidence != Seen {
			t.revise(c, e, i, ReasonFinAckLost)
		}
	}
}

// inListen: waiting for a SYN (§3.10.7.2). The LISTEN was assumed when a
// SYN arrived; e's own segments can show that nothing listened.
func (t *Tracker) inListen(c *Conn, e Role, s *seg, own bool) {
	p := e.Peer()
	if !own {
		switch {
		case s.Flags&RST != 0:
			// "An incoming RST segment could not be valid, since it
			// could not have been sent in response to anything sent by
			// this incarnation of the connection": ignored.
			t.note(c, e, NoteRstToListen)
		case s.Flags&(SYN|ACK) == ACK && c.State[p].Synchronized():
			// The peer acknowledges a SYN+ACK the capture lacks: e sent
			// it (SYN_RECV), and this ACK completes the handshake.
			t.set(c, e, SynRecv, ReasonSynAckNotSeen, Inferred)
			t.inSynRecv(c, e, s, false)
		}
		return
	}
	switch {
	case s.Flags&(SYN|ACK) == SYN|ACK:
		// Second handshake: SYN+ACK seq=y ack=x+1.
		t.set(c, e, SynRecv, ReasonSynAckSent, Seen)
	case s.Flags&RST != 0:
		// RST answering a SYN (§3.10.7.1, Linux tcp_v4_send_reset: an
		// RST,ACK acknowledging it): no socket listened on that port.
		// The LISTEN assumed at the SYN never was: e was CLOSED
		// throughout. An RST the SYN_SENT peer cannot accept shows
		// nothing of the kind.
		if s.Flags&ACK == 0 || c.State[p] != SynSent || !c.ep[p].ackOK(s.Ack) {
			return
		}
		if i := c.byReason(e, ReasonListen); i >= 0 {
			t.revise(c, e, i, ReasonRefused)
		}
		t.set(c, e, Closed, ReasonRefused, Seen)
	case s.Flags&(SYN|ACK) == SYN && c.State[p] == SynSent:
		// Crossing SYNs (§3.5, Figure 8): e connects too; it was never
		// the listener assumed when the peer's SYN was seen, but a CLOSED
		// socket calling connect(). The peer's SYN, sent before, then
		// reaches e in SYN_SENT: SYN_RECV.
		if i := c.byReason(e, ReasonListen); i >= 0 {
			t.revise(c, e, i, ReasonNotListening)
			t.set(c, e, Closed, ReasonNotListening, Seen)
		}
		t.synSent(c, e, s)
		t.set(c, e, SynRecv, ReasonSimultaneousOpen, Inferred)
	}
}

// synSent records e's active open: SYN seq=x, CLOSED → SYN_SENT (the
// course's first handshake).
func (t *Tracker) synSent(c *Conn, e Role, s *seg) {
	t.set(c, e, SynSent, ReasonSynSent, Seen)
	if s.Len > 0 {
		c.ep[e].synLen = s.Len
		t.note(c, e, NoteSynData)
	}
}

// inSynSent: e sent its SYN and waits for SYN+ACK (§3.10.7.3).
func (t *Tracker) inSynSent(c *Conn, e Role, s *seg, own bool) {
	me, p := &c.ep[e], e.Peer()
	if own {
		switch {
		case s.Flags&SYN != 0 && s.Flags&ACK == 0 && s.Seq == me.iss && c.Packets[e] > 1:
			t.note(c, e, NoteSynRetransmit)
		case s.Flags&(RST|ACK) == RST && me.synSeen && s.Seq == me.iss.Add(1):
			// A bare RST whose seq is ISN+1: the answer to a segment
			// acknowledging e's SYN exactly (a SYN+ACK). A SYN_SENT
			// socket accepts that ack (§3.10.7.3: ISS < SEG.ACK =<
			// SND.NXT) and answers with an ACK; only Linux's
			// tcp_v4_send_reset, with no socket for the 4-tuple, sends
			// <SEQ=SEG.ACK><CTL=RST>. connect() had given up: when, the
			// packets do not say.
			t.set(c, e, Closed, ReasonNoSocket, Assumed)
			t.note(c, e, NoteClosedUnseen)
		case s.Flags&RST != 0:
			// §3.10.7.3, Figure 8: in SYN_SENT, "if the ACK bit is set,
			// if SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset
			// <SEQ=SEG.ACK><CTL=RST>, and discard the segment". The
			// unacceptable ACK came from an old connection (a TIME_WAIT
			// answering this SYN); e stays in SYN_SENT and will send its
			// SYN again.
			t.note(c, e, NoteSynSentSurvivesRst)
		case s.Flags&(SYN|ACK) == ACK:
			// e acknowledges the peer's SYN: it got the SYN+ACK, seen
			// or not (§3.10.7.3: "enter ESTABLISHED state").
			why := ReasonSynAckReceived
			if !c.ep[p].synAckSent {
				why = ReasonSynAckNotSeen
			}
			if me.synSeen && c.rtt == 0 {
				c.rtt = s.Time.Sub(me.synTime.time()) // SYN to its ACK, at the client: a round trip
			}
			t.set(c, e, Established, why, Seen)
			t.inEstablished(c, e, s, true)
		case s.Flags&FIN != 0:
			// No FIN is sent from SYN_SENT (close() there just deletes
			// the TCB, §3.10.4).
			t.note(c, e, NoteUnexpectedFlags)
		}
		return
	}
	switch {
	case s.Flags&RST != 0:
		// "If the RST bit is set: if the ACK was acceptable, then signal
		// to the user 'error: connection reset', drop the segment, enter
		// CLOSED state" — ECONNREFUSED. Without an acceptable ACK the RST
		// is dropped.
		if s.Flags&ACK == 0 || !me.ackOK(s.Ack) {
			// SYN_SENT has no receive window yet: the RST's sequence
			// number is not checked, only its ACK (Linux
			// tcp_rcv_synsent_state_process).
			t.note(c, p, NoteRstSynSentIgnored)
			return
		}
		t.set(c, e, Closed, ReasonRefused, Inferred)
	case s.Flags&(SYN|ACK) == SYN|ACK:
		if !me.ackOK(s.Ack) {
			// "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset" — e
			// does not accept the SYN+ACK and stays in SYN_SENT.
			t.note(c, e, NoteBadSynAckAck)
			return
		}
		if me.synLen > 0 {
			if s.Ack == me.iss.Add(1+me.synLen) {
				t.note(c, e, NoteSynDataAcked)
			} else {
				t.note(c, e, NoteSynDataNotAcked)
			}
		}
		if s.Len > 0 {
			c.ep[p].synLen = s.Len
		}
		t.set(c, e, Established, ReasonSynAckReceived, Inferred)
	case s.Flags&SYN != 0:
		// Crossing SYNs: e gets the peer's SYN in SYN_SENT.
		t.set(c, e, SynRecv, ReasonSimultaneousOpen, Inferred)
	}
}

// passiveOpen reports whether e reached SYN_RECV from LISTEN (a passive
// open, which an RST returns to LISTEN) rather than from SYN_SENT.
func (c *Conn) passiveOpen(e Role) bool {
	i := c.standing(e, func(tr *Transition) bool { return tr.To == SynRecv })
	return i < 0 || c.Transitions[i].From != SynSent
}

// inSynRecv: e sent SYN+ACK and waits for the ACK of its SYN (§3.10.7.4).
func (t *Tracker) inSynRecv(c *Conn, e Role, s *seg, own bool) {
	me, p := &c.ep[e], e.Peer()
	back := Closed
	if c.passiveOpen(e) {
		back = Listen
	}
	if own {
		switch {
		case s.Flags&(SYN|ACK) == SYN && s.Seq == me.iss && c.Packets[e] > 1:
			t.note(c, e, NoteSynRetransmit) // simultaneous open: its SYN again
		case s.Flags&(SYN|ACK) == SYN|ACK && me.synAckSent && s.Seq == me.iss:
			t.note(c, e, NoteSynAckRetransmit)
		case s.Flags&RST != 0:
			t.set(c, e, back, ReasonRstSent, Seen)
		case s.Flags&(SYN|FIN) == FIN:
			// §3.10.4: CLOSE in SYN_RECEIVED "form a FIN segment and
			// send it, and enter FIN-WAIT-1 state".
			t.set(c, e, FinWait1, ReasonActiveClose, Seen)
			t.closes(c, e, s)
		case s.Flags&(SYN|ACK) == ACK:
			// A socket in SYN_RECV sends SYN+ACKs only: an ACK or data
			// from e shows it took the handshake's last ACK, seen or not.
			t.set(c, e, Established, ReasonHandshakeAck, Seen)
			t.inEstablished(c, e, s, true)
		}
		return
	}
	switch {
	case s.Flags&RST != 0:
		// §3.10.7.4 first check: "If this connection was initiated with
		// a passive OPEN (i.e., came from the LISTEN state), then return
		// this connection to LISTEN state"; from an active open, CLOSED.
		if !t.rstOK(c, e, s) {
			return
		}
		t.set(c, e, back, ReasonRstInSyn, Inferred)
	case s.Flags&ACK != 0:
		// Third handshake: ACK ack=y+1. "If SND.UNA < SEG.ACK =< SND.NXT,
		// then enter ESTABLISHED state"; otherwise e sends a reset.
		if !me.ackOK(s.Ack) {
			t.note(c, p, NoteBadHandshakeAck)
			return
		}
		t.set(c, e, Established, ReasonHandshakeAck, Inferred)
	}
}

// inEstablished: the connection is open (§3.10.7.4).
func (t *Tracker) inEstablished(c *Conn, e Role, s *seg, own bool) {
	me := &c.ep[e]
	if !own {
		t.peerRst(c, e, s)
		return // the FIN is taken in finFrom
	}
	switch {
	case s.Flags&(SYN|ACK) == SYN:
		switch {
		case me.synSeen && s.Seq == me.iss && c.Packets[e] > 1:
			// e sends its SYN again: the SYN+ACK never reached it, so it
			// was still in SYN_SENT.
			t.note(c, e, NoteSynRetransmit)
			if i := c.byReason(e, ReasonSynAckReceived); i >= 0 && c.Transitions[i].Confidence == Inferred {
				t.revise(c, e, i, ReasonSynAckLost)
			}
		default:
			// The SYN the peer already answered arrives after later
			// segments: reordered on the way or in the capture.
			t.note(c, e, NoteOutOfOrder)
		}
	case s.Flags&(SYN|ACK) == SYN|ACK:
		if me.synAckSent && s.Seq == me.iss {
			// e sends its SYN+ACK again although we saw the peer's ACK:
			// e never took that ACK in (lost, or dropped by Linux when
			// the accept queue is full: tcp_check_req with
			// tcp_abort_on_overflow = 0). It is still in SYN_RECV.
			t.note(c, e, NoteSynAckRetransmit)
			if i := c.byReason(e, ReasonHandshakeAck); i >= 0 && c.Transitions[i].Confidence == Inferred {
				t.revise(c, e, i, ReasonAckDropped)
			}
		} else if me.synAckSent || s.Seq != me.iss {
			t.note(c, e, NoteUnexpectedFlags)
		}
		// Otherwise its first SYN+ACK of a simultaneous open, sent from
		// SYN_RECV before the peer's arrived.
	case s.Flags&RST != 0:
		t.rstFromOpen(c, e, s)
	case s.Flags&FIN != 0:
		// close() → FIN: ESTABLISHED → FIN_WAIT_1 (§3.10.4, the course's
		// first wave of the teardown).
		t.confirmOne(c, e, ReasonHandshakeAck)
		if p := &c.ep[e.Peer()]; p.finMaybe && !p.finSent && c.Packets[e.Peer()] == 0 && s.Flags&ACK != 0 && s.Ack == p.nxt {
			// One direction: e's ACKs covered several octets of the
			// peer the capture lacks, the last of which may have been
			// its FIN. Then e was in CLOSE_WAIT and closes to LAST_ACK;
			// the packets cannot tell: FIN_WAIT_1, assumed.
			t.note(c, e, NoteFinMaybeAcked)
			t.set(c, e, FinWait1, ReasonActiveClose, Assumed)
			me.closeMaybe = true
		} else {
			t.set(c, e, FinWait1, ReasonActiveClose, Seen)
		}
		t.closes(c, e, s)
	case s.Len > 0:
		t.confirmOne(c, e, ReasonHandshakeAck) // only an open connection sends data
	}
}

// finInEstablished: the peer's FIN reaches e open: "enter the
// CLOSE-WAIT state" (§3.10.7.4, eighth check; the second wave of the
// teardown).
func (t *Tracker) finInEstablished(c *Conn, e Role, conf Confidence) {
	t.set(c, e, CloseWait, ReasonFinReceived, conf)
}

// rstFromOpen handles an RST that e sends while believed ESTABLISHED.
// A bare RST (no ACK bit) whose seq is the ack e just received is Linux's
// answer when no socket has the connection (tcp_v4_send_reset: seq =
// incoming ack, no ACK): e never got to ESTABLISHED.
func (t *Tracker) rstFromOpen(c *Conn, e Role, s *seg) {
	me := &c.ep[e]
	if s.Flags&ACK == 0 && s.Seq == me.iss.Add(1) && (!me.nxtValid || me.nxt == me.iss.Add(1)) {
		if i := c.byReason(e, ReasonSynAckReceived, ReasonHandshakeAck); i >= 0 &&
			c.Transitions[i].Confidence == Inferred && c.Transitions[i].Packet == s.prevPkt {
			// When the socket went away (connect() gave up, the request
			// expired) no packet shows: before this RST, assumed.
			t.revise(c, e, i, ReasonNoSocket)
			if c.State[e] == SynRecv && c.passiveOpen(e) {
				t.set(c, e, Listen, ReasonNoSocket, Assumed)
			} else {
				t.set(c, e, Closed, ReasonNoSocket, Assumed)
			}
			t.note(c, e, NoteClosedUnseen)
			return
		}
	}
	t.set(c, e, Closed, ReasonRstSent, Seen)
}

// orphanRst handles a bare RST (no ACK) from e after its FIN: Linux
// sends one only when no socket has the connection (tcp_v4_send_reset),
// so e's orphaned FIN_WAIT_2 had already ended silently after
// tcp_fin_timeout (a live socket's RST, tcp_send_active_reset, has ACK;
// a TIME_WAIT would have acknowledged the peer's FIN). Its seq is the
// ack of the peer's segment it answers, which covers e's FIN.
func (t *Tracker) orphanRst(c *Conn, e Role, s *seg) bool {
	me := &c.ep[e]
	if s.Flags&ACK != 0 || !me.finSent || !me.finSeq.LessThan(s.Seq) {
		return false
	}
	if i := c.byReason(e, ReasonFinInFinWait2, ReasonFinAndAck, ReasonSimultaneousClose); i >= 0 &&
		c.Transitions[i].Confidence == Inferred {
		t.revise(c, e, i, ReasonNoSocket)
	}
	switch c.State[e] {
	case FinWait1:
		// The ACK of e's FIN reached it (it did not send the FIN again)
		// some time before its FIN_WAIT_2 ended; this RST, captured after
		// the socket was gone, is not when: assumed.
		t.set(c, e, FinWait2, ReasonFinAcked, Assumed)
	case Closing:
		return false
	}
	if c.State[e] != FinWait2 {
		return false
	}
	t.set(c, e, Closed, ReasonFinWait2Timeout, Assumed)
	t.note(c, e, NoteFinWait2Orphan)
	return true
}

// peerRst takes an RST from e's peer: one that passes rstOK aborts e
// (§3.10.7.4, second check: in a synchronized state a reset in the window
// closes the connection). It reports whether s was an RST at all.
func (t *Tracker) peerRst(c *Conn, e Role, s *seg) bool {
	if s.Flags&RST == 0 {
		return false
	}
	if t.rstOK(c, e, s) {
		t.set(c, e, Closed, ReasonAborted, Inferred)
	}
	return true
}

// inFinWait1: e sent its FIN and waits for its ACK (§3.10.7.4).
func (t *Tracker) inFinWait1(c *Conn, e Role, s *seg, own bool) {
	if own {
		if s.Flags&RST != 0 && !t.orphanRst(c, e, s) {
			t.set(c, e, Closed, ReasonRstSent, Seen)
		}
		return
	}
	switch {
	case t.peerRst(c, e, s):
	case s.Flags&(ACK|SYN) == ACK && c.ep[e].finAcked(s.Ack):
		// "If our FIN is now acknowledged, then enter FIN-WAIT-2" —
		// unless this segment's FIN is taken now too: then TIME_WAIT
		// (finFrom).
		if s.Flags&FIN != 0 && c.reachable(e.Peer(), s.Seq.Add(s.Len)) {
			return
		}
		t.set(c, e, FinWait2, ReasonFinAcked, Inferred)
	}
}

// finInFinWait1: the peer's FIN reaches e while its own waits for its
// ACK. "If our FIN has been ACKed (perhaps in this segment), then enter
// TIME-WAIT": the 3-segment close, the ACK riding on the FIN; otherwise
// the FINs crossed: CLOSING (§3.10.7.4, eighth check).
func (t *Tracker) finInFinWait1(c *Conn, e Role, conf Confidence) {
	me, p := &c.ep[e], &c.ep[e.Peer()]
	if me.closeAssumed {
		conf = Assumed // closeOrderUnseen: which edge is not in the packets
	}
	if p.finHasAck && me.finAcked(p.finAck) {
		t.set(c, e, TimeWait, ReasonFinAndAck, conf)
	} else {
		t.set(c, e, Closing, ReasonSimultaneousClose, conf)
	}
}

// inFinWait2: e's FIN is acknowledged; it waits for the peer's FIN.
func (t *Tracker) inFinWait2(c *Conn, e Role, s *seg, own bool) {
	me := &c.ep[e]
	if !own {
		t.peerRst(c, e, s)
		return
	}
	switch {
	case s.Flags&RST != 0:
		if !t.orphanRst(c, e, s) {
			t.set(c, e, Closed, ReasonRstSent, Seen)
		}
	case s.Flags&(SYN|FIN) == FIN && me.finSent && s.Seq.Add(s.Len) == me.finSeq:
		// e sends its FIN again although we saw the peer acknowledge
		// it: that ACK never reached e, which is still in FIN_WAIT_1.
		if i := c.byReason(e, ReasonFinAcked); i >= 0 {
			t.revise(c, e, i, ReasonFinAckLost)
		}
	}
}

// finInFinWait2: the peer's FIN reaches e, whose own FIN is
// acknowledged: "enter the TIME-WAIT state" (§3.10.7.4, eighth check;
// Linux tcp_fin, the 4-segment close's last wave). Here is where
// FIN_WAIT_2 → TIME_WAIT is decided; takeFIN calls it once the FIN is
// taken in sequence order.
func (t *Tracker) finInFinWait2(c *Conn, e Role, conf Confidence) {
	t.set(c, e, TimeWait, ReasonFinInFinWait2, conf)
}

// inCloseWait: e took the peer's FIN and waits for its own close().
func (t *Tracker) inCloseWait(c *Conn, e Role, s *seg, own bool) {
	if !own {
		t.peerRst(c, e, s)
		return
	}
	p := &c.ep[e.Peer()]
	switch {
	case s.Flags&RST != 0:
		t.set(c, e, Closed, ReasonRstSent, Seen)
	case s.Flags&(SYN|FIN) == FIN && s.Flags&ACK != 0 && p.finSent && !p.finSeq.LessThan(s.Ack):
		// e's FIN does not acknowledge the peer's: e sent it before the
		// peer's FIN arrived (§3.6, Figure 13). e was still ESTABLISHED
		// — never CLOSE_WAIT —, its close() took it to FIN_WAIT_1, and
		// the peer's FIN, on its way, then takes it to CLOSING.
		if i := c.byReason(e, ReasonFinReceived); i >= 0 {
			t.revise(c, e, i, ReasonFinNotArrived)
		}
		t.set(c, e, FinWait1, ReasonActiveClose, Seen)
		t.closes(c, e, s)
		if !p.finTaken && c.reachable(e.Peer(), p.finSeq) {
			t.takeFIN(c, e, Inferred)
		}
	case s.Flags&(SYN|FIN) == FIN:
		// The passive closer's close() → FIN: CLOSE_WAIT → LAST_ACK.
		t.set(c, e, LastAck, ReasonPassiveClose, Seen)
		t.closes(c, e, s)
	}
}

// inClosing: the FINs crossed; e waits for the ACK of its own. "If the
// ACK acknowledges our FIN, then enter the TIME-WAIT state."
func (t *Tracker) inClosing(c *Conn, e Role, s *seg, own bool) {
	t.awaitFinAck(c, e, s, own, TimeWait, ReasonClosingAcked)
}

// inLastAck: the passive closer waits for the ACK of its FIN. "If our FIN
// is now acknowledged, delete the TCB, enter the CLOSED state" — no
// TIME_WAIT for the passive closer.
func (t *Tracker) inLastAck(c *Conn, e Role, s *seg, own bool) {
	t.awaitFinAck(c, e, s, own, Closed, ReasonLastAck)
}

// awaitFinAck is CLOSING and LAST_ACK alike: e's own RST closes it, a
// valid RST from the peer aborts it, and the ACK of its FIN moves it to
// acked (for why).
func (t *Tracker) awaitFinAck(c *Conn, e Role, s *seg, own bool, acked State, why Reason) {
	switch {
	case own && s.Flags&RST != 0:
		t.set(c, e, Closed, ReasonRstSent, Seen)
	case own:
	case t.peerRst(c, e, s):
	case s.Flags&(ACK|SYN) == ACK && c.ep[e].finAcked(s.Ack):
		t.set(c, e, acked, why, Inferred)
	}
}

// inTimeWait: the active closer waits 2MSL (§3.10.7.4, Linux
// tcp_timewait_state_process).
func (t *Tracker) inTimeWait(c *Conn, e Role, s *seg, own bool) {
	me, p := &c.ep[e], &c.ep[e.Peer()]
	if !own {
		if s.Flags&RST == 0 {
			return // a FIN again restarts the timer (finFrom)
		}
		// Linux kills a TIME_WAIT socket on an RST at exactly RCV.NXT
		// (net.ipv4.tcp_rfc1337 = 0, the default).
		if n, ok := me.rcvNxt(p); ok && s.Seq != n {
			t.note(c, e.Peer(), NoteRstOutOfWindow)
			return
		}
		t.note(c, e, NoteTimeWaitAssassin)
		t.set(c, e, Closed, ReasonAborted, Inferred)
		return
	}
	switch {
	case s.Flags&RST != 0:
		if !t.orphanRst(c, e, s) {
			t.set(c, e, Closed, ReasonRstSent, Seen)
		}
	case s.Flags&(SYN|FIN) == FIN && me.finSent && s.Seq.Add(s.Len) == me.finSeq:
		// e sends its FIN again: no ACK of it ever reached e. Every
		// belief that one did is withdrawn; e is still in FIN_WAIT_1, or
		// CLOSING if this FIN acknowledges the peer's (it took that FIN
		// but not the ACK of its own).
		i := c.firstByReason(e, ReasonFinAcked, ReasonFinAndAck, ReasonClosingAcked)
		if i < 0 {
			return
		}
		t.revise(c, e, i, ReasonFinAckLost)
		if c.State[e] == FinWait1 && s.Flags&ACK != 0 && p.finSent && p.finSeq.LessThan(s.Ack) {
			t.set(c, e, Closing, ReasonSimultaneousClose, Seen)
			p.finTaken = true
		}
	}
}
