package capture

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"

	"github.com/synfin/synfin/fsm"
)

// This file compiles the subset of the pcap-filter(7) language (tcpdump's
// capture filters) that synfin's users need into classic BPF, for
// Ethernet-framed packets (Linux lo is Ethernet-framed too), and into a Go
// matcher on fsm.Segment for files of any link type.
//
// No maintained pure-Go pcap-filter compiler exists (the ones found wrap
// libpcap through cgo or purego, or are single-purpose tools), so this is a
// small one. Supported:
//
//	tcp | udp | ip | ip6
//	[tcp|udp] [src|dst] port N
//	[ip|ip6] [src|dst] host ADDR        (IPv4 or IPv6 literal, no names)
//	[ip|ip6] [src|dst] net ADDR/BITS
//	[src|dst] ADDR                      (host implied)
//	and, or, not (also &&, ||, !), parentheses; "port 80 or 443" repeats
//	the previous qualifiers, as in tcpdump.
//
// The programs follow libpcap's: "port" means TCP, UDP or SCTP; an IPv4
// "host"/"net" also matches ARP and RARP addresses; IPv4 port tests skip
// non-first fragments and honour the IP header length. Limitation, shared
// with libpcap: for IPv6, ports are matched only when TCP/UDP/SCTP directly
// follows the fixed 40-byte header (no extension headers); bare "tcp" and
// "udp" also accept a fragment header in between. The Segment matcher has no
// such limit, since the decoder has already walked the extension headers.

// snapAll is what an accepting program returns: the most bytes to keep
// (libpcap's MAXIMUM_SNAPLEN).
const snapAll = 262144

// maxBPFInstructions is the kernel's BPF_MAXINSNS.
const maxBPFInstructions = 4096

// Limits on a filter expression, so that a hostile or mistyped one is
// refused at once rather than taking minutes or gigabytes (100,000 nested
// "!" ran for over 9 minutes; a million nested parentheses took 590 MB).
// tcpdump's own filters are a line or two.
const (
	MaxFilterBytes = 64 << 10 // longest expression
	MaxFilterDepth = 256      // deepest nesting of "(" and "not"
)

// Filter is a parsed capture filter. The zero value (and the empty
// expression) matches everything. A Filter is immutable and safe for
// concurrent use.
//
// ParseFilter compiles the expression once into a flat program of
// primitive tests with forward jumps (the shape of the BPF program the
// kernel runs, but over decoded segments), so MatchSegment tests each
// primitive at most once per segment, however the expression was
// written: "! ! ! port 80" costs what "port 80" costs, and parentheses
// cost nothing.
type Filter struct {
	expr string
	root node     // nil: match all
	prog []segIns // root compiled for MatchSegment
}

// ParseFilter parses a tcpdump-style capture filter expression. The error
// is one line naming the word it cannot handle (the expression is quoted,
// and cut short when long).
func ParseFilter(expr string) (*Filter, error) {
	if len(expr) > MaxFilterBytes {
		return nil, fmt.Errorf("filter %s: %d bytes, longer than the %d synfin accepts: shorten it (e.g. \"net 10.0.0.0/8\" instead of many hosts)",
			quoteExpr(expr), len(expr), MaxFilterBytes)
	}
	toks, err := tokenize(expr)
	if err != nil {
		return nil, fmt.Errorf("filter %s: %v", quoteExpr(expr), err)
	}
	f := &Filter{expr: strings.TrimSpace(expr)}
	if len(toks) == 0 {
		return f, nil
	}
	p := &parser{toks: toks}
	root, err := p.parseOr()
	if err == nil && p.pos < len(p.toks) {
		err = p.unexpected(p.toks[p.pos])
	}
	if err != nil {
		return nil, fmt.Errorf("filter %s: %v", quoteExpr(expr), err)
	}
	f.root = root
	f.prog = compileSegments(root)
	return f, nil
}

// quoteExpr quotes an expression for an error message, escape bytes
// included, keeping at most 80 bytes of it.
func quoteExpr(expr string) string {
	const keep = 80
	if len(expr) <= keep {
		return strconv.Quote(expr)
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(expr[cut]) {
		cut--
	}
	return strconv.Quote(expr[:cut]) + fmt.Sprintf("… (%d bytes)", len(expr))
}

// String returns the expression as given (trimmed).
func (f *Filter) String() string { return f.expr }

// MatchAll reports whether the filter accepts every packet (empty
// expression).
func (f *Filter) MatchAll() bool { return f == nil || f.root == nil }

// CompileFilter compiles expr into a classic BPF program for
// Ethernet-framed packets that returns a non-zero snap length to accept a
// packet and 0 to reject it.
func CompileFilter(expr string) ([]bpf.Instruction, error) {
	f, err := ParseFilter(expr)
	if err != nil {
		return nil, err
	}
	return f.Program(snapAll)
}

// Program returns the classic BPF program for Ethernet-framed packets; an
// accepted packet is cut to snaplen bytes (0: DefaultSnaplen).
func (f *Filter) Program(snaplen uint32) ([]bpf.Instruction, error) {
	return f.program(framingEthernet, snaplen)
}

// ProgramFor returns the program for frames of link type lt: Ethernet, or
// raw IP (LinkTypeRaw, IPv4 or IPv6 by the first nibble, as libpcap's
// DLT_RAW programs test it). Other link types have no program: files of
// any link type are filtered with MatchSegment instead.
func (f *Filter) ProgramFor(lt layers.LinkType, snaplen uint32) ([]bpf.Instruction, error) {
	switch lt {
	case layers.LinkTypeEthernet:
		return f.program(framingEthernet, snaplen)
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		return f.program(framingRawIP, snaplen)
	}
	return nil, fmt.Errorf("filter %q: no BPF program for link type %s", f.expr, lt)
}

func (f *Filter) program(fr framing, snaplen uint32) ([]bpf.Instruction, error) {
	if snaplen == 0 {
		snaplen = snapAll
	}
	if f.MatchAll() {
		return []bpf.Instruction{bpf.RetConstant{Val: snaplen}}, nil
	}
	var a assembler
	yes, no := a.label(), a.label()
	a.gen(f.root.tests(fr), yes, no)
	a.place(yes)
	a.emit(bpf.RetConstant{Val: snaplen})
	a.place(no)
	a.emit(bpf.RetConstant{Val: 0})
	prog, err := a.resolve()
	if err != nil {
		return nil, fmt.Errorf("filter %q: %v", f.expr, err)
	}
	return prog, nil
}

// MatchSegment reports whether a decoded TCP segment passes the filter.
// It gives the same answer as the BPF program for every TCP packet the
// program can see into (see the IPv6 note above), and is what files use,
// whatever their link type.
func (f *Filter) MatchSegment(s *fsm.Segment) bool {
	if f.MatchAll() {
		return true
	}
	prog := f.prog
	pc := 0
	for pc < len(prog) {
		in := &prog[pc]
		if in.p.match(s) {
			pc = in.yes
		} else {
			pc = in.no
		}
	}
	return pc == len(prog) // accept; len(prog)+1 rejects
}

// segIns is one step of a compiled filter: test a primitive, go to yes
// or no. Jumps only go forward; len(prog) accepts, len(prog)+1 rejects.
type segIns struct {
	p       prim
	yes, no int
}

// compileSegments lays out the tree as short-circuit code, as the BPF
// assembler does: "not" swaps the targets, "and"/"or" place a label
// between their operands. Each primitive appears once.
func compileSegments(root node) []segIns {
	var c segCompiler
	yes, no := c.label(), c.label()
	c.gen(root, yes, no)
	n := len(c.ins)
	c.labels[yes], c.labels[no] = n, n+1
	for i := range c.ins {
		c.ins[i].yes = c.labels[c.ins[i].yes]
		c.ins[i].no = c.labels[c.ins[i].no]
	}
	return c.ins
}

type segCompiler struct {
	ins    []segIns // yes/no hold labels until compileSegments resolves them
	labels []int
}

func (c *segCompiler) label() int {
	c.labels = append(c.labels, -1)
	return len(c.labels) - 1
}

func (c *segCompiler) gen(n node, yes, no int) {
	switch n := n.(type) {
	case andNode:
		mid := c.label()
		c.gen(n.l, mid, no)
		c.labels[mid] = len(c.ins)
		c.gen(n.r, yes, no)
	case orNode:
		mid := c.label()
		c.gen(n.l, yes, mid)
		c.labels[mid] = len(c.ins)
		c.gen(n.r, yes, no)
	case notNode:
		c.gen(n.x, no, yes)
	case prim:
		c.ins = append(c.ins, segIns{p: n, yes: yes, no: no})
	}
}

// ---- syntax tree ----

type node interface {
	tests(framing) btree // the BPF test tree
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ x node }

func (n andNode) tests(fr framing) btree { return bAnd{n.l.tests(fr), n.r.tests(fr)} }
func (n orNode) tests(fr framing) btree  { return bOr{n.l.tests(fr), n.r.tests(fr)} }
func (n notNode) tests(fr framing) btree { return bNot{n.x.tests(fr)} }

type proto uint8

const (
	protoAny proto = iota
	protoIP
	protoIP6
	protoTCP
	protoUDP
)

type dir uint8

const (
	dirAny dir = iota
	dirSrc
	dirDst
)

type kind uint8

const (
	kindNone kind = iota // bare protocol
	kindHost
	kindNet
	kindPort
)

// prim is one primitive: [proto] [dir] [kind] value.
type prim struct {
	proto proto
	dir   dir
	kind  kind
	net   netip.Prefix // host: a full-length prefix
	port  uint16
}

const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035

	ipProtoTCP  = 6
	ipProtoUDP  = 17
	ipProtoSCTP = 132
	ip6Frag     = 44
)

func (p prim) match(s *fsm.Segment) bool {
	switch p.proto {
	case protoUDP:
		return false // a segment is TCP
	case protoIP:
		if !s.Src.Addr().Is4() {
			return false
		}
	case protoIP6:
		if !s.Src.Addr().Is6() {
			return false
		}
	}
	switch p.kind {
	case kindHost, kindNet:
		src := p.net.Contains(s.Src.Addr())
		dst := p.net.Contains(s.Dst.Addr())
		return p.dir == dirSrc && src || p.dir == dirDst && dst || p.dir == dirAny && (src || dst)
	case kindPort:
		src := s.Src.Port() == p.port
		dst := s.Dst.Port() == p.port
		return p.dir == dirSrc && src || p.dir == dirDst && dst || p.dir == dirAny && (src || dst)
	}
	return true
}

// ---- BPF test tree ----

// btree is a boolean combination of single-word tests on the packet.
type btree interface{ isB() }

type bAnd struct{ l, r btree }
type bOr struct{ l, r btree }
type bNot struct{ x btree }

// bTest loads a value into A and compares it with val.
type bTest struct {
	load []bpf.Instruction
	cond bpf.JumpTest // JumpEqual or JumpBitsSet
	val  uint32
}

func (bAnd) isB()  {}
func (bOr) isB()   {}
func (bNot) isB()  {}
func (bTest) isB() {}

func allOf(ts ...btree) btree {
	r := ts[0]
	for _, t := range ts[1:] {
		r = bAnd{r, t}
	}
	return r
}

func anyOf(ts ...btree) btree {
	r := ts[0]
	for _, t := range ts[1:] {
		r = bOr{r, t}
	}
	return r
}

func ldAbs(off, size uint32) []bpf.Instruction {
	return []bpf.Instruction{bpf.LoadAbsolute{Off: off, Size: int(size)}}
}

func eq(load []bpf.Instruction, v uint32) btree {
	return bTest{load: load, cond: bpf.JumpEqual, val: v}
}

// framing says where the network header starts and how its protocol is
// found: after a 14-byte Ethernet header and its EtherType, or at offset
// 0 with the IP version in the first nibble (raw IP, as libpcap's DLT_RAW
// programs do).
type framing struct {
	hdr uint32 // offset of the network header
	raw bool
}

var (
	framingEthernet = framing{hdr: 14}
	framingRawIP    = framing{hdr: 0, raw: true}
)

// ld loads size bytes at off from the start of the network header.
func (fr framing) ld(off, size uint32) []bpf.Instruction { return ldAbs(fr.hdr+off, size) }

// is tests the network protocol: IPv4, IPv6, ARP or RARP by EtherType. A
// raw IP frame is never ARP: is returns nil for it, and callers leave the
// term out.
func (fr framing) is(etherType uint32) btree {
	if !fr.raw {
		return eq(ldAbs(12, 2), etherType)
	}
	load := []bpf.Instruction{bpf.LoadAbsolute{Off: fr.hdr, Size: 1}, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xf0}}
	switch etherType {
	case etherIPv4:
		return eq(load, 0x40)
	case etherIPv6:
		return eq(load, 0x60)
	}
	return nil
}

// ipProto tests the IPv4 protocol or the IPv6 next header for one of ps.
func (fr framing) ipProto(v6 bool, ps ...uint32) btree {
	off := uint32(9)
	if v6 {
		off = 6
	}
	var ts []btree
	for _, p := range ps {
		ts = append(ts, eq(fr.ld(off, 1), p))
	}
	return anyOf(ts...)
}

// maskedWords compares the 4-byte words of a prefix at off in the network
// header; a word whose mask is partial is masked, one that is fully masked
// out is not loaded.
func (fr framing) maskedWords(off uint32, pfx netip.Prefix) btree {
	addr := pfx.Addr().AsSlice()
	bits := pfx.Bits()
	var ts []btree
	for i := 0; i < len(addr); i += 4 {
		n := bits - i*8
		if n <= 0 {
			break
		}
		mask := ^uint32(0)
		if n < 32 {
			mask = ^(^uint32(0) >> n)
		}
		w := binary.BigEndian.Uint32(addr[i:]) & mask
		load := fr.ld(off+uint32(i), 4)
		if mask != ^uint32(0) {
			load = append(load, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
		}
		ts = append(ts, eq(load, w))
	}
	if len(ts) == 0 { // net 0.0.0.0/0 and ::/0
		return nil
	}
	return allOf(ts...)
}

// either picks the source, destination or both tests for a direction.
func either(d dir, src, dst btree) btree {
	switch {
	case src == nil || dst == nil: // /0: always true within the family
		return nil
	case d == dirSrc:
		return src
	case d == dirDst:
		return dst
	}
	return bOr{src, dst}
}

// and2 is a AND b where a nil b means true.
func and2(a, b btree) btree {
	if b == nil {
		return a
	}
	return bAnd{a, b}
}

// Offsets in the network header.
const (
	ip4Frag  = 6  // flags and fragment offset
	ip4Src   = 12 // IPv4 addresses
	ip4Dst   = 16
	ip6Src   = 8 // IPv6 addresses
	ip6Dst   = 24
	ip6Next  = 40 // after the fixed header: ports, or a fragment header's next header
	arpSPA   = 14 // ARP sender and target protocol addresses (Ethernet/IPv4)
	arpTPA   = 24
	ip4Ports = 0 // from the IPv4 header's end (X = 4*IHL)
)

func (p prim) tests(fr framing) btree {
	switch p.kind {
	case kindNone:
		switch p.proto {
		case protoIP:
			return fr.is(etherIPv4)
		case protoIP6:
			return fr.is(etherIPv6)
		}
		n := uint32(ipProtoTCP)
		if p.proto == protoUDP {
			n = ipProtoUDP
		}
		return bOr{
			bAnd{fr.is(etherIPv4), fr.ipProto(false, n)},
			bAnd{fr.is(etherIPv6), bOr{fr.ipProto(true, n), bAnd{fr.ipProto(true, ip6Frag), eq(fr.ld(ip6Next, 1), n)}}},
		}
	case kindHost, kindNet:
		if p.net.Addr().Is4() {
			ip := and2(fr.is(etherIPv4), either(p.dir, fr.maskedWords(ip4Src, p.net), fr.maskedWords(ip4Dst, p.net)))
			if p.proto == protoIP || fr.raw {
				return ip
			}
			arp := either(p.dir, fr.maskedWords(arpSPA, p.net), fr.maskedWords(arpTPA, p.net))
			return bOr{ip, and2(bOr{fr.is(etherARP), fr.is(etherRARP)}, arp)}
		}
		return and2(fr.is(etherIPv6), either(p.dir, fr.maskedWords(ip6Src, p.net), fr.maskedWords(ip6Dst, p.net)))
	}
	// kindPort
	ps := []uint32{ipProtoSCTP, ipProtoTCP, ipProtoUDP}
	switch p.proto {
	case protoTCP:
		ps = []uint32{ipProtoTCP}
	case protoUDP:
		ps = []uint32{ipProtoUDP}
	}
	port := uint32(p.port)
	v6 := allOf(fr.is(etherIPv6), fr.ipProto(true, ps...),
		either(p.dir, eq(fr.ld(ip6Next, 2), port), eq(fr.ld(ip6Next+2, 2), port)))
	ind := func(off uint32) []bpf.Instruction {
		return []bpf.Instruction{bpf.LoadMemShift{Off: fr.hdr}, bpf.LoadIndirect{Off: fr.hdr + off, Size: 2}}
	}
	v4 := allOf(fr.is(etherIPv4), fr.ipProto(false, ps...),
		bNot{bTest{load: fr.ld(ip4Frag, 2), cond: bpf.JumpBitsSet, val: 0x1fff}},
		either(p.dir, eq(ind(ip4Ports), port), eq(ind(ip4Ports+2), port)))
	return bOr{v6, v4}
}

// ---- assembler ----

// assembler lays out a test tree as short-circuit code where every test
// ends in a conditional jump to two labels. Labels are always placed after
// the jumps that use them, so every jump goes forward, as BPF requires.
type assembler struct {
	ins    []bpf.Instruction
	labels []int // position, -1 until placed
	fixups []fixup
}

type fixup struct {
	at      int
	yes, no int  // labels
	ja      bool // an unconditional jump to yes (a trampoline)
}

func (a *assembler) label() int {
	a.labels = append(a.labels, -1)
	return len(a.labels) - 1
}

func (a *assembler) place(l int) { a.labels[l] = len(a.ins) }

func (a *assembler) emit(i bpf.Instruction) { a.ins = append(a.ins, i) }

func (a *assembler) gen(t btree, yes, no int) {
	switch t := t.(type) {
	case bAnd:
		mid := a.label()
		a.gen(t.l, mid, no)
		a.place(mid)
		a.gen(t.r, yes, no)
	case bOr:
		mid := a.label()
		a.gen(t.l, yes, mid)
		a.place(mid)
		a.gen(t.r, yes, no)
	case bNot:
		a.gen(t.x, no, yes)
	case bTest:
		for _, i := range t.load {
			a.emit(i)
		}
		a.fixups = append(a.fixups, fixup{at: len(a.ins), yes: yes, no: no})
		a.emit(bpf.JumpIf{Cond: t.cond, Val: t.val})
	}
}

// resolve turns labels into jump offsets. A conditional jump reaches at
// most 255 instructions ahead; for a farther target it goes through a
// trampoline, an unconditional jump (32-bit offset) inserted right after
// it, as libpcap does. Inserting one can push other targets out of reach,
// so it repeats until every jump fits.
func (a *assembler) resolve() ([]bpf.Instruction, error) {
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(a.fixups) && !changed; i++ {
			f := a.fixups[i]
			if f.ja {
				continue
			}
			switch {
			case a.labels[f.yes]-f.at-1 > 255:
				a.fixups[i].yes = a.trampoline(f.at+1, f.yes)
				changed = true
			case a.labels[f.no]-f.at-1 > 255:
				a.fixups[i].no = a.trampoline(f.at+1, f.no)
				changed = true
			}
		}
		if len(a.ins) > maxBPFInstructions {
			return nil, fmt.Errorf("%d instructions, more than BPF's %d", len(a.ins), maxBPFInstructions)
		}
	}
	for _, f := range a.fixups {
		jt := a.labels[f.yes] - f.at - 1
		if f.ja {
			if jt < 0 {
				return nil, fmt.Errorf("internal error: backward jump")
			}
			a.ins[f.at] = bpf.Jump{Skip: uint32(jt)}
			continue
		}
		jf := a.labels[f.no] - f.at - 1
		if jt < 0 || jf < 0 || jt > 255 || jf > 255 {
			return nil, fmt.Errorf("internal error: jump offsets %d, %d", jt, jf)
		}
		j := a.ins[f.at].(bpf.JumpIf)
		j.SkipTrue, j.SkipFalse = uint8(jt), uint8(jf)
		a.ins[f.at] = j
	}
	return a.ins, nil
}

// trampoline inserts at position k an unconditional jump to label target
// and returns a new label for it. The instruction before k is a
// conditional jump, which never falls through, so only jumps reach k.
func (a *assembler) trampoline(k, target int) int {
	a.ins = append(a.ins, nil)
	copy(a.ins[k+1:], a.ins[k:])
	a.ins[k] = bpf.Jump{}
	for l, pos := range a.labels {
		if pos >= k {
			a.labels[l] = pos + 1
		}
	}
	for i := range a.fixups {
		if a.fixups[i].at >= k {
			a.fixups[i].at++
		}
	}
	l := a.label()
	a.labels[l] = k
	a.fixups = append(a.fixups, fixup{at: k, yes: target, ja: true})
	return l
}

// ---- parser ----

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case c == '!':
			toks = append(toks, "not")
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, "and")
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, "or")
			i += 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()!&|", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unsupported character %q", s[i:i+1])
			}
			toks = append(toks, strings.ToLower(s[i:j]))
			i = j
		}
	}
	return toks, nil
}

type parser struct {
	toks  []string
	pos   int
	depth int   // nesting of "(" and "not" at pos
	last  *prim // qualifiers a bare value repeats ("port 80 or 443")
}

// nest enters one level of "(" or "not"; the caller leaves it with
// p.depth--.
func (p *parser) nest() error {
	p.depth++
	if p.depth > MaxFilterDepth {
		return fmt.Errorf("nested more than %d levels deep (parentheses and \"not\"): simplify it", MaxFilterDepth)
	}
	return nil
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if t != "" {
		p.pos++
	}
	return t
}

const supported = "tcp, udp, ip, ip6, host, net, port, src, dst, and, or, not, ( )"

func (p *parser) unexpected(t string) error {
	if t == "" {
		return fmt.Errorf("unexpected end of expression")
	}
	return fmt.Errorf("unsupported word %q (synfin understands: %s)", t, supported)
}

func (p *parser) parseOr() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) parseUnary() (node, error) {
	switch t := p.peek(); t {
	case "not":
		p.next()
		if err := p.nest(); err != nil {
			return nil, err
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		p.depth--
		return notNode{x}, nil
	case "(":
		p.next()
		if err := p.nest(); err != nil {
			return nil, err
		}
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing \")\"")
		}
		p.depth--
		return x, nil
	}
	return p.parsePrim()
}

func (p *parser) parsePrim() (node, error) {
	var q prim
	start := p.pos
	switch p.peek() {
	case "tcp":
		q.proto = protoTCP
	case "udp":
		q.proto = protoUDP
	case "ip":
		q.proto = protoIP
	case "ip6":
		q.proto = protoIP6
	}
	if q.proto != protoAny {
		p.next()
	}
	switch p.peek() {
	case "src":
		q.dir = dirSrc
	case "dst":
		q.dir = dirDst
	}
	if q.dir != dirAny {
		p.next()
		if w := p.peek(); w == "or" || w == "and" {
			return nil, fmt.Errorf("unsupported words %q (use \"src X or dst X\")", "src "+w+" dst")
		}
	}
	switch p.peek() {
	case "host":
		q.kind = kindHost
	case "net":
		q.kind = kindNet
	case "port":
		q.kind = kindPort
	}
	if q.kind != kindNone {
		p.next()
	}
	if q.kind == kindNone && q.proto != protoAny && q.dir == dirAny {
		return q, nil // bare protocol
	}
	w := p.peek()
	if p.pos == start {
		// A bare value: repeat the previous primitive's qualifiers, or an
		// address on its own means host.
		if w == "" || isKeyword(w) {
			return nil, p.unexpected(w)
		}
		if p.last != nil {
			q = *p.last
		} else if _, err := netip.ParseAddr(w); err == nil {
			q.kind = kindHost
		} else {
			return nil, p.unexpected(w)
		}
	}
	if q.kind == kindNone {
		q.kind = kindHost // "src 10.0.0.1"
		if strings.Contains(w, "/") {
			q.kind = kindNet
		}
	}
	if w == "" || isKeyword(w) {
		return nil, fmt.Errorf("missing value after %q", strings.Join(p.toks[start:p.pos], " "))
	}
	p.next()
	if err := q.setValue(w); err != nil {
		return nil, err
	}
	last := q
	p.last = &last
	return q, nil
}

func isKeyword(w string) bool {
	switch w {
	case "tcp", "udp", "ip", "ip6", "src", "dst", "host", "net", "port", "and", "or", "not", "(", ")":
		return true
	}
	return false
}

func (q *prim) setValue(w string) error {
	switch q.kind {
	case kindPort:
		if q.proto == protoIP || q.proto == protoIP6 {
			return fmt.Errorf("unsupported combination %q with port (use tcp or udp)", protoWord(q.proto))
		}
		n, err := strconv.ParseUint(w, 10, 16)
		if err != nil {
			return fmt.Errorf("port %q: want a number 0-65535 (service names are not supported)", w)
		}
		q.port = uint16(n)
		return nil
	case kindHost:
		if q.proto == protoTCP || q.proto == protoUDP {
			return fmt.Errorf("unsupported combination %q with host (use \"%s and host %s\")", protoWord(q.proto), protoWord(q.proto), w)
		}
		a, err := netip.ParseAddr(w)
		if err != nil {
			return fmt.Errorf("host %q: want an IPv4 or IPv6 address (names are not resolved)", w)
		}
		if a.Zone() != "" {
			return fmt.Errorf("host %q: zones are not supported", w)
		}
		q.net = netip.PrefixFrom(a, a.BitLen())
	case kindNet:
		if q.proto == protoTCP || q.proto == protoUDP {
			return fmt.Errorf("unsupported combination %q with net", protoWord(q.proto))
		}
		pf, err := netip.ParsePrefix(w)
		if err != nil {
			a, err2 := netip.ParseAddr(w)
			if err2 != nil {
				return fmt.Errorf("net %q: want ADDR/BITS, e.g. 10.0.0.0/8", w)
			}
			pf = netip.PrefixFrom(a, a.BitLen())
		}
		if pf.Addr().Zone() != "" {
			return fmt.Errorf("net %q: zones are not supported", w)
		}
		if pf.Masked() != pf {
			return fmt.Errorf("net %q: host bits set (did you mean %s?)", w, pf.Masked())
		}
		q.net = pf
	}
	if q.proto == protoIP && !q.net.Addr().Is4() || q.proto == protoIP6 && !q.net.Addr().Is6() {
		return fmt.Errorf("%q with address %q of the other IP version", protoWord(q.proto), w)
	}
	return nil
}

func protoWord(p proto) string {
	return [...]string{"", "ip", "ip6", "tcp", "udp"}[p]
}

// ---- filtering sources in user space ----

// OpenFileFiltered opens a capture file like OpenFile and returns only the
// segments that pass the filter expr ("" = all). The filter is checked
// before the file is opened. It runs on decoded segments
// (Filter.MatchSegment), so it works for every link type a file may hold;
// Segment.Packet keeps the frame's number in the file, as tshark numbers
// it, and Stats.Filtered counts the rejected segments.
func OpenFileFiltered(path, expr string) (Source, error) {
	f, err := ParseFilter(expr)
	if err != nil {
		return nil, err
	}
	src, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	return FilterSource(src, f), nil
}

// FilterSource returns a Source that yields only src's segments that pass
// f; a nil or match-all f returns src itself. Closing it closes src.
func FilterSource(src Source, f *Filter) Source {
	if f.MatchAll() {
		return src
	}
	return &filteredSource{src: src, f: f}
}

type filteredSource struct {
	src      Source
	f        *Filter
	filtered uint64
}

func (s *filteredSource) Next() (fsm.Segment, error) {
	for {
		seg, err := s.src.Next()
		if err != nil {
			return seg, err
		}
		if s.f.MatchSegment(&seg) {
			return seg, nil
		}
		s.filtered++
	}
}

func (s *filteredSource) Stats() Stats {
	st := s.src.Stats()
	st.Segments -= s.filtered
	st.Filtered = s.filtered
	return st
}

func (s *filteredSource) Close() error { return s.src.Close() }
