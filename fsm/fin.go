package fsm

// A FIN is taken in sequence order, after the states reacted to the rest
// of its segment (§3.10.7.4, eighth check): closes records one sent,
// finFrom decides whether its receiver takes it now or once the data
// before it is seen (pendingFINs), and takeFIN hands it to the
// receiver's state (finInEstablished, finInFinWait1, finInFinWait2 in
// machine.go).

// closes records that e's FIN (this segment's) is sent.
func (t *Tracker) closes(c *Conn, e Role, s *seg) {
	me := &c.ep[e]
	me.finSent, me.finSeq = true, s.Seq.Add(s.Len)
	me.finAck, me.finHasAck = s.Ack, s.Flags&ACK != 0
	me.finTime = instantOf(s.Time)
}

// finFrom handles the FIN of a segment from X once the states have
// reacted to the rest of it (§3.10.7.4, eighth check): the receiver takes
// it in sequence order only.
func (t *Tracker) finFrom(c *Conn, X Role, s *seg, wasSent bool) {
	Y := X.Peer()
	x := &c.ep[X]
	if !x.finSent {
		return // the sender's state refused it (noted there)
	}
	if wasSent {
		if s.Seq.Add(s.Len) != x.finSeq {
			t.note(c, X, NoteUnexpectedFlags) // a second, different FIN
			return
		}
		t.note(c, X, NoteFinRetransmit)
		if c.State[Y] == TimeWait && x.finTaken {
			// "Restart the 2 MSL time-out" (§3.10.7.4; Linux
			// inet_twsk_reschedule), and acknowledge the FIN again.
			t.startTimeWait(c, Y)
			t.note(c, Y, NoteTimeWaitRestarted)
		}
	}
	if x.finTaken {
		return
	}
	if s.Flags&ACK == 0 {
		// A synchronized receiver drops a segment without ACK
		// (§3.10.7.4: "if the ACK bit is off drop the segment"); the
		// retransmission, with ACK, is taken.
		t.note(c, Y, NoteUnexpectedFlags)
		return
	}
	if !c.reachable(X, x.finSeq) {
		// Data before the FIN is missing: the receiver cannot take the
		// FIN until the hole is filled (or its ACK shows it did).
		x.finGap = true
		t.note(c, Y, NoteFinOutOfOrder)
		return
	}
	t.takeFIN(c, Y, Inferred)
}

// takeFIN moves e on receipt of its peer's FIN (§3.10.7.4, eighth check),
// once finFrom, evidence, inCloseWait or pendingFINs found it taken in
// sequence order. Each state that takes a FIN says how, beside its
// other rules (finInEstablished, finInFinWait1, finInFinWait2); any
// other ignores it (a listener or a closed socket, §3.10.7.2; the states
// that already took one).
func (t *Tracker) takeFIN(c *Conn, e Role, conf Confidence) {
	switch c.State[e] {
	case Established:
		t.finInEstablished(c, e, conf)
	case FinWait1:
		t.finInFinWait1(c, e, conf)
	case FinWait2:
		t.finInFinWait2(c, e, conf)
	default:
		return
	}
	p := &c.ep[e.Peer()]
	p.finTaken, p.finGap = true, false
}

// pendingFINs takes a FIN that waited for the data before it, once that
// data is seen.
func (t *Tracker) pendingFINs(c *Conn) {
	for _, r := range []Role{Client, Server} {
		p := &c.ep[r]
		if p.finSent && !p.finTaken && p.finGap && p.finHasAck && c.reachable(r, p.finSeq) {
			t.takeFIN(c, r.Peer(), Inferred)
		}
	}
}
