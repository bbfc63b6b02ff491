package kernel

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Source names where an Event comes from.
type Source string

// The sources of events.
const (
	// SourceTracepoint: sock:inet_sock_set_state, exact to the
	// microsecond.
	SourceTracepoint Source = "tracepoint"
	// SourceSockDiag: a sock_diag dump, between two dumps (Time is the
	// dump that saw the change first).
	SourceSockDiag Source = "sock_diag"
)

// Event is one state change of one socket as the kernel has it.
type Event struct {
	Time          time.Time
	Local, Remote netip.AddrPort // the socket's own view: Local is its address
	From, To      fsm.State      // in fsm's (RFC) spelling; TCP_CLOSE is CLOSED
	Source        Source
	// For a LISTEN socket seen by sock_diag: the accept queue's length
	// and the backlog (idiag_rqueue, idiag_wqueue).
	AcceptQueue, Backlog int
	// Note says what the kernel did where no packet tells (a timer).
	Note string
}

func (e Event) String() string {
	s := fmt.Sprintf("%s %v %v %v→%v %s", e.Time.UTC().Format("15:04:05.000000"), e.Local, e.Remote, e.From, e.To, e.Source)
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

// Tuple is a connection's two addresses with the lower first, so both
// sockets of a connection have the same Tuple.
type Tuple [2]netip.AddrPort

// TupleOf returns the Tuple of a and b in either order.
func TupleOf(a, b netip.AddrPort) Tuple {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return Tuple{a, b}
}

// linuxStates maps include/net/tcp_states.h to fsm; TCP_NEW_SYN_RECV (a
// request socket) is SYN_RECV.
var linuxStates = map[string]fsm.State{
	"TCP_ESTABLISHED":  fsm.Established,
	"TCP_SYN_SENT":     fsm.SynSent,
	"TCP_SYN_RECV":     fsm.SynRecv,
	"TCP_FIN_WAIT1":    fsm.FinWait1,
	"TCP_FIN_WAIT2":    fsm.FinWait2,
	"TCP_TIME_WAIT":    fsm.TimeWait,
	"TCP_CLOSE":        fsm.Closed,
	"TCP_CLOSE_WAIT":   fsm.CloseWait,
	"TCP_LAST_ACK":     fsm.LastAck,
	"TCP_LISTEN":       fsm.Listen,
	"TCP_CLOSING":      fsm.Closing,
	"TCP_NEW_SYN_RECV": fsm.SynRecv,
}

// diagStates is the same by number (sock_diag's idiag_state).
var diagStates = [...]fsm.State{
	1: fsm.Established, 2: fsm.SynSent, 3: fsm.SynRecv, 4: fsm.FinWait1,
	5: fsm.FinWait2, 6: fsm.TimeWait, 7: fsm.Closed, 8: fsm.CloseWait,
	9: fsm.LastAck, 10: fsm.Listen, 11: fsm.Closing, 12: fsm.SynRecv,
}

// traceLine is one parsed line of trace_pipe: a state change (ok) or a
// marker (marker != "").
type traceLine struct {
	mono   time.Duration // the instance clock's timestamp
	ev     Event         // Time unset
	marker string
}

// parseTraceLine parses one line of the instance's trace_pipe, such as
//
//	python3-25311 [001] ..s2. 6937.125462: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=60723 dport=50380 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV
//
// or a trace_marker line ("... 6937.13: tracing_mark_write: TEXT"). The
// task name before the timestamp may hold spaces; it is not used.
func parseTraceLine(line string) (traceLine, bool) {
	var tl traceLine
	head, body, ok := cutEvent(line, ": inet_sock_set_state: ")
	marker := false
	if !ok {
		if head, body, ok = cutEvent(line, ": tracing_mark_write: "); !ok {
			return tl, false
		}
		marker = true
	}
	i := strings.LastIndexByte(head, ' ')
	mono, ok := parseMono(head[i+1:])
	if !ok {
		return tl, false
	}
	tl.mono = mono
	if marker {
		tl.marker = strings.TrimSpace(body)
		return tl, tl.marker != ""
	}
	f := map[string]string{}
	for _, kv := range strings.Fields(body) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			f[k] = v
		}
	}
	if f["protocol"] != "IPPROTO_TCP" {
		return tl, false
	}
	from, ok1 := linuxStates[f["oldstate"]]
	to, ok2 := linuxStates[f["newstate"]]
	sport, err1 := strconv.ParseUint(f["sport"], 10, 16)
	dport, err2 := strconv.ParseUint(f["dport"], 10, 16)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return tl, false
	}
	sa, da := f["saddr"], f["daddr"]
	switch f["family"] {
	case "AF_INET":
	case "AF_INET6":
		sa, da = f["saddrv6"], f["daddrv6"]
	default:
		return tl, false
	}
	src, err1 := netip.ParseAddr(sa)
	dst, err2 := netip.ParseAddr(da)
	if err1 != nil || err2 != nil {
		return tl, false
	}
	tl.ev = Event{
		Local:  netip.AddrPortFrom(src.Unmap(), uint16(sport)),
		Remote: netip.AddrPortFrom(dst.Unmap(), uint16(dport)),
		From:   from, To: to, Source: SourceTracepoint,
	}
	return tl, true
}

func cutEvent(line, sep string) (head, body string, ok bool) {
	i := strings.Index(line, sep)
	if i < 0 {
		return "", "", false
	}
	return strings.TrimRight(line[:i], " "), line[i+len(sep):], true
}

// parseMono parses "6937.125462" (seconds and microseconds, or any
// number of decimals).
func parseMono(s string) (time.Duration, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n < 0 || len(frac) > 9 {
		return 0, false
	}
	d := time.Duration(n) * time.Second
	if frac != "" {
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		d += time.Duration(f)
	}
	return d, true
}

// CommentPrefix starts every pcapng comment that holds a kernel event.
const CommentPrefix = "synfin-kernel 1 "

// Comment returns e as one pcapng comment line (see ParseComment):
//
//	synfin-kernel 1 2026-12-07T13:40:01.123456Z 127.0.0.1:40000 127.0.0.1:8080 FIN_WAIT_1 FIN_WAIT_2 tracepoint [aq=N/B] [note=...]
//
// Wireshark shows it as a packet comment; the note goes last and may
// hold spaces.
func (e Event) Comment() string {
	var b strings.Builder
	b.WriteString(CommentPrefix)
	b.WriteString(e.Time.UTC().Format(time.RFC3339Nano))
	fmt.Fprintf(&b, " %v %v %v %v %s", e.Local, e.Remote, e.From, e.To, e.Source)
	if e.Backlog > 0 || e.AcceptQueue > 0 {
		fmt.Fprintf(&b, " aq=%d/%d", e.AcceptQueue, e.Backlog)
	}
	if e.Note != "" {
		b.WriteString(" note=" + strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, e.Note))
	}
	return b.String()
}

// maxComment bounds a comment ParseComment accepts.
const maxComment = 1024

// ParseComment is the inverse of Event.Comment; ok is false for any other
// comment (a user's, or a damaged one).
func ParseComment(c string) (Event, bool) {
	var e Event
	rest, ok := strings.CutPrefix(c, CommentPrefix)
	if !ok || len(c) > maxComment {
		return e, false
	}
	rest, note, _ := strings.Cut(rest, " note=")
	f := strings.Fields(rest)
	if len(f) < 6 {
		return e, false
	}
	t, err := time.Parse(time.RFC3339Nano, f[0])
	if err != nil {
		return e, false
	}
	l, err1 := netip.ParseAddrPort(f[1])
	r, err2 := netip.ParseAddrPort(f[2])
	from, ok1 := fsm.ParseState(f[3])
	to, ok2 := fsm.ParseState(f[4])
	if err1 != nil || err2 != nil || !ok1 || !ok2 || (f[5] != string(SourceTracepoint) && f[5] != string(SourceSockDiag)) {
		return e, false
	}
	e = Event{Time: t, Local: l, Remote: r, From: from, To: to, Source: Source(f[5]), Note: note}
	for _, x := range f[6:] {
		if v, ok := strings.CutPrefix(x, "aq="); ok {
			q, b, _ := strings.Cut(v, "/")
			e.AcceptQueue, _ = strconv.Atoi(q)
			e.Backlog, _ = strconv.Atoi(b)
		}
	}
	return e, true
}

// Path returns the states one socket went through, in order: the first
// event's From, then every To. Events are those of the socket
// local→remote, sorted by time.
func Path(evs []Event, local, remote netip.AddrPort) []fsm.State {
	var out []fsm.State
	for _, e := range evs {
		if e.Local != local || e.Remote != remote {
			continue
		}
		if len(out) == 0 {
			out = append(out, e.From)
		}
		out = append(out, e.To)
	}
	return out
}

// Sort orders events by time (stable: the kernel's order for ties).
func Sort(evs []Event) {
	slices.SortStableFunc(evs, func(a, b Event) int { return a.Time.Compare(b.Time) })
}
