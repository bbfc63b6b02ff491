package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// TestPredictReplay: with p on, → stops before every step that changes a
// state and asks; 1–4 answer and reveal the step, s skips, and the score
// counts them.
func TestPredictReplay(t *testing.T) {
	a := scenarioApp(t, "client-close", Replay, i18n.En, nil)
	want := 0 // state-changing steps after the first
	for i := 1; i < a.s.Len(); i++ {
		if _, _, ok := a.question(i); ok {
			want++
		}
	}
	if want < 5 {
		t.Fatalf("only %d questions in client-close", want)
	}
	press(a, runeKey('p'))
	asked, wrongOnce, skipped := 0, false, false
	for guard := 0; guard < 100 && a.cur.Pos() < a.s.Len()-1; guard++ {
		pos := a.cur.Pos()
		press(a, key(tcell.KeyRight))
		if a.pr.q == nil {
			if a.cur.Pos() != pos+1 {
				t.Fatalf("→ from %d went to %d without a question", pos, a.cur.Pos())
			}
			if _, _, ok := a.question(pos + 1); ok {
				t.Fatalf("step %d changes a state but was shown without a question", pos+1)
			}
			continue
		}
		asked++
		q := *a.pr.q
		if a.cur.Pos() != pos || q.Step != pos+1 {
			t.Fatalf("question for step %d asked at %d (cursor moved to %d)", q.Step, pos, a.cur.Pos())
		}
		screen := screenText(t, a, 100, 30)
		if !strings.Contains(screen, "1  "+q.Choices[0]) || !strings.Contains(screen, "s skip") {
			t.Fatalf("question not shown with its choices:\n%s", screen)
		}
		switch {
		case !wrongOnce:
			wrongOnce = true
			press(a, runeKey(rune('1'+(q.Answer+1)%len(q.Choices))))
			if s := screenText(t, a, 100, 30); !strings.Contains(s, "Not quite: the answer is "+q.Choices[q.Answer]) {
				t.Errorf("a wrong answer is not revealed:\n%s", s)
			}
		case !skipped:
			skipped = true
			press(a, runeKey('s'))
		default:
			press(a, runeKey(rune('1'+q.Answer)))
		}
		if a.cur.Pos() != q.Step {
			t.Fatalf("after the answer the cursor is at %d, want the step %d", a.cur.Pos(), q.Step)
		}
	}
	sc := a.Score()
	if asked != want || sc.Asked != want || sc.Right != want-2 || sc.Skipped != 1 {
		t.Errorf("asked %d, score %+v; want %d asked, %d right, 1 skipped", asked, sc, want, want-2)
	}
	end := screenText(t, a, 100, 30)
	if !strings.Contains(end, sc.Text(i18n.En)) || !strings.Contains(end, "predict ") {
		t.Errorf("the end screen does not show the score:\n%s", end)
	}
}

// TestPredictLive: a following cursor stops before the first packet that
// changes a state, and P pauses on each state change.
func TestPredictLive(t *testing.T) {
	s := session.New(session.Config{})
	d := &fakeDemo{}
	now := sessiontest.Start
	a := New(Config{Session: s, Mode: Demo, Source: "demo", Demo: d, Clock: func() time.Time { return now },
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
	press(a, runeKey('p'))
	segs := sessiontest.Many(1)
	s.Observe(segs[0])
	a.Tick(now)
	s.Observe(segs[1])
	s.Observe(segs[2])
	a.Tick(now)
	if a.pr.q == nil || a.cur.Following() || a.cur.Pos() != 0 || a.pr.q.Step != 1 {
		t.Fatalf("live predict: question %v, following %v, pos %d; want the SYN+ACK's question at step 0",
			a.pr.q, a.cur.Following(), a.cur.Pos())
	}
	// s answers (skips) rather than reaching the demo's "send".
	press(a, runeKey('s'))
	if len(d.keys) != 0 || a.cur.Pos() != 1 {
		t.Errorf("s with a question: demo got %q, pos %d", string(d.keys), a.cur.Pos())
	}
	press(a, runeKey('p')) // off
	press(a, runeKey('P')) // pause at changes
	a.HandleKey(key(tcell.KeyEnd))
	for _, g := range segs[3:] {
		s.Observe(g)
	}
	a.Tick(now)
	st, _ := a.s.Step(a.cur.Pos())
	if a.cur.Following() || !changes(&st) {
		t.Errorf("P: following %v at step %d (changes %v); want paused on a state change", a.cur.Following(), a.cur.Pos(), changes(&st))
	}
	if !strings.Contains(a.status.GetText(true), "pause at changes") {
		t.Errorf("status lacks the P toggle: %q", a.status.GetText(true))
	}
}
