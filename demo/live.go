package demo

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/synfin/synfin/i18n"
)

// Logger receives the demo's diagnostics (log/slog's Logger is one).
type Logger interface {
	Info(msg string, args ...any)
	Error(msg string, args ...any)
}

// ConnIDs finds the number the connection list gives (the tracker's
// connection ID) to the connection client→server that existed at t; ok
// is false when it has not been seen (yet).
type ConnIDs func(client, server netip.AddrPort, at time.Time) (id uint64, ok bool)

// LiveConfig configures a Live demo.
type LiveConfig struct {
	Addr        netip.AddrPort // the server's address; the next port stays closed (Refused)
	Model       Model          // default Goroutine
	MaxChildren int            // process model (0: DefaultMaxChildren)
	// Ports are more ports whose sockets the kernel view follows (a
	// scenario run next to the demo).
	Ports []uint16
	Log   Logger // may be nil
	// Events, when set, also receives every event (any goroutine).
	Events Sink
}

// CloseDelays are the server's delays before close() after the client's
// FIN that the 'd' key cycles through: at once (the notes' servers, and
// Linux then closes in three segments), one second (FIN_WAIT_2 and
// CLOSE_WAIT seen lasting: the four-way teardown), and until 'X'.
var CloseDelays = []time.Duration{0, time.Second, HoldClose}

// maxLog bounds the events kept for the server log.
const maxLog = 200

// Live is the interactive demo the TUI's demo panel drives: a Controller
// (server and clients) whose server can be switched between models and
// restarted, the actions bound to keys, the server log in the UI's
// language, and the kernel's own view of the demo's sockets, read through
// sock_diag when a packet or a demo event says something changed (and
// once a second, for timers such as TIME_WAIT's), never on the draw path.
//
// Every method is safe for concurrent use and returns at once: actions
// run on the Controller's goroutines.
type Live struct {
	cfg     LiveConfig
	clients atomic.Int64

	mu         sync.Mutex
	ctl        *Controller // nil while the model switches
	model      Model
	delay      int  // index in CloseDelays
	reuse      bool // SO_REUSEADDR at the next restart (R)
	keepParent bool
	keepAlive  bool
	sel        netip.AddrPort
	lines      []Event // newest last, at most maxLog
	connIDs    ConnIDs
	wg         sync.WaitGroup
	version    atomic.Uint64

	k kernelWatch
}

// StartLive starts the demo's server and its kernel watcher.
func StartLive(cfg LiveConfig) (*Live, error) {
	if cfg.Model == "" {
		cfg.Model = Goroutine
	}
	l := &Live{cfg: cfg, model: cfg.Model, reuse: true}
	ports := append([]uint16{cfg.Addr.Port(), cfg.Addr.Port() + 1}, cfg.Ports...)
	l.k.start(ports, func() { l.version.Add(1) })
	if err := l.startServer(cfg.Model); err != nil {
		l.k.stop()
		return nil, err
	}
	return l, nil
}

// Addr returns the server's address.
func (l *Live) Addr() netip.AddrPort { return l.cfg.Addr }

// SetConnIDs gives the demo the connection list's numbers, for the log.
func (l *Live) SetConnIDs(f ConnIDs) {
	l.mu.Lock()
	l.connIDs = f
	l.mu.Unlock()
	l.version.Add(1)
}

// Packet tells the demo that the capture saw a packet at t (the pump
// calls it): the kernel view is read again, so that each step has the
// kernel's state after it (KernelAt).
func (l *Live) Packet(t time.Time) { l.k.poke() }

// sink records a peer's event for the server log (any goroutine).
func (l *Live) sink(ev Event) {
	if l.cfg.Log != nil {
		l.cfg.Log.Info("demo event", "event", ev.String())
	}
	if l.cfg.Events != nil {
		l.cfg.Events(ev)
	}
	l.mu.Lock()
	l.lines = append(l.lines, ev)
	if len(l.lines) > maxLog {
		l.lines = append(l.lines[:0], l.lines[len(l.lines)-maxLog:]...)
	}
	l.mu.Unlock()
	l.version.Add(1)
	l.k.poke()
}

func (l *Live) note(key i18n.Key, args i18n.Args) {
	l.sink(Event{Time: time.Now(), Who: "demo", Kind: KindNote, Note: key, Args: args, Text: i18n.En.F(key, args)})
}

func (l *Live) failed(action string, err error) {
	ev := Event{Time: time.Now(), Who: "demo", Kind: KindError, Text: action + ": " + err.Error(), Args: i18n.Args{"action": action}}
	var de demoError
	if errors.As(err, &de) {
		ev.Note, ev.Args = de.key, de.args
	}
	l.sink(ev)
}

// startServer starts a Controller with model m and the current toggles.
func (l *Live) startServer(m Model) error {
	l.mu.Lock()
	cfg := ControllerConfig{Addr: l.cfg.Addr, Model: m, CloseDelay: CloseDelays[l.delay], NoReuseAddr: !l.reuse,
		KeepParentCopy: l.keepParent && m == Process, KeepAlive: l.keepAlive, MaxChildren: l.cfg.MaxChildren,
		Clients: &l.clients, Events: l.sink}
	l.mu.Unlock()
	ctl, err := NewController(cfg)
	if err != nil {
		return err
	}
	l.mu.Lock()
	ctl.Select(l.sel)
	l.ctl, l.model = ctl, m
	l.mu.Unlock()
	l.version.Add(1)
	return nil
}

// switchTo replaces the server with one of model m (in the background).
func (l *Live) switchTo(m Model, ctl *Controller) {
	l.mu.Lock()
	l.ctl = nil
	l.mu.Unlock()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := ctl.Close(); err != nil {
			l.failed("close server", err)
		}
		if err := l.startServer(m); err != nil {
			l.failed("start "+string(m)+" server", err)
		}
	}()
}

// Close stops the peers and the kernel watcher and waits for them.
func (l *Live) Close() error {
	l.wg.Wait()
	l.mu.Lock()
	ctl := l.ctl
	l.ctl = nil
	l.mu.Unlock()
	var err error
	if ctl != nil {
		err = ctl.Close()
	}
	l.k.stop()
	return err
}

// RunScenario runs sc unattended next to the interactive peers; its
// events go to the server log.
func (l *Live) RunScenario(ctx context.Context, sc Scenario) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := sc.Execute(ctx, &Run{Log: &EventLog{Forward: l.sink}}); err != nil && ctx.Err() == nil {
			l.failed("scenario "+sc.Name, err)
		}
	}()
}

// Select chooses the connection the keys act on, as the list shows it
// (client and server address); invalid addresses choose none: the keys
// then act on the newest connection still open. The UI calls it when
// the selection changes (or through DoOn).
func (l *Live) Select(client, server netip.AddrPort) {
	if server.IsValid() && server != l.cfg.Addr {
		client = netip.AddrPort{} // not a connection of the demo's server
	}
	l.mu.Lock()
	l.sel = client
	ctl := l.ctl
	l.mu.Unlock()
	if ctl != nil {
		ctl.Select(client)
	}
}

// DoOn selects the connection client→server (see Select) and runs key r.
func (l *Live) DoOn(r rune, client, server netip.AddrPort) bool {
	if !IsKey(r) {
		return false
	}
	l.Select(client, server)
	return l.Do(r)
}

// Keys lists the demo's keys, in help order.
const keyList = "csxXhaAurblmdkReK"

// IsKey reports whether r is one of the demo's keys.
func IsKey(r rune) bool { return r < 128 && strings.ContainsRune(keyList, r) }

// Do runs the action bound to key r and reports whether r is a demo key
// (ui.DemoControl). The keys:
//
//	c connect · s send · x client close · X server close · h half-close
//	(the server replies after the FIN) · a client abort · A server abort ·
//	u close with unread data (RST) · r refused · b burst · l long ·
//	m server model · d delay before the server's close() (none / 1 s /
//	until X) · k the multi-process parent that forgets to close its copy
//	(again: the parent closes it) · R restart the server · e SO_REUSEADDR
//	for the next restart · K TCP keep-alive
func (l *Live) Do(r rune) bool {
	if !IsKey(r) {
		return false
	}
	l.mu.Lock()
	ctl := l.ctl
	l.mu.Unlock()
	acts := map[rune]func(*Controller){
		'c': (*Controller).Connect,
		's': (*Controller).Send,
		'x': (*Controller).ClientClose,
		'X': (*Controller).ServerClose,
		'h': (*Controller).HalfClose,
		'a': (*Controller).Abort,
		'A': (*Controller).ServerAbort,
		'u': (*Controller).UnreadRST,
		'r': (*Controller).Refused,
		'b': func(c *Controller) { c.Burst(5) },
		'l': func(c *Controller) { c.Long(5) },
	}
	if ctl == nil {
		l.failed(string(r), failure(i18n.KeyDemoErrRestarting, nil))
		return true
	}
	if f, ok := acts[r]; ok {
		l.remindDelay(r)
		f(ctl)
		return true
	}
	switch r {
	case 'm':
		l.mu.Lock()
		m := l.model
		l.mu.Unlock()
		models := Models()
		next := models[0]
		for i, x := range models {
			if x == m {
				next = models[(i+1)%len(models)]
			}
		}
		l.switchTo(next, ctl)
	case 'd':
		l.mu.Lock()
		l.delay = (l.delay + 1) % len(CloseDelays)
		d := CloseDelays[l.delay]
		l.mu.Unlock()
		ctl.Server().SetCloseDelay(d)
		l.note(delayKey(d), nil)
	case 'k':
		l.toggleParent(ctl)
	case 'R':
		l.mu.Lock()
		reuse := l.reuse
		l.mu.Unlock()
		ctl.Restart(reuse)
	case 'e':
		l.mu.Lock()
		l.reuse = !l.reuse
		reuse := l.reuse
		l.mu.Unlock()
		if reuse {
			l.note(i18n.KeyDemoNoteReuseOn, nil)
		} else {
			l.note(i18n.KeyDemoNoteReuseOff, nil)
		}
	case 'K':
		l.mu.Lock()
		l.keepAlive = !l.keepAlive
		on := l.keepAlive
		l.mu.Unlock()
		ctl.SetKeepAlive(on)
		if on {
			l.note(i18n.KeyDemoNoteKeepAliveOn, nil)
		} else {
			l.note(i18n.KeyDemoNoteKeepAliveOff, nil)
		}
	}
	l.version.Add(1)
	return true
}

// remindDelay says in the log, before an action whose clients will close,
// that the server still delays its close() ('d' is sticky).
func (l *Live) remindDelay(r rune) {
	if !strings.ContainsRune("cxbl", r) {
		return
	}
	l.mu.Lock()
	d := CloseDelays[l.delay]
	l.mu.Unlock()
	switch d {
	case HoldClose:
		l.note(i18n.KeyDemoNoteStillHold, nil)
	case 0:
	default:
		l.note(i18n.KeyDemoNoteStill1s, nil)
	}
}

func delayKey(d time.Duration) i18n.Key {
	switch {
	case d < 0:
		return i18n.KeyDemoNoteDelayHold
	case d > 0:
		return i18n.KeyDemoNoteDelay1s
	}
	return i18n.KeyDemoNoteDelayNone
}

// toggleParent is the 'k' key: the first press makes the multi-process
// server's parent keep its copy of each socket it accepts (switching to
// that model if needed), the next press makes it close the copies it
// kept, so the FINs the children could not send go out.
func (l *Live) toggleParent(ctl *Controller) {
	l.mu.Lock()
	// Another model: k always means "show the mistake" (it switches).
	l.keepParent = !l.keepParent || l.model != Process
	on, m := l.keepParent, l.model
	l.mu.Unlock()
	if !on {
		ctl.Server().SetKeepParentCopy(false)
		ctl.CloseParentCopies()
		l.note(i18n.KeyDemoNoteParentCloses, nil)
		return
	}
	l.note(i18n.KeyDemoNoteParentKeeps, nil)
	if m != Process {
		l.switchTo(Process, ctl)
		return
	}
	ctl.Server().SetKeepParentCopy(true)
}

// Help lists the demo keys' help lines (ui.DemoControl), in help order.
func (l *Live) Help(lang i18n.Lang) []string {
	keys := []i18n.Key{i18n.KeyDemoConnect, i18n.KeyDemoSend, i18n.KeyDemoClientQuit, i18n.KeyDemoServerQuit,
		i18n.KeyDemoHalfReply, i18n.KeyDemoAbort, i18n.KeyDemoServerAbortSel, i18n.KeyDemoUnreadSel, i18n.KeyDemoRefused,
		i18n.KeyDemoBurst, i18n.KeyDemoLong, i18n.KeyDemoModelKey, i18n.KeyDemoDelayKey, i18n.KeyDemoParentKey,
		i18n.KeyDemoRestartKey, i18n.KeyDemoReuseKey, i18n.KeyDemoKeepAliveKey, i18n.KeyDemoSelectedKey}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = lang.T(k)
	}
	return out
}

// Keys is the short key line for the panel (ui.DemoControl).
func (l *Live) Keys(lang i18n.Lang) string { return lang.T(i18n.KeyDemoKeyLineAll) }

// ModelName is a server model's name as the key help says it.
func ModelName(lang i18n.Lang, m Model) string {
	switch m {
	case Process:
		return lang.T(i18n.KeyDemoModelProcess)
	case Iterative:
		return lang.T(i18n.KeyDemoModelIterative)
	}
	return lang.T(i18n.KeyDemoModelGoroutine)
}

// Model names the server model and the toggles not at their default
// (ui.DemoControl).
func (l *Live) Model(lang i18n.Lang) string {
	l.mu.Lock()
	m, d, reuse, parent, ka := l.model, CloseDelays[l.delay], l.reuse, l.keepParent, l.keepAlive
	l.mu.Unlock()
	parts := []string{fmt.Sprintf(":%d", l.cfg.Addr.Port()), lang.F(i18n.KeyStatusDemoModel, i18n.Args{"model": ModelName(lang, m)})}
	switch {
	case d > 0:
		parts = append(parts, lang.T(i18n.KeyDemoStatusDelay1s))
	case d < 0:
		parts = append(parts, lang.T(i18n.KeyDemoStatusDelayHold))
	}
	if parent && m == Process {
		parts = append(parts, lang.T(i18n.KeyDemoStatusParent))
	}
	if !reuse {
		parts = append(parts, lang.T(i18n.KeyDemoStatusNoReuse))
	}
	if ka {
		parts = append(parts, lang.T(i18n.KeyDemoStatusKeepAlive))
	}
	return strings.Join(parts, " · ")
}

// Version changes whenever Log, Model or the kernel view would return
// something new (ui.DemoControl). It only reads a counter.
func (l *Live) Version() uint64 { return l.version.Load() }

// Log returns at most n lines of the server log, newest last, in lang
// (ui.DemoControl): "15:04:05 服务器 #3: recv()收到 "hello"". Payloads are
// escaped (Escape); the UI escapes its markup.
func (l *Live) Log(lang i18n.Lang, n int) []string {
	l.mu.Lock()
	evs := append([]Event(nil), l.lines[max(0, len(l.lines)-n):]...)
	ids := l.connIDs
	l.mu.Unlock()
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = LogLine(lang, ev, ids)
	}
	return out
}

// tupleOfEvent returns the connection an event is about, as client and
// server address.
func tupleOfEvent(ev Event) (client, server netip.AddrPort, ok bool) {
	if !ev.Local.IsValid() || !ev.Remote.IsValid() {
		return client, server, false
	}
	if strings.HasPrefix(ev.Who, "server") {
		return ev.Remote, ev.Local, true
	}
	return ev.Local, ev.Remote, true
}

// LogLine says one event in lang, with the connection's number in the
// connection list when ids knows it.
func LogLine(lang i18n.Lang, ev Event, ids ConnIDs) string {
	var b strings.Builder
	b.WriteString(ev.Time.Format("15:04:05"))
	b.WriteByte(' ')
	b.WriteString(WhoName(lang, ev.Who))
	if c, s, ok := tupleOfEvent(ev); ok && ids != nil {
		// The list's number, unless it is the client's own ("client 2"
		// is connection #2: saying both repeats the number).
		if id, ok := ids(c, s, ev.Time); ok && ev.Who != fmt.Sprintf("client %d", id) {
			if lang == i18n.En {
				b.WriteByte(' ')
			}
			b.WriteString(lang.F(i18n.KeyDemoLogConn, i18n.Args{"n": id}))
		}
	}
	b.WriteString(sep(lang))
	b.WriteString(eventText(lang, ev))
	return b.String()
}

func sep(lang i18n.Lang) string {
	if lang == i18n.Zh {
		return "："
	}
	return ": "
}

// WhoName says who did something: "server", "client 3", "child 12028",
// in lang.
func WhoName(lang i18n.Lang, who string) string {
	switch {
	case who == "server":
		return lang.T(i18n.KeyDemoWhoServer)
	case who == "demo":
		return lang.T(i18n.KeyDemoWhoDemo)
	case who == "client (closed port)":
		return lang.T(i18n.KeyDemoWhoClosedPort)
	case strings.HasPrefix(who, "server child "):
		return lang.F(i18n.KeyDemoWhoChild, i18n.Args{"pid": strings.TrimPrefix(who, "server child ")})
	case strings.HasPrefix(who, "client "):
		return lang.F(i18n.KeyDemoWhoClient, i18n.Args{"n": strings.TrimPrefix(who, "client ")})
	case strings.HasPrefix(who, "peer "):
		return lang.F(i18n.KeyDemoWhoPeer, i18n.Args{"n": strings.TrimPrefix(who, "peer ")})
	}
	return Escape(who)
}

func onOff(lang i18n.Lang, on bool) string {
	if on {
		return lang.T(i18n.KeyDemoOn)
	}
	return lang.T(i18n.KeyDemoOff)
}

// eventText says what happened, in lang.
func eventText(lang i18n.Lang, ev Event) string {
	kind := lang.DemoKind(string(ev.Kind))
	switch ev.Kind {
	case KindNote:
		return lang.F(ev.Note, ev.Args)
	case KindError:
		if ev.Note != "" {
			return lang.F(ev.Note, ev.Args)
		}
		return kind + sep(lang) + Escape(ev.Text)
	case KindListening:
		if li := ev.Listen; li != nil {
			return lang.F(i18n.KeyDemoLogListening, i18n.Args{"model": ModelName(lang, li.Model), "backlog": li.Backlog,
				"reuse": onOff(lang, li.ReuseAddr)})
		}
	case KindBindError:
		if strings.Contains(ev.Text, syscall.EADDRINUSE.Error()) {
			return lang.F(i18n.KeyDemoLogInUse, i18n.Args{"port": ev.Local.Port(), "reuse": onOff(lang, ev.Listen != nil && ev.Listen.ReuseAddr)})
		}
		return kind + sep(lang) + Escape(ev.Text)
	case KindAccepted:
		return lang.F(i18n.KeyDemoLogAccepted, i18n.Args{"port": ev.Local.Port(), "client": ev.Remote})
	case KindChildLimit:
		return lang.F(i18n.KeyDemoLogChildLimit, ev.Args)
	case KindChildStarted, KindChildExited:
		return kind
	case KindSent, KindReceived:
		return kind + " " + Quote(strings.TrimSuffix(ev.Text, "\n"))
	case KindConnecting, KindRefused:
		if ev.Remote.IsValid() {
			return kind + " → " + ev.Remote.String()
		}
	case KindConnected:
		if ev.Local.IsValid() {
			return kind + " ← " + ev.Local.String()
		}
	case KindClosed:
		if strings.Contains(ev.Text, "unread") {
			return lang.T(i18n.KeyDemoLogClosedUnread)
		}
	}
	return kind
}
