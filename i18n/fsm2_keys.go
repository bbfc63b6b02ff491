package i18n

import "github.com/synfin/synfin/fsm"

// Observer v2, second pass (branch fsm2): what a one-direction capture
// cannot tell about the endpoint whose segments it holds.
var fsm2Reasons = map[fsm.Reason]msg{
	"end-unseen": {
		"only {who}'s own segments were captured. Whatever {peer} sent after {who}'s last segment (an RST, a FIN, the ACK that ends LAST_ACK or SYN_RECV) may have moved {who}, and nothing in the capture shows that it did not: {who}'s end cannot be told.",
		"只抓到了{who}自己发出的报文。{who}的最后一个报文之后，{peer}发来的任何报文（复位RST、FIN，或让LAST_ACK、SYN_RECV结束的确认包）都可能改变{who}的状态，而抓包里没有任何东西能说明没有发生：{who}最后如何结束无法判断。",
	},
	"rst-ignored-in-syn-sent": {
		"{who}'s RST reaches {peer} in SYN_SENT, but it does not acknowledge {peer}'s SYN (no ACK flag, or an ACK other than ISN+1). In SYN_SENT an RST counts only when its ACK acknowledges the SYN; there is no receive window yet, so its seq is not checked (RFC 9293 §3.10.7.3). {peer} drops it and stays in SYN_SENT.",
		"{who}的RST到达处于SYN_SENT的{peer}，但它没有确认{peer}的SYN（不带ACK标志，或确认号不是ISN+1）。在SYN_SENT状态下，只有确认了SYN的RST才有效；这时还没有接收窗口，所以不检查它的序号（RFC 9293 §3.10.7.3）。{peer}丢弃它，仍处于SYN_SENT。",
	},
	"fin-maybe-acked": {
		"an ACK of {who} covers octets of {peer} that the capture does not hold (several at once, in a capture of one direction, or beyond data it already lacks). The last of them may have been {peer}'s FIN (data and FIN take sequence numbers alike), so whether {peer} had closed, and the state {who} closes from (FIN_WAIT_1 or LAST_ACK), cannot be told: assumed, until a later ACK proves {peer}'s FIN further on.",
		"{who}的确认包覆盖了{peer}发出的、抓包里没有的序号（只抓到一个方向时一次覆盖好几个，或者在已经缺失的数据之后）。其中最后一个可能就是{peer}的FIN（数据和FIN同样占用序号），所以{peer}是否已经关闭、{who}是从哪个状态关闭的（FIN_WAIT_1还是LAST_ACK），都无法判断：这是假定的，除非后面的确认包证明{peer}的FIN在更后面。",
	},
}

var fsm2NoteTags = map[fsm.Reason]msg{
	"rst-ignored-in-syn-sent": {"RST ignored", "RST被丢弃"},
	"end-unseen":              {"end unseen", "结束不可见"},
	"fin-maybe-acked":         {"FIN in ack?", "确认含FIN?"},
}

func init() {
	for k, v := range fsm2Reasons {
		reasons[k] = v
	}
	for k, v := range fsm2NoteTags {
		noteTags[k] = v
	}
}
