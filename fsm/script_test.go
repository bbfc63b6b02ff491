package fsm_test

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/internal/golden"
)

// A .seg script is a tiny text description of a capture:
//
//	client 10.0.0.1:40000        addresses (these are the defaults)
//	server 10.0.0.2:80
//	timewait 60s                 tracker configuration
//	C>S SYN seq=1000 len=0 win=65535 wscale=7 ts=7 tsecr=0 @0.5s
//	S>C SYN,ACK seq=5000 ack=1001
//	advance 61s                  fire timers up to that capture time
//
// Every segment is 1 ms after the previous one unless @T sets its time
// (seconds from the start). Numbers are raw (absolute) sequence numbers.
type script struct {
	cfg  fsm.Config
	segs []scriptLine
}

type scriptLine struct {
	seg     fsm.Segment
	advance bool
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func parseScript(t *testing.T, path string) script {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	addr := map[byte]netip.AddrPort{
		'C': netip.MustParseAddrPort("10.0.0.1:40000"),
		'S': netip.MustParseAddrPort("10.0.0.2:80"),
	}
	var sc script
	now := epoch
	var pkt uint64
	sn := bufio.NewScanner(f)
	line := 0
	for sn.Scan() {
		line++
		text := strings.TrimSpace(sn.Text())
		if i := strings.Index(text, "#"); i >= 0 {
			text = strings.TrimSpace(text[:i])
		}
		if text == "" {
			continue
		}
		fields := strings.Fields(text)
		bad := func(format string, args ...any) {
			t.Fatalf("%s:%d: %s", path, line, fmt.Sprintf(format, args...))
		}
		switch fields[0] {
		case "client", "server":
			addr[strings.ToUpper(fields[0])[0]] = netip.MustParseAddrPort(fields[1])
			continue
		case "timewait":
			d, err := time.ParseDuration(fields[1])
			if err != nil {
				bad("%v", err)
			}
			sc.cfg.TimeWait = d
			continue
		case "advance":
			d, err := time.ParseDuration(fields[1])
			if err != nil {
				bad("%v", err)
			}
			sc.segs = append(sc.segs, scriptLine{advance: true, seg: fsm.Segment{Time: epoch.Add(d)}})
			continue
		}
		dir := fields[0]
		if len(dir) != 3 || dir[1] != '>' {
			bad("want C>S or S>C, got %q", dir)
		}
		pkt++
		now = now.Add(time.Millisecond)
		s := fsm.Segment{Packet: pkt, Src: addr[dir[0]], Dst: addr[dir[2]]}
		s.Options.WScale = -1
		s.Window = 65535
		for _, fl := range strings.Split(fields[1], ",") {
			switch fl {
			case "SYN":
				s.Flags |= fsm.SYN
			case "ACK":
				s.Flags |= fsm.ACK
			case "FIN":
				s.Flags |= fsm.FIN
			case "RST":
				s.Flags |= fsm.RST
			case "PSH":
				s.Flags |= fsm.PSH
			case "none":
			default:
				bad("unknown flag %q", fl)
			}
		}
		for _, kv := range fields[2:] {
			if strings.HasPrefix(kv, "@") {
				d, err := time.ParseDuration(kv[1:])
				if err != nil {
					bad("%v", err)
				}
				now = epoch.Add(d)
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				bad("want key=value, got %q", kv)
			}
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				bad("%s: %v", k, err)
			}
			switch k {
			case "seq":
				s.Seq = fsm.Seq(n)
			case "ack":
				s.Ack = fsm.Seq(n)
			case "len":
				s.Len = uint32(n)
			case "win":
				s.Window = uint16(n)
			case "wscale":
				s.Options.WScale = int8(n)
			case "ts":
				s.Options.Timestamp, s.Options.TSval = true, uint32(n)
			case "tsecr":
				s.Options.Timestamp, s.Options.TSecr = true, uint32(n)
			default:
				bad("unknown key %q", k)
			}
		}
		s.Time = now
		sc.segs = append(sc.segs, scriptLine{seg: s})
	}
	if err := sn.Err(); err != nil {
		t.Fatal(err)
	}
	return sc
}

// transcript runs a script through a tracker and writes every event, then
// the final summary of every connection.
func transcript(sc script) string {
	var b strings.Builder
	tr := fsm.NewTracker(sc.cfg)
	var ended []*fsm.Conn
	write := func(evs []fsm.Event) {
		for _, ev := range evs {
			switch ev.Kind {
			case fsm.KindSegment:
				arrow := "C>S"
				if ev.From == fsm.Server {
					arrow = "S>C"
				}
				fmt.Fprintf(&b, "#%d conn %d %s %-11s seq=%d ack=%d len=%d  [%s | %s]\n",
					ev.Packet, ev.Conn.ID, arrow, ev.Flags, ev.Seq, ev.Ack, ev.Len, ev.States[fsm.Client], ev.States[fsm.Server])
			case fsm.KindTransition:
				if ev.Packet == 0 {
					fmt.Fprintf(&b, "timer at +%s conn %d\n", ev.Time.Sub(epoch), ev.Conn.ID)
				}
				fmt.Fprintf(&b, "    %s %s -> %s (%s, %s)\n", ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.Confidence)
			case fsm.KindRevision:
				rv := ev.Revision
				fmt.Fprintf(&b, "    revise %s: believed %v since #%d, now %s (%s)\n", ev.Endpoint, rv.Believed, rv.Packet, ev.New, rv.Reason)
			case fsm.KindNote:
				fmt.Fprintf(&b, "    note %s: %s\n", ev.Endpoint, ev.Reason)
			case fsm.KindEnd:
				fmt.Fprintf(&b, "    end conn %d\n", ev.Conn.ID)
				ended = append(ended, ev.Conn)
			}
		}
	}
	for _, l := range sc.segs {
		if l.advance {
			fmt.Fprintf(&b, "advance to +%s\n", l.seg.Time.Sub(epoch))
			write(tr.Advance(l.seg.Time))
			continue
		}
		write(tr.Observe(l.seg))
	}
	b.WriteString("flush\n")
	write(tr.Flush())
	b.WriteString("---\n")
	for _, c := range ended {
		var notes []string
		for _, n := range c.NoteKeys() {
			notes = append(notes, string(n))
		}
		late := ""
		if c.JoinedLate {
			late = " joined-late"
		}
		fmt.Fprintf(&b, "conn %d %s -> %s%s: client %s, server %s, conn_state %s, history %s, packets %d/%d, bytes %d/%d, notes [%s]\n",
			c.ID, c.Client, c.Server, late, c.ClientState(), c.ServerState(), c.ConnState(), c.History(),
			c.Packets[fsm.Client], c.Packets[fsm.Server], c.Bytes[fsm.Client], c.Bytes[fsm.Server], strings.Join(notes, " "))
		for _, r := range []fsm.Role{fsm.Client, fsm.Server} {
			var path []string
			for _, tr := range c.Path() {
				if tr.Endpoint == r {
					path = append(path, fmt.Sprintf("%s(%s)", tr.To, tr.Confidence))
				}
			}
			fmt.Fprintf(&b, "  %s path: %s\n", r, strings.Join(path, " "))
		}
		for _, rv := range c.Revisions {
			fmt.Fprintf(&b, "  revision: %s believed %v from #%d, corrected by #%d (%s)\n", rv.Endpoint, rv.Believed, rv.Packet, rv.CorrectedBy, rv.Reason)
		}
	}
	return b.String()
}

func TestScripts(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.seg")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".seg")
		t.Run(name, func(t *testing.T) {
			got := transcript(parseScript(t, path))
			golden.Check(t, strings.TrimSuffix(path, ".seg")+".golden", []byte(got))
		})
	}
}
