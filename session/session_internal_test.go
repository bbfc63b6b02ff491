package session

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// These tests feed record() hand-made tracker events, so they check the
// session's bookkeeping whatever the state of the fsm package. The
// black-box tests in session_test.go run the real tracker.

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// fakeTracker produces events the way fsm.Tracker documents them and
// mutates its connections the way the tracker does.
type fakeTracker struct {
	s     *Session
	conns map[uint64]*fsm.Conn
	pkt   uint64
}

func newFake(max int) *fakeTracker {
	return &fakeTracker{s: New(Config{MaxSteps: max}), conns: map[uint64]*fsm.Conn{}}
}

type change struct {
	ep       fsm.Role
	from, to fsm.State
	why      fsm.Reason
}

// seg feeds a segment of conn id from role `from`, causing changes and
// notes; end reports KindEnd after it.
func (f *fakeTracker) seg(id uint64, from fsm.Role, flags fsm.Flags, n uint32, payload string, chs []change, notes []fsm.Reason, end bool) {
	f.pkt++
	tm := t0.Add(time.Duration(f.pkt) * time.Millisecond)
	c := f.conns[id]
	if c == nil {
		c = &fsm.Conn{ID: id,
			Client:    netip.MustParseAddrPort(fmt.Sprintf("10.0.0.1:%d", 40000+id)),
			Server:    netip.MustParseAddrPort("10.0.0.2:80"),
			FirstTime: tm, FirstPacket: f.pkt}
		f.conns[id] = c
	}
	c.Packets[from]++
	c.Bytes[from] += uint64(n)
	c.LastTime, c.LastPacket = tm, f.pkt
	base := fsm.Event{Conn: c, Packet: f.pkt, Time: tm, From: from, Flags: flags, Len: n}
	var evs []fsm.Event
	segEv := base
	segEv.Kind = fsm.KindSegment
	evs = append(evs, segEv)
	for _, ch := range chs {
		c.State[ch.ep] = ch.to
		c.Transitions = append(c.Transitions, fsm.Transition{Packet: f.pkt, Time: tm, Endpoint: ch.ep, From: ch.from, To: ch.to, Reason: ch.why})
		ev := base
		ev.Kind, ev.Endpoint, ev.Old, ev.New, ev.Reason, ev.States = fsm.KindTransition, ch.ep, ch.from, ch.to, ch.why, c.State
		evs = append(evs, ev)
	}
	for _, r := range notes {
		c.Notes = append(c.Notes, fsm.Note{Packet: f.pkt, Endpoint: from, Reason: r})
		ev := base
		ev.Kind, ev.Reason, ev.States = fsm.KindNote, r, c.State
		evs = append(evs, ev)
	}
	evs[0].States = c.State
	if end {
		evs = append(evs, fsm.Event{Kind: fsm.KindEnd, Conn: c, Packet: f.pkt, Time: tm})
	}
	seg := fsm.Segment{Packet: f.pkt, Time: tm, Flags: flags, Len: n, Payload: []byte(payload)}
	f.s.mu.Lock()
	f.s.record(evs, &seg)
	f.s.mu.Unlock()
}

// timer fires TIME_WAIT expiry for conn id's endpoint ep.
func (f *fakeTracker) timer(id uint64, ep fsm.Role) {
	c := f.conns[id]
	tm := c.LastTime.Add(60 * time.Second)
	c.State[ep] = fsm.Closed
	c.Transitions = append(c.Transitions, fsm.Transition{Time: tm, Endpoint: ep, From: fsm.TimeWait, To: fsm.Closed, Reason: fsm.ReasonTimeWaitExpired})
	evs := []fsm.Event{
		{Kind: fsm.KindTransition, Conn: c, Time: tm, Endpoint: ep, Old: fsm.TimeWait, New: fsm.Closed, Reason: fsm.ReasonTimeWaitExpired, States: c.State},
		{Kind: fsm.KindEnd, Conn: c, Time: tm},
	}
	f.s.mu.Lock()
	f.s.record(evs, nil)
	f.s.mu.Unlock()
}

// handshakeAndClose feeds a whole connection: 3-way open, one data
// segment, 4-way close; the client's TIME_WAIT ends by timer when
// timer is set.
func (f *fakeTracker) handshakeAndClose(id uint64, timer bool) {
	C, S := fsm.Client, fsm.Server
	f.seg(id, C, fsm.SYN, 0, "", []change{{C, fsm.Closed, fsm.SynSent, fsm.ReasonSynSent}, {S, fsm.Closed, fsm.Listen, fsm.ReasonListen}}, nil, false)
	f.seg(id, S, fsm.SYN|fsm.ACK, 0, "", []change{{S, fsm.Listen, fsm.SynRecv, fsm.ReasonSynAckSent}, {C, fsm.SynSent, fsm.Established, fsm.ReasonSynAckReceived}}, nil, false)
	f.seg(id, C, fsm.ACK, 0, "", []change{{S, fsm.SynRecv, fsm.Established, fsm.ReasonHandshakeAck}}, nil, false)
	f.seg(id, C, fsm.PSH|fsm.ACK, 5, "hello", nil, nil, false)
	f.seg(id, C, fsm.PSH|fsm.ACK, 5, "hello", nil, []fsm.Reason{fsm.NoteRetransmit}, false)
	f.seg(id, C, fsm.FIN|fsm.ACK, 0, "", []change{{C, fsm.Established, fsm.FinWait1, fsm.ReasonActiveClose}, {S, fsm.Established, fsm.CloseWait, fsm.ReasonFinReceived}}, nil, false)
	f.seg(id, S, fsm.ACK, 0, "", []change{{C, fsm.FinWait1, fsm.FinWait2, fsm.ReasonFinAcked}}, nil, false)
	f.seg(id, S, fsm.FIN|fsm.ACK, 0, "", []change{{S, fsm.CloseWait, fsm.LastAck, fsm.ReasonPassiveClose}, {C, fsm.FinWait2, fsm.TimeWait, fsm.ReasonFinInFinWait2}}, nil, false)
	f.seg(id, C, fsm.ACK, 0, "", []change{{S, fsm.LastAck, fsm.Closed, fsm.ReasonLastAck}}, nil, false)
	if timer {
		f.timer(id, C)
	}
}

// picture is what a reader sees of the session at one cursor position.
type picture struct {
	Conn  fsm.Conn
	Row   Row
	Steps []Step
	Vis   int
}

func (s *Session) picture(id uint64, i int) picture {
	c, _ := s.ConnAt(id, i)
	r, _ := s.RowOf(id, i)
	return picture{Conn: c, Row: r, Steps: s.ConnSteps(id, i, 1000), Vis: s.Visible(i)}
}

func TestBackEqualsForward(t *testing.T) {
	f := newFake(0)
	var forward []map[uint64]picture
	snap := func() {
		last := f.s.Len() - 1
		m := map[uint64]picture{}
		for id := uint64(1); id <= 3; id++ {
			m[id] = f.s.picture(id, last)
		}
		forward = append(forward, m)
	}
	// Interleave three connections step by step, taking a picture after
	// every step as a live UI would.
	fs := []*fakeTracker{}
	_ = fs
	C, S := fsm.Client, fsm.Server
	f.seg(1, C, fsm.SYN, 0, "", []change{{C, fsm.Closed, fsm.SynSent, fsm.ReasonSynSent}, {S, fsm.Closed, fsm.Listen, fsm.ReasonListen}}, nil, false)
	snap()
	f.seg(2, C, fsm.SYN, 0, "", []change{{C, fsm.Closed, fsm.SynSent, fsm.ReasonSynSent}, {S, fsm.Closed, fsm.Listen, fsm.ReasonListen}}, nil, false)
	snap()
	f.seg(2, S, fsm.RST|fsm.ACK, 0, "", []change{{S, fsm.Listen, fsm.Closed, fsm.ReasonRstSent}, {C, fsm.SynSent, fsm.Closed, fsm.ReasonRefused}}, nil, true)
	snap()
	f.seg(1, S, fsm.SYN|fsm.ACK, 0, "", []change{{S, fsm.Listen, fsm.SynRecv, fsm.ReasonSynAckSent}, {C, fsm.SynSent, fsm.Established, fsm.ReasonSynAckReceived}}, nil, false)
	snap()
	f.handshakeAndClose(3, false)
	for range 9 {
		forward = append(forward, nil)
	}
	for i := 4; i < 13; i++ {
		last := i
		m := map[uint64]picture{}
		for id := uint64(1); id <= 3; id++ {
			m[id] = f.s.picture(id, last)
		}
		forward[i] = m
	}
	f.timer(3, C)
	snap()
	if got, want := f.s.Len(), 14; got != want {
		t.Fatalf("Len = %d, want %d", got, want)
	}
	// Now step back through every position.
	for i := f.s.Len() - 1; i >= 0; i-- {
		for id := uint64(1); id <= 3; id++ {
			got := f.s.picture(id, i)
			want := forward[i][id]
			if !reflect.DeepEqual(got, want) {
				t.Errorf("step %d conn %d: back gives\n%+v\nforward gave\n%+v", i, id, got, want)
			}
		}
	}
	// Spot checks of the pictures themselves.
	r, _ := f.s.RowOf(2, 2)
	if r.States != [2]fsm.State{fsm.Closed, fsm.Closed} || !r.Ended || r.Packets != 2 {
		t.Errorf("refused conn row = %+v", r)
	}
	r, _ = f.s.RowOf(1, 2)
	if r.States != [2]fsm.State{fsm.SynSent, fsm.Listen} {
		t.Errorf("conn 1 at step 2 = %v, want SYN_SENT LISTEN", r.States)
	}
	c, _ := f.s.ConnAt(3, 9) // after the first FIN
	if c.State != [2]fsm.State{fsm.FinWait1, fsm.CloseWait} || len(c.Transitions) != 7 || len(c.Notes) != 1 || c.Bytes[C] != 10 {
		t.Errorf("conn 3 after FIN: state %v, %d transitions, %d notes, %d bytes", c.State, len(c.Transitions), len(c.Notes), c.Bytes[C])
	}
	st, _ := f.s.Step(13)
	if !st.Timer() || st.ConnID != 3 || len(st.Changes) != 1 || st.States[C] != fsm.Closed {
		t.Errorf("timer step = %+v", st)
	}
	if _, ok := f.s.ConnAt(3, 3); ok {
		t.Errorf("conn 3 visible before its first step")
	}
	if got := f.s.Visible(3); got != 2 {
		t.Errorf("Visible(3) = %d, want 2", got)
	}
}

func TestStepFields(t *testing.T) {
	f := newFake(0)
	f.handshakeAndClose(1, true)
	long := make([]byte, 200)
	for i := range long {
		long[i] = 'x'
	}
	f.seg(2, fsm.Client, fsm.ACK, 200, string(long), nil, []fsm.Reason{fsm.NoteJoinedLate}, false)
	tests := []struct {
		i       int
		flags   fsm.Flags
		changes int
		notes   int
		payload int
		timer   bool
	}{
		{0, fsm.SYN, 2, 0, 0, false},
		{3, fsm.PSH | fsm.ACK, 0, 0, 5, false},
		{4, fsm.PSH | fsm.ACK, 0, 1, 5, false},
		{8, fsm.ACK, 1, 0, 0, false},
		{9, 0, 1, 0, 0, true},
		{10, fsm.ACK, 0, 1, PreviewLen, false},
	}
	for _, tt := range tests {
		st, ok := f.s.Step(tt.i)
		if !ok {
			t.Fatalf("step %d missing", tt.i)
		}
		if st.Index != tt.i || st.Flags != tt.flags || len(st.Changes) != tt.changes || len(st.Notes) != tt.notes || len(st.Payload) != tt.payload || st.Timer() != tt.timer {
			t.Errorf("step %d = %+v; want flags %v, %d changes, %d notes, %d payload bytes, timer %v",
				tt.i, st, tt.flags, tt.changes, tt.notes, tt.payload, tt.timer)
		}
	}
}

func TestBoundedMemory(t *testing.T) {
	f := newFake(chunkSize) // keep one chunk
	// 1000 short connections of 9 steps + a timer each: 10000 steps.
	for id := uint64(1); id <= 1000; id++ {
		f.handshakeAndClose(id, true)
	}
	// One long connection still open at the end, started early.
	info := f.s.Info()
	if info.Steps != 10000 {
		t.Fatalf("Steps = %d, want 10000", info.Steps)
	}
	if info.First == 0 || info.Steps-info.First > 2*chunkSize {
		t.Errorf("kept steps [%d,%d): not bounded by %d", info.First, info.Steps, 2*chunkSize)
	}
	if info.Dropped != info.First {
		t.Errorf("Dropped = %d, want %d", info.Dropped, info.First)
	}
	if _, ok := f.s.Step(info.First - 1); ok {
		t.Errorf("dropped step %d still readable", info.First-1)
	}
	// Connections whose steps were all dropped and that ended are gone.
	if info.Conns >= 1000 || info.Conns == 0 {
		t.Errorf("Conns = %d, want fewer than 1000 and some", info.Conns)
	}
	last := info.Steps - 1
	if got := f.s.Visible(last); got != info.Conns {
		t.Errorf("Visible(last) = %d, want %d", got, info.Conns)
	}
	r, ok := f.s.RowAt(info.Conns-1, last)
	if !ok || r.ID != 1000 || r.States != [2]fsm.State{fsm.Closed, fsm.Closed} {
		t.Errorf("newest row = %+v, %v", r, ok)
	}
	// Stepping back stops at the oldest kept step.
	c := NewCursor(f.s, true)
	c.Home()
	if got := c.Pos(); got != info.First {
		t.Errorf("Home = %d, want %d", got, info.First)
	}
	if c.Back() {
		t.Errorf("Back from the oldest kept step moved")
	}
}

func TestCursor(t *testing.T) {
	f := newFake(0)
	C, S := fsm.Client, fsm.Server
	// Conn 1 and 2 interleaved: steps 0(1) 1(2) 2(1) 3(2) 4(1)
	for i := 0; i < 5; i++ {
		id := uint64(1 + i%2)
		f.seg(id, []fsm.Role{C, S}[i/2%2], fsm.ACK, 1, "a", nil, nil, false)
	}
	c := NewCursor(f.s, false)
	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"start", func() {}, 0},
		{"forward", func() { c.Forward() }, 1},
		{"focus 1 goes back to its step", func() { c.Focus(1) }, 0},
		{"forward in focus skips conn 2", func() { c.Forward() }, 2},
		{"forward again", func() { c.Forward() }, 4},
		{"forward at end stays", func() { c.Forward() }, 4},
		{"back", func() { c.Back() }, 2},
		{"unfocus", func() { c.Focus(0) }, 2},
		{"back unfocused", func() { c.Back() }, 1},
		{"end", func() { c.End(false) }, 4},
		{"home", func() { c.Home() }, 0},
		{"follow", func() { c.SetFollow(true) }, 4},
		{"follow tracks growth", func() { f.seg(2, C, fsm.ACK, 0, "", nil, nil, false) }, 5},
		{"back leaves follow", func() { c.Back() }, 4},
		{"growth does not move", func() { f.seg(2, C, fsm.ACK, 0, "", nil, nil, false) }, 4},
		{"focus 2 follow", func() { c.Focus(2); c.End(true) }, 6},
		{"seek", func() { c.Focus(0); c.Seek(3) }, 3},
		{"seek beyond", func() { c.Seek(100) }, 6},
	}
	for _, st := range steps {
		st.do()
		if got := c.Pos(); got != st.want {
			t.Fatalf("%s: Pos = %d, want %d", st.name, got, st.want)
		}
	}
}

func TestConnFilter(t *testing.T) {
	a := netip.MustParseAddrPort("192.168.1.10:51234")
	b := netip.MustParseAddrPort("10.0.0.2:8080")
	v6 := netip.MustParseAddrPort("[::1]:7788")
	tests := []struct {
		expr string
		a, b netip.AddrPort
		want bool
	}{
		{"", a, b, true},
		{"8080", a, b, true},
		{":8080", a, b, true},
		{"80", a, b, false},
		{"51234", a, b, true},
		{"10.0.0.2", a, b, true},
		{"10.0.0", a, b, true},
		{"192.168.", a, b, true},
		{"10.0.0.2:8080", a, b, true},
		{"10.0.0.2:80", a, b, false},
		{"172.16.", a, b, false},
		{"8080 192.168.1.10", a, b, true},
		{"8080 172.16.", a, b, false},
		{"::1", a, v6, true},
		{"7788", v6, b, true},
		{"[::1]:7788", v6, b, true},
		{"[red]", a, b, false},
	}
	for _, tt := range tests {
		if got := ParseConnFilter(tt.expr).Match(tt.a, tt.b); got != tt.want {
			t.Errorf("ParseConnFilter(%q).Match(%v, %v) = %v, want %v", tt.expr, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMatchAfter(t *testing.T) {
	f := newFake(0)
	for id := uint64(1); id <= 5; id++ {
		f.seg(id, fsm.Client, fsm.SYN, 0, "", nil, nil, false)
	}
	got, last := f.s.Match(ParseConnFilter("40002"), 0)
	if !reflect.DeepEqual(got, []uint64{2}) || last != 5 {
		t.Errorf("Match port 40002 = %v, %d; want [2], 5", got, last)
	}
	got, last = f.s.Match(ParseConnFilter("80"), 3)
	if !reflect.DeepEqual(got, []uint64{4, 5}) || last != 5 {
		t.Errorf("Match port 80 after 3 = %v, %d", got, last)
	}
	got, last = f.s.Match(ParseConnFilter("80"), 5)
	if got != nil || last != 5 {
		t.Errorf("Match after the last = %v, %d", got, last)
	}
}
