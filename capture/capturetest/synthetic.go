// Package capturetest makes captures for tests and benchmarks: realistic
// synthetic traffic written with gopacket's serializer and pcapgo.Writer.
// Nothing here is used by synfin itself.
package capturetest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// PacketsPerConn is how many packets WriteSyntheticPcap writes for each
// connection: a 3-way handshake, a request, a response, the client's ACK of
// it, and a 4-way close.
const PacketsPerConn = 10

// Interleave is how many connections WriteSyntheticPcap runs at once,
// their packets taking turns, as on a busy server.
const Interleave = 8

// Start is the timestamp of the first packet WriteSyntheticPcap writes.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteSyntheticPcap writes a microsecond pcap (Ethernet, IPv4) of conns
// short HTTP-like connections to path: conns*PacketsPerConn packets.
// Clients 10.1.x.y (x.y from 0.1) connect from ports 20000-59999 to 10.0.0.1:80; every
// connection has its own 4-tuple. ISNs are random but the same on every
// run (a fixed seed). Timestamps start at Start and advance by 1 ms per
// packet. SYNs carry MSS, SACK-permitted, timestamps and window scale.
func WriteSyntheticPcap(path string, conns int) error {
	return writePcap(path, func(w *pcapgo.Writer) error {
		return writeSynthetic(w, conns)
	})
}

// writePcap creates path, writes a microsecond Ethernet pcap header
// through a 1 MiB buffer, lets body write the packets, and flushes and
// closes the file: the part WriteSyntheticPcap and WriteShape share.
func writePcap(path string, body func(w *pcapgo.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return err
	}
	if err := body(w); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeSynthetic(w *pcapgo.Writer, conns int) error {
	g := &gen{
		rng: rand.New(rand.NewPCG(0x5f1a, 0x7cb)),
		buf: gopacket.NewSerializeBuffer(),
		w:   w,
		ts:  Start,
	}
	for first := 0; first < conns; first += Interleave {
		n := min(Interleave, conns-first)
		cs := make([]conn, n)
		for i := range cs {
			cs[i] = g.newConn(first + i)
		}
		for step := 0; step < PacketsPerConn; step++ {
			for i := range cs {
				if err := g.step(&cs[i], step); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

type gen struct {
	rng *rand.Rand
	buf gopacket.SerializeBuffer
	w   *pcapgo.Writer
	ts  time.Time
}

type conn struct {
	cli, srv     net.IP
	cport, sport uint16
	cseq, sseq   uint32 // next sequence number to send
	tsval        uint32
}

// advance moves the sender's next sequence number past a segment: its
// payload, plus one for a SYN and one for a FIN.
func (c *conn) advance(fromClient bool, payload int, syn, fin bool) {
	n := uint32(payload)
	if syn {
		n++
	}
	if fin {
		n++
	}
	if fromClient {
		c.cseq += n
	} else {
		c.sseq += n
	}
}

const (
	reqLen  = 64
	respLen = 256
)

var (
	serverIP  = net.IP{10, 0, 0, 1}
	clientMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x02}
	serverMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	payload   [respLen]byte
)

func init() {
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
}

func (g *gen) newConn(i int) conn {
	host := i/40000 + 1
	return conn{
		cli:   net.IP{10, 1, byte(host >> 8), byte(host)},
		srv:   serverIP,
		cport: uint16(20000 + i%40000),
		sport: 80,
		cseq:  g.rng.Uint32(),
		sseq:  g.rng.Uint32(),
		tsval: g.rng.Uint32(),
	}
}

// step writes packet number step (0-9) of connection c.
func (g *gen) step(c *conn, step int) error {
	type pkt struct {
		fromClient bool
		syn, ack   bool
		psh, fin   bool
		n          int
	}
	p := [PacketsPerConn]pkt{
		{fromClient: true, syn: true}, // SYN
		{syn: true, ack: true},        // SYN-ACK
		{fromClient: true, ack: true}, // ACK
		{fromClient: true, ack: true, psh: true, n: reqLen},
		{ack: true, psh: true, n: respLen},
		{fromClient: true, ack: true},            // ACK of the response
		{fromClient: true, ack: true, fin: true}, // client FIN
		{ack: true},                              // server ACK of it
		{ack: true, fin: true},                   // server FIN
		{fromClient: true, ack: true},            // client's last ACK
	}[step]

	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment}
	tcp := &layers.TCP{SYN: p.syn, ACK: p.ack, PSH: p.psh, FIN: p.fin, Window: 502}
	eth := &layers.Ethernet{EthernetType: layers.EthernetTypeIPv4}
	if p.fromClient {
		ip.SrcIP, ip.DstIP = c.cli, c.srv
		tcp.SrcPort, tcp.DstPort = layers.TCPPort(c.cport), layers.TCPPort(c.sport)
		tcp.Seq, tcp.Ack = c.cseq, c.sseq
		eth.SrcMAC, eth.DstMAC = clientMAC, serverMAC
	} else {
		ip.SrcIP, ip.DstIP = c.srv, c.cli
		tcp.SrcPort, tcp.DstPort = layers.TCPPort(c.sport), layers.TCPPort(c.cport)
		tcp.Seq, tcp.Ack = c.sseq, c.cseq
		eth.SrcMAC, eth.DstMAC = serverMAC, clientMAC
	}
	if !p.ack {
		tcp.Ack = 0
	}
	ts := make([]byte, 8)
	tsval := c.tsval + uint32(step)
	ts[0], ts[1], ts[2], ts[3] = byte(tsval>>24), byte(tsval>>16), byte(tsval>>8), byte(tsval)
	if p.syn {
		tcp.Window = 65495
		tcp.Options = []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: ts},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		}
	} else {
		tcp.Options = []layers.TCPOption{
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: ts},
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		return err
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(g.buf, opts, eth, ip, tcp, gopacket.Payload(payload[:p.n])); err != nil {
		return err
	}
	c.advance(p.fromClient, p.n, p.syn, p.fin)
	data := g.buf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: g.ts, CaptureLength: len(data), Length: len(data)}
	g.ts = g.ts.Add(time.Millisecond)
	return g.w.WritePacket(ci, data)
}
