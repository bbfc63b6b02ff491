package session

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// TestStepRoundTrip stores steps with every field set and reads them back:
// the compact record must lose nothing. If Step or fsm.Options gains a
// field, extend stepRec (store, stepLocked) and this test.
func TestStepRoundTrip(t *testing.T) {
	// ChangesAt is not a step's own: ConnSteps sets it from the
	// connection (TestChangesAt).
	if n := reflect.TypeOf(Step{}).NumField(); n != 20 {
		t.Errorf("Step has %d fields, this test and stepRec know 20", n)
	}
	if n := reflect.TypeOf(fsm.Options{}).NumField(); n != 7 {
		t.Errorf("fsm.Options has %d fields, stepRec knows 7", n)
	}
	if n := reflect.TypeOf(fsm.Transition{}).NumField(); n != 8 {
		t.Errorf("fsm.Transition has %d fields, copyTr knows 8", n)
	}
	s := New(Config{})
	tm := time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.UTC)
	want := []Step{
		{Index: 0, Packet: 1 << 40, Time: tm, ConnID: 1<<33 + 5, From: fsm.Server, Flags: fsm.SYN | fsm.ACK | fsm.ECE,
			Seq: 1, Ack: 1<<32 - 1, RawSeq: 123, RawAck: 4567, Len: 1 << 31, Window: 65535,
			Options: fsm.Options{MSS: 1460, WScale: 14, SACKPerm: true, Timestamp: true, TSval: 7, TSecr: 1<<32 - 2, TFOCookie: true},
			Payload: []byte("0123456789012345678901234567890123456789012345678901234567890123"),
			States:  [2]fsm.State{fsm.Established, fsm.SynRecv},
			Changes: []fsm.Transition{
				{Packet: 1 << 40, Time: tm, Endpoint: fsm.Server, From: fsm.Listen, To: fsm.SynRecv, Reason: fsm.ReasonSynAckSent, Confidence: fsm.Inferred},
				{Packet: 1 << 40, Time: tm, Endpoint: fsm.Client, From: fsm.SynSent, To: fsm.Established, Reason: fsm.ReasonSynAckReceived},
			},
			Notes:     []fsm.Reason{fsm.NoteRetransmit, fsm.NoteJoinedLate},
			Revisions: []fsm.Revision{{Packet: 3, Endpoint: fsm.Client, Believed: []fsm.State{fsm.SynSent}, CorrectedBy: 9, Reason: fsm.ReasonRefused}},
		},
		{Index: 1, Time: tm.Add(time.Minute), ConnID: 2, Side: true, From: fsm.Client, States: [2]fsm.State{fsm.Closed, fsm.TimeWait},
			Options: fsm.Options{WScale: -1}},
		{Index: 2, Packet: 7, Time: tm.Add(-time.Hour), ConnID: 3, Payload: []byte{0}, Options: fsm.Options{WScale: -1}},
	}
	for i := range want {
		b := s.begin()
		*b = want[i]
		s.store(b, false)
	}
	for i, w := range want {
		got, ok := s.Step(i)
		if !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

// TestKeep bounds a session by capture time (--keep 10s) and by steps
// (--keep 5000), and checks the drop reason the status bar shows.
func TestKeep(t *testing.T) {
	f := &fakeTracker{s: New(Config{KeepFor: 10 * time.Second, Keep: "10s"}), conns: map[uint64]*fsm.Conn{}}
	// 1 ms a packet: 20000 steps last 20 s; only blocks entirely older
	// than 10 s before the newest step go.
	for id := uint64(1); id <= 2000; id++ {
		f.handshakeAndClose(id, false)
		f.seg(id, fsm.Client, fsm.ACK, 0, "", nil, nil, false)
	}
	info := f.s.Info()
	newest, _ := f.s.Step(info.Steps - 1)
	oldest, _ := f.s.Step(info.First)
	if info.First == 0 || info.DropWhy != DropKeep || info.Keep != "10s" {
		t.Fatalf("info = %+v, want steps dropped for --keep 10s", info)
	}
	// Checked when a block fills: up to two blocks (of 4.096 s here)
	// more than 10 s, never less than 10 s less one block.
	block := chunkSize * time.Millisecond
	if span := newest.Time.Sub(oldest.Time); span > 10*time.Second+2*block || span < 10*time.Second-block {
		t.Errorf("kept %v of capture time, want 10 s, give or take blocks of %v", span, block)
	}

	f = &fakeTracker{s: New(Config{MaxSteps: 5000, Keep: "5000"}), conns: map[uint64]*fsm.Conn{}}
	for id := uint64(1); id <= 2000; id++ {
		f.handshakeAndClose(id, false)
	}
	if info := f.s.Info(); info.DropWhy != DropKeep || info.Steps-info.First > 2*chunkSize || info.First == 0 {
		t.Errorf("info = %+v, want at most %d steps kept for --keep 5000", info, 2*chunkSize)
	}
	f = newFake(5000)
	for id := uint64(1); id <= 2000; id++ {
		f.handshakeAndClose(id, false)
	}
	if info := f.s.Info(); info.DropWhy != DropMemory {
		t.Errorf("DropWhy = %v without --keep, want DropMemory", info.DropWhy)
	}
	if info := newFake(0).s.Info(); info.DropWhy != DropNone {
		t.Errorf("DropWhy = %v of an empty session, want DropNone", info.DropWhy)
	}
}

// TestIDFieldsRoundTrip: a connection's addresses and first time read
// back exactly as the tracker had them, compact (IPv4, IPv6, none) or
// not (a zone, a 4-in-6 address or :: which read like IPv4 or none, a
// location other than the session's, a monotonic reading, the zero time).
func TestIDFieldsRoundTrip(t *testing.T) {
	tm := time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.UTC)
	other := time.FixedZone("X", 3600)
	for i, c := range []struct {
		client, server string
		first          time.Time
		wide           bool
	}{
		{"10.0.0.1:1234", "10.0.0.2:80", tm, false},
		{"[2001:db8::1]:1234", "[::1]:80", tm, false},
		{"", "", tm, false},
		{"[fe80::1%eth0]:1234", "[fe80::2%eth0]:80", tm, true},
		{"[::ffff:10.0.0.1]:1234", "10.0.0.2:80", tm, true},
		{"[::]:1234", "10.0.0.2:80", tm, true},
		{"10.0.0.1:1234", "10.0.0.2:80", tm.In(other), true},
		{"10.0.0.1:1234", "10.0.0.2:80", time.Now(), true},
		{"10.0.0.1:1234", "10.0.0.2:80", time.Time{}, true},
	} {
		s := New(Config{})
		s.loc = time.UTC
		var conn fsm.Conn
		if c.client != "" {
			conn.Client, conn.Server = netip.MustParseAddrPort(c.client), netip.MustParseAddrPort(c.server)
		}
		conn.FirstTime = c.first
		var fz connCopy
		s.setIDFields(&fz, &conn)
		if fz.client() != conn.Client || fz.server() != conn.Server || s.firstTime(&fz) != conn.FirstTime {
			t.Errorf("%d: read back %v %v %v, want %v %v %v", i, fz.client(), fz.server(), s.firstTime(&fz),
				conn.Client, conn.Server, conn.FirstTime)
		}
		if wide := fz.rare != nil && fz.rare.wide; wide != c.wide {
			t.Errorf("%d: kept apart %v, want %v", i, wide, c.wide)
		}
	}
}

// TestTimeRoundTrip: step times kept as 32 bits after their block's base
// read back exactly across blocks and chunks, including the deltas that
// just fit and just do not, a slow stretch and times going back.
func TestTimeRoundTrip(t *testing.T) {
	s := New(Config{})
	tm := time.Date(2026, 11, 30, 9, 0, 0, 1, time.UTC)
	var want []time.Time
	for i := 0; i < 2*chunkSize+100; i++ {
		switch {
		case i%tBlock == 1:
			tm = tm.Add(1<<32 - 1 - 1) // with the 1 ns below, the most that fits
		case i%tBlock == 2:
			// with the 1 ns below, 1<<32 from the base: does not fit
		case i%97 == 0:
			tm = tm.Add(-time.Second)
		case i > chunkSize && i < chunkSize+300:
			tm = tm.Add(3 * time.Second) // a slow stretch
		}
		tm = tm.Add(time.Nanosecond)
		want = append(want, tm)
		b := s.begin()
		*b = Step{Index: i, Time: tm, ConnID: 1}
		s.store(b, false)
	}
	for i, w := range want {
		got, ok := s.Step(i)
		if !ok || !got.Time.Equal(w) || got.Time.Location() != w.Location() {
			t.Fatalf("step %d: time %v, want %v", i, got.Time, w)
		}
	}
}
