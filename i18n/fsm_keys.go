package i18n

import "github.com/synfin/synfin/fsm"

// Observer v2 (issue 7): the sentences of the reasons and notes the fsm
// branch added, kept in their own file. Revision reasons may use {n}
// (the packet of the first withdrawn transition: Revision.Packet) and {by}
// (the packet that corrected it: Revision.CorrectedBy); see ReasonArgs.
var fsmReasons = map[fsm.Reason]msg{
	"synack-lost": {
		"{who} sent its SYN again after the SYN+ACK of #{n}: that SYN+ACK never reached it (lost after the capture point), so {who} was still in SYN_SENT, not ESTABLISHED.",
		"{who}在第{n}个包的SYN+ACK之后又重传了SYN：说明那个SYN+ACK并没有到达{who}（在抓包点之后丢失了），所以{who}当时仍处于SYN_SENT，而不是ESTABLISHED。",
	},
	"fin-not-arrived": {
		"the FIN of #{n} had not arrived when #{by} was sent: the ack of #{by} does not cover it. So {who} was still ESTABLISHED and its close() took it to FIN_WAIT_1, not CLOSE_WAIT; the two FINs crossed and the other FIN then takes it to CLOSING.",
		"第{by}个包发出时，第{n}个包中的FIN还没有到达：第{by}个包的确认号没有覆盖它。所以{who}当时仍处于ESTABLISHED，调用close()后进入的是FIN_WAIT_1，而不是CLOSE_WAIT；两个FIN交叉而过，随后到达的对方FIN使它进入CLOSING。",
	},
	"no-socket": {
		"{who} answered with a bare RST (no ACK bit, seq = the ack it received), as Linux does when no socket has the connection: {who} never reached ESTABLISHED.",
		"{who}用一个不带ACK标志的RST回应（seq等于它收到的确认号），Linux在找不到这个连接对应的套接字时就是这样回应的：{who}从未进入ESTABLISHED。",
	},
	"fin-not-seen": {
		"{peer}'s ACK (ack={ack}) is one past everything {who} was seen to send, with no data to explain it: it acknowledges a FIN from {who} that the capture does not hold. So {who} did close; its state is inferred from the ACK.",
		"{peer}的确认号（ack={ack}）比{who}已知发出的最后一个序号正好多1，又没有数据可以解释：它确认的是{who}发出的一个FIN，而抓包里没有这个FIN。所以{who}确实已经关闭；它的状态是根据这个确认号推断的。",
	},
	"close-order-unseen": {
		"only {who}'s own segments were captured: whether the peer's ACK of {who}'s FIN came first (FIN_WAIT_2), rode on the peer's FIN (straight to TIME_WAIT), or the FINs crossed (CLOSING) is not in the packets. The path shown is assumed from the timing (a round trip plus Linux's 40 ms delayed-ACK timeout).",
		"只抓到了{who}自己发出的报文：对方对{who}的FIN的确认是先单独到达（FIN_WAIT_2），还是随对方的FIN一起到达（直接进入TIME_WAIT），或者两个FIN交叉而过（CLOSING），报文中看不出来。这里显示的路径是根据时间推测的（一个往返时间加上Linux的40毫秒延迟确认）。",
	},
	"closed-unseen": {
		"{who}'s socket had already gone when this bare RST was sent (connect() gave up, or the half-open request expired); the moment it went is not in the packets, so the state change shown here is assumed.",
		"发出这个不带ACK标志的RST时，{who}的套接字已经不存在了（connect()已放弃，或半连接请求已过期）；它消失的确切时刻报文中看不到，所以这里显示的状态变化是假定的。",
	},
	"syn-not-seen": {
		"an RST,ACK with seq 0 reached {who}: Linux sends exactly that in answer to a segment without ACK, i.e. a SYN from {who} that the capture does not hold. So {who} was in SYN_SENT, and the connection is refused.",
		"{who}收到一个seq=0的RST+ACK：Linux用这种报文回应不带ACK标志的报文段，这里就是{who}发出、但没有被抓到的SYN。所以{who}当时处于SYN_SENT，连接被拒绝。",
	},
	"ack-not-seen": {
		"only one direction was captured, so the ACK of {who}'s FIN cannot be in it; {who} did not send its FIN again, so that ACK presumably arrived. Assumed, not seen.",
		"只抓到了一个方向，所以对{who}的FIN的确认包不可能出现在抓包里；{who}没有重发FIN，说明那个确认包大概已经到达。这一步是推测的，并没有实际看到。",
	},
	"fin-wait-2-timeout": {
		"{who} had no socket any more (its bare RST shows it): its orphaned FIN_WAIT_2 ended silently when Linux's tcp_fin_timeout ran out, at a moment no packet shows. Assumed.",
		"{who}已经没有套接字了（它发出的不带ACK标志的RST说明了这一点）：它的孤儿FIN_WAIT_2在Linux的tcp_fin_timeout到期时被悄悄结束，具体时刻没有任何报文能显示。这一步是推测的。",
	},
	"duplicate": {
		"the same segment again, with the same TCP timestamp (TSval): a copy made by the network, not a retransmission (Linux puts a new TSval on every retransmission). It changes nothing.",
		"同一个报文段又出现了一次，而且TCP时间戳（TSval）相同：这是网络复制出来的副本，不是重传（Linux每次重传都会带上新的TSval）。它不改变任何状态。",
	},
	"duplicate-or-retransmit": {
		"{sender} sent a segment identical to an earlier one, and the connection carries no TCP timestamps: a network duplicate and a retransmission cannot be told apart here. synfin takes such copies as retransmissions.",
		"{sender}发出的报文段与之前的一个完全相同，而这个连接没有使用TCP时间戳：在这里无法区分网络复制的副本和重传。synfin把这样的副本当作重传处理。",
	},
	"rst-to-listen": {
		"an RST reached {who}, which is listening: a listener has no connection to reset, so the RST is ignored (RFC 9293 §3.10.7.2).",
		"正在监听的{who}收到一个RST：监听套接字上没有可以复位的连接，所以这个RST被忽略（RFC 9293 §3.10.7.2）。",
	},
	"syn-sent-rst": {
		"{who}, in SYN_SENT, got an ACK that does not acknowledge its SYN (an old connection's, e.g. a TIME_WAIT answering): it answers with an RST and stays in SYN_SENT, then sends its SYN again (RFC 9293 §3.10.7.3, Figure 8: recovery from an old duplicate SYN).",
		"处于SYN_SENT的{who}收到一个没有确认它的SYN的ACK（来自旧连接，例如TIME_WAIT的回应）：它回复RST并继续停留在SYN_SENT，然后重发SYN（RFC 9293 §3.10.7.3，图8：从旧的重复SYN中恢复）。",
	},
	"time-wait-syn-rejected": {
		"a new SYN reached {who} in TIME_WAIT, but Linux does not accept it: its sequence number is not after the old connection's, or its timestamp is older (PAWS). TIME_WAIT stays and answers with an ACK of the old connection (tcp_timewait_state_process).",
		"一个新的SYN到达了处于TIME_WAIT的{who}，但Linux不接受它：它的序号不在旧连接的序号之后，或者它的时间戳更旧（PAWS）。TIME_WAIT保持不变，并用旧连接的ACK回应（tcp_timewait_state_process）。",
	},
	"time-wait-restarted": {
		"the peer's FIN came again while {who} is in TIME_WAIT: {who} acknowledges it again and restarts the 2MSL timer (RFC 9293 §3.10.7.4). This is what TIME_WAIT is for.",
		"{who}处于TIME_WAIT时，又收到了对方重传的FIN：{who}再次确认它，并重新开始2MSL计时（RFC 9293 §3.10.7.4）。这正是TIME_WAIT存在的意义。",
	},
	"fin-out-of-order": {
		"this FIN is beyond data {who} has not received yet (a hole before it): {who} takes the FIN only when the data before it arrives, in sequence order.",
		"这个FIN之前还有{who}没收到的数据（中间有空洞）：{who}要等前面的数据到达后，才按序号顺序处理这个FIN。",
	},
	"fin-wait-2-orphan": {
		"{who} ends the capture in FIN_WAIT_2. If its program already called close(), Linux ends it silently after tcp_fin_timeout (60 s) with no packet at all: whether and when it did cannot be seen.",
		"抓包结束时{who}处于FIN_WAIT_2。如果它的程序已经调用了close()，Linux会在tcp_fin_timeout（60秒）后悄悄结束它，不发送任何报文：是否以及何时结束，无法从报文中看到。",
	},
	"syn-unanswered": {
		"no answer to {who}'s SYN was captured. The server may have answered out of sight (another path, a capture filter), or the SYN was lost or dropped: the packets cannot tell which.",
		"没有抓到对{who}的SYN的任何回应。服务器可能在抓包点看不到的地方回应了（走了别的路径，或被抓包过滤），也可能SYN丢失或被丢弃：报文无法说明是哪一种。",
	},
	"fin-unanswered": {
		"{who} sent nothing more while its peer sent its FIN again and again. An endpoint that received that FIN acknowledges every copy, so either the FIN (and perhaps what came before it) never reached {who}, or its answers were lost before the capture point: the packets cannot tell which, so {who}'s states after its last segment are only assumed.",
		"对方一再重传FIN，{who}却再也没有发出任何报文。收到FIN的一端会确认每一个副本，所以要么这个FIN（也许连同之前的报文）根本没有到达{who}，要么它的确认在到达抓包点之前丢失了：报文无法说明是哪一种，因此{who}最后一个报文之后的状态只是假定的。",
	},
	"keepalive-unanswered": {
		"keep-alive probes to {who} got no answer in the capture. After tcp_keepalive_probes unanswered probes Linux resets the connection; that RST may never arrive or be seen, so {who}'s end is not shown.",
		"发往{who}的保活探测在抓包中没有得到回应。连续若干次（tcp_keepalive_probes）探测无回应后，Linux会复位连接；这个RST可能没有到达，也可能没有被抓到，所以看不到{who}的结束。",
	},
}

var fsmNoteTags = map[fsm.Reason]msg{
	"closed-unseen":           {"closed earlier", "此前已关闭"},
	"close-order-unseen":      {"order unseen", "顺序未知"},
	"duplicate":               {"dup", "重复"},
	"duplicate-or-retransmit": {"dup or retx?", "重复或重传？"},
	"rst-to-listen":           {"ignored", "已忽略"},
	"syn-sent-rst":            {"RST, stays SYN_SENT", "RST后仍SYN_SENT"},
	"time-wait-syn-rejected":  {"SYN refused", "SYN被拒"},
	"time-wait-restarted":     {"2MSL again", "重新计时"},
	"fin-out-of-order":        {"FIN waits", "FIN待处理"},
	"fin-wait-2-orphan":       {"may time out", "可能超时"},
	"syn-unanswered":          {"unanswered", "无回应"},
	"keepalive-unanswered":    {"no answer", "无回应"},
	"fin-unanswered":          {"FIN unanswered", "FIN无回应"},
}

func init() {
	for k, v := range fsmReasons {
		reasons[k] = v
	}
	for k, v := range fsmNoteTags {
		noteTags[k] = v
	}
}
