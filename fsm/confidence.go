package fsm

// Confidence says how a transition is known (observer v2). A capture is
// taken at one point of the path: what an endpoint's own segments show is
// certain, what follows from a segment sent towards it assumes the segment
// arrived, and some changes are not in the packets at all.
type Confidence uint8

const (
	// Seen: the endpoint's own segments show the change (it sent the SYN,
	// the FIN, or an ACK proving it received the peer's FIN).
	Seen Confidence = iota + 1
	// Inferred: follows from a segment sent towards the endpoint, its
	// delivery assumed; a later packet may revise it.
	Inferred
	// Assumed: a timer (TIME_WAIT's 2MSL, an orphan FIN_WAIT_2), an
	// assumed listener, a connection joined late: nothing in the packets
	// shows it.
	Assumed
)

func (c Confidence) String() string {
	switch c {
	case Seen:
		return "seen"
	case Inferred:
		return "inferred"
	case Assumed:
		return "assumed"
	}
	return "unknown"
}

// Cause says why a transition's confidence changed after the fact (a
// KindConfidence event).
type Cause uint8

const (
	// CauseOwnSegment: the endpoint's own segment now shows what was
	// Inferred (its ACK covers the FIN or SYN it took, or it sends what
	// only the new state sends): Seen.
	CauseOwnSegment Cause = iota + 1
	// CauseFinProven: the peer's FIN is proven after the octets that
	// might have held it, so the endpoint closed from ESTABLISHED as its
	// FIN showed: an Assumed FIN_WAIT_1 becomes Seen.
	CauseFinProven
	// CauseFinUnanswered: the peer's FIN was sent again and again while
	// the endpoint stayed silent (NoteFinUnanswered): what it was
	// believed to receive after its last segment becomes Assumed.
	CauseFinUnanswered
	// CauseSilent: one direction only, the input ended and the endpoint
	// sent nothing: what was Inferred from segments sent towards it
	// becomes Assumed (Tracker.silentAssumed).
	CauseSilent
)

func (c Cause) String() string {
	switch c {
	case CauseOwnSegment:
		return "own-segment"
	case CauseFinProven:
		return "fin-proven"
	case CauseFinUnanswered:
		return "fin-unanswered"
	case CauseSilent:
		return "silent"
	}
	return "cause(?)"
}

// Revision records a belief that a later packet showed wrong: the
// transitions of Endpoint from Packet on (their target states are
// Believed) were withdrawn when packet CorrectedBy arrived, and the
// corrected ones were appended to Conn.Transitions.
type Revision struct {
	Packet      uint64  // packet of the first withdrawn transition (0: a timer)
	Endpoint    Role    // whose path was corrected
	Believed    []State // the states it was believed to pass through, in order
	Withdrawn   []int   // the ordinals (in Conn.Transitions) of the withdrawn transitions, one per Believed
	CorrectedBy uint64  // the packet that showed the belief wrong
	Reason      Reason  // why (a key, as for transitions)
}
