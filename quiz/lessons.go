package quiz

import (
	"slices"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// The lessons' questions, by lesson name (demo's lesson table names the
// lessons and their scenarios), each list in the order the recording asks
// them. A question's Where names its scenario; Bind gives it the port.

const (
	cl = fsm.Client
	sv = fsm.Server
)

var (
	afterClientFIN = &After{From: cl, Has: fsm.FIN}
	afterServerFIN = &After{From: sv, Has: fsm.FIN}

	hsSynAck = Spec{At: Where{Scenario: "client-close", From: sv, Has: fsm.SYN | fsm.ACK}, Kind: AckLabel,
		Ask: i18n.KeyLqHs2, Explain: i18n.KeyLqHs2Why, Labels: []string{"x", "x+1", "y", "y+1"}}
	hsAck = Spec{At: Where{Scenario: "client-close", From: cl, Has: fsm.ACK, Not: fsm.SYN | fsm.FIN | fsm.RST, NoData: true}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqHs3, Explain: i18n.KeyLqHs3Why,
		States: []fsm.State{fsm.Listen, fsm.SynRecv, fsm.Established, fsm.CloseWait}}
	hsData = Spec{At: Where{Scenario: "client-close", From: sv, NoData: true, Not: fsm.SYN | fsm.FIN | fsm.RST}, Kind: AckLabel,
		Ask: i18n.KeyLqLs4, Explain: i18n.KeyLqLs4Why, Labels: []string{"x+1", "x+6", "x+7", "y+1"}}
	hsFin = Spec{At: Where{Scenario: "client-close", From: cl, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqHs4, Explain: i18n.KeyLqHs4Why,
		States: []fsm.State{fsm.Established, fsm.FinWait1, fsm.CloseWait, fsm.Closed}}
	hsFin2 = Spec{At: Where{Scenario: "client-close", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqHs5, Explain: i18n.KeyLqHs5Why,
		States: []fsm.State{fsm.FinWait2, fsm.CloseWait, fsm.Closed, fsm.TimeWait}}

	tdAck = Spec{At: Where{Scenario: "teardown", From: sv, After: afterClientFIN}, Kind: Result,
		Ask: i18n.KeyLqTd1, Explain: i18n.KeyLqTd1Why, Judge: AfterFin,
		Outs: []Outcome{{"ack", i18n.KeyLqOutAckOnly}, {"finack", i18n.KeyLqOutFinAck}, {"rst", i18n.KeyLqOutRst}}}
	tdFin = Spec{At: Where{Scenario: "teardown", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqTd2, Explain: i18n.KeyLqTd2Why,
		States: []fsm.State{fsm.FinWait1, fsm.FinWait2, fsm.Closed, fsm.TimeWait}}
	tdLast = Spec{At: Where{Scenario: "teardown", From: cl, After: afterServerFIN}, Kind: AckLabel,
		Ask: i18n.KeyLqTd3, Explain: i18n.KeyLqTd3Why, Labels: []string{"u", "u+1", "v", "v+1"}}
	scFin = Spec{At: Where{Scenario: "server-close", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqTd4, Explain: i18n.KeyLqTd4Why,
		States: []fsm.State{fsm.Established, fsm.FinWait1, fsm.CloseWait, fsm.LastAck}}
	scFin2 = Spec{At: Where{Scenario: "server-close", From: cl, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqTd5, Explain: i18n.KeyLqTd5Why,
		States: []fsm.State{fsm.FinWait2, fsm.Closing, fsm.Closed, fsm.TimeWait}}

	twFin = Spec{At: Where{Scenario: "reuseaddr", From: cl, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqTw1, Explain: i18n.KeyLqTw1Why,
		States: []fsm.State{fsm.FinWait2, fsm.Closed, fsm.LastAck, fsm.TimeWait}}
	twBind = Spec{At: Where{Scenario: "reuseaddr", Conn: 2, From: cl, Has: fsm.SYN}, Kind: Result,
		Ask: i18n.KeyLqTw2, Explain: i18n.KeyLqTw2Why, Judge: BindNoReuse,
		Outs: []Outcome{{"eaddrinuse", i18n.KeyLqOutBindFail}, {"ok", i18n.KeyLqOutBindOK}, {"wait", i18n.KeyLqOutBindWait}, {"kill", i18n.KeyLqOutBindKill}}}
	twReuse = Spec{At: Where{Scenario: "reuseaddr", Conn: 2, From: sv}, Kind: Result,
		Ask: i18n.KeyLqTw3, Explain: i18n.KeyLqTw3Why, Judge: SynFate,
		Outs: []Outcome{{"accepted", i18n.KeyLqOutAccepted}, {"refused", i18n.KeyLqOutRefused}, {"dropped", i18n.KeyLqOutDropped}}}
	twPort = Spec{At: Where{Scenario: "port-reuse", Conn: 2, From: cl, Has: fsm.SYN}, Kind: Result,
		Ask: i18n.KeyLqTw4, Explain: i18n.KeyLqTw4Why, Judge: ClientPort,
		Outs: []Outcome{{"same", i18n.KeyLqOutSamePort}, {"new", i18n.KeyLqOutNewPort}, {"none", i18n.KeyLqOutNoConnect}}}

	hcFin = Spec{At: Where{Scenario: "half-close", From: cl, Has: fsm.FIN}, Kind: Result,
		Ask: i18n.KeyLqHc1, Explain: i18n.KeyLqHc1Why, Judge: RecvResult,
		Outs: []Outcome{{"zero", i18n.KeyLqOutRecvZero}, {"reset", i18n.KeyLqOutRecvReset}, {"block", i18n.KeyLqOutRecvBlock}, {"data", i18n.KeyLqOutRecvData}}}
	hcAck = Spec{At: Where{Scenario: "half-close", From: sv, After: afterClientFIN}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqHc2, Explain: i18n.KeyLqHc2Why,
		States: []fsm.State{fsm.FinWait1, fsm.FinWait2, fsm.CloseWait, fsm.TimeWait}}
	hcSend = Spec{At: Where{Scenario: "half-close", From: sv, Data: true, After: afterClientFIN}, Kind: Result,
		Ask: i18n.KeyLqHc3, Explain: i18n.KeyLqHc3Why, Judge: ServerSends,
		Outs: []Outcome{{"yes", i18n.KeyLqOutHalfYes}, {"epipe", i18n.KeyLqOutHalfPipe}, {"rst", i18n.KeyLqOutHalfRst}, {"drop", i18n.KeyLqOutHalfDrop}}}
	hcClose = Spec{At: Where{Scenario: "half-close", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqHc4, Explain: i18n.KeyLqHc4Why,
		States: []fsm.State{fsm.FinWait1, fsm.CloseWait, fsm.Closed, fsm.LastAck}}

	rsRefused = Spec{At: Where{Scenario: "refused", From: sv}, Kind: Result,
		Ask: i18n.KeyLqRs1, Explain: i18n.KeyLqRs1Why, Judge: SynFate,
		Outs: []Outcome{{"accepted", i18n.KeyLqOutConnected}, {"refused", i18n.KeyLqOutConnRefuse}, {"dropped", i18n.KeyLqOutConnWait}, {"inuse", i18n.KeyLqOutConnInUse}}}
	rsAbort = Spec{At: Where{Scenario: "abort", From: cl, AnyOf: fsm.FIN | fsm.RST}, Kind: Result,
		Ask: i18n.KeyLqRs2, Explain: i18n.KeyLqRs2Why, Judge: RecvResult,
		Outs: []Outcome{{"zero", i18n.KeyLqOutRecvZero}, {"reset", i18n.KeyLqOutRecvReset}, {"block", i18n.KeyLqOutRecvBlock}}}
	rsUnread = Spec{At: Where{Scenario: "unread-rst", From: cl, AnyOf: fsm.FIN | fsm.RST}, Kind: Result,
		Ask: i18n.KeyLqRs3, Explain: i18n.KeyLqRs3Why, Judge: CloseSends,
		Outs: []Outcome{{"fin", i18n.KeyLqOutFin}, {"rst", i18n.KeyLqOutRstLost}, {"nothing", i18n.KeyLqOutNothing}}}

	blSecond = Spec{At: Where{Scenario: "backlog", Conn: 2, From: sv, Has: fsm.SYN | fsm.ACK}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqBl1, Explain: i18n.KeyLqBl1Why,
		States: []fsm.State{fsm.SynSent, fsm.SynRecv, fsm.Established, fsm.Closed}}
	blQueue = Spec{At: Where{Scenario: "backlog", Conn: 3, From: cl, Has: fsm.SYN}, Kind: Result,
		Ask: i18n.KeyLqBl2, Explain: i18n.KeyLqBl2Why, Judge: QueueLen,
		Outs: []Outcome{{"0", i18n.KeyLqOutZero}, {"1", i18n.KeyLqOutOne}, {"2", i18n.KeyLqOutTwo}, {"5", i18n.KeyLqOutFive}}}
	blDrop = Spec{At: Where{Scenario: "backlog", Conn: 3, AnyFrom: true, Nth: 2}, Kind: Result,
		Ask: i18n.KeyLqBl3, Explain: i18n.KeyLqBl3Why, Judge: SynFate,
		Outs: []Outcome{{"refused", i18n.KeyLqOutRefused}, {"dropped", i18n.KeyLqOutDropped}, {"accepted", i18n.KeyLqOutAccepted}}}
	blLater = Spec{At: Where{Scenario: "backlog", Conn: 3, From: sv}, Kind: Result,
		Ask: i18n.KeyLqBl4, Explain: i18n.KeyLqBl4Why, Judge: SynFate,
		Outs: []Outcome{{"accepted", i18n.KeyLqOutNoLimit}, {"refused", i18n.KeyLqOutLimit}, {"dropped", i18n.KeyLqOutLimitDrop}}}

	ccListen = Spec{At: Where{Scenario: "concurrent", Conn: 2, From: cl, Has: fsm.SYN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqCc1, Explain: i18n.KeyLqCc1Why,
		States: []fsm.State{fsm.Listen, fsm.SynRecv, fsm.Established, fsm.Closed}}
	ccPort = Spec{At: Where{Scenario: "concurrent", Conn: 2, From: sv, Has: fsm.SYN | fsm.ACK}, Kind: Result,
		Ask: i18n.KeyLqCc2, Explain: i18n.KeyLqCc2Why, Judge: AcceptPort,
		Outs: []Outcome{{"same", i18n.KeyLqOutListenPort}, {"random", i18n.KeyLqOutRandomPort}, {"client", i18n.KeyLqOutClientPort}}}
	ccTuple = Spec{At: Where{Scenario: "concurrent", Conn: 5, From: cl, Has: fsm.SYN}, Kind: Result,
		Ask: i18n.KeyLqCc3, Explain: i18n.KeyLqCc3Why, Judge: FourTuple,
		Outs: []Outcome{{"reuse", i18n.KeyLqOutReuse}, {"tuple", i18n.KeyLqOutTuple}, {"port", i18n.KeyLqOutPortEach}, {"backlog", i18n.KeyLqOutBacklog}}}
	pcNoFin = Spec{At: Where{Scenario: "parent-copy", From: sv, After: afterClientFIN}, Kind: Result,
		Ask: i18n.KeyLqCc4, Explain: i18n.KeyLqCc4Why, Judge: AfterFin,
		Outs: []Outcome{{"ack", i18n.KeyLqOutAckOnly}, {"finack", i18n.KeyLqOutFinAck}, {"rst", i18n.KeyLqOutRst}}}
	pcFin = Spec{At: Where{Scenario: "parent-copy", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqCc5, Explain: i18n.KeyLqCc5Why,
		States: []fsm.State{fsm.FinWait1, fsm.CloseWait, fsm.Closed, fsm.LastAck}}

	lsPort = Spec{At: Where{Scenario: "short-connections", Conn: 2, From: cl, Has: fsm.SYN}, Kind: Result,
		Ask: i18n.KeyLqLs1, Explain: i18n.KeyLqLs1Why, Judge: ClientPort,
		Outs: []Outcome{{"same", i18n.KeyLqOutSamePort}, {"new", i18n.KeyLqOutNewPort}, {"none", i18n.KeyLqOutNoConnect}}}
	lsTimeWait = Spec{At: Where{Scenario: "short-connections", Conn: 5, From: cl, After: afterServerFIN}, Kind: Result,
		Ask: i18n.KeyLqLs2, Explain: i18n.KeyLqLs2Why, Judge: TimeWaitCount,
		Outs: []Outcome{{"0", i18n.KeyLqOutZero}, {"1", i18n.KeyLqOutOne}, {"2", i18n.KeyLqOutTwo}, {"5", i18n.KeyLqOutFive}}}
	lsAck = Spec{At: Where{Scenario: "long-connection", From: sv, NoData: true, Not: fsm.SYN | fsm.FIN | fsm.RST, Nth: 1}, Kind: AckLabel,
		Ask: i18n.KeyLqLs4, Explain: i18n.KeyLqLs4Why, Labels: []string{"x+1", "x+7", "x+8", "y+1"}}
	lsOne = Spec{At: Where{Scenario: "long-connection", From: cl, Data: true, Nth: 2}, Kind: Result,
		Ask: i18n.KeyLqLs3, Explain: i18n.KeyLqLs3Why, Judge: Handshakes,
		Outs: []Outcome{{"1", i18n.KeyLqOutOne}, {"2", i18n.KeyLqOutTwo}, {"line", i18n.KeyLqOutOnePerLine}}}

	smCross = Spec{At: Where{Scenario: "simultaneous-open", From: sv, Has: fsm.SYN, Not: fsm.ACK}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqSm1, Explain: i18n.KeyLqSm1Why,
		States: []fsm.State{fsm.Listen, fsm.SynSent, fsm.SynRecv, fsm.Established}}
	smAck = Spec{At: Where{Scenario: "simultaneous-open", From: cl, Has: fsm.SYN | fsm.ACK}, Kind: AckLabel,
		Ask: i18n.KeyLqSm2, Explain: i18n.KeyLqSm2Why, Labels: []string{"x", "x+1", "y", "y+1"}}
	smFins = Spec{At: Where{Scenario: "simultaneous-close", From: sv, Has: fsm.FIN}, Kind: StateAfter, Who: cl,
		Ask: i18n.KeyLqSm3, Explain: i18n.KeyLqSm3Why,
		States: []fsm.State{fsm.FinWait2, fsm.CloseWait, fsm.Closing, fsm.TimeWait}}
	smLast = Spec{At: Where{Scenario: "simultaneous-close", From: cl, Not: fsm.FIN | fsm.SYN | fsm.RST, After: afterServerFIN}, Kind: StateAfter, Who: sv,
		Ask: i18n.KeyLqSm4, Explain: i18n.KeyLqSm4Why,
		States: []fsm.State{fsm.Closed, fsm.Closing, fsm.LastAck, fsm.TimeWait}}
)

var lessonSpecs = map[string][]Spec{
	"handshake":    {hsSynAck, hsAck, hsData, hsFin, hsFin2},
	"teardown":     {tdAck, tdFin, tdLast, scFin, scFin2},
	"time-wait":    {twFin, twBind, twReuse, twPort},
	"half-close":   {hcFin, hcAck, hcSend, hcClose},
	"reset":        {rsRefused, rsAbort, rsUnreadData, rsUnread},
	"backlog":      {blSecond, blQueue, blDrop, blLater},
	"concurrency":  {ccListen, ccPort, ccTuple, pcNoFin, pcFin},
	"long-short":   {lsPort, lsTimeWait, lsAck, lsOne},
	"simultaneous": {smCross, smAck, smFins, smLast},

	// The notes' server chapter.
	"listen-queue":   {blSecond, blQueue, blDrop, blLater, ccListen},
	"accept":         {ccListen, ccPort, ccTuple, hsSynAck, hsAck},
	"process-thread": {ccTuple, pcNoFin, pcFin, hcFin},
	"so-reuseaddr":   {twFin, twBind, twReuse, ccTuple},
}

var rsUnreadData = Spec{At: Where{Scenario: "unread-rst", From: sv, Data: true}, Kind: StateAfter, Who: cl,
	Ask: i18n.KeyLqRs4, Explain: i18n.KeyLqRs4Why,
	States: []fsm.State{fsm.Established, fsm.FinWait1, fsm.CloseWait, fsm.Closed}}

// Lesson returns the questions of the lesson called name, unbound (see
// Bind), or nil.
func Lesson(name string) []Spec { return slices.Clone(lessonSpecs[name]) }
