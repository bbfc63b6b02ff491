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
// Session run on one with RunOptions.Reread keeps where each segment is
// instead of the fields that only the detail pane shows (raw sequence
// numbers, window, options, payload preview), and keeps every step:
// Config.MaxSteps zero means no cap then.
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
	// Spill, if set, is a directory (os.TempDir() for the usual one)
	// where Run keeps the packet fields of a source that is not a
	// Rereader (a pipe, a gzip file) in a temporary file, unlinked at
	// once, instead of memory; the session then keeps every step, as for
	// a re-readable file, unless Config.MaxSteps is set. Close frees it.
	// Not for live capture: the file would grow as long as it runs.
	Spill string
	// Reread, if set, makes Run keep where each segment is rather than
	// its packet fields when src is a Rereader that can read its
	// segments again (an uncompressed capture file): the session then
	// keeps every step unless Config.MaxSteps is set. The caller must
	// keep src open (not Close it) while the session is read.
	Reread bool
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
	if rr != nil && (!opt.Reread || !rr.Rereadable()) {
		rr = nil
	}
	var sp *spill
	if rr == nil && opt.Spill != "" {
		var err error
		if sp, err = newSpill(opt.Spill); err != nil {
			sp = nil // kept in memory
		}
	}
	if rr != nil || sp != nil {
		s.mu.Lock()
		if s.n == 0 && s.rr == nil {
			s.rr = rr
			if sp != nil {
				s.rr, s.spill = sp, sp
			}
			if !s.capSet {
				s.max = math.MaxInt
			}
		} else {
			// Steps recorded before keep their fields in memory.
			rr = nil
			if sp != nil {
				sp.close()
				sp = nil
			}
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
		switch {
		case rr != nil:
			off, ok := rr.Offset()
			if !ok {
				off = -1
			}
			s.observe(seg, off)
		case sp != nil:
			s.observe(seg, sp.add(&seg))
		default:
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

// Close frees what the session holds outside its memory (Run's spill
// file). Readers may not read packet fields after it.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spill == nil {
		return nil
	}
	err := s.spill.close()
	s.spill = nil
	return err
}
