package quiz

import (
	"fmt"
	"strconv"

	"github.com/synfin/synfin/fsm"
)

// The judges of Result questions: each reads, from the session at the
// step a question comes before, what the kernel did, and names the
// Outcome. They look at that step and the ones before it only, so a live
// lesson can judge as soon as the step arrives.

// SynFate judges the step that follows a client's SYN on its connection:
// the server's RST (connect() fails with ECONNREFUSED), its SYN+ACK, or
// the client's SYN sent again after a silence (the SYN was dropped; the
// gap, in seconds, goes to Args "wait").
func SynFate(v *View) string {
	st := &v.Step
	switch {
	case st.From == fsm.Server && st.Flags&fsm.RST != 0:
		return "refused"
	case st.From == fsm.Server && st.Flags.Has(fsm.SYN|fsm.ACK):
		return "accepted"
	case st.From == fsm.Client && st.Flags&fsm.SYN != 0 && st.Flags&fsm.ACK == 0:
		first, ok := v.first(fsm.Client, fsm.SYN)
		if gap := st.Time.Sub(first.Time); ok && first.Index != st.Index && first.RawSeq == st.RawSeq && gap.Seconds() >= 0.5 {
			v.Args["wait"] = fmt.Sprintf("%.1f", gap.Seconds())
			return "dropped"
		}
	}
	return ""
}

// AfterFin judges the server's first segment after the client's FIN: an
// ACK alone (the program has not closed: no FIN yet), the FIN with the
// ACK, or an RST.
func AfterFin(v *View) string {
	st := &v.Step
	switch {
	case st.Flags&fsm.RST != 0:
		return "rst"
	case st.Flags&fsm.FIN != 0:
		return "finack"
	case st.Flags&fsm.ACK != 0:
		return "ack"
	}
	return ""
}

// BindNoReuse judges a bind() without SO_REUSEADDR to the server's port
// at the step: it fails (EADDRINUSE) while an earlier connection's server
// side on that port is in TIME_WAIT, as the tracker has it at that step
// (Linux inet_csk_bind_conflict: a TIME_WAIT socket conflicts unless both
// sockets set SO_REUSEADDR).
func BindNoReuse(v *View) string {
	for _, r := range v.Peers {
		if r.ID != v.Conn.ID && r.States[fsm.Server] == fsm.TimeWait {
			return "eaddrinuse"
		}
	}
	return "ok"
}

// QueueLen judges how many earlier connections to the port wait in the
// accept queue at the step: handshake complete on the server's side, no
// data read or sent yet.
func QueueLen(v *View) string {
	n := 0
	for _, r := range v.Peers {
		if r.ID != v.Conn.ID && r.States[fsm.Server] == fsm.Established && r.Bytes == 0 {
			n++
		}
	}
	return strconv.Itoa(n)
}

// AcceptPort judges the local port of the socket accept() returns for the
// step's connection: the port the server's segments come from, the
// listener's (Where.Port) or another.
func AcceptPort(v *View) string {
	if v.Conn.Server.Port() == v.Where.Port {
		return "same"
	}
	return "random"
}

// FourTuple judges what tells the connections to one server address and
// port apart: when two or more are there and their client ends all
// differ, their 4-tuples.
func FourTuple(v *View) string {
	seen := map[string]bool{}
	for _, r := range v.Peers {
		seen[r.Client.String()] = true
	}
	if len(v.Peers) >= 2 && len(seen) == len(v.Peers) {
		return "tuple"
	}
	return ""
}

// RecvResult judges what the receiver's next recv() returns once the
// step's segment arrives: 0 for a FIN, an error (ECONNRESET) for an RST,
// the bytes for data.
func RecvResult(v *View) string {
	st := &v.Step
	switch {
	case st.Flags&fsm.RST != 0:
		return "reset"
	case st.Flags&fsm.FIN != 0:
		return "zero"
	case st.Len > 0:
		return "data"
	}
	return ""
}

// ServerSends judges data the server sends after the client's FIN: it
// goes out and the client, not closed, takes it (half-close).
func ServerSends(v *View) string {
	st := &v.Step
	switch {
	case st.Flags&fsm.RST != 0:
		return "rst"
	case st.From == fsm.Server && st.Len > 0 && st.States[fsm.Client] != fsm.Closed:
		return "yes"
	}
	return ""
}

// CloseSends judges what a close() sends: FIN, or RST (unread data, or a
// zero linger).
func CloseSends(v *View) string {
	st := &v.Step
	switch {
	case st.Flags&fsm.RST != 0:
		return "rst"
	case st.Flags&fsm.FIN != 0:
		return "fin"
	}
	return ""
}

// ClientPort judges the client port of the step's connection against the
// first connection's to the same server port: the same, or a new one.
func ClientPort(v *View) string {
	if len(v.Peers) < 2 {
		return ""
	}
	if v.Peers[0].Client == v.Conn.Client {
		return "same"
	}
	return "new"
}

// TimeWaitCount judges how many connections to the port have their client
// in TIME_WAIT after the step.
func TimeWaitCount(v *View) string {
	n := 0
	for _, r := range v.Peers {
		if r.States[fsm.Client] == fsm.TimeWait {
			n++
		}
	}
	return strconv.Itoa(n)
}

// Handshakes judges how many handshakes the step's connection has had:
// the client's SYNs with distinct sequence numbers.
func Handshakes(v *View) string {
	seen := map[uint32]bool{}
	for _, c := range v.Steps {
		if c.From == fsm.Client && c.Flags&fsm.SYN != 0 && c.Flags&fsm.ACK == 0 {
			seen[c.RawSeq] = true
		}
	}
	return strconv.Itoa(len(seen))
}
