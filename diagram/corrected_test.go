package diagram_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// believedThenCorrected is issue 7's simultaneous close as a forward
// observer first believes it: the client's FIN (#4) is taken as received,
// so the server goes CLOSE_WAIT; the server's FIN (#5) acks only 1, which
// shows the client's FIN had not arrived: the server went ESTABLISHED →
// FIN_WAIT_1 at #5 and CLOSING when the client's FIN arrived.
func believedThenCorrected() (fsm.Conn, *diagramtest.Builder) {
	const c, s = fsm.Client, fsm.Server
	b := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	b.Seg(time.Second, c, fsm.FIN|fsm.ACK, 1, 1, "", []diagramtest.Change{{Who: c, To: fsm.FinWait1, Reason: fsm.ReasonActiveClose}, {Who: s, To: fsm.CloseWait, Reason: fsm.ReasonFinReceived}})
	// As believed forward: CLOSE_WAIT → LAST_ACK (the tracker then revises).
	st := b.Seg(9*time.Microsecond, s, fsm.FIN|fsm.ACK, 1, 1, "", []diagramtest.Change{{Who: c, To: fsm.Closing, Reason: fsm.ReasonSimultaneousClose}})
	st.Revisions = []fsm.Revision{{Packet: 4, Endpoint: s, Believed: []fsm.State{fsm.CloseWait}, CorrectedBy: 5, Reason: fsm.ReasonSimultaneousClose}}
	b.Seg(30*time.Microsecond, c, fsm.ACK, 2, 2, "", []diagramtest.Change{{Who: s, To: fsm.TimeWait, Reason: fsm.ReasonClosingAcked}})
	conn := b.Conn()
	// Withdraw the server's CLOSE_WAIT and append the corrected path, as
	// the tracker records a revision.
	for i := range conn.Transitions {
		t := &conn.Transitions[i]
		if t.Endpoint == s && t.To == fsm.CloseWait {
			t.WithdrawnBy = 5
		}
	}
	at := b.Steps[4].Time
	conn.Transitions = append(conn.Transitions,
		fsm.Transition{Packet: 5, Time: at, Endpoint: s, From: fsm.Established, To: fsm.FinWait1, Reason: fsm.ReasonActiveClose, Confidence: fsm.Seen},
		fsm.Transition{Packet: 5, Time: at, Endpoint: s, From: fsm.FinWait1, To: fsm.Closing, Reason: fsm.ReasonSimultaneousClose, Confidence: fsm.Inferred})
	// The last step's change was recorded from the believed state.
	for i := range conn.Transitions {
		t := &conn.Transitions[i]
		if t.Endpoint == s && t.To == fsm.TimeWait {
			t.From = fsm.Closing
		}
	}
	b.Steps[5].Changes[0].From = fsm.Closing
	return conn, b
}

func TestCorrectedPath(t *testing.T) {
	conn, b := believedThenCorrected()
	steps, marks := diagram.Corrected(&conn, b.Steps)
	if &steps[0] == &b.Steps[0] {
		t.Fatal("Corrected returned the input although a transition was withdrawn")
	}
	if got := steps[3].States[fsm.Server]; got != fsm.Established {
		t.Errorf("server after #4 = %v, want ESTABLISHED (its CLOSE_WAIT was withdrawn)", got)
	}
	if got := steps[4].States[fsm.Server]; got != fsm.Closing {
		t.Errorf("server after #5 = %v, want CLOSING", got)
	}
	if got := b.Steps[3].States[fsm.Server]; got != fsm.CloseWait {
		t.Errorf("input modified: server after #4 = %v", got)
	}
	if m := marks[4]; !m[fsm.Server] || m[fsm.Client] {
		t.Errorf("marks[4] = %v, want the server marked", m)
	}
	var text bytes.Buffer
	if err := diagram.Text(&text, &conn, b.Steps, diagram.Options{Lang: i18n.En, Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	if strings.Contains(out, "CLOSE_WAIT") {
		t.Errorf("text export still draws the withdrawn CLOSE_WAIT:\n%s", out)
	}
	if !strings.Contains(out, "(corrected)") || !strings.Contains(out, "│ CLOSING") {
		t.Errorf("text export lacks the corrected, marked CLOSING:\n%s", out)
	}
	for _, format := range []string{"svg", "mermaid"} {
		var buf bytes.Buffer
		if err := diagram.Write(&buf, format, &conn, b.Steps, diagram.Options{Lang: i18n.Zh}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "CLOSE_WAIT") || !strings.Contains(buf.String(), "已更正") {
			t.Errorf("%s export: withdrawn state drawn or correction unmarked:\n%s", format, buf.String())
		}
	}
}

// TestCorrectedNothingWithdrawn: without withdrawals the steps are the
// input itself.
func TestCorrectedNothingWithdrawn(t *testing.T) {
	b := diagramtest.ClientClose()
	conn := b.Conn()
	steps, marks := diagram.Corrected(&conn, b.Steps)
	if &steps[0] != &b.Steps[0] || marks != nil {
		t.Errorf("Corrected changed a connection with nothing withdrawn (marks %v)", marks)
	}
}
