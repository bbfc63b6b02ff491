package fsm

// State is the state of one TCP endpoint, spelled as in RFC 9293 §3.3.2.
type State uint8

// The eleven RFC 9293 states, plus Unknown for an endpoint the observer has
// no evidence about yet (for instance the receiver of a capture that only
// holds one direction). Unknown is an observer-only value, never a TCP
// state.
const (
	Unknown State = iota
	Closed
	Listen
	SynSent
	SynRecv
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
	numStates
)

var stateNames = [numStates]string{
	Unknown:     "UNKNOWN",
	Closed:      "CLOSED",
	Listen:      "LISTEN",
	SynSent:     "SYN_SENT",
	SynRecv:     "SYN_RECV",
	Established: "ESTABLISHED",
	FinWait1:    "FIN_WAIT_1",
	FinWait2:    "FIN_WAIT_2",
	CloseWait:   "CLOSE_WAIT",
	Closing:     "CLOSING",
	LastAck:     "LAST_ACK",
	TimeWait:    "TIME_WAIT",
}

// String returns the RFC spelling, with underscores (SYN_RECV, FIN_WAIT_1).
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "State(?)"
}

// ParseState is the inverse of String.
func ParseState(name string) (State, bool) {
	for i, n := range stateNames {
		if n == name {
			return State(i), true
		}
	}
	return Unknown, false
}

// States lists every state in declaration order, Unknown first.
func States() []State {
	out := make([]State, numStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// Synchronized reports whether the endpoint has completed the handshake
// (RFC 9293 §3.5: ESTABLISHED and every later state).
func (s State) Synchronized() bool { return s >= Established && s < numStates }

// Opening reports whether the endpoint is in the handshake.
func (s State) Opening() bool { return s == Listen || s == SynSent || s == SynRecv }

// Closing reports whether the endpoint has sent or received a FIN and is
// not yet CLOSED.
func (s State) Closing() bool { return s >= FinWait1 && s < numStates }

// Family groups states for colouring: "opening", "open", "closing",
// "closed" (Unknown is "unknown").
func (s State) Family() string {
	switch {
	case s == Unknown:
		return "unknown"
	case s == Closed:
		return "closed"
	case s.Opening():
		return "opening"
	case s == Established:
		return "open"
	default:
		return "closing"
	}
}
