package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
)

// TestLessonList: --list names every lesson of issue 9 with its title, in
// both languages; a wrong name is a usage error naming the lessons.
func TestLessonList(t *testing.T) {
	want := []string{"handshake", "teardown", "time-wait", "half-close", "reset", "backlog", "concurrency", "long-short", "simultaneous",
		"listen-queue", "accept", "process-thread", "so-reuseaddr"}
	for _, lang := range []string{"en", "zh"} {
		var out bytes.Buffer
		if code := run(context.Background(), []string{"lesson", "--list", "--lang", lang}, env{stdout: &out, stderr: &out}); code != 0 {
			t.Fatalf("--list --lang %s: exit %d: %s", lang, code, out.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(want) {
			t.Fatalf("--list --lang %s: %d lines, want %d:\n%s", lang, len(lines), len(want), out.String())
		}
		for i, w := range want {
			if f := strings.Fields(lines[i]); len(f) < 2 || f[0] != w {
				t.Errorf("--list --lang %s line %d = %q, want %s and a title", lang, i, lines[i], w)
			}
		}
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"lesson", "nope"}, env{stdout: &errb, stderr: &errb}); code != 2 || !strings.Contains(errb.String(), "handshake, teardown") {
		t.Errorf("unknown lesson: exit %d, %q", code, errb.String())
	}
}

// TestLessonRecordings: every lesson of demo's table (the one source of
// truth) has an introduction in both languages, every scenario it names is
// in this build and in the built-in recording (the fallback where live
// capture is impossible, synfin lesson NAME --replay), each scenario
// replays packets of its own, and each lesson asks at least one prediction.
// The teardown lesson shows the textbook four-way close (FIN_WAIT_2 and
// CLOSE_WAIT seen) and concurrency the parent that keeps its copy (CLOSE_WAIT).
func TestLessonRecordings(t *testing.T) {
	path, err := demo.WriteLesson()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	replay := func(t *testing.T, p demo.LessonPlan) *session.Session {
		t.Helper()
		src, err := capture.OpenFileFiltered(path, p.Filter())
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		s := session.New(session.Config{})
		if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	mustSee := map[string][]fsm.State{
		"teardown":    {fsm.FinWait2, fsm.CloseWait, fsm.LastAck, fsm.TimeWait},
		"concurrency": {fsm.CloseWait, fsm.FinWait2},
	}
	plans := demo.LessonPlans()
	if len(plans) != len(lessonIntros) {
		t.Errorf("%d lessons in demo.LessonPlans, %d introductions", len(plans), len(lessonIntros))
	}
	for _, les := range plans {
		t.Run(les.Name, func(t *testing.T) {
			k, ok := lessonIntros[les.Name]
			if !ok {
				t.Fatalf("no introduction for lesson %s", les.Name)
			}
			if i18n.En.T(k) == i18n.Zh.T(k) {
				t.Errorf("intro not translated")
			}
			if _, missing := resolveLesson(les); len(missing) > 0 {
				t.Errorf("scenarios not in this build: %v", missing)
			}
			if rec := recordedPlan(les); len(rec.Scenarios) != len(les.Scenarios) {
				t.Errorf("built-in recording holds %v of %v", rec.Scenarios, les.Scenarios)
			}
			for _, name := range les.Scenarios {
				if s := replay(t, demo.LessonPlan{Name: name, Scenarios: []string{name}}); s.Len() == 0 {
					t.Errorf("scenario %s: no packet in the built-in recording", name)
				}
			}
			s := replay(t, les)
			questions := 0
			seen := map[fsm.State]bool{}
			for i := 0; i < s.Len(); i++ {
				st, _ := s.Step(i)
				before := [2]fsm.State{}
				if c, ok := s.ConnAt(st.ConnID, i-1); ok && i > 0 {
					before = c.State
				}
				if _, ok := quiz.For(&st, before); ok {
					questions++
				}
				if c, ok := s.ConnAt(st.ConnID, i); ok {
					seen[c.State[0]], seen[c.State[1]] = true, true
				}
			}
			if questions == 0 {
				t.Errorf("%d steps and no question", s.Len())
			}
			for _, st := range mustSee[les.Name] {
				if !seen[st] {
					t.Errorf("state %v never seen in the replay", st)
				}
			}
		})
	}
}
