package session

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Source is what Run reads: capture.Source satisfies it. Next returns
// io.EOF at the end of a file.
type Source interface {
	Next() (fsm.Segment, error)
}

// RunOptions configure the pump.
type RunOptions struct {
	// Counts, if set, reads the source's counters; Run calls it every
	// 256 segments, on every tick and at the end.
	Counts func() Counts
	// Tick, if set, drives the tracker's timers while the source is idle
	// (live capture): at each tick Run calls Advance(Clock() - Lag) unless
	// a later segment was already seen. Files need no ticks: their
	// timestamps move the timers.
	Tick  <-chan time.Time
	Clock func() time.Time // default time.Now
	Lag   time.Duration    // default 1 s: how late a live packet may be stamped
}

// Run is the pump: it reads src until io.EOF (then flushes the tracker),
// an error, or ctx is done, recording every segment. It returns nil at
// EOF, ctx.Err() when cancelled, and the source's error otherwise; Info
// reports the same. To stop a live source blocked in Next, close it
// (capture's live sources allow Close from another goroutine).
func (s *Session) Run(ctx context.Context, src Source, opt RunOptions) error {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Lag == 0 {
		opt.Lag = time.Second
	}
	counts := func() {
		if opt.Counts != nil {
			s.SetCounts(opt.Counts())
		}
	}
	if opt.Tick != nil {
		tickDone := make(chan struct{})
		defer close(tickDone)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-tickDone:
					return
				case <-opt.Tick:
					s.advanceIdle(opt.Clock().Add(-opt.Lag))
					counts()
				}
			}
		}()
	}
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			counts()
			s.finish(err)
			return err
		}
		seg, err := src.Next()
		if err != nil {
			counts()
			if errors.Is(err, io.EOF) {
				s.Flush()
				s.finish(nil)
				return nil
			}
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			s.finish(err)
			return err
		}
		s.Observe(seg)
		if n%256 == 0 {
			counts()
		}
	}
}

// advanceIdle fires timers up to now if no segment stamped later was seen.
func (s *Session) advanceIdle(now time.Time) {
	s.mu.Lock()
	if s.lastSeg.IsZero() || !now.After(s.lastSeg) {
		s.mu.Unlock()
		return
	}
	s.record(s.tr.Advance(now), nil)
	s.mu.Unlock()
	s.version.Add(1)
}
