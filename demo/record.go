package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// RecordOptions configure Record.
type RecordOptions struct {
	Base uint16 // first port (0: the scenario's default)
	N    int    // count for repeating scenarios (0: the scenario's default)
	// Pcap, when set, is the file the capture is written to (pcap).
	Pcap string
	FSM  fsm.Config // for the comparison
	// Events receives the peers' events as they happen (may be nil).
	Events Sink
	// Opened, when set, is called once the capture socket is open, before
	// the scenario starts: where a root caller drops its privileges.
	Opened func()
}

// Recording is what Record saw.
type Recording struct {
	Scenario    Scenario
	Base        uint16
	Filter      string        // the capture filter used
	Segments    []fsm.Segment // captured, in order (payloads dropped)
	Checkpoints []Checkpoint
	Baseline    []KernelSocket // sockets on the ports before the scenario began
	Notes       []string
	Events      []Event
	Stats       capture.Stats
	Duration    time.Duration
	Comparison  *Comparison
}

// Filter returns the capture filter for a scenario's ports.
func Filter(base, ports uint16) string {
	parts := make([]string, ports)
	for i := range parts {
		parts[i] = fmt.Sprintf("port %d", base+uint16(i))
	}
	return "tcp and (" + strings.Join(parts, " or ") + ")"
}

// Record runs scenario name headless under a live capture of loopback
// filtered to the scenario's ports: it starts the capture, runs the
// scenario, waits for quiet, stops, writes the pcap (when asked) and
// compares the kernel's view at each checkpoint with the fsm's. It needs
// CAP_NET_RAW (see EnsureCapture). The returned error is the scenario's or
// the capture's; the Recording is returned with it when the capture ran.
func Record(ctx context.Context, name string, opt RecordOptions) (*Recording, error) {
	sc, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (synfin record --list shows them)", name)
	}
	base := opt.Base
	if base == 0 {
		base = sc.Base
	}
	rec := &Recording{Scenario: sc, Base: base, Filter: Filter(base, sc.Ports)}
	var w *capture.PcapWriter
	if opt.Pcap != "" {
		var err error
		if w, err = capture.CreatePcap(opt.Pcap); err != nil {
			return nil, err
		}
	}
	closeW := func() error {
		if w == nil {
			return nil
		}
		err := w.Close()
		w = nil
		return err
	}
	defer closeW()
	src, err := capture.OpenLive("", rec.Filter, capture.LiveOptions{Timeout: 20 * time.Millisecond, Write: w})
	if err != nil {
		return nil, err
	}
	if opt.Opened != nil {
		opt.Opened()
	}
	var (
		mu      sync.Mutex
		segs    []fsm.Segment
		arrived = make(chan struct{}) // closed at the next packet
		pumpErr error
		done    = make(chan struct{})
	)
	go func() { // the pump: the only reader of src
		defer close(done)
		for {
			s, err := src.Next()
			if errors.Is(err, capture.ErrTimeout) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				mu.Lock()
				pumpErr = err
				mu.Unlock()
				return
			}
			s.Payload = nil
			mu.Lock()
			segs = append(segs, s)
			close(arrived)
			arrived = make(chan struct{})
			mu.Unlock()
		}
	}()
	log := &EventLog{Forward: opt.Events}
	r := &Run{Base: base, N: opt.N, Log: log, Segments: func() []fsm.Segment {
		mu.Lock()
		defer mu.Unlock()
		return append([]fsm.Segment(nil), segs...)
	}, Arrived: func() <-chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		return arrived
	}}
	start := time.Now()
	runErr := sc.Execute(ctx, r)
	if runErr == nil || ctx.Err() == nil {
		if err := r.WaitQuiet(ctx); err != nil && runErr == nil {
			runErr = err
		}
	}
	src.Close()
	<-done
	rec.Duration = time.Since(start)
	rec.Stats = src.Stats()
	rec.Segments = segs
	rec.Checkpoints = r.Checkpoints()
	rec.Baseline = r.baselineSockets
	rec.Notes = r.Notes()
	rec.Events = log.Events()
	if err := closeW(); err != nil && runErr == nil {
		runErr = err
	}
	if pumpErr != nil && runErr == nil {
		runErr = pumpErr
	}
	rec.Comparison = Compare(rec.Segments, rec.Checkpoints, rec.Baseline, opt.FSM)
	return rec, runErr
}
