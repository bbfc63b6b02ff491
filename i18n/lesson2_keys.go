package i18n

// The lessons' own questions (package quiz's lesson table): each prompt
// names who sends the next segment and never its flags; each explanation
// is shown with the answer. Parameters come from the recording at the
// question's step: {x} {y} {u} {v} the course's letters, {ack} the
// segment's acknowledgment number, {port} the server's port, {cport} the
// client's, {wait} a retransmission's delay, {dlen} the bytes just sent.
var (
	// handshake
	KeyLqHs2 = def("lq.hs.2",
		"The server answers the client's connection request, whose sequence number was x. Which acknowledgment number does the server's answer carry?",
		"服务器应答客户端的连接请求，该请求的序号为x。服务器的应答携带的确认号是多少？")
	KeyLqHs2Why = def("lq.hs.2.why",
		"x+1 = {ack}: a SYN takes one sequence number, so the next number the server expects is x+1; its own sequence number is y = {y}. The notes say x+1 is the packet's sequence number (数据包序号); what really happens is that x+1 is the acknowledgment number (确认号).",
		"x+1 = {ack}：SYN占用1个序号，所以服务器期待的下一个序号是x+1；服务器自己的序号是y = {y}。讲义说x+1是“数据包序号”；实际上x+1是确认号（ack），不是序号。")
	KeyLqHs3 = def("lq.hs.3",
		"The client answers the server's reply. Which state is the server in once the client's segment arrives?",
		"客户端回应服务器的应答。客户端的这个报文段到达后，服务器处于哪个状态？")
	KeyLqHs3Why = def("lq.hs.3.why",
		"ESTABLISHED: the segment acknowledges the server's SYN (ack = y+1). Only now can the server's accept() return the connection.",
		"ESTABLISHED：这个报文段确认了服务器的SYN（ack = y+1）。直到这时，服务器的accept()才能返回这个连接。")
	KeyLqHs4 = def("lq.hs.4",
		"The client calls close() after sending its line. Which state is the server in once the client's segment arrives?",
		"客户端发完一行数据后调用close()。客户端的报文段到达后，服务器处于哪个状态？")
	KeyLqHs4Why = def("lq.hs.4.why",
		"CLOSE_WAIT: the server has received the client's FIN, its recv() returns 0, and it waits for its own program to call close().",
		"CLOSE_WAIT：服务器收到了客户端的FIN，recv()返回0，等待服务器程序自己调用close()。")
	KeyLqHs5 = def("lq.hs.5",
		"The server's program calls close() too. Which state is the client in once the server's segment arrives?",
		"服务器程序也调用了close()。服务器的报文段到达后，客户端处于哪个状态？")
	KeyLqHs5Why = def("lq.hs.5.why",
		"TIME_WAIT: the segment acknowledges the client's FIN and carries the server's own FIN (Linux sends both in one segment when close() comes before its delayed ACK: three segments, not four). The client closed first, so it waits in TIME_WAIT.",
		"TIME_WAIT：这个报文段既确认了客户端的FIN，又带着服务器自己的FIN（close()早于延迟确认时，Linux把两者放在一个报文段里发送：三个报文段而不是四个）。客户端先关闭，所以由它在TIME_WAIT中等待。")

	// teardown
	KeyLqTd1 = def("lq.td.1",
		"The client's close() has sent its FIN; the server's program has not called close() yet. What does the server's kernel send now?",
		"客户端调用close()发出了FIN，服务器程序还没有调用close()。服务器的内核现在发送什么？")
	KeyLqTd1Why = def("lq.td.1.why",
		"Only an ACK: the kernel acknowledges the FIN by itself, but a FIN goes out only when the program calls close(). Until then the client waits in FIN_WAIT_2 and the server is in CLOSE_WAIT: the four segments of the textbook's four-way teardown.",
		"只发ACK：内核会自己确认FIN，但只有程序调用close()时才会发出FIN。在此之前，客户端在FIN_WAIT_2中等待，服务器处于CLOSE_WAIT：这就是课本上四次挥手的四个报文段。")
	KeyLqTd2 = def("lq.td.2",
		"The server's program calls close() at last. Which state is the client in once the server's segment arrives?",
		"服务器程序终于调用了close()。服务器的报文段到达后，客户端处于哪个状态？")
	KeyLqTd2Why = def("lq.td.2.why",
		"TIME_WAIT: the client, which closed first, has had its FIN acknowledged and now receives the server's FIN.",
		"TIME_WAIT：先关闭的客户端的FIN已被确认，现在又收到了服务器的FIN。")
	KeyLqTd3 = def("lq.td.3",
		"The client acknowledges the server's FIN, whose sequence number was u. Which acknowledgment number does the client's segment carry?",
		"客户端确认服务器的FIN，该FIN的序号为u。客户端的报文段携带的确认号是多少？")
	KeyLqTd3Why = def("lq.td.3.why",
		"u+1 = {ack}: a FIN takes one sequence number, like a SYN. The server, in LAST_ACK, goes to CLOSED when this arrives.",
		"u+1 = {ack}：FIN和SYN一样占用1个序号。处于LAST_ACK的服务器收到它后进入CLOSED。")
	KeyLqTd4 = def("lq.td.4",
		"Now the server's program calls close() first. Which state is the server in after its segment leaves?",
		"这次由服务器程序先调用close()。服务器的报文段发出后，服务器处于哪个状态？")
	KeyLqTd4Why = def("lq.td.4.why",
		"FIN_WAIT_1: the server is the active closer now and waits for the ACK of its FIN; the client goes to CLOSE_WAIT.",
		"FIN_WAIT_1：这次服务器是主动关闭方，等待对方确认自己的FIN；客户端进入CLOSE_WAIT。")
	KeyLqTd5 = def("lq.td.5",
		"The client's program calls close() in its turn. Which state is the server in once the client's segment arrives?",
		"客户端程序随后也调用了close()。客户端的报文段到达后，服务器处于哪个状态？")
	KeyLqTd5Why = def("lq.td.5.why",
		"TIME_WAIT: whoever closes first ends in TIME_WAIT, here the server. Linux keeps it a fixed 60 seconds (TCP_TIMEWAIT_LEN).",
		"TIME_WAIT：谁先关闭，谁就进入TIME_WAIT，这次是服务器。Linux让它固定保持60秒（TCP_TIMEWAIT_LEN）。")

	// time-wait and reuseaddr
	KeyLqTw1 = def("lq.tw.1",
		"The server closed first; now the client closes too. Which state is the server in once the client's segment arrives?",
		"服务器先关闭，现在客户端也关闭了。客户端的报文段到达后，服务器处于哪个状态？")
	KeyLqTw1Why = def("lq.tw.1.why",
		"TIME_WAIT: the active closer keeps the 4-tuple for a while, so that a lost last ACK can be sent again and old duplicate segments of this connection die out before the 4-tuple is used again (RFC 9293 §3.4, RFC 1337). Linux waits a fixed 60 seconds (TCP_TIMEWAIT_LEN), not a computed 2 × MSL. The notes say the port is “locked for minutes” (锁定几分钟); what really happens is 60 seconds, and only for this 4-tuple.",
		"TIME_WAIT：主动关闭方要把这个四元组保留一段时间，这样最后一个ACK丢失时可以重发，这个连接残留在网络中的旧报文段也能在四元组被再次使用前消失（RFC 9293 §3.4，RFC 1337）。Linux固定等待60秒（TCP_TIMEWAIT_LEN），并不是计算出来的2 × MSL。讲义说端口会被“锁定几分钟”；实际上是60秒，而且只针对这一个四元组。")
	KeyLqTw2 = def("lq.tw.2",
		"The server restarts while its old connection is in TIME_WAIT. Its new socket calls bind() on port {port} without SO_REUSEADDR. What happens?",
		"服务器程序停止监听后立即重启，而它的旧连接还处于TIME_WAIT。新套接字在不设SO_REUSEADDR的情况下对端口{port}调用bind()。会发生什么？")
	KeyLqTw2Why = def("lq.tw.2.why",
		"bind() fails with EADDRINUSE (Python: “Address already in use”): the connection in TIME_WAIT still holds port {port}. No packet shows it, because bind() is local; the recording's scenario saw the failure and then set SO_REUSEADDR.",
		"bind()失败，返回EADDRINUSE（Python报“地址已被占用”）：处于TIME_WAIT的连接仍占着端口{port}。报文中看不到这一点，因为bind()只在本机进行；录制时的场景确实遇到了这个失败，随后设置了SO_REUSEADDR。")
	KeyLqTw3 = def("lq.tw.3",
		"With SO_REUSEADDR set, bind() and listen() are called again, and client 2 connects. What does the server's kernel do with client 2's connection request?",
		"设置SO_REUSEADDR后重新调用bind()和listen()，客户端2发起连接。服务器的内核如何处理客户端2的连接请求？")
	KeyLqTw3Why = def("lq.tw.3.why",
		"It answers: with SO_REUSEADDR, bind() may share the port with the connection in TIME_WAIT, whose 4-tuple differs from every new one. What SO_REUSEADDR does not do: the notes say that in a multi-process server it lets the port connect many clients; what really happens is that every connection has its own 4-tuple, and that is what lets one port serve many clients, with or without SO_REUSEADDR.",
		"正常应答：设置SO_REUSEADDR后，bind()可以和处于TIME_WAIT的连接共用端口，那个连接的四元组与任何新连接都不同。SO_REUSEADDR做不到的是：讲义说在多进程服务器中它能让端口连接多个客户端；实际上每个连接都有自己的四元组，正是四元组让一个端口能服务多个客户端，设不设SO_REUSEADDR都一样。")
	KeyLqTw4 = def("lq.tw.4",
		"Client 2 binds the same local port {cport} as client 1, whose connection there is in TIME_WAIT, and connects to the same server again. Which client port does the new connection use?",
		"客户端2绑定与客户端1相同的本地端口{cport}（客户端1在这个端口上的连接处于TIME_WAIT），再次连接同一个服务器。新连接使用哪个客户端端口？")
	KeyLqTw4Why = def("lq.tw.4.why",
		"The same port {cport}, so the same 4-tuple: here on loopback Linux lets connect() take over its own TIME_WAIT 4-tuple (tcp_tw_reuse, with timestamps telling new segments from old), and the old TIME_WAIT ends at once. Between hosts a client usually lets the kernel pick a new port instead.",
		"仍是端口{cport}，也就是同一个四元组：在本机回环上，Linux允许connect()接管自己处于TIME_WAIT的四元组（tcp_tw_reuse，靠时间戳区分新旧报文段），旧的TIME_WAIT立即结束。在不同主机之间，客户端通常让内核选一个新端口。")

	// half-close
	KeyLqHc1 = def("lq.hc.1",
		"The client calls shutdown(SHUT_WR): it will send no more data. What does the server's recv() return once the client's segment arrives?",
		"客户端调用shutdown(SHUT_WR)，表示不再发送数据。客户端的报文段到达后，服务器的recv()返回什么？")
	KeyLqHc1Why = def("lq.hc.1.why",
		"0: the segment is the client's FIN. recv() returning 0 bytes is how a program learns that the peer will send no more (the notes: a received length of 0 means the client asked to close). The server is now in CLOSE_WAIT.",
		"0：这个报文段是客户端的FIN。recv()返回0字节，程序就知道对方不会再发送数据了（讲义：收到的数据长度为0，说明客户端发出了断开连接的请求）。服务器现在处于CLOSE_WAIT。")
	KeyLqHc2 = def("lq.hc.2",
		"The server's kernel answers the client's shutdown. Which state is the client in after this answer?",
		"服务器的内核应答客户端的关闭。收到应答后，客户端处于哪个状态？")
	KeyLqHc2Why = def("lq.hc.2.why",
		"FIN_WAIT_2: the client's FIN is acknowledged; the client waits for the server's FIN, and can still receive in the meantime.",
		"FIN_WAIT_2：客户端的FIN已被确认；客户端等待服务器的FIN，在此期间仍然可以接收数据。")
	KeyLqHc3 = def("lq.hc.3",
		"The server's program has not closed; it calls send() with its reply. What happens to the reply, now that the client has shut down its sending side?",
		"服务器程序还没有关闭，它调用send()发送回复。客户端已经关闭了发送方向，这个回复会怎样？")
	KeyLqHc3Why = def("lq.hc.3.why",
		"It arrives: a half-close (半关闭) closes one direction only. The client, in FIN_WAIT_2, still receives and acknowledges the server's {len} bytes; the server still sends.",
		"正常到达：半关闭只关闭一个方向。处于FIN_WAIT_2的客户端仍然接收并确认服务器的{len}字节；服务器仍然可以发送。")
	KeyLqHc4 = def("lq.hc.4",
		"The server calls close() after its reply. Which state is the server in after its segment leaves?",
		"服务器发完回复后调用close()。服务器的报文段发出后，服务器处于哪个状态？")
	KeyLqHc4Why = def("lq.hc.4.why",
		"LAST_ACK: the passive closer's FIN waits for the last ACK; the client goes to TIME_WAIT.",
		"LAST_ACK：被动关闭方发出FIN后等待最后一个ACK；客户端进入TIME_WAIT。")

	// reset
	KeyLqRs1 = def("lq.rs.1",
		"The client calls connect() to port {port}, where no program listens; its connection request is on its way. What does connect() return?",
		"客户端对没有程序监听的端口{port}调用connect()，连接请求已经发出。connect()返回什么？")
	KeyLqRs1Why = def("lq.rs.1.why",
		"-1 with ECONNREFUSED (Python: ConnectionRefusedError): the server's kernel answers a SYN to a port nobody listens on with RST (RFC 9293 §3.10.7.1). There never was a connection: no handshake, no teardown, no TIME_WAIT, and no server state.",
		"返回-1，errno为ECONNREFUSED（Python中抛出ConnectionRefusedError）：发往无人监听端口的SYN，服务器内核用RST回答（RFC 9293 §3.10.7.1）。这里从来没有建立过连接：没有握手，没有挥手，没有TIME_WAIT，服务器一端也没有任何状态。")
	KeyLqRs2 = def("lq.rs.2",
		"The client sets SO_LINGER to 0 seconds and calls close(). What does the server's next recv() return once the client's segment arrives?",
		"客户端把SO_LINGER设为0秒后调用close()。客户端的报文段到达后，服务器下一次调用recv()返回什么？")
	KeyLqRs2Why = def("lq.rs.2.why",
		"An error, ECONNRESET (Python: ConnectionResetError): with a zero linger, close() sends RST instead of FIN, and both ends drop the connection at once, to CLOSED. No TIME_WAIT on either side.",
		"出错，errno为ECONNRESET（Python中抛出ConnectionResetError）：SO_LINGER为0时，close()发送RST而不是FIN，两端立即丢弃连接，进入CLOSED。两边都没有TIME_WAIT。")
	KeyLqRs3 = def("lq.rs.3",
		"The reply is still unread when the client's program calls close(). What does the client's kernel send?",
		"客户端程序调用close()时，那段回复仍然没有读取。客户端的内核发送什么？")
	KeyLqRs3Why = def("lq.rs.3.why",
		"RST: close() with unread data in the receive queue makes Linux send RST, not FIN, to tell the peer that data was lost (tcp_close(); RFC 2525 §2.17). The server's next recv() fails with ECONNRESET.",
		"RST：接收队列里还有未读数据时调用close()，Linux发送RST而不是FIN，告诉对方有数据丢失（tcp_close()；RFC 2525 §2.17）。服务器下一次调用recv()会失败，返回ECONNRESET。")
	KeyLqRs4 = def("lq.rs.4",
		"The server sends a reply; the client's program does not read it. Which state is the client in once the reply arrives?",
		"服务器发送了一段回复，客户端程序没有读取。回复到达后，客户端处于哪个状态？")
	KeyLqRs4Why = def("lq.rs.4.why",
		"ESTABLISHED: data changes no state. The client's kernel acknowledges the bytes and keeps them in the receive queue until the program reads them.",
		"ESTABLISHED：数据不会改变状态。客户端内核确认收到这些字节，并把它们留在接收队列里，直到程序读取。")

	// backlog and the listen queue
	KeyLqBl1 = def("lq.bl.1",
		"Backlog 1, no accept(), client 1 waits in the queue. Client 2's request arrives: which state is client 2 in once the server's kernel answers?",
		"服务器以backlog 1调用了listen()，但不调用accept()。客户端1的连接在队列中等待时，客户端2的连接请求到达。服务器内核应答后，客户端2处于哪个状态？")
	KeyLqBl1Why = def("lq.bl.1.why",
		"ESTABLISHED: the kernel completes the handshake by itself; accept() only takes a finished connection out of the accept queue. (A half-open connection, SYN_RECV, waits in the SYN queue until the last ACK.)",
		"ESTABLISHED：握手由内核自己完成；accept()只是从全连接队列（accept队列）中取出已经完成握手的连接。（半连接，即SYN_RECV状态的连接，在收到最后一个ACK之前放在半连接队列（SYN队列）里。）")
	KeyLqBl2 = def("lq.bl.2",
		"Client 3 is about to send its connection request. How many connections have completed the handshake and wait in the accept queue (backlog 1, no accept())?",
		"客户端3即将发送连接请求。此时有多少个连接已完成握手、在accept队列中等待（backlog为1，没有调用accept()）？")
	KeyLqBl2Why = def("lq.bl.2.why",
		"2, that is backlog + 1: Linux admits a connection to the accept queue while the queue is not longer than the backlog (sk_acceptq_is_full: length > backlog). The notes are right that the backlog is a queue length, not a limit on connections.",
		"2个，即backlog + 1：只要队列长度不超过backlog，Linux就把连接放入accept队列（sk_acceptq_is_full：长度 > backlog）。讲义说得对：backlog是排队长度，不是最大连接数。")
	KeyLqBl3 = def("lq.bl.3",
		"Client 3's connection request met the full accept queue. What happens to it?",
		"客户端3的连接请求遇到了已满的accept队列。这个请求会怎样？")
	KeyLqBl3Why = def("lq.bl.3.why",
		"Dropped: with the accept queue full, Linux drops the SYN and sends nothing; the client's kernel sends the SYN again after its initial retransmission timeout of 1 second ({wait} s here). connect() only takes longer; it would fail (ETIMEDOUT) only after all its retries.",
		"被丢弃：accept队列已满时，Linux直接丢弃SYN，什么也不回；客户端内核在初始重传超时（1秒）后重发SYN（这里是{wait}秒）。connect()只是等得更久，只有所有重试都失败后才会返回ETIMEDOUT。")
	KeyLqBl4 = def("lq.bl.4",
		"The server's program now calls accept() and serves clients 1 and 2; client 3's request comes again. Is it refused because backlog 1 allows only so many clients?",
		"服务器程序现在调用accept()，服务完客户端1和2；客户端3的请求再次到来。它会因为backlog为1只允许这么多客户端而被拒绝吗？")
	KeyLqBl4Why = def("lq.bl.4.why",
		"No, it is answered: accept() emptied the queue, and the backlog bounds only the connections not yet accepted, not how many a server serves (the notes: not the maximum number of connections).",
		"不会，它得到了应答：accept()已经清空了队列；backlog限制的只是还没被accept()取走的连接，而不是服务器能服务的连接数（讲义：不是最大连接数）。")

	// concurrency, accept, the server models
	KeyLqCc1 = def("lq.cc.1",
		"Client 2 sends its connection request while client 1 is being connected. Which state is the server's listening socket in once it arrives?",
		"客户端1正在建立连接时，客户端2也发出了连接请求。请求到达后，服务器的监听套接字处于哪个状态？")
	KeyLqCc1Why = def("lq.cc.1.why",
		"LISTEN: the listening socket never leaves LISTEN. Each accept() returns a new socket for one connection, and the listener goes on taking the next requests.",
		"LISTEN：监听套接字始终处于LISTEN。每次accept()为一个连接返回一个新的套接字，监听套接字继续接收后面的连接请求。")
	KeyLqCc2 = def("lq.cc.2",
		"accept() will return a new socket for client 2. Which local port does that new socket use?",
		"accept()将为客户端2返回一个新的套接字。这个新套接字使用哪个本地端口？")
	KeyLqCc2Why = def("lq.cc.2.why",
		"Port {port}, the listening socket's: the server's segments for client 2 come from it. The notes say the new socket gets a random port (端口随机); what really happens is that it shares the listener's port, and the 4-tuple (client address and port, server address and port) tells the connections apart.",
		"端口{port}，与监听套接字相同：服务器发给客户端2的报文段就来自这个端口。讲义说新套接字的端口是随机的；实际上它和监听套接字共用同一个端口，靠四元组（客户端地址和端口、服务器地址和端口）区分各个连接。")
	KeyLqCc3 = def("lq.cc.3",
		"A fifth client connects to port {port} while four connections to it are open. What tells the server's five connections apart?",
		"已有四个连接连到端口{port}时，第五个客户端也连了上来。服务器靠什么区分这五个连接？")
	KeyLqCc3Why = def("lq.cc.3.why",
		"The 4-tuple: all five share the server's address and port {port}; each client's address and port differ. The notes say SO_REUSEADDR lets the port connect many clients in a multi-process server; what really happens is that one port serves many clients because every connection has its own 4-tuple. SO_REUSEADDR only lets bind() succeed while old connections on the port are in TIME_WAIT.",
		"四元组：五个连接的服务器地址和端口{port}都相同，而每个客户端的地址和端口各不相同。讲义说在多进程服务器中SO_REUSEADDR能让端口连接多个客户端；实际上一个端口能服务多个客户端，是因为每个连接都有自己的四元组。SO_REUSEADDR只是让端口上还有TIME_WAIT连接时bind()也能成功。")
	KeyLqCc4 = def("lq.cc.4",
		"Multi-process server: the client has closed; the child process's recv() returns 0, so it calls close() and exits, but the parent has not closed its copy of conn. Does the server's next segment carry a FIN?",
		"多进程服务器：客户端已经关闭；子进程的recv()返回0，于是调用close()并退出，但父进程没有关闭自己的conn副本。服务器发出的下一个报文段带FIN吗？")
	KeyLqCc4Why = def("lq.cc.4.why",
		"No FIN, only an ACK: after fork() parent and child each hold a copy of the same socket, and close() only drops one; the kernel sends FIN when the last copy is closed. The parent's copy keeps the connection in CLOSE_WAIT (the client in FIN_WAIT_2). That is why, in the notes, the parent closes conn right after starting the child.",
		"没有FIN，只有ACK：fork()之后父进程和子进程各持有同一个套接字的一个副本，close()只去掉其中一个；最后一个副本被关闭时内核才发送FIN。父进程的副本让连接一直停在CLOSE_WAIT（客户端停在FIN_WAIT_2）。所以讲义中父进程在启动子进程后要立即关闭conn。")
	KeyLqCc5 = def("lq.cc.5",
		"The parent closes its copy at last. Which state is the server's socket in after its segment leaves?",
		"父进程终于关闭了自己的副本。服务器的报文段发出后，服务器的套接字处于哪个状态？")
	KeyLqCc5Why = def("lq.cc.5.why",
		"LAST_ACK: the last copy is gone, so the FIN goes out now. A multi-thread server is the opposite: its threads share one socket, not copies, so the main thread must not close conn, or the thread serving it loses it (the notes: the main difference between the two servers is whether conn must be closed).",
		"LAST_ACK：最后一个副本已关闭，FIN现在才发出。多线程服务器正好相反：各线程共用同一个套接字，而不是副本，所以主线程不能关闭conn，否则为它服务的线程也就失去了这个套接字（讲义：多线程和多进程服务器的主要区别就在于是否需要关闭conn）。")

	// long and short connections
	KeyLqLs1 = def("lq.ls.1",
		"Client 1's short connection has closed, and client 2 connects to the same server. Which client port does client 2 use?",
		"客户端1的短连接已经关闭，客户端2连接同一个服务器。客户端2使用哪个客户端端口？")
	KeyLqLs1Why = def("lq.ls.1.why",
		"A new port ({cport}): the kernel picks an ephemeral port for every connect() that is not bound to one; client 1's port is still held by its TIME_WAIT.",
		"一个新端口（{cport}）：没有绑定端口的connect()每次都由内核选一个临时端口；客户端1的端口仍被它的TIME_WAIT占着。")
	KeyLqLs2 = def("lq.ls.2",
		"The fifth short connection ends with the client's last ACK. How many of the five connections are left in TIME_WAIT on the clients' side?",
		"第五个短连接以客户端的最后一个ACK结束。五个连接中，有几个在客户端一侧处于TIME_WAIT？")
	KeyLqLs2Why = def("lq.ls.2.why",
		"All 5: every short connection whose client closes first leaves its own TIME_WAIT, one per 4-tuple, for 60 seconds on Linux. A client making many short connections ties up that many ports.",
		"5个全部：每个由客户端先关闭的短连接都会留下自己的TIME_WAIT，每个四元组一个，在Linux上保持60秒。频繁建立短连接的客户端会因此占用大量端口。")
	KeyLqLs3 = def("lq.ls.3",
		"On the long connection the client sends its second line. How many handshakes has this connection had?",
		"在长连接上，客户端发送第二行数据。到现在这个连接一共经历了几次握手？")
	KeyLqLs3Why = def("lq.ls.3.why",
		"One: a long connection opens once and carries many lines (the notes: watching a video, playing an online game); each line is only a data segment and its ACK.",
		"一次：长连接只建立一次，之后传送很多行数据（讲义：看网络视频、玩在线游戏）；每一行只是一个数据报文段和它的ACK。")
	KeyLqLs4 = def("lq.ls.4",
		"The server acknowledges the client's first line: {dlen} bytes, starting at sequence number x+1. Which acknowledgment number does the server's segment carry?",
		"服务器确认客户端的第一行数据：{dlen}字节，从序号x+1开始。服务器的报文段携带的确认号是多少？")
	KeyLqLs4Why = def("lq.ls.4.why",
		"{answer} = {ack}: the SYN took x, the {dlen} bytes took the numbers from x+1 on, and the acknowledgment names the next byte expected. Acknowledgment numbers count bytes, not packets.",
		"{answer} = {ack}：SYN占用了x，{dlen}个字节占用了从x+1开始的序号，确认号是期待收到的下一个字节的序号。确认号按字节计数，而不是按报文计数。")

	// simultaneous open and close
	KeyLqSm1 = def("lq.sm.1",
		"Peers A and B send each other a connection request at the same time: the requests cross. Which state is peer A in once both have arrived?",
		"端点A发给端点B的连接请求还在路上时，端点B也向A发出了自己的连接请求：两个请求交叉而过。两个请求都到达后，端点A处于哪个状态？")
	KeyLqSm1Why = def("lq.sm.1.why",
		"SYN_RECV: each peer was in SYN_SENT and received a SYN without an ACK, so each answers with SYN+ACK and waits in SYN_RECV; nobody was in LISTEN (RFC 9293 Figure 8).",
		"SYN_RECV：两个端点都处于SYN_SENT，又都收到了不带ACK的SYN，于是各自回复SYN+ACK，在SYN_RECV中等待；没有哪一端处于LISTEN（RFC 9293 图8）。")
	KeyLqSm2 = def("lq.sm.2",
		"Peer A answers B's request (sequence number y) and repeats its own (sequence number x). Which acknowledgment number does A's segment carry?",
		"端点A应答B的请求（序号y），同时重复自己的请求（序号x）。A的报文段携带的确认号是多少？")
	KeyLqSm2Why = def("lq.sm.2.why",
		"y+1 = {ack}: A acknowledges B's SYN, which took one sequence number.",
		"y+1 = {ack}：A确认的是B的SYN，SYN占用1个序号。")
	KeyLqSm3 = def("lq.sm.3",
		"Now both ends call close() at the same instant, each before hearing from the other. Which state is the client in once the server's segment arrives?",
		"现在两端在同一时刻调用close()，谁都还没收到对方的报文段。服务器的报文段到达后，客户端处于哪个状态？")
	KeyLqSm3Why = def("lq.sm.3.why",
		"CLOSING: the FINs crossed. The client was in FIN_WAIT_1 and received a FIN that does not acknowledge its own (RFC 9293 Figure 13).",
		"CLOSING：两个FIN交叉而过。客户端处于FIN_WAIT_1，收到的FIN并没有确认它自己的FIN（RFC 9293 图13）。")
	KeyLqSm4 = def("lq.sm.4",
		"The client acknowledges the server's FIN. Which state is the server in once the client's segment arrives?",
		"客户端确认服务器的FIN。客户端的报文段到达后，服务器处于哪个状态？")
	KeyLqSm4Why = def("lq.sm.4.why",
		"TIME_WAIT: from CLOSING, the ACK of its FIN takes the server to TIME_WAIT; after a simultaneous close both ends wait in TIME_WAIT.",
		"TIME_WAIT：处于CLOSING的服务器收到对自己FIN的确认后进入TIME_WAIT；同时关闭之后，两端都要在TIME_WAIT中等待。")

	// The choices of Result questions.
	KeyLqOutRefused    = def("lq.out.refused", "The server's kernel answers RST: connect() fails with ECONNREFUSED", "服务器内核回复RST：connect()失败，返回ECONNREFUSED")
	KeyLqOutAccepted   = def("lq.out.accepted", "The server's kernel answers with SYN+ACK: the handshake goes on", "服务器内核回复SYN+ACK：握手继续进行")
	KeyLqOutDropped    = def("lq.out.dropped", "It is dropped; the client's kernel sends it again about 1 s later", "被丢弃；客户端内核大约1秒后重发")
	KeyLqOutConnected  = def("lq.out.connected", "0: connected", "返回0：连接成功")
	KeyLqOutConnRefuse = def("lq.out.connrefused", "-1, ECONNREFUSED: the server's kernel answers RST", "返回-1，ECONNREFUSED：服务器内核回复RST")
	KeyLqOutConnWait   = def("lq.out.connwait", "It blocks and sends the SYN again until ETIMEDOUT", "阻塞，反复重发SYN，直到ETIMEDOUT")
	KeyLqOutConnInUse  = def("lq.out.conninuse", "-1, EADDRINUSE: the port is in use", "返回-1，EADDRINUSE：端口已被占用")
	KeyLqOutAckOnly    = def("lq.out.ackonly", "Only an ACK: no FIN yet", "只有ACK：还没有FIN")
	KeyLqOutFinAck     = def("lq.out.finack", "Its FIN, together with the ACK", "自己的FIN，和ACK一起发出")
	KeyLqOutRst        = def("lq.out.rst", "An RST", "RST")
	KeyLqOutBindFail   = def("lq.out.bindfail", "bind() fails: EADDRINUSE", "bind()失败：EADDRINUSE")
	KeyLqOutBindOK     = def("lq.out.bindok", "bind() succeeds", "bind()成功")
	KeyLqOutBindWait   = def("lq.out.bindwait", "bind() blocks until the TIME_WAIT ends", "bind()阻塞，直到TIME_WAIT结束")
	KeyLqOutBindKill   = def("lq.out.bindkill", "bind() succeeds and resets the old connection", "bind()成功，并复位旧连接")
	KeyLqOutSamePort   = def("lq.out.sameport", "The same port as before", "和之前相同的端口")
	KeyLqOutNewPort    = def("lq.out.newport", "A new port the kernel picks", "内核选的新端口")
	KeyLqOutNoConnect  = def("lq.out.noconnect", "None: connect() fails with EADDRINUSE", "无法连接：connect()失败，返回EADDRINUSE")
	KeyLqOutRecvZero   = def("lq.out.recvzero", "0: the end of the data", "0：数据结束")
	KeyLqOutRecvReset  = def("lq.out.recvreset", "-1, ECONNRESET: an error", "返回-1，ECONNRESET：出错")
	KeyLqOutRecvBlock  = def("lq.out.recvblock", "Nothing: recv() goes on waiting", "什么也不返回：recv()继续等待")
	KeyLqOutRecvData   = def("lq.out.recvdata", "The bytes of the segment", "报文段中的数据")
	KeyLqOutHalfYes    = def("lq.out.halfyes", "It arrives, and the client acknowledges it", "正常到达，客户端确认收到")
	KeyLqOutHalfPipe   = def("lq.out.halfpipe", "send() fails: EPIPE", "send()失败：EPIPE")
	KeyLqOutHalfRst    = def("lq.out.halfrst", "The client's kernel answers RST", "客户端内核回复RST")
	KeyLqOutHalfDrop   = def("lq.out.halfdrop", "The client's kernel throws it away", "客户端内核把它丢弃")
	KeyLqOutFin        = def("lq.out.fin", "A FIN, as every close()", "FIN，和每次close()一样")
	KeyLqOutRstLost    = def("lq.out.rstlost", "An RST: the unread data is lost", "RST：未读的数据丢失了")
	KeyLqOutNothing    = def("lq.out.nothing", "Nothing until the data is read", "数据被读取之前什么也不发")
	KeyLqOutListenPort = def("lq.out.listenport", "{port}, the listening socket's port", "{port}，与监听套接字相同")
	KeyLqOutRandomPort = def("lq.out.randomport", "A new random port", "一个新的随机端口")
	KeyLqOutClientPort = def("lq.out.clientport", "Client 2's own port", "客户端2自己的端口")
	KeyLqOutReuse      = def("lq.out.reuse", "SO_REUSEADDR", "SO_REUSEADDR")
	KeyLqOutTuple      = def("lq.out.tuple", "The 4-tuple: each client's address and port differ", "四元组：每个客户端的地址和端口各不相同")
	KeyLqOutPortEach   = def("lq.out.porteach", "A server port for each connection", "每个连接一个服务器端口")
	KeyLqOutBacklog    = def("lq.out.backlog", "The listen backlog", "listen的backlog")
	KeyLqOutOne        = def("lq.out.one", "1", "1")
	KeyLqOutTwo        = def("lq.out.two", "2", "2")
	KeyLqOutFive       = def("lq.out.five", "5", "5")
	KeyLqOutZero       = def("lq.out.zero", "0", "0")
	KeyLqOutOnePerLine = def("lq.out.oneperline", "One for each line", "每行一次")
	KeyLqOutNoLimit    = def("lq.out.nolimit", "No: it is answered with SYN+ACK", "不会：它得到了SYN+ACK应答")
	KeyLqOutLimit      = def("lq.out.limit", "Yes: the server's kernel answers RST", "会：服务器内核回复RST")
	KeyLqOutLimitDrop  = def("lq.out.limitdrop", "Yes: it is dropped until a client disconnects", "会：在某个客户端断开之前一直被丢弃")
)

// The notes' server chapter: the lessons' introductions, and synfin
// lesson --print's lines.
var (
	KeyLessonListenQueue = def("lesson.listen-queue",
		"The SYN queue and the accept queue (backlog + 1). listen(backlog) gives the kernel two queues: half-open connections (SYN_RECV) wait in the SYN queue, finished handshakes (ESTABLISHED) in the accept queue until accept() takes them. With backlog 1 and no accept(), two connections wait (backlog + 1) and the third client's SYN is dropped. The listener itself never leaves LISTEN. Notes: section 3, listen.",
		"半连接队列与全连接队列（backlog + 1）。listen(backlog)让内核维护两个队列：半连接（SYN_RECV）在半连接队列（SYN队列）中等待，完成握手的连接（ESTABLISHED）在全连接队列（accept队列）中等待accept()取走。backlog为1且不调用accept()时，有两个连接在排队（backlog + 1），第三个客户端的SYN被丢弃。监听套接字自己始终处于LISTEN。对应讲义第三节 listen。")
	KeyLessonAccept = def("lesson.accept",
		"accept() and the new socket. Each accept() returns a new socket for one client while the listening socket stays in LISTEN. The notes say the new socket gets a random port; what really happens is that it shares the listener's port, and the 4-tuple tells the connections apart. Notes: section 3, accept.",
		"accept()与新套接字。每次accept()为一个客户端返回一个新的套接字，监听套接字仍处于LISTEN。讲义说新套接字的端口是随机的；实际上它与监听套接字共用同一个端口，靠四元组区分各个连接。对应讲义第三节 accept。")
	KeyLessonProcessThread = def("lesson.process-thread",
		"Multi-process against multi-thread server. After fork() parent and child hold copies of the accepted socket: the child's close() sends no FIN while the parent keeps its copy, so the parent must close conn. Threads share one socket: the main thread must not close it. recv() returning 0 is how the handler learns the client closed. Notes: section 4.",
		"多进程服务器与多线程服务器。fork()之后，父进程和子进程各持有已接受套接字的一个副本：父进程保留副本时，子进程的close()不会发出FIN，所以父进程必须关闭conn。多线程共用同一个套接字：主线程不能关闭它。处理函数通过recv()返回0得知客户端已关闭。对应讲义第四节。")
	KeyLessonSoReuseaddr = def("lesson.so-reuseaddr",
		"SO_REUSEADDR: what it does and what it does not. It lets a restarted server bind() its port while old connections on it are in TIME_WAIT (60 s on Linux). The notes say it lets the port connect many clients in a multi-process server; what really happens is that every connection has its own 4-tuple, which lets one port serve many clients with or without SO_REUSEADDR. Notes: section 4.",
		"SO_REUSEADDR：它能做什么，不能做什么。它让重启的服务器在端口上还有TIME_WAIT连接（Linux上为60秒）时也能bind()成功。讲义说在多进程服务器中它能让端口连接多个客户端；实际上每个连接都有自己的四元组，正是四元组让一个端口能服务多个客户端，设不设SO_REUSEADDR都一样。对应讲义第四节。")

	KeyLessonPrintHead = def("lesson.print.head",
		"Lesson {name}: {n} questions; the answers come from the built-in recording.",
		"课程{name}：共{n}题，答案取自内置录制。")
	KeyLessonPrintAnswer = def("lesson.print.answer", "Answer: {answer}", "答案：{answer}")
)
