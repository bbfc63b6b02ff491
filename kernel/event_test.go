package kernel

import (
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Lines as this machine's kernel (6.18) printed them.
func TestParseTraceLine(t *testing.T) {
	for _, c := range []struct {
		line       string
		mono       time.Duration
		local, rem string
		from, to   fsm.State
		marker     string
	}{
		{line: "         python3-25311   [001] ..s2.  6937.125462: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=60723 dport=50380 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_LISTEN newstate=TCP_SYN_RECV",
			mono: 6937125462 * time.Microsecond, local: "127.0.0.1:60723", rem: "127.0.0.1:50380", from: fsm.Listen, to: fsm.SynRecv},
		{line: " my prog-9 [000] d.s3. 12.5: inet_sock_set_state: family=AF_INET6 protocol=IPPROTO_TCP sport=80 dport=4000 saddr=0.0.0.0 daddr=0.0.0.0 saddrv6=2001:db8::1 daddrv6=::1 oldstate=TCP_FIN_WAIT2 newstate=TCP_CLOSE",
			mono: 12500 * time.Millisecond, local: "[2001:db8::1]:80", rem: "[::1]:4000", from: fsm.FinWait2, to: fsm.Closed},
		{line: "            bash-26127   [000] ...1.  6951.707118: tracing_mark_write: synfin-sync 3",
			mono: 6951707118 * time.Microsecond, marker: "synfin-sync 3"},
	} {
		l, ok := parseTraceLine(c.line)
		if !ok {
			t.Fatalf("not parsed: %q", c.line)
		}
		if l.mono != c.mono || l.marker != c.marker {
			t.Errorf("%q: mono %v marker %q, want %v %q", c.line, l.mono, l.marker, c.mono, c.marker)
		}
		if c.marker != "" {
			continue
		}
		if l.ev.Local.String() != c.local || l.ev.Remote.String() != c.rem || l.ev.From != c.from || l.ev.To != c.to || l.ev.Source != SourceTracepoint {
			t.Errorf("%q: got %v", c.line, l.ev)
		}
	}
	for _, bad := range []string{"", "x: inet_sock_set_state: family=AF_INET protocol=IPPROTO_UDP sport=1 dport=2 saddr=1.2.3.4 daddr=1.2.3.4 oldstate=TCP_CLOSE newstate=TCP_LISTEN",
		"p-1 [0] .... abc: inet_sock_set_state: family=AF_INET", "p-1 [0] .... 1.2: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=99999 dport=2 saddr=1.2.3.4 daddr=1.2.3.4 oldstate=TCP_CLOSE newstate=TCP_LISTEN"} {
		if _, ok := parseTraceLine(bad); ok {
			t.Errorf("parsed %q", bad)
		}
	}
}

func TestCommentRoundTrip(t *testing.T) {
	e := Event{Time: time.Date(2026, 12, 7, 13, 40, 1, 123456789, time.UTC),
		Local: netip.MustParseAddrPort("[::1]:8080"), Remote: netip.MustParseAddrPort("[::1]:40000"),
		From: fsm.FinWait2, To: fsm.Closed, Source: SourceSockDiag, AcceptQueue: 2, Backlog: 5,
		Note: "freed after net.ipv4.tcp_fin_timeout=3 s\n"}
	got, ok := ParseComment(e.Comment())
	e.Note = "freed after net.ipv4.tcp_fin_timeout=3 s " // control characters become spaces
	if !ok || !got.Time.Equal(e.Time) || got.Local != e.Local || got.Remote != e.Remote || got.From != e.From || got.To != e.To ||
		got.Source != e.Source || got.AcceptQueue != 2 || got.Backlog != 5 || got.Note != e.Note {
		t.Fatalf("round trip: %q → %+v, %v", e.Comment(), got, ok)
	}
	for _, c := range []string{"a user's comment", CommentPrefix + "x", CommentPrefix + "2026-12-07T13:40:01Z 1.2.3.4:1 1.2.3.4:2 NOPE CLOSED tracepoint",
		CommentPrefix + "2026-12-07T13:40:01Z 1.2.3.4:1 1.2.3.4:2 CLOSED LISTEN bpf"} {
		if _, ok := ParseComment(c); ok {
			t.Errorf("accepted %q", c)
		}
	}
}
