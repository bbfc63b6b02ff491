package ui

import (
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

// TestObserverV2Explain: a step that corrects an earlier belief says so in
// words (both languages), a transition that is only inferred or assumed
// says so with a legend, and the connection's notes
// that no step carries (what the packets cannot tell) are shown.
func TestObserverV2Explain(t *testing.T) {
	conn := fsm.Conn{ID: 1, Notes: []fsm.Note{{Packet: 8, Endpoint: fsm.Client, Reason: fsm.Reason("one-direction")}}}
	steps := []session.Step{
		{Index: 6, Packet: 7, ConnID: 1, From: fsm.Client, Flags: fsm.FIN | fsm.ACK,
			States: [2]fsm.State{fsm.FinWait1, fsm.CloseWait},
			Changes: []fsm.Transition{
				{Packet: 7, Endpoint: fsm.Client, From: fsm.Established, To: fsm.FinWait1, Confidence: fsm.Seen},
				{Packet: 7, Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait, Confidence: fsm.Inferred, WithdrawnBy: 8},
			}},
		{Index: 7, Packet: 8, ConnID: 1, From: fsm.Server, Flags: fsm.FIN | fsm.ACK,
			States: [2]fsm.State{fsm.Closing, fsm.Closing},
			Changes: []fsm.Transition{
				{Packet: 8, Endpoint: fsm.Server, From: fsm.Established, To: fsm.FinWait1, Confidence: fsm.Seen},
				{Packet: 8, Endpoint: fsm.Client, From: fsm.FinWait1, To: fsm.Closing, Confidence: fsm.Assumed},
			},
			Revisions: []fsm.Revision{{Packet: 7, Endpoint: fsm.Server, Believed: []fsm.State{fsm.CloseWait}, CorrectedBy: 8, Reason: fsm.Reason("fin-not-arrived")}}},
	}
	for _, tt := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.En, []string{"Corrected by this packet", "server never was in CLOSE_WAIT, as packet #7 made it seem; after this packet it is in CLOSING",
			"(assumed)", "inferred: follows from a packet sent", "What the packets cannot tell",
			"The FIN of #7 had not arrived when #8 was sent", "* corrected by a later packet"}},
		{i18n.Zh, []string{"本包作出的更正", "服务器其实并没有处于CLOSE_WAIT（第7个包让人这样以为）；这个包之后它处于CLOSING",
			"（假定）", "推断：由发往该端的包得出", "数据包无法说明的情况",
			"第8个包发出时，第7个包中的FIN还没有到达", "* 表示已被后面的包更正"}},
	} {
		e := NewExplain()
		e.SetConn(conn, steps, 1, tt.lang)
		got := parasText(e)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: explanation lacks %q:\n%s", tt.lang, w, got)
			}
		}
		// At packet 7 the server's CLOSE_WAIT is believed, inferred; the
		// correction by #8 is not known yet.
		e.SetConn(conn, steps[:1], 0, tt.lang)
		first := parasText(e)
		if !strings.Contains(first, tt.lang.T(i18n.KeyUIConfInferred)) || strings.Contains(first, "#8") || strings.Contains(first, "第8个包") {
			t.Errorf("%v: at packet 7: want inferred and no word of #8:\n%s", tt.lang, first)
		}
	}
}

func parasText(e *Explain) string {
	var b strings.Builder
	for _, p := range e.ex.Lines() {
		b.WriteString(p.Text + "\n")
	}
	return b.String()
}

// TestLadderMarksLegendTerminalOnly: the legend of the ladder's state marks
// is in the terminal's explanation, not in ExplainText (the web page, whose
// ladder draws no such marks).
func TestLadderMarksLegendTerminalOnly(t *testing.T) {
	conn := fsm.Conn{ID: 1}
	steps := []session.Step{{Index: 0, Packet: 1, ConnID: 1, From: fsm.Client, Flags: fsm.FIN | fsm.ACK,
		States:  [2]fsm.State{fsm.FinWait1, fsm.CloseWait},
		Changes: []fsm.Transition{{Packet: 1, Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait, Confidence: fsm.Inferred}}}}
	for _, lang := range i18n.Langs() {
		legend := lang.T(i18n.KeyUI2LadderMarks)
		e := NewExplain()
		e.SetConn(conn, steps, 0, lang)
		if !strings.Contains(parasText(e), legend) {
			t.Errorf("%v: the terminal's explanation lacks the marks legend", lang)
		}
		for _, ln := range view.Explain(conn, steps, 0, lang) {
			if ln.Text == legend {
				t.Errorf("%v: view.Explain (web) explains marks its ladder does not draw", lang)
			}
		}
	}
}

// TestRevisionBeforeChanges: a step's correction comes before its state
// changes, so that a small pane (80×24: six lines) shows it.
func TestRevisionBeforeChanges(t *testing.T) {
	conn := fsm.Conn{ID: 1}
	steps := []session.Step{{Index: 7, Packet: 8, ConnID: 1, From: fsm.Server, Flags: fsm.FIN | fsm.ACK,
		States: [2]fsm.State{fsm.Closing, fsm.Closing},
		Changes: []fsm.Transition{
			{Packet: 8, Endpoint: fsm.Server, From: fsm.Established, To: fsm.FinWait1, Confidence: fsm.Seen},
			{Packet: 8, Endpoint: fsm.Client, From: fsm.FinWait1, To: fsm.Closing, Confidence: fsm.Assumed},
		},
		Revisions: []fsm.Revision{{Packet: 7, Endpoint: fsm.Server, Believed: []fsm.State{fsm.CloseWait}, CorrectedBy: 8}}}}
	for _, lang := range i18n.Langs() {
		e := NewExplain()
		e.SetConn(conn, steps, 0, lang)
		got := parasText(e)
		rv, ch := strings.Index(got, lang.T(i18n.KeyUIRevisions)), strings.Index(got, lang.T(i18n.KeyExplChanges))
		if rv < 0 || ch < 0 || rv > ch {
			t.Errorf("%v: the correction (at %d) does not come before the state changes (at %d):\n%s", lang, rv, ch, got)
		}
	}
}
