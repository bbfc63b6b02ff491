package capture

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/synfin/synfin/fsm"
)

// File format magic numbers, as the first four bytes appear on disk.
var (
	magicPcapLE     = [4]byte{0xd4, 0xc3, 0xb2, 0xa1} // microseconds, little endian
	magicPcapBE     = [4]byte{0xa1, 0xb2, 0xc3, 0xd4}
	magicPcapNanoLE = [4]byte{0x4d, 0x3c, 0xb2, 0xa1} // nanoseconds
	magicPcapNanoBE = [4]byte{0xa1, 0xb2, 0x3c, 0x4d}
	magicPcapKuzLE  = [4]byte{0x34, 0xcd, 0xb2, 0xa1} // Kuznetzov's "modified" pcap
	magicPcapKuzBE  = [4]byte{0xa1, 0xb2, 0xcd, 0x34}
	magicPcapng     = [4]byte{0x0a, 0x0d, 0x0d, 0x0a} // section header block type
	magicGzip       = [2]byte{0x1f, 0x8b}
)

// FileSource reads TCP segments from a pcap or pcapng file (optionally
// gzip-compressed), through gopacket's pure-Go pcapgo readers.
//
// Every frame counts for Packet numbers (1-based, as tshark's
// frame.number), whether or not it becomes a segment. pcapng files may mix
// interfaces of different link types; each frame is decoded with its own
// interface's link type. Timestamps are the capture's, in UTC.
//
// Limitations: no snoop, no Kuznetzov "modified pcap" (a clear error says
// so); pcapng simple packet blocks carry no timestamp (Time is zero);
// pcapng sections with a version other than 1.0 are skipped, as the
// pcapng specification recommends.
//
// A read error ends the file: Next returns it after every packet that
// could be read, then keeps returning it. Errors name the file and say
// what to do, on one line.
type FileSource struct {
	path   string
	f      *os.File
	pcap   *pcapgo.Reader   // one of pcap and ng is set
	ng     *pcapgo.NgReader // (direct calls: this is the hot loop)
	lt     layers.LinkType  // pcap's link type
	format string           // "pcap" or "pcapng", for messages
	dec    *Decoder
	stats  Stats
	seen   []layers.LinkType
	err    error      // sticky error once the file ended
	gz     *errReader // the gzip stream, if compressed
	pos    filePos    // where each record is, for Reread (reread.go)
	rr     rereadState
}

// errReader remembers the first error other than io.EOF its reader
// returned: the gzip reader's, which the pcap readers report as a bare
// unexpected EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// OpenFile opens a pcap or pcapng capture, detecting the format by its
// magic number (gzip-compressed files too).
func OpenFile(path string) (*FileSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	s, err := newFileSource(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%q: no such file: check the path", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%q: permission denied: make the file readable (chmod) or run as its owner", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%q: cannot open: %v", path, err)
}

func newFileSource(path string, f *os.File) (*FileSource, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, openError(path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%q: is a directory: give a capture file", path)
	}
	// Pipes and devices (synfin -r /dev/stdin, <(zcat x.pcap)) have no
	// size: their emptiness shows when nothing can be read.
	if st.Mode().IsRegular() && st.Size() == 0 {
		return nil, fmt.Errorf("%q: empty file (0 bytes): nothing was captured; record again", path)
	}
	s := &FileSource{path: path, f: f, dec: NewDecoder()}

	var in io.Reader = f
	if st.Mode().IsRegular() {
		s.pos.cr = &countReader{r: f}
		in = s.pos.cr
	}
	br := bufio.NewReaderSize(in, 1<<16)
	s.pos.br = br
	head, _ := br.Peek(4)
	if len(head) >= 2 && [2]byte(head[:2]) == magicGzip {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%q: damaged gzip header (%v): decompress it with gunzip to see what is wrong", path, lower(err))
		}
		s.gz = &errReader{r: zr}
		s.pos.cr = nil
		br = bufio.NewReaderSize(s.gz, 1<<16)
		head, err = br.Peek(4)
		if len(head) == 0 {
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("%q: damaged gzip data (%v): decompress it with gunzip to see what is wrong", path, lower(err))
			}
			return nil, fmt.Errorf("%q: empty file (0 bytes once decompressed): nothing was captured; record again", path)
		}
	}
	if len(head) == 0 {
		return nil, fmt.Errorf("%q: empty input (0 bytes): nothing was captured; record again", path)
	}
	if len(head) < 4 {
		return nil, fmt.Errorf("%q: not a capture file: only %d bytes, too short for a pcap or pcapng header", path, len(head))
	}

	switch [4]byte(head) {
	case magicPcapLE, magicPcapBE, magicPcapNanoLE, magicPcapNanoBE:
		s.format = "pcap"
		if h, _ := br.Peek(24); len(h) < 24 {
			return nil, fmt.Errorf("%q: truncated pcap file header (%d of 24 bytes): the file was cut off, nothing to read", path, len(h))
		}
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			// The magic is right, so what is left is the version.
			return nil, fmt.Errorf("%q: unsupported pcap header (%v): convert it with editcap -F pcap", path, lower(err))
		}
		s.pcap = pr
		s.lt = pr.LinkType()
	case magicPcapng:
		s.format = "pcapng"
		ngr, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true})
		if err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				return nil, fmt.Errorf("%q: truncated pcapng header: the file was cut off before its first packet, nothing to read", path)
			}
			return nil, fmt.Errorf("%q: damaged pcapng header (%v): check the file with capinfos", path, lower(err))
		}
		s.ng = ngr
	case magicPcapKuzLE, magicPcapKuzBE:
		return nil, fmt.Errorf("%q: \"modified pcap\" (kuznetzov) format is not supported: convert it with editcap -F pcap", path)
	default:
		return nil, fmt.Errorf("%q: not a capture file (starts with %x, not a pcap or pcapng magic number): give a file written by tcpdump -w, wireshark or synfin -w", path, head)
	}
	return s, nil
}

// Next returns the next TCP segment. Frames that are not TCP are counted in
// Stats and skipped. At the end of the file it returns io.EOF; after a
// read error it returns that error (every time). The segment's Payload
// points into the reader's buffer: it is valid until the next call.
func (s *FileSource) Next() (fsm.Segment, error) {
	var seg fsm.Segment
	err := s.NextInto(&seg)
	return seg, err
}

// NextInto is Next writing the segment into *seg instead of returning
// it: a reader filling a batch saves two copies of a Segment a packet.
// On an error *seg is the zero Segment.
func (s *FileSource) NextInto(seg *fsm.Segment) error {
	for s.err == nil {
		var (
			data []byte
			ci   gopacket.CaptureInfo
			err  error
			lt   = s.lt
		)
		s.pos.mark()
		if s.pcap != nil {
			data, ci, err = s.pcap.ZeroCopyReadPacketData()
		} else {
			data, ci, err = s.ng.ZeroCopyReadPacketData()
			// With WantMixedLinkType, each packet's interface link type.
			if len(ci.AncillaryData) > 0 {
				lt, _ = ci.AncillaryData[0].(layers.LinkType)
			}
		}
		if err != nil {
			s.err = s.readError(err, ci)
			break
		}
		s.stats.Packets++
		s.noteLinkType(lt)
		skip, ok := s.dec.Decode(lt, data, ci.Length, seg)
		if !ok {
			s.stats.Skipped[skip]++
			continue
		}
		seg.Packet = s.stats.Packets
		seg.Time = ci.Timestamp
		s.stats.Segments++
		return nil
	}
	*seg = fsm.Segment{}
	return s.err
}

// readError turns a reader error into one line that names the file, says
// what is wrong and what to do.
func (s *FileSource) readError(err error, ci gopacket.CaptureInfo) error {
	n := s.stats.Packets
	// A record header read whole whose data is missing shows as io.EOF
	// with a length set.
	if err == io.EOF && ci.CaptureLength == 0 {
		return io.EOF
	}
	if s.gz != nil && s.gz.err != nil {
		if s.gz.err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%q: truncated gzip stream: it ends after %d complete packets (file copied partly?); %s", s.path, n, readSoFar(n))
		}
		return fmt.Errorf("%q: damaged gzip data after %d complete packets (%v); %s", s.path, n, lower(s.gz.err), readSoFar(n))
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%q: truncated: record %d is cut off (capture stopped abruptly or file copied partly); %s", s.path, n+1, readSoFar(n))
	}
	msg := err.Error()
	var got, limit int
	if _, e := fmt.Sscanf(msg, "capture length exceeds snap length: %d > %d", &got, &limit); e == nil {
		return fmt.Errorf("%q: corrupt record %d: it claims %d captured bytes, more than the file's snap length %d; %s", s.path, n+1, got, limit, readSoFar(n))
	}
	if _, e := fmt.Sscanf(msg, "capture length exceeds original packet length: %d > %d", &got, &limit); e == nil {
		return fmt.Errorf("%q: corrupt record %d: %d bytes captured of a %d-byte packet; %s", s.path, n+1, got, limit, readSoFar(n))
	}
	return fmt.Errorf("%q: corrupt %s data at record %d (%v); %s", s.path, s.format, n+1, lower(err), readSoFar(n))
}

// readSoFar says what the caller has despite an error.
func readSoFar(n uint64) string {
	switch n {
	case 0:
		return "no packet could be read"
	case 1:
		return "the packet before it was read"
	}
	return fmt.Sprintf("the %d packets before it were read", n)
}

// lower makes a library's error message fit in ours: first letter in lower
// case, on one line.
func lower(err error) string {
	m := strings.ReplaceAll(err.Error(), "\n", " ")
	if m != "" && m[0] >= 'A' && m[0] <= 'Z' && (len(m) < 2 || m[1] < 'A' || m[1] > 'Z') {
		m = strings.ToLower(m[:1]) + m[1:]
	}
	return m
}

func (s *FileSource) noteLinkType(lt layers.LinkType) {
	for _, x := range s.seen {
		if x == lt {
			return
		}
	}
	s.seen = append(s.seen, lt)
	s.stats.LinkTypes = append(s.stats.LinkTypes, LinkTypeName(lt))
}

// Stats returns the counts so far.
func (s *FileSource) Stats() Stats {
	st := s.stats
	st.LinkTypes = append([]string(nil), s.stats.LinkTypes...)
	return st
}

// Close closes the file.
func (s *FileSource) Close() error {
	return s.f.Close()
}

// LinkTypeName names a link type as users know it; unsupported ones say so.
func LinkTypeName(lt layers.LinkType) string {
	switch lt {
	case layers.LinkTypeEthernet:
		return "ethernet"
	case layers.LinkTypeLinuxSLL:
		return "linux-sll"
	case layers.LinkTypeLinuxSLL2:
		return "linux-sll2"
	case layers.LinkTypeNull:
		return "null (bsd loopback)"
	case layers.LinkTypeLoop:
		return "loop (openbsd loopback)"
	case layers.LinkTypeRaw, linkTypeRawDLT12, linkTypeRawDLT14:
		return "raw ip"
	case layers.LinkTypeIPv4:
		return "raw ipv4"
	case layers.LinkTypeIPv6:
		return "raw ipv6"
	}
	return fmt.Sprintf("link type %d (unsupported)", uint16(lt))
}

var _ Source = (*FileSource)(nil)
