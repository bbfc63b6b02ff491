package view

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Kind says what a line of the explanation is, so that each front-end
// styles it in its own way (the terminal with colours, the page with CSS
// classes): a kind is a meaning, never a colour.
type Kind uint8

// Line kinds.
const (
	Plain  Kind = iota // the body of the explanation
	Head               // a heading: what the step is, "State changes", "Notes"
	Note               // a note or a correction: what to look at
	Dim                // details: raw numbers, options, legends
	Client             // a change of the client's state
	Server             // a change of the server's state
)

// Class is the kind's name on the web page ("" for Plain): the CSS class
// of the line.
func (k Kind) Class() string {
	switch k {
	case Head:
		return "head"
	case Note:
		return "note"
	case Dim:
		return "dim"
	case Client:
		return "client"
	case Server:
		return "server"
	}
	return ""
}

// RoleKind is the kind of a line about role r's state.
func RoleKind(r fsm.Role) Kind {
	if r == fsm.Client {
		return Client
	}
	return Server
}

// Line is one paragraph of the explanation as plain text (never holding
// markup or control characters: the payload preview is quoted) with its
// kind and indent in columns. An empty Text is a blank line.
type Line struct {
	Text   string
	Kind   Kind
	Indent int
}

// Explanation is what the explanation pane says about one step: which
// step it is, which rule moved which endpoint from what to what and why,
// with the numbers, and the notes.
type Explanation struct {
	Lang i18n.Lang
	// Conn is the connection as of the step, Steps its steps up to it (at
	// least), Sel the position in Steps of the step explained (-1: none).
	Conn  fsm.Conn
	Steps []session.Step
	Sel   int
	// Empty is said when no step is selected ("" for the default).
	Empty string
	// LadderMarks explains the terminal ladder's state marks (* ? ~) in
	// the legend; the web page draws no such marks.
	LadderMarks bool
}

// Explain returns the explanation of steps[sel] of conn in lang, as the
// web page shows it (no ladder marks).
func Explain(conn fsm.Conn, steps []session.Step, sel int, lang i18n.Lang) []Line {
	e := Explanation{Lang: lang, Conn: conn, Steps: steps, Sel: sel}
	return e.Lines()
}

// isns finds the client's ISN x and the server's ISN y from the steps
// (raw minus relative numbers); ok is false for one that cannot be known.
// An ISN is known only from a SYN: the endpoint's own SYN, or the SYN+ACK
// that acknowledges it (ack = ISN+1). An endpoint that never sent a SYN
// (a refused connection's server, or a capture that began late) has no
// ISN to show.
func isns(steps []session.Step) (x, y uint32, xok, yok bool) {
	for i := range steps {
		s := &steps[i]
		if s.Timer() || s.Side || !s.Flags.Has(fsm.SYN) {
			continue
		}
		own, peer := &x, &y
		ownOK, peerOK := &xok, &yok
		if s.From == fsm.Server {
			own, peer, ownOK, peerOK = &y, &x, &yok, &xok
		}
		if !*ownOK {
			*own, *ownOK = s.RawSeq-s.Seq, true
		}
		if !*peerOK && s.Flags.Has(fsm.ACK) {
			*peer, *peerOK = s.RawAck-s.Ack, true
		}
		if xok && yok {
			break
		}
	}
	return x, y, xok, yok
}

// noteEndpoint returns the endpoint a note of step s is about, from the
// connection's note list (fsm.Note carries it; Step.Notes does not); the
// segment's sender when the note is not found.
func (e *Explanation) noteEndpoint(s *session.Step, r fsm.Reason) fsm.Role {
	for i := len(e.Conn.Notes) - 1; i >= 0; i-- {
		n := &e.Conn.Notes[i]
		if n.Packet == s.Packet && n.Reason == r && n.Endpoint <= fsm.Server {
			return n.Endpoint
		}
	}
	return s.From
}

// wscale returns the window scale that applies to the windows role r
// sends: its own SYN's shift, when both SYNs carried the option (RFC 7323
// §2.2).
func (e *Explanation) wscale(r fsm.Role) (uint8, bool) {
	var sh [2]int8
	var seen [2]bool
	for i := range e.Steps {
		st := &e.Steps[i]
		if st.Timer() || st.Side || !st.Flags.Has(fsm.SYN) || seen[st.From] {
			continue
		}
		sh[st.From], seen[st.From] = st.Options.WScale, true
		if seen[0] && seen[1] {
			break
		}
	}
	if !seen[0] || !seen[1] || sh[0] < 0 || sh[1] < 0 {
		return 0, false
	}
	return uint8(min(sh[r], 14)), true
}

// args fills the reason templates' parameters for step s.
func (e *Explanation) args(s *session.Step) i18n.Args {
	l := e.Lang
	a := i18n.Args{
		"sender": l.Role(s.From), "receiver": l.Role(s.From.Peer()),
		"xy": "x", "pxy": "y",
		"seq": s.Seq, "ack": s.Ack, "len": s.Len, "rawseq": s.RawSeq, "rawack": s.RawAck,
		"flags": s.Flags.String(),
	}
	x, y, xok, yok := isns(e.Steps)
	if xok {
		a["x"], a["x1"] = x, x+1
	}
	if yok {
		a["y"], a["y1"] = y, y+1
	}
	return a
}

// paras builds the explanation of the selected step.
func (e *Explanation) Lines() []Line {
	l := e.Lang
	if e.Sel < 0 || e.Sel >= len(e.Steps) {
		if e.Empty != "" {
			return []Line{{Text: e.Empty, Kind: Head}}
		}
		return []Line{{Text: l.T(i18n.KeyNoStep), Kind: Dim}}
	}
	s := &e.Steps[e.Sel]
	a := e.args(s)
	var out []Line
	add := func(text string, k Kind, indent int) {
		out = append(out, Line{rfcGlue.Replace(text), k, indent})
	}
	// What the step is, in two or three lines; then what it changed and
	// the notes (the lesson, first to be seen in a short pane); then the
	// details: ISNs, what seq and ack mean, payload.
	since := ""
	if !e.Conn.FirstTime.IsZero() {
		since = " · " + l.F(i18n.KeyExplTime, i18n.Args{"t": formatSince(s.Time.Sub(e.Conn.FirstTime))})
	}
	switch {
	case s.Timer():
		add(l.T(i18n.KeyExplTimer)+since, Head, 0)
		add(l.T(i18n.KeyExplTimerFired), Plain, 0)
	case s.Side:
		add(l.F(i18n.KeyExplPacket, i18n.Args{"n": s.Packet})+since, Head, 0)
		add(l.F(i18n.KeyExplSide, i18n.Args{"n": s.Packet}), Plain, 0)
	default:
		dir := l.F(i18n.KeyExplDirection, i18n.Args{"from": l.Role(s.From), "to": l.Role(s.From.Peer())})
		add(l.F(i18n.KeyExplPacket, i18n.Args{"n": s.Packet})+" · "+dir+since, Head, 0)
		nums := fmt.Sprintf("%s  seq=%d", s.Flags, s.Seq)
		if s.Flags.Has(fsm.ACK) {
			nums += fmt.Sprintf("  ack=%d", s.Ack)
		}
		nums += fmt.Sprintf("  len=%d  %s=%d", s.Len, l.T(i18n.KeyExplWindow), s.Window)
		if sh, ok := e.wscale(s.From); ok && !s.Flags.Has(fsm.SYN) && sh > 0 {
			nums += paren(l, fmt.Sprintf("×%d = %d", 1<<sh, uint64(s.Window)<<sh))
		}
		add(nums, Plain, 0)
		kind := segKind(s.Flags, s.Len)
		if !e.listened() { // both ends sent a SYN: not a three-way handshake
			switch kind {
			case i18n.KeySegSyn:
				kind = i18n.KeySegSynSimultaneous
			case i18n.KeySegSynAck:
				kind = i18n.KeySegSynAckSimultaneous
			}
		}
		add(l.F(kind, a), Plain, 0)
	}
	// A correction first: it is what this packet teaches, and in a small
	// pane the state changes below it would push it out of sight.
	if len(s.Revisions) > 0 {
		add(l.T(i18n.KeyUIRevisions), Head, 0)
		for _, rv := range s.Revisions {
			add("• "+e.revisionText(s, rv), Note, 0)
		}
	}
	legend := false
	if len(s.Changes) > 0 {
		add(l.T(i18n.KeyExplChanges), Head, 0)
		for _, c := range s.Changes {
			from, to := l.StateLabel(c.From), l.StateLabel(c.To)
			if l == i18n.En {
				from, to = c.From.String(), c.To.String()
			}
			head := l.Role(c.Endpoint) + colon(l) + from + " → " + to
			switch c.Confidence {
			case fsm.Inferred:
				head += paren(l, l.T(i18n.KeyUIConfInferred))
				legend = true
			case fsm.Assumed:
				head += paren(l, l.T(i18n.KeyUIConfAssumed))
				legend = true
			}
			add(head, RoleKind(c.Endpoint), 0)
			ca := i18n.Args{}
			for k, v := range a {
				ca[k] = v
			}
			ca["who"], ca["peer"] = l.Role(c.Endpoint), l.Role(c.Endpoint.Peer())
			ownISN(ca, c.Endpoint)
			add(cite(l, i18n.Sentence(l.Reason(c.Reason, ca)), rfcSection(c, s.From)), Plain, 2)
			if t := e.changeDetail(s, c, ca); t != "" {
				add(t, Plain, 2)
			}
		}
	} else {
		c, sv := s.States[fsm.Client].String(), s.States[fsm.Server].String()
		if l == i18n.Zh {
			c, sv = l.StateLabel(s.States[fsm.Client]), l.StateLabel(s.States[fsm.Server])
		}
		add(l.F(i18n.KeyExplNoChange, i18n.Args{"c": c, "s": sv}), Dim, 0)
	}
	if len(s.Notes) > 0 {
		add(l.T(i18n.KeyExplNotes), Head, 0)
		for _, n := range s.Notes {
			na := i18n.Args{}
			for k, v := range a {
				na[k] = v
			}
			who := e.noteEndpoint(s, n)
			na["who"], na["peer"] = l.Role(who), l.Role(who.Peer())
			add("• "+i18n.Sentence(l.Reason(n, na)), Note, 0)
		}
	}
	if notes := e.connNotes(); len(notes) > 0 {
		add(l.T(i18n.KeyUICannotTell), Head, 0)
		for _, n := range notes {
			na := i18n.Args{}
			for k, v := range a {
				na[k] = v
			}
			na["who"], na["peer"] = l.Role(n.Endpoint), l.Role(n.Endpoint.Peer())
			add("• "+i18n.Sentence(l.Reason(n.Reason, na)), Note, 0)
		}
	}
	if legend {
		add(l.T(i18n.KeyUIConfLegend), Dim, 0)
	}
	if e.LadderMarks && (legend || len(s.Revisions) > 0) {
		add(l.T(i18n.KeyUI2LadderMarks), Dim, 0)
	}
	if s.Timer() || s.Side {
		return out
	}
	add("", Plain, 0)
	raw := l.T(i18n.KeyExplRaw) + colon(l) + fmt.Sprintf("seq=%d", s.RawSeq)
	if s.Flags.Has(fsm.ACK) {
		raw += fmt.Sprintf("  ack=%d", s.RawAck)
	}
	add(raw, Dim, 0)
	if s.Flags.Has(fsm.SYN) || s.Seq <= 1 && s.Ack <= 1 {
		// The handshake's numbers: x and y as the course names them.
		var isn []string
		if _, ok := a["x"]; ok {
			isn = append(isn, l.F(i18n.KeyExplClientISN, a))
		}
		if _, ok := a["y"]; ok {
			isn = append(isn, l.F(i18n.KeyExplServerISN, a))
		}
		if len(isn) > 0 {
			sep := ", "
			if l == i18n.Zh {
				sep = "，"
			}
			add(strings.Join(isn, sep), Dim, 0)
		}
	}
	if !s.Flags.Has(fsm.SYN) && !s.Flags.Has(fsm.RST) {
		seqKey := i18n.KeySegSeqNum
		switch {
		case s.Flags.Has(fsm.FIN) && s.Len == 0:
			seqKey = i18n.KeySeqFin
		case s.Len == 0:
			seqKey = i18n.KeySeqEmpty
		}
		add(l.F(seqKey, a), Dim, 0)
		if s.Flags.Has(fsm.ACK) {
			add(e.ackLine(s, a), Dim, 0)
		}
	}
	if o := e.options(s.Options); o != "" {
		add(l.T(i18n.KeyExplOptions)+colon(l)+o, Dim, 0)
	}
	if s.Len > 0 || len(s.Payload) > 0 {
		p := l.F(i18n.KeyExplPayload, i18n.Args{"n": s.Len}) + colon(l) + Preview(s.Payload)
		if uint32(len(s.Payload)) < s.Len {
			p += " " + l.F(i18n.KeyExplTruncated, i18n.Args{"n": len(s.Payload)})
		}
		add(p, Plain, 0)
	}
	return out
}

// cursorPacket is the packet number of the selected step (timer steps:
// the latest packet before it), to tell which corrections are known yet.
func (e *Explanation) cursorPacket() uint64 {
	for i := e.Sel; i >= 0 && i < len(e.Steps); i-- {
		if p := e.Steps[i].Packet; p != 0 {
			return p
		}
	}
	return 0
}

// revisionText says in words what a correction made by step s corrects,
// then why (the fsm's reason, when it has a sentence).
func (e *Explanation) revisionText(s *session.Step, rv fsm.Revision) string {
	l := e.Lang
	names := make([]string, len(rv.Believed))
	for i, st := range rv.Believed {
		names[i] = st.String()
	}
	sep := ", "
	if l == i18n.Zh {
		sep = "、"
	}
	a := e.args(s)
	a["who"], a["peer"] = l.Role(rv.Endpoint), l.Role(rv.Endpoint.Peer())
	a["believed"] = strings.Join(names, sep)
	// The reasons name the packet of the withdrawn belief {n} and the
	// correcting one {by} (i18n/fsm_keys.go, as web/web.go passes them).
	a["packet"], a["n"], a["by"] = rv.Packet, rv.Packet, rv.CorrectedBy
	a["now"] = s.States[rv.Endpoint].String()
	key := i18n.KeyUIRevised
	if rv.Packet == 0 {
		key = i18n.KeyUIRevisedTimer
	}
	text := l.F(key, a)
	if i18n.HasReason(rv.Reason) {
		text += " " + i18n.Sentence(l.Reason(rv.Reason, a))
	}
	return text
}

// connNotes are the connection's notes that no shown step carries: what
// the packets cannot tell about it as a whole (one direction captured, an
// orphan FIN_WAIT_2 that may end silently), known at the selected step.
func (e *Explanation) connNotes() []fsm.Note {
	var out []fsm.Note
	cur := e.cursorPacket()
	for _, n := range e.Conn.Notes {
		if n.Packet > cur {
			continue
		}
		onStep := false
		for i := range e.Steps {
			st := &e.Steps[i]
			if st.Packet != n.Packet {
				continue
			}
			for _, r := range st.Notes {
				onStep = onStep || r == n.Reason
			}
		}
		if !onStep {
			out = append(out, n)
		}
	}
	return out
}

// colon is the label separator of the language.
func colon(l i18n.Lang) string {
	if l == i18n.Zh {
		return "："
	}
	return ": "
}

// paren appends s in parentheses of the language.
func paren(l i18n.Lang, s string) string {
	if l == i18n.Zh {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// rfcSection names the RFC 9293 section behind a state change ("" when
// no section describes it, as for a capture that began late). The
// sections, from RFC 9293's table of contents: 3.5 Establishing a
// Connection (3.5.2 Reset Generation, 3.5.3 Reset Processing), 3.6
// Closing a Connection (3.6.1 Half-Closed Connections, which also holds
// the reopening of a TIME-WAIT connection by a new SYN), 3.10.8 Timeouts
// (the TIME-WAIT timeout). sender is the role that sent the segment.
func rfcSection(c fsm.Transition, sender fsm.Role) string {
	switch c.Reason {
	case fsm.ReasonSynSent, fsm.ReasonListen, fsm.ReasonSynAckSent, fsm.ReasonSynAckReceived,
		fsm.ReasonHandshakeAck, fsm.ReasonSimultaneousOpen, fsm.ReasonNotListening,
		fsm.ReasonJoinedAtSynAck, fsm.ReasonSynAckNotSeen, fsm.ReasonAckDropped:
		return "RFC 9293 §3.5"
	case fsm.ReasonActiveClose, fsm.ReasonFinReceived, fsm.ReasonPassiveClose, fsm.ReasonFinCrossed,
		fsm.ReasonFinAcked, fsm.ReasonFinInFinWait2, fsm.ReasonSimultaneousClose, fsm.ReasonFinAndAck,
		fsm.ReasonClosingAcked, fsm.ReasonFinAckLost, fsm.ReasonLastAck:
		return "RFC 9293 §3.6"
	case fsm.ReasonReused:
		return "RFC 9293 §3.6.1"
	case fsm.ReasonTimeWaitExpired:
		return "RFC 9293 §3.10.8"
	case fsm.ReasonRstSent:
		return "RFC 9293 §3.5.2"
	case fsm.ReasonRefused:
		if c.Endpoint == sender { // the endpoint that answered the SYN with RST
			return "RFC 9293 §3.5.2"
		}
		return "RFC 9293 §3.5.3"
	case fsm.ReasonAborted, fsm.ReasonRstInSyn:
		return "RFC 9293 §3.5.3"
	}
	return ""
}

// rfcGlue keeps a reference such as "RFC 2525 §2.17", written inside a
// sentence, on one line: its spaces become non-breaking.
var rfcGlue = strings.NewReplacer("RFC ", "RFC\u00a0", " §", "\u00a0§")

// cite puts a citation in parentheses of the language before the
// sentence's final full stop, its spaces made non-breaking so that
// "RFC 9293 §3.6" is never broken across lines.
func cite(l i18n.Lang, sentence, ref string) string {
	if ref == "" {
		return sentence
	}
	ref = strings.ReplaceAll(ref, " ", "\u00a0")
	for _, stop := range []string{"。", "."} {
		if !strings.HasSuffix(sentence, stop) {
			continue
		}
		body := strings.TrimSuffix(sentence, stop)
		// A remark in parentheses already ends the sentence, as in
		// "(third step of the handshake).": the reference joins it
		// rather than opening a second pair.
		switch {
		case l == i18n.Zh && strings.HasSuffix(body, "）"):
			return strings.TrimSuffix(body, "）") + "，" + ref + "）" + stop
		case l == i18n.Zh:
			return body + "（" + ref + "）" + stop
		case strings.HasSuffix(body, ")") && !strings.HasSuffix(body, "()"):
			return strings.TrimSuffix(body, ")") + "; " + ref + ")" + stop
		}
		return body + " (" + ref + ")" + stop
	}
	return sentence + paren(l, ref)
}

// ownISN sets the parameters naming endpoint r's own ISN and its peer's:
// {xy} is "x" for the client and "y" for the server, as the course names
// them, {isn} and {isn1} its value and value+1; {pxy}, {pisn}, {pisn1}
// the same for the peer. A value that cannot be known stays unset ("?").
func ownISN(a i18n.Args, r fsm.Role) {
	set := func(prefix string, role fsm.Role) {
		letter, v, v1 := "x", "x", "x1"
		if role == fsm.Server {
			letter, v, v1 = "y", "y", "y1"
		}
		a[prefix+"xy"] = letter
		if n, ok := a[v]; ok {
			a[prefix+"isn"], a[prefix+"isn1"] = n, a[v1]
		} else {
			delete(a, prefix+"isn")
			delete(a, prefix+"isn1")
		}
	}
	set("", r)
	set("p", r.Peer())
}

// ackLine explains the ack number of step s. When the receiver's SYN was
// seen, the relative ack is a sum the course can check by hand: 1 for the
// SYN, plus the data bytes received, plus 1 once the FIN is received
// (ack=21 = 1 (the SYN) + 20 bytes). Without that SYN the relative
// numbers start from the first segment seen, and only the meaning is
// given.
func (e *Explanation) ackLine(s *session.Step, a i18n.Args) string {
	l := e.Lang
	peer := s.From.Peer()
	synSeen, finEnd, finSeen := false, uint32(0), false
	for i := range e.Steps {
		p := &e.Steps[i]
		if p.Timer() || p.Side || p.From != peer || p.Index > s.Index {
			continue
		}
		if p.Flags.Has(fsm.SYN) {
			synSeen = true
		}
		if p.Flags.Has(fsm.FIN) && !finSeen {
			finEnd, finSeen = p.Seq+p.Len, true // the FIN's own number
		}
	}
	if !synSeen || s.Ack == 0 {
		return l.F(i18n.KeySegAckNum, a)
	}
	data := s.Ack - 1
	fin := finSeen && seqAfter(s.Ack, finEnd)
	if fin {
		data--
	}
	parts := []string{l.T(i18n.KeyAckSyn)}
	if data > 0 {
		parts = append(parts, l.F(i18n.KeyAckBytes, i18n.Args{"n": data}))
	}
	if fin {
		parts = append(parts, l.T(i18n.KeyAckFin))
	}
	plus := strings.Join(parts, " + ")
	if l == i18n.Zh { // no space after a full-width parenthesis
		plus = strings.ReplaceAll(plus, "） + ", "）+ ")
	}
	sum := i18n.Args{"sum": plus}
	for k, v := range a {
		sum[k] = v
	}
	return l.F(i18n.KeyAckSum, sum)
}

// seqAfter reports whether a comes after b in sequence space (RFC 9293
// §3.4: arithmetic modulo 2^32), with fsm's wrap-around-safe Seq.
func seqAfter(a, b uint32) bool { return fsm.Seq(b).LessThan(fsm.Seq(a)) }

// changeDetail adds what a state change teaches beyond its reason, from
// the packets around it: the socket accept() returns when a listening
// server's handshake completes, and the unread receive queue that can
// turn a close() into an RST.
func (e *Explanation) changeDetail(s *session.Step, c fsm.Transition, a i18n.Args) string {
	l := e.Lang
	switch c.Reason {
	case fsm.ReasonHandshakeAck:
		if c.Endpoint != fsm.Server || !e.listened() {
			return ""
		}
		return l.F(i18n.KeyExplAccept, i18n.Args{"port": e.Conn.Server.Port()})
	case fsm.ReasonRstSent:
		if c.Endpoint != s.From {
			return ""
		}
		// The bytes received: the span of the peer's data in sequence
		// space, so a retransmission is not counted twice.
		var first, end uint32
		seen := false
		for i := range e.Steps {
			p := &e.Steps[i]
			if p.Index >= s.Index || p.Timer() || p.Side || p.From != c.Endpoint.Peer() || p.Len == 0 {
				continue
			}
			if !seen || seqAfter(first, p.Seq) {
				first = p.Seq
			}
			if !seen || seqAfter(p.Seq+p.Len, end) {
				end = p.Seq + p.Len
			}
			seen = true
		}
		if !seen {
			return ""
		}
		got := end - first
		return l.F(i18n.KeyExplUnreadRST, i18n.Args{"who": a["who"], "peer": a["peer"], "n": got})
	}
	return ""
}

// listened reports whether the server of the shown connection was a
// listening socket: not one that sent its own SYN (simultaneous open).
func (e *Explanation) listened() bool {
	for _, t := range e.Conn.Transitions {
		if t.Endpoint == fsm.Server && (t.Reason == fsm.ReasonNotListening || t.To == fsm.SynSent) {
			return false
		}
	}
	return true
}

// LastCaption is the caption of the latest change in at most w columns
// when it can be: the label ("last:", "最近：") and the spaces around the
// arrow go first, so that a state name is never cut (FIN_WAIT_ for
// FIN_WAIT_1 misleads a class).
func LastCaption(l i18n.Lang, who string, t fsm.Transition, w int) string {
	full := l.F(i18n.KeyStateLast, i18n.Args{"who": who, "from": t.From, "to": t.To})
	bare := who + " " + t.From.String() + " → " + t.To.String()
	for _, c := range []string{full, strings.Replace(full, " → ", "→", 1), bare, strings.Replace(bare, " → ", "→", 1)} {
		if uniseg.StringWidth(c) <= w {
			return c
		}
	}
	return full
}

// segKind picks the sentence saying what a segment is.
func segKind(f fsm.Flags, n uint32) i18n.Key {
	switch {
	case f.Has(fsm.RST):
		return i18n.KeySegRst
	case f.Has(fsm.SYN | fsm.ACK):
		return i18n.KeySegSynAck
	case f.Has(fsm.SYN):
		return i18n.KeySegSyn
	case f.Has(fsm.FIN):
		return i18n.KeySegFin
	case n > 0:
		return i18n.KeySegData
	case f.Has(fsm.ACK):
		return i18n.KeySegAck
	}
	return i18n.KeySegOther
}

func (e *Explanation) options(o fsm.Options) string {
	l := e.Lang
	var parts []string
	if o.MSS > 0 {
		parts = append(parts, l.F(i18n.KeyOptMSS, i18n.Args{"n": o.MSS}))
	}
	if o.WScale >= 0 {
		parts = append(parts, l.F(i18n.KeyOptWScale, i18n.Args{"n": o.WScale, "f": 1 << min(o.WScale, 14)}))
	}
	if o.SACKPerm {
		parts = append(parts, l.T(i18n.KeyOptSACK))
	}
	if o.Timestamp {
		parts = append(parts, l.T(i18n.KeyOptTimestamp))
	}
	if o.TFOCookie {
		parts = append(parts, l.T(i18n.KeyOptTFO))
	}
	if l == i18n.Zh {
		return strings.Join(parts, "、")
	}
	return strings.Join(parts, ", ")
}

// Preview quotes a payload for display: printable characters as they
// are, everything else escaped Go-style (\n, \x1b, \xff), so the result
// holds no control character at all.
func Preview(p []byte) string {
	return strconv.QuoteToGraphic(string(p))
}

// formatSince writes a time since the first packet in seconds; the unit
// is in the language's template (KeyExplTime: "+{t} s", "+{t}秒").
func formatSince(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}
