package i18n

// Texts of the explanation pane added with the classroom review (issues 9
// and 12): the arithmetic behind an ack number, what seq means on a
// segment without data, the socket accept() returns, and why a close can
// send RST instead of FIN.
var (
	// The relative ack as a sum: ack={ack} = {sum}, where the sum is made
	// of KeyAckSyn, KeyAckBytes and KeyAckFin joined by " + ".
	KeyAckSum   = def("seg.acksum", "ack={ack} = {sum}: {sender} has received everything {receiver} sent before relative number {ack}, and expects number {ack} next.", "ack={ack}（{sum}）：{sender}已收到{receiver}发来的、相对序号{ack}之前的全部内容，下一个期望收到的序号是{ack}。")
	KeyAckSyn   = def("seg.ack.syn", "1 (the SYN)", "SYN占1个序号")
	KeyAckBytes = def("seg.ack.bytes", "{n} bytes of data", "{n}字节数据")
	KeyAckFin   = def("seg.ack.fin", "1 (the FIN)", "FIN占1个序号")

	KeySeqFin   = def("seg.seqfin", "seq={seq}: the relative number of this FIN (a FIN takes one number, like the SYN).", "seq={seq}：这个FIN的相对序号（FIN和SYN一样占用一个序号）。")
	KeySeqEmpty = def("seg.seqempty", "seq={seq}: no data, so this is the relative number of the next byte {sender} will send.", "seq={seq}：不带数据，所以这是{sender}下一个要发送的字节的相对序号。")

	KeyExplAccept    = def("explain.accept", "accept() returns a new socket for this connection, on the server's same port {port}. The notes say it gets a random port; what really happens is that it shares the listener's port, and the 4-tuple (client address and port, server address and port) tells the connections on one port apart.", "accept()会为这个连接返回一个新的套接字，它仍使用服务器的同一个端口{port}。讲义说新套接字的端口是随机的；实际上它与监听套接字共用端口，同一端口上的各个连接靠四元组（客户端地址和端口、服务器地址和端口）区分。")
	KeyExplUnreadRST = def("explain.unreadrst", "Why RST and not FIN? The {who} had received {n} bytes of data from {peer}. If its application called close() while some of them were still unread in the socket's receive queue, the kernel sends RST instead of FIN, telling the peer that data was lost (Linux tcp_close(); RFC 9293 §3.6.1, RFC 2525 §2.17). An abort (SO_LINGER with a 0 timeout, then close()) sends the same RST: the packets alone cannot tell which it was.", "为什么是RST而不是FIN？{who}此前从{peer}收到了{n}字节数据。如果应用程序调用close()时，这些数据中还有一部分留在套接字的接收队列里没有读取，内核就会发送RST而不是FIN，告诉对方有数据丢失了（Linux的tcp_close()；RFC 9293 §3.6.1，RFC 2525 §2.17）。异常终止（SO_LINGER超时设为0后调用close()）也会发出同样的RST：仅凭报文无法区分是哪一种。")
)

// synfin summary's text table: the header line and the footer (JSON and
// zeek stay English: machine formats). Column names must fit the widths
// of report's table: #5 client 21 server 21 states 11 conn 6 history 14
// packets 7 bytes 9 duration 11 (a Chinese character is two columns).
var (
	KeySumClient      = def("summary.client", "CLIENT", "客户端")
	KeySumServer      = def("summary.server", "SERVER", "服务器")
	KeySumClientState = def("summary.cstate", "CLIENT", "客户端状态")
	KeySumServerState = def("summary.sstate", "SERVER", "服务器状态")
	KeySumConn        = def("summary.conn", "CONN", "状态码")
	KeySumHistory     = def("summary.history", "HISTORY", "历史")
	KeySumPackets     = def("summary.packets", "PACKETS", "包数")
	KeySumBytes       = def("summary.bytes", "BYTES", "字节数")
	KeySumDuration    = def("summary.duration", "DURATION", "时长")
	KeySumTotals      = def("summary.totals", "{conns} connections, {segments} TCP segments in {packets} packets", "共{conns}个连接，{packets}个包中有{segments}个TCP报文段")
	KeySumDrops       = def("summary.drops", ", {n} dropped by the kernel", "，内核丢弃了{n}个包")
	KeySumStop        = def("summary.stop", ".", "。")
	KeySumSkipped     = def("summary.skipped", "skipped: {list}", "已跳过：{list}")
	KeySumLegend      = def("summary.legend", "states are final, at the end of the capture; * = joined late (roles guessed); CONN and HISTORY use Zeek's conn_state and history letters", "状态是抓包结束时的最终状态；* 表示中途加入（客户端和服务器的角色是推测的）；状态码、历史两列的字母与Zeek连接日志的写法相同")

	// Why packets were skipped (capture.Skip, in its order).
	KeySkipNotIP     = def("skip.notip", "not IP", "非IP")
	KeySkipNotTCP    = def("skip.nottcp", "not TCP", "非TCP")
	KeySkipFragment  = def("skip.fragment", "IP fragment (not first)", "IP分片（非首片）")
	KeySkipTruncated = def("skip.truncated", "truncated before the end of the TCP header", "在TCP首部结束前被截断")
	KeySkipLinkType  = def("skip.linktype", "unsupported link type", "不支持的链路类型")
	KeySkipMalformed = def("skip.malformed", "malformed header", "首部格式错误")
	KeySkipDuplicate = def("skip.duplicate", "loopback duplicate", "回环接口上的重复包")
)

// A simultaneous open (RFC 9293 §3.5, Figure 8): both ends send a SYN,
// then each a SYN+ACK; four segments, not the three-way handshake.
var (
	KeySegSynSimultaneous    = def("seg.syn.simultaneous", "SYN: {sender} asks {receiver} to open a connection; both ends send a SYN (simultaneous open: four segments instead of the three-way handshake).", "SYN：{sender}请求与{receiver}建立连接；双方都发送了SYN（同时打开：用四个报文段，而不是三次握手）。")
	KeySegSynAckSimultaneous = def("seg.synack.simultaneous", "SYN+ACK: {sender} acknowledges the SYN of {receiver} and sends its own SYN again (simultaneous open).", "SYN+ACK：{sender}确认{receiver}的SYN，并再次发送自己的SYN（同时打开）。")
)
