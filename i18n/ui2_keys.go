package i18n

// Keys of the ui2 branch (ladder marks, the kernel's view per step).
var (
	KeyUI2LadderMarks = def("ui2.ladder.marks",
		"In the ladder, a mark after a state: * corrected by a later packet, ? inferred, ~ assumed.",
		"时序图中状态名后的标记：* 表示已被后面的包更正，? 表示推断，~ 表示假定。")
)

// The kernel's view of the shown connection in the demo panel (issue 9
// defect 4): its client socket, server socket and the listener on the
// server's port, now or at the step the cursor is on.
var (
	KeyUI2KernelNow = def("ui2.kernel.now",
		"kernel now (ss): client {client} · server {server} · listener {listener}",
		"内核中的当前状态（ss）：客户端 {client} · 服务器 {server} · 监听套接字 {listener}")
	KeyUI2KernelStep = def("ui2.kernel.step",
		"kernel at this step (ss): client {client} · server {server} · listener {listener}",
		"内核在这一步的状态（ss）：客户端 {client} · 服务器 {server} · 监听套接字 {listener}")
	KeyUI2KernelNotRead = def("ui2.kernel.notread",
		"(kernel state not read at this step)",
		"（本步未读取内核状态）")
	KeyUI2NoSocket = def("ui2.kernel.nosocket", "no socket", "无套接字")
)
