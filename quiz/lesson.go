package quiz

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// A lesson asks its own questions, written by hand for what it teaches
// (Spec), instead of For's generic ones. Each names the step it comes
// before (Where) and computes its answer from the session at that step:
// the tracker's states, the segment's numbers, or what the recording shows
// the kernel did. Nothing in a Spec is the answer itself, so a recording
// and its questions cannot disagree.

// SpecKind is what a lesson question asks.
type SpecKind uint8

const (
	// StateAfter asks the state of Who after the step.
	StateAfter SpecKind = iota + 1
	// AckLabel asks the step's acknowledgment number, offered as the
	// course's letters (Labels: "x+1", "y", "u+1"...).
	AckLabel
	// Result asks what a syscall returns or what the kernel does next
	// (Outcomes); Judge reads the answer from the session.
	Result
)

// After is a segment a step must come after, on the same connection.
type After struct {
	From fsm.Role
	Has  fsm.Flags // all of these (0: any segment of From)
	Data bool      // or: carrying payload
}

// Where finds the step a question comes before: the Nth segment, on the
// Conn-th connection to the scenario's server port, that matches.
type Where struct {
	Scenario string   // whose ports (Bind fills Port and Ports)
	Port     uint16   // the scenario's first port: the server's, but for
	Ports    uint16   // a simultaneous open (ports Port .. Port+Ports-1)
	Conn     int      // 1-based among connections to Port (0: the first)
	From     fsm.Role // the sender, unless AnyFrom
	AnyFrom  bool
	Has      fsm.Flags // flags it carries, all of them
	AnyOf    fsm.Flags // and at least one of these (0: no condition)
	Not      fsm.Flags // flags it does not carry
	Data     bool      // it carries payload
	NoData   bool      // it carries none
	After    *After    // it comes after this segment of the connection
	Nth      int       // 1-based among the connection's matching segments (0: the first)
}

// Outcome is one choice of a Result question.
type Outcome struct {
	ID   string   // what the judge returns when this is what happened
	Text i18n.Key // the choice, in words
}

// Judge reads from the session what happened at step i (the step the
// question comes before) and returns the ID of the Outcome it shows, or
// "" when the session does not tell.
type Judge func(v *View) string

// Spec is one hand-written lesson question.
type Spec struct {
	At      Where
	Kind    SpecKind
	Ask     i18n.Key // the prompt: names the sender, never gives the answer
	Explain i18n.Key // shown after the answer

	Who    fsm.Role    // StateAfter: whose state
	States []fsm.State // StateAfter: the choices
	Labels []string    // AckLabel: the choices
	Outs   []Outcome   // Result: the choices
	Judge  Judge       // Result
}

// Bind returns specs with each Where's ports set from ports (a
// scenario's first port and how many it uses); a spec whose scenario
// ports does not know is left out.
func Bind(specs []Spec, ports func(scenario string) (first, n uint16, ok bool)) []Spec {
	out := make([]Spec, 0, len(specs))
	for _, s := range specs {
		p, n, ok := ports(s.At.Scenario)
		if !ok {
			continue
		}
		s.At.Port, s.At.Ports = p, max(n, 1)
		out = append(out, s)
	}
	return out
}

// serves reports whether a connection to server port p is the scenario's.
func (w Where) serves(p uint16) bool { return p >= w.Port && p-w.Port < max(w.Ports, 1) }

// View is what a judge and an explanation see: the session at the step a
// question comes before, that step, and the connection's steps up to it.
type View struct {
	S     *session.Session
	Step  session.Step
	Conn  session.Row    // the step's connection after the step
	Steps []session.Step // the connection's segments up to and including Step
	Where Where          //
	Peers []session.Row  // the connections to Where.Port visible at the step, in order
	Args  i18n.Args      // filled for the prompt and the explanation
}

// match reports whether step i is where w asks, and gives its View.
func match(s *session.Session, i int, w Where) (*View, bool) {
	st, ok := s.Step(i)
	if !ok || st.Timer() || st.Side {
		return nil, false
	}
	row, ok := s.RowOf(st.ConnID, i)
	if !ok || !w.serves(row.Server.Port()) {
		return nil, false
	}
	var peers []session.Row
	ord := 0
	for k := 0; k < s.Visible(i); k++ {
		r, ok := s.RowAt(k, i)
		if !ok || r.Server != row.Server {
			continue
		}
		peers = append(peers, r)
		if r.ID == st.ConnID {
			ord = len(peers)
		}
	}
	if ord != max(w.Conn, 1) || !w.segment(&st) {
		return nil, false
	}
	var segs []session.Step
	for _, c := range s.ConnSteps(st.ConnID, i, 1<<20) {
		if !c.Timer() && !c.Side {
			segs = append(segs, c)
		}
	}
	n, after := 0, w.After == nil
	for k := range segs {
		c := &segs[k]
		if after && w.segment(c) {
			n++
		}
		if !after && c.From == w.After.From && (w.After.Data && c.Len > 0 || !w.After.Data && c.Flags.Has(w.After.Has)) {
			after = true
		}
	}
	if !after || n != max(w.Nth, 1) {
		return nil, false
	}
	return &View{S: s, Step: st, Conn: row, Steps: segs, Where: w, Peers: peers}, true
}

// segment reports whether st matches w's own conditions (not Conn, Nth
// or After).
func (w Where) segment(st *session.Step) bool {
	if st.Timer() || st.Side || !w.AnyFrom && st.From != w.From {
		return false
	}
	if !st.Flags.Has(w.Has) || st.Flags&w.Not != 0 || w.AnyOf != 0 && st.Flags&w.AnyOf == 0 {
		return false
	}
	return !(w.Data && st.Len == 0 || w.NoData && st.Len > 0)
}

// first returns the first of the connection's segments from r carrying
// all of flags f, up to the step.
func (v *View) first(r fsm.Role, f fsm.Flags) (session.Step, bool) {
	for _, c := range v.Steps {
		if c.From == r && c.Flags.Has(f) {
			return c, true
		}
	}
	return session.Step{}, false
}

// letters are the values of the course's letters at v: x and y are the
// client's and the server's initial sequence numbers, u the sequence
// number of the first FIN the step's receiver sent, v the step's own
// sequence number.
func (v *View) letters() map[string]uint32 {
	m := map[string]uint32{"v": v.Step.RawSeq}
	if c, ok := v.first(fsm.Client, fsm.SYN); ok {
		m["x"] = c.RawSeq
	}
	if c, ok := v.first(fsm.Server, fsm.SYN); ok {
		m["y"] = c.RawSeq
	}
	if c, ok := v.first(v.Step.From.Peer(), fsm.FIN); ok {
		m["u"] = c.RawSeq + c.Len
	}
	return m
}

// labelValue is the number a label such as "x+1" names.
func labelValue(m map[string]uint32, label string) (uint32, bool) {
	name, off, _ := strings.Cut(label, "+")
	base, ok := m[name]
	if !ok {
		return 0, false
	}
	n := 0
	if off != "" {
		var err error
		if n, err = strconv.Atoi(off); err != nil {
			return 0, false
		}
	}
	return base + uint32(n), true
}

// Answer computes spec's choices and answer at v, in language l; ok is
// false when the session does not give an answer among the choices.
func (sp *Spec) answer(v *View, l i18n.Lang) (choices []string, ans int, ok bool) {
	switch sp.Kind {
	case StateAfter:
		right := v.Step.States[sp.Who]
		for _, s := range sp.States {
			choices = append(choices, s.String())
		}
		ans = slices.Index(sp.States, right)
		v.Args["state"] = right.String()
	case AckLabel:
		m := v.letters()
		ans = -1
		for i, lb := range sp.Labels {
			choices = append(choices, lb)
			if val, ok := labelValue(m, lb); ok && val == v.Step.RawAck && ans < 0 {
				ans = i
			}
		}
		for k, val := range m {
			v.Args[k] = val
		}
	case Result:
		id := ""
		if sp.Judge != nil {
			id = sp.Judge(v)
		}
		ans = -1
		for i, o := range sp.Outs {
			choices = append(choices, l.F(o.Text, v.Args))
			if o.ID == id {
				ans = i
			}
		}
	}
	if ans >= 0 {
		v.Args["answer"] = choices[ans]
	}
	return choices, ans, ans >= 0
}

func (v *View) fill() {
	st := &v.Step
	v.Args = i18n.Args{
		"ack": st.RawAck, "seq": st.RawSeq, "len": st.Len, "port": v.Where.Port,
		"cport": v.Conn.Client.Port(), "n": len(v.Peers),
	}
	// The payload of the last data segment before the step: the number
	// of bytes an ack question reasons from.
	for k := len(v.Steps) - 2; k >= 0; k-- {
		if v.Steps[k].Len > 0 {
			v.Args["dlen"] = v.Steps[k].Len
			break
		}
	}
}

// Ask returns the lesson question that comes before step i of s, if one
// of specs names that step, with its choices, answer and explanation in
// language l.
func Ask(specs []Spec, s *session.Session, i int, l i18n.Lang) (Question, bool) {
	for k := range specs {
		if q, ok := ask(&specs[k], s, i, l); ok {
			return q, true
		}
	}
	return Question{}, false
}

func ask(sp *Spec, s *session.Session, i int, l i18n.Lang) (Question, bool) {
	v, ok := match(s, i, sp.At)
	if !ok {
		return Question{}, false
	}
	v.fill()
	choices, ans, ok := sp.answer(v, l)
	if !ok {
		return Question{}, false
	}
	q := Question{Step: i, Packet: v.Step.Packet, Endpoint: sp.Who, Choices: choices, Answer: ans}
	switch sp.Kind {
	case StateAfter:
		q.Kind = NextState
	case AckLabel:
		q.Kind, q.Endpoint = AckNumber, v.Step.From
	default:
		q.Kind, q.Endpoint = Choice, v.Step.From
	}
	q.Text = l.F(sp.Ask, v.Args)
	q.Explain = l.F(sp.Explain, v.Args)
	return q, true
}

// Asked is a lesson question found in a session: for a teacher's print
// and for tests.
type Asked struct {
	Spec     *Spec
	Question Question
	View     *View
}

// Find asks every spec of a finished session: each at the first step it
// names. It returns an error naming the specs the session does not answer.
func Find(specs []Spec, s *session.Session, l i18n.Lang) ([]Asked, error) {
	var out []Asked
	var missing []string
	for k := range specs {
		sp := &specs[k]
		found := false
		for i := s.First(); i < s.Len(); i++ {
			v, ok := match(s, i, sp.At)
			if !ok {
				continue
			}
			q, ok := ask(sp, s, i, l)
			if !ok {
				missing = append(missing, fmt.Sprintf("%s (step %d: no answer among the choices)", sp.Ask, i))
			} else {
				out = append(out, Asked{sp, q, v})
			}
			found = true
			break
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%s (no step matches)", sp.Ask))
		}
	}
	slices.SortStableFunc(out, func(a, b Asked) int { return a.Question.Step - b.Question.Step })
	if len(missing) > 0 {
		return out, fmt.Errorf("questions the recording does not answer: %s", strings.Join(missing, "; "))
	}
	return out, nil
}
