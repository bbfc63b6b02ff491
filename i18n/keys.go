package i18n

// UI texts. Every key is declared with both translations; the tests check
// that none is empty and that both use the same template parameters.
var (
	// Roles and directions.
	KeyClient = def("client", "client", "客户端")
	KeyServer = def("server", "server", "服务器")

	// Pane titles.
	KeyConnections   = def("pane.connections", "Connections", "连接")
	KeyLadder        = def("pane.ladder", "Sequence diagram", "时序图")
	KeyStateDiagram  = def("pane.states", "State diagram (RFC 9293)", "状态图（RFC 9293）")
	KeyExplanation   = def("pane.explain", "Explanation", "解释")
	KeyHelp          = def("pane.help", "Help", "帮助")
	KeyFilterPrompt  = def("prompt.filter", "Filter connections: ", "筛选连接：")
	KeyNoConnection  = def("empty.conn", "No connection selected.", "未选择连接。")
	KeyNoPackets     = def("empty.packets", "No packets yet.", "还没有数据包。")
	KeyNoStep        = def("empty.step", "No packet selected: use ← → to step through the capture.", "未选择数据包：用 ← → 逐个查看。")
	KeyWaitingPacket = def("empty.waiting", "Waiting for packets…", "正在等待数据包……")

	// Connection list columns.
	KeyColID          = def("col.id", "#", "#")
	KeyColClient      = def("col.client", "Client", "客户端")
	KeyColServer      = def("col.server", "Server", "服务器")
	KeyColClientState = def("col.cstate", "Client state", "客户端状态")
	KeyColServerState = def("col.sstate", "Server state", "服务器状态")
	KeyColPackets     = def("col.packets", "Pkts", "包数")
	KeyColBytes       = def("col.bytes", "Bytes", "字节数")
	KeyColDuration    = def("col.duration", "Duration", "时长")
	KeyColHistory     = def("col.history", "History", "历史")
	KeyJoinedLateMark = def("col.joinedlate", "joined late", "中途加入")

	// Status bar.
	KeyStatusPackets = def("status.packets", "{n} packets", "{n}个包")
	KeyStatusDrops   = def("status.drops", "{n} dropped", "丢弃{n}个")
	KeyStatusSkipped = def("status.skipped", "{n} not TCP", "{n}个非TCP")
	KeyStatusPos     = def("status.pos", "step {pos}/{total}", "第{pos}/{total}步")
	KeyStatusSpeed   = def("status.speed", "speed: {speed}", "速度：{speed}")
	KeyStatusPlaying = def("status.playing", "playing", "播放中")
	KeyStatusPaused  = def("status.paused", "paused", "已暂停")
	KeyStatusLive    = def("status.live", "live", "实时")
	KeyStatusFollow  = def("status.follow", "following", "跟随最新")
	KeyStatusDone    = def("status.done", "end of capture", "抓包结束")
	KeyStatusLoading = def("status.loading", "reading {name}… {n} packets", "正在读取{name}……{n}个包")

	KeyStatusFocused    = def("status.focused", "only conn #{n}", "仅连接#{n}")
	KeyStatusReadError  = def("status.readerror", "read error: {err}", "读取错误：{err}")
	KeyStatusMemDropped = def("status.memdropped", "oldest {n} steps dropped (memory cap)", "已丢弃最早的{n}步（内存上限）")
	KeyDemoKernel       = def("demo.kernel", "kernel now (ss): client {client} · server {server}", "内核中的当前状态（ss）：客户端 {client} · 服务器 {server}")
	KeyDemoLesson       = def("status.lesson", "built-in recording (no live capture here: the reason is printed on quit)", "内置录制（此处无法实时抓包：退出时显示原因）")
	KeyStatusNetns      = def("status.netns", "in a private network namespace (no root needed)", "在私有网络命名空间中（无需root）")
	KeyStatusHelpHint   = def("status.helphint", "? help", "? 帮助")
	KeyStatusRealTime   = def("status.realtime", "real time ×{x}", "原始时间×{x}")
	KeyStatusRate       = def("status.rate", "{x} steps/s", "{x}步/秒")
	KeyStatusDemoModel  = def("status.demomodel", "server model: {model}", "服务器模型：{model}")

	// Help lines (key, then what it does).
	KeyHelpHeaderPlay = def("help.header.play", "Playback", "回放")
	KeyHelpHeaderView = def("help.header.view", "Panes", "窗格")
	KeyHelpHeaderDemo = def("help.header.demo", "Demo", "演示")
	KeyHelpFocus      = def("help.focus", "Enter: show only the selected connection's packets (← → step through it)", "Enter：只看所选连接的包（← → 在其中单步）")
	KeyHelpEsc        = def("help.esc", "Esc: back to all connections; clear the filter", "Esc：回到全部连接；清除筛选")
	KeyHelpPlayLive   = def("help.playlive", "live and demo: End follows the newest packet; space or ← pauses while capture goes on", "实时和演示：End 跟随最新的包；空格或 ← 暂停，抓包继续")
	KeyHelpPlay       = def("help.play", "space: play / pause", "空格：播放/暂停")
	KeyHelpStep       = def("help.step", "← →: step one packet back / forward", "← →：后退/前进一个包")
	KeyHelpSpeed      = def("help.speed", "+ −: faster / slower", "+ −：加速/减速")
	KeyHelpEnds       = def("help.ends", "Home / End: first / last packet", "Home / End：第一个/最后一个包")
	KeyHelpTab        = def("help.tab", "Tab: next pane", "Tab：切换窗格")
	KeyHelpFilter     = def("help.filter", "/: filter connections by address or port", "/：按地址或端口筛选连接")
	KeyHelpZoom       = def("help.zoom", "z: the focused pane on the whole screen (from the list: the RFC 9293 state diagram); z or Esc: back", "z：当前窗格全屏显示（在连接列表中按则显示RFC 9293状态图）；再按 z 或 Esc 返回")
	KeyHelpFold       = def("help.fold", "f: fold / unfold runs of data segments in the sequence diagram", "f：在时序图中折叠/展开连续的数据段")
	KeyHelpLang       = def("help.lang", "L: switch language (English / 中文)", "L：切换语言（English / 中文）")
	KeyHelpHelp       = def("help.help", "?: this help", "?：本帮助")
	KeyHelpQuit       = def("help.quit", "q: quit", "q：退出")
	KeyHelpUpDown     = def("help.updown", "↑ ↓: select a connection (or scroll the focused pane)", "↑ ↓：选择连接（或滚动当前窗格）")

	// Demo keys.
	KeyDemoConnect    = def("demo.key.connect", "c: connect a new client", "c：连接一个新客户端")
	KeyDemoSend       = def("demo.key.send", "s: client sends a line", "s：客户端发送一行")
	KeyDemoClientQuit = def("demo.key.cclose", "x: client closes (client is the active closer)", "x：客户端关闭（客户端是主动关闭方）")
	KeyDemoServerQuit = def("demo.key.sclose", "X: server closes (server is the active closer)", "X：服务器关闭（服务器是主动关闭方）")
	KeyDemoAbort      = def("demo.key.abort", "a: client aborts (RST via SO_LINGER 0)", "a：客户端异常终止（SO_LINGER 0发送RST）")
	KeyDemoRefused    = def("demo.key.refused", "r: connect to a closed port (refused)", "r：连接未监听的端口（被拒绝）")
	KeyDemoBurst      = def("demo.key.burst", "b: burst of short connections", "b：批量短连接")
	KeyDemoLong       = def("demo.key.long", "l: long connection: 5 lines on one connection, which stays open until you close it (x)", "l：长连接：在一个连接上发送5行数据，连接一直保持，直到按x关闭")

	// Ladder.
	KeyLadderFold      = def("ladder.fold", "… {n} data segments, {bytes} bytes …", "… {n}个数据段，{bytes}字节 …")
	KeyLadderFoldShort = def("ladder.foldshort", "… {n} data …", "… {n}个数据段 …")
	KeyLadderSide      = def("ladder.side", "packet #{n} of a new connection", "第{n}个包（新连接）")
	KeyLadderTimer     = def("ladder.timer", "2MSL timer", "2MSL计时结束")
	KeyLadderMore      = def("ladder.more", "↑ {n} more", "↑ 还有{n}行")

	// State diagram edge labels (RFC 9293 Figure 5 notation).
	KeyEdgePassiveOpen = def("edge.passive", "passive open", "被动打开")
	KeyEdgeActiveOpen  = def("edge.active", "active open/snd SYN", "主动打开/发SYN")
	KeyEdgeRcvSyn      = def("edge.rcvsyn", "rcv SYN/snd SYN,ACK", "收SYN/发SYN,ACK")
	KeyEdgeRcvAckOfSyn = def("edge.ackofsyn", "rcv ACK of SYN", "收SYN的ACK")
	KeyEdgeRcvSynAck   = def("edge.rcvsynack", "rcv SYN,ACK/snd ACK", "收SYN,ACK/发ACK")
	KeyEdgeClose       = def("edge.close", "close/snd FIN", "close()/发FIN")
	KeyEdgeRcvFin      = def("edge.rcvfin", "rcv FIN/snd ACK", "收FIN/发ACK")
	KeyEdgeRcvAckOfFin = def("edge.ackoffin", "rcv ACK of FIN", "收FIN的ACK")
	KeyEdgeTimeout     = def("edge.timeout", "2MSL", "2MSL")
	KeyStateLast       = def("states.last", "last: {who} {from} → {to}", "最近：{who} {from} → {to}")
	KeyStateLegend     = def("states.legend", "C=client S=server", "C=客户端 S=服务器")

	// Explanation pane.
	KeyExplPacket     = def("explain.packet", "Packet #{n}", "第{n}个包")
	KeyExplTimer      = def("explain.timer", "Timer", "计时器")
	KeyExplTime       = def("explain.time", "+{t} s", "+{t}秒")
	KeyExplDirection  = def("explain.dir", "{from} → {to}", "{from} → {to}")
	KeyExplRaw        = def("explain.raw", "raw numbers in the header", "首部中的原始值")
	KeyExplWindow     = def("explain.window", "window", "窗口")
	KeyExplOptions    = def("explain.options", "options", "选项")
	KeyExplPayload    = def("explain.payload", "payload ({n} bytes)", "数据（{n}字节）")
	KeyExplTruncated  = def("explain.truncated", "(first {n} bytes)", "（前{n}字节）")
	KeyExplChanges    = def("explain.changes", "State changes", "状态变化")
	KeyExplNoChange   = def("explain.nochange", "No state change: client {c}, server {s}.", "状态不变：客户端 {c}，服务器 {s}。")
	KeyExplNotes      = def("explain.notes", "Notes", "说明")
	KeyExplClientISN  = def("explain.xisn", "client's ISN x={x}", "客户端初始序号 x={x}")
	KeyExplServerISN  = def("explain.yisn", "server's ISN y={y}", "服务器初始序号 y={y}")
	KeyOptMSS         = def("opt.mss", "MSS {n}", "MSS {n}")
	KeyOptWScale      = def("opt.wscale", "window scale {n} (×{f})", "窗口扩大因子 {n}（×{f}）")
	KeyOptSACK        = def("opt.sack", "SACK permitted", "允许SACK")
	KeyOptTimestamp   = def("opt.ts", "timestamps", "时间戳")
	KeyOptTFO         = def("opt.tfo", "Fast Open cookie", "快速打开cookie")
	KeyExplSide       = def("explain.side", "Packet #{n} belongs to a new connection on the same 4-tuple (addresses and ports); it changed this one too.", "第{n}个包属于同一四元组（地址和端口）上的新连接，它也改变了这个连接的状态。")
	KeyExplTimerFired = def("explain.timerfired", "The TIME_WAIT timer fired: 2MSL passed with no new segment. No packet was sent.", "TIME_WAIT计时器到期：2MSL内没有新的报文段。这一步没有发送任何包。")

	// What a segment is, by its flags ({sender} sent it to {receiver}).
	KeySegSyn    = def("seg.syn", "SYN: {sender} asks {receiver} to open a connection (first step of the three-way handshake).", "SYN：{sender}请求与{receiver}建立连接（三次握手的第一次握手）。")
	KeySegSynAck = def("seg.synack", "SYN+ACK: {sender} accepts the connection, sending its own SYN and acknowledging the SYN of {receiver} (second step of the three-way handshake).", "SYN+ACK：{sender}同意连接，发送自己的SYN，同时确认{receiver}的SYN（三次握手的第二次握手）。")
	KeySegAck    = def("seg.ack", "ACK: {sender} acknowledges what it received (SYN, data or FIN); it carries no data.", "ACK：{sender}发送确认包，确认收到的内容（SYN、数据或FIN），本身不带数据。")
	KeySegData   = def("seg.data", "Data: {sender} sends {len} bytes to {receiver} (send()); the ACK flag acknowledges what it received.", "数据：{sender}向{receiver}发送{len}字节（send()）；ACK标志同时确认已收到的内容。")
	KeySegFin    = def("seg.fin", "FIN: {sender} will send no more data (close() or shutdown(SHUT_WR)); the FIN takes one sequence number.", "FIN：{sender}不再发送数据（close()或shutdown(SHUT_WR)）；FIN占用一个序号。")
	KeySegRst    = def("seg.rst", "RST: {sender} resets: it refuses a connection request, or ends a connection at once, without the four-way teardown.", "RST：{sender}发出复位：拒绝一个连接请求，或者不经过四次挥手立即结束一个连接。")
	KeySegOther  = def("seg.other", "A segment with flags {flags}.", "标志为{flags}的报文段。")
	KeySegAckNum = def("seg.acknum", "ack={ack}: {sender} has received everything {receiver} sent before relative number {ack}, and expects number {ack} next.", "ack={ack}：{sender}已收到{receiver}发来的、相对序号{ack}之前的全部内容，下一个期望收到的序号是{ack}。")
	KeySegSeqNum = def("seg.seqnum", "seq={seq}: the relative sequence number of this segment's first data byte (the SYN and the FIN take one number each).", "seq={seq}：本报文段第一个数据字节的相对序号（SYN和FIN各占一个序号）。")

	// Demo event kinds (package demo's Kind values).
	KeyDemoListening    = def("demo.listening", "listening", "开始监听")
	KeyDemoBindError    = def("demo.bind-error", "bind failed", "绑定失败")
	KeyDemoStopped      = def("demo.stopped", "stopped listening", "停止监听")
	KeyDemoAccepted     = def("demo.accepted", "accept() returned a new socket", "accept()返回新的套接字")
	KeyDemoChildStarted = def("demo.child-started", "child process serves the socket", "子进程处理该套接字")
	KeyDemoChildExited  = def("demo.child-exited", "child process ended", "子进程结束")
	KeyDemoParentClosed = def("demo.parent-closed", "parent closed its copy of the socket", "父进程关闭了自己的套接字副本")
	KeyDemoParentKept   = def("demo.parent-kept", "parent kept its copy of the socket (no FIN when the child closes)", "父进程保留了套接字副本（子进程关闭时不会发送FIN）")
	KeyDemoConnecting   = def("demo.connecting", "connect(): SYN sent", "connect()：已发送SYN")
	KeyDemoConnected    = def("demo.connected", "connect() returned: handshake done", "connect()返回：三次握手完成")
	KeyDemoRefusedEv    = def("demo.refused", "connection refused (RST answered the SYN)", "连接被拒绝（RST回应了SYN）")
	KeyDemoSent         = def("demo.sent", "send()", "send()发送")
	KeyDemoReceived     = def("demo.received", "recv()", "recv()收到")
	KeyDemoPeerClosed   = def("demo.peer-closed", "recv() returned 0 bytes: the peer closed", "recv()返回0字节：对方已关闭")
	KeyDemoReset        = def("demo.reset", "connection reset by the peer", "连接被对方复位")
	KeyDemoClosed       = def("demo.closed", "close()", "close()关闭")
	KeyDemoHalfClosed   = def("demo.half-closed", "shutdown(SHUT_WR): FIN sent, still reading", "shutdown(SHUT_WR)：已发送FIN，仍可接收")
	KeyDemoAborted      = def("demo.aborted", "aborted: SO_LINGER 0 then close() sends RST", "异常终止：SO_LINGER 0后close()发送RST")
	KeyDemoError        = def("demo.error", "error", "错误")
)

// DemoKind translates a demo event kind (package demo's Kind, e.g.
// "peer-closed"); an unknown kind is returned as is.
func (l Lang) DemoKind(kind string) string {
	if m, ok := texts[Key("demo."+kind)]; ok {
		return m.in(l)
	}
	return kind
}
