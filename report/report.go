// Package report writes per-connection summaries (text table, JSON Lines,
// Zeek-like TSV) from a stream of segments, streaming: a connection is
// written as soon as the tracker lets go of it, then forgotten, so memory
// grows only with the connections still open.
package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// Formats lists the accepted values of Options.Format.
var Formats = []string{"text", "json", "zeek"}

// Options configure a run.
type Options struct {
	Format string     // "text" (default), "json" or "zeek"
	FSM    fsm.Config // tracker configuration (TIME_WAIT length)
	Name   string     // the source's name, for messages
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
		out = &textWriter{w: bw}
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
	tr := fsm.NewTracker(opt.FSM)
	var werr error
	emit := func(evs []fsm.Event) {
		for i := range evs {
			if evs[i].Kind == fsm.KindEnd && werr == nil {
				res.Conns++
				werr = out.conn(evs[i].Conn)
			}
		}
	}
	var rerr error
	for werr == nil {
		seg, err := src.Next()
		if err != nil {
			if err != io.EOF {
				rerr = err
			}
			break
		}
		emit(tr.Observe(seg))
	}
	emit(tr.Flush())
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
		return res, fmt.Errorf("%s: %w among %d packets (%s)", name, ErrNoTCP, res.Stats.Packets, res.Stats.SkipSummary())
	}
	return res, nil
}

// seconds formats a duration as seconds with microsecond precision.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.6f", d.Seconds())
}
