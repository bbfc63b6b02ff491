package lab

import (
	"encoding/binary"
	"fmt"

	"github.com/synfin/synfin/fsm"
)

// frame is an Ethernet frame carrying IPv4 and TCP, as the relay sees it:
// offsets into the bytes, so rules can read the header and the relay can
// rewrite a timestamp and put the checksum right.
type frame struct {
	b        []byte
	ip, tcp  int // offsets of the IPv4 and TCP headers
	end      int // end of the IP datagram (Ethernet padding excluded)
	flags    fsm.Flags
	seq, ack uint32
	payload  int // TCP payload bytes
	tsOff    int // offset of the timestamp option's TSval, 0 if none
}

// parseFrame decodes b; ok is false for anything but IPv4 TCP (ARP and
// the rest are relayed untouched).
func parseFrame(b []byte) (f frame, ok bool) {
	if len(b) < 14+20 || binary.BigEndian.Uint16(b[12:]) != 0x0800 {
		return f, false
	}
	ip := 14
	ihl := int(b[ip]&0x0f) * 4
	if b[ip]>>4 != 4 || ihl < 20 || b[ip+9] != 6 {
		return f, false
	}
	if binary.BigEndian.Uint16(b[ip+6:])&0x3fff != 0 { // a fragment
		return f, false
	}
	end := ip + int(binary.BigEndian.Uint16(b[ip+2:]))
	tcp := ip + ihl
	if end > len(b) || tcp+20 > end {
		return f, false
	}
	doff := int(b[tcp+12]>>4) * 4
	if doff < 20 || tcp+doff > end {
		return f, false
	}
	f = frame{b: b, ip: ip, tcp: tcp, end: end,
		flags:   fsm.Flags(b[tcp+13]),
		seq:     binary.BigEndian.Uint32(b[tcp+4:]),
		ack:     binary.BigEndian.Uint32(b[tcp+8:]),
		payload: end - tcp - doff,
	}
	// Walk the options for the timestamp (kind 8, length 10).
	for o := tcp + 20; o < tcp+doff; {
		switch b[o] {
		case 0: // end of options
			o = tcp + doff
			continue
		case 1: // no-op
			o++
			continue
		}
		if o+1 >= tcp+doff || b[o+1] < 2 || o+int(b[o+1]) > tcp+doff {
			break
		}
		if b[o] == 8 && b[o+1] == 10 {
			f.tsOff = o + 2
		}
		o += int(b[o+1])
	}
	return f, true
}

// seqLen is the sequence space the segment takes (RFC 9293 §3.4).
func (f *frame) seqLen() uint32 {
	n := uint32(f.payload)
	if f.flags.Has(fsm.SYN) {
		n++
	}
	if f.flags.Has(fsm.FIN) {
		n++
	}
	return n
}

// tsval returns the TSval of the timestamp option.
func (f *frame) tsval() (uint32, bool) {
	if f.tsOff == 0 {
		return 0, false
	}
	return binary.BigEndian.Uint32(f.b[f.tsOff:]), true
}

// setTSval rewrites the TSval (the checksum must be fixed after).
func (f *frame) setTSval(v uint32) {
	if f.tsOff != 0 {
		binary.BigEndian.PutUint32(f.b[f.tsOff:], v)
	}
}

// fixChecksum computes the TCP checksum over the pseudo-header and the
// segment (RFC 9293 §3.1). A veth hands over frames whose TCP checksum is
// only partial (CHECKSUM_PARTIAL: the NIC, which a veth does not have,
// would finish it), so a relay that sends them on through a packet socket
// must write the real one.
func (f *frame) fixChecksum() {
	b := f.b
	seg := b[f.tcp:f.end]
	seg[16], seg[17] = 0, 0
	var sum uint32
	add := func(p []byte) {
		for len(p) >= 2 {
			sum += uint32(binary.BigEndian.Uint16(p))
			p = p[2:]
		}
		if len(p) == 1 {
			sum += uint32(p[0]) << 8
		}
	}
	add(b[f.ip+12 : f.ip+20]) // source and destination addresses
	sum += 6 + uint32(len(seg))
	add(seg)
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(seg[16:], ^uint16(sum))
}

// checksumOK reports whether the TCP checksum verifies.
func (f *frame) checksumOK() bool {
	c := append([]byte(nil), f.b...)
	g := *f
	g.b = c
	g.fixChecksum()
	return c[f.tcp+16] == f.b[f.tcp+16] && c[f.tcp+17] == f.b[f.tcp+17]
}

func (f *frame) String() string {
	return fmt.Sprintf("%s seq=%d ack=%d len=%d", f.flags, f.seq, f.ack, f.payload)
}
