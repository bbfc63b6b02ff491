// Package quiz makes the prediction questions that predict mode asks
// before a state-changing packet is shown: the next state of an endpoint,
// or the acknowledgment number a handshake or teardown segment carries.
// The terminal UI (key p, synfin lesson) and the exported web page ask the
// same questions because both call For on the same session steps.
//
// The package is pure: no I/O, no randomness (choices are ordered by a
// fixed rule, so a replay asks the same question every time), safe for
// concurrent use.
package quiz

import (
	"slices"
	"sort"
	"strconv"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Kind is what a question asks.
type Kind uint8

const (
	// NextState asks which state Endpoint is in after the packet.
	NextState Kind = iota + 1
	// AckNumber asks which acknowledgment number the packet carries
	// (ack = x+1 for a SYN, seq+1 for a FIN: each takes one sequence
	// number, RFC 9293 §3.4).
	AckNumber
	// Choice asks a lesson's own question (Spec of Kind Result): what a
	// syscall returns or what the kernel does next.
	Choice
)

func (k Kind) String() string {
	switch k {
	case AckNumber:
		return "ack"
	case Choice:
		return "choice"
	}
	return "state"
}

// Question is one prediction, asked before step Step is shown.
type Question struct {
	Step     int      // session step index the question comes before
	Packet   uint64   // that step's packet number
	Kind     Kind     //
	Endpoint fsm.Role // NextState: whose state; AckNumber: the packet's sender
	Choices  []string // 2 to 4 choices: RFC state names, or raw ack numbers
	Answer   int      // index of the right choice in Choices

	// AckNumber only: the segment being acknowledged ("SYN" or "FIN")
	// and its raw sequence number, which the prompt names.
	AckedWhat string
	Acked     uint32

	// A lesson's question (Ask): its prompt, and the explanation shown
	// with the answer, in the language it was asked in.
	Text, Explain string
}

// Prompt is the question in language l.
func (q Question) Prompt(l i18n.Lang, st *session.Step) string {
	if q.Text != "" {
		return q.Text
	}
	a := i18n.Args{"n": q.Packet, "flags": st.Flags.String(), "who": l.Role(q.Endpoint)}
	if q.Kind == AckNumber {
		// The number to reason from: the raw seq of the SYN or FIN
		// being acknowledged (the course's ack = x+1), so the question
		// can be answered from this screen alone.
		a["peer"], a["what"], a["acked"] = l.Role(q.Endpoint.Peer()), q.AckedWhat, q.Acked
		return l.F(i18n.KeyQuizAck, a)
	}
	return l.F(i18n.KeyQuizState, a)
}

// For returns the question to ask before st, whose endpoints were in
// before until then; ok is false when st changes no state (nothing to
// predict). A SYN+ACK, and a pure ACK that completes a handshake or
// acknowledges a FIN, ask the ack number; every other change asks the
// next state of the first endpoint it moves: the state it is in after the
// step, which is not the first change's when the step moves it twice
// (a simultaneous open's SYN takes the second peer CLOSED → SYN_SENT →
// SYN_RECV). A timer step, or a step recording another connection's
// segment (Side), is not a packet to predict.
func For(st *session.Step, before [2]fsm.State) (q Question, ok bool) {
	if st.Timer() || st.Side {
		return Question{}, false
	}
	ch, found := firstChange(st)
	if !found {
		return Question{}, false
	}
	q = Question{Step: st.Index, Packet: st.Packet, Endpoint: ch.Endpoint}
	if !st.Timer() && !st.Side && st.Flags&fsm.ACK != 0 && asksAck(st, ch) {
		q.Kind, q.Endpoint = AckNumber, st.From
		q.Choices, q.Answer = ackChoices(st)
		q.AckedWhat, q.Acked = acked(st, ch)
		return q, true
	}
	q.Kind = NextState
	to := ch.To
	if st.States[ch.Endpoint] != fsm.Unknown {
		to = st.States[ch.Endpoint]
	}
	q.Choices, q.Answer = stateChoices(to, before[ch.Endpoint])
	return q, true
}

// firstChange is the first transition of st that stands (not withdrawn).
func firstChange(st *session.Step) (fsm.Transition, bool) {
	for _, t := range st.Changes {
		if t.WithdrawnBy == 0 {
			return t, true
		}
	}
	return fsm.Transition{}, false
}

func asksAck(st *session.Step, ch fsm.Transition) bool {
	if st.Flags.Has(fsm.SYN | fsm.ACK) {
		return true
	}
	if st.Flags&(fsm.SYN|fsm.FIN|fsm.RST) != 0 || st.Len > 0 {
		return false
	}
	return ch.Reason == fsm.ReasonHandshakeAck || acksFIN(ch.Reason)
}

// acksFIN reports whether a change happened because an ACK covered the
// endpoint's FIN.
func acksFIN(r fsm.Reason) bool {
	return r == fsm.ReasonFinAcked || r == fsm.ReasonLastAck || r == fsm.ReasonClosingAcked
}

// acked names what st acknowledges and its raw sequence number. A SYN's
// number is the peer's ISN, which is the raw ack less the relative one
// (relative numbers count from the receiver's ISN), right even when the
// ack itself is wrong; a FIN's is the number just before the ack.
func acked(st *session.Step, ch fsm.Transition) (string, uint32) {
	if acksFIN(ch.Reason) {
		return "FIN", st.RawAck - 1
	}
	return "SYN", st.RawAck - st.Ack
}

// ackChoices offers the right ack (x+1), the peer's sequence number itself
// (forgetting the +1), one more than right, and the sender's own sequence
// number, in ascending order.
func ackChoices(st *session.Step) ([]string, int) {
	right := st.RawAck
	cands := []uint32{right, right - 1, right + 1, st.RawSeq}
	uniq := cands[:0]
	for _, c := range cands {
		if !slices.Contains(uniq, c) {
			uniq = append(uniq, c)
		}
	}
	sort.Slice(uniq, func(i, j int) bool { return uniq[i] < uniq[j] })
	out := make([]string, len(uniq))
	ans := 0
	for i, u := range uniq {
		out[i] = strconv.FormatUint(uint64(u), 10)
		if u == right {
			ans = i
		}
	}
	return out, ans
}

// near lists, for each state, the states a student is most likely to
// confuse it with (its neighbours in RFC 9293's Figure 5).
var near = map[fsm.State][]fsm.State{
	fsm.Closed:      {fsm.TimeWait, fsm.Listen, fsm.LastAck, fsm.SynSent},
	fsm.Listen:      {fsm.SynRecv, fsm.Closed, fsm.SynSent, fsm.Established},
	fsm.SynSent:     {fsm.SynRecv, fsm.Established, fsm.Listen, fsm.Closed},
	fsm.SynRecv:     {fsm.SynSent, fsm.Established, fsm.Listen, fsm.Closed},
	fsm.Established: {fsm.SynRecv, fsm.SynSent, fsm.CloseWait, fsm.FinWait1},
	fsm.FinWait1:    {fsm.CloseWait, fsm.FinWait2, fsm.Closing, fsm.LastAck},
	fsm.FinWait2:    {fsm.FinWait1, fsm.TimeWait, fsm.CloseWait, fsm.Closing},
	fsm.CloseWait:   {fsm.FinWait1, fsm.LastAck, fsm.FinWait2, fsm.TimeWait},
	fsm.Closing:     {fsm.FinWait2, fsm.TimeWait, fsm.FinWait1, fsm.LastAck},
	fsm.LastAck:     {fsm.CloseWait, fsm.Closed, fsm.TimeWait, fsm.FinWait1},
	fsm.TimeWait:    {fsm.FinWait2, fsm.Closed, fsm.Closing, fsm.LastAck},
}

// stateChoices offers the right state, the state before (no change), and
// its neighbours, up to four, in RFC 9293 order.
func stateChoices(right, from fsm.State) ([]string, int) {
	set := []fsm.State{right}
	add := func(s fsm.State) {
		if len(set) < 4 && s != fsm.Unknown && !slices.Contains(set, s) {
			set = append(set, s)
		}
	}
	add(from)
	for _, s := range near[right] {
		add(s)
	}
	sort.Slice(set, func(i, j int) bool { return set[i] < set[j] })
	out := make([]string, len(set))
	ans := 0
	for i, s := range set {
		out[i] = s.String()
		if s == right {
			ans = i
		}
	}
	return out, ans
}

// Score counts a predict session's answers.
type Score struct{ Asked, Right, Skipped int }

// Add records one answer: choice is the index picked, or -1 for a skip.
func (s *Score) Add(q Question, choice int) {
	s.Asked++
	switch {
	case choice < 0:
		s.Skipped++
	case choice == q.Answer:
		s.Right++
	}
}

// Text is the score line in language l.
func (s Score) Text(l i18n.Lang) string {
	return l.F(i18n.KeyQuizScore, i18n.Args{"right": s.Right, "asked": s.Asked, "skipped": s.Skipped})
}
