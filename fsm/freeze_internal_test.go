package fsm

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestFreezeKnowsEveryField fails when a type a record holds gains or
// loses a field: encode and decode (record.go) must then learn it, or a
// thawed connection would lose it. TestFreezeRoundTrip only notices a
// new field the test streams happen to set.
func TestFreezeKnowsEveryField(t *testing.T) {
	known := map[string]string{
		"Conn": "ID Client Server VLAN JoinedLate State done lastFrom FirstPacket LastPacket FirstTime LastTime " +
			"Packets Bytes Transitions Revisions Notes ep zeek twUntil closedAt prev probes rtt slot touched",
		"endpoint": "seen synSeen synAckSent isnKnown isnReal nxtValid ackValid finSent finTaken finGap finHasAck " +
			"wscale wrapped contigValid tsValid dupNoted closeAssumed finMaybe closeMaybe iss nxt acked finSeq finAck " +
			"synLen window contig tsRecent ooo recent nrecent synTime finTime lastPkt",
		"segSig":       "seq ack len tsval flags ts",
		"seqRange":     "start end",
		"zeekState":    "ep seen history flipped partial started",
		"zEndpoint":    "state prev startSeq lastSeq histLastSYN histLastFIN histLastRST rxmt rxmtNext win0 win0Next gap gapNext finCnt finSeq reasm",
		"zReassembler": "lastReassem trimSeq blocks skip",
		"zBlock":       "seq upper",
		"Transition":   "Packet Time Endpoint From To Confidence Reason WithdrawnBy",
		"Revision":     "Packet Endpoint Believed Withdrawn CorrectedBy Reason",
		"Note":         "Packet Endpoint Reason",
	}
	for _, v := range []any{Conn{}, endpoint{}, segSig{}, seqRange{}, zeekState{}, zEndpoint{}, zReassembler{}, zBlock{}, Transition{}, Revision{}, Note{}} {
		ty := reflect.TypeOf(v)
		var got []string
		for i := 0; i < ty.NumField(); i++ {
			got = append(got, ty.Field(i).Name)
		}
		if want := strings.Fields(known[ty.Name()]); !slices.Equal(got, want) {
			t.Errorf("%s's fields are now %v, record.go knows %v: teach encode and decode the change, then this list", ty.Name(), got, want)
		}
	}
	// The types of the fields encode packs by hand (State, Role, ...) in
	// so many bits: a wider type needs a wider packing.
	for _, v := range []any{State(0), Role(0), Confidence(0), Flags(0), zState(0)} {
		if s := reflect.TypeOf(v).Size(); s != 1 {
			t.Errorf("%T is %d bytes: encode packs it in one", v, s)
		}
	}
}
