package session

import (
	"bufio"
	"encoding/binary"
	"errors"
	"os"
	"sync"

	"github.com/synfin/synfin/fsm"
)

// spill keeps the packet fields of a source that cannot read them again
// (a pipe, a gzip file) in a temporary file, so that they cost the
// session's heap 4 bytes a step (their offset) instead of 28 and the
// payload preview: a step then costs what it costs when the capture file
// is re-read. The file is created with a random name (O_EXCL: never an
// existing file or link) and unlinked at once: nothing is left behind,
// whatever way synfin ends; it is closed with the session's source
// (Run's end does not close it: readers still read it).
//
// A record: Seq, Ack (4 bytes each), Window, MSS (2), WScale, option
// bits, Flags (1), TSval, TSecr, Len (4), the preview's length (1), then
// the preview (at most PreviewLen bytes), in little endian.
type spill struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	n       int64 // bytes written (to w)
	flushed int64 // bytes in the file
	err     error // the first write error: no more records then
}

const spillHead = 4 + 4 + 2 + 2 + 1 + 1 + 1 + 4 + 4 + 4 + 1

// newSpill creates the temporary file in dir ("" for os.TempDir()).
func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, "synfin-steps-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// add writes the fields of seg and returns where, or -1 if the file
// cannot be written (a full disk): the caller keeps them in memory.
func (p *spill) add(seg *fsm.Segment) int64 {
	var b [spillHead + PreviewLen]byte
	le := binary.LittleEndian
	o := &seg.Options
	le.PutUint32(b[0:], uint32(seg.Seq))
	le.PutUint32(b[4:], uint32(seg.Ack))
	le.PutUint16(b[8:], seg.Window)
	le.PutUint16(b[10:], o.MSS)
	b[12] = byte(o.WScale)
	if o.SACKPerm {
		b[13] |= optSACKPerm
	}
	if o.Timestamp {
		b[13] |= optTimestamp
	}
	if o.TFOCookie {
		b[13] |= optTFOCookie
	}
	b[14] = byte(seg.Flags)
	le.PutUint32(b[15:], o.TSval)
	le.PutUint32(b[19:], o.TSecr)
	le.PutUint32(b[23:], seg.Len)
	pay := seg.Payload[:min(len(seg.Payload), PreviewLen)]
	b[27] = byte(len(pay))
	n := spillHead + copy(b[spillHead:], pay)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return -1
	}
	if _, err := p.w.Write(b[:n]); err != nil {
		p.err = err
		return -1
	}
	off := p.n
	p.n += int64(n)
	return off
}

// Reread reads the fields written at off back into seg.
func (p *spill) Reread(off int64, seg *fsm.Segment) error {
	var b [spillHead + PreviewLen]byte
	p.mu.Lock()
	if off+spillHead+PreviewLen > p.flushed && p.flushed < p.n && p.err == nil {
		if err := p.w.Flush(); err != nil {
			p.err = err
		}
		p.flushed = p.n - int64(p.w.Buffered())
	}
	err := p.err
	p.mu.Unlock()
	n, rerr := p.f.ReadAt(b[:], off)
	if n < spillHead {
		if err == nil {
			err = rerr
		}
		if err == nil {
			err = errors.New("short record")
		}
		return err
	}
	le := binary.LittleEndian
	*seg = fsm.Segment{
		Seq: fsm.Seq(le.Uint32(b[0:])), Ack: fsm.Seq(le.Uint32(b[4:])), Window: le.Uint16(b[8:]),
		Flags: fsm.Flags(b[14]), Len: le.Uint32(b[23:]),
		Options: fsm.Options{MSS: le.Uint16(b[10:]), WScale: int8(b[12]), TSval: le.Uint32(b[15:]), TSecr: le.Uint32(b[19:]),
			SACKPerm: b[13]&optSACKPerm != 0, Timestamp: b[13]&optTimestamp != 0, TFOCookie: b[13]&optTFOCookie != 0},
	}
	if k := int(b[27]); k > 0 {
		if spillHead+k > n {
			return errors.New("short record")
		}
		seg.Payload = b[spillHead : spillHead+k : spillHead+k]
	}
	return nil
}

// close closes and so frees the file.
func (p *spill) close() error { return p.f.Close() }
