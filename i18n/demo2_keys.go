package i18n

// The live demo's server log, second round (issue 18): the connection
// list's number beside who did something, said as what it is, and only
// where it differs from the client's own number ("客户端2 #2" repeated
// it).
var (
	KeyDemoLogConn = def("demo.log.conn", "(connection #{n})", "（连接#{n}）")
)
