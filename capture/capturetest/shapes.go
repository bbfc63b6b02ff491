package capturetest

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// Shape is a synthetic capture with a given mix of connections, for the
// benchmarks that measure memory and speed on connection-heavy files (see
// Shapes). Packets are written densely (Gap apart) so that TIME_WAIT (60 s)
// does not expire inside the file unless the shape says so.
type Shape struct {
	Name       string
	Conns      int           // connections in the file
	Concurrent int           // connections whose packets take turns at once
	Gap        time.Duration // time between consecutive packets
	// Script returns the packets of connection i, in order.
	Script func(i int) []Pkt
}

// Pkt is one packet of a connection's script.
type Pkt struct {
	FromClient bool
	SYN, ACK   bool
	PSH, FIN   bool
	RST        bool
	Len        int // payload bytes
}

var (
	pSYN    = Pkt{FromClient: true, SYN: true}
	pSYNACK = Pkt{SYN: true, ACK: true}
	pACK    = Pkt{FromClient: true, ACK: true}
	pReq    = Pkt{FromClient: true, ACK: true, PSH: true, Len: reqLen}
	pResp   = Pkt{ACK: true, PSH: true, Len: respLen}
	pSAck   = Pkt{ACK: true}
	pCFIN   = Pkt{FromClient: true, ACK: true, FIN: true}
	pSFIN   = Pkt{ACK: true, FIN: true}
	pCRST   = Pkt{FromClient: true, RST: true, ACK: true}

	shortScript = []Pkt{pSYN, pSYNACK, pACK, pReq, pResp, pACK, pCFIN, pSAck, pSFIN, pACK}
	resetScript = []Pkt{pSYN, pSYNACK, pACK, pReq, pResp, pCRST}
	openScript  = []Pkt{pSYN, pSYNACK, pACK, pReq, pResp}
	longScript  = func() []Pkt {
		s := []Pkt{pSYN, pSYNACK, pACK}
		for len(s) < 996 {
			s = append(s, pReq, pSAck)
		}
		s = s[:996]
		return append(s, pCFIN, pSAck, pSFIN, pACK)
	}()
)

// The three shapes of issue 10, each about a million packets or more.
var (
	// ShapeTimeWait: 1M packets, 100k short connections, all still in
	// TIME_WAIT (the client's) at the end of the file: it lasts 10 s.
	ShapeTimeWait = Shape{Name: "timewait", Conns: 100_000, Concurrent: 8, Gap: 10 * time.Microsecond,
		Script: func(int) []Pkt { return shortScript }}
	// ShapeResetOpen: 1.1M packets, 200k connections, half reset by the
	// client after a request and a response, half never closed.
	ShapeResetOpen = Shape{Name: "resetopen", Conns: 200_000, Concurrent: 8, Gap: 10 * time.Microsecond,
		Script: func(i int) []Pkt {
			if i%2 == 0 {
				return resetScript
			}
			return openScript
		}}
	// ShapeLong: 2M packets, 2,000 concurrent long connections of 1,000
	// packets each (requests and ACKs), all closed at the end.
	ShapeLong = Shape{Name: "long", Conns: 2_000, Concurrent: 2_000, Gap: 10 * time.Microsecond,
		Script: func(int) []Pkt { return longScript }}
	// Shapes lists them.
	Shapes = []Shape{ShapeTimeWait, ShapeResetOpen, ShapeLong}
)

// Packets returns how many packets WriteShape writes for sh.
func (sh Shape) Packets() int {
	n := 0
	for i := 0; i < sh.Conns; i++ {
		n += len(sh.Script(i))
	}
	return n
}

// WriteShape writes sh as a microsecond pcap (Ethernet, IPv4) to path.
// Clients are 10.1.x.y connecting from ports 20000-59999 to 10.0.0.1:80,
// every connection on its own 4-tuple; ISNs come from a fixed seed, so the
// file is the same on every run. Checksums are right. Frames are built by
// hand (gopacket's serializer is three times slower on millions).
func WriteShape(path string, sh Shape) error {
	return writePcap(path, func(w *pcapgo.Writer) error {
		return writeShape(w, sh)
	})
}

func writeShape(w *pcapgo.Writer, sh Shape) error {
	rng := rand.New(rand.NewPCG(0x5f1a, uint64(len(sh.Name))))
	ts := Start
	var frame []byte
	type live struct {
		c      conn
		script []Pkt
		next   int
	}
	conc := max(1, sh.Concurrent)
	for first := 0; first < sh.Conns; first += conc {
		n := min(conc, sh.Conns-first)
		ls := make([]live, n)
		for i := range ls {
			g := gen{rng: rng}
			ls[i] = live{c: g.newConn(first + i), script: sh.Script(first + i)}
		}
		// Round robin over the connections still in their script.
		for left := n; left > 0; {
			left = 0
			for i := range ls {
				l := &ls[i]
				if l.next == len(l.script) {
					continue
				}
				frame = buildFrame(frame[:0], &l.c, l.script[l.next])
				l.next++
				if l.next < len(l.script) {
					left++
				}
				ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}
				ts = ts.Add(sh.Gap)
				if err := w.WritePacket(ci, frame); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// buildFrame appends an Ethernet/IPv4/TCP frame for p of c (TCP timestamps
// option on every segment, MSS, SACK-permitted and window scale on SYNs)
// and advances c's sequence numbers.
func buildFrame(b []byte, c *conn, p Pkt) []byte {
	src, dst := c.cli.To4(), c.srv.To4()
	smac, dmac := clientMAC, serverMAC
	sport, dport := c.cport, c.sport
	seq, ack := c.cseq, c.sseq
	if !p.FromClient {
		src, dst = dst, src
		smac, dmac = dmac, smac
		sport, dport = dport, sport
		seq, ack = ack, seq
	}
	var opts []byte
	c.tsval++
	var ts [4]byte
	binary.BigEndian.PutUint32(ts[:], c.tsval)
	if p.SYN {
		opts = []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10, ts[0], ts[1], ts[2], ts[3], 0, 0, 0, 0, 1, 3, 3, 7}
	} else {
		opts = []byte{1, 1, 8, 10, ts[0], ts[1], ts[2], ts[3], 0, 0, 0, 0}
	}
	tcpLen := 20 + len(opts)
	ipLen := 20 + tcpLen + p.Len
	b = append(b, dmac...)
	b = append(b, smac...)
	b = append(b, 0x08, 0x00)
	ip := len(b)
	b = append(b, 0x45, 0, byte(ipLen>>8), byte(ipLen), 0, 0, 0x40, 0, 64, 6, 0, 0)
	b = append(b, src...)
	b = append(b, dst...)
	binary.BigEndian.PutUint16(b[ip+10:], checksum(b[ip:ip+20], 0))
	t := len(b)
	var flags byte
	if p.FIN {
		flags |= 0x01
	}
	if p.SYN {
		flags |= 0x02
	}
	if p.RST {
		flags |= 0x04
	}
	if p.PSH {
		flags |= 0x08
	}
	if p.ACK {
		flags |= 0x10
	} else {
		ack = 0
	}
	win := uint16(502)
	if p.SYN {
		win = 65495
	}
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, ack)
	b = append(b, byte(tcpLen/4)<<4, flags)
	b = binary.BigEndian.AppendUint16(b, win)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	b = append(b, opts...)
	b = append(b, payload[:p.Len]...)
	// Pseudo-header: addresses, protocol, TCP length.
	var sum uint32
	for i := 0; i < 4; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(src[i:])) + uint32(binary.BigEndian.Uint16(dst[i:]))
	}
	sum += 6 + uint32(len(b)-t)
	binary.BigEndian.PutUint16(b[t+16:], checksum(b[t:], sum))

	c.advance(p.FromClient, p.Len, p.SYN, p.FIN)
	return b
}

// checksum is the Internet checksum (RFC 1071) of b added to sum.
func checksum(b []byte, sum uint32) uint16 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
