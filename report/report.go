package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// Formats lists the accepted values of Options.Format.
var Formats = []string{"text", "json", "zeek"}

// Options configure a run.
type Options struct {
	Format string     // "text" (default), "json" or "zeek"
	FSM    fsm.Config // tracker configuration (TIME_WAIT length)
	Name   string     // the source's name, for messages
	Lang   i18n.Lang  // language of the text table's header and footer (json and zeek: always English)
}

// Result is what a run saw.
type Result struct {
	Stats capture.Stats
	Conns uint64 // connections written
}

// ErrNoTCP is returned (wrapped with the source's name) when a source held
// packets but no TCP segment.
var ErrNoTCP = errors.New("no TCP segments")

// writer is one output format.
type writer interface {
	header() error
	conn(c *fsm.Conn) error
	footer(res Result) error
}

// Run reads src to the end, tracks every connection and writes each one to
// w in the chosen format as it finishes. On a read error it still writes
// every connection read so far (their states as of the last good packet),
// then returns the error.
func Run(src capture.Source, w io.Writer, opt Options) (Result, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var out writer
	switch opt.Format {
	case "", "text":
		out = &textWriter{w: bw, lang: opt.Lang}
	case "json":
		out = &jsonWriter{w: bw}
	case "zeek":
		out = &zeekWriter{w: bw}
	default:
		return Result{}, fmt.Errorf("unknown format %q (want %s)", opt.Format, strings.Join(Formats, ", "))
	}
	var res Result
	if err := out.header(); err != nil {
		return res, err
	}
	// Three stages on their own goroutines: reading and decoding, tracking
	// (this one), formatting and writing. A connection is final once the
	// tracker reports KindEnd, so the writer may read it while tracking
	// goes on.
	opt.FSM.Freeze = true // only ended connections are read (fsm.Config.Freeze)
	tr := fsm.NewTracker(opt.FSM)
	cw := startWriter(out)
	var pending []*fsm.Conn
	emit := func(evs []fsm.Event) {
		for i := range evs {
			if evs[i].Kind == fsm.KindEnd {
				res.Conns++
				pending = append(pending, evs[i].Conn)
			}
		}
		if len(pending) >= connBatch {
			cw.c <- pending
			pending = cw.next(tr)
		}
	}
	batches := readAhead(src)
	var rerr error
	for b := range batches.c {
		for i := range b.segs {
			emit(tr.Observe(b.segs[i]))
		}
		if b.err != nil && b.err != io.EOF {
			rerr = b.err
		}
		batches.recycle(b)
		if cw.failed.Load() {
			batches.stop()
		}
	}
	// The connections still open at the end, in batches: the writer
	// formats and forgets them while the rest are ended.
	tr.FlushBatches(connBatch, emit)
	cw.c <- pending
	close(cw.c)
	<-cw.done
	werr := cw.err
	res.Stats = src.Stats()
	if werr == nil {
		werr = out.footer(res)
	}
	if werr == nil {
		werr = bw.Flush()
	}
	switch {
	case werr != nil:
		return res, werr
	case rerr != nil:
		return res, rerr
	case res.Stats.Segments == 0:
		name := opt.Name
		if name == "" {
			name = "input"
		}
		if res.Stats.Packets == 0 {
			return res, fmt.Errorf("%s: %w: the capture holds no packets", name, ErrNoTCP)
		}
		return res, fmt.Errorf("%s: %w among %d packets%s", name, ErrNoTCP, res.Stats.Packets, whyNoTCP(res.Stats))
	}
	return res, nil
}

// whyNoTCP says where a capture's packets went when none became a
// segment: skipped (not TCP, damaged...) and/or rejected by the filter;
// "" when there is nothing to say (never "()").
func whyNoTCP(st capture.Stats) string {
	var parts []string
	if s := st.SkipSummary(); s != "" {
		parts = append(parts, s)
	}
	if st.Filtered > 0 {
		parts = append(parts, fmt.Sprintf("%d TCP segments filtered out", st.Filtered))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// appendSeconds appends a duration as seconds with microsecond
// precision, as fmt's %.6f would.
func appendSeconds(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, d.Seconds(), 'f', 6, 64)
}

// batch is a run of segments read ahead, or the error that ended reading.
type batch struct {
	segs []fsm.Segment
	err  error
}

// batchLen segments go from the reader to the tracker at once, and
// chanDepth batches wait between them at most. Every hand-over can wake
// the other goroutine (a futex call and a spinning thread): with 512
// segments a batch, the reader of the long shape used about 0.2 s more
// CPU than the bare loop for 2M packets; with 2048, about half as much.
// Five batches in flight at most (the channel, one being filled, one
// being tracked) hold about 1.6 MB.
const (
	batchLen  = 2048
	chanDepth = 3
)

// reader reads a source on its own goroutine, in batches.
type reader struct {
	c    chan *batch
	free chan *batch
	done chan struct{}
	once bool
}

// readAhead starts reading src. Segments lose their Payload (it points
// into the reader's buffer), but not what the tracker reads of it: whether
// the snaplen cut it (see dropPayload). The channel is closed after the
// batch that carries the final error (io.EOF at the end).
func readAhead(src capture.Source) *reader {
	r := &reader{c: make(chan *batch, chanDepth), free: make(chan *batch, chanDepth+2), done: make(chan struct{})}
	into, _ := src.(interface{ NextInto(*fsm.Segment) error })
	go func() {
		defer close(r.c)
		for {
			var b *batch
			select {
			case b = <-r.free:
				b.segs = b.segs[:0]
			default:
				b = &batch{segs: make([]fsm.Segment, 0, batchLen)}
			}
			if into != nil {
				// Decoded in place: no Segment copied on the way.
				segs := b.segs[:batchLen]
				n := 0
				for ; n < batchLen; n++ {
					if err := into.NextInto(&segs[n]); err != nil {
						b.err = err
						break
					}
					dropPayload(&segs[n])
				}
				b.segs = segs[:n]
			}
			for len(b.segs) < batchLen && b.err == nil {
				seg, err := src.Next()
				if err != nil {
					b.err = err
					break
				}
				dropPayload(&seg)
				b.segs = append(b.segs, seg)
			}
			last := b.err != nil
			select {
			case r.c <- b:
			case <-r.done:
				return
			}
			if last {
				return
			}
		}
	}()
	return r
}

// cutPayload stands for a payload the capture's snaplen cut: empty,
// not nil.
var cutPayload = []byte{}

// dropPayload lets go of seg's payload bytes. The tracker only asks
// whether they were all captured (a cut payload is no data for Zeek's
// reassembler: the G and g of its history), and a nil Payload says
// nothing was cut; a cut one becomes cutPayload, shorter than Len as the
// real one was.
func dropPayload(seg *fsm.Segment) {
	if seg.Payload != nil && len(seg.Payload) < int(seg.Len) {
		seg.Payload = cutPayload
		return
	}
	seg.Payload = nil
}

func (r *reader) recycle(b *batch) {
	b.err = nil
	select {
	case r.free <- b:
	default:
	}
}

// stop asks the reading goroutine to finish early; the caller must still
// drain the channel.
func (r *reader) stop() {
	if !r.once {
		r.once = true
		close(r.done)
	}
}

// Finished connections go to the writer connBatch at a time, connDepth
// batches waiting at most. On the timewait shape every connection ends
// at the end of the file, where hand-overs of 64 woke the writer 1,500
// times; 256 at a time took about 10% less CPU in all (1.44-1.52 ->
// 1.11-1.35 s), with fewer connections in flight than 64 x 16.
const (
	connBatch = 256
	connDepth = 4
)

// connWriter formats and writes finished connections on its own goroutine.
type connWriter struct {
	c      chan []*fsm.Conn
	done   chan struct{}
	err    error // read after done is closed
	failed atomic.Bool
	// written hands batches back once formatted: the tracker reuses
	// their connections (fsm.Tracker.Recycle), so that thawing 100k
	// connections at the end of a file does not allocate 100k new ones.
	written chan []*fsm.Conn
}

func startWriter(out writer) *connWriter {
	w := &connWriter{c: make(chan []*fsm.Conn, connDepth), done: make(chan struct{}),
		written: make(chan []*fsm.Conn, connDepth+2)}
	go func() {
		defer close(w.done)
		for cs := range w.c {
			for _, c := range cs {
				if w.err == nil {
					if w.err = out.conn(c); w.err != nil {
						w.failed.Store(true)
					}
				}
			}
			select {
			case w.written <- cs: // nothing here reads them any more
			default:
			}
		}
	}()
	return w
}

// next returns an empty batch for the tracker's goroutine to fill: one
// the writer handed back, whose connections go back to tr, or a new one.
func (w *connWriter) next(tr *fsm.Tracker) []*fsm.Conn {
	select {
	case cs := <-w.written:
		for i, c := range cs {
			tr.Recycle(c)
			cs[i] = nil
		}
		return cs[:0]
	default:
		return make([]*fsm.Conn, 0, connBatch)
	}
}
