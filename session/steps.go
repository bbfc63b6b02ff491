package session

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/synfin/synfin/fsm"
)

// A step, compact: its record in a chunk of chunkSize, its changes and
// notes, and the packet fields re-read from the file or kept in memory.

// stepRec is a Step in 36 bytes instead of 208 (plus its slices): its
// changes and notes are dets in its chunk, its revisions (rare) in the
// chunk's map, and the fields of its packet that nothing but the detail
// pane reads (raw numbers, window, options, payload preview) either in
// the capture file, re-read on demand (recFile: the chunk's offs), or in
// the chunk's pk (recPkt).
type stepRec struct {
	t             uint32 // ns after its block's base time (chunk.tb); with recT64, an index in chunk.ts
	pkt           uint32 // Packet - chunk.pktBase + 1, 0 for none; with recWide, an index in chunk.wide
	conn          uint32 // ConnID, unless recWide
	seq, ack, len uint32
	det           uint32 // offset of the first det in the chunk
	ndet          uint16
	states        [2]fsm.State
	flags         fsm.Flags
	bits          uint8 // recServer | recSide | recSeg | recPkt | recFile
	dhist         uint8 // growth of the connection's history at a segment's own step
	check         uint8 // of the packet fields, to tell a re-read packet is the same (recFile)
}

const (
	recServer = 1 << iota // From is fsm.Server
	recSide               // Side
	recSeg                // the segment's own step (the connection's counters moved)
	recPkt                // packet fields in the chunk's pk
	recFile               // packet fields in the capture file, at the chunk's offs
	recWide               // Packet and ConnID in the chunk's wide
	recT64                // the time in the chunk's ts
)

// tBlock steps of a chunk share a base time (chunk.tb, the first one's):
// a step's time is 32 bits of nanoseconds after it (4.29 s), or, when it
// does not fit (a slow capture, a time going back), whole in chunk.ts.
const tBlock = 64

// setT stores time t (Unix ns) of rec, at pos in ch.
func (ch *chunk) setT(rec *stepRec, pos int, t int64) {
	b := pos / tBlock
	if b == len(ch.tb) {
		ch.tb = append(ch.tb, t)
	}
	if d := t - ch.tb[b]; d >= 0 && d <= math.MaxUint32 {
		rec.t = uint32(d)
		return
	}
	rec.bits |= recT64
	rec.t = uint32(len(ch.ts))
	ch.ts = append(ch.ts, t)
}

// tOf returns the time (Unix ns, in the session's location) of rec, at
// pos in ch.
func (ch *chunk) tOf(rec *stepRec, pos int) int64 {
	if rec.bits&recT64 != 0 {
		return ch.ts[rec.t]
	}
	return ch.tb[pos/tBlock] + int64(rec.t)
}

// tAt returns the time of step i, kept (Unix ns).
func (s *Session) tAt(i int) int64 {
	rec, ch := s.recLocked(i)
	return ch.tOf(rec, (i-s.base)%chunkSize)
}

// wide holds the packet number and connection of a step when they do not
// fit its record's 32 bits.
type wide struct{ packet, conn uint64 }

// packetOf returns the Packet of rec, a record of ch.
func (ch *chunk) packetOf(rec *stepRec) uint64 {
	switch {
	case rec.bits&recWide != 0:
		return ch.wide[rec.pkt].packet
	case rec.pkt == 0:
		return 0
	}
	return ch.pktBase + uint64(rec.pkt) - 1
}

// connOf returns the ConnID of rec, a record of ch.
func (ch *chunk) connOf(rec *stepRec) uint64 {
	if rec.bits&recWide != 0 {
		return ch.wide[rec.pkt].conn
	}
	return uint64(rec.conn)
}

// setIDs stores the packet number and connection of rec.
func (ch *chunk) setIDs(rec *stepRec, packet, conn uint64) {
	if packet != 0 && ch.pktBase == 0 {
		ch.pktBase = packet
	}
	switch {
	case conn > math.MaxUint32 || packet != 0 && (packet < ch.pktBase || packet-ch.pktBase >= math.MaxUint32):
		rec.bits |= recWide
		rec.pkt = uint32(len(ch.wide))
		ch.wide = append(ch.wide, wide{packet, conn})
	case packet != 0:
		rec.pkt, rec.conn = uint32(packet-ch.pktBase+1), uint32(conn)
	default:
		rec.conn = uint32(conn)
	}
}

// pktRec holds the packet fields of a step in memory, when the source
// cannot re-read them (pipes, gzip files, live capture).
type pktRec struct {
	rawSeq, rawAck uint32
	tsval, tsecr   uint32
	pay            uint32 // 1 + offset of the preview (a length byte, then the bytes) in the arena; 0: none
	mss, window    uint16
	wscale         int8
	opts           uint8 // optSACKPerm | optTimestamp | optTFOCookie
}

const (
	optSACKPerm  = 1 << iota // Options.SACKPerm
	optTimestamp             // Options.Timestamp
	optTFOCookie             // Options.TFOCookie
)

// det is one change or note of a step.
type det struct {
	note     bool
	ep       fsm.Role
	from, to fsm.State
	conf     fsm.Confidence
	reason   uint16
}

// chunk holds chunkSize steps and what they point to: dropping the chunk
// frees all of it.
type chunk struct {
	recs    []stepRec
	dets    []det
	arena   []byte
	revs    map[int][]fsm.Revision // by step Index
	pk      []pktRec               // by position in the chunk, allocated at the first recPkt step
	offs    []uint32               // by position: file offset - offBase, at the first recFile step
	offBase int64
	pktBase uint64  // the first non-zero Packet in the chunk
	wide    []wide  // for recWide
	tb      []int64 // base time of each tBlock steps
	ts      []int64 // for recT64
}

// setOff records that the packet of the step at pos is at off in the
// file, or reports false if off does not fit beside the chunk's others
// (more than 4 GB apart).
func (ch *chunk) setOff(pos int, off int64) bool {
	if ch.offs == nil {
		ch.offs = make([]uint32, chunkSize)
		ch.offBase = off
	}
	d := off - ch.offBase
	if d < 0 || d > math.MaxUint32 {
		return false
	}
	ch.offs[pos] = uint32(d)
	return true
}

// checkOf condenses the packet fields of st to a byte, kept beside a
// step whose packet is re-read from the file: a packet read back with
// another value was not the one recorded (the file changed).
func checkOf(st *Step) uint8 {
	o := &st.Options
	h := st.RawSeq*0x9e3779b1 ^ st.RawAck*0x85ebca77 ^ uint32(st.Window)<<16 ^ uint32(o.MSS) ^
		o.TSval*0xc2b2ae3d ^ o.TSecr*0x27d4eb2f ^ uint32(uint8(o.WScale))<<8
	for _, b := range st.Payload[:min(len(st.Payload), PreviewLen)] {
		h = h*31 + uint32(b)
	}
	if o.SACKPerm {
		h ^= 1 << 24
	}
	if o.Timestamp {
		h ^= 1 << 25
	}
	if o.TFOCookie {
		h ^= 1 << 26
	}
	h ^= h >> 16
	return uint8(h ^ h>>8)
}

// recLocked returns step i's record and chunk, or nil.
func (s *Session) recLocked(i int) (*stepRec, *chunk) {
	if i < s.base || i >= s.n {
		return nil, nil
	}
	off := i - s.base
	ch := s.chunks[off/chunkSize]
	return &ch.recs[off%chunkSize], ch
}

// stepLocked rebuilds step i from its record, or reports false.
func (s *Session) stepLocked(i int) (Step, bool) {
	rec, ch := s.recLocked(i)
	if rec == nil {
		return Step{}, false
	}
	st := Step{
		Index: i, Packet: ch.packetOf(rec), Time: time.Unix(0, ch.tOf(rec, (i-s.base)%chunkSize)).In(s.loc), ConnID: ch.connOf(rec),
		Flags: rec.flags, Seq: rec.seq, Ack: rec.ack, Len: rec.len,
		States: rec.states, Side: rec.bits&recSide != 0,
	}
	if rec.bits&recServer != 0 {
		st.From = fsm.Server
	}
	pos := (i - s.base) % chunkSize
	switch {
	case rec.bits&recPkt != 0:
		pk := &ch.pk[pos]
		st.RawSeq, st.RawAck, st.Window = pk.rawSeq, pk.rawAck, pk.window
		st.Options = fsm.Options{MSS: pk.mss, WScale: pk.wscale, TSval: pk.tsval, TSecr: pk.tsecr,
			SACKPerm: pk.opts&optSACKPerm != 0, Timestamp: pk.opts&optTimestamp != 0, TFOCookie: pk.opts&optTFOCookie != 0}
		if pk.pay != 0 {
			off := int(pk.pay - 1)
			n := int(ch.arena[off])
			st.Payload = ch.arena[off+1 : off+1+n : off+1+n]
		}
	case rec.bits&recFile != 0:
		s.reread(&st, rec, ch.offBase+int64(ch.offs[pos]), st.Packet)
	}
	for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
		if d.note {
			st.Notes = append(st.Notes, s.reasons[d.reason])
			continue
		}
		st.Changes = append(st.Changes, fsm.Transition{Packet: st.Packet, Time: st.Time, Endpoint: d.ep,
			From: d.from, To: d.to, Reason: s.reasons[d.reason], Confidence: d.conf})
	}
	if rv, ok := ch.revs[i]; ok {
		st.Revisions = rv
	}
	return st, true
}

// reread fills the packet fields of st from the source, at off. If the
// packet cannot be read again, or is not the one recorded (the file
// changed), they stay zero and Info.Reread says why.
func (s *Session) reread(st *Step, rec *stepRec, off int64, packet uint64) {
	var seg fsm.Segment
	err := s.rr.Reread(off, &seg)
	if err == nil {
		got := Step{RawSeq: uint32(seg.Seq), RawAck: uint32(seg.Ack), Window: seg.Window, Options: seg.Options}
		if p := seg.Payload; len(p) > 0 {
			got.Payload = slices.Clip(p[:min(len(p), PreviewLen)])
		}
		if seg.Len == rec.len && seg.Flags == rec.flags && checkOf(&got) == rec.check {
			st.RawSeq, st.RawAck, st.Window, st.Options, st.Payload = got.RawSeq, got.RawAck, got.Window, got.Options, got.Payload
			return
		}
		err = errors.New("the file changed since it was read")
	}
	s.rrMu.Lock()
	if s.rrErr == nil {
		s.rrErr = fmt.Errorf("packet %d: %w", packet, err)
	}
	s.rrMu.Unlock()
}

// Step returns step i. Its slices are shared and must not be modified.
func (s *Session) Step(i int) (Step, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.stepLocked(i)
}
