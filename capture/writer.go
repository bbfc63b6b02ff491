package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// DefaultSnaplen is the snapshot length synfin captures and writes with,
// libpcap's and tcpdump's default (MAXIMUM_SNAPLEN).
const DefaultSnaplen = snapAll

// PcapWriter writes classic pcap (the format every tool reads) through a
// buffer. Its methods are safe for concurrent use, so a signal handler
// may Close it while a capture loop writes.
//
// Frames sit in the buffer until Flush or Close: whoever owns the writer
// (cmd) must Close it on every way out, Ctrl-C and SIGTERM included, or
// the file lacks its last packets. The header is written at creation, so
// even a file closed with no packets is a valid, empty capture.
type PcapWriter struct {
	mu       sync.Mutex
	buf      *bufio.Writer
	pw       *pcapgo.Writer
	closer   io.Closer // the file CreatePcap opened; nil for NewPcapWriter
	file     *os.File  // the same, to rewrite the header's link type
	name     string    // for errors
	linkType layers.LinkType
	snaplen  uint32
	packets  uint64
	err      error // sticky: the first write error
	closed   bool
}

// errWriterClosed is returned by writes after Close.
var errWriterClosed = errors.New("pcap writer closed")

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

// CreatePcap creates (or truncates) the file at path and writes a
// nanosecond pcap header for Ethernet frames, which is what live capture
// on Linux loopback and Ethernet interfaces yields. Close flushes and
// closes the file.
func CreatePcap(path string) (*PcapWriter, error) {
	return CreatePcapLinkType(path, layers.LinkTypeEthernet)
}

// CreatePcapLinkType is CreatePcap for another link type.
func CreatePcapLinkType(path string, linkType layers.LinkType) (*PcapWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create pcap: %w", err) // *PathError names the file
	}
	pw, err := newPcapWriter(f, path, linkType, 0, true)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	pw.closer, pw.file = f, f
	return pw, nil
}

func newPcapWriter(w io.Writer, name string, linkType layers.LinkType, snaplen uint32, nanos bool) (*PcapWriter, error) {
	if snaplen == 0 {
		snaplen = DefaultSnaplen
	}
	buf := bufio.NewWriterSize(w, 256<<10)
	var pw *pcapgo.Writer
	if nanos {
		pw = pcapgo.NewWriterNanos(buf)
	} else {
		pw = pcapgo.NewWriter(buf)
	}
	if err := pw.WriteFileHeader(snaplen, linkType); err != nil {
		return nil, fmt.Errorf("%s: write pcap header: %w", name, err)
	}
	// Put the header on disk now: a file that is never written to again
	// is still a valid capture.
	if err := buf.Flush(); err != nil {
		return nil, fmt.Errorf("%s: write pcap header: %w", name, err)
	}
	return &PcapWriter{buf: buf, pw: pw, name: name, linkType: linkType, snaplen: snaplen}, nil
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
// than the snaplen is cut, as libpcap does.
func (w *PcapWriter) WritePacket(ts time.Time, data []byte, wireLen int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("%s: %w", w.name, errWriterClosed)
	}
	if w.err != nil {
		return w.err
	}
	if wireLen < len(data) {
		wireLen = len(data)
	}
	if uint32(len(data)) > w.snaplen {
		data = data[:w.snaplen]
	}
	ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(data), Length: wireLen}
	if err := w.pw.WritePacket(ci, data); err != nil {
		w.err = fmt.Errorf("%s: write packet: %w", w.name, err)
		return w.err
	}
	w.packets++
	return nil
}

// Packets is the number of packets written so far.
func (w *PcapWriter) Packets() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.packets
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
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		w.err = fmt.Errorf("%s: %w", w.name, err)
	}
	return w.err
}

// Close flushes the buffer and, for CreatePcap, closes the file (the
// data is then in the kernel: the file stays valid whatever happens to the
// process next). It is safe to call more than once; later calls return nil.
func (w *PcapWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.flushLocked()
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
	binary.LittleEndian.PutUint32(b[:], uint32(lt)) // pcapgo writes little-endian headers
	if _, err := w.file.WriteAt(b[:], 20); err != nil {
		return fmt.Errorf("%s: rewrite the link type: %w", w.name, err)
	}
	w.linkType = lt
	return nil
}
