package session

import (
	"context"
	"errors"
	"io"
	"math"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Source is what Run reads: capture.Source satisfies it. Next returns
// io.EOF at the end of a file.
type Source interface {
	Next() (fsm.Segment, error)
}

// Rereader is a Source that can read a segment it returned again, later,
// by its position: capture.FileSource on an uncompressed capture file. A
// Session run on one keeps where each segment is instead of the fields
// that only the detail pane shows (raw sequence numbers, window, options,
// payload preview), and keeps every step: Config.MaxSteps zero means no
// cap then.
type Rereader interface {
	Source
	// Rereadable reports whether the source can read its segments again
	// at all (not a gzip file, a pipe or a device).
	Rereadable() bool
	// Offset returns where the segment Next last returned is, for
	// Reread; ok is false if that one cannot be read again.
	Offset() (off int64, ok bool)
	// Reread decodes the segment at off again, as Next returned it
	// (Packet and Time are left zero). It must be safe to call from
	// several goroutines at once, and alongside Next.
	Reread(off int64, seg *fsm.Segment) error
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
	rr, _ := src.(Rereader)
	if rr != nil && !rr.Rereadable() {
		rr = nil
	}
	if rr != nil {
		s.mu.Lock()
		if s.n == 0 {
			s.rr = rr
			if !s.capSet {
				s.max = math.MaxInt
			}
		} else {
			rr = nil // steps recorded before keep their fields in memory
		}
		s.mu.Unlock()
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
		if rr != nil {
			off, ok := rr.Offset()
			if !ok {
				off = -1
			}
			s.observe(seg, off)
		} else {
			s.Observe(seg)
		}
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
