package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/ui"
)

const lessonUsage = `Usage: synfin lesson --list
       synfin lesson NAME [--lang en|zh] [--replay]
       synfin lesson NAME --print [--lang en|zh]

A guided lesson: the lesson's scenarios run live on loopback (or, where
live capture is impossible, the recording built into synfin is replayed),
and before each packet that changes a state you predict what comes next
(1-4, s skips); the answer is shown with its explanation, and the score at
the end.

Flags:
  --list             list the lessons
  --print            print the lesson's questions, choices, answers and
                     explanations as text (for slides) and exit
  --replay           use the built-in recording even where live capture works
  --lang en|zh       language (default: from LC_ALL, LC_MESSAGES, LANG)
  --time-wait D      TIME_WAIT duration (2MSL) the observer assumes (default 60s)
  --log FILE         write diagnostics to FILE
`

// lessonIntros is each lesson's introduction. Which lessons exist, in what
// order, and the scenarios each runs is demo's table (demo.LessonPlans),
// the one source of truth; a plan without an introduction here fails
// TestLessonRecordings.
var lessonIntros = map[string]i18n.Key{
	"handshake":    i18n.KeyLessonHandshake,
	"teardown":     i18n.KeyLessonTeardown,
	"time-wait":    i18n.KeyLessonTimeWait,
	"half-close":   i18n.KeyLessonHalfClose,
	"reset":        i18n.KeyLessonReset,
	"backlog":      i18n.KeyLessonBacklog,
	"concurrency":  i18n.KeyLessonConcurrency,
	"long-short":   i18n.KeyLessonLongShort,
	"simultaneous": i18n.KeyLessonSimultaneous,

	"listen-queue":   i18n.KeyLessonListenQueue,
	"accept":         i18n.KeyLessonAccept,
	"process-thread": i18n.KeyLessonProcessThread,
	"so-reuseaddr":   i18n.KeyLessonSoReuseaddr,
}

// lessonIntro says the lesson's introduction; a lesson demo added without
// one here is introduced by its name.
func lessonIntro(lang i18n.Lang, name string) string {
	if k, ok := lessonIntros[name]; ok {
		return lang.T(k)
	}
	return name
}

func lessonNames() string {
	plans := demo.LessonPlans()
	names := make([]string, len(plans))
	for i, p := range plans {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// resolveLesson returns the plan's scenarios this build has, and the names
// it lacks.
func resolveLesson(p demo.LessonPlan) (found []demo.Scenario, missing []string) {
	for _, n := range p.Scenarios {
		if s, ok := demo.Lookup(n); ok {
			found = append(found, s)
		} else {
			missing = append(missing, n)
		}
	}
	return found, missing
}

// recordedPlan keeps the plan's scenarios the built-in recording holds
// (demo.LessonScenarios): only those can be replayed.
func recordedPlan(p demo.LessonPlan) demo.LessonPlan {
	out := demo.LessonPlan{Name: p.Name}
	for _, n := range p.Scenarios {
		if slices.Contains(demo.LessonScenarios, n) {
			out.Scenarios = append(out.Scenarios, n)
		}
	}
	return out
}

func runLesson(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("lesson", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	list := fs.Bool("list", false, "list the lessons")
	printQs := fs.Bool("print", false, "print the lesson's questions")
	replay := fs.Bool("replay", false, "use the built-in recording")
	var tf tuiFlags
	tf.register(fs)
	// The lesson's name may come before or after the flags.
	var names []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(e.stdout, lessonUsage)
				return errHelp
			}
			return usagef("lesson: %v (run 'synfin lesson -h')", err)
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	lang, err := tf.resolve("lesson: ")
	if err != nil {
		return err
	}
	if *list {
		for _, l := range demo.LessonPlans() {
			intro := lessonIntro(lang, l.Name)
			if k := strings.IndexAny(intro, ".。"); k > 0 {
				intro = intro[:k]
			}
			fmt.Fprintf(e.stdout, "%-14s %s\n", l.Name, intro)
		}
		return nil
	}
	if len(names) != 1 {
		return usagef("lesson: name one lesson (%s), or --list", lessonNames())
	}
	les, ok := demo.LookupLessonPlan(names[0])
	if !ok {
		return usagef("lesson: unknown lesson %q (one of: %s)", names[0], lessonNames())
	}
	if *printQs {
		return printLesson(e.stdout, les, lang)
	}
	scs, missing := resolveLesson(les)
	if len(scs) == 0 {
		return fmt.Errorf("lesson %s: none of its scenarios (%s) is in this build", les.Name, strings.Join(les.Scenarios, ", "))
	}
	if err := needTerminal(e, "lessons are interactive; 'synfin record --scenario NAME -w FILE' runs a scenario headless"); err != nil {
		return err
	}
	logger, closeLog, err := openLog(tf.logPath)
	if err != nil {
		return err
	}
	defer closeLog()

	intro := []ui.PromptLine{{Text: lessonIntro(lang, les.Name), Kind: ui.PromptQuestion}}
	if len(missing) > 0 {
		intro = append(intro, ui.PromptLine{Text: lang.F(i18n.KeyLessonMissing, i18n.Args{"names": strings.Join(missing, ", ")}), Kind: ui.PromptInfo})
	}
	intro = append(intro, ui.PromptLine{Text: lang.T(i18n.KeyLessonStart), Kind: ui.PromptInfo})
	r := tuiRun{
		lang: lang, fsm: fsm.Config{TimeWait: tf.timeWait}, log: logger,
		setup: func(a *ui.App) {
			specs := lessonQuestions(les.Name)
			a.SetQuestions(func(s *session.Session, i int, l i18n.Lang) (quiz.Question, bool) {
				return quiz.Ask(specs, s, i, l)
			})
			a.SetQuestionCount(len(specs))
			a.SetPredict(true)
			a.SetIntro(intro)
		},
	}
	var score func() string
	r.done = func(a *ui.App) {
		score = func() string {
			if a.Score().Asked == 0 {
				return "" // q before any question: no score to report
			}
			return strings.Join(a.ScoreLines(), "\n")
		}
	}
	filter := les.Filter()

	live := false
	if !*replay {
		mode, err := demo.EnsureCapture()
		switch {
		case err == nil && mode == demo.ModeNamespace:
			return demo.RunInNamespace(ctx, append([]string{"lesson"}, args...), e.stdin, e.stdout, e.stderr)
		case err == nil:
			live = true
		default:
			logger.Warn("live capture unavailable: replaying the built-in recording", "err", err)
		}
	}
	if live {
		lo, err := capture.LoopbackInterface()
		if err != nil {
			return fmt.Errorf("lesson: no loopback interface: %w", err)
		}
		src, err := capture.OpenLive(lo, filter, capture.LiveOptions{})
		if err != nil {
			return fmt.Errorf("lesson: capture on %s: %w (try --replay)", lo, err)
		}
		defer src.Close()
		scCtx, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			for _, sc := range scs {
				if err := sc.Execute(scCtx, &demo.Run{Log: &demo.EventLog{}}); err != nil && scCtx.Err() == nil {
					logger.Error("lesson scenario", "scenario", sc.Name, "err", err)
				}
			}
		}()
		r.src, r.mode = src, ui.Live
		r.name = lang.F(i18n.KeyLessonLiveSource, i18n.Args{"name": les.Name})
	} else {
		// Only what the built-in recording holds can be replayed.
		rec := recordedPlan(les)
		if len(rec.Scenarios) == 0 {
			return fmt.Errorf("lesson %s: its scenarios (%s) are not in this build's built-in recording; run it where live capture works (as root, or with unprivileged user namespaces), without --replay",
				les.Name, strings.Join(les.Scenarios, ", "))
		}
		filter = rec.Filter()
		path, err := demo.WriteLessonOf(rec)
		if err != nil {
			return fmt.Errorf("lesson: %w", err)
		}
		defer os.Remove(path) // created by WriteLessonOf, just now
		src, err := capture.OpenFileFiltered(path, filter)
		if err != nil {
			return fmt.Errorf("lesson: built-in recording: %w", err)
		}
		defer src.Close()
		r.src, r.mode = src, ui.Replay
		r.name = lang.F(i18n.KeyLessonRecordedSource, i18n.Args{"name": les.Name})
	}
	logger.Info("lesson", "name", les.Name, "live", live, "filter", filter)
	if err := runTUI(ctx, r); err != nil {
		return err
	}
	if score != nil {
		if t := score(); t != "" {
			fmt.Fprintln(e.stdout, t)
		}
	}
	return nil
}
