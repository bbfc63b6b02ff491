package capture_test

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// refCapture is the tests' second opinion on loopback: its own packet
// socket, filtered in the kernel to the test's port, that records how
// many copies of each segment the kernel delivered as received
// (sll_pkttype PACKET_HOST) and as sent (PACKET_OUTGOING). A segment
// repeated with the same tuple, seq, ack, flags and length can be a real
// retransmission (Linux sends tail-loss probes even on lo): it is a
// capture duplicate only if synfin returned it more often than the
// kernel received it.
type refCapture struct {
	fd   int
	done chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	received map[string]int
	sent     map[string]int
	err      error
	dropped  uint32 // frames the kernel dropped for this socket (set by stop)
}

// segKey names a segment by the fields a duplicate would repeat.
func segKey(s *fsm.Segment) string {
	return fmt.Sprintf("%v>%v seq=%d ack=%d %v len=%d", s.Src, s.Dst, s.Seq, s.Ack, s.Flags, s.Len)
}

// startRef opens the reference socket on ifindex for filter. The filter
// is attached before the socket is bound, so no frame reaches it
// unfiltered.
func startRef(t testing.TB, ifindex int, filter string) *refCapture {
	t.Helper()
	prog, err := capture.CompileFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0) // protocol 0: nothing yet
	if err != nil {
		t.Fatal(err)
	}
	filt := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filt[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(filt)), Filter: &filt[0]}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 64<<20)
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 20000})
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifindex}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	r := &refCapture{fd: fd, done: make(chan struct{}), received: map[string]int{}, sent: map[string]int{}}
	r.wg.Add(1)
	go r.read()
	t.Cleanup(r.stop)
	return r
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (r *refCapture) read() {
	defer r.wg.Done()
	dec := capture.NewDecoder()
	buf := make([]byte, 65536+64)
	stopping := false
	for {
		if !stopping {
			select {
			case <-r.done:
				stopping = true
			default:
			}
		}
		flags := 0
		if stopping {
			// The kernel queued each frame on this socket when it gave
			// it to synfin's: what synfin read is here; read to empty.
			flags = unix.MSG_DONTWAIT
		}
		n, from, err := unix.Recvfrom(r.fd, buf, flags)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			if stopping && errors.Is(err, unix.EAGAIN) {
				return
			}
			continue
		}
		if err != nil {
			r.mu.Lock()
			r.err = err
			r.mu.Unlock()
			return
		}
		ll, ok := from.(*unix.SockaddrLinklayer)
		if !ok {
			continue
		}
		var seg fsm.Segment
		if _, ok := dec.Decode(layers.LinkTypeEthernet, buf[:n], n, &seg); !ok {
			continue
		}
		k := segKey(&seg)
		r.mu.Lock()
		if ll.Pkttype == unix.PACKET_OUTGOING {
			r.sent[k]++
		} else {
			r.received[k]++
		}
		r.mu.Unlock()
	}
}

// stop reads what is queued, then closes the socket; the counts are
// final afterwards. Safe to call more than once.
func (r *refCapture) stop() {
	select {
	case <-r.done:
		return
	default:
	}
	// Stop the queue growing (a flood would never let it drain), then
	// read what it holds: every frame synfin read is among it, since the
	// kernel queues a frame on every packet socket in one pass.
	reject := []unix.SockFilter{{Code: 0x06, K: 0}} // ret #0
	if err := unix.SetsockoptSockFprog(r.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: 1, Filter: &reject[0]}); err != nil {
		r.mu.Lock()
		r.err = fmt.Errorf("stop the reference socket: %w", err)
		r.mu.Unlock()
	}
	close(r.done)
	r.wg.Wait()
	r.dropped = r.drops()
	unix.Close(r.fd)
}

// drops is how many frames the kernel dropped for the reference socket.
func (r *refCapture) drops() uint32 {
	st, err := unix.GetsockoptTpacketStats(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return 0
	}
	return st.Drops
}

// check reports segments synfin returned more often than the kernel
// received them: capture duplicates. segs must have been read while the
// reference ran; call after stop.
func (r *refCapture) check(t testing.TB, what string, segs []fsm.Segment) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("reference socket: %v", r.err)
	}
	if r.dropped > 0 {
		t.Logf("%s: the reference socket lost %d frames: duplicates not checked", what, r.dropped)
		return
	}
	got := map[string][]uint64{}
	for i := range segs {
		k := segKey(&segs[i])
		got[k] = append(got[k], segs[i].Packet)
	}
	for k, pkts := range got {
		if rc := r.receivedCopies(k); len(pkts) > rc {
			t.Errorf("%s: packets %v are %d copies of %s, the kernel received it %d time(s) (sent %d): capture duplicates",
				what, pkts, len(pkts), k, rc, r.sent[k])
		} else if len(pkts) > 1 {
			t.Logf("%s: packets %v repeat %s: a retransmission (the kernel received it %d times)", what, pkts, k, rc)
		}
	}
}

// received returns how many copies of a segment the kernel received.
func (r *refCapture) receivedCopies(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.received[k]
}

// recordTB notes Errorf calls instead of failing, for testing a checker.
type recordTB struct {
	testing.TB
	errors []string
}

func (r *recordTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordTB) Logf(string, ...any) {}
func (r *recordTB) Helper()             {}

// TestRefCaptureSeesCopies: the reference socket sees each loopback
// segment once as sent and once as received, and its check flags a
// segment returned more often than the kernel received it.
func TestRefCaptureSeesCopies(t *testing.T) {
	needLive(t)
	ln := liveListen(t, "tcp4", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ref := startRef(t, loopbackIndex(t), fmt.Sprintf("tcp port %d", port))
	src, err := capture.OpenLive("", fmt.Sprintf("tcp port %d", port), capture.LiveOptions{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	segs := collectConversation(t, src, ln)
	src.Close()
	ref.stop()
	if ref.dropped > 0 {
		t.Skipf("the reference socket lost %d frames", ref.dropped)
	}
	for i := range segs {
		k := segKey(&segs[i])
		if ref.received[k] < 1 || ref.sent[k] < 1 {
			t.Errorf("%s: reference saw it received %d, sent %d times; want both on lo", k, ref.received[k], ref.sent[k])
		}
	}
	rec := &recordTB{TB: t}
	ref.check(rec, "clean", segs)
	if len(rec.errors) != 0 {
		t.Errorf("clean capture flagged: %v", rec.errors)
	}
	rec = &recordTB{TB: t}
	ref.check(rec, "doubled", append(append([]fsm.Segment(nil), segs...), segs[2]))
	if len(rec.errors) != 1 {
		t.Errorf("a doubled segment gave %d reports, want 1: %v", len(rec.errors), rec.errors)
	}
}
