package lab

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"

	"github.com/synfin/synfin/fsm"
)

// frames reads the raw frames of a capture in testdata/impaired.
func frames(t *testing.T, name string) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "impaired", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		b, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
}

// At the server's veth, the client's segments came through the relay,
// which wrote their checksums; recomputing gives the same bytes, and a
// damaged checksum is put right.
func TestChecksumOfRelayedFrames(t *testing.T) {
	n := 0
	for _, b := range frames(t, "close-4.server.pcap") {
		f, ok := parseFrame(b)
		if !ok {
			t.Fatalf("not IPv4 TCP: % x", b)
		}
		if b[f.ip+12] != 10 || b[f.ip+15] != 1 { // from 10.9.0.1, the client
			continue
		}
		n++
		if !f.checksumOK() {
			t.Errorf("relayed segment %v: checksum does not verify", &f)
		}
		b[f.tcp+16] ^= 0xff
		if f.checksumOK() {
			t.Fatalf("damaged checksum verifies")
		}
		f.fixChecksum()
		if !f.checksumOK() {
			t.Errorf("fixChecksum did not fix %v", &f)
		}
	}
	if n == 0 {
		t.Fatal("no client segment in close-4.server.pcap")
	}
}

func TestParseFrameTimestamp(t *testing.T) {
	b := frames(t, "close-4.client.pcap")[0] // the client's SYN
	f, ok := parseFrame(b)
	if !ok || !f.flags.Has(fsm.SYN) {
		t.Fatalf("first frame is not a SYN: %v", &f)
	}
	v, ok := f.tsval()
	if !ok || v == 0 {
		t.Fatalf("no TSval in the SYN")
	}
	f.setTSval(v - 100000)
	if w, _ := f.tsval(); w != v-100000 {
		t.Fatalf("TSval %d after rewrite, want %d", w, v-100000)
	}
	if _, ok := parseFrame(b[:30]); ok {
		t.Fatal("a truncated frame parsed")
	}
}

// seg builds a frame-like value for rule tests.
func seg(flags fsm.Flags, seq, ack uint32, payload int) *frame {
	return &frame{flags: flags, seq: seq, ack: ack, payload: payload}
}

func TestRulesNthAndAcksFIN(t *testing.T) {
	r := newRules([]Rule{
		{What: What{Dir: ToServer, Flags: fsm.FIN}, Nth: 2, Action: Drop},
		{What: What{Dir: ToClient, Flags: fsm.ACK, Not: fsm.FIN, NoData: true, AcksFIN: true}, Action: Duplicate},
		{What: What{Dir: ToServer, Data: true}, Action: Delay, Delay: 30 * time.Millisecond},
	}, nil)
	if d := r.decide(ToServer, seg(fsm.FIN|fsm.ACK, 100, 1, 0)); d.drop {
		t.Error("the 1st FIN was dropped; the rule names the 2nd")
	}
	if d := r.decide(ToClient, seg(fsm.ACK, 1, 100, 0)); d.copies != 1 {
		t.Error("an ACK below the FIN was duplicated")
	}
	if d := r.decide(ToClient, seg(fsm.ACK, 1, 101, 0)); d.copies != 2 {
		t.Error("the ACK of the FIN was not duplicated")
	}
	if d := r.decide(ToServer, seg(fsm.FIN|fsm.ACK, 100, 1, 0)); !d.drop {
		t.Error("the 2nd FIN was not dropped")
	}
	if d := r.decide(ToServer, seg(fsm.ACK|fsm.PSH, 50, 1, 10)); d.delay != 30*time.Millisecond {
		t.Errorf("data delayed %v, want 30ms", d.delay)
	}
	if d := r.decide(ToClient, seg(fsm.ACK|fsm.PSH, 50, 1, 10)); d.delay != 0 || d.drop || d.copies != 1 || len(d.why) != 0 {
		t.Errorf("a segment no rule names was impaired: %+v", d)
	}
}

func TestLossyIsDeterministic(t *testing.T) {
	run := func() []decision {
		r := newRules(nil, &Lossy{Seed: 7, Drop: 0.2, Dup: 0.2, Delay: 0.2, MaxDelay: 20 * time.Millisecond})
		var out []decision
		for i := range 50 {
			out = append(out, r.decide(Dir(i%2), seg(fsm.ACK, uint32(i), 1, 0)))
		}
		return out
	}
	a, b := run(), run()
	kinds := map[string]bool{}
	for i := range a {
		if a[i].drop != b[i].drop || a[i].copies != b[i].copies || a[i].delay != b[i].delay {
			t.Fatalf("decision %d differs between two runs with one seed", i)
		}
		switch {
		case a[i].drop:
			kinds["drop"] = true
		case a[i].copies == 2:
			kinds["dup"] = true
		case a[i].delay > 0:
			kinds["delay"] = true
		}
	}
	if len(kinds) != 3 {
		t.Errorf("50 decisions at 20%% each made only %v", kinds)
	}
}

func TestSubsequence(t *testing.T) {
	s := []string{"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}
	for _, c := range []struct {
		k    []string
		want bool
	}{
		{[]string{"SYN_SENT", "FIN_WAIT_2", "TIME_WAIT"}, true},
		{[]string{"SYN_SENT", "CLOSING", "TIME_WAIT"}, false},
		{[]string{"FIN_WAIT_2", "ESTABLISHED"}, false},
		{[]string{"SYN_SENT", "CLOSED", "ESTABLISHED"}, true}, // a gap in the middle may match nothing
		{[]string{"TIME_WAIT", "CLOSED"}, false},
	} {
		if got := subsequence(c.k, s, false); got != c.want {
			t.Errorf("subsequence(%v) = %v, want %v", c.k, got, c.want)
		}
	}
}
