package session

import (
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/fsm"
)

// DefaultMaxSteps is the number of steps a Session keeps when
// Config.MaxSteps is zero and its packet fields are in memory (live
// capture, Observe): about 300 MB of live heap for short connections (see
// the package doc). A session run with RunOptions.Reread on a capture
// file, or with RunOptions.Spill, has no such cap.
const DefaultMaxSteps = 2 << 20

// chunkSize is how many steps are allocated (and dropped) at once.
const chunkSize = 4096

// Config tunes a Session.
type Config struct {
	FSM fsm.Config
	// MaxSteps bounds the steps kept; older ones are dropped oldest-first.
	// Zero means DefaultMaxSteps, or no bound when the packet fields are
	// not in memory (RunOptions.Reread, Spill). It is rounded up to a
	// multiple of 4096.
	MaxSteps int
	// KeepFor, if positive, also drops steps older than KeepFor of capture
	// time before the newest step (synfin --keep 10m, for long live
	// demos), 4096 steps at a time: a dropped block is entirely older.
	KeepFor time.Duration
	// Keep says why steps are dropped, for the status bar: the flag's
	// value as typed ("--keep 100000"), or "" for the memory cap.
	Keep string
}

// DropReason says why a Session dropped its oldest steps.
type DropReason uint8

// Why steps were dropped (Info.DropWhy).
const (
	DropNone   DropReason = iota // nothing was dropped
	DropMemory                   // DefaultMaxSteps, the memory cap
	DropKeep                     // Config.MaxSteps or KeepFor as set by --keep (Info.Keep)
)

// Counts are the source's counters, for the status bar.
type Counts struct {
	Packets  uint64 // link-layer frames read
	Segments uint64 // TCP segments
	Skipped  uint64 // packets that were not TCP or could not be decoded
	Drops    uint64 // packets the kernel dropped (live capture)
	// WriteErr is why the -w file stopped being written (a full disk),
	// "" while it is written or when there is none; Saved is then how
	// many packets it holds. The capture goes on regardless.
	WriteErr string
	Saved    uint64
}

// Info describes the session as a whole.
type Info struct {
	Steps   int // steps ever recorded (the next step's Index)
	First   int // Index of the oldest kept step
	Dropped int // steps dropped to bound memory (== First)
	DropWhy DropReason
	Keep    string // Config.Keep: the --keep value that bounds the steps, if any
	Conns   int    // connections listed
	Open    int    // connections the tracker still follows
	Counts  Counts // from the source
	Done    bool   // the source ended (EOF or error)
	Err     error  // why the source stopped, if not EOF
	// Reread is why a packet could not be read again from the file (its
	// raw numbers, options and payload then show as zero), the first
	// time it happened; nil if it never did.
	Reread error
}

// Session records steps and connections. See the package doc for its
// goroutine rules.
type Session struct {
	mu      sync.RWMutex
	version atomic.Uint64

	tr        *fsm.Tracker
	max       int
	keepFor   int64 // Config.KeepFor in nanoseconds, 0: no bound by time
	keep      string
	keepSteps bool // max was set by --keep
	capSet    bool // max was set by Config.MaxSteps
	dropWhy   DropReason
	chunks    []*chunk // chunks[0].recs[0] has Index base
	base      int
	n         int
	order     []*connRec // by ID, which is also by first step; see conn
	counts    Counts
	done      bool
	err       error
	lastSeg   time.Time

	loc      *time.Location // of the capture's timestamps (the first step's)
	rr       packetStore    // the source, when it can re-read its packets, or the spill (Run)
	spill    *spill
	segOff   int64 // where the segment being recorded is in rr, or -1
	rrMu     sync.Mutex
	rrErr    error        // why a packet could not be read again, the first time
	reasons  []fsm.Reason // interned: dets and copied transitions hold indexes
	reasonID map[fsm.Reason]uint16
	hists    map[string]uint32 // index+1 in histTab (setHistory)
	histTab  []string          // interned short histories: appended, never changed
	build    Step              // the step being recorded
	// Of the step being recorded: the ordinals of its Changes, and the
	// events that change its connection's history without a change of
	// their own (confidences, revisions, notes), folded in at commit.
	ords []int
	pend []fsm.Event
	// onCommit, set by tests only, sees every entry as it is committed
	// (TestIndexDerived checks the index against them).
	onCommit func(id uint64, e ent)
}

// packetStore reads a segment's packet fields again, at an offset.
type packetStore interface {
	Reread(off int64, seg *fsm.Segment) error
}

// New returns an empty session.
func New(cfg Config) *Session {
	max := cfg.MaxSteps
	if max <= 0 {
		max = DefaultMaxSteps
	}
	max = (max + chunkSize - 1) / chunkSize * chunkSize
	return &Session{
		tr:        fsm.NewTracker(cfg.FSM),
		max:       max,
		keepFor:   int64(max0(int(cfg.KeepFor))),
		keep:      cfg.Keep,
		keepSteps: cfg.Keep != "" && cfg.MaxSteps > 0,
		capSet:    cfg.MaxSteps > 0,
		reasonID:  map[fsm.Reason]uint16{},
		segOff:    -1,
	}
}

// Version changes after every write; equal versions mean nothing changed.
func (s *Session) Version() uint64 { return s.version.Load() }

// Observe feeds one segment to the tracker and records the steps it
// caused. Only the writer goroutine may call it.
func (s *Session) Observe(seg fsm.Segment) { s.observe(seg, -1) }

// observe is Observe of a segment at off in the Rereader (-1: none).
func (s *Session) observe(seg fsm.Segment, off int64) {
	s.mu.Lock()
	evs := s.tr.Observe(seg)
	s.lastSeg = seg.Time
	s.segOff = off
	s.record(evs, &seg)
	s.segOff = -1
	s.mu.Unlock()
	s.version.Add(1)
}

// Advance fires the tracker's timers due at now and records a step per
// connection whose timer fired. Only the writer goroutine may call it.
func (s *Session) Advance(now time.Time) {
	s.mu.Lock()
	s.record(s.tr.Advance(now), nil)
	s.mu.Unlock()
	s.version.Add(1)
}

// Flush ends the input: connections still open stay in their last state
// (a capture that ends does not close them) and are marked ended.
func (s *Session) Flush() {
	s.mu.Lock()
	s.tr.FlushBatches(256, func(evs []fsm.Event) {
		// What the end shows (final notes, assumed transitions) is no
		// step: it is folded into the connections' copies.
		for i := range evs {
			ev := &evs[i]
			r := s.conn(ev.Conn.ID)
			if r == nil || !r.fz.live() {
				continue
			}
			switch ev.Kind {
			case fsm.KindTransition:
				s.addChanges(r, -1, []fsm.Transition{{Packet: ev.Packet, Time: ev.Time, Endpoint: ev.Endpoint,
					From: ev.Old, To: ev.New, Reason: ev.Reason, Confidence: ev.Confidence}}, []int{ev.Ordinal})
			case fsm.KindEnd:
				r.setEnded(s.n - 1)
				s.letGo(r, ev.Conn)
			default:
				s.fold(r, ev)
			}
		}
	})
	s.mu.Unlock()
	s.version.Add(1)
}

// SetCounts records the source's counters.
func (s *Session) SetCounts(c Counts) {
	s.mu.Lock()
	s.counts = c
	s.mu.Unlock()
	s.version.Add(1)
}

// finish marks the source as ended; err nil means EOF.
func (s *Session) finish(err error) {
	s.mu.Lock()
	s.done, s.err = true, err
	s.mu.Unlock()
	s.version.Add(1)
}

// record turns one batch of tracker events into steps. seg is the segment
// that caused them, nil for timer batches. Called with the write lock.
func (s *Session) record(evs []fsm.Event, seg *fsm.Segment) {
	var (
		cur   *Step     // step being filled
		curC  *fsm.Conn // its connection
		isSeg bool      // cur is the segment's own step
	)
	flush := func() {
		if cur != nil {
			s.commit(cur, curC, isSeg)
			cur, curC = nil, nil
		}
	}
	for i := range evs {
		ev := &evs[i]
		switch ev.Kind {
		case fsm.KindSegment:
			flush()
			cur = s.begin()
			curC, isSeg = ev.Conn, true
			cur.Packet, cur.Time, cur.ConnID = ev.Packet, ev.Time, ev.Conn.ID
			cur.From, cur.Flags, cur.Seq, cur.Ack, cur.Len = ev.From, ev.Flags, ev.Seq, ev.Ack, ev.Len
			cur.States = ev.States
			if seg != nil {
				cur.RawSeq, cur.RawAck = uint32(seg.Seq), uint32(seg.Ack)
				cur.Window, cur.Options = seg.Window, seg.Options
				cur.Payload = seg.Payload
			}
		case fsm.KindTransition, fsm.KindNote, fsm.KindRevision:
			segEvent := isSeg && ev.Conn == curC && ev.Packet == cur.Packet
			if !segEvent && (cur == nil || ev.Conn != curC || isSeg) {
				// A timer firing, or the segment's effect on another
				// connection (a new SYN superseding one in TIME_WAIT):
				// a step of its own.
				flush()
				cur = s.begin()
				curC, isSeg = ev.Conn, false
				cur.Packet, cur.Time, cur.ConnID = ev.Packet, ev.Time, ev.Conn.ID
				cur.From = ev.From
				if ev.Packet != 0 {
					cur.Side = true
				}
			}
			cur.States = ev.States
			switch ev.Kind {
			case fsm.KindTransition:
				cur.Changes = append(cur.Changes, fsm.Transition{
					Packet: ev.Packet, Time: ev.Time, Endpoint: ev.Endpoint,
					From: ev.Old, To: ev.New, Reason: ev.Reason, Confidence: ev.Confidence,
				})
				s.ords = append(s.ords, ev.Ordinal)
			case fsm.KindRevision:
				if ev.Revision != nil {
					rv := *ev.Revision
					rv.Believed = append([]fsm.State(nil), rv.Believed...)
					rv.Withdrawn = append([]int(nil), rv.Withdrawn...)
					cur.Revisions = append(cur.Revisions, rv)
					s.pend = append(s.pend, *ev)
				}
			default:
				cur.Notes = append(cur.Notes, ev.Reason)
				s.pend = append(s.pend, *ev)
			}
		case fsm.KindConfidence:
			// No step of its own: it changes an earlier transition. With
			// the step of its connection if one is being built (its
			// transition may be on it), else at once.
			if cur != nil && curC == ev.Conn {
				s.pend = append(s.pend, *ev)
			} else if r := s.conn(ev.Conn.ID); r != nil && r.fz.live() {
				s.fold(r, ev)
			}
		case fsm.KindEnd:
			if cur != nil && curC == ev.Conn {
				flush() // the step that ended it comes first
			}
			if r := s.conn(ev.Conn.ID); r != nil {
				r.setEnded(s.n - 1)
				s.letGo(r, ev.Conn)
			}
		}
	}
	flush()
}

// begin starts building the next step. The caller fills it and commits.
func (s *Session) begin() *Step {
	b := &s.build
	*b = Step{Index: s.n, Changes: b.Changes[:0], Notes: b.Notes[:0], Revisions: b.Revisions[:0]}
	s.ords, s.pend = s.ords[:0], s.pend[:0]
	return b
}

// store appends the built step st to the chunks, compact. Called by
// commit; isSeg is set for the segment's own step.
func (s *Session) store(st *Step, isSeg bool) {
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1].recs) == chunkSize {
		if s.n-s.base >= s.max {
			s.dropChunk(DropMemory)
		}
		// --keep 10m: blocks whose newest step is older than that.
		for s.keepFor > 0 && len(s.chunks) > 0 && st.Time.UnixNano()-s.chunks[0].tOf(&s.chunks[0].recs[chunkSize-1], chunkSize-1) > s.keepFor {
			s.dropChunk(DropKeep)
		}
		nc := &chunk{recs: make([]stepRec, 0, chunkSize), tb: make([]int64, 0, chunkSize/tBlock)}
		if k := len(s.chunks); k > 0 {
			// The changes and notes of a full chunk, without the room
			// append left (up to half of them); the next chunk's sized
			// like it, so that it seldom grows at all.
			last := s.chunks[k-1]
			n := len(last.dets)
			if cap(last.dets)-n > n/8 {
				last.dets = slices.Clone(last.dets)
			}
			nc.dets = make([]det, 0, n+n/8+16)
		}
		s.chunks = append(s.chunks, nc)
	}
	if s.loc == nil {
		s.loc = st.Time.Location()
	}
	ch := s.chunks[len(s.chunks)-1]
	pos := len(ch.recs)
	rec := stepRec{
		seq: st.Seq, ack: st.Ack, len: st.Len, flags: st.Flags,
		states: st.States, det: uint32(len(ch.dets)),
	}
	if st.From == fsm.Server {
		rec.bits |= recServer
	}
	if st.Side {
		rec.bits |= recSide
	}
	if isSeg {
		rec.bits |= recSeg
	}
	ch.setIDs(&rec, st.Packet, st.ConnID)
	ch.setT(&rec, pos, st.Time.UnixNano())
	switch {
	case isSeg && s.segOff >= 0 && ch.setOff(pos, s.segOff):
		rec.bits |= recFile
		rec.check = checkOf(st)
	case st.RawSeq != 0 || st.RawAck != 0 || st.Window != 0 || st.Options != (fsm.Options{}) || len(st.Payload) > 0:
		rec.bits |= recPkt
		if ch.pk == nil {
			ch.pk = make([]pktRec, chunkSize)
		}
		o := st.Options
		pk := pktRec{rawSeq: st.RawSeq, rawAck: st.RawAck, tsval: o.TSval, tsecr: o.TSecr,
			mss: o.MSS, window: st.Window, wscale: o.WScale}
		if o.SACKPerm {
			pk.opts |= optSACKPerm
		}
		if o.Timestamp {
			pk.opts |= optTimestamp
		}
		if o.TFOCookie {
			pk.opts |= optTFOCookie
		}
		if p := st.Payload; len(p) > 0 {
			if len(p) > PreviewLen {
				p = p[:PreviewLen]
			}
			pk.pay = uint32(len(ch.arena)) + 1
			ch.arena = append(ch.arena, byte(len(p)))
			ch.arena = append(ch.arena, p...)
		}
		ch.pk[pos] = pk
	}
	for _, c := range st.Changes {
		ch.dets = append(ch.dets, det{ep: c.Endpoint, from: c.From, to: c.To, conf: c.Confidence, reason: s.reasonIndex(c.Reason)})
	}
	for _, r := range st.Notes {
		ch.dets = append(ch.dets, det{note: true, reason: s.reasonIndex(r)})
	}
	rec.ndet = uint16(len(ch.dets) - int(rec.det))
	if len(st.Revisions) > 0 {
		if ch.revs == nil {
			ch.revs = map[int][]fsm.Revision{}
		}
		rvs := make([]fsm.Revision, len(st.Revisions))
		copy(rvs, st.Revisions)
		ch.revs[st.Index] = rvs
	}
	ch.recs = append(ch.recs, rec)
	s.n++
}

// reasonIndex interns a reason.
func (s *Session) reasonIndex(r fsm.Reason) uint16 {
	if i, ok := s.reasonID[r]; ok {
		return i
	}
	i := uint16(len(s.reasons))
	s.reasons = append(s.reasons, r)
	s.reasonID[r] = i
	return i
}

// commit indexes a filled step under its connection. A segment's own step
// reads the connection's counters (the tracker is done with the segment);
// a timer or side step adds its own changes to the previous entry, so
// that it does not count what a later event of the same batch did.
func (s *Session) commit(st *Step, c *fsm.Conn, isSeg bool) {
	s.store(st, isSeg)
	r := s.conn(c.ID)
	if r == nil {
		r = &connRec{id: c.ID, base: st.Index}
		r.fz.bits = fzLive
		s.identify(r, c)
		s.order = append(s.order, r)
		if n := len(s.order); n > 1 && s.order[n-2].id > c.ID {
			// IDs come in order of first packet; keep order sorted if a
			// tracker ever reports out of order.
			sort.Slice(s.order, func(i, j int) bool { return s.order[i].id < s.order[j].id })
		}
	}
	var prev ent
	if n := len(r.steps); n > 0 {
		if t := r.tail(); t != nil {
			prev = *t
		} else {
			prev = s.entAt(r, n-1) // at most tailAfter derives
		}
	}
	var e ent
	if isSeg {
		// The segment's counters and Zeek history as the tracker has
		// them during its event; the transitions and notes as the fold
		// counts them once this step's are in.
		e = ent{
			pkts:   [2]uint32{uint32(c.Packets[0]), uint32(c.Packets[1])},
			bytes:  c.Bytes,
			ntr:    uint32(r.fz.ntr() + len(st.Changes)),
			nnotes: uint32(min(len(r.fz.notes())+len(st.Notes), fsm.MaxNotes)),
			hist:   uint16(len(c.History())),
		}
	} else if len(r.steps) > 0 {
		e = prev
		e.ntr += uint32(len(st.Changes))
		e.nnotes += uint32(len(st.Notes))
	}
	e.step, e.states = st.Index, st.States
	rec, ch := s.recLocked(st.Index)
	if isSeg && e.hist >= prev.hist && e.hist-prev.hist <= math.MaxUint8 {
		rec.dhist = uint8(e.hist - prev.hist)
	}
	pos := len(r.steps)
	rel := st.Index - r.base
	if rel > math.MaxUint32 { // a connection 4G steps long: start its index afresh
		s.keepTransitions(r)
		r.rebase(pos-1, prev)
		pos, rel = 1, st.Index-r.base
	}
	r.steps = append(roomFor(r.steps), uint32(rel))
	// A checkpoint at the first step, every ckEvery steps, and where
	// derive would not give the entry.
	// The first step's entry is usually derive(ent{}, ...): no
	// checkpoint then, and most short connections have none at all.
	if pos-int(r.lastCk) >= ckEvery || derive(prev, rec, ch, st.Index) != e {
		ix := r.ixOf()
		ix.cks = append(ix.cks, e)
		r.lastCk = int32(pos)
	}
	if r.end == endOpen {
		if r.tail() == nil && pos-int(r.lastCk) >= tailAfter {
			r.ixOf().tail = new(ent)
		}
		if t := r.tail(); t != nil {
			*t = e
		}
		s.sync(r, c)
		s.addChanges(r, pos, st.Changes, s.ords)
		for i := range s.pend {
			s.fold(r, &s.pend[i])
		}
	}
	if s.onCommit != nil {
		s.onCommit(c.ID, e)
	}
}

// dropChunk forgets the oldest chunk of steps, for reason why. Called
// with the write lock.
func (s *Session) dropChunk(why DropReason) {
	if why == DropMemory && s.keepSteps {
		why = DropKeep // the cap is --keep's
	}
	s.dropWhy = why
	old := s.chunks[0].recs
	newBase := s.base + len(old)
	touched := map[uint64]bool{}
	for i := range old {
		touched[s.chunks[0].connOf(&old[i])] = true
	}
	removed := false
	for id := range touched {
		r := s.conn(id)
		if r == nil {
			continue
		}
		// The first entry, derived while its step is here.
		if cks := r.cks(); len(cks) == 0 || cks[0].step != r.stepAt(0) {
			e := s.entAt(r, 0)
			r.ixOf().cks = slices.Insert(cks, 0, e)
		}
		// Keep the last entry even if its step is gone: it holds the
		// connection's latest state.
		k := sort.Search(len(r.steps), func(i int) bool { return r.stepAt(i) >= newBase })
		if k == len(r.steps) {
			k = len(r.steps) - 1
			if st := r.stepAt(k); st >= s.base {
				r.fz.rareOf().lastT = s.chunks[0].tOf(&old[st-s.base], st-s.base)
			}
		}
		if k > 0 {
			// While the chunk is still there.
			s.keepTransitions(r)
			r.rebase(k, s.entAt(r, k))
		}
		if r.end != endOpen && r.end != endGone && r.stepAt(len(r.steps)-1) < newBase {
			r.end = endGone
			removed = true
		}
	}
	s.chunks[0] = nil
	s.chunks = s.chunks[1:]
	s.base = newBase
	if removed {
		kept := s.order[:0]
		for _, r := range s.order {
			if r.end != endGone {
				kept = append(kept, r)
			}
		}
		clear(s.order[len(kept):])
		s.order = kept
	}
}
