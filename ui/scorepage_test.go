package ui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
)

// TestLessonScorePage: a lesson's own questions are asked (also before a
// step that changes no state), their explanation follows the answer, and
// once all are answered the score page lists each one: right, wrong,
// skipped, with its answer.
func TestLessonScorePage(t *testing.T) {
	a := scenarioApp(t, "client-close", Replay, i18n.Zh, nil)
	specs := quiz.Bind(quiz.Lesson("handshake"), func(string) (uint16, uint16, bool) { return 7800, 1, true })
	a.SetQuestions(func(s *session.Session, i int, l i18n.Lang) (quiz.Question, bool) { return quiz.Ask(specs, s, i, l) })
	a.SetQuestionCount(len(specs))
	a.SetPredict(true)
	n := 0
	for guard := 0; guard < 100 && a.Score().Asked < len(specs); guard++ {
		press(a, key(tcell.KeyRight))
		if a.pr.q == nil {
			continue
		}
		q := *a.pr.q
		switch n {
		case 0:
			press(a, runeKey('s'))
		case 1:
			press(a, runeKey(rune('1'+(q.Answer+1)%len(q.Choices))))
		default:
			press(a, runeKey(rune('1'+q.Answer)))
		}
		if s := screenText(t, a, 100, 30); n == 2 && !strings.Contains(s, string([]rune(q.Explain)[:6])) {
			t.Errorf("the explanation %q is not shown after the answer:\n%s", q.Explain, s)
		}
		n++
	}
	if n != len(specs) {
		t.Fatalf("%d questions asked, want %d", n, len(specs))
	}
	lines := a.ScoreLines()
	if len(lines) != 1+n || !strings.HasPrefix(lines[1], "1. 跳过") || !strings.HasPrefix(lines[2], "2. 答错") || !strings.HasPrefix(lines[3], "3. 答对") {
		t.Fatalf("score page %q", lines)
	}
	screen := screenText(t, a, 100, 30)
	for _, l := range lines[:3] {
		if !strings.Contains(screen, l) {
			t.Errorf("score page line %q not on screen:\n%s", l, screen)
		}
	}
}
