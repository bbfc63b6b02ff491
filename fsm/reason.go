package fsm

// Reason is a stable key saying why a transition happened or what a note
// means. The UI turns it into a sentence (English or Chinese); JSON output
// prints it as is, so keys never change once released.
type Reason string

// Transition reasons.
const (
	// Handshake (RFC 9293 §3.5).
	ReasonSynSent          Reason = "syn-sent"              // client sent SYN seq=x: CLOSED → SYN_SENT
	ReasonListen           Reason = "listen-assumed"        // a SYN arrived, so the receiver must have been listening
	ReasonSynAckSent       Reason = "synack-sent"           // server answered SYN+ACK seq=y ack=x+1: LISTEN → SYN_RECV
	ReasonSynAckReceived   Reason = "synack-received"       // client got SYN+ACK with ack=x+1: SYN_SENT → ESTABLISHED
	ReasonHandshakeAck     Reason = "handshake-ack"         // server got ack=y+1: SYN_RECV → ESTABLISHED
	ReasonSimultaneousOpen Reason = "simultaneous-open"     // crossing SYNs: SYN_SENT → SYN_RECV
	ReasonNotListening     Reason = "not-listening"         // it sends its own SYN: not a listener but connecting too (CLOSED)
	ReasonJoinedLate       Reason = "joined-late"           // capture began mid-connection: assumed ESTABLISHED
	ReasonJoinedAtSynAck   Reason = "joined-at-synack"      // capture began at the SYN+ACK: the client's SYN was not seen
	ReasonSynAckNotSeen    Reason = "synack-not-seen"       // an ACK shows a SYN+ACK the capture missed (one direction only?)
	ReasonAckDropped       Reason = "handshake-ack-dropped" // SYN+ACK sent again: the server never took the ACK (accept queue full)

	// Teardown (RFC 9293 §3.6).
	ReasonActiveClose       Reason = "active-close"       // FIN sent from ESTABLISHED (or SYN_RECV): → FIN_WAIT_1
	ReasonFinReceived       Reason = "fin-received"       // FIN received in ESTABLISHED: → CLOSE_WAIT
	ReasonPassiveClose      Reason = "passive-close"      // FIN sent from CLOSE_WAIT: → LAST_ACK
	ReasonFinCrossed        Reason = "fin-crossed"        // its FIN does not ack the peer's: sent from ESTABLISHED, not CLOSE_WAIT
	ReasonFinAcked          Reason = "fin-acked"          // own FIN acknowledged: FIN_WAIT_1 → FIN_WAIT_2
	ReasonFinInFinWait2     Reason = "fin-in-fin-wait-2"  // peer's FIN received: FIN_WAIT_2 → TIME_WAIT
	ReasonSimultaneousClose Reason = "simultaneous-close" // peer's FIN crossed ours: FIN_WAIT_1 → CLOSING
	ReasonFinAndAck         Reason = "fin-and-ack"        // peer's FIN also acked ours: FIN_WAIT_1 → TIME_WAIT
	ReasonClosingAcked      Reason = "closing-acked"      // own FIN acked in CLOSING: → TIME_WAIT
	ReasonFinAckLost        Reason = "fin-ack-lost"       // own FIN sent again: the ACK we saw never reached it
	ReasonLastAck           Reason = "last-ack"           // own FIN acked in LAST_ACK: → CLOSED
	ReasonTimeWaitExpired   Reason = "time-wait-expired"  // 2MSL passed in TIME_WAIT: → CLOSED
	ReasonReused            Reason = "time-wait-reused"   // a new SYN on the 4-tuple ended TIME_WAIT early

	// Reset (RFC 9293 §3.5.2, §3.10.7).
	ReasonRstSent  Reason = "rst-sent"        // the sender of an RST closes at once
	ReasonRefused  Reason = "refused"         // RST answering a SYN: connection refused
	ReasonAborted  Reason = "aborted"         // RST in a synchronized state: connection aborted
	ReasonRstInSyn Reason = "rst-in-syn-recv" // RST in SYN_RECV: the half-open server socket goes away
)

// Observer v2 transition and revision reasons: what a later packet (or an
// ACK number) showed. A Revision's Reason is one of these or an older key
// (fin-ack-lost, handshake-ack-dropped, not-listening, refused).
const (
	ReasonSynAckLost      Reason = "synack-lost"        // SYN sent again after a SYN+ACK: the SYN+ACK never arrived, still SYN_SENT
	ReasonFinNotArrived   Reason = "fin-not-arrived"    // its FIN does not ack the peer's: that FIN had not arrived, ESTABLISHED → FIN_WAIT_1
	ReasonNoSocket        Reason = "no-socket"          // bare RST (no ACK, seq = the ack it got): no socket had the connection
	ReasonFinNotSeen      Reason = "fin-not-seen"       // an ACK one past everything the peer sent proves a FIN the capture lacks
	ReasonAckNotSeen      Reason = "ack-not-seen"       // one direction only: its FIN was not sent again, so its ACK (not captured) is assumed to have arrived
	ReasonFinWait2Timeout Reason = "fin-wait-2-timeout" // an orphan FIN_WAIT_2 ended by Linux's tcp_fin_timeout, with no packet
	ReasonSynNotSeen      Reason = "syn-not-seen"       // an RST,ACK with seq 0 answers a SYN the capture lacks: SYN_SENT
)

// Note reasons: annotations that change no state.
const (
	NoteSynRetransmit    Reason = "syn-retransmission"
	NoteSynAckRetransmit Reason = "synack-retransmission"
	NoteFinRetransmit    Reason = "fin-retransmission"
	NoteRetransmit       Reason = "retransmission"          // data sent again
	NoteKeepAlive        Reason = "keep-alive"              // one byte before snd.nxt, or zero-length probe
	NoteBadSynAckAck     Reason = "bad-synack-ack"          // SYN+ACK whose ack is not x+1
	NoteBadHandshakeAck  Reason = "bad-handshake-ack"       // third segment whose ack is not y+1
	NoteSynData          Reason = "syn-data"                // data on the SYN (TCP Fast Open)
	NoteSynDataAcked     Reason = "syn-data-acked"          // the SYN+ACK acknowledged the SYN's data
	NoteSynDataNotAcked  Reason = "syn-data-not-acked"      // the SYN+ACK acknowledged only the SYN: data to resend
	NoteHalfClose        Reason = "half-close-data"         // data from the side in CLOSE_WAIT to the side in FIN_WAIT_2
	NoteDataAfterFin     Reason = "data-after-fin"          // data beyond a FIN the sender already sent
	NoteRstOutOfWindow   Reason = "rst-out-of-window"       // RST whose seq is outside the window: ignored
	NoteRstChallenge     Reason = "rst-challenge-ack"       // RST in the window but not at RCV.NXT: challenge ACK, ignored
	NoteRstAfterClose    Reason = "rst-after-close"         // RST for a connection already closed
	NoteAfterClosed      Reason = "after-closed"            // segment on a connection both ends closed
	NotePortReuse        Reason = "port-reuse"              // new SYN on a 4-tuple in TIME_WAIT or CLOSED
	NoteJoinedLate       Reason = "joined-late"             // capture started mid-connection
	NoteOneDirection     Reason = "one-direction"           // only one direction was captured
	NoteSeqWrap          Reason = "seq-wrap"                // the sequence number wrapped past 2^32
	NoteZeroWindow       Reason = "zero-window"             // receive window 0: sender must wait
	NoteUnexpectedAck    Reason = "unacceptable-ack"        // ACK acknowledging something never sent
	NoteUnexpectedSyn    Reason = "unexpected-syn"          // SYN in a synchronized state (challenge ACK expected)
	NoteUnexpectedFlags  Reason = "unexpected-flags"        // a segment the rules say should not happen here
	NoteDataInSynSent    Reason = "data-before-established" // data sent before the handshake completed
	NoteOutOfOrder       Reason = "out-of-order"            // a segment seen after ones sent later (reordering)
	NoteTimeWaitAssassin Reason = "rst-in-time-wait"        // RST closed a TIME_WAIT endpoint early (RFC 1337)
)

// Observer v2 notes: evidence the packets carry, and what they cannot tell.
const (
	NoteDuplicate           Reason = "duplicate"               // same seq/ack/flags/len and TSval: a network copy, not a retransmission
	NoteDupOrRetransmit     Reason = "duplicate-or-retransmit" // a copy without timestamps: duplicate and retransmission look the same
	NoteRstToListen         Reason = "rst-to-listen"           // RST reaching a listener: ignored (RFC 9293 §3.10.7.2)
	NoteSynSentSurvivesRst  Reason = "syn-sent-rst"            // RST from SYN_SENT answering an old ACK: it stays SYN_SENT (Figure 8)
	NoteTimeWaitSynRejected Reason = "time-wait-syn-rejected"  // SYN to TIME_WAIT refused (PAWS or old ISN): TIME_WAIT answers an ACK
	NoteTimeWaitRestarted   Reason = "time-wait-restarted"     // FIN again into TIME_WAIT: 2MSL timer restarted
	NoteFinOutOfOrder       Reason = "fin-out-of-order"        // FIN beyond missing data: taken when the hole fills
	NoteFinWait2Orphan      Reason = "fin-wait-2-orphan"       // FIN_WAIT_2 may end silently (tcp_fin_timeout): cannot be seen
	NoteSynUnanswered       Reason = "syn-unanswered"          // a lone SYN may have been answered out of sight
	NoteKeepAliveUnanswered Reason = "keepalive-unanswered"    // probes unanswered: the RST that ends it may never be seen
	NoteCloseOrderUnseen    Reason = "close-order-unseen"      // one direction: FIN_WAIT_2 or straight to TIME_WAIT (or CLOSING) cannot be seen
	NoteClosedUnseen        Reason = "closed-unseen"           // a bare RST shows the socket had gone; when it went is not in the packets
	NoteRstSynSentIgnored   Reason = "rst-ignored-in-syn-sent" // RST to SYN_SENT whose ACK does not acknowledge the SYN (or has no ACK): dropped, no window check there
	NoteEndUnseen           Reason = "end-unseen"              // one direction: what the silent peer sent after this endpoint's last segment (RST, FIN, ACK) is not in the capture
	NoteFinMaybeAcked       Reason = "fin-maybe-acked"         // one direction: an ACK covers several unseen octets of the peer; whether the last was a FIN cannot be told
	NoteFinUnanswered       Reason = "fin-unanswered"          // the peer's FIN sent again and again, this endpoint silent: what it received after its last segment is not in the packets
)

// Reasons lists every key, transitions first, in declaration order. The UI
// tests check that each one has a translation.
func Reasons() []Reason {
	return []Reason{
		ReasonSynSent, ReasonListen, ReasonSynAckSent, ReasonSynAckReceived, ReasonHandshakeAck,
		ReasonSimultaneousOpen, ReasonNotListening, ReasonJoinedLate, ReasonJoinedAtSynAck, ReasonSynAckNotSeen, ReasonAckDropped,
		ReasonActiveClose, ReasonFinReceived, ReasonPassiveClose, ReasonFinCrossed, ReasonFinAcked, ReasonFinInFinWait2,
		ReasonSimultaneousClose, ReasonFinAndAck, ReasonClosingAcked, ReasonLastAck, ReasonFinAckLost, ReasonTimeWaitExpired, ReasonReused,
		ReasonRstSent, ReasonRefused, ReasonAborted, ReasonRstInSyn,
		ReasonSynAckLost, ReasonFinNotArrived, ReasonNoSocket, ReasonFinNotSeen, ReasonAckNotSeen, ReasonFinWait2Timeout, ReasonSynNotSeen,
		NoteSynRetransmit, NoteSynAckRetransmit, NoteFinRetransmit, NoteRetransmit, NoteKeepAlive,
		NoteBadSynAckAck, NoteBadHandshakeAck, NoteSynData, NoteSynDataAcked, NoteSynDataNotAcked,
		NoteHalfClose, NoteDataAfterFin, NoteRstOutOfWindow, NoteRstChallenge, NoteRstAfterClose, NoteAfterClosed,
		NotePortReuse, NoteOneDirection, NoteSeqWrap, NoteZeroWindow,
		NoteUnexpectedAck, NoteUnexpectedSyn, NoteUnexpectedFlags, NoteDataInSynSent, NoteOutOfOrder, NoteTimeWaitAssassin,
		NoteDuplicate, NoteDupOrRetransmit, NoteRstToListen, NoteSynSentSurvivesRst, NoteTimeWaitSynRejected,
		NoteTimeWaitRestarted, NoteFinOutOfOrder, NoteFinWait2Orphan, NoteSynUnanswered, NoteKeepAliveUnanswered,
		NoteCloseOrderUnseen, NoteClosedUnseen, NoteEndUnseen, NoteFinMaybeAcked, NoteRstSynSentIgnored, NoteFinUnanswered,
	}
}
