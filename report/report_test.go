package report_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/report"
)

// conns builds finished connections covering the JSON writer's branches:
// VLANs, notes, a timer transition, a revision, tiny and large durations.
func conns() []*fsm.Conn {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)
	c := netip.MustParseAddrPort("10.0.0.1:40000")
	s := netip.MustParseAddrPort("[2001:db8::2]:80")
	tr := fsm.NewTracker(fsm.Config{TimeWait: time.Second})
	var out []*fsm.Conn
	keep := func(evs []fsm.Event) {
		for _, ev := range evs {
			if ev.Kind == fsm.KindEnd {
				out = append(out, ev.Conn)
			}
		}
	}
	segs := []fsm.Segment{
		{Time: t0, Src: c, Dst: s, Flags: fsm.SYN, Seq: 1, VLAN: 10<<12 | 20},
		{Time: t0.Add(30 * time.Nanosecond), Src: s, Dst: c, Flags: fsm.SYN | fsm.ACK, Seq: 9, Ack: 2, VLAN: 10<<12 | 20},
		{Time: t0.Add(time.Millisecond), Src: c, Dst: s, Flags: fsm.FIN | fsm.ACK, Seq: 2, Ack: 10, VLAN: 10<<12 | 20},
		{Time: t0.Add(2 * time.Millisecond), Src: s, Dst: c, Flags: fsm.FIN | fsm.ACK, Seq: 10, Ack: 3, VLAN: 10<<12 | 20},
		{Time: t0.Add(2 * time.Millisecond), Src: s, Dst: c, Flags: fsm.FIN | fsm.ACK, Seq: 10, Ack: 3, VLAN: 10<<12 | 20},
		{Time: t0.Add(3 * time.Millisecond), Src: c, Dst: s, Flags: fsm.ACK, Seq: 3, Ack: 11, VLAN: 10<<12 | 20},
		// The server's FIN again after the client's ACK: a revision.
		{Time: t0.Add(300 * time.Millisecond), Src: s, Dst: c, Flags: fsm.FIN | fsm.ACK, Seq: 10, Ack: 3, VLAN: 10<<12 | 20},
		{Time: t0, Src: s, Dst: c, Flags: fsm.ACK | fsm.PSH, Seq: 9, Ack: 2, Len: 5, VLAN: 7},
	}
	for i, seg := range segs {
		seg.Packet = uint64(i + 1)
		keep(tr.Observe(seg))
	}
	keep(tr.Advance(t0.Add(10 * time.Second)))
	keep(tr.Flush())
	return out
}

// TestJSONMatchesEncoding keeps the hand-written JSON identical to what
// encoding/json makes of the documented Conn record.
func TestJSONMatchesEncoding(t *testing.T) {
	cs := conns()
	if len(cs) != 2 {
		t.Fatalf("want 2 connections, got %d", len(cs))
	}
	if len(cs[0].Revisions) == 0 {
		t.Fatal("conn 1 should hold a revision (the FIN sent again after its ACK)")
	}
	for _, c := range cs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report.NewConn(c)); err != nil {
			t.Fatal(err)
		}
		got := report.AppendJSON(nil, c)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("conn %d:\n got %s\nwant %s", c.ID, got, want.Bytes())
		}
	}
}

// TestSummaryOfCapture runs report.Run on a real capture in every format
// and checks the fields scripts depend on.
func TestSummaryOfCapture(t *testing.T) {
	pcaps, _ := filepath.Glob("../testdata/scenarios/client-close.pcap")
	if len(pcaps) == 0 {
		t.Skip("no testdata/scenarios/client-close.pcap yet (made by synfin record)")
	}
	var out bytes.Buffer
	src := openT(t, pcaps[0])
	if _, err := report.Run(src, &out, report.Options{Format: "json", Name: pcaps[0]}); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(bytes.Split(out.Bytes(), []byte("\n"))[0], &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"client", "server", "client_state", "server_state", "conn_state", "history",
		"packets", "bytes", "first_packet", "last_packet", "notes", "transitions"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("JSON record lacks %q: %s", k, out.String())
		}
	}
	if rec["client_state"] != "TIME_WAIT" || rec["server_state"] != "CLOSED" || rec["conn_state"] != "SF" {
		t.Errorf("client-close: got client %v server %v conn_state %v, want TIME_WAIT CLOSED SF", rec["client_state"], rec["server_state"], rec["conn_state"])
	}
	for _, format := range []string{"text", "zeek"} {
		out.Reset()
		if _, err := report.Run(openT(t, pcaps[0]), &out, report.Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "TIME_WAIT") || !strings.Contains(out.String(), "SF") {
			t.Errorf("%s output lacks the states:\n%s", format, out.String())
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := report.Run(nil, os.Stdout, report.Options{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("want an error naming the format, got %v", err)
	}
}
