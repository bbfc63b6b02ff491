package i18n

// The exported web page (synfin export) and the corrected ladder of the
// diagram exports.
var (
	KeyLadderCorrected = def("ladder.corrected", "corrected", "已更正")
)

// The web page's own texts.
var (
	KeyWebTitle      = def("web.title", "synfin replay: {file}", "synfin 回放：{file}")
	KeyWebConn       = def("web.conn", "Connection", "连接")
	KeyWebStep       = def("web.step", "Step {k} of {n}", "第{k}步，共{n}步")
	KeyWebPacket     = def("web.packet", "packet #{n}", "第{n}个包")
	KeyWebTimer      = def("web.timerstep", "timer", "计时器")
	KeyWebBefore     = def("web.before", "Before the first packet of this connection: the states the capture implies before it starts.", "本连接的第一个包之前：抓包开始前可推知的状态。")
	KeyWebHome       = def("web.home", "First (Home)", "开头（Home）")
	KeyWebBack       = def("web.back", "Back (←)", "上一步（←）")
	KeyWebPlay       = def("web.play", "Play (space)", "播放（空格）")
	KeyWebPause      = def("web.pause", "Pause (space)", "暂停（空格）")
	KeyWebNext       = def("web.next", "Next (→)", "下一步（→）")
	KeyWebEnd        = def("web.end", "Last (End)", "末尾（End）")
	KeyWebSpeed      = def("web.speed", "Speed", "速度")
	KeyWebPredict    = def("web.predict", "Predict mode (p)", "预测模式（p）")
	KeyWebPredictOn  = def("web.predicton", "Predict mode: before each packet that changes a state, choose what comes next.", "预测模式：在每个会改变状态的包之前，先选出接下来会发生什么。")
	KeyWebSkip       = def("web.skip", "Skip (s)", "跳过（s）")
	KeyWebShow       = def("web.show", "Show the packet (→)", "显示这个包（→）")
	KeyWebStates     = def("web.states", "States", "状态")
	KeyWebFinal      = def("web.final", "Final states:", "最终状态：")
	KeyWebRevisions  = def("web.revisions", "Corrections", "更正")
	KeyWebRevision   = def("web.revision", "Packet #{by} shows that the {who} was not in {believed} (believed since packet #{n}): the sequence diagram draws the corrected path.", "第{by}个包表明，此前认为{who}自第{n}个包起处于{believed}是错的：时序图画的是更正后的路径。")
	KeyWebRevLater   = def("web.revlater", "A later packet (#{by}) shows this was wrong for the {who}: it did not go to {state} here.", "后面的第{by}个包表明这里的判断有误：{who}此时并没有进入{state}。")
	KeyWebConfidence = def("web.confidence", "How it is known", "依据")
	KeyWebConfLine   = def("web.confline", "{who} → {state}: {conf}", "{who} → {state}：{conf}")
	KeyWebConfSeen   = def("web.conf.seen", "seen (its own segments show it)", "可见（该端自己发出的报文表明）")
	KeyWebConfInf    = def("web.conf.inferred", "inferred (from a segment sent to it; its delivery is assumed)", "推断（根据发给它的报文，假定该报文已送达）")
	KeyWebConfAssume = def("web.conf.assumed", "assumed (a timer, an assumed listener or a connection joined late: not in the packets)", "假定（计时器、假定的监听方或中途加入的连接：报文中看不到）")
	KeyWebNoScript   = def("web.noscript", "This page needs JavaScript to show the replay: allow it for this file.", "本页面需要启用JavaScript才能显示回放，请允许此文件运行脚本。")
	KeyWebNoConn     = def("web.noconn", "This page has no connection {asked}: it shows connection {shown}.", "本页没有第{asked}号连接，显示的是第{shown}号连接。")
	KeyWebMadeBy     = def("web.madeby", "Made by synfin export from {file}.", "由synfin export根据{file}生成。")
)
