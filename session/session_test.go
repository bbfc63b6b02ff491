package session_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

var (
	client = netip.MustParseAddrPort("127.0.0.1:40000")
	server = netip.MustParseAddrPort("127.0.0.1:7788")
)

// TestRealTracker runs the real fsm: the states after each step of a
// short connection are the ones the course teaches.
func TestRealTracker(t *testing.T) {
	s := session.New(session.Config{FSM: fsm.Config{TimeWait: time.Second}})
	segs := sessiontest.Conn(client, server, 1, sessiontest.Start, "hi")
	for _, seg := range segs {
		s.Observe(seg)
	}
	C, S := fsm.Client, fsm.Server
	want := []struct {
		name string
		c, s fsm.State
	}{
		{"syn", fsm.SynSent, fsm.Listen},
		{"synack", fsm.Established, fsm.SynRecv},
		{"ack", fsm.Established, fsm.Established},
		{"request", fsm.Established, fsm.Established},
		{"reply", fsm.Established, fsm.Established},
		{"ack of reply", fsm.Established, fsm.Established},
		{"client fin", fsm.FinWait1, fsm.CloseWait},
		{"ack of fin", fsm.FinWait2, fsm.CloseWait},
		{"server fin", fsm.TimeWait, fsm.LastAck},
		{"last ack", fsm.TimeWait, fsm.Closed},
	}
	if got := s.Len(); got != len(want) {
		t.Fatalf("Len = %d, want %d", got, len(want))
	}
	for i, w := range want {
		st, _ := s.Step(i)
		if st.States != [2]fsm.State{w.c, w.s} {
			t.Errorf("step %d (%s): states %v, want [%v %v]", i, w.name, st.States, w.c, w.s)
		}
		c, ok := s.ConnAt(st.ConnID, i)
		if !ok || c.State != st.States {
			t.Errorf("step %d: ConnAt state %v (ok %v), want %v", i, c.State, ok, st.States)
		}
		if st.Packet != uint64(i+1) {
			t.Errorf("step %d: packet %d", i, st.Packet)
		}
	}
	// The TIME_WAIT timer fires on the next segment's time: a step of its
	// own, with Packet 0, before that segment's step.
	later := sessiontest.Conn(netip.MustParseAddrPort("127.0.0.1:40001"), server, 11, sessiontest.Start.Add(5*time.Second), "x")
	s.Observe(later[0])
	st, ok := s.Step(10)
	if !ok || !st.Timer() || st.ConnID != 1 || st.States != [2]fsm.State{fsm.Closed, fsm.Closed} || len(st.Changes) != 1 || st.Changes[0].Reason != fsm.ReasonTimeWaitExpired {
		t.Errorf("timer step = %+v, %v", st, ok)
	}
	if st, _ := s.Step(11); st.Packet != 11 || st.ConnID != 2 {
		t.Errorf("step 11 = packet %d conn %d, want packet 11 conn 2", st.Packet, st.ConnID)
	}
	r, _ := s.RowOf(1, 10)
	if !r.Ended || r.Packets != 10 || r.Bytes != 7 {
		t.Errorf("row after timer = %+v", r)
	}
	// Back before the timer, the client is in TIME_WAIT again.
	if r, _ := s.RowOf(1, 9); r.States[C] != fsm.TimeWait || r.States[S] != fsm.Closed || r.Ended {
		t.Errorf("row at step 9 = %+v", r)
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"eof", nil, false},
		{"read-error", errors.New("x.pcap: truncated packet 31"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := session.New(session.Config{})
			src := &sessiontest.Source{Segs: sessiontest.Many(3), Err: tt.err}
			calls := 0
			err := s.Run(context.Background(), src, session.RunOptions{Counts: func() session.Counts {
				calls++
				return session.Counts{Packets: uint64(src.Segs[0].Packet) + 29}
			}})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Run = %v, want error %v", err, tt.wantErr)
			}
			info := s.Info()
			if !info.Done || (info.Err != nil) != tt.wantErr || info.Steps != 30 || info.Conns != 3 || info.Counts.Packets != 30 || calls == 0 {
				t.Errorf("Info = %+v, calls %d", info, calls)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	s := session.New(session.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Run(ctx, &sessiontest.Source{Segs: sessiontest.Many(1)}, session.RunOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

// TestRunTick fires TIME_WAIT on an idle live source.
func TestRunTick(t *testing.T) {
	s := session.New(session.Config{FSM: fsm.Config{TimeWait: time.Second}})
	tick := make(chan time.Time)
	block := make(chan struct{})
	src := &blockingSource{segs: sessiontest.Conn(client, server, 1, sessiontest.Start, "a"), block: block}
	now := sessiontest.Start.Add(10 * time.Second)
	done := make(chan error)
	go func() {
		done <- s.Run(context.Background(), src, session.RunOptions{Tick: tick, Clock: func() time.Time { return now }})
	}()
	for s.Len() < 10 {
		time.Sleep(time.Millisecond)
	}
	tick <- now
	tick <- now // the second send returns after the first tick was handled
	if st, ok := s.Step(10); !ok || !st.Timer() || st.States != [2]fsm.State{fsm.Closed, fsm.Closed} {
		t.Errorf("after tick: step 10 = %+v, %v", st, ok)
	}
	close(block)
	if err := <-done; err == nil || err.Error() != "closed" {
		t.Errorf("Run = %v, want the source's error", err)
	}
}

type blockingSource struct {
	segs  []fsm.Segment
	i     int
	block chan struct{}
}

func (b *blockingSource) Next() (fsm.Segment, error) {
	if b.i < len(b.segs) {
		b.i++
		return b.segs[b.i-1], nil
	}
	<-b.block
	return fsm.Segment{}, errors.New("closed")
}

func BenchmarkObserve(b *testing.B) {
	segs := sessiontest.Many(10000)
	b.ResetTimer()
	for range b.N {
		s := session.New(session.Config{})
		for _, seg := range segs {
			s.Observe(seg)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(segs)), "ns/segment")
}
