package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/synfin/synfin/fsm"
)

// zeekWriter writes a conn.log-like TSV: Zeek's header lines and columns,
// with synfin's own final states as two extra columns. uid is "S" and the
// connection's number: deterministic, unlike Zeek's random uids.
type zeekWriter struct {
	w   *bufio.Writer
	buf []byte // the line being formatted
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
	b := z.buf[:0]
	ts := c.FirstTime
	b = strconv.AppendInt(b, ts.Unix(), 10)
	b = append(b, '.')
	us := ts.Nanosecond() / 1000
	for d := 100000; d > 1 && us < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(us), 10)
	b = append(b, "\tS"...)
	b = strconv.AppendUint(b, c.ID, 10)
	b = append(b, '\t')
	b = appendIP(b, c.Client.Addr())
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(c.Client.Port()), 10)
	b = append(b, '\t')
	b = appendIP(b, c.Server.Addr())
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(c.Server.Port()), 10)
	b = append(b, "\ttcp\t"...)
	b = appendSeconds(b, c.Duration())
	b = append(b, '\t')
	b = strconv.AppendUint(b, c.Bytes[fsm.Client], 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, c.Bytes[fsm.Server], 10)
	b = append(b, '\t')
	b = append(b, c.ConnState()...)
	b = append(b, '\t')
	if hist := c.History(); hist != "" {
		b = append(b, hist...)
	} else {
		b = append(b, '-')
	}
	b = append(b, '\t')
	b = strconv.AppendUint(b, c.Packets[fsm.Client], 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, c.Packets[fsm.Server], 10)
	b = append(b, '\t')
	if c.VLAN != 0 {
		b = appendVLAN(b, c.VLAN)
	} else {
		b = append(b, '-')
	}
	b = append(b, '\t')
	b = append(b, c.ClientState().String()...)
	b = append(b, '\t')
	b = append(b, c.ServerState().String()...)
	b = append(b, '\n')
	z.buf = b
	_, err := z.w.Write(b)
	return err
}

func (z *zeekWriter) footer(Result) error { return nil }
