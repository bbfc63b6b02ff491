package report

import (
	"bufio"
	"fmt"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// textWriter prints a fixed-width table, one row per connection as it
// ends, so it can stream. The header and footer are in lang; the rows
// are numbers, addresses and RFC state names in every language.
type textWriter struct {
	w    *bufio.Writer
	lang i18n.Lang
}

const textRow = "%-5s %-21s %-21s %-11s %-11s %-6s %-14s %7s %9s %11s\n"

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

// vlanString shows one tag as "10" and QinQ as "10.20" (outer.inner).
func vlanString(v uint32) string {
	outer, inner := fsm.SplitVLAN(v)
	if inner == 0 {
		return fmt.Sprint(outer)
	}
	return fmt.Sprintf("%d.%d", outer, inner)
}
