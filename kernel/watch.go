package kernel

import (
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Options configure a Watcher.
type Options struct {
	// Match keeps a socket (its own view: local, remote; a listener's
	// remote is unspecified) in the timeline; nil keeps every TCP socket
	// of the machine, which only a caller that filters again before
	// saving may ask for (EventsFor). It is called from the Watcher's
	// goroutines.
	Match func(local, remote netip.AddrPort) bool
	// Ports, when set (at most 16), also filter in the kernel: only
	// state changes with one of them as source or destination port are
	// traced.
	Ports []uint16
	// Poll is the sock_diag period: 0 is 100 ms beside the tracepoint
	// (sock_diag only adds request sockets, mini-sockets and queues
	// there) and 5 ms when polling is the only source.
	Poll time.Duration
	// NoTracepoint uses sock_diag polling alone.
	NoTracepoint bool
	// Changed, when set, is called (on a Watcher goroutine) after new
	// events or a changed dump.
	Changed func()
}

// maxEvents bounds the timeline; the oldest quarter goes when it is full.
const maxEvents = 1 << 18

// Watcher keeps the kernel's timeline of TCP sockets; see the package
// documentation. Its methods are safe for concurrent use.
type Watcher struct {
	opt Options

	mu      sync.Mutex
	events  []Event
	socks   []Socket // the newest dump, Match applied
	dumped  time.Time
	source  string
	offset  time.Duration // trace clock to wall clock
	offErr  time.Duration // the offset's uncertainty
	prev    map[[2]netip.AddrPort]Socket
	first   bool                          // no dump yet
	pending map[[2]netip.AddrPort]int     // a traced "→ CLOSED" awaiting a dump (index in events)
	synSent map[[2]netip.AddrPort][]Event // a traced SYN_SENT with local port 0, by local address and remote
	fin     int                           // net.ipv4.tcp_fin_timeout, seconds (-1: unknown)
	traced  bool
	synced  bool        // the trace clock's offset is known
	early   []traceLine // events read before that

	tr      *tracer            // nil: no tracepoint
	dumpNow chan chan struct{} // asks the poller for a dump now

	closeOnce sync.Once
	closeErr  error
	stop      func() error // the platform's
}

// Source says, in one line, which kernel source the Watcher uses and
// what it misses.
func (w *Watcher) Source() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.source
}

// Traced reports whether the tracepoint is in use (else sock_diag
// polling only, or nothing).
func (w *Watcher) Traced() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.traced
}

// Offset is the measured difference between the wall clock and the
// trace clock, and the uncertainty of that measure (half the time the
// marker write took): the events' times are that close to the packets'.
func (w *Watcher) Offset() (offset, uncertainty time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.offset, w.offErr
}

// Events returns the timeline so far, oldest first.
func (w *Watcher) Events() []Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.events)
	Sort(out)
	return out
}

// EventsFor returns the events of the connections in tuples, oldest first.
func (w *Watcher) EventsFor(tuples map[Tuple]bool) []Event {
	var out []Event
	for _, e := range w.Events() {
		if tuples[TupleOf(e.Local, e.Remote)] {
			out = append(out, e)
		}
	}
	return out
}

// Sockets returns the newest sock_diag dump (Match applied) and when it
// was taken.
func (w *Watcher) Sockets() ([]Socket, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.socks), w.dumped
}

// Close stops the Watcher and removes its trace instance; it is safe to
// call more than once and from several goroutines.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		if w.stop != nil {
			w.closeErr = w.stop()
		}
	})
	return w.closeErr
}

func (w *Watcher) keep(local, remote netip.AddrPort) bool {
	return w.opt.Match == nil || w.opt.Match(local, remote)
}

// addLocked appends an event, bounding the timeline.
func (w *Watcher) addLocked(e Event) {
	if len(w.events) >= maxEvents {
		n := maxEvents / 4
		w.events = slices.Delete(w.events, 0, n)
		for k, i := range w.pending {
			if i < n {
				delete(w.pending, k)
			} else {
				w.pending[k] = i - n
			}
		}
	}
	w.events = append(w.events, e)
}

// lastLocked returns the index of the newest event of the socket key.
func (w *Watcher) lastLocked(key [2]netip.AddrPort) int {
	for i := len(w.events) - 1; i >= 0; i-- {
		if e := w.events[i]; e.Local == key[0] && e.Remote == key[1] {
			return i
		}
	}
	return -1
}

// traceEvent takes one tracepoint event (Time set). It reports whether
// a dump should follow (a socket went to CLOSED: it may live on as a
// mini-socket).
func (w *Watcher) traceEvent(e Event) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	// connect() sets SYN_SENT before it picks the local port: hold the
	// event until the socket's next one names it.
	if e.From == fsm.Closed && e.To == fsm.SynSent && e.Local.Port() == 0 {
		k := [2]netip.AddrPort{netip.AddrPortFrom(e.Local.Addr(), 0), e.Remote}
		if len(w.synSent[k]) < 64 {
			w.synSent[k] = append(w.synSent[k], e)
		}
		return false
	}
	if e.From == fsm.SynSent {
		k := [2]netip.AddrPort{netip.AddrPortFrom(e.Local.Addr(), 0), e.Remote}
		if q := w.synSent[k]; len(q) > 0 {
			first := q[0]
			if len(q) == 1 {
				delete(w.synSent, k)
			} else {
				w.synSent[k] = q[1:]
			}
			first.Local = e.Local
			if w.keep(first.Local, first.Remote) {
				w.addLocked(first)
			}
		}
	}
	if !w.keep(e.Local, e.Remote) {
		return false
	}
	key := [2]netip.AddrPort{e.Local, e.Remote}
	// A request socket sock_diag saw already stands for LISTEN→SYN_RECV.
	if e.From == fsm.Listen && e.To == fsm.SynRecv {
		if i := w.lastLocked(key); i >= 0 && w.events[i].Source == SourceSockDiag && w.events[i].To == fsm.SynRecv {
			return false
		}
	}
	w.addLocked(e)
	if e.To == fsm.Closed && e.From != fsm.Listen {
		w.pending[key] = len(w.events) - 1
		return true
	}
	return false
}

// dump takes one sock_diag dump taken at t.
func (w *Watcher) dump(t time.Time, all []Socket) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur := make(map[[2]netip.AddrPort]Socket, len(all))
	var socks []Socket
	for _, s := range all {
		if !w.keep(s.Local, s.Remote) {
			continue
		}
		socks = append(socks, s)
		cur[[2]netip.AddrPort{s.Local, s.Remote}] = s
	}
	w.socks, w.dumped = socks, t
	if w.first {
		w.first = false
		w.prev = cur
		return
	}
	// A traced "→ CLOSED" whose socket lives on as a mini-socket.
	for key, i := range w.pending {
		s, ok := cur[key]
		if !ok || !s.Mini || s.State == fsm.SynRecv {
			continue
		}
		delete(w.pending, key)
		if i >= len(w.events) {
			continue
		}
		if e := &w.events[i]; e.From == s.State {
			// An orphaned FIN_WAIT_2 handed to a mini-socket: no change.
			w.events = slices.Delete(w.events, i, i+1)
			w.reindexLocked(i)
		} else {
			e.To = s.State
			e.Note = "the tracepoint says CLOSE: the socket became a " + s.State.String() + " mini-socket (sock_diag)"
		}
	}
	for key, s := range cur {
		p, had := w.prev[key]
		if had && p.State == s.State {
			continue
		}
		if _, wait := w.pending[key]; wait {
			continue
		}
		if w.traced {
			switch {
			case s.Mini && s.State == fsm.SynRecv && !had:
				w.addLocked(Event{Time: t, Local: s.Local, Remote: s.Remote, From: fsm.Listen, To: fsm.SynRecv, Source: SourceSockDiag,
					Note: "a request socket in the SYN queue"})
			case s.Mini && had && p.Mini:
				w.addLocked(Event{Time: t, Local: s.Local, Remote: s.Remote, From: p.State, To: s.State, Source: SourceSockDiag})
			}
			continue
		}
		from := fsm.Unknown
		switch {
		case had:
			from = p.State
		case s.State == fsm.SynSent || s.State == fsm.Listen:
			from = fsm.Closed
		case s.State == fsm.SynRecv:
			from = fsm.Listen
		}
		e := Event{Time: t, Local: s.Local, Remote: s.Remote, From: from, To: s.State, Source: SourceSockDiag}
		if s.State == fsm.Listen {
			e.AcceptQueue, e.Backlog = s.AcceptQueue, s.Backlog
		}
		w.addLocked(e)
	}
	for key, p := range w.prev {
		if _, ok := cur[key]; ok {
			continue
		}
		if w.traced && !(p.Mini && p.State != fsm.SynRecv) {
			continue // the tracepoint tells full sockets' ends
		}
		e := Event{Time: t, Local: p.Local, Remote: p.Remote, From: p.State, To: fsm.Closed, Source: SourceSockDiag}
		switch {
		case p.Mini && p.State == fsm.TimeWait:
			e.Note = "TIME_WAIT ended"
		case p.Mini && p.State == fsm.FinWait2:
			e.Note = "the orphaned FIN_WAIT_2 was freed after net.ipv4.tcp_fin_timeout"
			if w.fin >= 0 {
				e.Note += "=" + strconv.Itoa(w.fin) + " s"
			}
		}
		w.addLocked(e)
	}
	w.prev = cur
}

func (w *Watcher) reindexLocked(removed int) {
	for k, i := range w.pending {
		if i > removed {
			w.pending[k] = i - 1
		}
	}
}

func newWatcher(opt Options) *Watcher {
	return &Watcher{opt: opt, first: true, fin: -1,
		pending: map[[2]netip.AddrPort]int{}, synSent: map[[2]netip.AddrPort][]Event{}}
}
