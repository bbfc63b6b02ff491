package report

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/synfin/synfin/fsm"
)

// zeekWriter writes a conn.log-like TSV: Zeek's header lines and columns,
// with synfin's own final states as two extra columns. uid is "S" and the
// connection's number: deterministic, unlike Zeek's random uids.
type zeekWriter struct {
	w *bufio.Writer
}

var zeekFields = []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
	"duration", "orig_bytes", "resp_bytes", "conn_state", "history", "orig_pkts", "resp_pkts",
	"vlan", "client_state", "server_state"}
var zeekTypes = []string{"time", "string", "addr", "port", "addr", "port", "enum",
	"interval", "count", "count", "string", "string", "count", "count",
	"string", "string", "string"}

func (z *zeekWriter) header() error {
	_, err := fmt.Fprintf(z.w, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\t%s\n#types\t%s\n",
		strings.Join(zeekFields, "\t"), strings.Join(zeekTypes, "\t"))
	return err
}

func (z *zeekWriter) conn(c *fsm.Conn) error {
	vlan := "-"
	if c.VLAN != 0 {
		vlan = vlanString(c.VLAN)
	}
	hist := c.History()
	if hist == "" {
		hist = "-"
	}
	ts := c.FirstTime
	_, err := fmt.Fprintf(z.w, "%d.%06d\tS%d\t%s\t%d\t%s\t%d\ttcp\t%s\t%d\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n",
		ts.Unix(), ts.Nanosecond()/1000, c.ID,
		c.Client.Addr(), c.Client.Port(), c.Server.Addr(), c.Server.Port(),
		seconds(c.Duration()), c.Bytes[fsm.Client], c.Bytes[fsm.Server], c.ConnState(), hist,
		c.Packets[fsm.Client], c.Packets[fsm.Server], vlan, c.ClientState(), c.ServerState())
	return err
}

func (z *zeekWriter) footer(Result) error { return nil }
