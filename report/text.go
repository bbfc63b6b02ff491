package report

import (
	"bufio"
	"fmt"

	"github.com/synfin/synfin/fsm"
)

// textWriter prints a fixed-width table, one row per connection as it
// ends, so it can stream.
type textWriter struct {
	w *bufio.Writer
}

const textRow = "%-5s %-21s %-21s %-11s %-11s %-6s %-14s %7s %9s %11s\n"

func (t *textWriter) header() error {
	_, err := fmt.Fprintf(t.w, textRow, "#", "CLIENT", "SERVER", "CLIENT", "SERVER", "CONN", "HISTORY", "PACKETS", "BYTES", "DURATION")
	return err
}

func (t *textWriter) conn(c *fsm.Conn) error {
	client, server := c.Client.String(), c.Server.String()
	if c.VLAN != 0 {
		server += " vlan " + vlanString(c.VLAN)
	}
	cs := c.ClientState().String()
	if c.JoinedLate {
		cs += "*"
	}
	_, err := fmt.Fprintf(t.w, textRow, fmt.Sprint(c.ID), client, server, cs, c.ServerState(),
		c.ConnState(), c.History(), fmt.Sprint(c.Packets[fsm.Client]+c.Packets[fsm.Server]),
		fmt.Sprint(c.Bytes[fsm.Client]+c.Bytes[fsm.Server]), seconds(c.Duration())+"s")
	return err
}

func (t *textWriter) footer(res Result) error {
	st := res.Stats
	fmt.Fprintf(t.w, "\n%d connections, %d TCP segments in %d packets", res.Conns, st.Segments, st.Packets)
	if st.KernelDrops > 0 {
		fmt.Fprintf(t.w, ", %d dropped by the kernel", st.KernelDrops)
	}
	fmt.Fprintln(t.w, ".")
	if s := st.SkipSummary(); s != "" {
		fmt.Fprintf(t.w, "skipped: %s\n", s)
	}
	_, err := fmt.Fprintln(t.w, "states are final, at the end of the capture; * = joined late (roles guessed); CONN and HISTORY use Zeek's conn_state and history letters")
	return err
}

// vlanString shows one tag as "10" and QinQ as "10.20" (outer.inner).
func vlanString(v uint32) string {
	outer, inner := fsm.SplitVLAN(v)
	if inner == 0 {
		return fmt.Sprint(outer)
	}
	return fmt.Sprintf("%d.%d", outer, inner)
}
