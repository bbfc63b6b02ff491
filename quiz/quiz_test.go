package quiz_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
)

func TestFor(t *testing.T) {
	tests := []struct {
		name    string
		step    session.Step
		before  [2]fsm.State
		ok      bool
		kind    quiz.Kind
		answer  string
		choices int
	}{
		{
			name:   "syn",
			step:   session.Step{Index: 0, Packet: 1, Flags: fsm.SYN, From: fsm.Client, RawSeq: 1000, Changes: []fsm.Transition{{Endpoint: fsm.Client, From: fsm.Closed, To: fsm.SynSent, Reason: fsm.ReasonSynSent}}},
			before: [2]fsm.State{fsm.Closed, fsm.Unknown},
			ok:     true, kind: quiz.NextState, answer: "SYN_SENT", choices: 4,
		},
		{
			name:   "synack-asks-x-plus-1",
			step:   session.Step{Index: 1, Packet: 2, Flags: fsm.SYN | fsm.ACK, From: fsm.Server, RawSeq: 5000, RawAck: 1001, Ack: 1, Changes: []fsm.Transition{{Endpoint: fsm.Server, From: fsm.Listen, To: fsm.SynRecv, Reason: fsm.ReasonSynAckSent}}},
			before: [2]fsm.State{fsm.SynSent, fsm.Listen},
			ok:     true, kind: quiz.AckNumber, answer: "1001", choices: 4,
		},
		{
			name:   "data-changes-nothing",
			step:   session.Step{Index: 3, Packet: 4, Flags: fsm.ACK | fsm.PSH, Len: 5},
			before: [2]fsm.State{fsm.Established, fsm.Established},
		},
		{
			name:   "withdrawn-change-is-not-asked",
			step:   session.Step{Index: 3, Packet: 4, Flags: fsm.ACK | fsm.FIN, Changes: []fsm.Transition{{Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait, WithdrawnBy: 5}}},
			before: [2]fsm.State{fsm.Established, fsm.Established},
		},
		{
			name:   "fin-asks-close-wait",
			step:   session.Step{Index: 5, Packet: 6, Flags: fsm.ACK | fsm.FIN, From: fsm.Client, Changes: []fsm.Transition{{Endpoint: fsm.Client, From: fsm.Established, To: fsm.FinWait1}, {Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait}}},
			before: [2]fsm.State{fsm.Established, fsm.Established},
			ok:     true, kind: quiz.NextState, answer: "FIN_WAIT_1", choices: 4,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, ok := quiz.For(&tc.step, tc.before)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if q.Kind != tc.kind {
				t.Errorf("kind = %v, want %v", q.Kind, tc.kind)
			}
			if len(q.Choices) != tc.choices {
				t.Errorf("choices = %q, want %d of them", q.Choices, tc.choices)
			}
			if q.Choices[q.Answer] != tc.answer {
				t.Errorf("answer = %q, want %q (choices %q)", q.Choices[q.Answer], tc.answer, q.Choices)
			}
			seen := map[string]bool{}
			for _, c := range q.Choices {
				if seen[c] {
					t.Errorf("choice %q offered twice: %q", c, q.Choices)
				}
				seen[c] = true
			}
			for _, l := range i18n.Langs() {
				if p := q.Prompt(l, &tc.step); p == "" {
					t.Errorf("empty prompt in %v", l)
				}
			}
		})
	}
}

// Every state a transition can reach gets four distinct choices, one of
// them right, whatever the state before.
func TestStateChoicesEveryState(t *testing.T) {
	for _, to := range fsm.States()[1:] {
		for _, from := range fsm.States() {
			st := session.Step{Packet: 1, Changes: []fsm.Transition{{Endpoint: fsm.Server, From: from, To: to}}}
			q, ok := quiz.For(&st, [2]fsm.State{fsm.Unknown, from})
			if !ok || q.Choices[q.Answer] != to.String() || len(q.Choices) != 4 {
				t.Errorf("%v→%v: ok=%v choices %q answer %d", from, to, ok, q.Choices, q.Answer)
			}
		}
	}
}

// The ack question names the number to reason from: the raw seq of the
// SYN (the peer's ISN x) or FIN it acknowledges, so ack = x+1 can be
// worked out from the question alone.
func TestAckPromptNamesAcked(t *testing.T) {
	synack := session.Step{Packet: 2, Flags: fsm.SYN | fsm.ACK, From: fsm.Server, RawSeq: 5000, RawAck: 1001, Ack: 1,
		Changes: []fsm.Transition{{Endpoint: fsm.Server, From: fsm.Listen, To: fsm.SynRecv, Reason: fsm.ReasonSynAckSent}}}
	finack := session.Step{Packet: 7, Flags: fsm.ACK, From: fsm.Server, RawSeq: 5001, RawAck: 1007, Ack: 7,
		Changes: []fsm.Transition{{Endpoint: fsm.Client, From: fsm.FinWait1, To: fsm.FinWait2, Reason: fsm.ReasonFinAcked}}}
	for _, tc := range []struct {
		st   session.Step
		want string
	}{
		{synack, "acknowledges the client's SYN, whose seq was 1000"},
		{finack, "acknowledges the client's FIN, whose seq was 1006"},
	} {
		q, ok := quiz.For(&tc.st, [2]fsm.State{})
		if !ok || q.Kind != quiz.AckNumber {
			t.Fatalf("packet %d: ok=%v kind=%v, want an ack question", tc.st.Packet, ok, q.Kind)
		}
		if p := q.Prompt(i18n.En, &tc.st); !strings.Contains(p, tc.want) {
			t.Errorf("prompt %q, want it to contain %q", p, tc.want)
		}
	}
}

func TestScore(t *testing.T) {
	var s quiz.Score
	q := quiz.Question{Answer: 2}
	s.Add(q, 2)
	s.Add(q, 1)
	s.Add(q, -1)
	if s != (quiz.Score{Asked: 3, Right: 1, Skipped: 1}) {
		t.Fatalf("got %+v", s)
	}
	if got := s.Text(i18n.En); got != "Score: 1 of 3 right (1 skipped)." {
		t.Errorf("got %q", got)
	}
}

// A step that moves one endpoint twice is asked about the state after it:
// in a simultaneous open the second SYN takes the second peer UNKNOWN →
// CLOSED → SYN_SENT → SYN_RECV (issue 18: the answer was the first
// change's CLOSED, and neither SYN_SENT nor SYN_RECV was offered).
func TestForAsksStateAfter(t *testing.T) {
	st := session.Step{Index: 1, Packet: 2, Flags: fsm.SYN, From: fsm.Server,
		States: [2]fsm.State{fsm.SynRecv, fsm.SynRecv},
		Changes: []fsm.Transition{
			{Endpoint: fsm.Server, From: fsm.Unknown, To: fsm.Closed, Reason: fsm.ReasonNotListening},
			{Endpoint: fsm.Server, From: fsm.Closed, To: fsm.SynSent, Reason: fsm.ReasonSynSent},
			{Endpoint: fsm.Server, From: fsm.SynSent, To: fsm.SynRecv, Reason: fsm.ReasonSimultaneousOpen},
			{Endpoint: fsm.Client, From: fsm.SynSent, To: fsm.SynRecv, Reason: fsm.ReasonSimultaneousOpen},
		}}
	q, ok := quiz.For(&st, [2]fsm.State{fsm.SynSent, fsm.Unknown})
	if !ok || q.Choices[q.Answer] != "SYN_RECV" {
		t.Fatalf("ok=%v answer %q of %q, want SYN_RECV", ok, q.Choices[q.Answer], q.Choices)
	}
	if !slices.Contains(q.Choices, "SYN_SENT") {
		t.Errorf("choices %q lack SYN_SENT", q.Choices)
	}
}

// A timer step (packet 0, no flags) and a step recording another
// connection's segment are not asked: "packet #0 (none)" is no question.
func TestForSkipsTimerAndSide(t *testing.T) {
	ch := []fsm.Transition{{Endpoint: fsm.Client, From: fsm.TimeWait, To: fsm.Closed, Reason: fsm.ReasonReused}}
	for _, st := range []session.Step{
		{Index: 9, Packet: 0, Changes: ch, States: [2]fsm.State{fsm.Closed, fsm.Closed}},
		{Index: 9, Packet: 25, Side: true, Changes: ch, States: [2]fsm.State{fsm.Closed, fsm.Closed}},
	} {
		if q, ok := quiz.For(&st, [2]fsm.State{fsm.TimeWait, fsm.Closed}); ok {
			t.Errorf("packet %d side=%v asked: %q", st.Packet, st.Side, q.Prompt(i18n.En, &st))
		}
	}
}
