package fsm

// Edge is one state change TCP can make: an arrow of RFC 9293's state
// diagram (Figure 5), one of the RST and abort edges of §3.10.7, or one of
// the two Linux adds (an orphan FIN_WAIT_2 ended by tcp_fin_timeout, a
// TIME_WAIT ended early by a reusing SYN or an RST). Every transition the
// tracker records is an Edge, or leaves Unknown (an endpoint the observer
// had no evidence about yet).
type Edge struct {
	From, To State
	// Why names the event and where it is specified.
	Why string
}

// edges is the table, in the order of the diagram. Nothing else decides
// what a transition may be: Tracker.set refuses anything not listed here.
var edges = []Edge{
	// Figure 5, the open.
	{Closed, Listen, "passive OPEN (listen()): create TCB"},
	{Closed, SynSent, "active OPEN (connect()): snd SYN"},
	{Listen, SynRecv, "rcv SYN: snd SYN,ACK"},
	{Listen, SynSent, "SEND on a listening socket: snd SYN (§3.10.2)"},
	{Listen, Closed, "CLOSE: delete TCB"},
	{SynSent, SynRecv, "rcv SYN (simultaneous open): snd SYN,ACK"},
	{SynSent, Established, "rcv SYN,ACK: snd ACK"},
	{SynSent, Closed, "CLOSE, or rcv an acceptable RST (§3.10.7.3)"},
	{SynRecv, Established, "rcv ACK of SYN"},
	{SynRecv, FinWait1, "CLOSE: snd FIN"},
	{SynRecv, Listen, "rcv RST on a passive open (§3.10.7.4)"},
	{SynRecv, Closed, "rcv RST on an active open, or abort (§3.10.7.4)"},
	// Figure 5, the close.
	{Established, FinWait1, "CLOSE: snd FIN"},
	{Established, CloseWait, "rcv FIN: snd ACK"},
	{Established, Closed, "rcv RST, or ABORT: snd RST (§3.10.7.4, §3.10.5)"},
	{FinWait1, FinWait2, "rcv ACK of FIN"},
	{FinWait1, Closing, "rcv FIN: snd ACK"},
	{FinWait1, TimeWait, "rcv FIN and ACK of our FIN: snd ACK"},
	{FinWait1, Closed, "rcv RST, or ABORT (§3.10.7.4)"},
	{FinWait2, TimeWait, "rcv FIN: snd ACK"},
	{FinWait2, Closed, "rcv RST, ABORT, or Linux's orphan timeout (tcp_fin_timeout)"},
	{CloseWait, LastAck, "CLOSE: snd FIN"},
	{CloseWait, Closed, "rcv RST, or ABORT (§3.10.7.4)"},
	{Closing, TimeWait, "rcv ACK of FIN"},
	{Closing, Closed, "rcv RST, or ABORT (§3.10.7.4)"},
	{LastAck, Closed, "rcv ACK of FIN, or RST"},
	{TimeWait, Closed, "2MSL timeout; an RST (Linux, tcp_rfc1337=0); a SYN reusing the 4-tuple (Linux tcp_timewait_state_process)"},
}

// legal indexes edges by [From][To].
var legal = func() (m [numStates][numStates]bool) {
	for _, e := range edges {
		m[e.From][e.To] = true
	}
	return m
}()

// Legal reports whether TCP can go from one state to another in one step:
// an Edge of the table, or any move out of Unknown (first evidence about
// an endpoint). Staying in a state is not a transition.
func Legal(from, to State) bool {
	if from >= numStates || to >= numStates || from == to || to == Unknown {
		return false
	}
	return from == Unknown || legal[from][to]
}

// Edges lists the table, in the order of RFC 9293's Figure 5. The slice
// is a copy.
func Edges() []Edge { return append([]Edge(nil), edges...) }
