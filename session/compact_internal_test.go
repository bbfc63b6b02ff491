package session

import (
	"reflect"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// TestStepRoundTrip stores steps with every field set and reads them back:
// the compact record must lose nothing. If Step or fsm.Options gains a
// field, extend stepRec (store, stepLocked) and this test.
func TestStepRoundTrip(t *testing.T) {
	if n := reflect.TypeOf(Step{}).NumField(); n != 19 {
		t.Errorf("Step has %d fields, this test and stepRec know 19", n)
	}
	if n := reflect.TypeOf(fsm.Options{}).NumField(); n != 7 {
		t.Errorf("fsm.Options has %d fields, stepRec knows 7", n)
	}
	if n := reflect.TypeOf(fsm.Transition{}).NumField(); n != 8 {
		t.Errorf("fsm.Transition has %d fields, frozenTr knows 8", n)
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
		s.store(b)
	}
	for i, w := range want {
		got, ok := s.Step(i)
		if !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}
