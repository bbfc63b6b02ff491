package lab

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// Endpoint is one endpoint of one 4-tuple in one capture: the kernel's
// path (from the truth file) next to synfin's corrected path.
type Endpoint struct {
	Capture string
	Host    string // "client" or "server": whose socket
	Local   netip.AddrPort
	Remote  netip.AddrPort
	Conns   []uint64 // synfin's connection numbers on this 4-tuple

	Kernel []string // states the polls saw, in order; CLOSED for "gone"
	Synfin []Step   // synfin's corrected path, first state included

	KernelFinal, SynfinFinal string

	OK       bool   // the paths agree (see Compare)
	Accepted bool   // they disagree, but synfin said it could not tell
	Why      string // the disagreement, in words
}

// Step is one state on synfin's path and how it was reached.
type Step struct {
	State      fsm.State
	Packet     uint64         // the packet of the transition (0: the start)
	Time       time.Time      // its capture time
	Confidence fsm.Confidence // 0 for the start
	Reason     fsm.Reason
	Start      bool // the state before the first transition
}

func (s Step) String() string {
	if s.Start {
		return s.State.String()
	}
	if s.Confidence == 0 { // a tracker that does not say yet
		return fmt.Sprintf("%v(#%d)", s.State, s.Packet)
	}
	return fmt.Sprintf("%v(#%d %v)", s.State, s.Packet, s.Confidence)
}

// Analysis is the comparison of one capture with its truth.
type Analysis struct {
	Capture   string
	Endpoints []Endpoint
	// NotCaptured lists kernel sockets of connections the capture holds
	// no packet of (not synfin's to know).
	NotCaptured []string
}

// Analyze reads the capture at path through a fresh fsm.Tracker, lets the
// tracker's clock run to the end of the recording (t.End), and compares
// each endpoint's corrected path (fsm.Conn.Path) with the kernel's.
//
// Agreement, per endpoint (4-tuple and side):
//
//   - Polls miss short states (a FIN_WAIT_1 answered within a
//     millisecond, a LAST_ACK): the kernel's path must be a subsequence of
//     synfin's, not equal to it. A socket the polls found gone and that
//     came back later (the 4-tuple reused, or a request socket replaced)
//     matches CLOSED or LISTEN on synfin's side, or nothing.
//   - The final states must be equal: the kernel's at the last poll
//     (CLOSED when the socket was gone; LISTEN matches it too when a
//     listener held the port then), synfin's after its timers ran to the
//     same instant.
//   - Once the polls found the socket gone for good, synfin must not move
//     the endpoint to a state other than CLOSED on a packet captured
//     later (allowing for the longest one-way delay measured in the recording;
//     see afterGone).
//   - In a both-way capture taken at the endpoint's own host, synfin's
//     state must match every run of polls in time (see timeline).
//   - When the kernel never had a socket for the 4-tuple on the side that
//     did not send the first SYN, and no listener held the port, synfin's
//     path for that side must be CLOSED throughout (a refused SYN: nothing
//     listened, no ISN). When the polls never saw the side that did send
//     it (a SYN_SENT shorter than a poll), only the final state counts.
//
// A disagreement is Accepted when synfin said the packets cannot tell
// there: a note on that endpoint, and the disagreement lies on steps
// marked `assumed` (see covered). Everything else is a plain
// disagreement.
func Analyze(path string, t *Truth, cfg fsm.Config) (*Analysis, error) {
	src, err := capture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	tr := fsm.NewTracker(cfg)
	var conns []*fsm.Conn
	seen := map[*fsm.Conn]bool{}
	note := func(evs []fsm.Event) {
		for _, e := range evs {
			if e.Conn != nil && !seen[e.Conn] {
				seen[e.Conn] = true
				conns = append(conns, e.Conn)
			}
		}
	}
	for {
		s, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		note(tr.Observe(s))
	}
	// Timers run to the end of the recording, then the input ends as
	// summary ends it: Flush adds the end-of-capture notes and the
	// assumptions about what a one-direction capture could not show.
	note(tr.Advance(t.End))
	note(tr.Flush())
	sort.Slice(conns, func(i, j int) bool { return conns[i].ID < conns[j].ID })

	a := &Analysis{Capture: path}
	// Which host the capture was taken at, and whether it holds both
	// directions (Captures names them by suffix).
	var host string
	bothWays := false
	for _, c := range Captures {
		if strings.HasSuffix(path, "."+c.Suffix+".pcap") {
			host, bothWays = c.Host, c.Filter == "tcp"
		}
	}
	type tuple [2]netip.AddrPort
	byTuple := map[tuple][]*fsm.Conn{}
	var order []tuple
	for _, c := range conns {
		for _, local := range []netip.AddrPort{c.Client, c.Server} {
			remote := c.Client
			if local == c.Client {
				remote = c.Server
			}
			k := tuple{local, remote}
			if byTuple[k] == nil {
				order = append(order, k)
			}
			byTuple[k] = append(byTuple[k], c)
		}
	}
	kernel := map[tuple]*SocketTruth{}
	for i := range t.Sockets {
		s := &t.Sockets[i]
		kernel[tuple{s.Local, s.Remote}] = s
	}
	for _, s := range t.Sockets {
		if s.Remote.Port() == 0 {
			continue // a listener
		}
		if byTuple[tuple{s.Local, s.Remote}] == nil {
			a.NotCaptured = append(a.NotCaptured, fmt.Sprintf("%s %v→%v %s", s.Host, s.Local, s.Remote, kernelPath(&s)))
		}
	}
	for _, k := range order {
		local, remote := k[0], k[1]
		e := Endpoint{Capture: path, Local: local, Remote: remote, Host: "server"}
		if local.Addr().String() == t.Client {
			e.Host = "client"
		}
		cs := byTuple[k]
		for _, c := range cs {
			e.Conns = append(e.Conns, c.ID)
		}
		e.Synfin = synfinPath(cs, local)
		last := cs[len(cs)-1]
		role := fsm.Client
		if last.Server == local {
			role = fsm.Server
		}
		e.SynfinFinal = last.State[role].String()
		sock := kernel[k]
		listened := t.listening(local)
		active := cs[0].Client == local && !cs[0].JoinedLate
		if sock != nil {
			e.Kernel = kernelPath(sock)
			e.KernelFinal = e.Kernel[len(e.Kernel)-1]
		} else {
			e.KernelFinal = "CLOSED"
		}
		var blame int
		e.OK, e.Why, blame = agreeBlame(e, sock != nil, listened, active)
		if e.OK && sock != nil {
			e.OK, e.Why, blame = afterGone(e, sock, t)
		}
		if e.OK && sock != nil && host == e.Host && bothWays {
			e.OK, e.Why, blame = timeline(e, sock, listened)
		}
		if !e.OK {
			e.Accepted = noted(cs, local) && covered(e, blame, listened)
		}
		a.Endpoints = append(a.Endpoints, e)
	}
	return a, nil
}

// listening reports whether a listener held local's port on its host at
// some point of the recording.
func (t *Truth) listening(local netip.AddrPort) bool {
	for _, s := range t.Sockets {
		if s.Remote.Port() == 0 && s.Local.Port() == local.Port() &&
			(s.Local.Addr() == local.Addr() || s.Local.Addr().IsUnspecified()) {
			for _, st := range s.States {
				if st.State == "LISTEN" {
					return true
				}
			}
		}
	}
	return false
}

func kernelPath(s *SocketTruth) []string {
	out := make([]string, len(s.States))
	for i, st := range s.States {
		out[i] = st.State
	}
	return out
}

// synfinPath concatenates the corrected paths of local's side of each
// connection on one 4-tuple, each starting with its first state.
func synfinPath(cs []*fsm.Conn, local netip.AddrPort) []Step {
	var out []Step
	for _, c := range cs {
		role := fsm.Client
		if c.Server == local {
			role = fsm.Server
		}
		first := true
		for _, tr := range c.Path() {
			if tr.Endpoint != role {
				continue
			}
			if first {
				out = append(out, Step{State: tr.From, Start: true})
				first = false
			}
			out = append(out, Step{State: tr.To, Packet: tr.Packet, Time: tr.Time, Confidence: tr.Confidence, Reason: tr.Reason})
		}
		if first { // no transition: the state it had all along
			out = append(out, Step{State: c.State[role], Start: true})
		}
	}
	return out
}

// agree applies Analyze's rules.
func agree(e Endpoint, hadSocket, listened, active bool) (bool, string) {
	ok, why, _ := agreeBlame(e, hadSocket, listened, active)
	return ok, why
}

// agreeBlame is agree, also saying which rule failed: blameNoSocket
// (the side had no socket), blamePath (subsequence or final state).
func agreeBlame(e Endpoint, hadSocket, listened, active bool) (bool, string, int) {
	fin := e.SynfinFinal
	finalOK := fin == e.KernelFinal || e.KernelFinal == "CLOSED" && fin == "LISTEN" && listened
	if !hadSocket && !active && !listened {
		for _, s := range e.Synfin {
			if s.State != fsm.Closed && s.State != fsm.Unknown { // UNKNOWN claims nothing
				return false, fmt.Sprintf("the kernel never had a socket here and nothing listened on port %d, but synfin shows %v", e.Local.Port(), s.State), blameNoSocket
			}
		}
	}
	if !hadSocket {
		if !finalOK {
			return false, fmt.Sprintf("final state: kernel %s (no socket seen), synfin %s", e.KernelFinal, fin), blamePath
		}
		return true, "", 0
	}
	states := make([]string, len(e.Synfin))
	for i, s := range e.Synfin {
		states[i] = s.State.String()
	}
	if !subsequence(e.Kernel, states, listened) {
		return false, fmt.Sprintf("the kernel's path %s is not within synfin's %s", strings.Join(e.Kernel, "→"), strings.Join(states, "→")), blamePath
	}
	if !finalOK {
		return false, fmt.Sprintf("final state: kernel %s, synfin %s", e.KernelFinal, fin), blamePath
	}
	return true, "", 0
}

// afterGone checks synfin's transitions against the end of the kernel's
// socket: once the polls found it gone for good (at G), a transition of
// synfin's to any state but CLOSED (or LISTEN, for a listener's port)
// taken from a packet captured later than G plus the longest one-way
// delay measured in that recording (Truth.MaxOneWay) plus 100 ms is one
// the socket cannot have made: the packet left, or arrived, after the
// socket was gone.
func afterGone(e Endpoint, sock *SocketTruth, t *Truth) (bool, string, int) {
	last := sock.States[len(sock.States)-1]
	if !last.Gone {
		return true, "", 0
	}
	limit := last.First.Add(max(t.MaxOneWay, 2*t.LinkLatency) + 100*time.Millisecond)
	for i, s := range e.Synfin {
		if s.Start || !s.Time.After(limit) || s.State == fsm.Closed || s.State == fsm.Listen {
			continue
		}
		return false, fmt.Sprintf("synfin moves it to %v at packet #%d (%s), %v after the kernel's socket was gone (%s)",
			s.State, s.Packet, s.Time.Format("15:04:05.000"), s.Time.Sub(last.First).Round(time.Millisecond), last.First.Format("15:04:05.000")), i
	}
	return true, "", 0
}

// timelineMargin is how far inside a run of polls one of synfin's
// transitions must be to count against it. A received frame is stamped
// when the veth queues it (net.core.netdev_tstamp_prequeue), before the
// softirq hands it to TCP; on this loaded machine that lag reached tens
// of milliseconds.
const timelineMargin = 50 * time.Millisecond

// timeline checks synfin's states against the polls in time, for the
// endpoint of the host where a both-way capture was taken: there a
// segment is captured within microseconds of the socket's handling it
// (the capture tap sits just below TCP), so synfin's transition times are
// the socket's. For each run of polls that saw the same state, from
// First+margin to Last-margin, synfin must show that state (a socket that
// was gone matches CLOSED) and no transition. Times before synfin's first
// transition, UNKNOWN, and LISTEN where a listener held the port (that is
// the listener's state, not this 4-tuple's socket's) claim nothing. And a
// new connection synfin starts on the 4-tuple must not fall inside one
// run of polls of a state other than TIME_WAIT.
func timeline(e Endpoint, sock *SocketTruth, listened bool) (bool, string, int) {
	// stateAt returns the index in e.Synfin of the transition that set
	// synfin's state at t, or -1 when synfin claims nothing then.
	stateAt := func(t time.Time) int {
		at := -1
		for i, s := range e.Synfin {
			if s.Start {
				continue
			}
			if s.Time.After(t) {
				break
			}
			at = i
		}
		// UNKNOWN claims nothing; LISTEN is the listener's state, not
		// this 4-tuple's socket's.
		if at < 0 || e.Synfin[at].State == fsm.Unknown || e.Synfin[at].State == fsm.Listen && listened {
			return -1
		}
		return at
	}
	same := func(k string, st fsm.State) bool {
		return k == st.String() || k == "CLOSED" && (st == fsm.Listen && listened)
	}
	// A new connection on the 4-tuple (synfin's second or later on it)
	// means the socket before it was gone or in TIME_WAIT: one unbroken
	// run of polls in another state around the new connection's first
	// packet says the kernel kept one connection.
	for i, s := range e.Synfin {
		if i == 0 || !s.Start || i+1 >= len(e.Synfin) {
			continue
		}
		t0 := e.Synfin[i+1].Time
		for _, run := range sock.States {
			from, to := run.sure()
			if run.Gone || run.State == "TIME_WAIT" || !from.Before(t0.Add(-timelineMargin)) || !to.After(t0.Add(timelineMargin)) {
				continue
			}
			return false, fmt.Sprintf("synfin starts a new connection at packet #%d (%s), but the kernel kept one socket %s throughout (polled %d times from %s to %s)",
				e.Synfin[i+1].Packet, t0.Format("15:04:05.000"), run.State, run.Polls, run.First.Format("15:04:05.000"), run.Last.Format("15:04:05.000")), i + 1
		}
	}
	for _, run := range sock.States {
		from, to := run.sure()
		from, to = from.Add(timelineMargin), to.Add(-timelineMargin)
		if !from.Before(to) {
			continue
		}
		if i := stateAt(from); i >= 0 && !same(run.State, e.Synfin[i].State) {
			return false, fmt.Sprintf("at %s the kernel was %s (polled %d times from %s to %s) but synfin says %v",
				from.Format("15:04:05.000"), run.State, run.Polls, run.First.Format("15:04:05.000"), run.Last.Format("15:04:05.000"), e.Synfin[i].State), i | blameHeld
		}
		for i, s := range e.Synfin {
			if s.Start || s.State == fsm.Listen && listened {
				continue
			}
			if s.Time.After(from) && s.Time.Before(to) && !same(run.State, s.State) {
				return false, fmt.Sprintf("synfin moves it to %v at packet #%d (%s), while the kernel was %s (polled %d times from %s to %s)",
					s.State, s.Packet, s.Time.Format("15:04:05.000"), run.State, run.Polls, run.First.Format("15:04:05.000"), run.Last.Format("15:04:05.000")), i
			}
		}
	}
	return true, "", 0
}

// subsequence reports whether k (the kernel's path) can be read within s
// in order. A CLOSED in k that is not last (the socket was gone for a
// while) matches CLOSED or LISTEN in s, or nothing.
func subsequence(k, s []string, listened bool) bool {
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		if i == len(k) {
			return true
		}
		if k[i] == "CLOSED" && i < len(k)-1 && rec(i+1, j) {
			return true
		}
		for ; j < len(s); j++ {
			if s[j] == k[i] || k[i] == "CLOSED" && s[j] == "LISTEN" && listened {
				return rec(i+1, j+1)
			}
		}
		return false
	}
	return rec(0, 0)
}

// Which rule an endpoint failed, when not a step of synfin's path.
const (
	blamePath     = -1 // the kernel's path or final state (subsequence)
	blameNoSocket = -2 // states on a side that never had a socket
	// blameHeld marks a step whose state synfin held too long: the
	// transition that ends it is to blame as much as the step itself.
	blameHeld = 1 << 20
)

// noted reports whether a note of synfin's concerns local's side.
func noted(cs []*fsm.Conn, local netip.AddrPort) bool {
	for _, c := range cs {
		role := fsm.Client
		if c.Server == local {
			role = fsm.Server
		}
		for _, n := range c.Notes {
			if n.Endpoint == role {
				return true
			}
		}
	}
	return false
}

// covered reports whether the disagreement lies where synfin said it
// could not tell (confidence `assumed`):
//
//   - a failed timing rule blames one step: it must be assumed (or, when
//     synfin held its state too long, the next step, which ends it);
//   - on a side that never had a socket, every state but CLOSED must be
//     assumed;
//   - a path that does not contain the kernel's may still be read in
//     order if each assumed step also stands for one kernel state it
//     does not equal (the unseen state it was assumed in place of); a
//     final state that differs must be one the last, assumed, step stands
//     for.
func covered(e Endpoint, blame int, listened bool) bool {
	switch {
	case blame >= 0 && blame&blameHeld != 0:
		i := blame &^ blameHeld
		if e.Synfin[i].Confidence == fsm.Assumed {
			return true
		}
		for _, s := range e.Synfin[i+1:] {
			if !s.Start {
				return s.Confidence == fsm.Assumed
			}
		}
		return false
	case blame >= 0:
		return e.Synfin[blame].Confidence == fsm.Assumed
	case blame == blameNoSocket:
		for _, s := range e.Synfin {
			if s.State != fsm.Closed && s.State != fsm.Unknown && s.Confidence != fsm.Assumed {
				return false
			}
		}
		return true
	}
	k, steps := e.Kernel, e.Synfin
	if len(k) == 0 {
		k = []string{e.KernelFinal}
	}
	if len(steps) == 0 {
		return false
	}
	last := steps[len(steps)-1]
	finalOK := e.SynfinFinal == e.KernelFinal || e.KernelFinal == "CLOSED" && e.SynfinFinal == "LISTEN" && listened
	if !finalOK {
		if last.Confidence != fsm.Assumed {
			return false
		}
		k, steps = k[:len(k)-1], steps[:len(steps)-1]
	}
	match := func(ks string, s Step) bool {
		return ks == s.State.String() || ks == "CLOSED" && s.State == fsm.Listen && listened
	}
	var rec func(i, j int, stood bool) bool
	rec = func(i, j int, stood bool) bool {
		if i == len(k) {
			return true
		}
		if j == len(steps) {
			return false
		}
		if k[i] == "CLOSED" && i < len(k)-1 && rec(i+1, j, stood) {
			return true // a gap in the middle may match nothing
		}
		if match(k[i], steps[j]) && rec(i+1, j+1, false) {
			return true
		}
		if steps[j].Confidence == fsm.Assumed && !stood && rec(i+1, j, true) {
			return true // the assumed step stands for this kernel state
		}
		return rec(i, j+1, false)
	}
	return rec(0, 0, false)
}

// Format writes an endpoint's comparison on a few lines.
func (e *Endpoint) Format() string {
	var b strings.Builder
	verdict := "agree"
	switch {
	case !e.OK && e.Accepted:
		verdict = "DISAGREE (accepted: synfin marked it assumed, with a note)"
	case !e.OK:
		verdict = "DISAGREE"
	}
	steps := make([]string, len(e.Synfin))
	for i, s := range e.Synfin {
		steps[i] = s.String()
	}
	kp := strings.Join(e.Kernel, " → ")
	if kp == "" {
		kp = "(no socket seen)"
	}
	fmt.Fprintf(&b, "%s %s %v→%v (synfin conn %v): %s\n", e.Capture, e.Host, e.Local, e.Remote, e.Conns, verdict)
	fmt.Fprintf(&b, "    kernel: %s\n    synfin: %s\n", kp, strings.Join(steps, " → "))
	if e.Why != "" {
		fmt.Fprintf(&b, "    why:    %s\n", e.Why)
	}
	return b.String()
}
