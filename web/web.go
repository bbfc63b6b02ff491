// Package web builds the self-contained web page of a replay (synfin
// export): the ladder of each connection, the RFC 9293 figure with both
// endpoints lit, the explanation of every step in English and Chinese,
// the corrections and confidence of observer v2, and predict mode.
//
// Every text comes from the code the terminal UI uses (view.Explain,
// view.FullFigure, diagram.SVG, quiz.For, i18n) and is serialised once into the
// page as JSON, so page and TUI never disagree. The page's HTML, CSS and
// JavaScript are embedded files; the page loads nothing from the network.
package web

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

var (
	//go:embed assets/page.html
	pageHTML string
	//go:embed assets/page.css
	pageCSS string
	//go:embed assets/page.js
	pageJS string
)

// Conn is one connection to put on the page: as it ended, its steps, and
// At, which returns the connection as it was after steps[i] (what the TUI
// shows when it stands on that step).
type Conn struct {
	Conn  fsm.Conn
	Steps []session.Step
	At    func(i int) fsm.Conn
}

// Options configure the page.
type Options struct {
	Lang   i18n.Lang // the language shown first
	Source string    // name of the capture, shown in the title (any text: escaped)
}

// Collect reads src to the end through a session store and returns the
// connections to show: connection id, or all of them when id is 0; total
// is the number of connections in the capture. err reports a damaged tail
// (the connections hold what was read before it) or steps dropped to
// bound memory.
func Collect(ctx context.Context, src session.Source, cfg fsm.Config, id uint64) (conns []Conn, total int, err error) {
	s := session.New(session.Config{FSM: cfg})
	err = s.Run(ctx, src, session.RunOptions{})
	info := s.Info()
	last := info.Steps - 1
	// Connection numbers are the tracker's IDs (as in the UI, summary
	// and diagram). On a capture past the session's bound the oldest
	// finished connections are dropped: walk the IDs really held, and
	// count connections by the highest ID, not by how many are held.
	held, _ := s.Match(session.Filter{}, 0)
	if len(held) > 0 {
		total = int(held[len(held)-1])
	}
	for _, cid := range held {
		if id != 0 && cid != id {
			continue
		}
		c, ok := s.ConnAt(cid, last)
		if !ok {
			continue
		}
		steps := s.ConnSteps(cid, last, math.MaxInt)
		if len(steps) == 0 {
			continue
		}
		if first, _ := s.ConnSpan(cid); info.Dropped > 0 && first > 0 && steps[0].Index > first && err == nil {
			err = fmt.Errorf("connection %d: its oldest steps were dropped to bound memory", cid)
		}
		conns = append(conns, Conn{Conn: c, Steps: steps, At: func(i int) fsm.Conn {
			at, _ := s.ConnAt(cid, steps[i].Index)
			return at
		}})
	}
	return conns, total, err
}

// page is the JSON the page's script reads.
type page struct {
	Lang  string               `json:"lang"`
	File  string               `json:"file"`
	UI    map[string][2]string `json:"ui"` // key -> [en, zh]
	Fig   string               `json:"fig"`
	Conns []pageConn           `json:"conns"`
	// Strs holds every ladder line and explanation line once; the
	// connections refer to them by index (a capture's connections repeat
	// most of them: the page stays small).
	Strs []string `json:"strs"`
}

// interner numbers distinct strings.
type interner struct {
	idx  map[string]int
	list []string
}

func (in *interner) id(s string) int {
	if i, ok := in.idx[s]; ok {
		return i
	}
	if in.idx == nil {
		in.idx = map[string]int{}
	}
	in.idx[s] = len(in.list)
	in.list = append(in.list, s)
	return len(in.list) - 1
}

type pageConn struct {
	ID     uint64     `json:"id"`
	Client string     `json:"client"`
	Server string     `json:"server"`
	Final  [2]string  `json:"final"`
	Ladder [2][]int   `json:"ladder"` // SVG lines (Strs), [en, zh]
	Init   [2]string  `json:"init"`   // states before the first step
	InitBx [2]int     `json:"ib"`     // their figure boxes
	Steps  []pageStep `json:"steps"`
}

type pageStep struct {
	Packet uint64      `json:"p"`
	Timer  bool        `json:"t,omitempty"`
	States [2]string   `json:"s"`
	Box    [2]int      `json:"b"`           // lit figure boxes (-1: none)
	Edges  []int       `json:"e,omitempty"` // figure edges of the latest change
	Expl   [2][]line   `json:"x"`           // explanation [en, zh]
	Revs   [2][]string `json:"r,omitempty"` // corrections, [en, zh]
	Conf   [2][]string `json:"c,omitempty"` // confidence of the changes, [en, zh]
	Quiz   *pageQuiz   `json:"q,omitempty"`
}

// line is [class, indent, text (index in Strs)].
type line [3]any

type pageQuiz struct {
	Kind    string    `json:"k"`
	Prompt  [2]string `json:"p"`
	Choices []string  `json:"ch"`
	Answer  int       `json:"a"`
}

// uiKeys are the texts the script uses, by the names it knows them by.
var uiKeys = map[string]i18n.Key{
	"conn": i18n.KeyWebConn, "step": i18n.KeyWebStep, "packet": i18n.KeyWebPacket, "timer": i18n.KeyWebTimer,
	"before": i18n.KeyWebBefore, "home": i18n.KeyWebHome, "back": i18n.KeyWebBack, "play": i18n.KeyWebPlay,
	"pause": i18n.KeyWebPause, "next": i18n.KeyWebNext, "end": i18n.KeyWebEnd, "speed": i18n.KeyWebSpeed,
	"predict": i18n.KeyWebPredict, "predicton": i18n.KeyWebPredictOn, "skip": i18n.KeyWebSkip, "show": i18n.KeyWebShow,
	"states": i18n.KeyWebStates, "final": i18n.KeyWebFinal, "revisions": i18n.KeyWebRevisions,
	"confidence": i18n.KeyWebConfidence, "noscript": i18n.KeyWebNoScript, "noconn": i18n.KeyWebNoConn,
	"ladder": i18n.KeyLadder, "figure": i18n.KeyStateDiagram, "explain": i18n.KeyExplanation,
	"right": i18n.KeyQuizRight, "wrong": i18n.KeyQuizWrong, "skipped": i18n.KeyQuizSkipped,
	"score": i18n.KeyQuizScore, "langkey": i18n.KeyHelpLang, "quizkeys": i18n.KeyQuizKeys, "legend": i18n.KeyStateLegend,
}

// Write writes the page for conns.
func Write(w io.Writer, conns []Conn, opt Options) error {
	p := page{Lang: opt.Lang.String(), File: opt.Source, UI: map[string][2]string{}}
	for name, k := range uiKeys {
		p.UI[name] = [2]string{i18n.En.T(k), i18n.Zh.T(k)}
	}
	file := i18n.Args{"file": opt.Source}
	p.UI["title"] = [2]string{i18n.En.F(i18n.KeyWebTitle, file), i18n.Zh.F(i18n.KeyWebTitle, file)}
	p.UI["madeby"] = [2]string{i18n.En.F(i18n.KeyWebMadeBy, file), i18n.Zh.F(i18n.KeyWebMadeBy, file)}
	p.UI["client"] = [2]string{i18n.En.Role(fsm.Client), i18n.Zh.Role(fsm.Client)}
	p.UI["server"] = [2]string{i18n.En.Role(fsm.Server), i18n.Zh.Role(fsm.Server)}
	p.Fig = figureSVG()
	var in interner
	for i := range conns {
		pc, err := buildConn(&conns[i], &in)
		if err != nil {
			return err
		}
		p.Conns = append(p.Conns, pc)
	}
	p.Strs = in.list
	data, err := scriptJSON(p)
	if err != nil {
		return err
	}
	title := opt.Lang.F(i18n.KeyWebTitle, i18n.Args{"file": opt.Source})
	out := strings.NewReplacer(
		"{{LANG}}", langTag(opt.Lang),
		"{{TITLE}}", html.EscapeString(title),
		"{{NOSCRIPT}}", html.EscapeString(opt.Lang.T(i18n.KeyWebNoScript)),
		"{{FONTS}}", diagram.CJKFonts,
		"{{CSS}}", pageCSS,
		"{{JS}}", pageJS,
		"{{DATA}}", data,
	).Replace(pageHTML)
	_, err = io.WriteString(w, out)
	return err
}

func langTag(l i18n.Lang) string {
	if l == i18n.Zh {
		return "zh-Hans"
	}
	return "en"
}

// scriptJSON marshals v for a <script> element: encoding/json already
// writes <, > and & as \u003c, \u003e, \u0026 (so neither "</script>"
// nor "<!--" can appear) and U+2028/U+2029 as \u2028/\u2029; this checks
// it rather than trusting it.
func scriptJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if bytes.ContainsAny(b, "<>&\u2028\u2029") {
		return "", fmt.Errorf("web: JSON for the page holds a character unsafe in <script>")
	}
	return string(b), nil
}

func buildConn(c *Conn, in *interner) (pageConn, error) {
	conn := &c.Conn
	pc := pageConn{ID: conn.ID, Final: [2]string{conn.State[fsm.Client].String(), conn.State[fsm.Server].String()}}
	if conn.Client.IsValid() {
		pc.Client, pc.Server = conn.Client.String(), conn.Server.String()
	}
	steps := c.Steps
	if n := len(steps); n > 0 {
		pc.Final = [2]string{steps[n-1].States[fsm.Client].String(), steps[n-1].States[fsm.Server].String()}
	}
	for li, l := range i18n.Langs() {
		var b bytes.Buffer
		if err := diagram.SVG(&b, conn, steps, diagram.Options{Lang: l, RowGroups: true}); err != nil {
			return pc, err
		}
		svg := b.String()
		if k := strings.Index(svg, "<svg"); k >= 0 {
			svg = svg[k:] // inline in HTML: no XML declaration
		}
		for _, ln := range strings.Split(strings.TrimSuffix(svg, "\n"), "\n") {
			pc.Ladder[li] = append(pc.Ladder[li], in.id(ln))
		}
	}
	init := diagram.Initial(steps)
	pc.Init = [2]string{init[fsm.Client].String(), init[fsm.Server].String()}
	pc.InitBx = [2]int{initBox(init[fsm.Client]), initBox(init[fsm.Server])}
	withdrawn := withdrawnBy(conn)
	before := init
	lastChange, lastClosed := -1, [2]int{-1, -1}
	for i := range steps {
		st := &steps[i]
		ps := pageStep{Packet: st.Packet, Timer: st.Timer(), States: [2]string{st.States[fsm.Client].String(), st.States[fsm.Server].String()}}
		var at fsm.Conn
		if c.At != nil {
			at = c.At(i)
		} else {
			at = *conn
		}
		// The figure as the pane lights it; the pane looks back only to
		// the latest change and to each CLOSED endpoint's change to
		// CLOSED, so the steps before those are left out (linear, not
		// quadratic, on a long connection).
		if len(st.Changes) > 0 {
			lastChange = i
			for _, c := range st.Changes {
				if c.Endpoint <= fsm.Server && c.To == fsm.Closed {
					lastClosed[c.Endpoint] = i
				}
			}
		}
		from := i
		if lastChange >= 0 {
			from = min(from, lastChange)
		}
		for r := range lastClosed {
			if st.States[r] == fsm.Closed && lastClosed[r] >= 0 {
				from = min(from, lastClosed[r])
			}
		}
		box, edges, _ := figure.Lit(steps[from:i+1], i-from)
		ps.Box, ps.Edges = box, edges
		for li, l := range i18n.Langs() {
			for _, ln := range view.Explain(at, steps[:i+1], i, l) {
				ps.Expl[li] = append(ps.Expl[li], line{ln.Kind.Class(), ln.Indent, in.id(ln.Text)})
			}
			ps.Revs[li] = revisionTexts(l, st, withdrawn)
			ps.Conf[li] = confidenceTexts(l, st)
		}
		if ps.Revs[0] == nil {
			ps.Revs = [2][]string{}
		}
		if ps.Conf[0] == nil {
			ps.Conf = [2][]string{}
		}
		if q, ok := quiz.For(st, before); ok {
			ps.Quiz = &pageQuiz{Kind: q.Kind.String(), Choices: q.Choices, Answer: q.Answer,
				Prompt: [2]string{q.Prompt(i18n.En, st), q.Prompt(i18n.Zh, st)}}
		}
		before = st.States
		pc.Steps = append(pc.Steps, ps)
	}
	return pc, nil
}

// withdrawnBy maps a transition as a step recorded it to the packet that
// later withdrew it.
type transKey struct {
	pkt      uint64
	who      fsm.Role
	from, to fsm.State
}

func withdrawnBy(c *fsm.Conn) map[transKey]uint64 {
	m := map[transKey]uint64{}
	for _, t := range c.Transitions {
		if t.WithdrawnBy != 0 {
			m[transKey{t.Packet, t.Endpoint, t.From, t.To}] = t.WithdrawnBy
		}
	}
	return m
}

// revisionTexts says what step st corrected, and which of its own changes
// a later packet withdrew.
func revisionTexts(l i18n.Lang, st *session.Step, withdrawn map[transKey]uint64) []string {
	var out []string
	for _, rv := range st.Revisions {
		names := make([]string, len(rv.Believed))
		for i, s := range rv.Believed {
			names[i] = s.String()
		}
		a := i18n.Args{"by": rv.CorrectedBy, "n": rv.Packet, "who": l.Role(rv.Endpoint), "peer": l.Role(rv.Endpoint.Peer()), "believed": strings.Join(names, " → ")}
		t := l.F(i18n.KeyWebRevision, a)
		if why := reasonIfFilled(l, rv.Reason, a); why != "" {
			if l != i18n.Zh {
				t += " "
			}
			t += why
		}
		out = append(out, t)
	}
	for _, c := range st.Changes {
		if by, ok := withdrawn[transKey{c.Packet, c.Endpoint, c.From, c.To}]; ok && by != st.Packet {
			out = append(out, l.F(i18n.KeyWebRevLater, i18n.Args{"by": by, "who": l.Role(c.Endpoint), "state": c.To.String()}))
		}
	}
	return out
}

// reasonIfFilled is the reason's sentence when it needs no parameter but
// who and peer (the others belong to a step's numbers).
func reasonIfFilled(l i18n.Lang, r fsm.Reason, a i18n.Args) string {
	if !i18n.HasReason(r) {
		return ""
	}
	for _, p := range i18n.Params(l.ReasonTemplate(r)) {
		if p != "who" && p != "peer" {
			return ""
		}
	}
	return i18n.Sentence(l.Reason(r, a))
}

// confidenceTexts says how each change of st is known, when the tracker
// said (observer v2).
func confidenceTexts(l i18n.Lang, st *session.Step) []string {
	var out []string
	for _, c := range st.Changes {
		var k i18n.Key
		switch c.Confidence {
		case fsm.Seen:
			k = i18n.KeyWebConfSeen
		case fsm.Inferred:
			k = i18n.KeyWebConfInf
		case fsm.Assumed:
			k = i18n.KeyWebConfAssume
		default:
			continue
		}
		out = append(out, l.F(i18n.KeyWebConfLine, i18n.Args{"who": l.Role(c.Endpoint), "state": c.To.String(), "conf": l.T(k)}))
	}
	return out
}
