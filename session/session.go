package session

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
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

// ent is one step in a connection's index, with what the connection
// looked like after it (kept even when the step itself is dropped).
type ent struct {
	step   int // its time is the step's (or connRec.lastT once dropped)
	bytes  [2]uint64
	pkts   [2]uint32
	ntr    uint32 // len(Conn.Transitions) after the step
	nnotes uint32 // len(Conn.Notes) after the step
	hist   uint16 // len(Conn.History()) after the step
	states [2]fsm.State
}

// connRec is one listed connection. What readers are shown of it is fz,
// a compact copy of the tracker's Conn made at each of its steps (sync):
// readers never touch a *Conn, which the tracker changes, and with
// fsm.Config.Freeze freezes and reuses for another connection; once the
// tracker lets go of it, the Conn (a transitions array with room to
// spare, sequence tracking, Zeek state: about 1.8 KB) is left to the
// collector.
//
// Its index is the Index of each of its steps (4 bytes a step, relative to
// base) and a full entry (ent) at the first of them, every ckEvery
// steps, and wherever the entry cannot be derived from the one before
// and the step (see derive); entAt rebuilds any other from the last
// checkpoint before it by walking at most ckEvery-1 steps.
//
// Its copy (fz) is part of it, not a pointer: one object a connection,
// found by ID in Session.order (no map).
//
// 176 bytes (a size class), what few connections have apart (ix).
type connRec struct {
	id     uint64
	base   int      // steps[k] is base + Index of the k-th kept step
	steps  []uint32 // one per kept step, and the last one even once dropped
	ix     *connIx  // checkpoints and the rest, nil while it has none
	lastCk int32    // position of the last checkpoint in steps
	nder   uint32   // transitions attributed to its steps so far (fz.trAt)
	end    uint32   // see ended
	vlan   uint32   // of fz, here where it packs
	fz     frozen   // what readers are shown of it (see sync)
}

// connRec.end: the connection is open, gone, or ended at the Index in
// fz.rare.ended, or ended at Index first()+end-endAt.
const (
	endOpen = iota
	endGone
	endRare
	endAt
)

// ended returns the Index of the last step before the tracker let go of
// r, -1 while it follows it, or gone.
func (r *connRec) ended() int {
	switch r.end {
	case endOpen:
		return -1
	case endGone:
		return gone
	case endRare:
		return r.fz.rare.ended
	}
	return r.first() + int(r.end-endAt)
}

// setEnded records that the tracker let go of r after step i.
func (r *connRec) setEnded(i int) {
	if d := i - r.first(); d >= 0 && d <= math.MaxUint32-endAt {
		r.end = uint32(d) + endAt
		return
	}
	r.end = endRare
	r.fz.rareOf().ended = i
}

// connIx is what a connection's index holds beyond its steps, which
// most short connections do without (32 bytes: what only connections
// whose steps were dropped need is in fz.rare).
type connIx struct {
	cks  []ent // checkpoints, by step; none at steps[0] if derive gives it from ent{}
	tail *ent  // the entry at the last step, while the tracker follows it, once tailAfter steps from a checkpoint
}

// cks returns r's checkpoints.
func (r *connRec) cks() []ent {
	if r.ix == nil {
		return nil
	}
	return r.ix.cks
}

// tail returns r's kept latest entry, or nil.
func (r *connRec) tail() *ent {
	if r.ix == nil {
		return nil
	}
	return r.ix.tail
}

// ixOf returns r.ix, made if need be.
func (r *connRec) ixOf() *connIx {
	if r.ix == nil {
		r.ix = new(connIx)
	}
	return r.ix
}

// first returns the Index of r's first step, kept or not.
func (r *connRec) first() int {
	if rr := r.fz.rare; rr != nil && rr.rebased {
		return rr.first
	}
	return r.base
}

// tailAfter is how many steps past its last checkpoint an open
// connection's entry is derived at each of its steps (entAt) before it
// keeps it (connRec.tail, 48 bytes): short connections never do.
const tailAfter = 8

// gone is connRec.ended of a connection dropped with its steps (bounded
// memory), left out of the list.
const gone = math.MinInt

// ckEvery bounds the steps entAt walks from a checkpoint.
const ckEvery = 32

// frozen is a connection, compact: the fields ConnAt, RowAt and
// Match read, transitions without their padding; the copy of an open
// connection is the same, updated at each of its steps.
// 80 bytes, the rest (rare) apart: the addresses as 16 bytes and a
// port each (an address with a zone, ::, or 4-in-6 in rare), the first
// time as Unix nanoseconds in the session's location (another in rare);
// the VLAN is in connRec, where it packs.
type frozen struct {
	firstT int64 // FirstTime, Unix ns, unless rare.wide
	// While every step of the connection is kept, its transitions are
	// its steps' changes, in order: at lists the positions in the
	// connection's index of the steps that have changes (see trAt),
	// confs their confidence as of now (later evidence raises it), 2
	// bits each, the first in the lowest (or rare.conf when they do not
	// fit: more than 32, or one above 3), rare.wd the transitions later
	// withdrawn, and rare.trs is nil: about 4 bytes a transition instead
	// of 32. Before any of its steps is dropped, they go to rare.trs.
	at      uint64
	confs   uint64
	rare    *frozenRare
	hist    uint32 // History: Session.histTab[hist-1], or rare.history if 0
	firstPk uint32 // FirstPacket, unless rare.firstPacket
	bits    uint32 // the number of transitions | live | joinedLate (fzLive, fzJoinedLate)
	// The addresses as 16 bytes (see addrPort), unless rare.wide.
	addr [2][16]byte
	port [2]uint16
}

// frozen.bits: the number of transitions, below fzLive, and two flags.
const (
	fzLive       = 1 << 30 // the tracker follows it: sync at each step, until freeze
	fzJoinedLate = 1 << 31
	fzNtrMax     = fzLive - 1
)

// frozenRare is what few frozen connections have.
type frozenRare struct {
	trs   []frozenTr
	notes []fsm.Note
	wd    []withdrawn
	// conf: the confidences, when frozen.confs cannot hold them; trAt,
	// the positions of the steps with changes, when frozen.at cannot
	// (atRare); history, when it is not interned (frozen.hist 0).
	conf    []fsm.Confidence
	trAt    []uint32
	history string
	// firstPacket: FirstPacket, when it does not fit frozen.firstPk.
	firstPacket uint64
	// Of the connection's index (connRec), once steps were dropped:
	// lastT, the time of steps[0] once its step is dropped (Unix ns);
	// first, the Index of its first step, once it is not base (rebased).
	lastT   int64
	first   int
	rebased bool
	// ended: connRec.ended when connRec.end cannot hold it.
	ended int
	// wide: the addresses or first time did not fit frozen's compact
	// fields (a zone, another location): they are here.
	wide           bool
	client, server netip.AddrPort
	firstTime      time.Time
}

// setIDFields keeps the connection's addresses and first time in fz,
// compact unless they would not read back the same.
func (s *Session) setIDFields(fz *frozen, c *fsm.Conn) {
	if fz.rare != nil && fz.rare.wide {
		fz.rare.client, fz.rare.server, fz.rare.firstTime = c.Client, c.Server, c.FirstTime
		return
	}
	fz.firstT = c.FirstTime.UnixNano()
	for i, ap := range [2]netip.AddrPort{c.Client, c.Server} {
		a := ap.Addr()
		fz.addr[i], fz.port[i] = [16]byte{}, ap.Port()
		if a.IsValid() {
			fz.addr[i] = a.As16()
		}
	}
	if s.loc == nil {
		s.loc = c.FirstTime.Location()
	}
	if fz.addrPort(0) != c.Client || fz.addrPort(1) != c.Server || time.Unix(0, fz.firstT).In(s.loc) != c.FirstTime {
		r := fz.rareOf()
		r.wide = true
		r.client, r.server, r.firstTime = c.Client, c.Server, c.FirstTime
	}
}

// addrPort decodes fz's compact address i (0 client, 1 server): 16
// zero bytes are no address, an IPv4-mapped one is IPv4, any other IPv6.
// The IPv6 addresses this would read back otherwise (::, ::ffff:a.b.c.d)
// are kept whole in rare (setIDFields checks).
func (fz *frozen) addrPort(i int) netip.AddrPort {
	var a netip.Addr
	b := fz.addr[i]
	switch {
	case b == [16]byte{}:
	case [12]byte(b[:12]) == [12]byte{10: 0xff, 11: 0xff}:
		a = netip.AddrFrom4([4]byte(b[12:]))
	default:
		a = netip.AddrFrom16(b)
	}
	return netip.AddrPortFrom(a, fz.port[i])
}

// firstPacket returns fz's FirstPacket.
func (fz *frozen) firstPacket() uint64 {
	if fz.rare != nil && fz.rare.firstPacket != 0 {
		return fz.rare.firstPacket
	}
	return uint64(fz.firstPk)
}

// setFirstPacket keeps n in fz.
func (fz *frozen) setFirstPacket(n uint64) {
	if n <= math.MaxUint32 {
		fz.firstPk = uint32(n)
		if fz.rare != nil {
			fz.rare.firstPacket = 0
		}
		return
	}
	fz.firstPk = 0
	fz.rareOf().firstPacket = n
}

// frozen.at holds up to atMax positions as a 4-bit count (atRare: they
// are in rare.trAt) and then, 4 bits each from bit 4, each position's
// distance from the one before (from -1 for the first) less one: short
// connections' steps with changes are close together.
const (
	atMax  = 14
	atRare = 15
)

// trAt returns the positions in r's index of the steps that have
// changes, decoded into buf if they are kept in fz.at.
func (fz *frozen) trAt(buf *[atMax]uint32) []uint32 {
	n := int(fz.at & 15)
	if n == atRare {
		return fz.rare.trAt
	}
	p := -1
	for i := range n {
		p += int(fz.at>>(4+4*i)&15) + 1
		buf[i] = uint32(p)
	}
	return buf[:n]
}

// addTrAt appends pos to fz's positions of steps with changes.
func (fz *frozen) addTrAt(pos uint32) {
	n := int(fz.at & 15)
	if n == atRare {
		fz.rare.trAt = append(fz.rare.trAt, pos)
		return
	}
	var buf [atMax]uint32
	prev := -1
	if n > 0 {
		prev = int(fz.trAt(&buf)[n-1])
	}
	if d := int(pos) - prev - 1; n < atMax && d >= 0 && d < 16 {
		fz.at = fz.at&^15 | uint64(n+1) | uint64(d)<<(4+4*n)
		return
	}
	fz.rareOf().trAt = append(slices.Clone(fz.trAt(&buf)), pos)
	fz.at = atRare
}

// clearTrAt forgets fz's positions of steps with changes.
func (fz *frozen) clearTrAt() {
	fz.at = 0
	if fz.rare != nil {
		fz.rare.trAt = nil
	}
}

// history returns fz's History.
func (s *Session) history(fz *frozen) string {
	if fz.hist == 0 {
		if fz.rare == nil {
			return ""
		}
		return fz.rare.history
	}
	return s.histTab[fz.hist-1]
}

// conf returns the current confidence of fz's transition i (trAt form).
func (fz *frozen) conf(i int) fsm.Confidence {
	if fz.rare != nil && fz.rare.conf != nil {
		return fz.rare.conf[i]
	}
	return fsm.Confidence(fz.confs >> (2 * i) & 3)
}

// setConf keeps c as the current confidence of fz's transition i (trAt
// form): in fz.confs while every one fits (32 of them, each up to 3),
// else in rare.conf, where those of fz.confs move the first time.
func (fz *frozen) setConf(i int, c fsm.Confidence) {
	if (fz.rare == nil || fz.rare.conf == nil) && i < 32 && c <= 3 {
		fz.confs = fz.confs&^(3<<(2*i)) | uint64(c)<<(2*i)
		return
	}
	r := fz.rareOf()
	if r.conf == nil {
		r.conf = make([]fsm.Confidence, 32, 48)
		for k := range r.conf {
			r.conf[k] = fsm.Confidence(fz.confs >> (2 * k) & 3)
		}
		fz.confs = 0
	}
	for len(r.conf) <= i {
		r.conf = append(r.conf, 0)
	}
	r.conf[i] = c
}

func (fz *frozen) client() netip.AddrPort {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.client
	}
	return fz.addrPort(0)
}

func (fz *frozen) server() netip.AddrPort {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.server
	}
	return fz.addrPort(1)
}

// firstTime returns fz's FirstTime.
func (s *Session) firstTime(fz *frozen) time.Time {
	if fz.rare != nil && fz.rare.wide {
		return fz.rare.firstTime
	}
	return time.Unix(0, fz.firstT).In(s.loc)
}

func (fz *frozen) ntr() int         { return int(fz.bits & fzNtrMax) }
func (fz *frozen) joinedLate() bool { return fz.bits&fzJoinedLate != 0 }
func (fz *frozen) live() bool       { return fz.bits&fzLive != 0 }

func (fz *frozen) trs() []frozenTr {
	if fz.rare == nil {
		return nil
	}
	return fz.rare.trs
}

func (fz *frozen) notes() []fsm.Note {
	if fz.rare == nil {
		return nil
	}
	return fz.rare.notes
}

func (fz *frozen) rareOf() *frozenRare {
	if fz.rare == nil {
		fz.rare = new(frozenRare)
	}
	return fz.rare
}

// withdrawn is a transition's WithdrawnBy, by its position.
type withdrawn struct {
	i  int
	by uint64
}

// frozenTr is an fsm.Transition in 32 bytes instead of 72 (the reason is
// an index in the session's table of reasons, the time Unix nanoseconds
// in the connection's location).
type frozenTr struct {
	packet, withdrawnBy uint64
	t                   int64
	ep                  fsm.Role
	from, to            fsm.State
	conf                fsm.Confidence
	reason              uint16
}

// conn returns the listed connection id, or nil. IDs are dense and come
// in order, so order[id-order[0].id] is it unless connections were
// dropped before it; otherwise a binary search finds it.
func (s *Session) conn(id uint64) *connRec {
	n := len(s.order)
	if n == 0 || id < s.order[0].id {
		return nil
	}
	var r *connRec
	if k := id - s.order[0].id; k < uint64(n) && s.order[k].id == id {
		r = s.order[k]
	} else if last := s.order[n-1]; last.id == id {
		r = last
	} else {
		k := sort.Search(n, func(k int) bool { return s.order[k].id >= id })
		if k == n || s.order[k].id != id {
			return nil
		}
		r = s.order[k]
	}
	if r.end == endGone {
		return nil
	}
	return r
}

func (r *connRec) client() netip.AddrPort { return r.fz.client() }

func (r *connRec) server() netip.AddrPort { return r.fz.server() }

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
	reasons  []fsm.Reason // interned: dets and frozen transitions hold indexes
	reasonID map[fsm.Reason]uint16
	hists    map[string]uint32 // index+1 in histTab (setHistory)
	histTab  []string          // interned short histories: appended, never changed
	build    Step              // the step being recorded
	// Of the step being recorded: the ordinals of its Changes, and the
	// events that change its connection's history without a change of
	// their own (confidences, revisions, notes), folded in at commit.
	ords     []int
	pend     []fsm.Event
	shadow   func(id uint64, e ent)                // tests: every entry as committed
	shadowFz func(id uint64, trs []fsm.Transition) // tests: transitions as frozen
	shadowC  func(c *fsm.Conn)                     // tests: every Conn of a batch, after it
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
				s.freeze(r, ev.Conn)
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
				s.freeze(r, ev.Conn)
			}
		}
	}
	flush()
	if s.shadowC != nil {
		for i := range evs {
			if evs[i].Kind != fsm.KindEnd {
				s.shadowC(evs[i].Conn)
			}
		}
	}
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

// setHistory keeps history h in fz, as an index in a table of the
// histories seen (Session.histTab): most connections of a file have one
// of a few short histories ("ShADadFf", "ShADaR"), and a string of their
// own would cost each 24 to 32 bytes. Long histories, and any once
// histsMax are kept, are kept in fz.rare, so the table stays small.
func (s *Session) setHistory(fz *frozen, h string) {
	if i, ok := s.hists[h]; ok {
		fz.hist = i
	} else if len(h) <= histInternLen && len(s.histTab) < histsMax {
		if s.hists == nil {
			s.hists = map[string]uint32{}
		}
		s.histTab = append(s.histTab, h)
		fz.hist = uint32(len(s.histTab))
		s.hists[h] = fz.hist
	} else {
		fz.hist = 0
		fz.rareOf().history = h
		return
	}
	if fz.rare != nil {
		fz.rare.history = ""
	}
}

// Bounds of the interned histories (Session.hists).
const (
	histInternLen = 24
	histsMax      = 1 << 12
)

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

// freeze is the last sync of a connection the tracker let go of (c, its
// Conn, valid during this event): its copy loses the room append left.
func (s *Session) freeze(r *connRec, c *fsm.Conn) {
	if !r.fz.live() {
		return // already frozen
	}
	if s.shadowFz != nil {
		s.shadowFz(c.ID, slices.Clone(c.Transitions))
	}
	s.sync(r, c)
	fz := &r.fz
	if fz.rare != nil && fz.rare.trs == nil {
		fz.rare.conf = slices.Clip(fz.rare.conf)
		fz.rare.trAt = slices.Clip(fz.rare.trAt)
	}
	r.steps = slices.Clone(r.steps)
	if r.ix != nil {
		r.ix.cks = slices.Clone(r.ix.cks)
		r.ix.tail = nil
	}
	r.fz.bits &^= fzLive
}

// identify copies what never changes of a connection (addresses, VLAN,
// first packet and time, whether it was joined late) from c, its Conn at
// its first step.
func (s *Session) identify(r *connRec, c *fsm.Conn) {
	fz := &r.fz
	r.vlan = c.VLAN
	fz.setFirstPacket(c.FirstPacket)
	s.setIDFields(fz, c)
	if c.JoinedLate {
		fz.bits |= fzJoinedLate
	}
}

// sync copies connection r's Zeek history from c, the tracker's Conn at
// the current event: like the counters of a segment's entry, it is the
// segment's, not a change of the connection's history of states.
func (s *Session) sync(r *connRec, c *fsm.Conn) {
	if h := c.History(); h != s.history(&r.fz) {
		s.setHistory(&r.fz, h)
	}
}

// addChanges folds in the transitions trs (ordinals ords) that r's step
// at pos carries (pos -1: no step). A connection's transitions are its
// steps' changes, in order (fz.trAt, fz.conf), as long as the ordinals
// say they are; otherwise they are kept themselves (rare.trs).
func (s *Session) addChanges(r *connRec, pos int, trs []fsm.Transition, ords []int) {
	if len(trs) == 0 {
		return
	}
	fz := &r.fz
	n := fz.ntr()
	inSteps := fz.trs() == nil
	for k := 0; inSteps && k < len(ords); k++ {
		inSteps = ords[k] == n+k
	}
	if inSteps && pos >= 0 && int(r.nder) == n {
		fz.addTrAt(uint32(pos))
		for k := range trs {
			fz.setConf(n+k, trs[k].Confidence)
		}
		r.nder += uint32(len(trs))
	} else {
		if fz.trs() == nil {
			s.copyTransitions(fz, s.transitions(r, n))
		}
		for _, t := range trs {
			fz.rare.trs = append(fz.rare.trs, frozenTr{packet: t.Packet, t: t.Time.UnixNano(),
				ep: t.Endpoint, from: t.From, to: t.To, conf: t.Confidence, reason: s.reasonIndex(t.Reason)})
		}
	}
	fz.bits = fz.bits&^fzNtrMax | uint32(min(n+len(trs), fzNtrMax))
}

// fold applies ev, a change of connection r's history that is not a
// transition (a confidence, a revision, a note), to its copy.
func (s *Session) fold(r *connRec, ev *fsm.Event) {
	fz := &r.fz
	switch ev.Kind {
	case fsm.KindConfidence:
		if ev.Ordinal >= fz.ntr() {
			return
		}
		if trs := fz.trs(); trs != nil {
			trs[ev.Ordinal].conf = ev.Confidence
		} else {
			fz.setConf(ev.Ordinal, ev.Confidence)
		}
	case fsm.KindRevision:
		for _, o := range ev.Revision.Withdrawn {
			if o >= fz.ntr() {
				continue
			}
			if trs := fz.trs(); trs != nil {
				trs[o].withdrawnBy = ev.Revision.CorrectedBy
			} else {
				fz.rareOf().wd = append(fz.rare.wd, withdrawn{o, ev.Revision.CorrectedBy})
			}
		}
	case fsm.KindNote:
		// Readers hold fz.notes()[:n:n]: append only.
		if len(fz.notes()) < fsm.MaxNotes {
			fz.rareOf().notes = append(fz.rare.notes, fsm.Note{Packet: ev.Packet, Endpoint: ev.Endpoint, Reason: ev.Reason})
		}
	}
}

// copyTransitions keeps trs themselves in fz, compact.
func (s *Session) copyTransitions(fz *frozen, trs []fsm.Transition) {
	kept := make([]frozenTr, len(trs))
	for i, t := range trs {
		kept[i] = frozenTr{packet: t.Packet, withdrawnBy: t.WithdrawnBy, t: t.Time.UnixNano(),
			ep: t.Endpoint, from: t.From, to: t.To, conf: t.Confidence, reason: s.reasonIndex(t.Reason)}
	}
	fz.rareOf().trs, fz.rare.wd, fz.rare.conf = kept, nil, nil
	fz.clearTrAt()
	fz.confs = 0
}

// transitions returns the first n transitions of frozen connection r.
func (s *Session) transitions(r *connRec, n int) []fsm.Transition {
	fz := &r.fz
	out := make([]fsm.Transition, 0, n)
	loc := s.firstTime(fz).Location()
	if trs := fz.trs(); trs != nil {
		for _, t := range trs[:n] {
			out = append(out, fsm.Transition{Packet: t.packet, Time: time.Unix(0, t.t).In(loc), Endpoint: t.ep,
				From: t.from, To: t.to, Reason: s.reasons[t.reason], Confidence: t.conf, WithdrawnBy: t.withdrawnBy})
		}
		return out
	}
	var buf [atMax]uint32
	for _, k := range fz.trAt(&buf) {
		rec, ch := s.recLocked(r.stepAt(int(k)))
		t := time.Unix(0, s.tAt(r.stepAt(int(k)))).In(loc)
		for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
			if len(out) == n {
				break
			}
			if !d.note {
				out = append(out, fsm.Transition{Packet: ch.packetOf(rec), Time: t, Endpoint: d.ep,
					From: d.from, To: d.to, Reason: s.reasons[d.reason], Confidence: fz.conf(len(out))})
			}
		}
		if len(out) == n {
			break
		}
	}
	if fz.rare == nil {
		return out
	}
	for _, w := range fz.rare.wd {
		if w.i < len(out) {
			out[w.i].WithdrawnBy = w.by
		}
	}
	return out
}

// keepTransitions copies the transitions of frozen connection r from its
// steps before one of them is dropped.
func (s *Session) keepTransitions(r *connRec) {
	fz := &r.fz
	if fz.trs() != nil || fz.ntr() == 0 {
		return
	}
	s.copyTransitions(fz, s.transitions(r, fz.ntr()))
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
		e = ent{
			pkts:   [2]uint32{uint32(c.Packets[0]), uint32(c.Packets[1])},
			bytes:  c.Bytes,
			ntr:    uint32(len(c.Transitions)),
			nnotes: uint32(len(c.Notes)),
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
	if s.shadow != nil {
		s.shadow(c.ID, e)
	}
}

// roomFor returns steps with room for one more: 2, 6, 12, 20, then half
// again as many (8, 24, 48, 80 bytes: size classes), where append would
// double (a 10-step connection's 64 bytes instead of 48).
func roomFor(steps []uint32) []uint32 {
	n := len(steps)
	if n < cap(steps) {
		return steps
	}
	var c int
	switch {
	case n < 2:
		c = 2
	case n < 6:
		c = 6
	case n < 12:
		c = 12
	case n < 20:
		c = 20
	default:
		c = n + n/2
	}
	return append(make([]uint32, 0, c), steps...)
}

// derive returns the entry after step rec given the entry e before it:
// a segment's own step counts one packet and its bytes for its sender,
// its history growth (dhist), and every step its changes and notes.
func derive(e ent, rec *stepRec, ch *chunk, idx int) ent {
	if rec.bits&recSeg != 0 {
		from := 0
		if rec.bits&recServer != 0 {
			from = 1
		}
		e.pkts[from]++
		e.bytes[from] += uint64(rec.len)
		e.hist += uint16(rec.dhist)
	}
	for _, d := range ch.dets[rec.det : rec.det+uint32(rec.ndet)] {
		if d.note {
			e.nnotes++
		} else {
			e.ntr++
		}
	}
	e.states = rec.states
	e.step = idx
	return e
}

// stepAt returns the Index of the k-th step in r's index.
func (r *connRec) stepAt(k int) int { return r.base + int(r.steps[k]) }

// latest returns the position in r.steps of the latest step ≤ i, or -1.
func (r *connRec) latest(i int) int {
	return sort.Search(len(r.steps), func(k int) bool { return r.stepAt(k) > i }) - 1
}

// entAt returns the entry at position k of r's index: its last
// checkpoint at or before k (or the first step's entry, derived from
// ent{}), carried forward by derive.
func (s *Session) entAt(r *connRec, k int) ent {
	st := r.stepAt(k)
	cks := r.cks()
	j := sort.Search(len(cks), func(j int) bool { return cks[j].step > st }) - 1
	var e ent
	q := 0
	if j >= 0 {
		e = cks[j]
		if e.step == st {
			return e
		}
		q = r.latest(e.step) + 1
	} else {
		rec, ch := s.recLocked(r.stepAt(0))
		e = derive(ent{}, rec, ch, r.stepAt(0))
		if k == 0 {
			return e
		}
		q = 1
	}
	for ; q <= k; q++ {
		rec, ch := s.recLocked(r.stepAt(q))
		e = derive(e, rec, ch, r.stepAt(q))
	}
	return e
}

// rebase drops the index positions before k, e being the entry at k: it
// becomes the first checkpoint.
func (r *connRec) rebase(k int, e ent) {
	nb := r.stepAt(k)
	steps := make([]uint32, len(r.steps)-k, max(len(r.steps)-k, cap(r.steps)-k))
	for q := range steps {
		steps[q] = uint32(r.stepAt(k+q) - nb)
	}
	cks := []ent{e}
	for _, c := range r.cks() {
		if c.step > e.step {
			cks = append(cks, c)
		}
	}
	if rr := r.fz.rareOf(); !rr.rebased {
		rr.first, rr.rebased = r.base, true
	}
	r.base, r.steps, r.ixOf().cks = nb, steps, cks
	r.lastCk = max(r.lastCk-int32(k), 0)
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

// Info returns counters about the whole session.
func (s *Session) Info() Info {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Info{
		Steps: s.n, First: s.base, Dropped: s.base, DropWhy: s.dropWhy, Keep: s.keep,
		Conns: len(s.order), Open: s.tr.Open(),
		Counts: s.counts, Done: s.done, Err: s.err, Reread: s.rereadErr(),
	}
}

func (s *Session) rereadErr() error {
	s.rrMu.Lock()
	defer s.rrMu.Unlock()
	return s.rrErr
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

// entTime returns the capture time of entry e of r (Unix nanoseconds).
func (s *Session) entTime(r *connRec, e *ent) int64 {
	if rec, ch := s.recLocked(e.step); rec != nil {
		return ch.tOf(rec, (e.step-s.base)%chunkSize)
	}
	if r.fz.rare == nil {
		return 0
	}
	return r.fz.rare.lastT
}

// ConnAt returns connection id as it was after step i: its states,
// counters, transitions and notes as of then. ok is false if the
// connection is unknown or had no step at or before i.
func (s *Session) ConnAt(id uint64, i int) (c fsm.Conn, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil {
		return c, false
	}
	k := r.latest(i)
	if k < 0 {
		return c, false
	}
	ev := s.entAt(r, k)
	e := &ev
	// Only exported fields: the tracker's private ones are as of now.
	// History() and ConnState() of the copy are empty: use RowOf.
	ntr, nnotes := int(e.ntr), int(e.nnotes)
	{
		fz := &r.fz
		c = fsm.Conn{
			ID: r.id, Client: fz.client(), Server: fz.server(), VLAN: r.vlan,
			JoinedLate: fz.joinedLate(), FirstPacket: fz.firstPacket(), FirstTime: s.firstTime(fz),
		}
		ntr, nnotes = min(ntr, fz.ntr()), min(nnotes, len(fz.notes()))
		if ntr > 0 {
			c.Transitions = s.transitions(r, ntr)
		}
		if nnotes > 0 {
			c.Notes = fz.notes()[:nnotes:nnotes]
		}
	}
	c.State = e.states
	c.Packets = [2]uint64{uint64(e.pkts[0]), uint64(e.pkts[1])}
	c.Bytes = e.bytes
	c.LastTime = time.Unix(0, s.entTime(r, e)).In(c.FirstTime.Location())
	if rec, ch := s.recLocked(e.step); rec != nil && ch.packetOf(rec) != 0 {
		c.LastPacket = ch.packetOf(rec)
	}
	return c, true
}

// ConnSteps returns the kept steps of connection id with Index ≤ i, at
// most max of them (the latest), oldest first. The steps' slices are shared
// and must not be modified.
func (s *Session) ConnSteps(id uint64, i, max int) []Step {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil {
		return nil
	}
	end := r.latest(i) + 1
	start := max0(end - max)
	if start >= end {
		return nil
	}
	out := make([]Step, 0, end-start)
	for k := start; k < end; k++ {
		if st, ok := s.stepLocked(r.stepAt(k)); ok {
			out = append(out, st)
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
	r := s.conn(id)
	if r == nil {
		return -1
	}
	k := r.latest(i) + 1
	for ; k < len(r.steps); k++ {
		if st := r.stepAt(k); st >= s.base {
			return st
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
	r := s.conn(id)
	if r == nil {
		return -1
	}
	k := r.latest(i - 1)
	if k >= 0 && r.stepAt(k) >= s.base {
		return r.stepAt(k)
	}
	return -1
}

// ConnSpan returns the first and last kept step of connection id, or
// -1, -1.
func (s *Session) ConnSpan(id uint64) (first, last int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.conn(id)
	if r == nil || len(r.steps) == 0 {
		return -1, -1
	}
	first, last = r.stepAt(0), r.stepAt(len(r.steps)-1)
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
	return sort.Search(len(s.order), func(k int) bool { return s.order[k].first() > i })
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
	r := s.conn(id)
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
	ev := s.entAt(r, k)
	e := &ev
	row := Row{ID: r.id}
	var h string
	var first time.Time
	{
		fz := &r.fz
		row.Client, row.Server, row.JoinedLate = fz.client(), fz.server(), fz.joinedLate()
		h, first = s.history(fz), s.firstTime(fz)
	}
	if int(e.hist) < len(h) {
		h = h[:e.hist]
	}
	return Row{
		ID: row.ID, Client: row.Client, Server: row.Server, JoinedLate: row.JoinedLate,
		States:   e.states,
		Packets:  uint64(e.pkts[0]) + uint64(e.pkts[1]),
		Bytes:    e.bytes[0] + e.bytes[1],
		Duration: time.Duration(s.entTime(r, e) - first.UnixNano()),
		History:  h,
		Ended:    r.end != endOpen && r.end != endGone && r.ended() <= i,
	}, true
}

// IndexOf returns the position of connection id in order of first packet,
// or -1.
func (s *Session) IndexOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].id >= id })
	if k < len(s.order) && s.order[k].id == id {
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
	k := sort.Search(len(s.order), func(k int) bool { return s.order[k].id > after })
	last = after
	for _, r := range s.order[k:] {
		if f.Match(r.client(), r.server()) {
			ids = append(ids, r.id)
		}
		last = r.id
	}
	return ids, last
}

// FirstStepOf returns the Index of the first step of connection id, or -1.
func (s *Session) FirstStepOf(id uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := s.conn(id); r != nil {
		return r.first()
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
