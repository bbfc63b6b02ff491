package demo

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/synfin/synfin/fsm"
)

// Row compares one endpoint's state at one checkpoint: the kernel's view
// (sock_diag) against the fsm's inference from the captured packets.
type Row struct {
	Checkpoint string
	Conn       uint64 // the fsm's connection number; 0 when the fsm never saw it
	Role       fsm.Role
	Local      netip.AddrPort // the endpoint
	Remote     netip.AddrPort // its peer
	Kernel     fsm.State      // CLOSED when the kernel has no socket for it
	FSM        fsm.State      // Unknown when the fsm never saw the connection
	Note       string         // how the kernel state was found
	OK         bool
}

// Comparison is the result of Compare.
type Comparison struct {
	Rows       []Row
	Mismatches []Row
}

// OK reports whether the kernel and the fsm agreed everywhere.
func (c *Comparison) OK() bool { return len(c.Mismatches) == 0 }

// tuple is a connection's two addresses, lower first: the latest
// connection on a 4-tuple replaces older ones, whichever side opened it.
type tuple [2]netip.AddrPort

func tupleOf(a, b netip.AddrPort) tuple {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return tuple{a, b}
}

// Compare replays segs (in capture order) through a fresh tracker and, at
// each checkpoint's instant, compares the state the fsm inferred for every
// endpoint of every connection it saw with the kernel's view:
//
//   - a kernel socket with the same local and remote address gives its
//     state;
//   - no such socket means CLOSED, except for an endpoint the fsm thinks
//     is LISTEN (a SYN arrived, nothing answered yet): a LISTEN socket on
//     its port matches that;
//   - a kernel socket (not LISTEN, not in baseline) for a connection the
//     fsm never saw is a mismatch too.
//
// A checkpoint during which packets were captured is reported as a
// mismatch (it was not a quiet moment).
func Compare(segs []fsm.Segment, cps []Checkpoint, baseline []KernelSocket, cfg fsm.Config) *Comparison {
	tr := fsm.NewTracker(cfg)
	conns := map[tuple]*fsm.Conn{}
	base := map[[2]netip.AddrPort]bool{}
	for _, k := range baseline {
		base[[2]netip.AddrPort{k.Local, k.Remote}] = true
	}
	note := func(evs []fsm.Event) {
		for _, e := range evs {
			if e.Conn != nil && e.Kind == fsm.KindSegment {
				conns[tupleOf(e.Conn.Client, e.Conn.Server)] = e.Conn
			}
		}
	}
	out := &Comparison{}
	add := func(r Row) {
		out.Rows = append(out.Rows, r)
		if !r.OK {
			out.Mismatches = append(out.Mismatches, r)
		}
	}
	i := 0
	for _, cp := range cps {
		for i < len(segs) && segs[i].Time.Before(cp.Start) {
			note(tr.Observe(segs[i]))
			i++
		}
		if i < len(segs) && !segs[i].Time.After(cp.End) {
			add(Row{Checkpoint: cp.Label, Note: fmt.Sprintf("packet %d was captured while the kernel was read: not a quiet moment", segs[i].Packet)})
		}
		note(tr.Advance(cp.Start))
		exact := map[[2]netip.AddrPort]fsm.State{}
		listen := map[uint16]bool{}
		for _, k := range cp.Sockets {
			if k.State == fsm.Listen {
				listen[k.Local.Port()] = true
				continue
			}
			exact[[2]netip.AddrPort{k.Local, k.Remote}] = k.State
		}
		seen := map[[2]netip.AddrPort]bool{}
		keys := make([]tuple, 0, len(conns))
		for t := range conns {
			keys = append(keys, t)
		}
		sort.Slice(keys, func(a, b int) bool { return conns[keys[a]].ID < conns[keys[b]].ID })
		for _, t := range keys {
			c := conns[t]
			for _, role := range []fsm.Role{fsm.Client, fsm.Server} {
				local, remote := c.Addr(role), c.Addr(role.Peer())
				r := Row{Checkpoint: cp.Label, Conn: c.ID, Role: role, Local: local, Remote: remote, FSM: c.State[role]}
				k := [2]netip.AddrPort{local, remote}
				seen[k] = true
				if st, ok := exact[k]; ok {
					r.Kernel, r.Note = st, "socket"
				} else if r.FSM == fsm.Listen && listen[local.Port()] {
					r.Kernel, r.Note = fsm.Listen, "listening socket"
				} else {
					r.Kernel, r.Note = fsm.Closed, "no socket"
				}
				r.OK = r.Kernel == r.FSM
				add(r)
			}
		}
		var orphans []KernelSocket
		for _, k := range cp.Sockets {
			key := [2]netip.AddrPort{k.Local, k.Remote}
			if k.State != fsm.Listen && !seen[key] && !base[key] {
				orphans = append(orphans, k)
			}
		}
		sort.Slice(orphans, func(a, b int) bool { return orphans[a].String() < orphans[b].String() })
		for _, k := range orphans {
			add(Row{Checkpoint: cp.Label, Local: k.Local, Remote: k.Remote, Kernel: k.State, FSM: fsm.Unknown,
				Note: "the kernel has this socket, the capture never showed its connection"})
		}
	}
	return out
}

// Table formats the comparison for people: one line per endpoint and
// checkpoint (only the mismatches and a count per state pair when there
// are more than maxRows rows), then a verdict.
func (c *Comparison) Table(maxRows int) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECKPOINT\tCONN\tENDPOINT\tADDRESS\tKERNEL\tFSM\t")
	line := func(r Row) {
		mark := ""
		if !r.OK {
			mark = "MISMATCH"
		}
		if r.Conn == 0 && !r.Local.IsValid() {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%s %s\n", r.Checkpoint, mark, r.Note)
			return
		}
		conn, role := "-", "-"
		if r.Conn > 0 {
			conn, role = fmt.Sprint(r.Conn), r.Role.String()
		}
		fsmState := r.FSM.String()
		if r.FSM == fsm.Unknown {
			fsmState = "(not seen)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%v\t%s\t%s\n", r.Checkpoint, conn, role, r.Local, r.Kernel, fsmState, mark)
	}
	rows := c.Rows
	if maxRows > 0 && len(rows) > maxRows {
		rows = c.Mismatches
	}
	for _, r := range rows {
		line(r)
	}
	tw.Flush()
	if maxRows > 0 && len(c.Rows) > maxRows {
		type pair struct{ k, f fsm.State }
		counts := map[pair]int{}
		for _, r := range c.Rows {
			counts[pair{r.Kernel, r.FSM}]++
		}
		var ps []pair
		for p := range counts {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return counts[ps[i]] > counts[ps[j]] })
		fmt.Fprintf(&b, "(%d rows; by state pair:", len(c.Rows))
		for _, p := range ps {
			fmt.Fprintf(&b, " kernel %v / fsm %v ×%d;", p.k, p.f, counts[p])
		}
		b.WriteString(")\n")
	}
	if c.OK() {
		fmt.Fprintf(&b, "kernel and fsm agree on all %d endpoint states\n", len(c.Rows))
	} else {
		fmt.Fprintf(&b, "%d of %d endpoint states disagree\n", len(c.Mismatches), len(c.Rows))
	}
	return b.String()
}
