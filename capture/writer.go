package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/internal/safefile"
)

// DefaultSnaplen is the snapshot length synfin captures and writes with,
// libpcap's and tcpdump's default (MAXIMUM_SNAPLEN).
const DefaultSnaplen = snapAll

// FlushEvery is the longest a written packet waits in the buffer before
// it is handed to the kernel: a capture killed with SIGKILL loses at most
// the last FlushEvery of packets.
const FlushEvery = 100 * time.Millisecond

// writeBuffer is the buffer size; a full buffer is written at once.
const writeBuffer = 256 << 10

// PcapWriter writes classic pcap (the format every tool reads) through a
// buffer. Its methods are safe for concurrent use, so a signal handler
// may Close it while a capture loop writes.
//
// A packet sits in the buffer at most FlushEvery (a timer flushes it), so
// SIGKILL loses at most that much; Close flushes the rest and must be
// called on every way out. The header is written at creation, so even a
// file closed with no packets is a valid, empty capture.
//
// When a write fails (a full disk: ENOSPC), the writer stops writing for
// good: it cuts the file back to its last whole record when the output
// can be truncated (a file CreatePcap made, or an io.Writer other than an
// *os.File with a Truncate(int64) error method), so the file stays a valid capture of the
// packets before the failure, and from then on WritePacket returns a
// *StoppedError and counts the packets it did not save (Lost). The
// capture itself can go on.
type PcapWriter struct {
	mu       sync.Mutex
	out      io.Writer
	closer   io.Closer // the file CreatePcap opened; nil for NewPcapWriter
	file     *os.File  // the same, to rewrite the header's link type
	name     string    // for errors (already quoted for files)
	linkType layers.LinkType
	snaplen  uint32
	nanos    bool

	buf  []byte // whole records not yet written out
	ends []int  // where each record in buf ends
	off  int64  // bytes of whole records written out (header included)

	packets uint64 // packets written out or buffered
	lost    uint64 // packets refused after writing stopped
	err     error  // sticky: why writing stopped (*StoppedError)
	closed  bool

	timerSet   bool                        // a flush is scheduled
	afterFunc  func(time.Duration, func()) // time.AfterFunc; tests replace it
	flushEvery time.Duration

	// trunc cuts the output back after a failed write: the file
	// CreatePcap made, or an io.Writer (not an *os.File, which may hold
	// more than this writer put in it) with a Truncate method.
	trunc interface{ Truncate(int64) error }
}

// errWriterClosed is returned by writes after Close.
var errWriterClosed = errors.New("pcap writer closed")

// StoppedError tells that a pcap writer stopped writing, and how much of
// the capture is in the file. Close returns it too: the file is
// incomplete.
type StoppedError struct {
	Name    string // the file, quoted
	Written uint64 // packets in the file (whole records)
	Lost    uint64 // packets captured after the failure and not saved
	Torn    bool   // the output could not be cut back: its last record is partial
	Err     error  // the write error (ENOSPC...)
}

func (e *StoppedError) Error() string {
	torn := ""
	if e.Torn {
		torn = ", its last record torn"
	}
	return fmt.Sprintf("%s is incomplete: writing stopped after %d packets (%v)%s; %d later packets were captured but not saved; free some space or write elsewhere",
		e.Name, e.Written, e.Err, torn, e.Lost)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// NewPcapWriter writes a nanosecond-resolution pcap header for linkType
// and snaplen (0: DefaultSnaplen) to w and returns a writer for its
// packets. Close flushes but does not close w.
func NewPcapWriter(w io.Writer, linkType layers.LinkType, snaplen uint32) (*PcapWriter, error) {
	return newPcapWriter(w, "pcap output", linkType, snaplen, true)
}

// NewPcapWriterMicro is NewPcapWriter with microsecond timestamps, the
// original pcap format, for old tools that do not read nanosecond pcap.
func NewPcapWriterMicro(w io.Writer, linkType layers.LinkType, snaplen uint32) (*PcapWriter, error) {
	return newPcapWriter(w, "pcap output", linkType, snaplen, false)
}

// CreatePcap creates a new file at path (an existing file is refused,
// never emptied: errors.Is(err, fs.ErrExist)) and writes a nanosecond
// pcap header for Ethernet frames, which is what live capture on Linux
// loopback and Ethernet interfaces yields. Close flushes and closes the
// file.
//
// The file is opened with internal/safefile: a symbolic link, a device
// (-w /dev/full), a FIFO, a directory or a hard-linked file is refused,
// and on a failed header only a file this call created is removed.
func CreatePcap(path string) (*PcapWriter, error) {
	return CreatePcapLinkType(path, layers.LinkTypeEthernet)
}

// CreatePcapLinkType is CreatePcap for another link type.
func CreatePcapLinkType(path string, linkType layers.LinkType) (*PcapWriter, error) {
	f, err := safefile.Create(path)
	if err != nil {
		return nil, err // names the file, quoted
	}
	pw, err := newPcapWriter(f.File, strconv.Quote(path), linkType, 0, true)
	if err != nil {
		f.Abandon() // removes the file only if this call created it
		return nil, err
	}
	pw.closer, pw.file, pw.trunc = f.File, f.File, f.File
	return pw, nil
}

func newPcapWriter(w io.Writer, name string, linkType layers.LinkType, snaplen uint32, nanos bool) (*PcapWriter, error) {
	if snaplen == 0 {
		snaplen = DefaultSnaplen
	}
	// The pcap file header (libpcap's pcap/pcap.h), little-endian.
	var h [24]byte
	magic := uint32(0xa1b2c3d4)
	if nanos {
		magic = 0xa1b23c4d
	}
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], snaplen)
	binary.LittleEndian.PutUint32(h[20:], uint32(linkType))
	// Put the header out now: a file that is never written to again is
	// still a valid capture.
	if n, err := w.Write(h[:]); err != nil || n != len(h) {
		if err == nil {
			err = io.ErrShortWrite
		}
		return nil, fmt.Errorf("%s: write pcap header: %w", name, err)
	}
	pw := &PcapWriter{
		out: w, name: name, linkType: linkType, snaplen: snaplen, nanos: nanos,
		buf: make([]byte, 0, writeBuffer), off: int64(len(h)),
		afterFunc:  func(d time.Duration, f func()) { _ = time.AfterFunc(d, f) },
		flushEvery: FlushEvery / 2, // margin for a loaded machine's timer delay
	}
	if t, ok := w.(interface{ Truncate(int64) error }); ok {
		if _, isFile := w.(*os.File); !isFile {
			pw.trunc = t
		}
	}
	return pw, nil
}

// LinkType is the link type in the file header.
func (w *PcapWriter) LinkType() layers.LinkType {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.linkType
}

// Snaplen is the snapshot length in the file header; longer frames are cut.
func (w *PcapWriter) Snaplen() uint32 { return w.snaplen }

// WritePacket appends one frame captured at ts whose length on the wire
// was wireLen (wireLen < len(data) is taken as len(data)). A frame longer
// than the snaplen is cut, as libpcap does. Once writing stopped it
// returns the *StoppedError and counts the frame as lost.
func (w *PcapWriter) WritePacket(ts time.Time, data []byte, wireLen int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("%s: %w", w.name, errWriterClosed)
	}
	if w.err != nil {
		w.lost++
		w.refreshErr()
		return w.err
	}
	if wireLen < len(data) {
		wireLen = len(data)
	}
	if uint32(len(data)) > w.snaplen {
		data = data[:w.snaplen]
	}
	rec := 16 + len(data)
	if len(w.buf) > 0 && len(w.buf)+rec > cap(w.buf) {
		if err := w.flushLocked(); err != nil {
			w.lost++
			w.refreshErr()
			return w.err
		}
	}
	var h [16]byte
	frac := uint32(ts.Nanosecond())
	if !w.nanos {
		frac /= 1000
	}
	binary.LittleEndian.PutUint32(h[0:], uint32(ts.Unix()))
	binary.LittleEndian.PutUint32(h[4:], frac)
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(wireLen))
	w.buf = append(append(w.buf, h[:]...), data...)
	w.ends = append(w.ends, len(w.buf))
	w.packets++
	if !w.timerSet {
		// The oldest buffered packet goes out within flushEvery.
		w.timerSet = true
		w.afterFunc(w.flushEvery, w.timedFlush)
	}
	return nil
}

// timedFlush is the timer's flush; an error stops the writer, and the
// next WritePacket or Close reports it.
func (w *PcapWriter) timedFlush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timerSet = false
	if !w.closed {
		w.flushLocked()
	}
}

// Packets is the number of packets written so far (after a stop: the
// whole records in the file).
func (w *PcapWriter) Packets() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.packets
}

// Lost is the number of packets given to WritePacket after writing
// stopped, which the file does not hold.
func (w *PcapWriter) Lost() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lost
}

// Err is the *StoppedError once writing stopped, else nil.
func (w *PcapWriter) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.refreshErr()
	return w.err
}

// Flush writes the buffered packets out.
func (w *PcapWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	return w.flushLocked()
}

func (w *PcapWriter) flushLocked() error {
	if w.err != nil {
		w.refreshErr()
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.out.Write(w.buf)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err == nil {
		w.off += int64(n)
		w.buf, w.ends = w.buf[:0], w.ends[:0]
		return nil
	}
	w.stop(n, err)
	return w.err
}

// stop ends writing after a failed write of w.buf that got n bytes out:
// keep the records that went out whole, cut the torn one off.
func (w *PcapWriter) stop(n int, err error) {
	whole, kept := 0, 0
	for _, e := range w.ends {
		if e > n {
			break
		}
		whole, kept = e, kept+1
	}
	w.packets -= uint64(len(w.ends) - kept)
	w.lost += uint64(len(w.ends) - kept)
	w.off += int64(whole)
	torn := false
	if n > whole {
		// Only the bytes this writer appended are cut, never more.
		torn = w.trunc == nil || w.trunc.Truncate(w.off) != nil
	}
	w.buf, w.ends = nil, nil
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the name is in the StoppedError, quoted; PathError prints it raw
	}
	w.err = &StoppedError{Name: w.name, Written: w.packets, Lost: w.lost, Torn: torn, Err: err}
}

// refreshErr keeps the lost count in the sticky error current.
func (w *PcapWriter) refreshErr() {
	if se, ok := w.err.(*StoppedError); ok {
		se.Lost = w.lost
	}
}

// Close flushes the buffer and, for CreatePcap, closes the file (the
// data is then in the kernel: the file stays valid whatever happens to the
// process next). It returns the *StoppedError if writing stopped, as the
// file is then incomplete. It is safe to call more than once; later calls
// return nil.
func (w *PcapWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	err := w.flushLocked()
	w.closed = true
	if w.closer != nil {
		if cerr := w.closer.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: close: %w", w.name, cerr)
		}
	}
	return err
}

// relink changes the link type in the header of a file that holds no
// packet yet, so a capture whose interface turns out not to be Ethernet
// can use a writer made by CreatePcap. Other writers must already have the
// right link type.
func (w *PcapWriter) relink(lt layers.LinkType) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.linkType == lt {
		return nil
	}
	if w.file == nil || w.packets > 0 || w.closed {
		return fmt.Errorf("%s: the file is for %s frames, the capture gives %s", w.name, w.linkType, lt)
	}
	if err := w.flushLocked(); err != nil {
		return err
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(lt)) // the header is little-endian
	if _, err := w.file.WriteAt(b[:], 20); err != nil {
		return fmt.Errorf("%s: rewrite the link type: %w", w.name, err)
	}
	w.linkType = lt
	return nil
}
