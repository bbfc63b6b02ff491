package i18n

// Predict mode (package quiz): the questions asked before a
// state-changing packet, in the TUI (p, synfin lesson) and the web page.
var (
	KeyQuizState   = def("quiz.state", "Packet #{n} ({flags}) is next. Which state will the {who} be in after it?", "下一个是第{n}个包（{flags}）。它之后{who}处于哪个状态？")
	KeyQuizAck     = def("quiz.ack", "Packet #{n} ({flags}) is next: it acknowledges the {peer}'s {what}, whose seq was {acked}. Which acknowledgment number does it carry?", "下一个是第{n}个包（{flags}），它确认{peer}的{what}，那个{what}的seq是{acked}。它携带的确认号是多少？")
	KeyQuizRight   = def("quiz.right", "Right: {answer}.", "答对了：{answer}。")
	KeyQuizWrong   = def("quiz.wrong", "Not quite: the answer is {answer}.", "不对，正确答案是{answer}。")
	KeyQuizSkipped = def("quiz.skipped", "Skipped: the answer is {answer}.", "已跳过，答案是{answer}。")
	KeyQuizScore   = def("quiz.score", "Score: {right} of {asked} right ({skipped} skipped).", "得分：共{asked}题，答对{right}题（跳过{skipped}题）。")
	KeyQuizKeys    = def("quiz.keys", "1–4 answer · s skip", "1–4 作答 · s 跳过")
)
