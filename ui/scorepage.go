package ui

import (
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
)

// A lesson ends with a score page in the explanation pane: the score,
// then each question's result (right, wrong, skipped) and its answer, for
// a teacher to show the class. It comes once every question has been
// answered (SetQuestionCount), or when a replay reaches its end.

// answered is one question's result, kept for the score page.
type answered struct {
	answer string
	choice int // -1: skipped
	right  bool
}

// record keeps the result of question q answered with choice.
func (p *predictor) record(q quiz.Question, choice int) {
	p.results = append(p.results, answered{answer: q.Choices[q.Answer], choice: choice, right: choice == q.Answer})
}

// SetQuestionCount tells how many questions the lesson asks: when all
// are answered, the score page shows.
func (a *App) SetQuestionCount(n int) { a.pr.total = n }

// lessonOver reports whether the score page shows at pos.
func (a *App) lessonOver(pos int) bool {
	p := &a.pr
	if !p.on || p.q != nil || p.score.Asked == 0 {
		return false
	}
	if p.total > 0 && p.score.Asked >= p.total {
		return true
	}
	return a.cfg.Mode == Replay && a.s.Info().Done && a.s.NextStep(pos, a.cur.Focused()) < 0
}

// ScoreLines are the score page: the score, then one line per question.
func (a *App) ScoreLines() []string {
	p := &a.pr
	l := a.lang
	out := []string{p.score.Text(l)}
	for i, r := range p.results {
		res := l.T(i18n.KeyQuizResWrong)
		switch {
		case r.choice < 0:
			res = l.T(i18n.KeyQuizResSkipped)
		case r.right:
			res = l.T(i18n.KeyQuizResRight)
		}
		out = append(out, l.F(i18n.KeyQuizPageLine, i18n.Args{"n": i + 1, "result": res, "answer": r.answer}))
	}
	return out
}

// scorePage is the score page as prompt lines.
func (a *App) scorePage() []PromptLine {
	lines := a.ScoreLines()
	out := []PromptLine{{Text: lines[0], Kind: PromptQuestion}}
	for i, s := range lines[1:] {
		k := PromptWrong
		switch r := a.pr.results[i]; {
		case r.choice < 0:
			k = PromptInfo
		case r.right:
			k = PromptRight
		}
		out = append(out, PromptLine{Text: s, Kind: k})
	}
	return out
}
