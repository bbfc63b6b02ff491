package demo

import (
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/i18n"
)

// TestLogLine: the server log in plain words, fully in Chinese (issue 12),
// with the connection list's numbers (issue 9, defect 6).
func TestLogLine(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, time.Local)
	srv, cli := loop(7788), loop(40000)
	ids := func(c, s netip.AddrPort, _ time.Time) (uint64, bool) {
		if c == cli && s == srv {
			return 11, true
		}
		return 0, false
	}
	for _, c := range []struct {
		ev     Event
		en, zh string
	}{
		{Event{Time: at, Who: "server", Kind: KindListening, Local: srv, Listen: &ListenInfo{Model: Process, Backlog: 5, ReuseAddr: true}},
			"09:30:00 server: listening: multi-process model, backlog 5, SO_REUSEADDR on",
			"09:30:00 服务器：开始监听：多进程模型，backlog 5，SO_REUSEADDR已开启"},
		{Event{Time: at, Who: "client 1", Kind: KindClosed, Local: cli, Remote: srv, Text: "FIN sent"},
			"09:30:00 client 1 (connection #11): close()", "09:30:00 客户端1（连接#11）：close()关闭"},
		{Event{Time: at, Who: "client 11", Kind: KindClosed, Local: cli, Remote: srv, Text: "FIN sent"},
			"09:30:00 client 11: close()", "09:30:00 客户端11：close()关闭"},
		{Event{Time: at, Who: "server child 12028", Kind: KindChildStarted, Local: srv, Remote: cli},
			"09:30:00 child 12028 (connection #11): child process serves the socket", "09:30:00 子进程12028（连接#11）：子进程处理该套接字"},
		{Event{Time: at, Who: "client (closed port)", Kind: KindRefused, Local: loop(40001), Remote: loop(7789)},
			"09:30:00 client (closed port): connection refused (RST answered the SYN) → 127.0.0.1:7789",
			"09:30:00 客户端（未监听端口）：连接被拒绝（RST回应了SYN） → 127.0.0.1:7789"},
		{Event{Time: at, Who: "server", Kind: KindAccepted, Local: srv, Remote: cli},
			"09:30:00 server (connection #11): accept() returned a new socket (client 127.0.0.1:40000) on the listening socket's port 7788; the notes say it gets a random port, but it shares the listener's: the 4-tuple tells connections apart",
			"09:30:00 服务器（连接#11）：accept()返回新的套接字（客户端127.0.0.1:40000），端口仍是监听套接字的7788；讲义说新套接字的端口是随机的，实际上它与监听套接字共用端口：靠四元组区分各个连接"},
		{Event{Time: at, Who: "server", Kind: KindReceived, Local: srv, Remote: cli, Text: "hi\x1b]0;x\x07 你好"},
			`09:30:00 server (connection #11): recv() "hi\x1b]0;x\x07 你好"`, `09:30:00 服务器（连接#11）：recv()收到 "hi\x1b]0;x\x07 你好"`},
		{Event{Time: at, Who: "demo", Kind: KindError, Note: i18n.KeyDemoErrNotAccepted, Args: i18n.Args{"n": 3}},
			"09:30:00 demo: the iterative server has not accepted client 3 yet (it serves one client at a time; this one waits in the backlog): close the other client first",
			"09:30:00 演示：迭代服务器还没有accept客户端3（它一次只服务一个客户端，这个连接在backlog中等待）：请先关闭另一个客户端"},
	} {
		if got := LogLine(i18n.En, c.ev, ids); got != c.en {
			t.Errorf("en:\n got %q\nwant %q", got, c.en)
		}
		if got := LogLine(i18n.Zh, c.ev, ids); got != c.zh {
			t.Errorf("zh:\n got %q\nwant %q", got, c.zh)
		}
	}
}
