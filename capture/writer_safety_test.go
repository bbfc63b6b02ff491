//go:build linux

package capture_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/capture"
)

// fullDisk is a file that takes limit bytes and then fails like a full
// disk: a short write, then ENOSPC. It can be truncated, like a file.
type fullDisk struct {
	data  []byte
	limit int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	room := d.limit - len(d.data)
	if room >= len(p) {
		d.data = append(d.data, p...)
		return len(p), nil
	}
	d.data = append(d.data, p[:max(room, 0)]...)
	return max(room, 0), syscall.ENOSPC
}

func (d *fullDisk) Truncate(n int64) error {
	if n > int64(len(d.data)) {
		return errors.New("truncate beyond the end")
	}
	d.data = d.data[:n]
	return nil
}

// readRecords reads a pcap to its end and says how it ended.
func readRecords(t *testing.T, b []byte) (n int, err error) {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	for {
		_, _, err := r.ReadPacketData()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// TestPcapWriterDiskFull: when the disk fills mid-record, the file is cut
// back to its last whole record (a valid capture), writing stops for
// good, and the writer says how many packets it saved and lost.
// Before the fix the file ended in a torn record ("unexpected EOF").
func TestPcapWriterDiskFull(t *testing.T) {
	fr := testFrames(t)[0]
	rec := 16 + len(fr.data)
	for _, limit := range []int{24 + 3*rec + rec/2, 24 + 5*rec, 24 + 7*rec + 1} {
		d := &fullDisk{limit: limit}
		w, err := capture.NewPcapWriter(d, layers.LinkTypeEthernet, 0)
		if err != nil {
			t.Fatal(err)
		}
		var stopped error
		for i := 0; i < 20; i++ {
			err := w.WritePacket(time.Unix(int64(i), 0), fr.data, len(fr.data))
			if err == nil && i%2 == 1 {
				err = w.Flush()
			}
			if err != nil && stopped == nil {
				stopped = err
			}
		}
		var se *capture.StoppedError
		if !errors.As(stopped, &se) || !errors.Is(stopped, syscall.ENOSPC) {
			t.Fatalf("limit %d: error %v, want a *StoppedError wrapping ENOSPC", limit, stopped)
		}
		n, err := readRecords(t, d.data)
		if err != nil {
			t.Errorf("limit %d: the file does not read to its end after %d records: %v", limit, n, err)
		}
		wantWhole := (limit - 24) / rec
		if n != wantWhole || w.Packets() != uint64(n) || len(d.data) != 24+n*rec {
			t.Errorf("limit %d: file holds %d records in %d bytes, Packets() %d; want the %d whole records that fit",
				limit, n, len(d.data), w.Packets(), wantWhole)
		}
		if w.Lost()+w.Packets() != 20 {
			t.Errorf("limit %d: %d saved + %d lost != 20 written", limit, w.Packets(), w.Lost())
		}
		err = w.Close()
		if !errors.As(err, &se) || se.Written != uint64(n) || se.Lost != w.Lost() || se.Torn {
			t.Errorf("limit %d: Close: %v (%+v), want the StoppedError with the counts", limit, err, se)
		}
		if msg := err.Error(); !strings.Contains(msg, "incomplete") || strings.Contains(msg, "\n") {
			t.Errorf("Close error %q: want one line saying the file is incomplete", msg)
		}
	}
}

// TestPcapWriterFlushTimer: a buffered packet is scheduled to go out
// within FlushEvery (so SIGKILL loses at most that much), and the timer's
// flush puts it in the output. No wall clock: the timer is the test's.
func TestPcapWriterFlushTimer(t *testing.T) {
	var out bytes.Buffer
	w, err := capture.NewPcapWriter(&out, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	var delays []time.Duration
	var fire []func()
	capture.SetFlushTimer(w, func(d time.Duration, f func()) {
		delays = append(delays, d)
		fire = append(fire, f)
	})
	fr := testFrames(t)[0]
	for i := 0; i < 3; i++ {
		if err := w.WritePacket(time.Unix(int64(i), 0), fr.data, len(fr.data)); err != nil {
			t.Fatal(err)
		}
	}
	if len(delays) != 1 || delays[0] <= 0 || delays[0] > 100*time.Millisecond || capture.FlushEvery > 100*time.Millisecond {
		t.Fatalf("flushes scheduled: %v (FlushEvery %v), want one within 100ms", delays, capture.FlushEvery)
	}
	if out.Len() != 24 {
		t.Fatalf("%d bytes out before the timer fired, want the 24-byte header only", out.Len())
	}
	fire[0]()
	if n, err := readRecords(t, out.Bytes()); n != 3 || err != nil {
		t.Errorf("after the timer: %d records (%v), want 3", n, err)
	}
	// The next packet schedules a new flush.
	w.WritePacket(time.Unix(9, 0), fr.data, len(fr.data))
	if len(delays) != 2 {
		t.Errorf("no flush scheduled for a packet written after the timer fired")
	}
	w.Close()
	fire[1]() // a late timer after Close does nothing
}

// TestCreatePcapRefuses: -w never writes through a symbolic link nor to
// a device, and never removes what it did not create. Before the fix,
// a device whose header write failed was deleted (-w /dev/full as root
// removed the device node): here a private copy of /dev/full is used.
func TestCreatePcapRefuses(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	os.WriteFile(target, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "link.pcap")
	os.Symlink(target, link)
	if _, err := capture.CreatePcap(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("CreatePcap through a symlink: %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target now holds %q", b)
	}

	if os.Geteuid() != 0 {
		t.Skip("making a device node (a copy of /dev/full) needs root")
	}
	full := filepath.Join(dir, "full")
	if err := syscall.Mknod(full, syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 7))); err != nil {
		t.Skipf("mknod: %v", err)
	}
	_, err := capture.CreatePcap(full)
	if err == nil || !strings.Contains(err.Error(), "device") || strings.Contains(err.Error(), "\n") {
		t.Errorf("CreatePcap on a device: %v, want a one-line refusal", err)
	}
	if st, err := os.Lstat(full); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Errorf("the device node is gone or changed: %v %v", st, err)
	}
}

// TestCreatePcapHeaderFailKeeps: a header that cannot be written removes
// the file only when CreatePcap made it. A tmpfs too small for the
// header is the failure (root only).
func TestCreatePcapHeaderFailKeeps(t *testing.T) {
	dir := smallTmpfs(t, 4096)
	// Fill the tmpfs so the header does not fit.
	filler := filepath.Join(dir, "filler")
	f, _ := os.Create(filler)
	f.Write(make([]byte, 1<<20))
	f.Close()
	existing := filepath.Join(dir, "existing.pcap")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := capture.CreatePcap(existing); err == nil || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CreatePcap on an existing file: %v, want a refusal (never overwrite)", err)
	}
	if _, err := os.Lstat(existing); err != nil {
		t.Errorf("a file CreatePcap did not create was removed: %v", err)
	}
	fresh := filepath.Join(dir, "fresh.pcap")
	if _, err := capture.CreatePcap(fresh); err == nil || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("CreatePcap of a new file on a full disk: %v, want ENOSPC", err)
	}
	if _, err := os.Lstat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty file CreatePcap made was left behind: %v", err)
	}
}

// TestCreatePcapDiskFullTmpfs: the whole story on a real file system: a
// small tmpfs fills, the file is cut back to whole records and reads to
// its end (tshark too, when installed).
func TestCreatePcapDiskFullTmpfs(t *testing.T) {
	dir := smallTmpfs(t, 64<<10)
	path := filepath.Join(dir, "cap.pcap")
	w, err := capture.CreatePcap(path)
	if err != nil {
		t.Fatal(err)
	}
	fr := testFrames(t)[0]
	var stopped error
	for i := 0; i < 5000 && stopped == nil; i++ {
		stopped = w.WritePacket(time.Unix(int64(i), 0), fr.data, len(fr.data))
	}
	if stopped == nil {
		stopped = w.Flush()
	}
	if !errors.Is(stopped, syscall.ENOSPC) {
		t.Fatalf("writing 5000 packets to a 64 KiB tmpfs: %v, want ENOSPC", stopped)
	}
	cerr := w.Close()
	var se *capture.StoppedError
	if !errors.As(cerr, &se) || se.Torn {
		t.Fatalf("Close: %v, want a StoppedError, not torn", cerr)
	}
	if strings.Count(cerr.Error(), dir) != 1 {
		t.Errorf("the file is named more than once (raw, by the *PathError?): %q", cerr)
	}
	b, _ := os.ReadFile(path)
	n, err := readRecords(t, b)
	if err != nil || uint64(n) != se.Written || n == 0 {
		t.Errorf("file: %d records (%v), writer says %d", n, err, se.Written)
	}
	tsharkCheck(t, path, n)
}

// smallTmpfs mounts a tmpfs of size bytes on a fresh folder and unmounts
// it at the end (root only).
func smallTmpfs(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs to fill needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the full-disk case is covered by TestPcapWriterDiskFull", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}
