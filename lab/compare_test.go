package lab

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// The comparison rules on hand-made endpoints: each must be able to fail.

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func run(state string, first, last int, gone bool) StateSeen {
	return StateSeen{State: state, First: at(first), LastStart: at(last), Last: at(last), Polls: 2, Gone: gone}
}

func steps(start fsm.State, trs ...any) []Step {
	out := []Step{{State: start, Start: true}}
	for i := 0; i < len(trs); i += 2 {
		out = append(out, Step{State: trs[i].(fsm.State), Time: at(trs[i+1].(int)), Packet: uint64(i/2 + 1)})
	}
	return out
}

func TestTimeline(t *testing.T) {
	sock := &SocketTruth{States: []StateSeen{
		run("SYN_SENT", 0, 10, false), run("ESTABLISHED", 20, 1000, false), run("CLOSED", 1010, 2000, true)}}
	ok := Endpoint{Synfin: steps(fsm.Closed, fsm.SynSent, 0, fsm.Established, 15, fsm.Closed, 1005)}
	if good, why, _ := timeline(ok, sock, false); !good {
		t.Errorf("a matching path failed: %s", why)
	}
	// A new connection invented in the middle of an ESTABLISHED run.
	bad := Endpoint{Synfin: steps(fsm.Closed, fsm.SynSent, 0, fsm.Established, 15, fsm.Closed, 500, fsm.SynSent, 505, fsm.Established, 520, fsm.Closed, 1005)}
	if good, _, _ := timeline(bad, sock, true); good {
		t.Error("CLOSED at 500 ms inside ESTABLISHED polls 20-1000 ms passed")
	}
	// LISTEN is the listener's, where there was one; elsewhere it is a claim.
	listen := Endpoint{Synfin: steps(fsm.Closed, fsm.SynSent, 0, fsm.Established, 15, fsm.Listen, 500, fsm.Established, 520, fsm.Closed, 1005)}
	if good, why, _ := timeline(listen, sock, true); !good {
		t.Errorf("LISTEN on a listening port failed: %s", why)
	}
	if good, _, _ := timeline(listen, sock, false); good {
		t.Error("LISTEN at 500 ms on a port nothing listened on passed")
	}
	// A second connection starting while the kernel kept one ESTABLISHED
	// socket; and one starting while it was in TIME_WAIT (a reuse).
	second := Endpoint{Synfin: append(steps(fsm.Closed, fsm.SynSent, 0, fsm.Established, 15),
		Step{State: fsm.Unknown, Start: true}, Step{State: fsm.Listen, Time: at(500), Packet: 9}, Step{State: fsm.Established, Time: at(520), Packet: 10})}
	if good, _, _ := timeline(second, sock, true); good {
		t.Error("a new connection at 500 ms inside one ESTABLISHED run passed")
	}
	tw := &SocketTruth{States: []StateSeen{run("ESTABLISHED", 0, 300, false), run("TIME_WAIT", 310, 1000, false), run("SYN_RECV", 1010, 1100, false)}}
	reuse := Endpoint{Synfin: append(steps(fsm.Listen, fsm.Established, 0, fsm.TimeWait, 305),
		Step{State: fsm.Unknown, Start: true}, Step{State: fsm.Listen, Time: at(600), Packet: 9}, Step{State: fsm.SynRecv, Time: at(1005), Packet: 10})}
	if good, why, _ := timeline(reuse, tw, true); !good {
		t.Errorf("a new connection on a TIME_WAIT 4-tuple failed: %s", why)
	}
	// Within the margin of the run's end: a capture stamp ahead of TCP.
	late := Endpoint{Synfin: steps(fsm.Closed, fsm.SynSent, 0, fsm.Established, 15, fsm.Closed, 1000-int(timelineMargin.Milliseconds())/2)}
	if good, why, _ := timeline(late, sock, false); !good {
		t.Errorf("a transition within the margin failed: %s", why)
	}
}

func TestAfterGone(t *testing.T) {
	sock := &SocketTruth{States: []StateSeen{run("FIN_WAIT_2", 0, 1000, false), run("CLOSED", 1010, 9000, true)}}
	tr := &Truth{LinkLatency: 20 * time.Millisecond, MaxOneWay: 300 * time.Millisecond}
	bad := Endpoint{Synfin: steps(fsm.Established, fsm.FinWait2, 0, fsm.TimeWait, 4000, fsm.Closed, 4001)}
	good, why, _ := afterGone(bad, sock, tr)
	if good || !strings.Contains(why, "TIME_WAIT") {
		t.Errorf("TIME_WAIT 3 s after the socket was gone passed (%q)", why)
	}
	soon := Endpoint{Synfin: steps(fsm.Established, fsm.FinWait2, 0, fsm.TimeWait, 1200, fsm.Closed, 1201)}
	if good, why, _ := afterGone(soon, sock, tr); !good {
		t.Errorf("a transition within the measured one-way delay failed: %s", why)
	}
}

func TestAgree(t *testing.T) {
	local := netip.MustParseAddrPort("10.9.0.2:8001")
	refused := Endpoint{Local: local, Synfin: steps(fsm.Unknown, fsm.Listen, 1, fsm.Closed, 2), SynfinFinal: "CLOSED", KernelFinal: "CLOSED"}
	if good, _ := agree(refused, false, false, false); good {
		t.Error("LISTEN on a port nothing listened on passed")
	}
	refused.Synfin = steps(fsm.Closed)
	if good, why := agree(refused, false, false, false); !good {
		t.Errorf("CLOSED throughout failed: %s", why)
	}
	e := Endpoint{Kernel: []string{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT"}, KernelFinal: "TIME_WAIT",
		Synfin: steps(fsm.Closed, fsm.SynSent, 1, fsm.Established, 2, fsm.FinWait1, 3), SynfinFinal: "FIN_WAIT_1"}
	if good, _ := agree(e, true, false, true); good {
		t.Error("a path stopping at FIN_WAIT_1 passed against a kernel in TIME_WAIT")
	}
	e.Synfin = steps(fsm.Closed, fsm.SynSent, 1, fsm.Established, 2, fsm.FinWait1, 3, fsm.FinWait2, 4, fsm.TimeWait, 5)
	e.SynfinFinal = "TIME_WAIT"
	if good, why := agree(e, true, false, true); !good {
		t.Errorf("the kernel's path within synfin's failed: %s", why)
	}
}

func TestCovered(t *testing.T) {
	assumed := func(st fsm.State, ms int) Step {
		return Step{State: st, Time: at(ms), Packet: uint64(ms), Confidence: fsm.Assumed}
	}
	seen := func(st fsm.State, ms int) Step {
		return Step{State: st, Time: at(ms), Packet: uint64(ms), Confidence: fsm.Seen}
	}
	start := Step{State: fsm.Closed, Start: true}
	// The kernel passed FIN_WAIT_2 where synfin assumed a direct step to
	// TIME_WAIT: covered.
	e := Endpoint{Kernel: []string{"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}, KernelFinal: "TIME_WAIT",
		Synfin: []Step{start, seen(fsm.Established, 1), seen(fsm.FinWait1, 2), assumed(fsm.TimeWait, 3)}, SynfinFinal: "TIME_WAIT"}
	if !covered(e, blamePath, false) {
		t.Error("an unseen FIN_WAIT_2 before an assumed TIME_WAIT was not covered")
	}
	// Two kernel states missing beside one assumed step: not covered.
	e.Kernel = []string{"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "TIME_WAIT"}
	if covered(e, blamePath, false) {
		t.Error("two unseen states beside one assumed step were covered")
	}
	// The same disagreement on a seen step: not covered.
	e.Kernel = []string{"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}
	e.Synfin[3].Confidence = fsm.Seen
	if covered(e, blamePath, false) {
		t.Error("a seen step was taken as assumed")
	}
	// A final state that differs: only if the last step is assumed.
	f := Endpoint{Kernel: []string{"SYN_RECV", "ESTABLISHED", "CLOSED"}, KernelFinal: "CLOSED",
		Synfin: []Step{start, seen(fsm.SynRecv, 1), assumed(fsm.Established, 2)}, SynfinFinal: "ESTABLISHED"}
	if covered(f, blamePath, false) {
		t.Error("a missing final state with the last step matching another state was covered")
	}
	f.Synfin = []Step{start, seen(fsm.SynRecv, 1), seen(fsm.Established, 2), assumed(fsm.LastAck, 3)}
	f.SynfinFinal = "LAST_ACK"
	if !covered(f, blamePath, false) {
		t.Error("an assumed last step standing for the kernel's final state was not covered")
	}
	// A timing rule blames one step.
	if covered(f, 2, false) || !covered(f, 3, false) {
		t.Error("blame on a step follows that step's confidence")
	}
	// A state held too long: the assumed step that ends it covers it.
	if !covered(f, 2|blameHeld, false) || covered(f, 1|blameHeld, false) {
		t.Error("a state held too long is covered by the assumed step ending it, and only by that")
	}
}
