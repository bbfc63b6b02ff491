package report

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// The text and zeek writers format by hand; these are the fmt versions
// they replaced, which the output must keep matching byte for byte.
func fmtText(c *fsm.Conn) string {
	seconds := func(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }
	client, server := c.Client.String(), c.Server.String()
	if c.VLAN != 0 {
		server += " vlan " + fmtVLAN(c.VLAN)
	}
	cs := c.ClientState().String()
	if c.JoinedLate {
		cs += "*"
	}
	return fmt.Sprintf(textRow, fmt.Sprint(c.ID), client, server, cs, c.ServerState(),
		c.ConnState(), c.History(), fmt.Sprint(c.Packets[fsm.Client]+c.Packets[fsm.Server]),
		fmt.Sprint(c.Bytes[fsm.Client]+c.Bytes[fsm.Server]), seconds(c.Duration())+"s")
}

func fmtVLAN(v uint32) string {
	outer, inner := fsm.SplitVLAN(v)
	if inner == 0 {
		return fmt.Sprint(outer)
	}
	return fmt.Sprintf("%d.%d", outer, inner)
}

func fmtZeek(c *fsm.Conn) string {
	vlan := "-"
	if c.VLAN != 0 {
		vlan = fmtVLAN(c.VLAN)
	}
	hist := c.History()
	if hist == "" {
		hist = "-"
	}
	ts := c.FirstTime
	return fmt.Sprintf("%d.%06d\tS%d\t%s\t%d\t%s\t%d\ttcp\t%s\t%d\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n",
		ts.Unix(), ts.Nanosecond()/1000, c.ID,
		c.Client.Addr(), c.Client.Port(), c.Server.Addr(), c.Server.Port(),
		fmt.Sprintf("%.6f", c.Duration().Seconds()), c.Bytes[fsm.Client], c.Bytes[fsm.Server], c.ConnState(), hist,
		c.Packets[fsm.Client], c.Packets[fsm.Server], vlan, c.ClientState(), c.ServerState())
}

// TestWritersMatchFmt covers what the hand formatting must get right:
// widths overflowing (IPv6 with a zone, QinQ), a joined-late star, long
// and sub-microsecond durations, times before 1970 and with no
// microseconds, an empty history.
func TestWritersMatchFmt(t *testing.T) {
	var cs []*fsm.Conn
	keep := func(evs []fsm.Event) {
		for _, ev := range evs {
			if ev.Kind == fsm.KindEnd {
				cs = append(cs, ev.Conn)
			}
		}
	}
	tr := fsm.NewTracker(fsm.Config{})
	a := netip.MustParseAddrPort("[fe80::1:2:3:4%eth0]:40000")
	b := netip.MustParseAddrPort("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:443")
	c4 := netip.MustParseAddrPort("10.0.0.1:123")
	s4 := netip.MustParseAddrPort("192.168.100.200:65535")
	for i, t0 := range []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 5000, time.UTC),
		time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC),
	} {
		vlan := []uint32{0, 4095<<12 | 4095, 7}[i]
		keep(tr.Observe(fsm.Segment{Packet: 1, Time: t0, Src: a, Dst: b, Flags: fsm.SYN, Seq: 1, VLAN: vlan}))
		keep(tr.Observe(fsm.Segment{Packet: 2, Time: t0.Add(time.Duration(i) * 1234567891011), Src: b, Dst: a, Flags: fsm.SYN | fsm.ACK, Seq: 9, Ack: 2, VLAN: vlan}))
		keep(tr.Observe(fsm.Segment{Packet: 3, Time: t0.Add(7), Src: s4, Dst: c4, Flags: fsm.ACK | fsm.PSH, Seq: 9, Ack: 2, Len: 99999, VLAN: vlan}))
		keep(tr.Observe(fsm.Segment{Packet: 4, Time: t0.Add(8), Src: c4, Dst: s4, Flags: fsm.RST, Seq: 2, VLAN: vlan}))
		keep(tr.Flush())
	}
	if len(cs) < 6 {
		t.Fatalf("%d connections, want 6", len(cs))
	}
	for _, c := range cs {
		var tb, zb bytes.Buffer
		tw := &textWriter{w: bufio.NewWriter(&tb)}
		zw := &zeekWriter{w: bufio.NewWriter(&zb)}
		if err := tw.conn(c); err != nil {
			t.Fatal(err)
		}
		if err := zw.conn(c); err != nil {
			t.Fatal(err)
		}
		tw.w.Flush()
		zw.w.Flush()
		if got, want := tb.String(), fmtText(c); got != want {
			t.Errorf("text:\n got %q\nwant %q", got, want)
		}
		if got, want := zb.String(), fmtZeek(c); got != want {
			t.Errorf("zeek:\n got %q\nwant %q", got, want)
		}
	}
}
