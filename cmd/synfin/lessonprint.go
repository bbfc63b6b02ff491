package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
)

// lessonQuestions are lesson name's own questions, bound to the ports of
// this build's scenarios.
func lessonQuestions(name string) []quiz.Spec {
	return quiz.Bind(quiz.Lesson(name), func(sc string) (uint16, uint16, bool) {
		s, ok := demo.Lookup(sc)
		return s.Base, s.Ports, ok
	})
}

// lessonSession replays lesson p's part of the built-in recording into a
// finished session.
func lessonSession(ctx context.Context, p demo.LessonPlan) (*session.Session, error) {
	rec := recordedPlan(p)
	path, err := demo.WriteLessonOf(rec)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path) // created by WriteLessonOf, just now
	src, err := capture.OpenFileFiltered(path, rec.Filter())
	if err != nil {
		return nil, fmt.Errorf("built-in recording: %w", err)
	}
	defer src.Close()
	s := session.New(session.Config{})
	if err := s.Run(ctx, src, session.RunOptions{}); err != nil {
		return nil, fmt.Errorf("built-in recording: %w", err)
	}
	return s, nil
}

// lessonAsked finds lesson p's questions in the built-in recording, with
// the answers the recording gives, in language l.
func lessonAsked(ctx context.Context, p demo.LessonPlan, l i18n.Lang) ([]quiz.Asked, error) {
	s, err := lessonSession(ctx, p)
	if err != nil {
		return nil, err
	}
	return quiz.Find(lessonQuestions(p.Name), s, l)
}

// printLesson writes a lesson's questions for a teacher's slides: each
// question on a line of its own, "1. ", its choices indented under it,
// then the answer and its explanation.
func printLesson(w io.Writer, p demo.LessonPlan, l i18n.Lang) error {
	asked, err := lessonAsked(context.Background(), p, l)
	if err != nil {
		return fmt.Errorf("lesson %s: %w", p.Name, err)
	}
	fmt.Fprintln(w, l.F(i18n.KeyLessonPrintHead, i18n.Args{"name": p.Name, "n": len(asked)}))
	for k, a := range asked {
		q := a.Question
		fmt.Fprintf(w, "\n%d. %s\n", k+1, q.Text)
		for i, c := range q.Choices {
			fmt.Fprintf(w, "   %d) %s\n", i+1, c)
		}
		fmt.Fprintf(w, "   %s\n", l.F(i18n.KeyLessonPrintAnswer, i18n.Args{"answer": fmt.Sprintf("%d) %s", q.Answer+1, q.Choices[q.Answer])}))
		if q.Explain != "" {
			fmt.Fprintf(w, "   %s\n", q.Explain)
		}
	}
	return nil
}
