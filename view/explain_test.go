package view

import (
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// explainText is the explanation of step sel as plain text, one
// paragraph a line, unwrapped.
func explainText(b *diagramtest.Builder, sel int, l i18n.Lang) string {
	e := Explanation{Lang: l, Conn: b.Conn(), Steps: b.Steps, Sel: sel, LadderMarks: true}
	var out []string
	for _, p := range e.Lines() {
		out = append(out, strings.ReplaceAll(p.Text, "\u00a0", " "))
	}
	return strings.Join(out, "\n")
}

func wantIn(t *testing.T, name, text string, want []string, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q missing from:\n%s", name, w, text)
		}
	}
	for _, w := range not {
		if strings.Contains(text, w) {
			t.Errorf("%s: %q should not be in:\n%s", name, w, text)
		}
	}
}

const (
	cl = fsm.Client
	sv = fsm.Server
)

// refused: SYN, then RST+ACK from a server that never sent a SYN.
func refused() *diagramtest.Builder {
	b := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	b.Seg(0, cl, fsm.SYN, 0, 0, "", []diagramtest.Change{{Who: cl, To: fsm.SynSent, Reason: fsm.ReasonSynSent}, {Who: sv, To: fsm.Listen, Reason: fsm.ReasonListen}})
	rst := b.Seg(35*time.Microsecond, sv, fsm.RST|fsm.ACK, 1, 1, "", []diagramtest.Change{{Who: sv, To: fsm.Closed, Reason: fsm.ReasonRefused}, {Who: cl, To: fsm.Closed, Reason: fsm.ReasonRefused}})
	rst.RawSeq = 0 // Linux answers a SYN without ACK with seq 0
	return b
}

// TestExplainRefusedHasNoServerISN: a server that sent no SYN has no
// ISN y, and a SYN alone does not prove a listener.
func TestExplainRefusedHasNoServerISN(t *testing.T) {
	b := refused()
	for _, l := range i18n.Langs() {
		for sel := range b.Steps {
			text := explainText(b, sel, l)
			wantIn(t, l.String(), text, []string{"x=2896147381"}, []string{"y=", "4294967295"})
		}
	}
	wantIn(t, "en step 1", explainText(b, 0, i18n.En), []string{"If the server has called socket(), bind() and listen()"}, []string{"must have been listening"})
	wantIn(t, "zh step 1", explainText(b, 0, i18n.Zh), []string{"如果服务器已在这个端口上调用了"}, nil)
	wantIn(t, "en step 2", explainText(b, 1, i18n.En), []string{"returns -1 and sets errno to ECONNREFUSED", "ConnectionRefusedError", "(RFC 9293 §3.5.2)", "(RFC 9293 §3.5.3)"}, nil)
	wantIn(t, "zh step 2", explainText(b, 1, i18n.Zh), []string{"errno设为ECONNREFUSED", "ConnectionRefusedError", "（RFC 9293 §3.5.3）。"}, nil)
}

// TestExplainAckArithmetic: the relative ack as 1 for the SYN plus the
// bytes received, plus 1 once the FIN is received (issue 9).
func TestExplainAckArithmetic(t *testing.T) {
	b := diagramtest.ClientClose()
	for _, c := range []struct {
		sel  int
		l    i18n.Lang
		want string
	}{
		{2, i18n.En, "ack=1 = 1 (the SYN): client has received everything server sent before relative number 1"},
		{4, i18n.En, "ack=7 = 1 (the SYN) + 6 bytes of data: server has received"},
		{4, i18n.Zh, "ack=7（SYN占1个序号 + 6字节数据）：服务器已收到客户端发来的、相对序号7之前的全部内容"},
		{8, i18n.En, "ack=8 = 1 (the SYN) + 6 bytes of data + 1 (the FIN)"},
		{9, i18n.Zh, "ack=8（SYN占1个序号 + 6字节数据 + FIN占1个序号）"},
	} {
		wantIn(t, c.l.String(), explainText(b, c.sel, c.l), []string{c.want}, nil)
	}
	// Without the peer's SYN the relative numbers start anywhere: no sum.
	j := diagramtest.NewBuilder(fsm.Established, fsm.Established)
	j.Seg(0, cl, fsm.PSH|fsm.ACK, 1, 1, "abc", nil)
	j.Seg(time.Millisecond, sv, fsm.ACK, 1, 4, "", nil)
	wantIn(t, "joined late", explainText(j, 1, i18n.En), []string{"ack=4: server has received everything client sent before relative number 4"}, []string{"the SYN"})
}

// TestExplainSeqLine: seq on a FIN and on a segment without data.
func TestExplainSeqLine(t *testing.T) {
	b := diagramtest.ClientClose()
	wantIn(t, "data", explainText(b, 3, i18n.En), []string{"seq=1: the relative sequence number of this segment's first data byte"}, nil)
	wantIn(t, "ack", explainText(b, 4, i18n.En), []string{"seq=1: no data, so this is the relative number of the next byte server will send"}, nil)
	wantIn(t, "fin", explainText(b, 7, i18n.Zh), []string{"seq=7：这个FIN的相对序号"}, nil)
}

// unreadRST: the client receives a reply it never reads and closes: RST.
// With reply == "" the client receives nothing (an SO_LINGER 0 abort).
func unreadRST(reply string) *diagramtest.Builder {
	b := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	b.Seg(time.Millisecond, cl, fsm.PSH|fsm.ACK, 1, 1, "hello\n", nil)
	ack := uint32(1)
	if reply != "" {
		b.Seg(time.Millisecond, sv, fsm.PSH|fsm.ACK, 1, 7, reply, nil)
		b.Seg(time.Millisecond, sv, fsm.PSH|fsm.ACK, 1, 7, reply, nil, fsm.NoteRetransmit) // counted once
		ack += uint32(len(reply))
	}
	b.Seg(time.Millisecond, cl, fsm.RST|fsm.ACK, 7, ack, "", []diagramtest.Change{{Who: cl, To: fsm.Closed, Reason: fsm.ReasonRstSent}, {Who: sv, To: fsm.Closed, Reason: fsm.ReasonAborted}})
	return b
}

func TestExplainUnreadDataRST(t *testing.T) {
	b := unreadRST("a reply the client never reads\n")
	last := len(b.Steps) - 1
	wantIn(t, "en", explainText(b, last, i18n.En), []string{"The client had received 31 bytes of data from server", "unread in the socket's receive queue", "tcp_close()", "RFC 2525 §2.17", "ConnectionResetError"}, nil)
	wantIn(t, "zh", explainText(b, last, i18n.Zh), []string{"客户端此前从服务器收到了31字节数据", "接收队列", "ConnectionResetError"}, nil)
	a := unreadRST("")
	wantIn(t, "abort", explainText(a, len(a.Steps)-1, i18n.En), []string{"Client sent RST"}, []string{"unread"})
}

// TestExplainAccept: a listening server's handshake names accept()'s
// socket and its port; the simultaneous open's "server" did not listen.
func TestExplainAccept(t *testing.T) {
	b := diagramtest.ClientClose()
	wantIn(t, "en", explainText(b, 2, i18n.En), []string{"accept() returns a new socket for this connection, on the server's same port 7788", "4-tuple"}, nil)
	wantIn(t, "zh", explainText(b, 2, i18n.Zh), []string{"同一个端口7788", "四元组"}, nil)

	so := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	so.Seg(0, cl, fsm.SYN, 0, 0, "", []diagramtest.Change{{Who: cl, To: fsm.SynSent, Reason: fsm.ReasonSynSent}, {Who: sv, To: fsm.Listen, Reason: fsm.ReasonListen}})
	so.Seg(time.Microsecond, sv, fsm.SYN, 0, 0, "", []diagramtest.Change{
		{Who: sv, To: fsm.Closed, Reason: fsm.ReasonNotListening}, {Who: sv, To: fsm.SynSent, Reason: fsm.ReasonSynSent},
		{Who: cl, To: fsm.SynRecv, Reason: fsm.ReasonSimultaneousOpen}, {Who: sv, To: fsm.SynRecv, Reason: fsm.ReasonSimultaneousOpen}})
	so.Seg(time.Microsecond, cl, fsm.SYN|fsm.ACK, 0, 1, "", []diagramtest.Change{{Who: sv, To: fsm.Established, Reason: fsm.ReasonHandshakeAck}})
	so.Seg(time.Microsecond, sv, fsm.SYN|fsm.ACK, 0, 1, "", []diagramtest.Change{{Who: cl, To: fsm.Established, Reason: fsm.ReasonHandshakeAck}})
	// The server's own SYN carries its ISN y, not the client's x.
	wantIn(t, "simultaneous SYN", explainText(so, 1, i18n.En), []string{"Server sent SYN with seq=y=1137456012"}, []string{"seq=x=1137456012", "seq=x=2896147381"})
	wantIn(t, "simultaneous client", explainText(so, 3, i18n.En), []string{"ack=x+1=2896147382, one past its SYN's seq x"}, []string{"accept()"})
	wantIn(t, "simultaneous server", explainText(so, 2, i18n.Zh), []string{"ack=y+1=1137456013"}, []string{"accept()"})
}

// TestCite: the reference goes before the full stop, joins a closing
// remark in parentheses, and never breaks across lines.
func TestCite(t *testing.T) {
	for _, c := range []struct {
		l             i18n.Lang
		in, ref, want string
	}{
		{i18n.En, "It waits.", "RFC 9293 §3.6", "It waits (RFC 9293 §3.6)."},
		{i18n.En, "It replies (third step).", "RFC 9293 §3.5", "It replies (third step; RFC 9293 §3.5)."},
		{i18n.En, "It calls close().", "RFC 9293 §3.6", "It calls close() (RFC 9293 §3.6)."},
		{i18n.Zh, "进入TIME_WAIT。", "RFC 9293 §3.6", "进入TIME_WAIT（RFC 9293 §3.6）。"},
		{i18n.Zh, "回复确认包（第三次握手）。", "RFC 9293 §3.5", "回复确认包（第三次握手，RFC 9293 §3.5）。"},
		{i18n.Zh, "无句号", "RFC 9293 §3.5", "无句号（RFC 9293 §3.5）"},
		{i18n.En, "No reference.", "", "No reference."},
	} {
		got := cite(c.l, c.in, c.ref)
		if strings.ReplaceAll(got, "\u00a0", " ") != c.want {
			t.Errorf("cite(%q, %q): got %q, want %q", c.in, c.ref, got, c.want)
		}
		if c.ref != "" && strings.Contains(got, "RFC 9293 ") {
			t.Errorf("cite(%q): breakable space in the reference: %q", c.in, got)
		}
	}
}

// TestLastCaptionNeverCutsAState: the state pane's caption drops its
// label and spaces before it cuts a state name (80x24: 30 columns).
func TestLastCaptionNeverCutsAState(t *testing.T) {
	tr := fsm.Transition{Endpoint: fsm.Client, From: fsm.Established, To: fsm.FinWait1}
	for _, c := range []struct {
		l    i18n.Lang
		w    int
		want string
	}{
		{i18n.Zh, 40, "最近：C ESTABLISHED → FIN_WAIT_1"},
		{i18n.Zh, 30, "最近：C ESTABLISHED→FIN_WAIT_1"},
		{i18n.En, 30, "last: C ESTABLISHED→FIN_WAIT_1"},
		{i18n.En, 28, "C ESTABLISHED → FIN_WAIT_1"},
		{i18n.Zh, 25, "C ESTABLISHED→FIN_WAIT_1"},
	} {
		if got := LastCaption(c.l, "C", tr, c.w); got != c.want {
			t.Errorf("%v width %d: got %q, want %q", c.l, c.w, got, c.want)
		}
	}
}

// TestExplainSimultaneousOpenSegments: in a simultaneous open the SYNs are
// not "the first step of the three-way handshake".
func TestExplainSimultaneousOpenSegments(t *testing.T) {
	so := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	so.Seg(0, cl, fsm.SYN, 0, 0, "", []diagramtest.Change{{Who: cl, To: fsm.SynSent, Reason: fsm.ReasonSynSent}, {Who: sv, To: fsm.Listen, Reason: fsm.ReasonListen}})
	so.Seg(time.Microsecond, sv, fsm.SYN, 0, 0, "", []diagramtest.Change{{Who: sv, To: fsm.Closed, Reason: fsm.ReasonNotListening}, {Who: sv, To: fsm.SynSent, Reason: fsm.ReasonSynSent}})
	so.Seg(time.Microsecond, cl, fsm.SYN|fsm.ACK, 0, 1, "", nil)
	wantIn(t, "SYN", explainText(so, 1, i18n.Zh), []string{"同时打开：用四个报文段"}, []string{"三次握手的第一次握手）。\n"})
	wantIn(t, "SYN+ACK", explainText(so, 2, i18n.En), []string{"SYN+ACK: client acknowledges the SYN of server and sends its own SYN again (simultaneous open)."}, []string{"second step"})
	// An ordinary handshake keeps the course's words.
	wantIn(t, "handshake", explainText(diagramtest.ClientClose(), 0, i18n.Zh), []string{"SYN：客户端请求与服务器建立连接（三次握手的第一次握手）。"}, nil)
}
