package fsm

import "time"

// Role names an endpoint of a connection.
type Role uint8

// The two endpoints. The client is the sender of the first SYN without ACK;
// when the capture did not see it, roles are guessed (see Conn.JoinedLate).
const (
	Client Role = iota
	Server
)

func (r Role) String() string {
	if r == Client {
		return "client"
	}
	return "server"
}

// Peer returns the other role.
func (r Role) Peer() Role { return 1 - r }

// Kind says what an Event reports.
type Kind uint8

const (
	// KindSegment reports one observed segment: it is the first event that
	// Observe returns for every segment, with the connection, direction,
	// relative numbers and both endpoints' states after the segment.
	KindSegment Kind = iota
	// KindTransition reports one endpoint's state change.
	KindTransition
	// KindNote reports an annotation that changed no state (a
	// retransmission, a wrong ack, an out-of-window RST...).
	KindNote
	// KindEnd reports that the tracker let go of a connection: both
	// endpoints are CLOSED (or it was superseded, or Flush was called). The
	// Conn is final; the tracker will not touch it again.
	KindEnd
	// KindRevision reports that this segment showed an earlier belief
	// wrong (observer v2): Revision says which transitions of Endpoint were
	// withdrawn; Old is the state believed until now, New the state the
	// corrected path resumes from (the From of the first withdrawn
	// transition), Reason the revision's reason. It is not a TCP
	// transition: the corrected transitions, if any, follow as
	// KindTransition events leaving New. Ordinal is the first withdrawn
	// transition's, Revision.Withdrawn lists them all.
	KindRevision
	// KindConfidence reports that later evidence changed how an earlier
	// transition is known: Ordinal names it (its index in
	// Conn.Transitions), Was and Confidence are its old and new
	// Confidence, Cause says why; Endpoint, Old, New and Reason repeat
	// the transition's. No state changes.
	KindConfidence
)

func (k Kind) String() string {
	switch k {
	case KindSegment:
		return "segment"
	case KindTransition:
		return "transition"
	case KindNote:
		return "note"
	case KindEnd:
		return "end"
	case KindRevision:
		return "revision"
	case KindConfidence:
		return "confidence"
	}
	return "kind(?)"
}

// Event is one thing the tracker saw happen.
type Event struct {
	Kind Kind
	Conn *Conn

	Packet uint64    // packet number of the segment (0 for timer events)
	Time   time.Time // capture time (for timer events, the moment the timer fired)

	// Segment description (copied for every event caused by a segment).
	From     Role   // sender of the segment
	Flags    Flags  // its flags
	Seq, Ack uint32 // relative to the sender's and receiver's ISN (0 when unknown)
	Len      uint32 // payload length

	// Transition and note fields.
	Endpoint Role   // which endpoint changed (KindTransition) or is concerned (KindNote)
	Old, New State  // KindTransition: from, to
	Reason   Reason // why: a key the UI turns into a sentence

	// Confidence of a KindTransition (see Confidence), the new one of a
	// KindConfidence; Was is a KindConfidence's old one, Cause its why.
	Confidence Confidence
	Was        Confidence
	Cause      Cause
	// Ordinal is the index in Conn.Transitions of the transition a
	// KindTransition appends or a KindConfidence changes, and of the
	// first one a KindRevision withdraws: a connection's events name
	// every change of its history, so that History rebuilds it from them
	// alone.
	Ordinal int
	// Revision is set on KindRevision events only.
	Revision *Revision

	// States after the event, for both endpoints ([Client], [Server]).
	States [2]State
}

// Transition is a recorded state change of one endpoint.
type Transition struct {
	Packet     uint64
	Time       time.Time
	Endpoint   Role
	From, To   State
	Confidence Confidence // next to the one-byte fields: a Transition is 64 bytes, not 72
	Reason     Reason
	// WithdrawnBy is the packet that showed this transition never
	// happened (0: it stands). Conn.Transitions keeps withdrawn entries
	// so that what was believed stays readable; Conn.Path skips them.
	WithdrawnBy uint64
}

// Note is a recorded annotation.
type Note struct {
	Packet   uint64
	Endpoint Role
	Reason   Reason
}
