package session

import (
	"time"

	"github.com/synfin/synfin/fsm"
)

// Step is one observed segment (or one timer firing) and what it did, kept
// for playback: stepping back to a Step shows exactly what arriving there
// forward showed.
type Step struct {
	Index  int       // 0-based position in the session
	Packet uint64    // packet number in the source; 0 for a timer step
	Time   time.Time // capture time
	ConnID uint64

	From           fsm.Role // sender
	Flags          fsm.Flags
	Seq, Ack       uint32 // relative to the sender's / receiver's ISN
	RawSeq, RawAck uint32
	Len            uint32
	Window         uint16
	Options        fsm.Options
	Payload        []byte // preview: at most PreviewLen bytes, copied

	States  [2]fsm.State     // both endpoints after this step, [fsm.Client], [fsm.Server]
	Changes []fsm.Transition // state changes this step caused
	Notes   []fsm.Reason     // annotations this step caused
	// Revisions are the earlier beliefs this step showed wrong (observer
	// v2): the UI says so in words when it reaches this step.
	Revisions []fsm.Revision
	// ChangesAt says where Changes are in the connection's history: 1 +
	// the ordinal of Changes[0] (its index in the Transitions of ConnAt,
	// as of this step or later), Changes[k] being that ordinal + k. 0 when
	// not known: a step read alone (Session.Step), or made by hand. Set by
	// ConnSteps.
	ChangesAt int

	// Side is set on a step that records what a segment of another
	// connection did to this one (a new SYN on the 4-tuple of a connection
	// in TIME_WAIT): Packet is that segment's number, and the segment
	// fields (From, Flags, Seq...) are not this connection's.
	Side bool
}

// PreviewLen bounds the payload bytes a Step keeps.
const PreviewLen = 64

// Timer reports whether the step is a timer firing, not a segment.
func (s *Step) Timer() bool { return s.Packet == 0 }
