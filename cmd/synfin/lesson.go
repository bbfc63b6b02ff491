package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/ui"
)

const lessonUsage = `Usage: synfin lesson --list
       synfin lesson NAME [--lang en|zh] [--replay]

A guided lesson: the lesson's scenarios run live on loopback (or, where
live capture is impossible, the recording built into synfin is replayed),
and before each packet that changes a state you predict what comes next
(1-4, s skips); the answer is shown with its explanation, and the score at
the end.

Flags:
  --list             list the lessons
  --replay           use the built-in recording even where live capture works
  --lang en|zh       language (default: from LC_ALL, LC_MESSAGES, LANG)
  --time-wait D      TIME_WAIT duration (2MSL) the observer assumes (default 60s)
  --log FILE         write diagnostics to FILE
`

// lesson is one guided lesson: its introduction and the demo scenarios it
// runs, in order (the demo engineer's mapping, /work/coord/ui.md; demo's
// LessonPlans holds the same table once merged).
type lesson struct {
	name      string
	intro     i18n.Key
	scenarios []string
}

var lessons = []lesson{
	{"handshake", i18n.KeyLessonHandshake, []string{"client-close"}},
	{"teardown", i18n.KeyLessonTeardown, []string{"teardown", "server-close"}},
	{"time-wait", i18n.KeyLessonTimeWait, []string{"reuseaddr", "port-reuse"}},
	{"half-close", i18n.KeyLessonHalfClose, []string{"half-close"}},
	{"reset", i18n.KeyLessonReset, []string{"refused", "abort", "unread-rst"}},
	{"backlog", i18n.KeyLessonBacklog, []string{"backlog"}},
	{"concurrency", i18n.KeyLessonConcurrency, []string{"concurrent", "parent-copy"}},
	{"long-short", i18n.KeyLessonLongShort, []string{"short-connections", "long-connection"}},
	{"simultaneous", i18n.KeyLessonSimultaneous, []string{"simultaneous-open", "simultaneous-close"}},
}

func lookupLesson(name string) (lesson, bool) {
	for _, l := range lessons {
		if l.name == name {
			return l, true
		}
	}
	return lesson{}, false
}

func lessonNames() string {
	names := make([]string, len(lessons))
	for i, l := range lessons {
		names[i] = l.name
	}
	return strings.Join(names, ", ")
}

// scenarios returns the lesson's scenarios this build has, and the names
// it lacks.
func (l lesson) resolve() (found []demo.Scenario, missing []string) {
	for _, n := range l.scenarios {
		if s, ok := demo.Lookup(n); ok {
			found = append(found, s)
		} else {
			missing = append(missing, n)
		}
	}
	return found, missing
}

// lessonFilter is the capture filter of the scenarios' ports (scenarios
// never share ports).
func lessonFilter(scs []demo.Scenario) string {
	var ports []string
	for _, s := range scs {
		for i := range s.Ports {
			ports = append(ports, fmt.Sprintf("port %d", s.Base+i))
		}
	}
	return "tcp and (" + strings.Join(ports, " or ") + ")"
}

func runLesson(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("lesson", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	list := fs.Bool("list", false, "list the lessons")
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
		for _, l := range lessons {
			intro := lang.T(l.intro)
			if k := strings.IndexAny(intro, ".。"); k > 0 {
				intro = intro[:k]
			}
			fmt.Fprintf(e.stdout, "%-14s %s\n", l.name, intro)
		}
		return nil
	}
	if len(names) != 1 {
		return usagef("lesson: name one lesson (%s), or --list", lessonNames())
	}
	les, ok := lookupLesson(names[0])
	if !ok {
		return usagef("lesson: unknown lesson %q (one of: %s)", names[0], lessonNames())
	}
	scs, missing := les.resolve()
	if len(scs) == 0 {
		return fmt.Errorf("lesson %s: none of its scenarios (%s) is in this build", les.name, strings.Join(les.scenarios, ", "))
	}
	if err := needTerminal(e, "lessons are interactive; 'synfin record --scenario NAME -w FILE' runs a scenario headless"); err != nil {
		return err
	}
	logger, closeLog, err := openLog(tf.logPath)
	if err != nil {
		return err
	}
	defer closeLog()

	intro := []ui.PromptLine{{Text: lang.T(les.intro), Kind: ui.PromptQuestion}}
	if len(missing) > 0 {
		intro = append(intro, ui.PromptLine{Text: lang.F(i18n.KeyLessonMissing, i18n.Args{"names": strings.Join(missing, ", ")}), Kind: ui.PromptInfo})
	}
	intro = append(intro, ui.PromptLine{Text: lang.T(i18n.KeyLessonStart), Kind: ui.PromptInfo})
	r := tuiRun{
		lang: lang, fsm: fsm.Config{TimeWait: tf.timeWait}, log: logger,
		setup: func(a *ui.App) {
			a.SetPredict(true)
			a.SetIntro(intro)
		},
	}
	var score func() string
	r.done = func(a *ui.App) {
		score = func() string { return a.Score().Text(lang) }
	}
	filter := lessonFilter(scs)

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
		r.name = lang.F(i18n.KeyLessonLiveSource, i18n.Args{"name": les.name})
	} else {
		// Only what the built-in recording holds can be replayed.
		var rec []demo.Scenario
		for _, sc := range scs {
			for _, n := range demo.LessonScenarios {
				if sc.Name == n {
					rec = append(rec, sc)
				}
			}
		}
		if len(rec) == 0 {
			return fmt.Errorf("lesson %s: its scenarios (%s) are not in this build's built-in recording; run it where live capture works (as root, or with unprivileged user namespaces), without --replay",
				les.name, strings.Join(les.scenarios, ", "))
		}
		filter = lessonFilter(rec)
		path, err := demo.WriteLesson()
		if err != nil {
			return fmt.Errorf("lesson: %w", err)
		}
		defer os.Remove(path) // created by WriteLesson, just now
		src, err := capture.OpenFileFiltered(path, filter)
		if err != nil {
			return fmt.Errorf("lesson: built-in recording: %w", err)
		}
		defer src.Close()
		r.src, r.mode = src, ui.Replay
		r.name = lang.F(i18n.KeyLessonRecordedSource, i18n.Args{"name": les.name})
	}
	logger.Info("lesson", "name", les.name, "live", live, "filter", filter)
	if err := runTUI(ctx, r); err != nil {
		return err
	}
	if score != nil {
		fmt.Fprintln(e.stdout, score())
	}
	return nil
}
