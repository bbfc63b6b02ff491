package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/ui"
)

const demoUsage = `Usage: synfin demo [--scenario NAME] [--port N] [--model M] [-w out.pcap] [--lang en|zh]
       synfin                       (the same, with defaults)

Runs a real TCP server and client on loopback, captures their packets live
and shows both endpoints' states. Keys in the demo panel drive the peers
(c connect, s send, x client close, X server close, h half-close,
a abort, A server abort, u close with unread data, r refused, b burst,
l long connection, m server model); ? lists every key. Needs CAP_NET_RAW (or runs in a private network namespace
when the system allows it).

Flags:
  --scenario NAME    also run a recorded scenario unattended (synfin record --list)
  --port N           the server's port (default 7788); N+1 stays closed for 'r'
  --model M          server model: goroutine, process or iterative (default goroutine)
  -w FILE            also save the captured packets to FILE (pcap)
  --lang en|zh       language (default: from LC_ALL, LC_MESSAGES, LANG)
  --time-wait D      TIME_WAIT duration (2MSL) the observer assumes (default 60s)
  --log FILE         write diagnostics to FILE
`

func runDemo(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scenario := fs.String("scenario", "", "scenario to run unattended")
	port := fs.Uint("port", 7788, "server port")
	model := fs.String("model", string(demo.Goroutine), "server model")
	write := fs.String("w", "", "save packets to this pcap file")
	var tf tuiFlags
	tf.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, demoUsage)
			return errHelp
		}
		return usagef("demo: %v (run 'synfin demo -h')", err)
	}
	if fs.NArg() > 0 {
		return usagef("demo: unexpected argument %q (run 'synfin demo -h')", fs.Arg(0))
	}
	if *port == 0 || *port > 65534 {
		return usagef("demo: --port %d: want 1-65534 (the next port is the closed one)", *port)
	}
	m, err := demo.ParseModel(*model)
	if err != nil {
		return usagef("demo: --model: %v", err)
	}
	var sc *demo.Scenario
	if *scenario != "" {
		s, ok := demo.Lookup(*scenario)
		if !ok {
			return usagef("demo: --scenario: unknown scenario %q (synfin record --list shows them)", *scenario)
		}
		if uint(s.Base) <= *port+1 && *port <= uint(s.Base+s.Ports-1) {
			return usagef("demo: --port %d: the scenario %s uses ports %d-%d; pick another", *port, s.Name, s.Base, s.Base+s.Ports-1)
		}
		sc = &s
	}
	lang, err := tf.resolve("demo: ")
	if err != nil {
		return err
	}
	if err := needTerminal(e, "use 'synfin record --scenario NAME -w FILE' to run a scenario headless"); err != nil {
		return err
	}
	mode, err := demo.EnsureCapture()
	if err != nil {
		return replayLesson(ctx, e, tuiRun{lang: lang, fsm: fsm.Config{TimeWait: tf.timeWait}, keep: tf.keep}, tf.logPath, err)
	}
	if mode == demo.ModeNamespace {
		return demo.RunInNamespace(ctx, append([]string{"demo"}, args...), e.stdin, e.stdout, e.stderr)
	}
	logger, closeLog, err := openLog(tf.logPath)
	if err != nil {
		return err
	}
	defer closeLog()

	lo, err := capture.LoopbackInterface()
	if err != nil {
		return fmt.Errorf("demo: no loopback interface: %w", err)
	}
	p := uint16(*port)
	filter := demo.Filter(p, 2)
	if sc != nil {
		filter = strings.TrimSuffix(filter, ")") + " or " + strings.TrimPrefix(demo.Filter(sc.Base, sc.Ports), "tcp and (")
	}
	var writer *capture.PcapWriter
	if *write != "" {
		if writer, err = capture.CreatePcap(*write); err != nil {
			return fmt.Errorf("demo: -w %s: %w", *write, err)
		}
		defer func() {
			if cerr := writer.Close(); cerr != nil {
				logger.Error("close -w file", "file", *write, "err", cerr)
			}
		}()
	}
	src, err := capture.OpenLive(lo, filter, capture.LiveOptions{Write: writer})
	if err != nil {
		return fmt.Errorf("demo: capture on %s: %w", lo, err)
	}
	defer src.Close()

	ctl := newDemoCtl(ctx, netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), p), m, logger)
	if err := ctl.start(m); err != nil {
		return fmt.Errorf("demo: server on port %d: %w (try --port)", p, err)
	}
	scCtx, stopScenario := context.WithCancel(ctx)
	defer ctl.close()
	defer stopScenario() // runs first: the scenario stops before the peers close
	name := fmt.Sprintf("demo %s :%d", lo, p)
	if *write != "" {
		name += " → " + filepath.Base(*write)
	}
	if sc != nil {
		name = "demo " + sc.Name
	}
	if capture.InPrivateNetns() {
		// Say why this works without root, and that other programs' traffic
		// is not here: the namespace has its own loopback.
		name += " · " + lang.T(i18n.KeyStatusNetns)
	}
	if sc != nil {
		ctl.runScenario(scCtx, *sc)
	}
	logger.Info("demo", "port", p, "model", m, "filter", filter)
	return runTUI(ctx, tuiRun{
		src: src, name: name, mode: ui.Demo, lang: lang,
		fsm: fsm.Config{TimeWait: tf.timeWait}, log: logger, demo: ctl, keep: tf.keep,
	})
}

// demoCtl is the demo panel's side of the demo (ui.DemoControl): it maps
// keys to a demo.Controller's actions, which return at once, and keeps
// the events for the server log. Switching the server model replaces the
// Controller; the log goes on.
type demoCtl struct {
	ctx  context.Context
	addr netip.AddrPort
	log  logger

	mu      sync.Mutex
	ctl     *demo.Controller // nil while the model switches
	model   demo.Model
	lines   []demo.Event // newest last, at most maxLog
	wg      sync.WaitGroup
	version atomic.Uint64

	kmu      sync.Mutex
	kernel   []demo.KernelSocket // the kernel's view of the demo's port
	kernelOK bool
	kernelAt time.Time
}

// kernelEvery bounds how often the kernel is asked (sock_diag).
const kernelEvery = 250 * time.Millisecond

// kernelView returns the kernel's sockets on the demo's port, read again
// when older than kernelEvery; changed reports a change since last read.
func (d *demoCtl) kernelView() (socks []demo.KernelSocket, ok, changed bool) {
	d.kmu.Lock()
	defer d.kmu.Unlock()
	if time.Since(d.kernelAt) >= kernelEvery {
		d.kernelAt = time.Now()
		s, err := demo.KernelSockets(d.addr.Port())
		ok := err == nil
		changed = ok != d.kernelOK || !slices.Equal(s, d.kernel)
		d.kernel, d.kernelOK = s, ok
	}
	return d.kernel, d.kernelOK, changed
}

// KernelStates implements ui.KernelViewer.
func (d *demoCtl) KernelStates(client, server netip.AddrPort) (cs, ss fsm.State, ok bool) {
	socks, ok, _ := d.kernelView()
	if !ok {
		return 0, 0, false
	}
	cs, ss = fsm.Closed, fsm.Closed
	for _, k := range socks {
		switch {
		case k.Local == client && k.Remote == server:
			cs = k.State
		case k.Local == server && k.Remote == client:
			ss = k.State
		}
	}
	return cs, ss, true
}

type logger interface {
	Info(msg string, args ...any)
	Error(msg string, args ...any)
}

const maxLog = 200

func newDemoCtl(ctx context.Context, addr netip.AddrPort, m demo.Model, log logger) *demoCtl {
	return &demoCtl{ctx: ctx, addr: addr, model: m, log: log}
}

// sink records a peer's event for the server log (any goroutine).
func (d *demoCtl) sink(ev demo.Event) {
	d.log.Info("demo event", "event", ev.String())
	d.mu.Lock()
	d.lines = append(d.lines, ev)
	if len(d.lines) > maxLog {
		d.lines = append(d.lines[:0], d.lines[len(d.lines)-maxLog:]...)
	}
	d.mu.Unlock()
	d.version.Add(1)
}

// start starts the server with model m.
func (d *demoCtl) start(m demo.Model) error {
	ctl, err := demo.NewController(demo.ControllerConfig{Addr: d.addr, Model: m, Events: d.sink})
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.ctl, d.model = ctl, m
	d.mu.Unlock()
	d.version.Add(1)
	return nil
}

// close stops the peers and waits for them.
func (d *demoCtl) close() {
	d.wg.Wait()
	d.mu.Lock()
	ctl := d.ctl
	d.ctl = nil
	d.mu.Unlock()
	if ctl != nil {
		ctl.Close()
	}
}

func (d *demoCtl) failed(what string, err error) {
	d.sink(demo.Event{Time: time.Now(), Who: "demo", Kind: demo.KindError, Text: what + ": " + err.Error()})
}

// Do implements ui.DemoControl.
func (d *demoCtl) Do(r rune) bool {
	d.mu.Lock()
	ctl := d.ctl
	d.mu.Unlock()
	acts := map[rune]func(*demo.Controller){
		'c': (*demo.Controller).Connect,
		's': (*demo.Controller).Send,
		'x': (*demo.Controller).ClientClose,
		'X': (*demo.Controller).ServerClose,
		'h': (*demo.Controller).HalfClose,
		'a': (*demo.Controller).Abort,
		'A': (*demo.Controller).ServerAbort,
		'u': (*demo.Controller).UnreadRST,
		'r': (*demo.Controller).Refused,
		'b': func(c *demo.Controller) { c.Burst(5) },
		'l': func(c *demo.Controller) { c.Long(5) },
	}
	if f, ok := acts[r]; ok {
		if ctl == nil {
			d.failed(string(r), errors.New("the server is restarting"))
			return true
		}
		f(ctl)
		return true
	}
	if r != 'm' {
		return false
	}
	if ctl == nil {
		return true // already switching
	}
	d.mu.Lock()
	d.ctl = nil
	m := d.model
	d.mu.Unlock()
	models := demo.Models()
	next := models[0]
	for i, x := range models {
		if x == m {
			next = models[(i+1)%len(models)]
		}
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := ctl.Close(); err != nil {
			d.failed("close server", err)
		}
		if err := d.start(next); err != nil {
			d.failed("start "+string(next)+" server", err)
		}
	}()
	return true
}

// runScenario runs sc unattended next to the interactive peers.
func (d *demoCtl) runScenario(ctx context.Context, sc demo.Scenario) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := sc.Execute(ctx, &demo.Run{Log: &demo.EventLog{Forward: d.sink}}); err != nil && ctx.Err() == nil {
			d.failed("scenario "+sc.Name, err)
		}
	}()
}

// Help implements ui.DemoControl.
func (d *demoCtl) Help(l i18n.Lang) []string {
	keys := []i18n.Key{i18n.KeyDemoConnect, i18n.KeyDemoSend, i18n.KeyDemoClientQuit, i18n.KeyDemoServerQuit,
		i18n.KeyDemoHalfClose, i18n.KeyDemoAbort, i18n.KeyDemoRefused, i18n.KeyDemoBurst, i18n.KeyDemoLong,
		i18n.KeyDemoServerAbort, i18n.KeyDemoUnread, i18n.KeyDemoModel}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.T(k)
	}
	return out
}

// Keys implements ui.DemoControl.
func (d *demoCtl) Keys(l i18n.Lang) string { return l.T(i18n.KeyDemoKeyLine) }

// Log implements ui.DemoControl: "15:04:05 server #1: recv() "hello"".
func (d *demoCtl) Log(l i18n.Lang, n int) []string {
	d.mu.Lock()
	evs := d.lines[max(0, len(d.lines)-n):]
	evs = append([]demo.Event(nil), evs...)
	d.mu.Unlock()
	out := make([]string, len(evs))
	for i, ev := range evs {
		s := ev.Time.Format("15:04:05") + " " + ev.Who
		if ev.Conn > 0 {
			s += fmt.Sprintf(" #%d", ev.Conn)
		}
		s += ": " + l.DemoKind(string(ev.Kind))
		switch ev.Kind {
		case demo.KindSent, demo.KindReceived:
			s += " " + strconv.Quote(strings.TrimSuffix(ev.Text, "\n"))
		case demo.KindError, demo.KindBindError, demo.KindListening:
			s += " " + ev.Text
		case demo.KindAccepted, demo.KindConnected:
			if ev.Remote.IsValid() {
				s += " ← " + ev.Remote.String()
			}
		}
		out[i] = s
	}
	return out
}

// Model implements ui.DemoControl.
func (d *demoCtl) Model(l i18n.Lang) string {
	d.mu.Lock()
	m := d.model
	d.mu.Unlock()
	return fmt.Sprintf(":%d · ", d.addr.Port()) + l.F(i18n.KeyStatusDemoModel, i18n.Args{"model": m})
}

// Version implements ui.DemoControl.
// A change in the kernel's view counts too (a TIME_WAIT ending, say), so
// the panel follows the kernel without a packet.
func (d *demoCtl) Version() uint64 {
	if _, _, changed := d.kernelView(); changed {
		d.version.Add(1)
	}
	return d.version.Load()
}

// replayLesson is the demo where live capture is impossible (no
// CAP_NET_RAW, no unprivileged user namespaces): it replays the recording
// built into the binary, says so in the status bar, and prints why after
// the UI has given the terminal back.
func replayLesson(ctx context.Context, e env, r tuiRun, logPath string, why error) error {
	logger, closeLog, err := openLog(logPath)
	if err != nil {
		return err
	}
	defer closeLog()
	path, err := demo.WriteLesson()
	if err != nil {
		return fmt.Errorf("demo: live capture unavailable (%v), and %w", why, err)
	}
	defer os.Remove(path)
	src, err := capture.OpenFile(path)
	if err != nil {
		return fmt.Errorf("demo: live capture unavailable (%v), and %w", why, err)
	}
	defer src.Close()
	logger.Warn("live capture unavailable: replaying the built-in recording", "err", why)
	r.src, r.mode, r.log = src, ui.Replay, logger
	r.name = r.lang.T(i18n.KeyDemoLesson)
	if err := runTUI(ctx, r); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "synfin: demo: live capture unavailable (%v): showed the built-in recording instead\n", why)
	return nil
}
