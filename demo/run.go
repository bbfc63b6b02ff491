package demo

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Checkpoint is the kernel's view of a scenario's sockets at a quiet
// moment: no packet of the scenario was in flight between Start and End.
type Checkpoint struct {
	Label      string
	Start, End time.Time // the kernel was read between these instants
	Sockets    []KernelSocket
}

// Run is what a scenario gets: its ports, an event log, and the means to
// take checkpoints. Scenarios call its methods from their own goroutine.
type Run struct {
	Base  uint16 // first port of the scenario
	Ports uint16 // number of ports used: Base .. Base+Ports-1
	N     int    // count for scenarios that repeat (connections, messages); 0 = the scenario's default
	Log   *EventLog

	// Segments, when set (by Record), returns a copy of the segments
	// captured so far. It lets Checkpoint wait for quiet and lets the
	// simultaneous-close scenario see whether the FINs really crossed.
	Segments func() []fsm.Segment
	// Arrived, when set, returns a channel closed when the next packet is
	// captured: WaitQuiet waits on it.
	Arrived func() <-chan struct{}

	mu              sync.Mutex
	checkpoints     []Checkpoint
	notes           []string
	baselineSockets []KernelSocket
}

// Addr returns 127.0.0.1 and the scenario's i-th port.
func (r *Run) Addr(i int) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), r.Base+uint16(i))
}

func (r *Run) portList() []uint16 {
	ps := make([]uint16, r.Ports)
	for i := range ps {
		ps[i] = r.Base + uint16(i)
	}
	return ps
}

// Notef records a remark for the report (e.g. how many tries a crossing took).
func (r *Run) Notef(format string, args ...any) {
	r.mu.Lock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// Notes returns the remarks recorded so far.
func (r *Run) Notes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.notes)
}

// Checkpoints returns the checkpoints taken so far.
func (r *Run) Checkpoints() []Checkpoint {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.checkpoints)
}

// quietGap is how long no packet must be seen for the network to count as
// quiet (loopback delivers in microseconds; delayed ACKs take up to 40 ms).
const quietGap = 60 * time.Millisecond

// quietLimit bounds the wait for quiet.
const quietLimit = 5 * time.Second

// WaitQuiet waits until the capture has gone quietGap without a packet:
// it waits on the capture's packets (Arrived), restarting the gap at each
// one, rather than polling. With no capture it waits quietGap.
func (r *Run) WaitQuiet(ctx context.Context) error {
	if r.Arrived == nil {
		return sleep(ctx, quietGap)
	}
	limit := time.NewTimer(quietLimit)
	defer limit.Stop()
	gap := time.NewTimer(quietGap)
	defer gap.Stop()
	for {
		next := r.Arrived()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-limit.C:
			return errors.New("the network never went quiet")
		case <-next:
			// A packet: the gap starts again from it.
			if !gap.Stop() {
				<-gap.C
			}
			gap.Reset(quietGap)
		case <-gap.C:
			return nil
		}
	}
}

// takeBaseline records the sockets that exist before the scenario starts
// (TIME_WAIT left by an earlier run): comparisons ignore them.
func (r *Run) takeBaseline() error {
	socks, err := KernelSockets(r.portList()...)
	if err != nil {
		return err
	}
	r.baselineSockets = socks
	return nil
}

// Checkpoint waits for quiet, then reads the kernel's sockets on the
// scenario's ports and keeps them under label.
func (r *Run) Checkpoint(ctx context.Context, label string) error {
	if err := r.WaitQuiet(ctx); err != nil {
		return fmt.Errorf("checkpoint %q: %w", label, err)
	}
	start := time.Now()
	socks, err := KernelSockets(r.portList()...)
	if err != nil {
		return fmt.Errorf("checkpoint %q: %w", label, err)
	}
	end := time.Now()
	r.mu.Lock()
	r.checkpoints = append(r.checkpoints, Checkpoint{Label: label, Start: start, End: end, Sockets: socks})
	r.mu.Unlock()
	return nil
}

// wait waits for a demo event.
func (r *Run) wait(from int, who string, k Kind) error {
	_, _, err := r.Log.Wait(from, 3*time.Second, Is(who, k))
	if err != nil {
		return fmt.Errorf("waiting for %s to report %s: %w", who, k, err)
	}
	return nil
}

func (r *Run) n(def int) int {
	if r.N > 0 {
		return r.N
	}
	return def
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// together runs a and b at the same instant on two OS threads (spinning on
// a barrier), to make their packets cross on the wire.
func together(a, b func()) {
	var ready atomic.Int32
	var wg sync.WaitGroup
	for _, f := range []func(){a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ready.Add(1)
			for ready.Load() < 2 {
			}
			f()
		}()
	}
	wg.Wait()
}
