// Package hostile writes captures made to attack synfin, for the tests
// that hold its memory and time bounds (issue 20): one 4-tuple carrying
// millions of segments with random flags and sequence numbers, many short
// connections, a pcapng with hundreds of thousands of interface
// description blocks, segments full of TCP options, many connections that
// never get past their SYN. Each is written at test time from a fixed
// seed (no binary is committed), frames built by hand so that millions
// cost a second or two. Nothing here is used by synfin itself.
package hostile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// Start is the timestamp of every generator's first packet.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TCP flag bits as on the wire.
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
	URG = 0x20
)

// Seg is one TCP segment to write.
type Seg struct {
	Time       time.Time
	Src, Dst   [4]byte
	SPort      uint16
	DPort      uint16
	Seq, Ack   uint32
	Flags      byte
	Window     uint16
	Options    []byte // TCP options, padded to 4 bytes by Frame
	PayloadLen int
}

var payload [1460]byte

func init() {
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
}

// Frame appends s as an Ethernet/IPv4/TCP frame to b, checksums right.
func Frame(b []byte, s *Seg) []byte {
	opts := s.Options
	pad := (4 - len(opts)%4) % 4
	tcpLen := 20 + len(opts) + pad
	n := min(s.PayloadLen, len(payload))
	ipLen := 20 + tcpLen + n
	b = append(b, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00)
	ip := len(b)
	b = append(b, 0x45, 0, byte(ipLen>>8), byte(ipLen), 0, 0, 0x40, 0, 64, 6, 0, 0)
	b = append(b, s.Src[:]...)
	b = append(b, s.Dst[:]...)
	binary.BigEndian.PutUint16(b[ip+10:], checksum(b[ip:ip+20], 0))
	t := len(b)
	b = binary.BigEndian.AppendUint16(b, s.SPort)
	b = binary.BigEndian.AppendUint16(b, s.DPort)
	b = binary.BigEndian.AppendUint32(b, s.Seq)
	b = binary.BigEndian.AppendUint32(b, s.Ack)
	b = append(b, byte(tcpLen/4)<<4, s.Flags)
	b = binary.BigEndian.AppendUint16(b, s.Window)
	b = append(b, 0, 0, 0, 0)
	b = append(b, opts...)
	for range pad {
		b = append(b, 0) // end of option list
	}
	b = append(b, payload[:n]...)
	var sum uint32
	for i := 0; i < 4; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(s.Src[i:])) + uint32(binary.BigEndian.Uint16(s.Dst[i:]))
	}
	sum += 6 + uint32(len(b)-t)
	binary.BigEndian.PutUint16(b[t+16:], checksum(b[t:], sum))
	return b
}

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

// pcapFile writes a microsecond Ethernet pcap.
type pcapFile struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
	err error
}

func createPcap(path string) (*pcapFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	p := &pcapFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1) // Ethernet
	p.w.Write(h[:])
	return p, nil
}

func (p *pcapFile) write(s *Seg) {
	p.buf = Frame(p.buf[:0], s)
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(s.Time.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(s.Time.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(p.buf)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(p.buf)))
	p.w.Write(h[:])
	if _, err := p.w.Write(p.buf); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *pcapFile) close() error {
	err := p.w.Flush()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if p.err != nil {
		return p.err
	}
	return err
}

var (
	client = [4]byte{10, 1, 0, 1}
	server = [4]byte{10, 0, 0, 1}
)

// OneTuple writes n segments on one 4-tuple (10.1.0.1:40000 ↔
// 10.0.0.1:80), each in a random direction with random flags, sequence
// and acknowledgement numbers and a payload of 0-64 bytes, 10 µs apart:
// row 1 of issue 20 (2M segments there). The first three are a
// handshake, so that the connection has roles to start from.
func OneTuple(path string, n int) error {
	p, err := createPcap(path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(20, 1))
	ts := Start
	hs := []Seg{
		{Flags: SYN, Seq: 1000},
		{Flags: SYN | ACK, Seq: 5000, Ack: 1001},
		{Flags: ACK, Seq: 1001, Ack: 5001},
	}
	for i := range n {
		var s Seg
		if i < len(hs) {
			s = hs[i]
			if i == 1 {
				s.Src, s.Dst, s.SPort, s.DPort = server, client, 80, 40000
			} else {
				s.Src, s.Dst, s.SPort, s.DPort = client, server, 40000, 80
			}
		} else {
			s.Src, s.Dst, s.SPort, s.DPort = client, server, 40000, 80
			if rng.IntN(2) == 0 {
				s.Src, s.Dst, s.SPort, s.DPort = server, client, 80, 40000
			}
			s.Flags = byte(rng.Uint32()) & (FIN | SYN | RST | PSH | ACK | URG)
			s.Seq, s.Ack = rng.Uint32(), rng.Uint32()
			s.PayloadLen = rng.IntN(65)
		}
		s.Time, s.Window = ts, 502
		ts = ts.Add(10 * time.Microsecond)
		p.write(&s)
	}
	return p.close()
}

// connAddr gives connection i its own 4-tuple: clients 10.1.x.y from
// ports 20000-59999 to 10.0.0.1:80.
func connAddr(i int) (cli [4]byte, port uint16) {
	host := i/40000 + 1
	return [4]byte{10, 1, byte(host >> 8), byte(host)}, uint16(20000 + i%40000)
}

// ShortConns writes n short connections one after the other, 10 packets
// each (handshake, a request, a response, an ACK, a four-way close), 10
// µs apart: row 3 of issue 20 (140,000 connections there).
func ShortConns(path string, n int) error {
	p, err := createPcap(path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(20, 3))
	ts := Start
	for i := range n {
		cli, port := connAddr(i)
		c, s := rng.Uint32(), rng.Uint32()
		script := []struct {
			fromClient bool
			flags      byte
			n          int
		}{
			{true, SYN, 0}, {false, SYN | ACK, 0}, {true, ACK, 0},
			{true, ACK | PSH, 64}, {false, ACK | PSH, 256}, {true, ACK, 0},
			{true, ACK | FIN, 0}, {false, ACK, 0}, {false, ACK | FIN, 0}, {true, ACK, 0},
		}
		for _, st := range script {
			seg := Seg{Time: ts, Flags: st.flags, Window: 502, PayloadLen: st.n,
				Src: cli, Dst: server, SPort: port, DPort: 80, Seq: c, Ack: s}
			if !st.fromClient {
				seg.Src, seg.Dst, seg.SPort, seg.DPort, seg.Seq, seg.Ack = server, cli, 80, port, s, c
			}
			if st.flags&ACK == 0 {
				seg.Ack = 0
			}
			adv := uint32(st.n)
			if st.flags&(SYN|FIN) != 0 {
				adv++
			}
			if st.fromClient {
				c += adv
			} else {
				s += adv
			}
			ts = ts.Add(10 * time.Microsecond)
			p.write(&seg)
		}
	}
	return p.close()
}

// manyOptions is 40 bytes of options (the most a TCP header holds):
// timestamps, then one-byte NOPs and unknown two-byte kinds, so that
// every segment has as many options as fit.
var manyOptions = func() []byte {
	o := []byte{8, 10, 0, 0, 0, 1, 0, 0, 0, 0}
	for len(o) < 40-2 {
		o = append(o, 1, 99, 2)
	}
	for len(o) < 40 {
		o = append(o, 1)
	}
	return o[:40]
}()

// ManyOptions writes n segments on conns connections, every segment
// carrying 40 bytes of TCP options (NOPs, unknown kinds, timestamps):
// row 7 of issue 20 (a 770 KB pcap there, about 6,500 segments). Each
// connection opens, carries data both ways and stays open.
func ManyOptions(path string, conns, n int) error {
	p, err := createPcap(path)
	if err != nil {
		return err
	}
	ts := Start
	seq := make([][2]uint32, conns)
	for i := range n {
		k := i % conns
		cli, port := connAddr(k)
		s := Seg{Time: ts, Window: 502, Options: manyOptions, Src: cli, Dst: server, SPort: port, DPort: 80}
		c := &seq[k]
		fromClient := true
		switch round := i / conns; round {
		case 0:
			c[0], c[1] = 1000, 9000
			s.Flags, s.Seq = SYN, c[0]
			c[0]++
		case 1:
			fromClient = false
			s.Flags, s.Seq, s.Ack = SYN|ACK, c[1], c[0]
			c[1]++
		default:
			fromClient = round%2 == 0
			s.Flags, s.PayloadLen = ACK|PSH, 16
		}
		if !fromClient {
			s.Src, s.Dst, s.SPort, s.DPort = server, cli, 80, port
		}
		if i >= 2*conns {
			if fromClient {
				s.Seq, s.Ack = c[0], c[1]
				c[0] += 16
			} else {
				s.Seq, s.Ack = c[1], c[0]
				c[1] += 16
			}
		}
		ts = ts.Add(10 * time.Microsecond)
		p.write(&s)
	}
	return p.close()
}

// SynFlood writes n SYNs, each from its own 4-tuple and never answered,
// gap apart: the connections that never close of row 8 of issue 20 (3M
// there). Their clients never get past SYN_SENT.
func SynFlood(path string, n int, gap time.Duration) error {
	p, err := createPcap(path)
	if err != nil {
		return err
	}
	ts := Start
	for i := range n {
		cli, port := connAddr(i)
		s := Seg{Time: ts, Src: cli, Dst: server, SPort: port, DPort: 80, Flags: SYN, Seq: uint32(i) * 7919, Window: 64240,
			Options: []byte{2, 4, 5, 0xb4}}
		ts = ts.Add(gap)
		p.write(&s)
	}
	return p.close()
}

// OpenConns writes n connections that complete their handshake and then
// say nothing more, gap apart: connections that stay open, which keep
// their state (a long idle connection is real).
func OpenConns(path string, n int, gap time.Duration) error {
	p, err := createPcap(path)
	if err != nil {
		return err
	}
	ts := Start
	for i := range n {
		cli, port := connAddr(i)
		c, s := uint32(i)*7919, uint32(i)*104729
		for k, seg := range []Seg{
			{Src: cli, Dst: server, SPort: port, DPort: 80, Flags: SYN, Seq: c},
			{Src: server, Dst: cli, SPort: 80, DPort: port, Flags: SYN | ACK, Seq: s, Ack: c + 1},
			{Src: cli, Dst: server, SPort: port, DPort: 80, Flags: ACK, Seq: c + 1, Ack: s + 1},
		} {
			seg.Time, seg.Window = ts.Add(time.Duration(k)*time.Microsecond), 502
			p.write(&seg)
		}
		ts = ts.Add(gap)
	}
	return p.close()
}

// ManyInterfaces writes a pcapng with one section of idbs interface
// description blocks (Ethernet, each with a name option) followed by
// packets enhanced packet blocks spread over the interfaces: short
// connections, 10 packets each, as ShortConns: row 4 of issue 20 (400,000
// interfaces and 20,000 packets there).
func ManyInterfaces(path string, idbs, packets int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) {
		pad := (4 - len(body)%4) % 4
		total := uint32(12 + len(body) + pad)
		var h [8]byte
		le.PutUint32(h[0:], typ)
		le.PutUint32(h[4:], total)
		w.Write(h[:])
		w.Write(body)
		w.Write(make([]byte, pad))
		var t [4]byte
		le.PutUint32(t[:], total)
		w.Write(t[:])
	}
	shb := make([]byte, 16)
	le.PutUint32(shb[0:], 0x1a2b3c4d)
	le.PutUint16(shb[4:], 1)
	le.PutUint16(shb[6:], 0)
	le.PutUint64(shb[8:], ^uint64(0))
	block(0x0a0d0d0a, shb)
	for i := range idbs {
		name := fmt.Sprintf("if%d", i)
		body := make([]byte, 8, 8+4+len(name)+4+4)
		le.PutUint16(body[0:], 1) // Ethernet
		le.PutUint32(body[4:], 65535)
		body = le.AppendUint16(body, 2) // if_name
		body = le.AppendUint16(body, uint16(len(name)))
		body = append(body, name...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		body = append(body, 0, 0, 0, 0) // opt_endofopt
		block(1, body)
	}
	rng := rand.New(rand.NewPCG(20, 4))
	ts := Start
	var frame []byte
	var c, s uint32
	for i := range packets {
		k, st := i/10, i%10
		cli, port := connAddr(k)
		if st == 0 {
			c, s = rng.Uint32(), rng.Uint32()
		}
		flags := []byte{SYN, SYN | ACK, ACK, ACK | PSH, ACK | PSH, ACK, ACK | FIN, ACK, ACK | FIN, ACK}[st]
		fromClient := []bool{true, false, true, true, false, true, true, false, false, true}[st]
		n := []int{0, 0, 0, 64, 256, 0, 0, 0, 0, 0}[st]
		seg := Seg{Time: ts, Flags: flags, Window: 502, PayloadLen: n, Src: cli, Dst: server, SPort: port, DPort: 80, Seq: c, Ack: s}
		if !fromClient {
			seg.Src, seg.Dst, seg.SPort, seg.DPort, seg.Seq, seg.Ack = server, cli, 80, port, s, c
		}
		if flags&ACK == 0 {
			seg.Ack = 0
		}
		adv := uint32(n)
		if flags&(SYN|FIN) != 0 {
			adv++
		}
		if fromClient {
			c += adv
		} else {
			s += adv
		}
		frame = Frame(frame[:0], &seg)
		us := uint64(ts.UnixMicro())
		body := make([]byte, 20, 20+len(frame))
		iface := uint32(0)
		if idbs > 0 {
			iface = uint32(rng.IntN(idbs))
		}
		le.PutUint32(body[0:], iface)
		le.PutUint32(body[4:], uint32(us>>32))
		le.PutUint32(body[8:], uint32(us))
		le.PutUint32(body[12:], uint32(len(frame)))
		le.PutUint32(body[16:], uint32(len(frame)))
		body = append(body, frame...)
		block(6, body)
		ts = ts.Add(10 * time.Microsecond)
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
