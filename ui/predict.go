package ui

import (
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/view"
)

// predictor is predict mode (key p) and the pause at each state change
// (key P, live and demo). In predict mode the cursor stops before every
// step that changes a state and the explanation pane asks what comes next
// (quiz.For); 1–4 answer, s skips; the answer is revealed with the
// step's explanation, and the score goes to the status bar. It belongs to
// the UI goroutine.
type predictor struct {
	on        bool // predict mode
	autoPause bool // pause at each state change (live and demo)

	q      *quiz.Question // the question waiting for an answer
	qStep  session.Step   // the step it is about
	passed int            // a step the gate lets through (answered)
	reveal []PromptLine   // the answer, shown while the cursor is on revealAt
	revAt  int
	score  quiz.Score
	intro  []PromptLine // a lesson's introduction, until the first key
	// hidden: a question arrived while the introduction was up; the
	// key that dismisses the introduction does not answer it.
	hidden bool
	// ask, when set, asks a lesson's own questions instead of quiz.For's.
	ask func(s *session.Session, i int, l i18n.Lang) (quiz.Question, bool)
	// The score page (scorepage.go): each answer, and how many to expect.
	results []answered
	total   int
}

// statesBefore returns both endpoints' states just before step st.
func (a *App) statesBefore(st *session.Step) [2]fsm.State {
	if c, ok := a.s.ConnAt(st.ConnID, st.Index-1); ok {
		return c.State
	}
	return [2]fsm.State{fsm.Unknown, fsm.Unknown}
}

// question returns the question predict mode asks before step i, if any.
func (a *App) question(i int) (quiz.Question, session.Step, bool) {
	if a.pr.ask != nil {
		st, ok := a.s.Step(i)
		if !ok {
			return quiz.Question{}, st, false
		}
		q, ok := a.pr.ask(a.s, i, a.lang)
		return q, st, ok
	}
	st, ok := a.s.Step(i)
	if !ok || !changes(&st) { // no question: spare ConnAt (catchUp asks of every new step)
		return quiz.Question{}, st, false
	}
	q, ok := quiz.For(&st, a.statesBefore(&st))
	return q, st, ok
}

// gate is the Player's Gate and the check before every forward move: in
// predict mode it stops before a step with a question, and sets the
// question.
func (a *App) gate(next int) bool {
	p := &a.pr
	if !p.on || next == p.passed || next < 0 {
		return false
	}
	q, st, ok := a.question(next)
	if !ok {
		return false
	}
	p.q, p.qStep = &q, st
	p.hidden = p.intro != nil
	return true
}

// stopAt is the Player's Stop: with P on, live and demo playback pause on
// each step that changes a state.
func (a *App) stopAt(pos int) bool {
	if !a.pr.autoPause {
		return false
	}
	st, ok := a.s.Step(pos)
	return ok && changes(&st)
}

// changes reports whether step st changes a state (a transition that
// stands).
func changes(st *session.Step) bool {
	for _, c := range st.Changes {
		if c.WithdrawnBy == 0 {
			return true
		}
	}
	return false
}

// forward moves the cursor one step forward through the gate.
func (a *App) forward() bool {
	if a.pr.q != nil {
		return false // answer first
	}
	if a.gate(a.s.NextStep(a.cur.Pos(), a.cur.Focused())) {
		return false
	}
	return a.cur.Forward()
}

// catchUp stops a following cursor before the first gated step that
// arrived since the last refresh (live and demo), or on the first state
// change with P on.
func (a *App) catchUp() {
	if !a.cur.Following() || (!a.pr.on && !a.pr.autoPause) {
		return
	}
	from := a.shownPos
	for i := a.s.NextStep(from, a.cur.Focused()); i >= 0; i = a.s.NextStep(i, a.cur.Focused()) {
		if from >= 0 && a.gate(i) {
			a.cur.SetFollow(false)
			a.cur.Seek(from)
			a.play.Pause()
			return
		}
		if a.stopAt(i) {
			a.cur.SetFollow(false)
			a.cur.Seek(i)
			a.play.Pause()
			return
		}
		from = i
	}
}

// answer takes the student's choice (an index, -1 for a skip), scores it
// and reveals the step.
func (a *App) answer(choice int) {
	p := &a.pr
	q := *p.q
	p.score.Add(q, choice)
	p.record(q, choice)
	p.reveal = view.Answer(a.lang, &q, &p.qStep, choice)
	p.revAt = q.Step
	p.passed = q.Step
	p.q = nil
	if a.cur.Forward() {
		a.play.Moved(a.now())
	}
	a.refresh()
}

// predictKey handles the keys of a waiting question; it reports whether
// it used r.
func (a *App) predictKey(r rune) bool {
	if a.pr.q == nil {
		return false
	}
	if a.pr.hidden {
		a.pr.hidden = false // this key dismissed the introduction
		return true
	}
	switch {
	case r == 's':
		a.answer(-1)
		return true
	case r >= '1' && r <= '9':
		if k := int(r - '1'); k < len(a.pr.q.Choices) {
			a.answer(k)
		}
		return true
	}
	return false
}

// togglePredict switches predict mode; switching it on asks at once if
// the next step changes a state.
func (a *App) togglePredict() {
	p := &a.pr
	p.on = !p.on
	p.q, p.reveal = nil, nil
	if p.on {
		p.passed = -1
		if !a.cur.Following() {
			// Live and demo go on following until a question comes
			// (catchUp); otherwise ask about the next step now.
			a.play.Pause()
			a.gate(a.s.NextStep(a.cur.Pos(), a.cur.Focused()))
		}
	}
	a.refresh()
}

// prompt is what the explanation pane shows above the step's explanation.
func (a *App) prompt() []PromptLine {
	p := &a.pr
	l := a.lang
	if p.intro != nil {
		return p.intro
	}
	if p.q != nil {
		return view.Question(l, p.q, &p.qStep)
	}
	pos := a.cur.Pos()
	var out []PromptLine
	if p.reveal != nil && pos == p.revAt {
		out = append(out, p.reveal...)
	}
	if a.lessonOver(pos) {
		out = append(out, a.scorePage()...)
	}
	return out
}

// SetIntro shows lines above the explanation until the first question
// (a lesson's introduction).
func (a *App) SetIntro(lines []PromptLine) {
	a.pr.intro = lines
	a.refresh()
}

// SetQuestions makes predict mode ask ask's questions (a lesson's own,
// quiz.Ask) instead of quiz.For's.
func (a *App) SetQuestions(ask func(s *session.Session, i int, l i18n.Lang) (quiz.Question, bool)) {
	a.pr.ask = ask
}

// SetPredict turns predict mode on or off.
func (a *App) SetPredict(on bool) {
	if a.pr.on != on {
		a.togglePredict()
	}
}

// Score returns predict mode's score so far.
func (a *App) Score() quiz.Score { return a.pr.score }
