package session

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/fsm"
)

// DefaultMaxSteps is the number of steps a Session keeps when
// Config.MaxSteps is zero: enough for a 2M-packet file, about 1 GB at
// worst (see the package doc).
const DefaultMaxSteps = 2 << 20

// chunkSize is how many steps are allocated (and dropped) at once.
const chunkSize = 4096

// Config tunes a Session.
type Config struct {
	FSM fsm.Config
	// MaxSteps bounds the steps kept; older ones are dropped oldest-first.
	// Zero means DefaultMaxSteps. It is rounded up to a multiple of 4096.
	MaxSteps int
}

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
	Steps   int    // steps ever recorded (the next step's Index)
	First   int    // Index of the oldest kept step
	Dropped int    // steps dropped to bound memory (== First)
	Conns   int    // connections listed
	Open    int    // connections the tracker still follows
	Counts  Counts // from the source
	Done    bool   // the source ended (EOF or error)
	Err     error  // why the source stopped, if not EOF
}

// ent is one step in a connection's index, with what the connection
// looked like after it (kept even when the step itself is dropped).
type ent struct {
	step   int
	t      int64 // capture time, Unix nanoseconds
	pkts   [2]uint32
	bytes  [2]uint64
	ntr    uint32 // len(Conn.Transitions) after the step
	nnotes uint32 // len(Conn.Notes) after the step
	hist   uint16 // len(Conn.History()) after the step
	states [2]fsm.State
}

type connRec struct {
	c     *fsm.Conn // the tracker's; read under the read lock
	first int       // Index of the first step
	ents  []ent
	ended int // Index of the last step before the tracker let go of it, or -1
}

// Session records steps and connections. See the package doc for its
// goroutine rules.
type Session struct {
	mu      sync.RWMutex
	version atomic.Uint64

	tr      *fsm.Tracker
	max     int
	chunks  [][]Step // chunks[0][0] has Index base
	base    int
	n       int
	conns   map[uint64]*connRec
	order   []*connRec // by ID, which is also by first step
	arena   []byte     // payload previews are sliced from here
	counts  Counts
	done    bool
	err     error
	lastSeg time.Time
}

// New returns an empty session.
func New(cfg Config) *Session {
	max := cfg.MaxSteps
	if max <= 0 {
		max = DefaultMaxSteps
	}
	max = (max + chunkSize - 1) / chunkSize * chunkSize
	return &Session{
		tr:    fsm.NewTracker(cfg.FSM),
		max:   max,
		conns: map[uint64]*connRec{},
	}
}

// Version changes after every write; equal versions mean nothing changed.
func (s *Session) Version() uint64 { return s.version.Load() }

// Observe feeds one segment to the tracker and records the steps it
// caused. Only the writer goroutine may call it.
func (s *Session) Observe(seg fsm.Segment) {
	s.mu.Lock()
	evs := s.tr.Observe(seg)
	s.lastSeg = seg.Time
	s.record(evs, &seg)
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
	for _, ev := range s.tr.Flush() {
		if ev.Kind == fsm.KindEnd {
			if r := s.conns[ev.Conn.ID]; r != nil {
				r.ended = s.n - 1
			}
		}
	}
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
			cur = s.newStep()
			curC, isSeg = ev.Conn, true
			cur.Packet, cur.Time, cur.ConnID = ev.Packet, ev.Time, ev.Conn.ID
			cur.From, cur.Flags, cur.Seq, cur.Ack, cur.Len = ev.From, ev.Flags, ev.Seq, ev.Ack, ev.Len
			cur.States = ev.States
			if seg != nil {
				cur.RawSeq, cur.RawAck = uint32(seg.Seq), uint32(seg.Ack)
				cur.Window, cur.Options = seg.Window, seg.Options
				cur.Payload = s.preview(seg.Payload)
			}
		case fsm.KindTransition, fsm.KindNote, fsm.KindRevision:
			segEvent := isSeg && ev.Conn == curC && ev.Packet == cur.Packet
			if !segEvent && (cur == nil || ev.Conn != curC || isSeg) {
				// A timer firing, or the segment's effect on another
				// connection (a new SYN superseding one in TIME_WAIT):
				// a step of its own.
				flush()
				cur = s.newStep()
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
			case fsm.KindRevision:
				if ev.Revision != nil {
					rv := *ev.Revision
					rv.Believed = append([]fsm.State(nil), rv.Believed...)
					cur.Revisions = append(cur.Revisions, rv)
				}
			default:
				cur.Notes = append(cur.Notes, ev.Reason)
			}
		case fsm.KindEnd:
			if cur != nil && curC == ev.Conn {
				flush() // the step that ended it comes first
			}
			if r := s.conns[ev.Conn.ID]; r != nil {
				r.ended = s.n - 1
			}
		}
	}
	flush()
}

// newStep reserves the next step slot. The caller fills it and commits.
func (s *Session) newStep() *Step {
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == chunkSize {
		if s.n-s.base >= s.max {
			s.dropChunk()
		}
		s.chunks = append(s.chunks, make([]Step, 0, chunkSize))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, Step{Index: s.n})
	s.n++
	return &(*last)[len(*last)-1]
}

// commit indexes a filled step under its connection. A segment's own step
// reads the connection's counters (the tracker is done with the segment);
// a timer or side step adds its own changes to the previous entry, so
// that it does not count what a later event of the same batch did.
func (s *Session) commit(st *Step, c *fsm.Conn, isSeg bool) {
	r := s.conns[c.ID]
	if r == nil {
		r = &connRec{c: c, first: st.Index, ended: -1}
		s.conns[c.ID] = r
		s.order = append(s.order, r)
		if n := len(s.order); n > 1 && s.order[n-2].c.ID > c.ID {
			// IDs come in order of first packet; keep order sorted if a
			// tracker ever reports out of order.
			sort.Slice(s.order, func(i, j int) bool { return s.order[i].c.ID < s.order[j].c.ID })
		}
	}
	var e ent
	if isSeg {
		e = ent{
			pkts:   [2]uint32{uint32(c.Packets[0]), uint32(c.Packets[1])},
			bytes:  c.Bytes,
			ntr:    uint32(len(c.Transitions)),
			nnotes: uint32(len(c.Notes)),
			hist:   uint16(len(c.History())),
		}
	} else if n := len(r.ents); n > 0 {
		e = r.ents[n-1]
		e.ntr += uint32(len(st.Changes))
		e.nnotes += uint32(len(st.Notes))
	}
	e.step, e.t, e.states = st.Index, st.Time.UnixNano(), st.States
	r.ents = append(r.ents, e)
}

// dropChunk forgets the oldest chunk of steps. Called with the write lock.
func (s *Session) dropChunk() {
	old := s.chunks[0]
	s.chunks[0] = nil
	s.chunks = s.chunks[1:]
	s.base += len(old)
	touched := map[uint64]bool{}
	for i := range old {
		touched[old[i].ConnID] = true
	}
	removed := false
	for id := range touched {
		r := s.conns[id]
		if r == nil {
			continue
		}
		// Keep the last entry even if its step is gone: it holds the
		// connection's latest state.
		k := sort.Search(len(r.ents), func(i int) bool { return r.ents[i].step >= s.base })
		if k == len(r.ents) {
			k = len(r.ents) - 1
		}
		if k > 0 {
			r.ents = append([]ent(nil), r.ents[k:]...)
		}
		if r.ended >= 0 && r.ents[len(r.ents)-1].step < s.base {
			delete(s.conns, id)
			r.c = nil
			removed = true
		}
	}
	if removed {
		kept := s.order[:0]
		for _, r := range s.order {
			if r.c != nil {
				kept = append(kept, r)
			}
		}
		clear(s.order[len(kept):])
		s.order = kept
	}
}

// preview copies at most PreviewLen bytes of p into the arena.
func (s *Session) preview(p []byte) []byte {
	if len(p) == 0 {
		return nil
	}
	if len(p) > PreviewLen {
		p = p[:PreviewLen]
	}
	if cap(s.arena)-len(s.arena) < len(p) {
		s.arena = make([]byte, 0, 64<<10)
	}
	start := len(s.arena)
	s.arena = append(s.arena, p...)
	return s.arena[start:len(s.arena):len(s.arena)]
}

// Info returns counters about the whole session.
func (s *Session) Info() Info {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Info{
		Steps: s.n, First: s.base, Dropped: s.base,
		Conns: len(s.order), Open: s.tr.Open(),
		Counts: s.counts, Done: s.done, Err: s.err,
	}
}

// Len returns the number of steps ever recorded: valid indexes are
// [Info().First, Len()).
func (s *Session) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n
}

// First returns the Index of the oldest kept step.
func (s *Session) First() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.base
}

func (s *Session) stepLocked(i int) *Step {
	if i < s.base || i >= s.n {
		return nil
	}
	off := i - s.base
	return &s.chunks[off/chunkSize][off%chunkSize]
}

// Step returns step i. Its slices are shared and must not be modified.
func (s *Session) Step(i int) (Step, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st := s.stepLocked(i); st != nil {
		return *st, true
	}
	return Step{}, false
}

// latest returns the position in r.ents of the latest entry with step ≤ i,
// or -1.
func (r *connRec) latest(i int) int {
	return sort.Search(len(r.ents), func(k int) bool { return r.ents[k].step > i }) - 1
}

// ConnAt returns connection id as it was after step i: its states,
// counters, transitions and notes as of then. ok is false if the
// connection is unknown or had no step at or before i.
func (s *Session) ConnAt(id uint64, i int) (c fsm.Conn, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conns[id]
	if r == nil {
		return c, false
	}
	k := r.latest(i)
	if k < 0 {
		return c, false
	}
	e := &r.ents[k]
	// Only exported fields: the tracker's private ones are as of now.
	// History() and ConnState() of the copy are empty: use RowOf.
	c = fsm.Conn{
		ID: r.c.ID, Client: r.c.Client, Server: r.c.Server, VLAN: r.c.VLAN,
		JoinedLate: r.c.JoinedLate, State: e.states,
		FirstPacket: r.c.FirstPacket, FirstTime: r.c.FirstTime,
		Packets: [2]uint64{uint64(e.pkts[0]), uint64(e.pkts[1])},
		Bytes:   e.bytes,
	}
	c.LastTime = time.Unix(0, e.t).In(c.FirstTime.Location())
	if st := s.stepLocked(e.step); st != nil && st.Packet != 0 {
		c.LastPacket = st.Packet
	}
	c.Transitions = r.c.Transitions[:min(int(e.ntr), len(r.c.Transitions)):min(int(e.ntr), len(r.c.Transitions))]
	c.Notes = r.c.Notes[:min(int(e.nnotes), len(r.c.Notes)):min(int(e.nnotes), len(r.c.Notes))]
	return c, true
}

// ConnSteps returns the kept steps of connection id with Index ≤ i, at
// most max of them (the latest), oldest first. The steps' slices are shared
// and must not be modified.
func (s *Session) ConnSteps(id uint64, i, max int) []Step {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conns[id]
	if r == nil {
		return nil
	}
	end := r.latest(i) + 1
	start := max0(end - max)
	if start >= end {
		return nil
	}
	out := make([]Step, 0, end-start)
	for _, e := range r.ents[start:end] {
		if st := s.stepLocked(e.step); st != nil {
			out = append(out, *st)
		}
	}
	return out
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// NextStep returns the index of the first step after i, of connection id
// (any connection when id is 0), or -1 if there is none yet.
func (s *Session) NextStep(i int, id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id == 0 {
		if i+1 < s.base {
			return s.base
		}
		if i+1 < s.n {
			return i + 1
		}
		return -1
	}
	r := s.conns[id]
	if r == nil {
		return -1
	}
	k := r.latest(i) + 1
	for ; k < len(r.ents); k++ {
		if r.ents[k].step >= s.base {
			return r.ents[k].step
		}
	}
	return -1
}

// PrevStep returns the index of the last kept step before i, of connection
// id (any when 0), or -1.
func (s *Session) PrevStep(i int, id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id == 0 {
		if i-1 >= s.base && i-1 < s.n {
			return i - 1
		}
		if i-1 >= s.n && s.n > s.base {
			return s.n - 1
		}
		return -1
	}
	r := s.conns[id]
	if r == nil {
		return -1
	}
	k := r.latest(i - 1)
	if k >= 0 && r.ents[k].step >= s.base {
		return r.ents[k].step
	}
	return -1
}

// ConnSpan returns the first and last kept step of connection id, or
// -1, -1.
func (s *Session) ConnSpan(id uint64) (first, last int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conns[id]
	if r == nil || len(r.ents) == 0 {
		return -1, -1
	}
	first, last = r.ents[0].step, r.ents[len(r.ents)-1].step
	if first < s.base {
		first = s.base
	}
	if last < s.base {
		return -1, -1
	}
	return first, last
}

// Row is one line of the connection list: a connection as it was after a
// step.
type Row struct {
	ID             uint64
	Client, Server netip.AddrPort
	JoinedLate     bool
	States         [2]fsm.State // [fsm.Client], [fsm.Server]
	Packets        uint64
	Bytes          uint64
	Duration       time.Duration
	History        string // Zeek letters
	Ended          bool   // the tracker had let go of it after that step
}

// Visible returns how many connections had a step at or before step i:
// they are the first Visible(i) in order of first packet.
func (s *Session) Visible(i int) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sort.Search(len(s.order), func(k int) bool { return s.order[k].first > i })
}

// RowAt returns the k-th connection (in order of first packet, 0-based)
// as it was after step i.
func (s *Session) RowAt(k, i int) (Row, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k < 0 || k >= len(s.order) {
		return Row{}, false
	}
	return s.rowLocked(s.order[k], i)
}

// RowOf returns connection id as it was after step i.
func (s *Session) RowOf(id uint64, i int) (Row, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conns[id]
	if r == nil {
		return Row{}, false
	}
	return s.rowLocked(r, i)
}

func (s *Session) rowLocked(r *connRec, i int) (Row, bool) {
	k := r.latest(i)
	if k < 0 {
		return Row{}, false
	}
	e := &r.ents[k]
	c := r.c
	h := c.History()
	if int(e.hist) < len(h) {
		h = h[:e.hist]
	}
	return Row{
		ID: c.ID, Client: c.Client, Server: c.Server, JoinedLate: c.JoinedLate,
		States:   e.states,
		Packets:  uint64(e.pkts[0]) + uint64(e.pkts[1]),
		Bytes:    e.bytes[0] + e.bytes[1],
		Duration: time.Duration(e.t - c.FirstTime.UnixNano()),
		History:  h,
		Ended:    r.ended >= 0 && r.ended <= i,
	}, true
}

// IndexOf returns the position of connection id in order of first packet,
// or -1.
func (s *Session) IndexOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].c.ID >= id })
	if k < len(s.order) && s.order[k].c.ID == id {
		return k
	}
	return -1
}

// Match returns, in order of first packet, the IDs greater than after of
// connections whose client or server matches f (see Filter), and the
// highest ID it looked at (after, if none), to pass as after next time.
func (s *Session) Match(f Filter, after uint64) (ids []uint64, last uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].c.ID > after })
	last = after
	for _, r := range s.order[k:] {
		if f.Match(r.c.Client, r.c.Server) {
			ids = append(ids, r.c.ID)
		}
		last = r.c.ID
	}
	return ids, last
}

// FirstStepOf returns the Index of the first step of connection id, or -1.
func (s *Session) FirstStepOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := s.conns[id]; r != nil {
		return r.first
	}
	return -1
}

// Filter selects connections by address or port, as typed after '/' in
// the UI: space-separated terms that must all match. A term matches an
// endpoint when it equals its port ("8080" or ":8080"), its address
// ("127.0.0.1", "::1"), the address:port, or is a prefix of the address
// text ("10.1.").
type Filter struct{ terms []string }

// ParseFilter parses a filter expression; "" matches everything.
func ParseFilter(expr string) Filter {
	return Filter{terms: strings.Fields(strings.ToLower(expr))}
}

// Empty reports whether f matches everything.
func (f Filter) Empty() bool { return len(f.terms) == 0 }

// String returns the filter as typed (normalized).
func (f Filter) String() string { return strings.Join(f.terms, " ") }

// Match reports whether a connection between a and b matches.
func (f Filter) Match(a, b netip.AddrPort) bool {
	for _, t := range f.terms {
		if !termMatch(t, a) && !termMatch(t, b) {
			return false
		}
	}
	return true
}

func termMatch(t string, ap netip.AddrPort) bool {
	p := strings.TrimPrefix(t, ":")
	if n, err := strconv.ParseUint(p, 10, 16); err == nil && !strings.Contains(p, ".") {
		return uint16(n) == ap.Port()
	}
	if x, err := netip.ParseAddrPort(t); err == nil {
		return x == ap
	}
	addr := strings.ToLower(ap.Addr().String())
	if x, err := netip.ParseAddr(t); err == nil {
		return x == ap.Addr()
	}
	return strings.HasPrefix(addr, t)
}
