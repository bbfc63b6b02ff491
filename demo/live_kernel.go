package demo

import (
	"net/netip"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/synfin/synfin/fsm"
)

// KernelSide is one socket as the kernel has it.
type KernelSide struct {
	State fsm.State
	Found bool // false: the kernel has no such socket ("no socket")
}

// KernelConn is the kernel's view of one connection at one read: the
// client's socket, the server's, and the server's listening socket.
type KernelConn struct {
	Start, End     time.Time // the kernel was read between these instants
	Client, Server KernelSide
	// Listener is a LISTEN socket on the server's port (on its address
	// or on any address).
	Listener KernelSide
}

// kernelRead is one sock_diag read of the demo's ports.
type kernelRead struct {
	start, end time.Time
	socks      []KernelSocket
}

// maxKernelReads bounds the reads kept for KernelAt (a few hundred bytes
// each).
const maxKernelReads = 20000

// kernelEvery is how often the kernel is read with no event: timers
// (TIME_WAIT's end) change states without a packet.
const kernelEvery = time.Second

// kernelWatch reads the kernel's sockets on a set of ports when poked
// (a packet, a demo event) and every kernelEvery, on its own goroutine.
type kernelWatch struct {
	ports   []uint16
	changed func()
	pokeCh  chan struct{}
	quit    chan struct{}
	done    chan struct{}

	mu    sync.Mutex
	reads []kernelRead // oldest first
	ok    bool         // the last read worked
}

func (w *kernelWatch) start(ports []uint16, changed func()) {
	w.ports, w.changed = ports, changed
	w.pokeCh = make(chan struct{}, 1)
	w.quit = make(chan struct{})
	w.done = make(chan struct{})
	go w.loop()
}

func (w *kernelWatch) stop() {
	if w.quit == nil {
		return
	}
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	<-w.done
}

// poke asks for a read soon; pokes during a read make one more read.
func (w *kernelWatch) poke() {
	if w.pokeCh == nil {
		return
	}
	select {
	case w.pokeCh <- struct{}{}:
	default:
	}
}

func (w *kernelWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(kernelEvery)
	defer t.Stop()
	w.read(true)
	for {
		select {
		case <-w.quit:
			return
		case <-w.pokeCh:
			w.read(true)
		case <-t.C:
			w.read(false)
		}
	}
}

// read reads the kernel once; a read asked by an event is always kept
// (it stands for the steps around it), a timed one only when something
// changed.
func (w *kernelWatch) read(event bool) {
	start := time.Now()
	socks, err := KernelSockets(w.ports...)
	end := time.Now()
	w.mu.Lock()
	ok := err == nil
	changed := ok != w.ok
	if ok {
		var last []KernelSocket
		if n := len(w.reads); n > 0 {
			last = w.reads[n-1].socks
		}
		same := len(w.reads) > 0 && slices.Equal(last, socks)
		changed = changed || !same
		if event || !same {
			if same {
				socks = last // share the slice
			}
			if len(w.reads) >= maxKernelReads {
				w.reads = slices.Delete(w.reads, 0, maxKernelReads/4)
			}
			w.reads = append(w.reads, kernelRead{start, end, socks})
		}
	}
	w.ok = ok
	w.mu.Unlock()
	if changed && w.changed != nil {
		w.changed()
	}
}

// connOf finds the connection client→server and its listener in socks.
func connOf(r kernelRead, client, server netip.AddrPort) KernelConn {
	kc := KernelConn{Start: r.start, End: r.end}
	for _, k := range r.socks {
		switch {
		case k.Local == client && k.Remote == server:
			kc.Client = KernelSide{k.State, true}
		case k.Local == server && k.Remote == client:
			kc.Server = KernelSide{k.State, true}
		case k.State == fsm.Listen && k.Local.Port() == server.Port() &&
			(k.Local.Addr() == server.Addr() || k.Local.Addr().IsUnspecified()):
			kc.Listener = KernelSide{k.State, true}
		}
	}
	return kc
}

// KernelNow returns the kernel's newest view of the connection
// client→server: ok is false when the kernel cannot be read.
func (l *Live) KernelNow(client, server netip.AddrPort) (KernelConn, bool) {
	w := &l.k
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ok || len(w.reads) == 0 {
		return KernelConn{}, false
	}
	return connOf(w.reads[len(w.reads)-1], client, server), true
}

// KernelAt returns the kernel's view of the connection client→server as
// read after the step at time after and before the connection's next
// step at time before (zero: no next step yet): the kernel's state at
// that step. Of several reads, the last one is taken; ok is false when
// the kernel was not read in that interval (packets a few microseconds
// apart, such as a handshake's) or reads are gone (the oldest are
// dropped past 20,000).
func (l *Live) KernelAt(client, server netip.AddrPort, after, before time.Time) (KernelConn, bool) {
	w := &l.k
	w.mu.Lock()
	defer w.mu.Unlock()
	// The last read that ended before `before`...
	i := len(w.reads)
	if !before.IsZero() {
		i = sort.Search(len(w.reads), func(k int) bool { return !w.reads[k].end.Before(before) })
	}
	i--
	// ...and started after the step.
	if i < 0 || w.reads[i].start.Before(after) {
		return KernelConn{}, false
	}
	return connOf(w.reads[i], client, server), true
}

// KernelStates returns the kernel's current state of the client's and
// the server's socket of the connection client→server, CLOSED where the
// kernel has no such socket; ok is false if it cannot be read (the
// ui.KernelViewer of before; KernelNow tells "no socket" apart).
func (l *Live) KernelStates(client, server netip.AddrPort) (cs, ss fsm.State, ok bool) {
	kc, ok := l.KernelNow(client, server)
	if !ok {
		return 0, 0, false
	}
	cs, ss = fsm.Closed, fsm.Closed
	if kc.Client.Found {
		cs = kc.Client.State
	}
	if kc.Server.Found {
		ss = kc.Server.State
	}
	return cs, ss, true
}

// KernelView is KernelNow (after zero) or KernelAt in plain types, for a
// UI that does not import demo: states and found hold the client's
// socket, the server's and the listener, in that order; found false is
// "no socket". ok is false when there is no read to answer from.
func (l *Live) KernelView(client, server netip.AddrPort, after, before time.Time) (states [3]fsm.State, found [3]bool, ok bool) {
	var kc KernelConn
	if after.IsZero() {
		kc, ok = l.KernelNow(client, server)
	} else {
		kc, ok = l.KernelAt(client, server, after, before)
	}
	if !ok {
		return states, found, false
	}
	for i, s := range []KernelSide{kc.Client, kc.Server, kc.Listener} {
		states[i], found[i] = s.State, s.Found
	}
	return states, found, true
}
