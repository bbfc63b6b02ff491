package lab

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Dir is a direction through the relay.
type Dir uint8

// The two directions.
const (
	ToServer Dir = iota // client → server
	ToClient            // server → client
)

func (d Dir) String() string {
	if d == ToServer {
		return "client→server"
	}
	return "server→client"
}

// What selects segments. Every set field must hold.
type What struct {
	Dir     Dir
	Flags   fsm.Flags // these flags set (SYN|ACK: a SYN-ACK)
	Not     fsm.Flags // and these not set
	Data    bool      // carries payload
	NoData  bool      // carries no payload
	AcksFIN bool      // acknowledges the FIN the other direction sent
}

func (w What) String() string {
	var p []string
	if w.Flags != 0 {
		p = append(p, w.Flags.String())
	}
	if w.Not != 0 {
		p = append(p, "not "+w.Not.String())
	}
	if w.Data {
		p = append(p, "with data")
	}
	if w.NoData {
		p = append(p, "no data")
	}
	if w.AcksFIN {
		p = append(p, "acking the peer's FIN")
	}
	if len(p) == 0 {
		p = append(p, "any segment")
	}
	return strings.Join(p, ", ") + " " + w.Dir.String()
}

// Action is what the relay does with a matching segment.
type Action uint8

// Actions.
const (
	Drop      Action = iota + 1
	Duplicate        // send it twice, back to back (a network duplicate: same TSval)
	Delay            // hold it for Rule.Delay; later segments overtake it
	OldTSval         // rewrite its TSval to Rule.TSBack ticks in the past (PAWS)
	Replay           // pass it, and send a copy Rule.Delay later with its seq moved by Rule.SeqShift
)

func (a Action) String() string {
	return [...]string{"?", "drop", "duplicate", "delay", "rewrite TSval back", "replay"}[a]
}

// Rule is one deterministic impairment: the Nth segment matching What
// (every one when Nth is 0) gets Action.
type Rule struct {
	What   What
	Nth    int
	Action Action
	Delay  time.Duration // for Delay
	TSBack uint32        // for OldTSval
	// SeqShift moves the replayed copy's sequence number (Replay): a SYN
	// replayed with another ISN is a new connection attempt on the same
	// 4-tuple, as a host that rebooted would send.
	SeqShift uint32
}

func (r Rule) String() string {
	which := "every"
	if r.Nth > 0 {
		which = "the " + ordinal(r.Nth)
	}
	s := fmt.Sprintf("%s %s %s", r.Action, which, r.What)
	switch r.Action {
	case Delay:
		s += fmt.Sprintf(" by %v", r.Delay)
	case OldTSval:
		s += fmt.Sprintf(" by %d", r.TSBack)
	case Replay:
		s += fmt.Sprintf(" %v later, seq %+d", r.Delay, int32(r.SeqShift))
	}
	return s
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return fmt.Sprintf("%dth", n)
}

// Lossy is the random mode: each segment is dropped, duplicated or
// delayed with these probabilities, from a seeded generator, so the same
// seed makes the same decisions for the same sequence of segments.
type Lossy struct {
	Seed             int64
	Drop, Dup, Delay float64
	MaxDelay         time.Duration
}

// decision is what the relay does with one frame.
type decision struct {
	drop   bool
	copies int // 1, or 2 for a duplicate
	delay  time.Duration
	tsBack uint32
	replay []Rule // copies to send later
	why    []string
}

// rules is the relay's rule state: counters per rule and the end of each
// direction's FIN (for AcksFIN). Not safe for concurrent use.
type rules struct {
	list   []Rule
	count  []int
	finEnd [2]uint32
	finSet [2]bool
	lossy  *Lossy
	rnd    *rand.Rand
}

func newRules(list []Rule, lossy *Lossy) *rules {
	r := &rules{list: list, count: make([]int, len(list)), lossy: lossy}
	if lossy != nil {
		r.rnd = rand.New(rand.NewSource(lossy.Seed))
	}
	return r
}

func (w What) matches(d Dir, f *frame, r *rules) bool {
	if w.Dir != d || !f.flags.Has(w.Flags) || f.flags&w.Not != 0 {
		return false
	}
	if w.Data && f.payload == 0 || w.NoData && f.payload != 0 {
		return false
	}
	if w.AcksFIN {
		o := 1 - d
		if !r.finSet[o] || !f.flags.Has(fsm.ACK) || f.ack != r.finEnd[o] {
			return false
		}
	}
	return true
}

// decide returns what to do with frame f going in direction d.
func (r *rules) decide(d Dir, f *frame) decision {
	dec := decision{copies: 1}
	for i, rule := range r.list {
		if !rule.What.matches(d, f, r) {
			continue
		}
		r.count[i]++
		if rule.Nth != 0 && r.count[i] != rule.Nth {
			continue
		}
		dec.why = append(dec.why, rule.String())
		switch rule.Action {
		case Drop:
			dec.drop = true
		case Duplicate:
			dec.copies = 2
		case Delay:
			dec.delay = rule.Delay
		case OldTSval:
			dec.tsBack = rule.TSBack
		case Replay:
			dec.replay = append(dec.replay, rule)
		}
	}
	if l := r.lossy; l != nil {
		x := r.rnd.Float64()
		switch {
		case x < l.Drop:
			dec.drop = true
			dec.why = append(dec.why, "random drop")
		case x < l.Drop+l.Dup:
			dec.copies = 2
			dec.why = append(dec.why, "random duplicate")
		case x < l.Drop+l.Dup+l.Delay:
			dec.delay = time.Duration(r.rnd.Int63n(int64(l.MaxDelay)) + 1)
			dec.why = append(dec.why, "random delay")
		}
	}
	// A FIN that goes through (even late) is one the other side may ack.
	if f.flags.Has(fsm.FIN) && !dec.drop {
		r.finEnd[d] = f.seq + f.seqLen()
		r.finSet[d] = true
	}
	return dec
}
