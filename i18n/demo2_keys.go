package i18n

// The live demo's server log, second round (issue 18): the connection
// list's number beside who did something, said as what it is, and only
// where it differs from the client's own number ("客户端2 #2" repeated
// it).
var (
	KeyDemoLogConn = def("demo.log.conn", "(connection #{n})", "（连接#{n}）")
)

// The d setting is sticky: every action it changes says it again in the
// log (issue 18: after d d a burst's connections all waited in
// FIN_WAIT_2, and only a pane title said why).
var (
	KeyDemoNoteStill1s = def("demo.note.still1s",
		"still set (d): the server waits 1 s after the client's FIN before close()",
		"仍在生效（d）：服务器收到客户端的FIN后等1秒再close()")
	KeyDemoNoteStillHold = def("demo.note.stillhold",
		"still set (d): the server calls close() only when you press X, so the client waits in FIN_WAIT_2",
		"仍在生效（d）：服务器要等按X才调用close()，客户端会停在FIN_WAIT_2")
)
