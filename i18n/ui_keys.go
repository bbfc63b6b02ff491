package i18n

// Texts of the terminal UI added in the ui branch: the first demo screen,
// the help page's own keys, predict mode and the auto-pause toggle.
var (
	KeyUIDemoBegin = def("ui.demo.begin",
		"Press c to connect a client to the demo server and watch the three-way handshake. ? lists every key.",
		"按 c 让客户端连接演示服务器，观察三次握手。按 ? 查看全部按键。")
	KeyUIHelpClose = def("ui.help.close",
		"↑ ↓ PgUp PgDn scroll · ?, Esc or q closes this help",
		"↑ ↓ PgUp PgDn 滚动 · 按 ?、Esc 或 q 关闭帮助")
	KeyUIHelpPredict = def("ui.help.predict",
		"p: predict mode: before each packet that changes a state, guess the next state or the ack number (1–4, s skips)",
		"p：预测模式：在每个改变状态的包之前，先猜下一个状态或确认号（按 1–4 作答，s 跳过）")
	KeyUIHelpAutoPause = def("ui.help.autopause",
		"P: playback pauses at each packet that changes a state (space goes on)",
		"P：播放时在每个改变状态的包处暂停（空格继续）")
	KeyUIStatusPredict = def("ui.status.predict",
		"predict {right}/{asked}",
		"预测 {right}/{asked}")
	KeyUIStatusAutoPause = def("ui.status.autopause",
		"pause at changes",
		"状态变化处暂停")
)
