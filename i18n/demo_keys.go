package i18n

// The live demo (package demo's Live): its server log, key help, status
// and messages. Model names are the key help's: 多线程 / 多进程 / 迭代 (the
// notes' names; the multi-thread model runs a goroutine per connection).
var (
	// Who did something, in the server log.
	KeyDemoWhoServer     = def("demo.who.server", "server", "服务器")
	KeyDemoWhoDemo       = def("demo.who.demo", "demo", "演示")
	KeyDemoWhoClosedPort = def("demo.who.closedport", "client (closed port)", "客户端（未监听端口）")
	KeyDemoWhoChild      = def("demo.who.child", "child {pid}", "子进程{pid}")
	KeyDemoWhoClient     = def("demo.who.client", "client {n}", "客户端{n}")
	KeyDemoWhoPeer       = def("demo.who.peer", "peer {n}", "端点{n}")

	// The status bar's source.
	KeyDemoSource         = def("demo.source", "demo {iface} :{port}", "演示 {iface} :{port}")
	KeyDemoSourceScenario = def("demo.source.scenario", "demo {name}", "演示 {name}")

	// Server models.
	KeyDemoModelGoroutine = def("demo.model.goroutine", "multi-thread", "多线程")
	KeyDemoModelProcess   = def("demo.model.process", "multi-process", "多进程")
	KeyDemoModelIterative = def("demo.model.iterative", "iterative", "迭代")

	KeyDemoOn  = def("demo.on", "on", "已开启")
	KeyDemoOff = def("demo.off", "off", "未开启")

	// Log lines.
	KeyDemoLogListening = def("demo.log.listening", "listening: {model} model, backlog {backlog}, SO_REUSEADDR {reuse}",
		"开始监听：{model}模型，backlog {backlog}，SO_REUSEADDR{reuse}")
	KeyDemoLogInUse = def("demo.log.inuse",
		"bind() failed: address already in use (port {port} is still held, e.g. by a connection in TIME_WAIT; SO_REUSEADDR {reuse}): e switches SO_REUSEADDR, R tries again",
		"bind()失败：地址已被占用（端口{port}仍被占用，例如处于TIME_WAIT的连接；SO_REUSEADDR{reuse}）：按e切换SO_REUSEADDR，按R重试")
	KeyDemoLogAccepted = def("demo.log.accepted",
		"accept() returned a new socket (client {client}) on the listening socket's port {port}; the notes say it gets a random port, but it shares the listener's: the 4-tuple tells connections apart",
		"accept()返回新的套接字（客户端{client}），端口仍是监听套接字的{port}；讲义说新套接字的端口是随机的，实际上它与监听套接字共用端口：靠四元组区分各个连接")
	KeyDemoLogChildLimit = def("demo.log.childlimit",
		"{n} child processes are serving (--max-children): the next connection waits in the backlog until one ends",
		"已有{n}个子进程在服务（--max-children）：下一个连接在backlog中等待，直到有子进程结束")
	KeyDemoLogClosedUnread = def("demo.log.closedunread", "close() with unread data: the kernel sends RST, not FIN",
		"有未读数据时close()：内核发送RST而不是FIN")
	KeyDemoChildLimitKind = def("demo.child-limit", "child limit reached", "子进程数已达上限")
	KeyDemoNoteKind       = def("demo.note", "note", "说明")
	KeyDemoReplyArmedKind = def("demo.reply-armed", "will still reply after the client's FIN", "收到客户端的FIN后仍会回复")

	// What a toggle now does.
	KeyDemoNoteDelayNone = def("demo.note.delaynone", "the server closes at once after the client's FIN",
		"服务器收到客户端的FIN后立即close()")
	KeyDemoNoteDelay1s = def("demo.note.delay1s", "the server waits 1 s after the client's FIN before close(): FIN_WAIT_2 and CLOSE_WAIT last",
		"服务器收到客户端的FIN后等1秒再close()：可以看到FIN_WAIT_2和CLOSE_WAIT持续")
	KeyDemoNoteDelayHold = def("demo.note.delayhold", "the server calls close() only when you press X: CLOSE_WAIT lasts until then",
		"服务器在按X之后才调用close()：在此之前一直处于CLOSE_WAIT")
	KeyDemoNoteReuseOn  = def("demo.note.reuseon", "SO_REUSEADDR on for the next restart (R)", "下次重启（R）时开启SO_REUSEADDR")
	KeyDemoNoteReuseOff = def("demo.note.reuseoff", "SO_REUSEADDR off for the next restart (R): bind() fails while a connection on the port is in TIME_WAIT",
		"下次重启（R）时关闭SO_REUSEADDR：端口上还有TIME_WAIT连接时bind()会失败")
	KeyDemoNoteKeepAliveOn = def("demo.note.keepaliveon", "TCP keep-alive on for new connections: a probe after 15 s without traffic",
		"新连接开启TCP保活（keep-alive）：空闲15秒后发送探测报文")
	KeyDemoNoteKeepAliveOff = def("demo.note.keepaliveoff", "TCP keep-alive off for new connections", "新连接关闭TCP保活（keep-alive）")
	KeyDemoNoteParentKeeps  = def("demo.note.parentkeeps",
		"multi-process server: the parent now keeps its copy of each accepted socket, so the child's close() sends no FIN (press k again: the parent closes them)",
		"多进程服务器：父进程现在保留每个已接受套接字的副本，子进程close()不会发送FIN（再按k：父进程关闭副本）")
	KeyDemoNoteParentCloses = def("demo.note.parentcloses", "the parent closes the copies it kept: the FINs go out now",
		"父进程关闭保留的副本：FIN现在才发出")

	// Status (the model line), short.
	KeyDemoStatusDelay1s   = def("demo.status.delay1s", "close after 1 s", "延迟1秒关闭")
	KeyDemoStatusDelayHold = def("demo.status.delayhold", "close on X", "按X才关闭")
	KeyDemoStatusParent    = def("demo.status.parent", "parent keeps copies", "父进程保留副本")
	KeyDemoStatusNoReuse   = def("demo.status.noreuse", "no SO_REUSEADDR", "无SO_REUSEADDR")
	KeyDemoStatusKeepAlive = def("demo.status.keepalive", "keep-alive on", "保活已开启")

	// The demo's own errors.
	KeyDemoErrSelClosed = def("demo.err.selclosed", "the selected connection ({addr}) has no open client socket: select an open one",
		"选中的连接（{addr}）的客户端套接字已关闭：请选择一个仍打开的连接")
	KeyDemoErrNoClient    = def("demo.err.noclient", "no open client: press c to connect one", "没有打开的客户端：按c连接一个")
	KeyDemoErrSelNoServer = def("demo.err.selnoserver", "the server has no open socket for the selected connection ({addr})",
		"服务器没有选中连接（{addr}）的打开套接字")
	KeyDemoErrNoServerConn = def("demo.err.noserverconn", "the server has no open connection", "服务器没有打开的连接")
	KeyDemoErrNotAccepted  = def("demo.err.notaccepted",
		"the iterative server has not accepted client {n} yet (it serves one client at a time; this one waits in the backlog): close the other client first",
		"迭代服务器还没有accept客户端{n}（它一次只服务一个客户端，这个连接在backlog中等待）：请先关闭另一个客户端")
	KeyDemoErrRestarting = def("demo.err.restarting", "the server is restarting: try again in a moment", "服务器正在重启：请稍后再试")

	// Key help (the help page lists them in this order).
	KeyDemoHalfReply      = def("demo.key.halfreply", "h: client half-closes (shutdown SHUT_WR); the server still replies after the FIN", "h：客户端半关闭（shutdown SHUT_WR），服务器收到FIN后仍回复")
	KeyDemoServerAbortSel = def("demo.key.sabortsel", "A: server aborts the connection (RST)", "A：服务器异常终止该连接（RST）")
	KeyDemoUnreadSel      = def("demo.key.unreadsel", "u: server sends data the client never reads, the client closes: RST, not FIN", "u：服务器发送客户端不读的数据，客户端关闭：内核发送RST而不是FIN")
	KeyDemoModelKey       = def("demo.key.modelname", "m: switch the server model (multi-thread → multi-process → iterative)", "m：切换服务器模型（多线程 → 多进程 → 迭代）")
	KeyDemoDelayKey       = def("demo.key.delay", "d: server's delay before close() after the client's FIN: none → 1 s → until X (four-way teardown)", "d：服务器收到FIN后调用close()前的延迟：无 → 1秒 → 直到按X（四次挥手）")
	KeyDemoParentKey      = def("demo.key.parent", "k: multi-process server whose parent forgets to close its copy (again: the parent closes it)", "k：多进程服务器的父进程忘记关闭套接字副本（再按一次：父进程关闭副本）")
	KeyDemoRestartKey     = def("demo.key.restart", "R: restart the server (close the listening socket, bind() and listen() again)", "R：重启服务器（关闭监听套接字，重新bind()和listen()）")
	KeyDemoReuseKey       = def("demo.key.reuse", "e: SO_REUSEADDR on/off for the next restart", "e：下次重启时开启/关闭SO_REUSEADDR")
	KeyDemoKeepAliveKey   = def("demo.key.keepalive", "K: TCP keep-alive on/off for new connections (off by default)", "K：新连接的TCP保活（keep-alive）开/关（默认关闭）")
	KeyDemoSelectedKey    = def("demo.key.selected", "s x h a u X A act on the connection selected in the list (the newest if none)", "s x h a u X A 作用于列表中选中的连接（未选中时为最新的连接）")
	KeyDemoKeyLineAll     = def("demo.keyline.all",
		"c connect · s send · x/X close · h half-close · a/A abort · u unread · r refused · d delay · k parent · R restart · ? all keys",
		"c 连接 · s 发送 · x/X 关闭 · h 半关闭 · a/A 异常终止 · u 未读→RST · r 被拒绝 · d 延迟关闭 · k 父进程 · R 重启 · ? 全部按键")
)
