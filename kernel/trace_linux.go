//go:build linux

package kernel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// TraceFS is where tracefs is looked for.
const TraceFS = "/sys/kernel/tracing"

// instances counts the trace instances of this process, for unique names.
var instances atomic.Uint64

// live holds the Watchers not yet closed, for CloseAll.
var live struct {
	sync.Mutex
	ws map[*Watcher]bool
}

// CloseAll closes every Watcher of this process (a last resort on the
// way out: each Watcher's own Close, or its context's end, is the rule).
func CloseAll() {
	live.Lock()
	ws := make([]*Watcher, 0, len(live.ws))
	for w := range live.ws {
		ws = append(ws, w)
	}
	live.Unlock()
	for _, w := range ws {
		w.Close()
	}
}

// tracer is one private ftrace instance with the tracepoint enabled.
type tracer struct {
	dir    string
	pipe   *os.File
	marker *os.File
	enable *os.File
	lines  chan traceLine // markers, for sync
	done   chan struct{}  // the reader ended
	seq    atomic.Uint64
}

// openTracer makes the instance; on any error it is removed again.
func openTracer(ports []uint16) (t *tracer, err error) {
	if _, err := os.Stat(filepath.Join(TraceFS, "instances")); err != nil {
		return nil, fmt.Errorf("tracefs is not mounted at %s (as root: mount -t tracefs nodev %s)", TraceFS, TraceFS)
	}
	name := fmt.Sprintf("synfin-%d-%d", os.Getpid(), instances.Add(1))
	dir := filepath.Join(TraceFS, "instances", name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("cannot create a trace instance (%v): needs root", err)
		}
		return nil, fmt.Errorf("cannot create a trace instance: %w", err)
	}
	t = &tracer{dir: dir, lines: make(chan traceLine, 16), done: make(chan struct{})}
	defer func() {
		if err != nil {
			t.remove()
		}
	}()
	ev := filepath.Join(dir, "events", "sock", "inet_sock_set_state")
	filter := "protocol == 6"
	if len(ports) > 0 && len(ports) <= 16 {
		var or []string
		for _, p := range ports {
			or = append(or, fmt.Sprintf("sport == %d || dport == %d", p, p))
		}
		filter += " && (" + strings.Join(or, " || ") + ")"
	}
	for _, s := range [][2]string{
		{filepath.Join(ev, "filter"), filter},
		{filepath.Join(dir, "trace_clock"), "mono"},
		{filepath.Join(dir, "buffer_size_kb"), "1024"},
	} {
		if err := os.WriteFile(s[0], []byte(s[1]+"\n"), 0); err != nil {
			return t, fmt.Errorf("trace instance: %w", err)
		}
	}
	if t.enable, err = os.OpenFile(filepath.Join(ev, "enable"), os.O_WRONLY, 0); err != nil {
		return t, fmt.Errorf("trace instance: %w", err)
	}
	if t.marker, err = os.OpenFile(filepath.Join(dir, "trace_marker"), os.O_WRONLY, 0); err != nil {
		return t, fmt.Errorf("trace instance: %w", err)
	}
	// Non-blocking: Go's poller then waits for lines, and Close ends a
	// waiting read.
	if t.pipe, err = os.OpenFile(filepath.Join(dir, "trace_pipe"), os.O_RDONLY|unix.O_NONBLOCK, 0); err != nil {
		return t, fmt.Errorf("trace instance: %w", err)
	}
	if _, err := t.enable.WriteString("1\n"); err != nil {
		return t, fmt.Errorf("trace instance: enable sock:inet_sock_set_state: %w", err)
	}
	return t, nil
}

// remove disables the event, closes the files and removes the instance.
func (t *tracer) remove() error {
	if t.enable != nil {
		t.enable.WriteString("0\n")
		t.enable.Close()
	}
	if t.marker != nil {
		t.marker.Close()
	}
	if t.pipe != nil {
		t.pipe.Close()
		select {
		case <-t.done:
		case <-time.After(2 * time.Second):
		}
	}
	var err error
	for range 50 { // EBUSY while a read still holds trace_pipe
		if err = unix.Rmdir(t.dir); err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("remove the trace instance %s: %w (remove it by hand: rmdir %s)", t.dir, err, t.dir)
}

// mark writes a marker and returns the wall clock before and after.
func (t *tracer) mark(text string) (before, after time.Time, err error) {
	before = time.Now()
	_, err = t.marker.WriteString(text + "\n")
	after = time.Now()
	return before, after, err
}

// Start starts a Watcher: the tracepoint with sock_diag beside it when it
// can, else sock_diag polling (Source says which). It does not fail: the
// worst case is a Watcher with no source, whose Source says why. The
// Watcher closes itself when ctx ends.
func Start(ctx context.Context, opt Options) *Watcher {
	w := newWatcher(opt)
	if b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_fin_timeout"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			w.fin = n
		}
	}
	var why string
	var t *tracer
	if opt.NoTracepoint {
		why = "asked for"
	} else {
		var err error
		if t, err = openTracer(opt.Ports); err != nil {
			why, t = err.Error(), nil
		}
	}
	poll := opt.Poll
	if poll <= 0 {
		poll = 5 * time.Millisecond
		if t != nil {
			poll = 100 * time.Millisecond
		}
	}
	quit := make(chan struct{})
	dumpNow := make(chan chan struct{}, 4)
	var wg sync.WaitGroup
	if t != nil {
		go w.read(t)
		off, unc, err := w.sync(t)
		if err != nil {
			t.remove()
			why, t = err.Error(), nil
		} else {
			w.mu.Lock()
			w.offset, w.offErr, w.traced, w.synced = off, unc, true, true
			early := w.early
			w.early = nil
			w.mu.Unlock()
			for _, l := range early {
				l.ev.Time = time.Unix(0, int64(l.mono+off))
				w.traceEvent(l.ev)
			}
			w.source = fmt.Sprintf("kernel: tracepoint sock:inet_sock_set_state (trace instance %s, clock aligned to ±%v) with sock_diag every %v for request sockets, TIME_WAIT and queues",
				filepath.Base(t.dir), unc.Round(time.Microsecond), poll)
		}
	}
	if t == nil {
		w.source = fmt.Sprintf("kernel: sock_diag polling every %v (the tracepoint is not used: %s); states shorter than that are missed, and times are those of the polls", poll, why)
	}
	// The first dump is the baseline.
	if s, err := Sockets(); err == nil {
		w.dump(time.Now(), s)
	} else {
		w.source = fmt.Sprintf("kernel: no source (sock_diag: %v; tracepoint: %s)", err, why)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(poll)
		defer tk.Stop()
		for {
			var ack chan struct{}
			select {
			case <-quit:
				return
			case <-tk.C:
			case ack = <-dumpNow:
			}
			if s, err := Sockets(); err == nil {
				w.dump(time.Now(), s)
				if opt.Changed != nil {
					opt.Changed()
				}
			}
			if ack != nil {
				close(ack)
			}
		}
	}()
	w.dumpNow = dumpNow
	w.tr = t
	w.stop = func() error {
		var err error
		if t != nil {
			// Drain: every line written before this marker is read.
			w.flushTrace(t, 500*time.Millisecond)
		}
		close(quit)
		wg.Wait()
		if t != nil {
			err = t.remove()
		}
		live.Lock()
		delete(live.ws, w)
		live.Unlock()
		return err
	}
	live.Lock()
	if live.ws == nil {
		live.ws = map[*Watcher]bool{}
	}
	live.ws[w] = true
	live.Unlock()
	go func() {
		select {
		case <-ctx.Done():
			w.Close()
		case <-quit:
		}
	}()
	return w
}

// sync measures the trace clock's offset: three markers, the one whose
// write took least.
func (w *Watcher) sync(t *tracer) (off, unc time.Duration, err error) {
	best := time.Duration(-1)
	for range 3 {
		text := fmt.Sprintf("synfin-sync %d", t.seq.Add(1))
		before, after, err := t.mark(text)
		if err != nil {
			return 0, 0, fmt.Errorf("trace_marker: %w", err)
		}
		l, err := waitMarker(t, text, time.Second)
		if err != nil {
			return 0, 0, err
		}
		d := after.Sub(before)
		if best < 0 || d < best {
			best = d
			mid := before.Add(d / 2)
			off = time.Duration(mid.UnixNano()) - l.mono
		}
	}
	// Half the write, plus trace_pipe's microsecond rounding.
	return off, best/2 + time.Microsecond, nil
}

func waitMarker(t *tracer, text string, limit time.Duration) (traceLine, error) {
	tm := time.NewTimer(limit)
	defer tm.Stop()
	for {
		select {
		case l, ok := <-t.lines:
			if !ok {
				return l, errors.New("trace_pipe ended")
			}
			if l.marker == text {
				return l, nil
			}
		case <-tm.C:
			return traceLine{}, fmt.Errorf("trace_pipe: no marker within %v", limit)
		}
	}
}

// flushTrace writes a marker and waits until the reader passes it.
func (w *Watcher) flushTrace(t *tracer, limit time.Duration) {
	text := fmt.Sprintf("synfin-flush %d", t.seq.Add(1))
	if _, _, err := t.mark(text); err == nil {
		waitMarker(t, text, limit)
	}
}

// Flush makes the timeline current: every state change before the call
// is in Events, and a sock_diag dump taken after the call is in Sockets
// (and its changes in Events). It waits at most about a second.
func (w *Watcher) Flush() {
	if w.tr != nil {
		w.flushTrace(w.tr, time.Second)
	}
	ack := make(chan struct{})
	select {
	case w.dumpNow <- ack:
		select {
		case <-ack:
		case <-time.After(time.Second):
		}
	default:
	}
}

// maxLine bounds one trace_pipe line.
const maxLine = 4096

// read reads trace_pipe until it is closed.
func (w *Watcher) read(t *tracer) {
	defer close(t.done)
	defer close(t.lines)
	br := bufio.NewReaderSize(t.pipe, 1<<16)
	var long bool
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = true
			continue
		}
		if err != nil {
			return
		}
		if long || len(line) > maxLine {
			long = false
			continue
		}
		l, ok := parseTraceLine(string(line[:len(line)-1]))
		if !ok {
			continue
		}
		if l.marker != "" {
			if strings.HasPrefix(l.marker, "synfin-") {
				select {
				case t.lines <- l:
				default:
				}
			}
			continue
		}
		w.mu.Lock()
		if !w.synced {
			// The offset is not measured yet.
			if len(w.early) < 1<<12 {
				w.early = append(w.early, l)
			}
			w.mu.Unlock()
			continue
		}
		off := w.offset
		w.mu.Unlock()
		l.ev.Time = time.Unix(0, int64(l.mono+off))
		if w.traceEvent(l.ev) {
			select {
			case w.dumpNow <- nil:
			default:
			}
		}
		if w.opt.Changed != nil {
			w.opt.Changed()
		}
	}
}
