package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"golang.org/x/term"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/internal/privs"
	"github.com/synfin/synfin/internal/safefile"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/ui"
)

const inspectUsage = `Usage: synfin -r FILE [flags] [FILTER]     replay a capture in the TUI
       synfin -i IFACE [flags] [FILTER]    live capture in the TUI

FILTER is a tcpdump-style capture filter, e.g. 'tcp port 8080'; flags may
also follow it.

Flags:
  -r FILE            read packets from a pcap or pcapng file
  -i IFACE           capture live on IFACE (default: the loopback interface)
  -w FILE            with -i: also save the captured packets to FILE (pcap)
  --lang en|zh       language (default: from LC_ALL, LC_MESSAGES, LANG)
  --time-wait D      TIME_WAIT duration (2MSL) the observer assumes (default 60s)
  --log FILE         write diagnostics to FILE (never to the terminal the TUI uses)
  --keep N|D         keep only the newest N steps (about N packets) or D of
                     capture time (e.g. 10m) for long live runs; older steps
                     are dropped 4096 at a time and the status bar says so
                     (default: every step of an uncompressed file; the
                     newest 2M steps of live capture, pipes and gzip files)
`

// tuiFlags are the flags the TUI commands share.
type tuiFlags struct {
	lang     string
	timeWait time.Duration
	logPath  string
	keep     keepFlag
}

func (f *tuiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.lang, "lang", "", "language: en or zh")
	fs.DurationVar(&f.timeWait, "time-wait", fsm.DefaultTimeWait, "TIME_WAIT duration (2MSL)")
	fs.StringVar(&f.logPath, "log", "", "write diagnostics to this file")
	fs.Var(&f.keep, "keep", "keep only the newest N steps or D of capture time (100000, 10m)")
}

// keepFlag is --keep: a number of steps or a duration of capture time.
type keepFlag struct {
	text  string
	steps int
	dur   time.Duration
}

func (k *keepFlag) String() string { return k.text }

func (k *keepFlag) Set(v string) error {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		*k = keepFlag{text: v, steps: n}
		return nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		*k = keepFlag{text: v, dur: d}
		return nil
	}
	return errors.New(i18n.En.F(i18n.KeyFlagKeepBad, i18n.Args{"v": v}))
}

// sessionConfig is the session the TUI fills: --keep bounds it.
func (k keepFlag) sessionConfig(cfg fsm.Config) session.Config {
	// The session copies what its readers ask at every step and never
	// hands out the tracker's *Conn, so the tracker may freeze idle
	// connections (fsm.Config.Freeze): 100k connections waiting in
	// TIME_WAIT cost about 300 bytes each instead of 2 KB.
	cfg.Freeze = true
	c := session.Config{FSM: cfg, MaxSteps: k.steps, KeepFor: k.dur}
	if k.text != "" {
		c.Keep = k.text
	}
	return c
}

// resolve checks the shared flags; cmd names the command for messages.
func (f *tuiFlags) resolve(cmd string) (i18n.Lang, error) {
	if f.timeWait <= 0 {
		return 0, usagef("%s--time-wait %v: must be positive, e.g. 60s", cmd, f.timeWait)
	}
	if f.lang == "" {
		return i18n.FromEnv(), nil
	}
	l, err := i18n.ParseLang(f.lang)
	if err != nil {
		return 0, usagef("%s--lang %q: want en or zh", cmd, f.lang)
	}
	return l, nil
}

// openLog returns the logger the TUI commands use: a file with --log,
// else nothing, since the terminal belongs to the TUI.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := safefile.Append(path) // no symlink, device or FIFO; never truncated
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %w", err) // names the file, quoted
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }, nil
}

// needTerminal says in one line that the TUI needs a terminal, rather
// than hanging on a pipe.
func needTerminal(e env, alt string) error {
	in, ok1 := e.stdin.(*os.File)
	out, ok2 := e.stdout.(*os.File)
	if ok1 && ok2 && term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd())) {
		return nil
	}
	return fmt.Errorf("the terminal UI needs a terminal, but stdin or stdout is not one (%s)", alt)
}

// hasSource reports whether args name a capture source (-r or -i);
// without one, flags alone (synfin --lang zh --port 7800) mean the demo.
func hasSource(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "r" || name == "i" || name == "h" || name == "help") {
			return true
		}
	}
	return false
}

func runInspect(ctx context.Context, args []string, e env) (err error) {
	if !hasSource(args) {
		return runDemo(ctx, args, e)
	}
	fs := flag.NewFlagSet("synfin", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	read := fs.String("r", "", "read packets from this file")
	iface := fs.String("i", "", "capture live on this interface")
	write := fs.String("w", "", "with -i: save packets to this pcap file")
	var tf tuiFlags
	tf.register(fs)
	// Flags may come before, between or after the filter's words, as
	// with tcpdump on Linux (GNU getopt): parse, take a word, parse on.
	var words []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(e.stdout, inspectUsage)
				return errHelp
			}
			hint := ""
			if strings.HasPrefix(err.Error(), "flag provided but not defined") {
				hint = "; a filter word cannot start with \"-\" (write \"not\" or \"!\")"
			}
			return usagef("%s%s (run 'synfin -h')", flagError(err), hint)
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	iSet := false
	fs.Visit(func(f *flag.Flag) { iSet = iSet || f.Name == "i" })
	if *read != "" && iSet {
		return usagef("-r and -i: choose one (a file to replay, or an interface to capture)")
	}
	if *write != "" && *read != "" {
		return usagef("-w %q: saving works with -i only (the file is already saved)", *write)
	}
	filter := strings.Join(words, " ")
	if filter != "" {
		if _, err := capture.ParseFilter(filter); err != nil {
			return usagef("%v", err)
		}
	}
	lang, err := tf.resolve("")
	if err != nil {
		return err
	}
	logger, closeLog, err := openLog(tf.logPath)
	if err != nil {
		return err
	}
	defer closeLog()

	var (
		src    capture.Source
		name   string
		mode   = ui.Replay
		writer *capture.PcapWriter
	)
	if *read != "" {
		name = filepath.Base(*read) // readable on a projector; errors name the full path
		if filter != "" {
			src, err = capture.OpenFileFiltered(*read, filter)
			name += " " + filter
		} else {
			src, err = capture.OpenFile(*read)
		}
		if err != nil {
			return err
		}
	} else {
		mode = ui.Live
		dev := *iface
		if dev == "" {
			if dev, err = capture.LoopbackInterface(); err != nil {
				return fmt.Errorf("-i: no loopback interface found (%v); name one, e.g. -i lo", err)
			}
		}
		if err := capture.CanCaptureLive(); err != nil {
			return fmt.Errorf("-i %q: %w", dev, err)
		}
		if err := needTerminal(e, "use tcpdump -w FILE, then synfin summary -r FILE"); err != nil {
			return err
		}
		if *write != "" {
			if writer, err = capture.CreatePcap(*write); err != nil {
				return fmt.Errorf("-w: %w", err) // names the file, quoted
			}
			// The capture is the user's who ran sudo, not root's.
			if err := privs.GiveToInvoker(*write); err != nil {
				logger.Error("-w file stays root's", "err", err)
			}
			// Close on every way out: quit, Ctrl-C, SIGTERM, error. A
			// file cut short by a full disk is the command's error (exit 1).
			defer func() {
				if cerr := closeWriter(writer, logger); cerr != nil && err == nil {
					err = cerr
				}
			}()
		}
		live, err := capture.OpenLive(dev, filter, capture.LiveOptions{Write: writer})
		if err != nil {
			return fmt.Errorf("-i %q: %w", dev, err)
		}
		// The capture socket (its filter attached) and the -w file are
		// open: nothing left needs a privilege, so a root synfin gives up
		// every capability before it parses a single hostile packet.
		dropAllPrivileges(logger)
		src = live
		name = dev
		if filter != "" {
			name += " " + filter
		}
		if *write != "" {
			name += " → " + *write
		}
	}
	defer src.Close()
	// After opening a file, so that a wrong file name is what a user
	// hears of first; before opening live capture or its -w file.
	if mode == ui.Replay {
		if err := needTerminal(e, "use 'synfin summary -r FILE' for text output"); err != nil {
			return err
		}
	}
	logger.Info("start", "source", name, "lang", lang.String())
	return runTUI(ctx, tuiRun{
		src: src, name: name, mode: mode, lang: lang,
		fsm: fsm.Config{TimeWait: tf.timeWait}, log: logger, keep: tf.keep,
	})
}

// dropAllPrivileges gives up every capability of a root synfin -i once
// its capture socket is open (reading it needs none).
func dropAllPrivileges(logger *slog.Logger) {
	if err := privs.Drop(); err != nil {
		logger.Error("capabilities not dropped", "err", err)
		return
	}
	if eff, err := privs.Effective(); err == nil {
		logger.Info("capabilities dropped", "CapEff", fmt.Sprintf("%#x", eff))
	}
}

// tuiRun is what runTUI shows.
type tuiRun struct {
	src  capture.Source
	name string
	mode ui.Mode
	lang i18n.Lang
	fsm  fsm.Config
	log  *slog.Logger
	demo ui.DemoControl
	keep keepFlag // --keep
	// session, when set, is the session to fill (the demo asks it for
	// connection numbers); default a new one (bounded by keep).
	session *session.Session
	// screen replaces the terminal (tests: tcell.SimulationScreen).
	screen tcell.Screen
	// setup, if set, is called with the app before it runs (a lesson
	// turns predict mode on); done after it ended.
	setup, done func(*ui.App)
}

// runTUI pumps src into a session on its own goroutine and runs the UI
// until the user quits or ctx ends. A read error is shown in the status
// bar while the UI runs, and returned after it.
func runTUI(ctx context.Context, r tuiRun) error {
	if os.Getenv("GOGC") == "" {
		// The session's heap only grows while a file loads: collecting at
		// 1.25x the live heap instead of 2x lowers the peak resident size
		// (1M-packet synthetic file: 223 MB at GOGC=100, 187-193 at 50,
		// 166-169 at 25; the CPU time while loading, 4-5 s, varies more
		// from run to run than between these settings).
		debug.SetGCPercent(25)
	}
	s := r.session
	if s == nil {
		s = session.New(r.keep.sessionConfig(r.fsm))
	}
	app := ui.New(ui.Config{
		Session: s, Mode: r.mode, Source: r.name, Lang: r.lang,
		Ladder: ui.NewLadder(), States: ui.NewStateDiagram(), Explain: ui.NewExplain(),
		Demo: r.demo,
	})
	if r.setup != nil {
		r.setup(app)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pumpErr := make(chan error, 1)
	go func() {
		defer app.Guard()
		opt := session.RunOptions{Counts: sourceCounts(r.src, r.log)}
		if r.mode == ui.Replay {
			// Packet fields read again from the file (kept open until
			// the UI ends), or, from a pipe or a gzip file, from a
			// temporary file: every step kept.
			opt.Reread, opt.Spill = true, os.TempDir()
		} else {
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			opt.Tick = t.C
		}
		err := s.Run(ctx, r.src, opt)
		r.log.Info("source ended", "err", err, "steps", s.Len())
		pumpErr <- err
	}()
	uiErr := app.Run(ctx, r.screen)
	cancel()
	if r.done != nil {
		r.done(app)
	}
	if r.mode != ui.Replay {
		r.src.Close() // unblocks a live Next; a file's pump stops on ctx
	}
	err := <-pumpErr
	if r.session == nil {
		s.Close()
	}
	switch {
	case uiErr != nil:
		return uiErr
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	}
	if r.mode != ui.Replay && errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
