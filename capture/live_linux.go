package capture

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/afpacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/fsm"
)

// Live capture uses gopacket's afpacket (TPACKET_V3), not
// pcapgo.EthernetHandle: its ring buffer is shared with the kernel, so
// frames arrive in blocks without a syscall each (the loopback flood of
// the demo's stress scenario must not drop), it has a poll timeout (Next
// can give control back), and it reads the kernel's drop counters. Both
// build with CGO_ENABLED=0.
//
// Two afpacket traps are handled here:
//   - TPacket.Close unmaps the ring, which crashes a reader still inside
//     it, so Close from another goroutine only flags the source; the
//     reader holds readMu while it polls (at most pollSlice) and the ring
//     is unmapped once the reader has let go.
//   - NewTPacket binds the socket before a filter can be attached, so the
//     ring can hold a few frames that no filter saw (including loopback
//     outgoing duplicates). Frames stamped before the filter was attached
//     are dropped, until the first one stamped after it.

const (
	pollSlice        = 100 * time.Millisecond // longest Close waits for Next
	blockRetire      = 10 * time.Millisecond  // a partly filled ring block reaches Next after this
	ringBlockSize    = 256 << 10              // holds the 64 KiB GSO frames seen on lo
	ringFrameSize    = 2048
	defaultRingBytes = 8 << 20
	drainWindow      = 5 * time.Second // see Next
)

// arphrd values (linux/if_arp.h) of the interfaces captured as Ethernet;
// any other type is captured from the network header on (raw IP).
const (
	arphrdEther    = 1
	arphrdLoopback = 772
)

// packetOutgoing is PACKET_OUTGOING, skb->pkt_type of a frame this host
// sends.
const packetOutgoing = 4

// LiveSource captures TCP segments live from a Linux network interface,
// IPv4 and IPv6, through a memory-mapped AF_PACKET ring (pure Go, no
// libpcap). Ethernet-framed interfaces (Ethernet, Wi-Fi, veth, bridges,
// loopback) are captured with their Ethernet header; any other (tun,
// WireGuard, PPP...) from the IP header on, as raw IP (LinkType).
//
// The capture filter runs in the kernel. On a loopback interface, where a
// packet socket sees every packet twice (as sent and as received), the
// sent copy is dropped in the kernel too, so each packet is seen once, as
// with tcpdump.
//
// Next, Close and Stats follow Source. Stats may be called from any
// goroutine while Next runs; Close may be called from another goroutine to
// stop a blocked Next, which then returns io.EOF (within 100 ms).
type LiveSource struct {
	iface    string
	loopback bool
	linkType layers.LinkType // Ethernet, or Raw for interfaces without one
	framing  framing
	opt      LiveOptions
	filter   *Filter
	dec      *Decoder
	attached time.Time // when the filter went in; earlier frames are dropped
	draining bool      // still checking stamps against attached

	readMu sync.Mutex // held by Next while it reads the ring
	tpMu   sync.Mutex // guards tp against Close, for Stats
	tp     *afpacket.TPacket
	closed atomic.Bool

	packets  atomic.Uint64
	segments atomic.Uint64
	skipped  [numSkips]atomic.Uint64
	early    atomic.Uint64 // frames dropped as read before the filter was attached

	kernelDrops   atomic.Uint64 // last value read from PACKET_STATISTICS
	kernelPackets atomic.Uint64
}

// OpenLive starts capturing on iface ("" = the loopback interface) the
// packets that match filter (tcpdump syntax, see ParseFilter; "" = all).
// Without CAP_NET_RAW the error is a *PermissionError (see IsPermission)
// whose one-line message gives the fixes.
func OpenLive(iface, filter string, opt LiveOptions) (*LiveSource, error) {
	if iface == "" {
		lo, err := LoopbackInterface()
		if err != nil {
			return nil, fmt.Errorf("live capture: %w", err)
		}
		iface = lo
	}
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("live capture: no interface %q (have: %s)", iface, interfaceNames())
	}
	if !interfaceUp(ifc) {
		return nil, fmt.Errorf("live capture on %q: the interface is down (ip link set %q up)", iface, iface)
	}
	hw, err := hardwareType(iface)
	if err != nil {
		return nil, fmt.Errorf("live capture on %q: read the link type: %w", iface, err)
	}
	f, err := ParseFilter(filter)
	if err != nil {
		return nil, err
	}
	if opt.Snaplen == 0 {
		opt.Snaplen = DefaultSnaplen
	}
	s := &LiveSource{
		iface:    iface,
		loopback: ifc.Flags&net.FlagLoopback != 0,
		linkType: layers.LinkTypeEthernet,
		framing:  framingEthernet,
		opt:      opt,
		filter:   f,
		dec:      NewDecoder(),
		draining: true,
	}
	sockType := afpacket.SocketRaw
	if hw != arphrdEther && hw != arphrdLoopback {
		// A SOCK_DGRAM packet socket hands over (and filters) every
		// frame from its network header on, whatever the link layer.
		s.linkType, s.framing, sockType = layers.LinkTypeRaw, framingRawIP, afpacket.SocketDgram
	}
	prog, err := s.program()
	if err != nil {
		return nil, err
	}

	ring := opt.BufferSize
	if ring <= 0 {
		ring = defaultRingBytes
	}
	blocks := max(ring/ringBlockSize, 2)
	poll := pollSlice
	if opt.Timeout > 0 && opt.Timeout < poll {
		poll = opt.Timeout
	}
	tp, err := afpacket.NewTPacket(
		afpacket.OptInterface(iface),
		sockType,
		afpacket.TPacketVersion3,
		afpacket.OptBlockSize(ringBlockSize),
		afpacket.OptFrameSize(ringFrameSize),
		afpacket.OptNumBlocks(blocks),
		afpacket.OptBlockTimeout(blockRetire),
		afpacket.OptPollTimeout(poll),
		// Put back the 802.1Q tag the NIC stripped, so VLANs stay apart.
		afpacket.OptAddVLANHeader(sockType == afpacket.SocketRaw),
	)
	if err != nil {
		return nil, socketError("live capture on "+strconv.Quote(iface)+": open a packet socket", err)
	}
	if err := tp.SetBPF(prog); err != nil {
		tp.Close()
		return nil, socketError("live capture on "+strconv.Quote(iface)+": attach the filter", err)
	}
	s.attached = time.Now()
	if opt.Write != nil {
		if err := opt.Write.relink(s.linkType); err != nil {
			tp.Close()
			return nil, fmt.Errorf("live capture on %q: %w", iface, err)
		}
	}
	s.tp = tp
	return s, nil
}

// program assembles the kernel filter: on loopback, first drop the copy
// of each packet as it was sent (PITFALLS.md), then the user's filter.
func (s *LiveSource) program() ([]bpf.RawInstruction, error) {
	user, err := s.filter.program(s.framing, s.opt.Snaplen)
	if err != nil {
		return nil, err
	}
	var prog []bpf.Instruction
	if s.loopback {
		prog = append(prog,
			bpf.LoadExtension{Num: bpf.ExtType},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: packetOutgoing, SkipTrue: 0, SkipFalse: 1},
			bpf.RetConstant{Val: 0},
		)
	}
	prog = append(prog, user...)
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("live capture: assemble the filter: %w", err)
	}
	return raw, nil
}

// Interface is the name of the interface being captured.
func (s *LiveSource) Interface() string { return s.iface }

// LinkType is the link type of the captured frames (and of the Write
// file): Ethernet, or Raw (IPv4/IPv6 without a link header).
func (s *LiveSource) LinkType() layers.LinkType { return s.linkType }

// Next returns the next TCP segment. Segment.Packet counts every captured
// frame from 1 in arrival order (TCP or not, as in the Write file) and
// Segment.Time is the kernel's capture time. Payload points into the
// kernel ring and is valid until the next call to Next. Next returns
// ErrTimeout after LiveOptions.Timeout without a packet, and io.EOF once
// Close was called.
func (s *LiveSource) Next() (fsm.Segment, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	var deadline time.Time
	if s.opt.Timeout > 0 {
		deadline = time.Now().Add(s.opt.Timeout)
	}
	for {
		if s.closed.Load() {
			return fsm.Segment{}, io.EOF
		}
		data, ci, err := s.tp.ZeroCopyReadPacketData()
		if err != nil {
			if errors.Is(err, afpacket.ErrTimeout) {
				s.idle()
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					return fsm.Segment{}, ErrTimeout
				}
				continue
			}
			if s.closed.Load() {
				return fsm.Segment{}, io.EOF
			}
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return fsm.Segment{}, fmt.Errorf("live capture on %q: %w", s.iface, err)
		}
		if s.draining {
			// Frames the ring took before the filter was in are stamped
			// a few milliseconds before it. One stamped much earlier
			// means a clock this check cannot use: stop checking rather
			// than drop the capture.
			if age := s.attached.Sub(ci.Timestamp); age > 0 && age < drainWindow {
				s.early.Add(1)
				continue
			}
			s.draining = false
		}
		n := s.packets.Add(1)
		if w := s.opt.Write; w != nil {
			// A failed write (a full disk) stops the file, not the
			// capture: the writer cuts the file back to its last whole
			// record, counts what it could not save, and Stats reports
			// it (WriteErr) for the status line and the exit status.
			_ = w.WritePacket(ci.Timestamp, data, ci.Length)
		}
		var seg fsm.Segment
		skip, ok := s.dec.Decode(s.linkType, data, ci.Length, &seg)
		if !ok {
			s.skipped[skip].Add(1)
			// A stream of frames that are not TCP must not hold the
			// caller past its timeout.
			if !deadline.IsZero() && !time.Now().Before(deadline) {
				return fsm.Segment{}, ErrTimeout
			}
			continue
		}
		seg.Packet = n
		seg.Time = ci.Timestamp
		s.segments.Add(1)
		return seg, nil
	}
}

// idle runs when the line is quiet: put the written frames on disk, so
// an idle capture's file is complete even if the process is killed.
func (s *LiveSource) idle() {
	if w := s.opt.Write; w != nil {
		w.Flush() // an error stops the writer; Stats reports it
	}
}

// Stats reports what was captured so far; safe for concurrent use.
// KernelDrops counts frames the kernel accepted through the filter but had
// no room for in the ring.
func (s *LiveSource) Stats() Stats {
	s.readKernelStats()
	st := Stats{
		Packets:     s.packets.Load(),
		Segments:    s.segments.Load(),
		KernelDrops: s.kernelDrops.Load(),
		LinkTypes:   []string{LinkTypeName(s.linkType)},
	}
	if w := s.opt.Write; w != nil {
		st.WriteErr = w.Err()
	}
	for i := range st.Skipped {
		st.Skipped[i] = s.skipped[i].Load()
	}
	return st
}

// EarlyFrames is the number of frames the ring took before the filter
// was attached (any traffic on the interface, both copies on loopback),
// which Next dropped. KernelPackets counts them too.
func (s *LiveSource) EarlyFrames() uint64 { return s.early.Load() }

// KernelPackets is the number of frames the kernel passed through the
// filter to this socket, dropped ones included (PACKET_STATISTICS).
func (s *LiveSource) KernelPackets() uint64 {
	s.readKernelStats()
	return s.kernelPackets.Load()
}

func (s *LiveSource) readKernelStats() {
	s.tpMu.Lock()
	defer s.tpMu.Unlock()
	if s.tp == nil {
		return
	}
	// afpacket accumulates: reading the counters resets them in the kernel.
	_, v3, err := s.tp.SocketStats()
	if err != nil {
		return
	}
	s.kernelDrops.Store(uint64(v3.Drops()))
	s.kernelPackets.Store(uint64(v3.Packets()))
}

// Close stops the capture and releases the ring; a Next blocked in
// another goroutine returns io.EOF. The Write file is flushed, not closed.
// Safe to call more than once.
func (s *LiveSource) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.readMu.Lock() // wait for Next to leave the ring
	defer s.readMu.Unlock()
	s.readKernelStats()
	s.tpMu.Lock()
	s.tp.Close()
	s.tp = nil
	s.tpMu.Unlock()
	if w := s.opt.Write; w != nil {
		return w.Flush()
	}
	return nil
}

var _ Source = (*LiveSource)(nil)
