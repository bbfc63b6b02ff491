package ui

import (
	"context"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Mode says where the packets come from.
type Mode uint8

// Modes.
const (
	Replay Mode = iota // a capture file: starts paused at the first packet
	Live               // live capture: follows the newest packet
	Demo               // live capture of the demo peers, with the demo panel
)

// ConnView is a pane that draws one connection as it was at one step: the
// sequence diagram, the state diagram and the explanation. steps are the
// connection's steps up to the cursor, oldest first (at most
// maxPaneSteps); selected indexes the cursor's step in it, -1 when there
// is none (then conn is the zero Conn too).
type ConnView interface {
	tview.Primitive
	SetConn(conn fsm.Conn, steps []session.Step, selected int, lang i18n.Lang)
}

// DemoControl drives the demo peers from the demo panel's keys. Its
// methods are called on the UI goroutine and must not block: Do starts
// the action and returns.
type DemoControl interface {
	// Do runs the action bound to key r and reports whether r is a demo
	// key.
	Do(r rune) bool
	// Help lists the demo keys' help lines, e.g. "c: connect a new
	// client" (already in lang), for the help page.
	Help(lang i18n.Lang) []string
	// Keys is the short form for the panel, e.g. "c connect · s send".
	Keys(lang i18n.Lang) string
	// Log returns at most max lines of the server log, newest last, in
	// lang. Lines may hold untrusted text (payloads): the panel escapes
	// them.
	Log(lang i18n.Lang, max int) []string
	// Model names the server model, in lang.
	Model(lang i18n.Lang) string
	// Version changes whenever Log or Model would return something new.
	Version() uint64
}

// KernelViewer is what a DemoControl may also do: read the kernel's own
// view of the demo's sockets (sock_diag, as ss shows it), which the demo
// panel shows next to the states synfin inferred from the packets.
type KernelViewer interface {
	// KernelStates returns the kernel's current state of the client's and
	// the server's socket of the connection client→server, CLOSED where
	// the kernel has no such socket; ok is false if it cannot be read.
	KernelStates(client, server netip.AddrPort) (cs, ss fsm.State, ok bool)
}

// KernelStepViewer is what a DemoControl may also do: keep the kernel's
// view per step, so that stepping back shows the kernel at that step.
// KernelView returns the states of the connection's client socket, server
// socket and the listener on the server's port (found false: no socket),
// now when after is zero, else as read after the step at time after and
// before the connection's next step at time before (zero: none yet); ok
// is false when the kernel was not read then.
type KernelStepViewer interface {
	KernelView(client, server netip.AddrPort, after, before time.Time) (states [3]fsm.State, found [3]bool, ok bool)
}

// Config is what an App shows.
type Config struct {
	Session *session.Session
	Mode    Mode
	// Source names the packets' origin for the status bar: the file name,
	// "lo tcp port 80", "demo". It is untrusted and shown escaped.
	Source string
	Lang   i18n.Lang
	// Ladder, States and Explain are the connection panes; nil ones are
	// left out.
	Ladder, States, Explain ConnView
	Demo                    DemoControl // demo mode only
	Clock                   func() time.Time
}

// maxPaneSteps bounds the steps handed to the connection panes: a ladder
// never shows more, and a long connection must not cost a copy of all
// its steps per key press.
const maxPaneSteps = 400

// App is the terminal UI. Everything except Run and Guard runs on the UI
// goroutine (tview's event loop, or a test calling it directly).
type App struct {
	cfg  Config
	s    *session.Session
	cur  *session.Cursor
	play *Player
	lang i18n.Lang
	now  func() time.Time

	list      *connContent
	table     *tview.Table
	status    *tview.TextView
	filterIn  *tview.InputField
	bottom    *tview.Pages    // status bar or filter prompt
	pages     *tview.Pages    // main screen, help
	help      *tview.TextView // the keys, scrolled by ↑ ↓ PgUp PgDn
	helpFoot  *tview.TextView // how to scroll and close it: always shown
	helpPage  *tview.Flex
	helpW     int             // the width the help text is wrapped to
	demo      *tview.Flex     // demo panel: demoKeys above demoLog
	demoKeys  *tview.TextView // server model and the keys
	demoLog   *tview.TextView
	demoLines []string // the paragraphs of demoKeys, to size it
	root      *tview.Flex
	mid, low  *tview.Flex
	views     []ConnView
	order     []tview.Primitive // Tab order
	focused   int

	shownID   uint64 // connection the panes show
	manualSel bool   // the user picked shownID in the list
	selecting bool   // the list selection is being set by code
	helpOpen  bool
	zoomed    tview.Primitive // the pane shown full screen by z, or nil

	// stale: a key moved the cursor while more keys waited; the panes
	// are re-read on the next draw (or other key), so a flood of keys
	// costs one refresh (flush).
	stale    bool
	shape    shape        // the last layout (plan)
	pr       predictor    // predict mode and the pause at state changes
	shownPos int          // the cursor's position at the last refresh
	flood    *floodScreen // nil in tests that draw by hand

	seenVersion, seenDemo uint64
	busy                  atomic.Bool // playing or following: redraw on ticks

	setFocus func(tview.Primitive)
	stop     func()
}

// New builds the UI for cfg.
func New(cfg Config) *App {
	a := &App{cfg: cfg, s: cfg.Session, lang: cfg.Lang, now: cfg.Clock}
	if a.now == nil {
		a.now = time.Now
	}
	a.cur = session.NewCursor(a.s, cfg.Mode != Replay)
	a.play = NewPlayer(a.s, a.cur, cfg.Mode != Replay)
	a.play.Gate, a.play.Stop = a.gate, a.stopAt
	a.pr.passed, a.shownPos = -1, -1
	a.setFocus = func(tview.Primitive) {}
	a.stop = func() {}

	a.list = &connContent{s: a.s, lang: a.lang, dropped: a.s.First()}
	a.table = newConnTable(a.list)
	a.table.SetSelectionChangedFunc(a.rowSelected)
	a.table.SetSelectedFunc(func(r, _ int) { a.focusConn(a.list.idAt(r)) })

	a.status = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	a.filterIn = tview.NewInputField().SetFieldBackgroundColor(tcell.ColorNavy)
	a.filterIn.SetDoneFunc(a.filterDone)
	a.bottom = tview.NewPages().
		AddPage("status", a.status, true, true).
		AddPage("filter", a.filterIn, true, false)

	a.help = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	a.helpFoot = tview.NewTextView().SetDynamicColors(true)
	a.helpPage = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.help, 0, 1, false).
		AddItem(a.helpFoot, 1, 0, false)
	a.helpPage.SetBorder(true)

	a.mid = tview.NewFlex()
	a.low = tview.NewFlex()
	a.order = []tview.Primitive{a.table}
	for _, v := range []ConnView{cfg.Ladder, cfg.States, cfg.Explain} {
		if v != nil {
			a.views = append(a.views, v)
			// A border frames each pane and shows which one has the
			// focus (tview draws it double).
			if b, ok := v.(interface{ SetBorder(bool) *tview.Box }); ok {
				b.SetBorder(true)
			}
		}
	}
	if cfg.Ladder != nil {
		a.mid.AddItem(cfg.Ladder, 0, 3, false)
		a.order = append(a.order, cfg.Ladder)
	}
	if cfg.States != nil {
		a.mid.AddItem(cfg.States, 0, 2, false)
		a.order = append(a.order, cfg.States)
	}
	if cfg.Explain != nil {
		a.low.AddItem(cfg.Explain, 0, 1, false)
		a.order = append(a.order, cfg.Explain)
	}
	if cfg.Demo != nil {
		a.demoKeys = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
		a.demoLog = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
		a.demo = tview.NewFlex().SetDirection(tview.FlexRow).
			AddItem(a.demoKeys, 3, 0, false).
			AddItem(a.demoLog, 0, 1, false)
		a.demo.SetBorder(true)
		a.low.AddItem(a.demo, 0, 1, false)
		if cfg.Explain != nil {
			a.low.ResizeItem(cfg.Explain, 0, 3)
			a.low.ResizeItem(a.demo, 0, 2)
		}
		a.order = append(a.order, a.demoLog) // ↑ ↓ scroll the log
	}
	a.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.table, 8, 0, true).
		AddItem(a.mid, 0, 1, false).
		AddItem(a.low, 8, 0, false).
		AddItem(a.bottom, 1, 0, false)

	// The help covers the whole screen: an overlay would leave halves of
	// wide (Chinese) characters showing at its edges.
	a.pages = tview.NewPages().
		AddPage("main", &layout{Flex: a.root, a: a}, true, true).
		AddPage("help", a.helpPage, true, false)
	a.pages.SetInputCapture(a.HandleKey)
	a.refresh()
	return a
}

// Root returns the primitive to give tview.Application.SetRoot.
func (a *App) Root() tview.Primitive { return &rootView{Pages: a.pages, a: a} }

// rootView brings the panes up to date before drawing them.
type rootView struct {
	*tview.Pages
	a *App
}

func (r *rootView) Draw(screen tcell.Screen) {
	a := r.a
	if _, _, w, _ := r.GetRect(); a.helpOpen && w != a.helpW {
		row, _ := a.help.GetScrollOffset()
		a.help.SetText(helpText(a.lang, a.cfg.Demo, w-2)) // inside the border
		a.help.ScrollTo(row, 0)
		a.helpW = w
	}
	r.a.flush()
	r.a.drawStatus() // fitted to the screen's width
	r.Pages.Draw(screen)
}

// flush re-reads the session if a key moved the cursor since the last
// refresh.
func (a *App) flush() {
	if a.stale {
		a.refresh()
	}
}

// layout sizes the panes for the screen before drawing (see plan).
type layout struct {
	*tview.Flex
	a *App
}

func (l *layout) Draw(screen tcell.Screen) {
	a := l.a
	_, _, w, h := l.GetRect()
	lowMin := 0
	switch {
	case a.demo != nil:
		lowMin = minLowDemo
	case a.low.GetItemCount() > 0:
		lowMin = minLow
	}
	p := plan(w, h, a.list.visible, a.cfg.States != nil, lowMin)
	a.shape = p
	a.root.ResizeItem(a.table, p.list, 0)
	a.root.ResizeItem(a.low, p.low, 0)
	if a.cfg.States != nil {
		if p.states > 0 {
			a.mid.ResizeItem(a.cfg.States, p.states, 0)
		} else {
			a.mid.ResizeItem(a.cfg.States, 0, 0)
		}
	}
	if a.demo != nil && a.cfg.Explain != nil {
		if p.states > 0 {
			// The demo panel sits under the state diagram, as wide.
			a.low.ResizeItem(a.cfg.Explain, 0, 1)
			a.low.ResizeItem(a.demo, p.states, 0)
		} else {
			a.low.ResizeItem(a.cfg.Explain, 0, 1)
			a.low.ResizeItem(a.demo, 0, 1)
		}
	}
	a.sizeDemoKeys()
	l.Flex.Draw(screen)
}

// shape is how the main screen is divided: the rows of the list, the
// diagrams and the explanation row, and the state diagram's width (0:
// not shown; z shows it on the whole screen).
type shape struct {
	list, mid, low int
	states         int
}

// Sizes of the state diagram pane, borders included: the full RFC 9293
// figure, the compact one.
const (
	fullPaneW, fullPaneH       = sdW + 2, sdH + 2
	compactPaneW, compactPaneH = sdcW + 2, sdcH + 1 // the caption row shows when taller
	minLadderW                 = 56                 // full state names and arrow labels
	minLow                     = 8                  // the explanation's first six lines
	minLowDemo                 = 10                 // the demo panel: kernel, keys, log
)

// plan divides a w×h screen. The designs (goldens in testdata/screen-*):
//
//   - 160×45 and up: the full RFC 9293 figure next to the ladder;
//   - 100×30 and up: the compact figure (every state, full names, the
//     edges) next to the ladder;
//   - 80×24: the ladder on the whole width, so that state names and
//     arrow labels are never cut; z shows the figure.
//
// The list takes the rows its connections need, up to a fifth of the
// screen; the explanation row gets at least minLow rows.
func plan(w, h, conns int, states bool, lowMin int) shape {
	var p shape
	avail := h - 1 // minus the status bar
	low := lowMin > 0
	const minList = 4 // borders, header and one row
	switch {
	case states && w-fullPaneW >= minLadderW && avail-minList-fullPaneH >= lowMin:
		p.states, p.mid = fullPaneW, fullPaneH
	case states && w-compactPaneW >= minLadderW && avail-minList-compactPaneH >= lowMin:
		p.states, p.mid = compactPaneW, compactPaneH
	}
	if p.mid > 0 {
		p.list = clamp(conns+3, minList, max(minList, min(max(5, h/5), avail-p.mid-lowMin)))
	} else {
		p.list = clamp(conns+3, minList, max(5, h/5))
		rest := avail - p.list
		p.mid = max(6, rest-clamp(rest*2/5, lowMin, 16))
	}
	if low {
		p.low = max(0, avail-p.list-p.mid)
		if extra := p.low - 16; extra > 0 {
			// A tall screen: the ladder gets what the explanation does
			// not need.
			p.low -= extra
			p.mid += extra
		}
	} else {
		p.mid = avail - p.list
	}
	return p
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// Run shows the UI on screen (nil: the terminal) until q, Ctrl-C or ctx
// is done. Redraws are throttled to 20 per second.
func (a *App) Run(ctx context.Context, screen tcell.Screen) error {
	app := tview.NewApplication()
	if screen == nil {
		var err error
		if screen, err = tcell.NewScreen(); err != nil {
			return err
		}
	}
	fs := &floodScreen{Screen: screen}
	app.SetScreen(fs) // initializes it
	if fs.initErr != nil {
		return fs.initErr
	}
	a.flood = fs
	// Every key passes here first: count it as handled.
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		fs.keyHandled()
		return ev
	})
	app.SetBeforeDrawFunc(func(tcell.Screen) bool { return fs.skip })
	a.setFocus = func(p tview.Primitive) { app.SetFocus(p) }
	a.stop = app.Stop
	app.SetRoot(a.Root(), true).SetFocus(a.table)
	a.focused = 0
	a.markBusy()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.refresher(ctx, app)
	}()
	go func() {
		<-ctx.Done()
		app.Stop()
	}()
	err := app.Run()
	cancel()
	<-done
	return err
}

// refresher asks the event loop for a redraw, at most 20 times a second,
// when the session or the demo changed or playback is running. It runs on
// its own goroutine and never blocks the event loop: QueueUpdateDraw is
// called only from here, never from an input handler (PITFALLS).
func (a *App) refresher(ctx context.Context, app *tview.Application) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	var lastV, lastD uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v := a.s.Version()
		var d uint64
		if a.cfg.Demo != nil {
			d = a.cfg.Demo.Version()
		}
		if v == lastV && d == lastD && !a.busy.Load() {
			continue
		}
		lastV, lastD = v, d
		updated := make(chan struct{})
		go func() {
			app.QueueUpdateDraw(func() { a.Tick(a.now()) })
			close(updated)
		}()
		select {
		case <-updated:
		case <-ctx.Done():
			return // the loop has stopped: leave the queued update
		}
	}
}

// Guard restores the terminal if the calling goroutine panics, then
// panics again: `defer a.Guard()` first thing in every goroutine that runs
// while the UI owns the terminal (tview guards its own).
func (a *App) Guard() {
	if p := recover(); p != nil {
		a.stop()
		panic(p)
	}
}

// Tick advances playback to now and re-reads the session if anything
// changed. It runs on the UI goroutine.
func (a *App) Tick(now time.Time) {
	a.flush()
	moved := a.play.Tick(now)
	if a.cur.Following() && (a.pr.on || a.pr.autoPause) {
		a.catchUp()
		moved = moved || !a.cur.Following()
	}
	if moved {
		a.manualSel = false
	}
	v := a.s.Version()
	var d uint64
	if a.cfg.Demo != nil {
		d = a.cfg.Demo.Version()
	}
	if moved || v != a.seenVersion || d != a.seenDemo {
		a.refresh()
	} else {
		a.drawStatus()
	}
	a.markBusy()
}

func (a *App) markBusy() {
	a.busy.Store(a.play.Playing() || !a.s.Info().Done)
}

// refresh re-reads the session at the cursor into every pane.
func (a *App) refresh() {
	a.stale = false
	a.seenVersion = a.s.Version()
	pos := a.cur.Pos()
	a.shownPos = pos
	a.list.lang = a.lang
	a.list.update(pos)

	id := a.cur.Focused()
	if id == 0 {
		if a.manualSel && a.shownID != 0 {
			id = a.shownID
		} else if st, ok := a.s.Step(pos); ok {
			id = st.ConnID
		}
	}
	if !a.list.filter.Empty() && a.list.rowOf(id) < 0 {
		// The filter hides it: show the selected match, else the first.
		id = 0
		if r, _ := a.table.GetSelection(); a.manualSel && a.list.idAt(r) != 0 {
			id = a.list.idAt(r)
		} else if a.list.visible > 0 {
			id = a.list.idAt(1)
		}
		a.manualSel = id != 0
	}
	a.shownID = id
	if r := a.list.rowOf(id); r > 0 {
		a.selecting = true
		a.table.Select(r, 0)
		a.selecting = false
		a.showRow(r)
	}
	a.refreshPanes(pos)
	a.refreshDemo()
	a.drawStatus()
	a.setTitles()
}

// showRow scrolls the list so that table row r shows. Setting the offset
// also stops tview's "track the end" mode, which a short list switches on
// and which would otherwise keep the list scrolled to its oldest rows.
func (a *App) showRow(r int) {
	off, _ := a.table.GetOffset()
	_, _, _, h := a.table.GetInnerRect()
	vis := max(1, h-1) // minus the header
	switch {
	case r-1 < off:
		off = r - 1
	case r-1 >= off+vis:
		off = r - vis
	}
	a.table.SetOffset(max(0, off), 0)
}

// Selector is what a DemoControl may also do: act on the connection the
// list shows (keys s x h a u X A), rather than on the newest one. Select
// gets invalid addresses when no connection is shown.
type Selector interface {
	Select(client, server netip.AddrPort)
}

func (a *App) refreshPanes(pos int) {
	conn, ok := a.s.ConnAt(a.shownID, pos)
	if sel, isSel := a.cfg.Demo.(Selector); isSel {
		if ok && !a.cur.Following() || ok && a.manualSel {
			sel.Select(conn.Client, conn.Server)
		} else {
			sel.Select(netip.AddrPort{}, netip.AddrPort{}) // the newest
		}
	}
	var steps []session.Step
	sel := -1
	if ok {
		steps = a.s.ConnSteps(a.shownID, pos, maxPaneSteps)
		sel = len(steps) - 1
	} else {
		conn = fsm.Conn{}
	}
	hint := ""
	if a.cfg.Mode == Demo && a.s.Len() == 0 {
		hint = a.lang.T(i18n.KeyUIDemoBegin)
	}
	for _, v := range a.views {
		if l, ok := v.(*Ladder); ok { // the biggest pane
			l.SetEmptyText(hint)
		}
		if e, ok := v.(interface{ SetPrompt([]PromptLine) }); ok {
			e.SetPrompt(a.prompt())
		}
		v.SetConn(conn, steps, sel, a.lang)
	}
}

func (a *App) refreshDemo() {
	if a.demo == nil {
		return
	}
	d := a.cfg.Demo
	a.seenDemo = d.Version()
	// The model goes in the panel's title (setTitles), which saves a row.
	keys := ""
	a.demoLines = a.demoLines[:0]
	if line := a.kernelLine(); line != "" {
		keys += "[yellow]" + tview.Escape(line) + "[-]\n"
		a.demoLines = append(a.demoLines, line)
	}
	keys += tview.Escape(Untrusted(d.Keys(a.lang)))
	a.demoLines = append(a.demoLines, Untrusted(d.Keys(a.lang)))
	a.demoKeys.SetText(keys)
	a.sizeDemoKeys()
	a.setTitles()
	var b strings.Builder
	for i, l := range d.Log(a.lang, 100) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(tview.Escape(Untrusted(l)))
	}
	a.demoLog.SetText(b.String())
	a.demoLog.ScrollToEnd()
}

// sizeDemoKeys gives the demo panel's keys the rows they need at the
// panel's width (the log keeps two lines at least; ? lists every key).
func (a *App) sizeDemoKeys() {
	if a.demo == nil {
		return
	}
	_, _, w, h := a.demo.GetInnerRect()
	if w <= 0 {
		return
	}
	n := 0
	for _, p := range a.demoLines {
		k := len(wrap(p, w))
		if k > 1 {
			k++ // tview's word wrap may break a line earlier than wrap
		}
		n += k
	}
	a.demo.ResizeItem(a.demoKeys, max(1, min(n, h-2)), 0) // two log lines at least
}

// kernelLine is the kernel's view of the shown connection's sockets ("" where
// the demo cannot read it or no connection is shown): at the cursor's step
// when the demo keeps a view per step (KernelStepViewer), else now.
func (a *App) kernelLine() string {
	if a.shownID == 0 || a.cfg.Demo == nil {
		return ""
	}
	pos := a.cur.Pos()
	conn, ok := a.s.ConnAt(a.shownID, pos)
	if !ok {
		return ""
	}
	if kv, isKV := a.cfg.Demo.(KernelStepViewer); isKV {
		return a.kernelStepLine(kv, conn, pos)
	}
	kv, isKV := a.cfg.Demo.(KernelViewer)
	if !isKV {
		return ""
	}
	cs, ss, ok := kv.KernelStates(conn.Client, conn.Server)
	if !ok {
		return ""
	}
	return a.lang.F(i18n.KeyDemoKernel, i18n.Args{"client": cs.String(), "server": ss.String()})
}

// kernelStepLine is the kernel's view of conn at the step the cursor (pos)
// is on: "now" on the connection's newest step, else as read between that
// step's packet and the connection's next one.
func (a *App) kernelStepLine(kv KernelStepViewer, conn fsm.Conn, pos int) string {
	var after, before time.Time
	key := i18n.KeyUI2KernelNow
	if cur := a.s.ConnSteps(a.shownID, pos, 1); len(cur) == 1 {
		if next := a.s.NextStep(cur[0].Index, a.shownID); next >= 0 {
			if st, ok := a.s.Step(next); ok {
				after, before, key = cur[0].Time, st.Time, i18n.KeyUI2KernelStep
			}
		}
	}
	states, found, ok := kv.KernelView(conn.Client, conn.Server, after, before)
	if !ok {
		if key == i18n.KeyUI2KernelNow {
			return "" // the kernel cannot be read
		}
		return a.lang.T(i18n.KeyUI2KernelNotRead)
	}
	name := func(i int) string {
		if !found[i] {
			return a.lang.T(i18n.KeyUI2NoSocket)
		}
		return states[i].String()
	}
	return a.lang.F(key, i18n.Args{"client": name(0), "server": name(1), "listener": name(2)})
}

func (a *App) setTitles() {
	title := " " + a.lang.T(i18n.KeyConnections)
	if f := a.cur.Focused(); f != 0 {
		title += " · " + a.lang.F(i18n.KeyStatusFocused, i18n.Args{"n": f})
	}
	if !a.list.filter.Empty() {
		title += " · /" + Untrusted(a.list.filter.String())
	}
	a.table.SetTitle(tview.Escape(title + " "))
	if a.demo != nil {
		a.demo.SetTitle(" " + tview.Escape(Untrusted(a.cfg.Demo.Model(a.lang))) + " ")
	}
	a.helpPage.SetTitle(" " + tview.Escape(a.lang.T(i18n.KeyHelp)) + " ")
}

// rowSelected follows the user's moves in the list.
func (a *App) rowSelected(r, _ int) {
	if a.selecting {
		return
	}
	id := a.list.idAt(r)
	if id == 0 || id == a.shownID {
		return
	}
	if f := a.cur.Focused(); f != 0 && f != id {
		a.cur.Focus(0)
	}
	a.manualSel = true
	a.shownID = id
	a.refreshPanes(a.cur.Pos())
	a.drawStatus()
	a.setTitles()
}

// focusConn makes the cursor visit only connection id's steps.
func (a *App) focusConn(id uint64) {
	if id == 0 {
		return
	}
	a.cur.Focus(id)
	a.manualSel = false
	a.play.Moved(a.now())
	a.refresh()
}

// HandleKey is the input capture of the whole screen. It runs on the UI
// goroutine and never calls QueueUpdate*. Keys it does not use go on to
// the focused pane.
func (a *App) HandleKey(ev *tcell.EventKey) *tcell.EventKey {
	if a.flood != nil {
		// After this key, skip the redraw if more keys wait: a flood
		// of keys is drawn once.
		defer a.flood.deferDraw()
	}
	if k := ev.Key(); k != tcell.KeyLeft && k != tcell.KeyRight && k != tcell.KeyHome && k != tcell.KeyEnd {
		a.flush() // other keys read what the cursor moves changed
	}
	if a.filterIn.HasFocus() {
		return ev
	}
	if a.pr.intro != nil && !a.helpOpen {
		a.pr.intro = nil // a lesson's introduction stays until a key
		defer a.refresh()
	}
	if a.helpOpen {
		// Only ?, Esc and q close the help (q does not quit from it):
		// ↑ ↓ PgUp PgDn Home End scroll it, other keys do nothing, so
		// no key meant for the help lands on the screen behind it.
		switch {
		case ev.Key() == tcell.KeyEscape, ev.Key() == tcell.KeyRune && (ev.Rune() == '?' || ev.Rune() == 'q'):
			a.closeHelp()
		case ev.Key() == tcell.KeyUp, ev.Key() == tcell.KeyDown, ev.Key() == tcell.KeyPgUp,
			ev.Key() == tcell.KeyPgDn, ev.Key() == tcell.KeyHome, ev.Key() == tcell.KeyEnd:
			a.help.InputHandler()(ev, func(tview.Primitive) {})
		}
		return nil
	}
	now := a.now()
	stepped := func() {
		a.manualSel = false
		a.play.Moved(now)
		if a.flood != nil && a.flood.pending() {
			a.stale = true // more keys wait: re-read once, see flush
		} else {
			a.refresh()
		}
		a.markBusy()
	}
	switch ev.Key() {
	case tcell.KeyLeft:
		a.play.Pause()
		a.pr.q = nil // asked again when the cursor gets there
		a.cur.Back()
		stepped()
		return nil
	case tcell.KeyRight:
		a.play.Pause()
		a.forward()
		stepped()
		return nil
	case tcell.KeyHome:
		a.play.Pause()
		a.pr.q = nil
		a.cur.Home()
		stepped()
		return nil
	case tcell.KeyEnd:
		a.play.Pause()
		a.pr.q = nil
		a.cur.End(a.cfg.Mode != Replay)
		stepped()
		return nil
	case tcell.KeyTab:
		a.cycleFocus(1)
		return nil
	case tcell.KeyBacktab:
		a.cycleFocus(-1)
		return nil
	case tcell.KeyEscape:
		if a.zoomed != nil {
			a.toggleZoom()
			return nil
		}
		switch {
		case a.cur.Focused() != 0:
			a.cur.Focus(0)
		case !a.list.filter.Empty():
			a.list.setFilter("")
		}
		a.refresh()
		return nil
	case tcell.KeyEnter:
		if a.order[a.focused] != a.table {
			a.focusConn(a.shownID)
			return nil
		}
		r, _ := a.table.GetSelection()
		a.focusConn(a.list.idAt(r))
		return nil
	case tcell.KeyRune:
	default:
		if a.order[a.focused] == a.table {
			a.listKey(ev)
			return nil
		}
		return ev
	}
	if a.predictKey(ev.Rune()) {
		return nil // 1–4 and s answer a waiting question first
	}
	switch r := ev.Rune(); r {
	case 'p':
		a.togglePredict()
		return nil
	case 'P':
		a.pr.autoPause = !a.pr.autoPause
		a.drawStatus()
		return nil
	case 'q':
		a.stop()
		return nil
	case ' ':
		a.play.Toggle(now)
		a.manualSel = false
		a.refresh()
		a.markBusy()
		return nil
	case '+', '=':
		a.play.Faster(now)
		a.drawStatus()
		return nil
	case '-', '_':
		a.play.Slower(now)
		a.drawStatus()
		return nil
	case '?':
		a.openHelp()
		return nil
	case 'z':
		a.toggleZoom()
		return nil
	case '/':
		a.filterIn.SetLabel(a.lang.T(i18n.KeyFilterPrompt)).SetText(a.list.filter.String())
		a.bottom.SwitchToPage("filter")
		a.setFocus(a.filterIn)
		return nil
	case 'f':
		// Fold runs of data segments wherever the focus is.
		if l, ok := a.cfg.Ladder.(interface{ ToggleFold() }); ok {
			l.ToggleFold()
			return nil
		}
		return ev
	case 'L':
		a.lang = 1 - a.lang
		if a.lang != i18n.En && a.lang != i18n.Zh {
			a.lang = i18n.En
		}
		a.refresh()
		return nil
	default:
		if a.cfg.Demo != nil && a.cfg.Demo.Do(r) {
			a.refreshDemo()
			return nil
		}
	}
	if a.order[a.focused] == a.table {
		return nil // see listKey
	}
	return ev
}

// listKey moves the list's selection for ↑ ↓ PgUp PgDn. The table never
// sees a key (HandleKey swallows what it does not use while the list has
// the focus): tview's Table handler loops forever when no row is
// selectable (a list with only its header: the demo's first screen, a
// filter that matches nothing), and then q, Ctrl-C and SIGTERM are never
// read again. Its vim keys (j k g G h l) would do the same, and some are
// demo keys.
func (a *App) listKey(ev *tcell.EventKey) {
	_, _, _, h := a.table.GetInnerRect()
	page := max(1, h-1) // rows below the header
	var d int
	switch ev.Key() {
	case tcell.KeyUp:
		d = -1
	case tcell.KeyDown:
		d = 1
	case tcell.KeyPgUp, tcell.KeyCtrlB:
		d = -page
	case tcell.KeyPgDn, tcell.KeyCtrlF:
		d = page
	}
	a.moveList(d)
}

// moveList moves the list's selection by d rows (negative: up, towards
// the newest), clamped to the rows there are; nothing on an empty list.
func (a *App) moveList(d int) {
	n := a.list.visible
	if n == 0 || d == 0 {
		return
	}
	r, _ := a.table.GetSelection()
	r = min(max(1, r+d), n)
	a.table.Select(r, 0)
	a.showRow(r)
}

func (a *App) filterDone(key tcell.Key) {
	if key == tcell.KeyEnter {
		a.list.setFilter(a.filterIn.GetText())
		if !a.list.filter.Empty() {
			// Select the newest match, so Enter then focuses it.
			a.manualSel = false
			if a.list.visible == 0 && len(a.list.matched) > 0 {
				// Every match starts after the cursor: go to the first.
				a.play.Pause()
				a.cur.Seek(a.s.FirstStepOf(a.list.matched[0]))
				a.list.update(a.cur.Pos())
			}
			if a.list.visible > 0 {
				a.manualSel, a.shownID = true, a.list.idAt(1)
				a.table.Select(1, 0)
			}
		}
	}
	a.bottom.SwitchToPage("status")
	a.setFocus(a.order[a.focused])
	a.refresh()
}

func (a *App) cycleFocus(d int) {
	a.focused = (a.focused + d + len(a.order)) % len(a.order)
	a.setFocus(a.order[a.focused])
	a.drawStatus()
}

// toggleZoom shows the focused pane on the whole screen, or goes back.
// From the connection list (or the demo log) it zooms the state diagram,
// which needs about 60×20 to draw the RFC 9293 figure rather than a list.
func (a *App) toggleZoom() {
	if a.zoomed != nil {
		// Show main first: removing the only visible page makes tview
		// show the last page (the help).
		a.pages.ShowPage("main")
		a.pages.RemovePage("zoom")
		a.zoomed = nil
		a.setFocus(a.order[a.focused])
		a.refresh()
		return
	}
	p := a.order[a.focused]
	if p == a.table || p == a.demoLog {
		if a.cfg.States == nil {
			return
		}
		p = a.cfg.States
	}
	a.zoomed = p
	zoom := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(p, 0, 1, true).
		AddItem(a.bottom, 1, 0, false)
	a.pages.HidePage("main")
	a.pages.AddPage("zoom", zoom, true, true)
	a.setFocus(p)
	a.refresh()
}

func (a *App) openHelp() {
	a.helpW = 0 // wrapped to the screen's width when drawn (rootView)
	a.help.ScrollToBeginning()
	a.helpFoot.SetText("[yellow]" + tview.Escape(a.lang.T(i18n.KeyUIHelpClose)) + "[-]")
	a.setTitles()
	a.pages.ShowPage("help")
	a.helpOpen = true
}

func (a *App) closeHelp() {
	a.pages.HidePage("help")
	a.helpOpen = false
	a.setFocus(a.order[a.focused])
}

// Untrusted makes text from a capture or the network safe to show:
// control characters, escape sequences and invalid UTF-8 become '·' (tab
// and newline too), so nothing reaches the terminal raw. It does not
// escape tview tags: pass the result through tview.Escape wherever tags
// are parsed (table cells, titles, dynamic-colour text views).
func Untrusted(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !unicode.IsPrint(r) {
			b.WriteRune('·')
		} else {
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}
