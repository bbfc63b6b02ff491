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

// Observer v2 in the terminal UI: corrections, confidence, what the
// packets cannot tell.
var (
	KeyUIRevisions = def("ui.revisions", "Corrected by this packet", "本包作出的更正")
	KeyUIRevised   = def("ui.revised",
		"This packet shows that the {who} never was in {believed}, as packet #{packet} made it seem; after this packet it is in {now}.",
		"这个包表明：{who}其实并没有处于{believed}（第{packet}个包让人这样以为）；这个包之后它处于{now}。")
	KeyUIRevisedTimer = def("ui.revised.timer",
		"This packet shows that the {who} never was in {believed}, as a timer made it seem; after this packet it is in {now}.",
		"这个包表明：{who}其实并没有处于{believed}（之前由计时器推断）；这个包之后它处于{now}。")
	KeyUIConfInferred = def("ui.conf.inferred", "inferred", "推断")
	KeyUIConfAssumed  = def("ui.conf.assumed", "assumed", "假定")
	KeyUIConfLegend   = def("ui.conf.legend",
		"inferred: follows from a packet sent to that end, its arrival assumed (a later packet may correct it); assumed: no packet shows it (a timer, an assumed listener, a capture that joined late).",
		"推断：由发往该端的包得出，假定它已到达（后面的包可能更正它）；假定：没有任何包能证明（计时器、假定存在的监听套接字、中途开始的抓包）。")
	KeyUICannotTell = def("ui.cannottell", "What the packets cannot tell", "数据包无法说明的情况")
)
