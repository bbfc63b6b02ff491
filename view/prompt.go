package view

import (
	"fmt"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
)

// PromptLine is a line shown above the explanation: predict mode's
// question and choices, its answer, a lesson's introduction.
type PromptLine struct {
	Text string
	Kind PromptKind
}

// PromptKind says what a PromptLine is; each front-end styles it.
type PromptKind uint8

// Prompt line kinds.
const (
	PromptQuestion PromptKind = iota // the question (the terminal: bold yellow)
	PromptChoice                     // a choice, indented
	PromptRight                      // a right answer
	PromptWrong                      // a wrong answer
	PromptInfo                       // how to answer, a skipped answer
)

// Question is what predict mode asks before step st: the prompt, the
// numbered choices and the keys that answer.
func Question(l i18n.Lang, q *quiz.Question, st *session.Step) []PromptLine {
	out := []PromptLine{{q.Prompt(l, st), PromptQuestion}}
	for i, c := range q.Choices {
		out = append(out, PromptLine{fmt.Sprintf("%d  %s", i+1, c), PromptChoice})
	}
	return append(out, PromptLine{l.T(i18n.KeyQuizKeys), PromptInfo})
}

// Answer is what predict mode shows once the student chose (an index in
// q.Choices, -1 for a skip): the question again and whether the choice
// was right, with the right answer.
func Answer(l i18n.Lang, q *quiz.Question, st *session.Step, choice int) []PromptLine {
	ans := q.Choices[q.Answer]
	var line PromptLine
	switch {
	case choice < 0:
		line = PromptLine{l.F(i18n.KeyQuizSkipped, i18n.Args{"answer": ans}), PromptInfo}
	case choice == q.Answer:
		line = PromptLine{l.F(i18n.KeyQuizRight, i18n.Args{"answer": ans}), PromptRight}
	default:
		line = PromptLine{l.F(i18n.KeyQuizWrong, i18n.Args{"answer": ans}), PromptWrong}
	}
	out := []PromptLine{{q.Prompt(l, st), PromptInfo}, line}
	if q.Explain != "" {
		out = append(out, PromptLine{q.Explain, PromptInfo})
	}
	return out
}
