package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/internal/privs"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/ui"
)

const demoUsage = `Usage: synfin demo [--scenario NAME] [--port N] [--model M] [-w out.pcap] [--lang en|zh]
       synfin                       (the same, with defaults)

Runs a real TCP server and client on loopback, captures their packets live
and shows both endpoints' states. Keys in the demo panel drive the peers,
acting on the connection selected in the list (the newest if none):
c connect, s send, x client close, X server close, h half-close (the
server still replies), a abort, A server abort, u close with unread data,
r refused, b burst, l long connection, m server model, d the server's
delay before close() (none / 1 s / until X), k the multi-process parent
that forgets to close its copy (again: it closes), R restart the server,
e SO_REUSEADDR for the next restart, K TCP keep-alive (off by default);
? lists every key. Needs CAP_NET_RAW (or runs in a private network
namespace when the system allows it); as root it drops every capability
once the capture is open.

Flags:
  --scenario NAME    also run a recorded scenario unattended (synfin record --list)
  --port N           the server's port (default 7788); N+1 stays closed for 'r'
  --model M          server model: goroutine, process or iterative (default goroutine)
  -w FILE            also save the captured packets to FILE (pcap)
  --lang en|zh       language (default: from LC_ALL, LC_MESSAGES, LANG)
  --time-wait D      TIME_WAIT duration (2MSL) the observer assumes (default 60s)
  --log FILE         write diagnostics to FILE
  --keep N|D         keep only the newest N steps or D of capture time (e.g. 10m)
`

func runDemo(ctx context.Context, args []string, e env) (err error) {
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
			return fmt.Errorf("demo: -w: %w", err) // names the file, quoted
		}
		if err := privs.GiveToInvoker(*write); err != nil {
			logger.Error("-w file stays root's", "err", err)
		}
		defer func() { // a file cut short by a full disk: exit 1
			if cerr := closeWriter(writer, logger); cerr != nil && err == nil {
				err = cerr
			}
		}()
	}
	src, err := capture.OpenLive(lo, filter, capture.LiveOptions{Write: writer})
	if err != nil {
		return fmt.Errorf("demo: capture on %s: %w", lo, err)
	}
	defer src.Close()
	dropPrivileges(p, sc != nil && sc.Filters, logger)

	var ports []uint16
	if sc != nil {
		for i := range sc.Ports {
			ports = append(ports, sc.Base+i)
		}
	}
	live, err := demo.StartLive(demo.LiveConfig{Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), p),
		Model: m, Ports: ports, Log: logger})
	if err != nil {
		return fmt.Errorf("demo: server on port %d: %w (try --port)", p, err)
	}
	scCtx, stopScenario := context.WithCancel(ctx)
	defer live.Close()
	defer stopScenario() // runs first: the scenario stops before the peers close
	// The status bar's source, in the language the demo starts in.
	name := lang.F(i18n.KeyDemoSource, i18n.Args{"iface": lo, "port": p})
	if *write != "" {
		name += " → " + filepath.Base(*write)
	}
	if sc != nil {
		name = lang.F(i18n.KeyDemoSourceScenario, i18n.Args{"name": sc.Name})
	}
	if capture.InPrivateNetns() {
		// Say why this works without root, and that other programs' traffic
		// is not here: the namespace has its own loopback.
		name += " · " + lang.T(i18n.KeyStatusNetns)
	}
	if sc != nil {
		live.RunScenario(scCtx, *sc)
	}
	logger.Info("demo", "port", p, "model", m, "filter", filter)
	s := session.New(tf.keep.sessionConfig(fsm.Config{TimeWait: tf.timeWait}))
	live.SetConnIDs(sessionConnIDs(s))
	return runTUI(ctx, tuiRun{
		src: watchedSource{src, live}, name: name, mode: ui.Demo, lang: lang, session: s,
		fsm: fsm.Config{TimeWait: tf.timeWait}, log: logger, demo: live,
	})
}

// dropPrivileges gives up the capabilities a root demo no longer needs
// once its capture socket is open: all of them, but for binding a port
// below 1024 (R restarts the server) and attaching socket filters (a
// crossing scenario run next to the demo). sock_diag, the peers' sockets
// and the -w file (already open) need none.
func dropPrivileges(port uint16, filters bool, logger *slog.Logger) {
	var keep []privs.Cap
	if port < 1024 {
		keep = append(keep, privs.NetBindService)
	}
	if filters {
		keep = append(keep, privs.NetAdmin)
	}
	if err := privs.Drop(keep...); err != nil {
		logger.Error("capabilities not dropped", "err", err)
		return
	}
	if eff, err := privs.Effective(); err == nil {
		logger.Info("capabilities dropped", "CapEff", fmt.Sprintf("%#x", eff))
	}
}

// watchedSource tells the demo of each packet, so that it reads the
// kernel's sockets after it (the kernel's state at that step).
type watchedSource struct {
	capture.Source
	live *demo.Live
}

func (w watchedSource) Next() (fsm.Segment, error) {
	seg, err := w.Source.Next()
	if err == nil {
		w.live.Packet(seg.Time)
	}
	return seg, err
}

// connSlack is how much earlier than a connection's first packet an
// event about it may be stamped (connect() is logged before its SYN).
const connSlack = 20 * time.Millisecond

// sessionConnIDs finds the connection list's number of a connection: of
// the connections on the 4-tuple (a fixed client port reuses one), the
// latest that had begun by the event's time. Answers found are kept (a
// connection's number never changes), so that the log, redrawn often,
// does not scan the session each time.
func sessionConnIDs(s *session.Session) demo.ConnIDs {
	type key struct {
		c, s netip.AddrPort
		at   int64
	}
	var mu sync.Mutex
	found := map[key]uint64{}
	return func(client, server netip.AddrPort, at time.Time) (uint64, bool) {
		k := key{client, server, at.UnixNano()}
		mu.Lock()
		id, ok := found[k]
		mu.Unlock()
		if ok {
			return id, true
		}
		ids, _ := s.Match(session.ParseFilter(client.String()+" "+server.String()), 0)
		var best uint64
		for _, id := range ids {
			c, ok := s.ConnAt(id, s.Len())
			if !ok || c.FirstTime.After(at.Add(connSlack)) {
				continue
			}
			if (c.Client == client && c.Server == server) || (c.Client == server && c.Server == client) {
				best = id
			}
		}
		if best == 0 {
			return 0, false
		}
		mu.Lock()
		if len(found) >= 1<<14 {
			clear(found)
		}
		found[k] = best
		mu.Unlock()
		return best, true
	}
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
