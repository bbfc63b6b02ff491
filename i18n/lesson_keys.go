package i18n

// synfin lesson: each lesson's title and introduction (what the student
// will see, and the section of the course notes it follows), and the
// command's own lines.
var (
	KeyLessonHandshake = def("lesson.handshake",
		"Three-way handshake. A client connects, sends one line and closes. Watch SYN (seq=x), SYN+ACK (ack=x+1) and ACK (ack=y+1) take both ends from CLOSED/LISTEN to ESTABLISHED. Notes: section 2, the three-way handshake.",
		"三次握手。客户端连接服务器、发送一行数据后关闭。观察 SYN（seq=x）、SYN+ACK（ack=x+1）和 ACK（ack=y+1）如何让两端从 CLOSED/LISTEN 进入 ESTABLISHED。对应讲义第二节“三次握手”。")
	KeyLessonTeardown = def("lesson.teardown",
		"Four-way teardown. First the client closes and the server waits before its own close(): the four segments of the textbook, with FIN_WAIT_2 and CLOSE_WAIT lasting. Then the server closes first. Who ends in TIME_WAIT? Notes: section 2, the four-way teardown.",
		"四次挥手。先由客户端关闭，服务器等一会儿才调用 close()：这就是课本上的四个报文段，可以看到 FIN_WAIT_2 和 CLOSE_WAIT 持续存在。然后换服务器先关闭。最后谁进入 TIME_WAIT？对应讲义第二节“四次挥手”。")
	KeyLessonTimeWait = def("lesson.time-wait",
		"TIME_WAIT and SO_REUSEADDR. The active closer waits in TIME_WAIT (2MSL in the RFC, a fixed 60 s on Linux). A server restarted while its old connection is in TIME_WAIT cannot bind without SO_REUSEADDR, and can with it; a client bound to a fixed port reconnects over its own TIME_WAIT. Notes: section 4, SO_REUSEADDR.",
		"TIME_WAIT 与 SO_REUSEADDR。主动关闭方要在 TIME_WAIT 中等待（RFC 中为 2MSL，Linux 上固定为 60 秒）。旧连接还处于 TIME_WAIT 时重启服务器：不设 SO_REUSEADDR 时 bind 失败，设置后成功；绑定固定端口的客户端也会在自己的 TIME_WAIT 之上重新连接。对应讲义第四节 SO_REUSEADDR。")
	KeyLessonHalfClose = def("lesson.half-close",
		"Half-close. The client shuts down only its sending side: its FIN says “no more data”, yet it still receives the server's reply while it is in FIN_WAIT_2 and the server in CLOSE_WAIT. recv() returning 0 bytes is how the server learns of the FIN. Notes: sections 2 and 4 (recv returns 0).",
		"半关闭。客户端只关闭发送方向：它的 FIN 表示“不再发送数据”，但在客户端处于 FIN_WAIT_2、服务器处于 CLOSE_WAIT 时，仍能收到服务器的回复。服务器正是通过 recv() 返回 0 字节得知对方发来了 FIN。对应讲义第二、四节（recv 返回 0）。")
	KeyLessonReset = def("lesson.reset",
		"Reset (RST). Three ways a connection ends without the four-way teardown: a SYN to a port nobody listens on is refused; a client aborts with SO_LINGER 0; a client closes with unread data in its receive queue, and the kernel sends RST instead of FIN. No TIME_WAIT follows an RST.",
		"复位（RST）。连接不经过四次挥手而结束的三种情况：向没有监听的端口发 SYN，连接被拒绝；客户端设置 SO_LINGER 0 后中止连接；客户端关闭时接收队列里还有未读数据，内核发送 RST 而不是 FIN。RST 之后没有 TIME_WAIT。")
	KeyLessonBacklog = def("lesson.backlog",
		"The listen backlog. An iterative server with backlog 1 does not accept: the first clients complete the handshake in the kernel's queue, the next client's SYN is dropped and retransmitted. The backlog is a queue length, not a limit on connections. Notes: section 3, listen.",
		"listen 的等待队列。一个 backlog 为 1、暂不 accept 的循环服务器：前几个客户端在内核队列中完成三次握手，后面客户端的 SYN 被丢弃并重传。backlog 是排队长度，不是最大连接数。对应讲义第三节 listen。")
	KeyLessonConcurrency = def("lesson.concurrency",
		"Concurrent servers. Several clients at once, each served on its own thread (a goroutine, the notes' multi-thread server); accept() returns a new socket on the same port for each, and the 4-tuple tells them apart. Then the multi-process server whose parent forgets to close its copy of the accepted socket: the connection stays in CLOSE_WAIT / FIN_WAIT_2 until the parent closes it. Notes: section 4.",
		"并发服务器。多个客户端同时连接，每个连接由一个线程处理（即讲义中的多线程服务器）；accept() 为每个客户端返回同一端口上的新套接字，靠四元组区分各个连接。然后是多进程服务器：父进程忘记关闭已接受套接字的副本，连接会一直停在 CLOSE_WAIT / FIN_WAIT_2，直到父进程关闭它。对应讲义第四节。")
	KeyLessonLongShort = def("lesson.long-short",
		"Long and short connections. Short: connect, send one line, close, again; a handshake and a teardown for every line, and a TIME_WAIT each. Long: many lines on one connection, one handshake and one teardown. Notes: section 3.",
		"长连接与短连接。短连接：连接、发一行、关闭，再来一次；每行数据都有一次握手和一次挥手，每次都留下一个 TIME_WAIT。长连接：一个连接上发送多行数据，只有一次握手和一次挥手。对应讲义第三节。")
	KeyLessonSimultaneous = def("lesson.simultaneous",
		"Simultaneous open and close. Two sockets bound to fixed ports connect to each other: the SYNs cross and both ends go through SYN_RECV, with no LISTEN. Then both ends send FIN at the same instant: the FINs cross and both go through CLOSING to TIME_WAIT. RFC 9293 Figures 8 and 13.",
		"同时打开与同时关闭。两个绑定固定端口的套接字互相连接：SYN 交叉而过，两端都经过 SYN_RECV，没有 LISTEN。然后两端同时发送 FIN：FIN 交叉而过，两端都经过 CLOSING 进入 TIME_WAIT。见 RFC 9293 图 8 和图 13。")

	KeyLessonStart = def("lesson.start",
		"Press any key to begin, → to step. Before the packets that matter you are asked what comes next (1–4, s skips), and the answer is explained; a score page ends the lesson. q quits.",
		"按任意键开始，按 → 单步前进。在关键的报文之前会先问你接下来会怎样（按 1–4 作答，s 跳过），作答后给出解释；本课最后显示得分页。按 q 退出。")
	KeyLessonLiveSource = def("lesson.source.live",
		"lesson {name}",
		"课程 {name}")
	KeyLessonRecordedSource = def("lesson.source.recorded",
		"lesson {name} (built-in recording)",
		"课程 {name}（内置录制）")
	KeyLessonMissing = def("lesson.missing",
		"(not in this build: {names})",
		"（此版本中没有：{names}）")
)
