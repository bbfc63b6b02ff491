package i18n

// A lesson's score page (issue 18): each question's result and answer.
var (
	KeyQuizResRight   = def("quiz.res.right", "right", "答对")
	KeyQuizResWrong   = def("quiz.res.wrong", "wrong", "答错")
	KeyQuizResSkipped = def("quiz.res.skipped", "skipped", "跳过")
	KeyQuizPageLine   = def("quiz.page.line", "{n}. {result} · answer: {answer}", "{n}. {result} · 答案：{answer}")
)
