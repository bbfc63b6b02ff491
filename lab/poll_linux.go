package lab

import (
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/demo"
	"golang.org/x/sys/unix"
)

// pollEvery is the sock_diag polling period. States that last less (a
// FIN_WAIT_1 answered at once, a LAST_ACK) may fall between two polls.
const pollEvery = time.Millisecond

// poller records the kernel's TCP sockets of one namespace on some ports.
type poller struct {
	host   string
	ns     *NS
	ports  []uint16
	stop   atomic.Bool
	done   chan struct{}
	err    error
	polls  int
	maxGap time.Duration
	socks  map[[2]netip.AddrPort]*SocketTruth
	order  []*SocketTruth
	ready  sync.WaitGroup
}

func startPoller(host string, ns *NS, ports ...uint16) *poller {
	p := &poller{host: host, ns: ns, ports: ports, done: make(chan struct{}), socks: map[[2]netip.AddrPort]*SocketTruth{}}
	p.ready.Add(1)
	go p.run()
	p.ready.Wait() // the first poll is done: the baseline exists
	return p
}

func (p *poller) run() {
	defer close(p.done)
	// The thread enters the namespace for good and is retired when this
	// goroutine ends (it never unlocks).
	runtime.LockOSThread()
	first := true
	defer func() {
		if first {
			p.ready.Done()
		}
	}()
	if err := p.ns.Enter(); err != nil {
		p.err = err
		return
	}
	// Polls must not wait behind the rest of a busy machine: the
	// highest priority for this thread (it sleeps between polls).
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), -20)
	var last time.Time
	for !p.stop.Load() {
		start := time.Now()
		ks, err := demo.KernelSockets(p.ports...)
		now := time.Now()
		if err != nil {
			p.err = fmt.Errorf("sock_diag in %s: %w", p.host, err)
			return
		}
		if !last.IsZero() && now.Sub(last) > p.maxGap {
			p.maxGap = now.Sub(last)
		}
		last = now
		p.polls++
		p.record(start, now, ks)
		if first {
			first = false
			p.ready.Done()
		}
		// Sleep in the kernel, on this thread: no trip through Go's
		// scheduler, whose wake-ups lag on a loaded machine.
		ts := unix.NsecToTimespec(pollEvery.Nanoseconds())
		_ = unix.Nanosleep(&ts, nil)
	}
}

func (p *poller) record(start, now time.Time, ks []demo.KernelSocket) {
	present := map[[2]netip.AddrPort]bool{}
	for _, k := range ks {
		key := [2]netip.AddrPort{k.Local, k.Remote}
		present[key] = true
		s := p.socks[key]
		if s == nil {
			s = &SocketTruth{Host: p.host, Local: k.Local, Remote: k.Remote}
			p.socks[key] = s
			p.order = append(p.order, s)
		}
		st := k.State.String()
		if n := len(s.States); n > 0 && !s.States[n-1].Gone && s.States[n-1].State == st {
			s.States[n-1].LastStart, s.States[n-1].Last = start, now
			s.States[n-1].Polls++
			continue
		}
		s.States = append(s.States, StateSeen{State: st, First: now, LastStart: start, Last: now, Polls: 1})
	}
	for key, s := range p.socks {
		if present[key] {
			continue
		}
		n := len(s.States)
		if s.States[n-1].Gone {
			s.States[n-1].LastStart, s.States[n-1].Last = start, now
			s.States[n-1].Polls++
			continue
		}
		s.States = append(s.States, StateSeen{State: "CLOSED", First: now, LastStart: start, Last: now, Polls: 1, Gone: true})
	}
}

// finish stops polling and returns the error, if any.
func (p *poller) finish() error {
	p.stop.Store(true)
	<-p.done
	return p.err
}
