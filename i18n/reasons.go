package i18n

import "github.com/synfin/synfin/fsm"

// ReasonArgs lists the parameters the reason sentences may use. The
// explanation pane fills them for the selected step:
//
//	who, peer        the endpoint concerned and the other one (localized role)
//	sender, receiver the segment's sender and receiver (localized role)
//	seq, ack, len    the segment's relative seq, ack and payload length
//	rawseq, rawack   the same, as in the header
//	x, x1            the client's ISN and x+1 (raw)
//	y, y1            the server's ISN and y+1 (raw)
//	xy, isn, isn1    {who}'s own ISN: its letter ("x" for the client, "y"
//	                 for the server), its value and value+1
//	pxy, pisn, pisn1 the same for {peer}
//	flags            the segment's flags, e.g. "SYN,ACK"
//	n, by            for a revision: the packet of the first withdrawn
//	                 transition (Revision.Packet) and the packet that
//	                 corrected it (Revision.CorrectedBy)
func ReasonArgs() []string {
	return []string{"who", "peer", "sender", "receiver", "seq", "ack", "len", "rawseq", "rawack", "x", "x1", "y", "y1",
		"xy", "isn", "isn1", "pxy", "pisn", "pisn1", "flags", "n", "by"}
}

// reasons explains every fsm.Reason. The vocabulary follows the course
// notes: 三次握手, 四次挥手, 主动关闭方, 被动关闭方, 确认包.
var reasons = map[fsm.Reason]msg{
	"syn-sent": {
		"{who} sent SYN with seq={xy}={isn}: it asks to open a connection (first step of the three-way handshake, connect()) and waits in SYN_SENT for the answer.",
		"{who}发送SYN，序号seq={xy}={isn}：请求建立连接（三次握手的第一次握手，connect()），进入SYN_SENT（请求连接）状态等待回应。",
	},
	"listen-assumed": {
		"a SYN arrived for the {who}. If the {who} has called socket(), bind() and listen() on this port, it is in LISTEN and answers with SYN+ACK; if not, its kernel answers with RST and the connection is refused. The next segment tells which.",
		"{who}收到了SYN。如果{who}已在这个端口上调用了socket()、bind()、listen()，它就处于LISTEN（监听）状态，会回复SYN+ACK；如果没有，内核会回复RST，连接被拒绝。下一个报文段会说明是哪一种情况。",
	},
	"synack-sent": {
		"{who} answered with SYN+ACK: its own SYN with seq={xy}={isn}, and ack={pxy}+1={pisn1} acknowledging {peer}'s SYN (second step of the handshake); it waits in SYN_RECV for the last ACK.",
		"{who}回复SYN+ACK：自己的SYN序号seq={xy}={isn}，确认号ack={pxy}+1={pisn1}，用来确认{peer}的SYN（第二次握手），进入SYN_RECV状态等待最后的确认包。",
	},
	"synack-received": {
		"{who} received SYN+ACK with ack={xy}+1={isn1}, one past its SYN's seq {xy}: the SYN is acknowledged, so it is ESTABLISHED and replies ACK with ack={pxy}+1={pisn1} (third step of the handshake).",
		"{who}收到SYN+ACK，ack={xy}+1={isn1}，正好是自己SYN的序号{xy}加1：SYN已被确认，连接建立（ESTABLISHED），并回复确认包ack={pxy}+1={pisn1}（第三次握手）。",
	},
	"handshake-ack": {
		"{who} received the acknowledgment of its SYN, ack={xy}+1={isn1}, one past its SYN's seq {xy}: the three-way handshake is complete and the connection is ESTABLISHED.",
		"{who}收到对自己SYN的确认，ack={xy}+1={isn1}，正好是自己SYN的序号{xy}加1：三次握手完成，连接建立（ESTABLISHED）。",
	},
	"simultaneous-open": {
		"the SYNs crossed: {who} sent a SYN and received the peer's SYN before any SYN+ACK (simultaneous open), so it goes to SYN_RECV.",
		"双方的SYN交叉：{who}发出SYN后，在收到SYN+ACK之前先收到了对方的SYN（同时打开），进入SYN_RECV。",
	},
	"joined-late": {
		"the capture began in the middle of this connection: the handshake was not seen, so {who} is assumed ESTABLISHED and the roles were guessed from the ports.",
		"抓包开始时连接已经存在：没有看到三次握手，假定{who}处于ESTABLISHED，客户端和服务器的角色根据端口推测。",
	},
	"joined-at-synack": {
		"the capture began at the SYN+ACK: the client's SYN was not seen, so x is taken from the SYN+ACK's ack (x+1={x1}).",
		"抓包从SYN+ACK开始：没有看到客户端的SYN，x由SYN+ACK的确认号推出（x+1={x1}）。",
	},
	"synack-without-syn": {
		"{sender} sent a SYN+ACK although no SYN from {receiver} was seen: {who}'s state is inferred from this segment alone.",
		"{sender}发送了SYN+ACK，但没有看到{receiver}的SYN：{who}的状态只能由这个报文段推断。",
	},
	"synack-not-seen": {
		"this ACK acknowledges a SYN+ACK the capture did not see (perhaps only one direction was captured): {who}'s state is inferred from it.",
		"这个确认包确认了一个没有抓到的SYN+ACK（可能只抓到了一个方向）：{who}的状态由它推断。",
	},
	"handshake-ack-dropped": {
		"{sender} sent the SYN+ACK again after the client's ACK: it dropped that ACK (its accept queue was full, see listen()'s backlog), so {who} is back in SYN_RECV.",
		"{sender}在客户端的确认包之后又重传了SYN+ACK：说明它丢弃了那个确认包（全连接队列已满，见listen()的backlog参数），所以{who}回到SYN_RECV。",
	},

	"active-close": {
		"{who} sent FIN: it called close() or shutdown(SHUT_WR) first, so it is the active closer; it waits in FIN_WAIT_1 for the ACK of its FIN (first step of the four-way teardown).",
		"{who}发送FIN：它先调用了close()或shutdown(SHUT_WR)，是主动关闭方，进入FIN_WAIT_1等待对方确认（四次挥手的第一次挥手）。",
	},
	"fin-received": {
		"{who} received the FIN: the peer will send no more data (recv() returns 0 bytes). As the passive closer, {who} acknowledges the FIN and stays in CLOSE_WAIT until it calls close() itself.",
		"{who}收到FIN：对方不再发送数据（recv()返回0字节）。{who}是被动关闭方：回复确认包，进入CLOSE_WAIT，直到自己调用close()。",
	},
	"passive-close": {
		"{who} sent its own FIN from CLOSE_WAIT (third step of the teardown): it waits in LAST_ACK for the last ACK.",
		"{who}在CLOSE_WAIT中发送自己的FIN（第三次挥手），进入LAST_ACK等待最后的确认包。",
	},
	"fin-acked": {
		"{peer} acknowledged {who}'s FIN (ack={ack}, one past the FIN; second step of the teardown): {who} waits in FIN_WAIT_2 for {peer}'s FIN.",
		"{peer}确认了{who}的FIN（ack={ack}，即FIN的序号加1，第二次挥手）：{who}进入FIN_WAIT_2，等待{peer}的FIN。",
	},
	"fin-in-fin-wait-2": {
		"{who} received {peer}'s FIN in FIN_WAIT_2 and acknowledges it (fourth step of the teardown): it waits in TIME_WAIT, so that a lost last ACK can be sent again and old duplicates of this 4-tuple die out (RFC 9293 §3.4, RFC 1337): on Linux a fixed 60 s (TCP_TIMEWAIT_LEN).",
		"{who}在FIN_WAIT_2中收到{peer}的FIN并回复确认包（第四次挥手），进入TIME_WAIT：最后的确认包丢失时可以重发，这个四元组的旧报文段也能在网络中消失（RFC 9293 §3.4，RFC 1337）；Linux上固定为60秒（TCP_TIMEWAIT_LEN）。",
	},
	"simultaneous-close": {
		"{who} received {peer}'s FIN while its own FIN was not yet acknowledged: both sides closed at once (simultaneous close), so it goes to CLOSING.",
		"{who}自己的FIN尚未被确认时就收到了{peer}的FIN：双方同时关闭，进入CLOSING。",
	},
	"fin-and-ack": {
		"{peer}'s FIN also acknowledged {who}'s FIN (ack={ack}): {who} skips FIN_WAIT_2 and goes straight to TIME_WAIT; this teardown takes three segments instead of four. TIME_WAIT lets a lost last ACK be sent again and old duplicates of this 4-tuple die out (RFC 9293 §3.4, RFC 1337): on Linux a fixed 60 s (TCP_TIMEWAIT_LEN).",
		"{peer}的FIN同时确认了{who}的FIN（ack={ack}）：{who}跳过FIN_WAIT_2，直接进入TIME_WAIT；这次挥手只用了三个报文段。TIME_WAIT让丢失的最后确认包可以重发，也让这个四元组的旧报文段在网络中消失（RFC 9293 §3.4，RFC 1337）；Linux上固定为60秒（TCP_TIMEWAIT_LEN）。",
	},
	"closing-acked": {
		"{who}'s FIN was acknowledged in CLOSING (ack={ack}): it goes to TIME_WAIT, which lets a lost last ACK be sent again and old duplicates of this 4-tuple die out (RFC 9293 §3.4, RFC 1337); a fixed 60 s on Linux (TCP_TIMEWAIT_LEN).",
		"{who}在CLOSING中收到对自己FIN的确认（ack={ack}）：进入TIME_WAIT，让丢失的最后确认包可以重发，也让这个四元组的旧报文段在网络中消失（RFC 9293 §3.4，RFC 1337）；Linux上固定为60秒（TCP_TIMEWAIT_LEN）。",
	},
	"last-ack": {
		"the last ACK acknowledged {who}'s FIN (ack={ack}): {who} is CLOSED at once; the passive closer does not wait in TIME_WAIT.",
		"最后的确认包确认了{who}的FIN（ack={ack}）：{who}立即进入CLOSED；被动关闭方不需要TIME_WAIT。",
	},
	"fin-crossed": {
		"{who}'s FIN does not acknowledge {peer}'s FIN (ack={ack}): {who} sent it before {peer}'s FIN arrived. So {who} was still ESTABLISHED and its close() took it to FIN_WAIT_1, not to CLOSE_WAIT as it first looked: the two FINs crossed.",
		"{who}的FIN没有确认{peer}的FIN（ack={ack}）：这个FIN是{who}在{peer}的FIN到达之前发出的。所以{who}当时仍是ESTABLISHED，调用close()后进入FIN_WAIT_1，而不是先前看起来的CLOSE_WAIT：两个FIN交叉而过。",
	},
	"not-listening": {
		"{who} sends a SYN of its own: it was not a listening server (as first assumed) but a socket calling connect() too, from CLOSED. Both ends open at once.",
		"{who}也发送了自己的SYN：它并不是先前假定的监听服务器，而是一个同样调用connect()的套接字（从CLOSED开始）。双方同时打开连接。",
	},
	"fin-ack-lost": {
		"{who} sent its FIN again although an ACK of it was seen: that ACK never reached {who}, which is still waiting for it; the peer's TIME_WAIT exists to answer exactly this.",
		"{who}重传了FIN，尽管抓到过对它的确认包：那个确认包没有到达{who}，它仍在等待确认；对方的TIME_WAIT正是为了应答这种重传。",
	},
	"time-wait-expired": {
		"TIME_WAIT is over (2MSL in RFC 9293, a fixed 60 s on Linux): {who} is CLOSED and its 4-tuple (addresses and ports) can be used again.",
		"TIME_WAIT结束（RFC 9293中为2MSL，Linux上固定为60秒）：{who}进入CLOSED，这组地址和端口（四元组）可以再次使用。",
	},

	"time-wait-reused": {
		"a new SYN on the same 4-tuple (addresses and ports) ended {who}'s TIME_WAIT early: the old connection is CLOSED and a new one begins.",
		"同一四元组（地址和端口）上的新SYN提前结束了{who}的TIME_WAIT：旧连接进入CLOSED，新连接开始。",
	},

	"rst-sent": {
		"{who} sent RST: it ends the connection at once, without the FIN exchange, and is CLOSED.",
		"{who}发送RST：不经过四次挥手，立即终止连接，进入CLOSED。",
	},
	"refused": {
		"{who} is CLOSED. The RST answers a SYN: no socket listens on that port (the LISTEN assumed for the server was wrong), so the client's connect() fails (in C it returns -1 and sets errno to ECONNREFUSED; in Python it raises ConnectionRefusedError), and there never was a connection: no handshake, no teardown, no TIME_WAIT.",
		"{who}处于CLOSED。RST回应的是SYN：该端口上没有套接字在监听（先前假定服务器处于LISTEN是错的），所以客户端的connect()失败（C语言中返回-1并把errno设为ECONNREFUSED；Python中抛出ConnectionRefusedError），从来没有建立过连接：没有握手，没有挥手，也没有TIME_WAIT。",
	},
	"aborted": {
		"{who} received an RST: the connection is aborted and {who} is CLOSED at once. If {who}'s program still holds the socket (it has not called close()), its next recv() or send() fails (in C it returns -1 and sets errno to ECONNRESET; in Python it raises ConnectionResetError). After close(), in LAST_ACK or CLOSING, no program is left to tell: the connection just closes (RFC 9293 §3.10.7.4).",
		"{who}收到RST，连接被异常终止，{who}立即进入CLOSED。如果{who}的程序还持有这个套接字（还没有调用close()），它之后调用recv()或send()会失败（C语言中返回-1并把errno设为ECONNRESET；Python中抛出ConnectionResetError）。如果程序已经调用了close()（LAST_ACK或CLOSING），就没有程序会收到这个错误：连接直接关闭（RFC 9293 §3.10.7.4）。",
	},
	"rst-in-syn-recv": {
		"RST in SYN_RECV: {who}'s half-open connection is dropped before the handshake completed.",
		"SYN_RECV中收到RST：{who}尚未完成三次握手的半连接被丢弃。",
	},

	"syn-retransmission": {
		"the SYN was sent again: no SYN+ACK came back in time (the server is slow, its listen backlog is full, or a packet was lost).",
		"SYN被重传：没有及时收到SYN+ACK，可能是服务器太慢、listen()的连接队列（backlog）已满，或报文丢失。",
	},
	"synack-retransmission": {
		"the SYN+ACK was sent again: the client's ACK did not arrive in time, or its SYN came again.",
		"SYN+ACK被重传：没有及时收到客户端的确认包，或又收到了客户端重传的SYN。",
	},
	"fin-retransmission": {
		"the FIN was sent again: its ACK did not arrive in time.",
		"FIN被重传：没有及时收到对它的确认包。",
	},
	"retransmission": {
		"these bytes (seq={seq}) were sent before: a retransmission, because the first copy or its ACK was lost or late.",
		"这些字节（seq={seq}）之前已发送过：这是重传，第一次发送的数据或它的确认包丢失或迟到了。",
	},
	"keep-alive": {
		"keep-alive probe: {sender} checks that the idle peer is still there.",
		"保活探测：{sender}检查空闲的对方是否仍然存在。",
	},
	"bad-synack-ack": {
		"wrong ack: the SYN+ACK's ack is {rawack}, not x+1={x1}, so it does not acknowledge the client's SYN.",
		"确认号错误：SYN+ACK的ack是{rawack}，不是x+1={x1}，没有确认客户端的SYN。",
	},
	"bad-handshake-ack": {
		"wrong ack: the third segment's ack is {rawack}, not y+1={y1}, so it does not acknowledge the server's SYN.",
		"确认号错误：第三个报文段的ack是{rawack}，不是y+1={y1}，没有确认服务器的SYN。",
	},
	"syn-data": {
		"the SYN carries {len} bytes of data: TCP Fast Open (RFC 7413).",
		"SYN携带了{len}字节的数据：TCP快速打开（TFO，RFC 7413）。",
	},
	"syn-data-acked": {
		"the SYN+ACK acknowledged the SYN's data too: the Fast Open data was accepted.",
		"SYN+ACK同时确认了SYN携带的数据：快速打开的数据被接受。",
	},
	"syn-data-not-acked": {
		"the SYN+ACK acknowledged only the SYN, not its data: the client must send the data again.",
		"SYN+ACK只确认了SYN，没有确认其中的数据：客户端必须重新发送这些数据。",
	},
	"half-close-data": {
		"half-close: data still flows from the side in CLOSE_WAIT to the side in FIN_WAIT_2; one direction is closed (shutdown(SHUT_WR)), the other is still open.",
		"半关闭：数据仍从CLOSE_WAIT一方流向FIN_WAIT_2一方；一个方向已关闭（shutdown(SHUT_WR)），另一个方向仍然打开。",
	},
	"data-after-fin": {
		"{sender} sends data beyond the FIN it already sent: nothing may follow a FIN.",
		"{sender}在已发送的FIN之后又发送数据：FIN之后不应再有数据。",
	},
	"rst-challenge-ack": {
		"the RST's seq={rawseq} is inside the receive window but not exactly the next expected number: {receiver} does not reset, it answers with a challenge ACK and carries on (RFC 5961 §3.2, as Linux does).",
		"RST的序号seq={rawseq}在接收窗口内，但不是正好期望的下一个序号：{receiver}不复位连接，而是回复一个挑战ACK（challenge ACK）并继续（RFC 5961 §3.2，Linux正是这样实现的）。",
	},
	"rst-out-of-window": {
		"the RST's seq={rawseq} is outside the receive window, so it is ignored (RFC 9293 §3.10.7: protection against blind resets).",
		"RST的序号seq={rawseq}不在接收窗口内，因此被忽略（RFC 9293 §3.10.7，防止盲复位攻击）。",
	},
	"rst-after-close": {
		"an RST for a connection that is already closed.",
		"针对已经关闭的连接的RST。",
	},
	"after-closed": {
		"a segment on a connection both ends had already closed.",
		"双方都已关闭的连接上又出现了报文段。",
	},
	"port-reuse": {
		"a new SYN on the 4-tuple (addresses and ports) of a connection in TIME_WAIT or CLOSED: a new connection begins; the old one stays in the history.",
		"处于TIME_WAIT或CLOSED的连接，其四元组上又出现了新的SYN：开始一个新连接，旧连接保留在历史中。",
	},
	"one-direction": {
		"nothing {who} sent was captured (one direction only). {peer}'s states are certain; {who}'s are inferred from what {peer} acknowledged: its SYN+ACK is implied by {peer}'s first ACK, but whether {who} sent a FIN (LAST_ACK, then CLOSED) cannot be seen, so {who} stays where the last evidence put it.",
		"没有抓到{who}发出的任何报文（只抓到一个方向）。{peer}的状态是确定的；{who}的状态只能由{peer}的确认推断：{peer}的第一个确认包说明{who}发过SYN+ACK，但{who}是否发送了FIN（进入LAST_ACK再到CLOSED）无法看到，所以{who}停留在最后的证据所指的状态。",
	},
	"seq-wrap": {
		"the sequence number wrapped past 2^32 and started again from 0: sequence arithmetic is modulo 2^32.",
		"序号超过2^32后回绕到0：序号的运算是模2^32的。",
	},
	"zero-window": {
		"{sender} advertises a receive window of 0: its buffer is full, the peer must wait before sending more.",
		"{sender}通告接收窗口为0：它的缓冲区已满，对方必须等待后再发送。",
	},
	"unacceptable-ack": {
		"this ACK acknowledges data that was never sent (ack={rawack}): the receiver drops it and answers with an ACK.",
		"这个确认包确认了从未发送过的数据（ack={rawack}）：接收方丢弃它并回复一个确认包。",
	},
	"unexpected-syn": {
		"a SYN on an open connection: the receiver should answer with a challenge ACK (RFC 5961 §4).",
		"已建立的连接上出现SYN：接收方应回复挑战ACK（challenge ACK，RFC 5961 §4）。",
	},
	"unexpected-flags": {
		"a segment ({flags}) that the rules do not expect in this state.",
		"按协议规则，此状态下不应出现的报文段（{flags}）。",
	},
	"data-before-established": {
		"{sender} sent data before the three-way handshake completed.",
		"{sender}在三次握手完成之前就发送了数据。",
	},
	"out-of-order": {
		"this segment arrived after segments {sender} sent later: the network (or the capture) reordered them; the receiver puts the bytes back in order by their seq.",
		"这个报文段比{sender}后发出的报文段还晚到达：网络（或抓包）打乱了顺序；接收方按seq重新排好数据。",
	},
	"rst-in-time-wait": {
		"an RST ended TIME_WAIT early (TIME_WAIT assassination, RFC 1337).",
		"RST提前结束了TIME_WAIT（TIME_WAIT暗杀，RFC 1337）。",
	},
}

// noteTags are the short forms of the notes, for the ladder's arrows.
var noteTags = map[fsm.Reason]msg{
	"syn-retransmission":      {"retx", "重传"},
	"synack-retransmission":   {"retx", "重传"},
	"fin-retransmission":      {"retx", "重传"},
	"retransmission":          {"retx", "重传"},
	"keep-alive":              {"keep-alive", "保活"},
	"bad-synack-ack":          {"bad ack", "ack错误"},
	"bad-handshake-ack":       {"bad ack", "ack错误"},
	"syn-data":                {"TFO", "TFO"},
	"syn-data-acked":          {"TFO ok", "TFO已确认"},
	"syn-data-not-acked":      {"TFO resend", "TFO需重发"},
	"half-close-data":         {"half-close", "半关闭"},
	"data-after-fin":          {"after FIN", "FIN后数据"},
	"rst-out-of-window":       {"ignored", "已忽略"},
	"rst-challenge-ack":       {"challenge ACK", "挑战ACK"},
	"rst-after-close":         {"late RST", "迟到的RST"},
	"after-closed":            {"after close", "关闭后"},
	"port-reuse":              {"port reuse", "四元组重用"},
	"joined-late":             {"joined late", "中途加入"},
	"one-direction":           {"one way", "单向"},
	"seq-wrap":                {"seq wrap", "序号回绕"},
	"zero-window":             {"win 0", "零窗口"},
	"unacceptable-ack":        {"bad ack", "ack错误"},
	"unexpected-syn":          {"odd SYN", "异常SYN"},
	"unexpected-flags":        {"odd flags", "异常标志"},
	"data-before-established": {"early data", "提前数据"},
	"rst-in-time-wait":        {"RST in TIME_WAIT", "TIME_WAIT中RST"},
	"out-of-order":            {"out of order", "乱序"},
}

// stateGloss describes each state, indexed by fsm.State.
var stateGloss = []msg{
	fsm.Unknown:     {"not seen yet", "未知"},
	fsm.Closed:      {"no connection", "关闭"},
	fsm.Listen:      {"waiting for a SYN", "监听"},
	fsm.SynSent:     {"waiting for SYN+ACK", "请求连接"},
	fsm.SynRecv:     {"waiting for the last ACK", "收到连接请求"},
	fsm.Established: {"open, data flows", "连接已建立"},
	fsm.FinWait1:    {"FIN sent, waiting for its ACK", "等待FIN的确认"},
	fsm.FinWait2:    {"waiting for the peer's FIN", "等待对方的FIN"},
	fsm.CloseWait:   {"peer closed, waiting for our close()", "等待本方close()"},
	fsm.Closing:     {"FINs crossed, waiting for the ACK", "双方同时关闭"},
	fsm.LastAck:     {"waiting for the last ACK", "等待最后的确认包"},
	fsm.TimeWait:    {"waiting 2MSL", "等待2MSL"},
}
