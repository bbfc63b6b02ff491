package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/fsm"
)

// Re-reading a segment. The TUI keeps, for each step, where its packet
// is in the file rather than the fields only the detail pane shows (raw
// sequence numbers, window, options, payload preview), and reads the
// packet again when it shows the step (session.Rereader). The packet is
// decoded by the same Decoder as while reading, so what is shown is
// what was shown then.
//
// Where a packet is: FileSource counts the bytes its bufio.Reader took
// from the file (countReader, one addition per 64 KB read); the bytes
// consumed are that count less what is still buffered. The pcap and
// pcapng readers of gopacket read through that same bufio.Reader (theirs
// is ours: bufio.NewReader returns a big enough *bufio.Reader as is) and
// never read ahead. For pcap the position is the record's header, taken
// before reading it; for pcapng it is the end of the packet's block,
// taken after it (non-packet blocks may come before it): a block's last
// four bytes repeat its length, which leads back to its start. The
// interface table is not needed: the link type is the file's only one
// (Offset says no once a second one was seen), the timestamp is kept by
// the caller.
//
// Not re-readable (Offset reports false; the caller keeps the fields in
// memory): gzip-compressed files, pipes and devices, frames after a
// second link type was met.

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// filePos knows where in the file the reader is.
type filePos struct {
	cr *countReader  // nil: not re-readable (gzip, pipe)
	br *bufio.Reader // reads cr
	at int64         // where the last record read started
}

// mark notes where the next record starts. Called before each read.
func (p *filePos) mark() {
	if p.cr != nil {
		p.at = p.cr.n - int64(p.br.Buffered())
	}
}

// rereadState is what Reread needs, shared between goroutines.
type rereadState struct {
	lt    atomic.Int32 // the file's link type + 1; 0 until Offset was called
	once  sync.Once
	order binary.ByteOrder // pcap's, from its magic number
	err   error
	decs  sync.Pool // of *Decoder
}

// Rereadable reports whether Offset can ever be ok: the file is a regular
// file, not compressed.
func (s *FileSource) Rereadable() bool { return s.pos.cr != nil }

// Offset returns where the segment Next last returned is, for Reread: the
// start of its pcap record, or the end of its pcapng block. ok is false
// for gzip files, pipes and once a second link type was met.
func (s *FileSource) Offset() (off int64, ok bool) {
	if s.pos.cr == nil || len(s.seen) != 1 {
		return 0, false
	}
	if s.rr.lt.Load() == 0 {
		s.rr.lt.Store(int32(s.seen[0]) + 1)
	}
	if s.pcap != nil {
		return s.pos.at, true
	}
	return s.pos.cr.n - int64(s.pos.br.Buffered()), true
}

// Reread decodes the segment at off (from Offset) again into seg, exactly
// as Next did; Packet and Time are left zero, Payload is the caller's.
// Safe for concurrent use, alongside Next.
func (s *FileSource) Reread(off int64, seg *fsm.Segment) error {
	lt := s.rr.lt.Load()
	if lt == 0 || s.pos.cr == nil {
		return fmt.Errorf("%q: this file cannot be read again (compressed, or not a regular file)", s.path)
	}
	var (
		data []byte
		wire int
		err  error
	)
	if s.pcap != nil {
		data, wire, err = s.rereadPcap(off)
	} else {
		data, wire, err = s.rereadPcapng(off)
	}
	if err != nil {
		return fmt.Errorf("%q: reading the packet at byte %d again: %w", s.path, off, err)
	}
	dec, _ := s.rr.decs.Get().(*Decoder)
	if dec == nil {
		dec = NewDecoder()
	}
	*seg = fsm.Segment{}
	skip, ok := dec.Decode(layers.LinkType(lt-1), data, wire, seg)
	s.rr.decs.Put(dec)
	if !ok {
		return fmt.Errorf("%q: the packet at byte %d is no longer a TCP segment (%v): the file changed", s.path, off, skip)
	}
	return nil
}

// maxRecord bounds a record read again (pcapgo's own limit is 256 KB).
const maxRecord = 1 << 20

func (s *FileSource) rereadPcap(off int64) ([]byte, int, error) {
	s.rr.once.Do(func() {
		var m [4]byte
		if _, err := s.f.ReadAt(m[:], 0); err != nil {
			s.rr.err = err
			return
		}
		switch m {
		case magicPcapLE, magicPcapNanoLE:
			s.rr.order = binary.LittleEndian
		case magicPcapBE, magicPcapNanoBE:
			s.rr.order = binary.BigEndian
		default:
			s.rr.err = errors.New("its pcap header changed")
		}
	})
	if s.rr.err != nil {
		return nil, 0, s.rr.err
	}
	var h [16]byte
	if _, err := s.f.ReadAt(h[:], off); err != nil {
		return nil, 0, err
	}
	caplen, wire := s.rr.order.Uint32(h[8:12]), s.rr.order.Uint32(h[12:16])
	if caplen > maxRecord {
		return nil, 0, errors.New("not a record")
	}
	data := make([]byte, caplen)
	if _, err := s.f.ReadAt(data, off+16); err != nil {
		return nil, 0, err
	}
	return data, int(wire), nil
}

// pcapng block types that carry a packet.
const (
	ngPacket         = 2 // obsolete Packet Block
	ngSimplePacket   = 3
	ngEnhancedPacket = 6
)

func (s *FileSource) rereadPcapng(end int64) ([]byte, int, error) {
	var t [4]byte
	if end < 16 {
		return nil, 0, errors.New("not a block")
	}
	if _, err := s.f.ReadAt(t[:], end-4); err != nil {
		return nil, 0, err
	}
	// The section's byte order is the one that reads a packet block of
	// the same length at both ends.
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		n := int64(bo.Uint32(t[:]))
		if n < 16 || n%4 != 0 || n > end || n > maxRecord+64 {
			continue
		}
		var h [28]byte
		k, err := s.f.ReadAt(h[:], end-n)
		if err != nil && !(err == io.EOF && k >= 12) {
			return nil, 0, err
		}
		if int64(bo.Uint32(h[4:8])) != n {
			continue
		}
		var caplen, wire, start int64
		switch bo.Uint32(h[0:4]) {
		case ngEnhancedPacket, ngPacket:
			if n < 32 {
				continue
			}
			caplen, wire, start = int64(bo.Uint32(h[20:24])), int64(bo.Uint32(h[24:28])), 28
		case ngSimplePacket:
			// No captured length: the data fills the block but for its
			// padding, up to the original length. (A simple packet cut
			// by a snap length that is not a multiple of 4 is read with
			// up to 3 bytes of padding after its payload: beyond the
			// session's 64-byte preview they change nothing shown;
			// within it, the session's check byte tells the fields are
			// not those recorded, and it shows none.)
			wire, start = int64(bo.Uint32(h[8:12])), 12
			caplen = min(wire, n-16)
		default:
			continue
		}
		if start+caplen+4 > n {
			return nil, 0, errors.New("not a packet block")
		}
		data := make([]byte, caplen)
		if _, err := s.f.ReadAt(data, end-n+start); err != nil {
			return nil, 0, err
		}
		return data, int(wire), nil
	}
	return nil, 0, errors.New("not a packet block")
}

// Rereadable, Offset and Reread of a filtered source are its file's.
func (s *filteredSource) Rereadable() bool {
	r, ok := s.src.(*FileSource)
	return ok && r.Rereadable()
}

func (s *filteredSource) Offset() (int64, bool) {
	if r, ok := s.src.(*FileSource); ok {
		return r.Offset()
	}
	return 0, false
}

func (s *filteredSource) Reread(off int64, seg *fsm.Segment) error {
	if r, ok := s.src.(*FileSource); ok {
		return r.Reread(off, seg)
	}
	return errors.New("not a file")
}
