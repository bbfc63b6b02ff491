//go:build linux

package demo

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// liveHarness is a Live demo on 127.0.0.1:7788 in the test's own network
// namespace, with an EventLog to wait on.
type liveHarness struct {
	t   *testing.T
	l   *Live
	log *EventLog
}

func startLive(t *testing.T, m Model) *liveHarness {
	t.Helper()
	h := &liveHarness{t: t, log: &EventLog{}}
	l, err := StartLive(LiveConfig{Addr: loop(7788), Model: m, Events: h.log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	h.l = l
	t.Cleanup(func() { l.Close() })
	return h
}

// press presses key r and waits for an event matching want after it.
func (h *liveHarness) press(r rune, want func(Event) bool) Event {
	h.t.Helper()
	from := h.log.Len()
	if !h.l.Do(r) {
		h.t.Fatalf("%q is not a demo key", r)
	}
	ev, _, err := h.log.Wait(from, 5*time.Second, want)
	if err != nil {
		h.t.Fatalf("key %q: %v\nevents: %v", r, err, h.log.Events()[from:])
	}
	return ev
}

func (h *liveHarness) noErrors() {
	h.t.Helper()
	for _, e := range h.log.Events() {
		if e.Kind == KindError || e.Kind == KindBindError {
			h.t.Errorf("error event: %v", e)
		}
	}
}

// kernelIs waits until the kernel has the socket local→remote in state
// want (fsm.Closed: no such socket). The kernel has no event for a state
// change: the test reads it again, up to 2 s.
func kernelIs(t *testing.T, what string, local, remote netip.AddrPort, want fsm.State) {
	t.Helper()
	var got fsm.State
	for deadline := time.Now().Add(2 * time.Second); ; {
		got = kernelState(t, local, remote)
		if got == want || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if got != want {
		t.Errorf("%s: the kernel has %v → %v in %v, want %v", what, local, remote, got, want)
	}
}

func connected(e Event) bool { return e.Kind == KindConnected }

// TestLiveCloseDelay: 'd' cycles the server's delay before close(); with
// 1 s the client's FIN_WAIT_2 and the server's CLOSE_WAIT are seen in
// the kernel, then TIME_WAIT; with "until X" CLOSE_WAIT lasts until X
// (the textbook four-way teardown).
func TestLiveCloseDelay(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	h.press('d', Is("demo", KindNote))
	c := h.press('c', connected)
	srv := c.Remote
	h.press('x', Is("server", KindPeerClosed))
	kernelIs(t, "1 s delay, client", c.Local, srv, fsm.FinWait2)
	kernelIs(t, "1 s delay, server", srv, c.Local, fsm.CloseWait)
	if _, _, err := h.log.Wait(0, 5*time.Second, Is("server", KindClosed)); err != nil {
		t.Fatal(err)
	}
	kernelIs(t, "after the delayed close, client", c.Local, srv, fsm.TimeWait)

	h.press('d', Is("demo", KindNote)) // until X
	c = h.press('c', connected)
	from := h.log.Len()
	h.press('x', Is("server", KindPeerClosed))
	kernelIs(t, "held, server", srv, c.Local, fsm.CloseWait)
	kernelIs(t, "held, client", c.Local, srv, fsm.FinWait2)
	for _, e := range h.log.Events()[from:] {
		if e.Kind == KindClosed && e.Who == "server" {
			t.Fatalf("the server closed before X: %v", e)
		}
	}
	h.press('X', Is("server", KindClosed))
	kernelIs(t, "after X, client", c.Local, srv, fsm.TimeWait)
	kernelIs(t, "after X, server", srv, c.Local, fsm.Closed)
	h.noErrors()
}

// TestLiveParentForgets: 'k' gives the multi-process server whose parent
// keeps its copy: the child's close sends no FIN, so the connection sits
// in CLOSE_WAIT / FIN_WAIT_2 until 'k' again makes the parent close.
func TestLiveParentForgets(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	h.press('k', func(e Event) bool { return e.Kind == KindListening && e.Listen != nil && e.Listen.Model == Process })
	c := h.press('c', connected)
	if _, _, err := h.log.Wait(0, 5*time.Second, Is("server", KindParentKept)); err != nil {
		t.Fatal(err)
	}
	h.press('x', Is("", KindChildExited))
	kernelIs(t, "child gone, parent's copy open: server", c.Remote, c.Local, fsm.CloseWait)
	kernelIs(t, "child gone, parent's copy open: client", c.Local, c.Remote, fsm.FinWait2)
	h.press('k', func(e Event) bool { return e.Kind == KindParentClosed && strings.Contains(e.Text, "at last") })
	kernelIs(t, "after the parent's close: client", c.Local, c.Remote, fsm.TimeWait)
	kernelIs(t, "after the parent's close: server", c.Remote, c.Local, fsm.Closed)
	h.noErrors()
}

// TestLiveRestartReuseAddr: with the server's connection in TIME_WAIT,
// 'R' without SO_REUSEADDR ('e') fails with "address already in use";
// with it, the server listens again.
func TestLiveRestartReuseAddr(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	c := h.press('c', connected)
	h.press('X', func(e Event) bool { return e.Kind == KindPeerClosed && e.Local == c.Local })
	h.press('x', Is("", KindClosed))
	kernelIs(t, "server closed first", c.Remote, c.Local, fsm.TimeWait)
	h.press('e', Is("demo", KindNote))
	ev := h.press('R', func(e Event) bool { return e.Kind == KindBindError || e.Kind == KindListening })
	if ev.Kind != KindBindError || !strings.Contains(ev.Text, "address already in use") {
		t.Fatalf("restart without SO_REUSEADDR beside a TIME_WAIT: %v, want bind: address already in use", ev)
	}
	if got := LogLine(i18n.Zh, ev, nil); !strings.Contains(got, "地址已被占用") || !strings.Contains(got, "SO_REUSEADDR未开启") {
		t.Errorf("the bind failure in Chinese: %q", got)
	}
	h.press('e', Is("demo", KindNote))
	ev = h.press('R', func(e Event) bool { return e.Kind == KindBindError || e.Kind == KindListening })
	if ev.Kind != KindListening || !ev.Listen.ReuseAddr {
		t.Fatalf("restart with SO_REUSEADDR: %v, want listening", ev)
	}
	kernelIs(t, "listening again", loop(7788), netip.AddrPortFrom(netip.IPv4Unspecified(), 0), fsm.Listen)
}

// TestLiveHalfCloseReply: after 'h' the server reads EOF and still sends
// its reply, which the half-closed client receives.
func TestLiveHalfCloseReply(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	for _, m := range []Model{Goroutine, Process} {
		t.Run(string(m), func(t *testing.T) {
			h := startLive(t, m)
			h.press('d', Is("demo", KindNote))
			h.press('d', Is("demo", KindNote)) // the server holds after the FIN: the states stay to be seen
			c := h.press('c', connected)
			h.press('h', func(e Event) bool {
				return e.Kind == KindReceived && e.Who == "client 1" && e.Text == "reply after your FIN"
			})
			kernelIs(t, "half-closed client", c.Local, c.Remote, fsm.FinWait2)
			kernelIs(t, "server after replying", c.Remote, c.Local, fsm.CloseWait)
			h.press('X', Is("client 1", KindPeerClosed))
			h.noErrors()
			h.l.Close()
		})
	}
}

// TestLiveUnreadIterative (issue 9, defect 5): 'u' with the iterative
// server resets the served client; for a client still waiting in the
// backlog it says why it cannot, and leaves that client open (it used
// to fail with "no matching demo event after 3s" and close with FIN).
func TestLiveUnreadIterative(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Iterative)
	c1 := h.press('c', connected)
	h.press('u', func(e Event) bool { return e.Kind == KindReset && e.Who == "server" })
	if _, _, err := h.log.Wait(0, 5*time.Second, func(e Event) bool {
		return e.Kind == KindClosed && e.Who == "client 1" && strings.Contains(e.Text, "unread")
	}); err != nil {
		t.Fatal(err)
	}
	kernelIs(t, "reset client", c1.Local, c1.Remote, fsm.Closed)
	h.noErrors()

	h.l.Do('d')
	h.l.Do('d') // the server now holds its connections: the iterative server stays busy
	from0 := h.log.Len()
	c2 := h.press('c', connected)
	if _, _, err := h.log.Wait(from0, time.Second, func(e Event) bool { return e.Note == i18n.KeyDemoNoteStillHold }); err != nil {
		t.Errorf("c after d d: the log does not say the server still holds close() (d is sticky): %v", err)
	}
	h.press('h', Is("server", KindPeerClosed)) // client 2 is served and held
	c3 := h.press('c', connected)              // waits in the backlog
	h.l.Select(c3.Local, c3.Remote)
	from := h.log.Len()
	ev := h.press('u', Is("demo", KindError))
	if ev.Note != i18n.KeyDemoErrNotAccepted {
		t.Fatalf("u on a client in the backlog: %v", ev)
	}
	for _, e := range h.log.Events()[from:] {
		if e.Who == "client 3" && (e.Kind == KindClosed || e.Kind == KindAborted) {
			t.Errorf("client 3 was closed: %v", e)
		}
	}
	kernelIs(t, "client 3 left open", c3.Local, c3.Remote, fsm.Established)
	_ = c2
}

// TestLiveActsOnSelected (issue 9, defect 10): the keys act on the
// connection selected in the list, the newest when none is.
func TestLiveActsOnSelected(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	c1 := h.press('c', connected)
	c2 := h.press('c', connected)
	h.press('s', func(e Event) bool { return e.Kind == KindReceived && e.Remote == c2.Local })
	h.l.Select(c1.Local, c1.Remote)
	h.press('s', func(e Event) bool { return e.Kind == KindReceived && e.Remote == c1.Local })
	h.press('A', func(e Event) bool { return e.Kind == KindAborted && e.Remote == c1.Local })
	// The client learns of the RST when its reader gets ECONNRESET.
	if _, _, err := h.log.Wait(0, 5*time.Second, Is("client 1", KindReset)); err != nil {
		t.Fatal(err)
	}
	kernelIs(t, "selected client reset", c1.Local, c1.Remote, fsm.Closed)
	kernelIs(t, "other client untouched", c2.Local, c2.Remote, fsm.Established)
	// The selected connection is gone: say so rather than act on another.
	ev := h.press('x', Is("demo", KindError))
	if ev.Note != i18n.KeyDemoErrSelClosed {
		t.Errorf("x on a closed selected connection: %v", ev)
	}
	h.l.Select(netip.AddrPort{}, netip.AddrPort{})
	h.press('x', func(e Event) bool { return e.Kind == KindClosed && e.Local == c2.Local })
}

func soKeepAlive(t *testing.T, p *peer) int {
	t.Helper()
	rc, err := p.c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	v := -1
	rc.Control(func(fd uintptr) { v, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_KEEPALIVE) })
	return v
}

// TestLiveKeepAlive (issue 9, defect 11): the demo's sockets have TCP
// keep-alive off (Go turns it on), 'K' turns it on for new connections.
func TestLiveKeepAlive(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	check := func(want int) {
		t.Helper()
		c := h.press('c', connected)
		h.l.mu.Lock()
		ctl := h.l.ctl
		h.l.mu.Unlock()
		cl, err := ctl.target(c.Local)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.log.Wait(0, 5*time.Second, func(e Event) bool { return e.Kind == KindAccepted && e.Remote == c.Local }); err != nil {
			t.Fatal(err)
		}
		id, _ := ctl.Server().ConnFor(c.Local)
		sc, err := ctl.Server().conn(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := soKeepAlive(t, cl.p); got != want {
			t.Errorf("client SO_KEEPALIVE = %d, want %d", got, want)
		}
		if got := soKeepAlive(t, sc.p); got != want {
			t.Errorf("server SO_KEEPALIVE = %d, want %d", got, want)
		}
	}
	check(0)
	h.press('K', Is("demo", KindNote))
	check(1)
}

// TestLiveKernelView: the kernel's view of the shown connection is read
// on events, tells "no socket" apart, finds the listener, and is kept
// per moment (KernelAt).
func TestLiveKernelView(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	h := startLive(t, Goroutine)
	c := h.press('c', connected)
	var kc KernelConn
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		var ok bool
		// A read that began after connect() returned.
		if kc, ok = h.l.KernelNow(c.Local, c.Remote); ok && kc.Server.Found && kc.Start.After(c.Time) {
			break
		}
	}
	if !kc.Client.Found || kc.Client.State != fsm.Established || !kc.Server.Found || kc.Server.State != fsm.Established ||
		!kc.Listener.Found {
		t.Fatalf("kernel now after connect: %+v", kc)
	}
	established := time.Now()
	h.press('a', Is("client 1", KindAborted))
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if kc, _ = h.l.KernelNow(c.Local, c.Remote); !kc.Client.Found && !kc.Server.Found {
			break
		}
	}
	if kc.Client.Found || kc.Server.Found || !kc.Listener.Found {
		t.Fatalf("kernel now after the abort: %+v, want no sockets but the listener", kc)
	}
	// The moment before the abort still has both sockets.
	before, ok := h.l.KernelAt(c.Local, c.Remote, c.Time, established)
	if !ok || !before.Client.Found || before.Client.State != fsm.Established {
		t.Errorf("KernelAt the established step: %+v, %v", before, ok)
	}
	if st, found, ok := h.l.KernelView(c.Local, c.Remote, c.Time, established); !ok || st[0] != fsm.Established ||
		st[1] != fsm.Established || found != [3]bool{true, true, true} {
		t.Errorf("KernelView at the established step: %v %v %v", st, found, ok)
	}
	if _, found, ok := h.l.KernelView(c.Local, c.Remote, time.Time{}, time.Time{}); !ok || found != [3]bool{false, false, true} {
		t.Errorf("KernelView now, after the abort: found %v %v, want only the listener", found, ok)
	}
	if cs, ss, ok := h.l.KernelStates(c.Local, c.Remote); !ok || cs != fsm.Closed || ss != fsm.Closed {
		t.Errorf("KernelStates after the abort: %v %v %v", cs, ss, ok)
	}
}
