package capture_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// needLive skips a test that needs CAP_NET_RAW when the process lacks it.
func needLive(t testing.TB) {
	t.Helper()
	if err := capture.CanCaptureLive(); err != nil {
		if capture.IsPermission(err) {
			t.Skipf("live capture needs root or CAP_NET_RAW (euid %d): %v", os.Geteuid(), err)
		}
		t.Fatalf("CanCaptureLive: %v", err)
	}
}

// loopbackConversation makes a real TCP connection on loopback: connect,
// the client sends "hello\n", the server answers "bye\n" and closes, then
// the client closes. It returns the client's and the server's addresses.
// It may run in its own goroutine, so it returns errors instead of
// stopping the test.
func loopbackConversation(ln net.Listener) (client, server netip.AddrPort, err error) {
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 6)
		if _, err := io.ReadFull(c, buf); err != nil {
			done <- err
			return
		}
		_, err = c.Write([]byte("bye\n"))
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return client, server, err
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return client, server, err
	}
	if err := <-done; err != nil {
		return client, server, fmt.Errorf("server: %w", err)
	}
	// Read "bye" and the server's FIN before closing, so the close is a
	// FIN, not a RST.
	if b, err := io.ReadAll(c); err != nil || string(b) != "bye\n" {
		return client, server, fmt.Errorf("client read %q, %v", b, err)
	}
	client = c.LocalAddr().(*net.TCPAddr).AddrPort()
	server = c.RemoteAddr().(*net.TCPAddr).AddrPort()
	return client, server, c.Close()
}

// collectConversation runs loopbackConversation on ln (an error fails
// t) while liveCollect reads src, and returns what it read.
func collectConversation(t testing.TB, src *capture.LiveSource, ln net.Listener) []fsm.Segment {
	t.Helper()
	stop := make(chan struct{})
	go func() {
		defer close(stop)
		if _, _, err := loopbackConversation(ln); err != nil {
			t.Error(err)
		}
	}()
	return liveCollect(t, src, stop)
}

// collect reads segments until the line is quiet (ErrTimeout) after
// stop is closed, or until max, and copies each one (Payload included).
func liveCollect(t testing.TB, src *capture.LiveSource, stop <-chan struct{}) []fsm.Segment {
	t.Helper()
	var segs []fsm.Segment
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		seg, err := src.Next()
		if errors.Is(err, capture.ErrTimeout) {
			select {
			case <-stop:
				return segs
			default:
				continue
			}
		}
		if err != nil {
			t.Errorf("Next: %v", err)
			return segs
		}
		seg.Payload = append([]byte(nil), seg.Payload...)
		segs = append(segs, seg)
	}
	t.Error("capture did not go quiet within 10 s")
	return segs
}

func liveListen(t testing.TB, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("no %s loopback here: %v", network, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// TestLiveLoopbackOnce captures a real loopback connection and checks each
// segment arrives exactly once (the kernel drops lo's outgoing copies) and
// matches the handshake the test made.
func TestLiveLoopbackOnce(t *testing.T) {
	needLive(t)
	for _, tc := range []struct{ name, network, addr, filter string }{
		{"ipv4", "tcp4", "127.0.0.1:0", "tcp port %d"},
		{"ipv6", "tcp6", "[::1]:0", "tcp port %d"},
		// A program of over 1000 instructions, with long jumps.
		{"ipv4-long-filter", "tcp4", "127.0.0.1:0", longPortFilter(30) + " or (tcp and port %d)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln := liveListen(t, tc.network, tc.addr)
			port := ln.Addr().(*net.TCPAddr).Port
			ref := startRef(t, loopbackIndex(t), fmt.Sprintf("tcp port %d", port))
			pcapPath := filepath.Join(t.TempDir(), "live.pcap")
			w, err := capture.CreatePcap(pcapPath)
			if err != nil {
				t.Fatal(err)
			}
			src, err := capture.OpenLive("", fmt.Sprintf(tc.filter, port), capture.LiveOptions{Timeout: 300 * time.Millisecond, Write: w})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()

			// Stats from another goroutine while Next runs.
			statsDone := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-statsDone:
						return
					default:
						_ = src.Stats()
						time.Sleep(time.Millisecond)
					}
				}
			}()

			stop := make(chan struct{})
			var client, server netip.AddrPort
			go func() {
				defer close(stop)
				var err error
				if client, server, err = loopbackConversation(ln); err != nil {
					t.Error(err)
				}
			}()
			segs := liveCollect(t, src, stop)
			close(statsDone)
			wg.Wait()
			checkConversation(t, segs, client, server)
			ref.stop()
			ref.check(t, tc.name, segs)

			st := src.Stats()
			if st.Segments != uint64(len(segs)) || st.Packets != uint64(len(segs)) {
				t.Errorf("Stats: %d packets, %d segments; Next returned %d", st.Packets, st.Segments, len(segs))
			}
			if st.KernelDrops != 0 {
				t.Errorf("kernel dropped %d packets", st.KernelDrops)
			}
			// Frames from before the filter (other traffic on lo: other
			// tests, other programs) may reach the socket and its
			// counters too; Next dropped them as early. Duplicates are
			// ref.check's to find.
			if kp, early := src.KernelPackets(), src.EarlyFrames(); kp < uint64(len(segs)) || kp > uint64(len(segs))+early {
				t.Errorf("kernel passed %d packets to the socket, Next returned %d and dropped %d as early (duplicates or leaks through the filter?)", kp, len(segs), early)
			}
			if err := src.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			checkWrittenFile(t, pcapPath, segs)
		})
	}
}

// checkConversation checks the captured segments against the connection
// the test made: in order, the handshake's numbers right. That each
// segment came once is refCapture.check's job: a repeated segment can be
// a real retransmission.
func checkConversation(t *testing.T, segs []fsm.Segment, client, server netip.AddrPort) {
	t.Helper()
	if len(segs) < 7 {
		t.Fatalf("captured %d segments, want at least 7 (3 handshake, 2 data, 2 FIN): %v", len(segs), segsBrief(segs))
	}
	var syn, synack, fins, hello, bye int
	var iss, irs fsm.Seq
	for i, s := range segs {
		if s.Packet != uint64(i+1) {
			t.Errorf("segment %d has Packet %d, want %d", i, s.Packet, i+1)
		}
		if i > 0 && s.Time.Before(segs[i-1].Time) {
			t.Errorf("packet %d: time goes backwards", s.Packet)
		}
		if time.Since(s.Time) > time.Minute || s.Time.After(time.Now()) {
			t.Errorf("packet %d: time %v is not a capture time", s.Packet, s.Time)
		}
		fromClient := s.Src == client && s.Dst == server
		if !fromClient && !(s.Src == server && s.Dst == client) {
			t.Errorf("packet %d: %v > %v is not the test's connection %v <> %v", s.Packet, s.Src, s.Dst, client, server)
		}
		switch {
		case s.Flags == fsm.SYN:
			syn++
			iss = s.Seq
			if !fromClient {
				t.Errorf("SYN from the server")
			}
		case s.Flags == fsm.SYN|fsm.ACK:
			synack++
			irs = s.Seq
			if s.Ack != iss+1 {
				t.Errorf("SYN-ACK acks %d, want ISS+1 = %d", s.Ack, iss+1)
			}
		}
		if s.Flags.Has(fsm.FIN) {
			fins++
		}
		if string(s.Payload) == "hello\n" && fromClient {
			hello++
		}
		if string(s.Payload) == "bye\n" && !fromClient {
			bye++
		}
	}
	if syn != 1 || synack != 1 || fins != 2 || hello != 1 || bye != 1 {
		t.Errorf("got %d SYN, %d SYN-ACK, %d FIN, %d hello, %d bye; want one SYN, one SYN-ACK, two FINs, one of each line: %v",
			syn, synack, fins, hello, bye, segsBrief(segs))
	}
	// The third segment completes the handshake.
	if s := segs[2]; s.Flags&fsm.ACK == 0 || s.Ack != irs+1 || s.Src != client {
		t.Errorf("third segment %v > %v %v ack=%d, want the client's ACK of IRS+1 = %d", s.Src, s.Dst, s.Flags, s.Ack, irs+1)
	}
}

func segsBrief(segs []fsm.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&b, "\n  %d %v>%v %v seq=%d ack=%d len=%d", s.Packet, s.Src, s.Dst, s.Flags, s.Seq, s.Ack, s.Len)
	}
	return b.String()
}

func TestLiveCloseUnblocksNext(t *testing.T) {
	needLive(t)
	src, err := capture.OpenLive("", "tcp port 1 and host 192.0.2.1", capture.LiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, err := src.Next()
		res <- err
	}()
	time.Sleep(150 * time.Millisecond)
	start := time.Now()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-res:
		if err != io.EOF {
			t.Errorf("Next after Close: %v, want io.EOF", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Next still blocked 2 s after Close")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if _, err := src.Next(); err != io.EOF {
		t.Errorf("Next on a closed source: %v, want io.EOF", err)
	}
	if err := src.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_ = src.Stats() // still safe
}

func TestLiveTimeout(t *testing.T) {
	needLive(t)
	src, err := capture.OpenLive("", "tcp port 1 and host 192.0.2.1", capture.LiveOptions{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	start := time.Now()
	_, err = src.Next()
	if !errors.Is(err, capture.ErrTimeout) {
		t.Fatalf("Next: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d < 40*time.Millisecond || d > time.Second {
		t.Errorf("timed out after %v, want about 50ms", d)
	}
}

func TestOpenLiveErrors(t *testing.T) {
	// These fail before a packet socket is opened: no privilege needed.
	for _, c := range []struct{ iface, filter, want string }{
		{"no-such-if0", "", `no interface "no-such-if0"`},
		{"", "tcp portt 80", `"portt"`},
	} {
		_, err := capture.OpenLive(c.iface, c.filter, capture.LiveOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("OpenLive(%q, %q): %v, want one line with %s", c.iface, c.filter, err, c.want)
		}
	}
}

func TestLoopbackInterface(t *testing.T) {
	name, err := capture.LoopbackInterface()
	if err != nil {
		t.Fatal(err)
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil || ifc.Flags&net.FlagLoopback == 0 {
		t.Errorf("LoopbackInterface() = %q, not a loopback interface (%v)", name, err)
	}
}

// ---- unprivileged paths, through a child process ----

const helperEnv = "SYNFIN_CAPTURE_TEST_HELPER"

// TestHelperProcess is not a test: it is the child the tests below start
// (as an unprivileged user, or in a private network namespace).
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process for the unprivileged tests")
	}
	out := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	switch mode {
	case "openlive": // expected to fail for lack of CAP_NET_RAW
		_, err := capture.OpenLive("", "tcp", capture.LiveOptions{})
		out("ispermission=%v", capture.IsPermission(err))
		out("err=%v", err)
		out("can=%v", capture.CanCaptureLive())
	case "netns-parent": // unprivileged: start the namespaced child
		cmd, err := capture.PrivateNetnsCommand("-test.run=^TestHelperProcess$")
		if err != nil {
			out("err=%v", err)
			return
		}
		cmd.Env = append(cmd.Env, helperEnv+"=netns-child")
		b, err := cmd.CombinedOutput()
		os.Stdout.Write(b)
		if err != nil {
			out("childerr=%v", err)
		}
	case "tun-child": // root in a private netns: capture on a tun device
		tunCapture(out)
	case "hostile-ifname-child": // root in a private netns
		hostileIfname(out)
	case "netns-child":
		out("inprivate=%v", capture.InPrivateNetns())
		out("up=%v", capture.BringLoopbackUp())
		out("can=%v", capture.CanCaptureLive())
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			out("listen=%v", err)
			return
		}
		defer ln.Close()
		src, err := capture.OpenLive("", fmt.Sprintf("tcp port %d", ln.Addr().(*net.TCPAddr).Port), capture.LiveOptions{Timeout: 300 * time.Millisecond})
		if err != nil {
			out("openlive=%v", err)
			return
		}
		defer src.Close()
		stop := make(chan struct{})
		go func() {
			defer close(stop)
			if _, _, err := loopbackConversation(ln); err != nil {
				out("conversation=%v", err)
			}
		}()
		segs := liveCollect(t, src, stop)
		syns := 0
		for _, s := range segs {
			if s.Flags == fsm.SYN {
				syns++
			}
		}
		out("segments=%d syns=%d", len(segs), syns)
	}
}

// runAsNobody re-executes the test binary as uid/gid 65534 with the
// helper mode. It skips when that cannot be arranged (not root).
func runAsNobody(t *testing.T, mode string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("switching to an unprivileged user (uid 65534) needs root; run the tests as root to cover this path")
	}
	// The go test binary sits in a 0700 directory: copy it where uid
	// 65534 can run it.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "synfin-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "capture.test")
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestHelperProcess$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "HOME="+dir, "GOCOVERDIR=")
	cmd.SysProcAttr = nobodyAttr()
	outb, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Skipf("cannot run the test binary as uid 65534 (noexec /tmp?): %v", err)
	}
	if err != nil {
		t.Logf("child output:\n%s", outb)
		t.Fatalf("child as uid 65534: %v", err)
	}
	return string(outb)
}

func TestOpenLiveWithoutPrivilege(t *testing.T) {
	var out string
	if capture.IsPermission(capture.CanCaptureLive()) {
		// Already unprivileged: check in this process.
		_, err := capture.OpenLive("", "tcp", capture.LiveOptions{})
		out = fmt.Sprintf("ispermission=%v\nerr=%v\ncan=%v\n", capture.IsPermission(err), err, capture.CanCaptureLive())
	} else {
		out = runAsNobody(t, "openlive")
	}
	if !strings.Contains(out, "ispermission=true") {
		t.Fatalf("IsPermission was not true for an unprivileged OpenLive:\n%s", out)
	}
	var msg string
	for _, l := range strings.Split(out, "\n") {
		if m, ok := strings.CutPrefix(l, "err="); ok {
			msg = m
		}
	}
	for _, want := range []string{`live capture on "lo"`, "operation not permitted", "CAP_NET_RAW", "sudo", capture.SetcapHint} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !strings.Contains(out, "can=live capture: open a packet socket: operation not permitted") {
		t.Errorf("CanCaptureLive did not fail with EPERM:\n%s", out)
	}
}

// TestPrivateNetns runs, as uid 65534, a child in a private user+network
// namespace that brings lo up and captures a loopback connection there.
func TestPrivateNetns(t *testing.T) {
	out := runAsNobody(t, "netns-parent")
	if strings.Contains(out, "childerr=") && strings.Contains(out, "operation not permitted") {
		t.Skipf("unprivileged user namespaces are disabled on this kernel:\n%s", out)
	}
	for _, want := range []string{"inprivate=true", "up=<nil>", "can=<nil>", "syns=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "segments=") || strings.Contains(out, "segments=0 ") {
		t.Errorf("no segments captured in the namespace:\n%s", out)
	}
}

func nobodyAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// TestLiveOpenDuringTraffic opens captures while loopback traffic flows:
// frames that reached the ring before the filter was attached (both
// copies, any port) must not come out of Next.
func TestLiveOpenDuringTraffic(t *testing.T) {
	needLive(t)
	ln := liveListen(t, "tcp4", "127.0.0.1:0")
	other := liveListen(t, "tcp4", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	stop := make(chan struct{})
	var wg sync.WaitGroup
	flood := func(l net.Listener) {
		defer wg.Done()
		go func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			io.Copy(io.Discard, c)
			c.Close()
		}()
		c, err := net.Dial("tcp4", l.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		buf := make([]byte, 100)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := c.Write(buf); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	wg.Add(2)
	go flood(ln)
	go flood(other)
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(50 * time.Millisecond)

	for round := 0; round < 5; round++ {
		ref := startRef(t, loopbackIndex(t), fmt.Sprintf("tcp port %d", port))
		src, err := capture.OpenLive("", fmt.Sprintf("tcp port %d", port), capture.LiveOptions{Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var segs []fsm.Segment
		end := time.Now().Add(100 * time.Millisecond)
		for time.Now().Before(end) {
			s, err := src.Next()
			if errors.Is(err, capture.ErrTimeout) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Src.Port() != uint16(port) && s.Dst.Port() != uint16(port) {
				t.Errorf("round %d packet %d: %v > %v passed the filter for port %d", round, s.Packet, s.Src, s.Dst, port)
			}
			s.Payload = nil
			segs = append(segs, s)
		}
		src.Close()
		ref.stop()
		if len(segs) == 0 {
			t.Fatalf("round %d: nothing captured from the flood", round)
		}
		// Frames the ring took before the filter was attached would be
		// both copies of a segment: more than the kernel received.
		ref.check(t, fmt.Sprintf("round %d", round), segs)
	}
}

// loopbackIndex is the loopback interface's index.
func loopbackIndex(t testing.TB) int {
	t.Helper()
	name, err := capture.LoopbackInterface()
	if err != nil {
		t.Fatal(err)
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return ifc.Index
}

// BenchmarkLiveLoopback measures how many segments per second live capture
// delivers from a loopback flood: b.N distinct TCP frames injected on lo
// through a packet socket (to TEST-NET addresses and a foreign MAC, so the
// kernel drops them after the capture point and answers nothing). It
// reports kernel drops and frames that never came out of Next. Bound the
// count with -benchtime, e.g. -benchtime=200000x.
func BenchmarkLiveLoopback(b *testing.B) {
	needLive(b)
	name, err := capture.LoopbackInterface()
	if err != nil {
		b.Fatal(err)
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		b.Fatal(err)
	}
	sport := reservePort(b)
	src, err := capture.OpenLive(name, fmt.Sprintf("tcp src port %d and host 192.0.2.77", sport), capture.LiveOptions{Timeout: 300 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	inject := newInjector(b, ifc.Index, sport)

	b.ResetTimer()
	start := time.Now()
	sent := make(chan error, 1)
	go func() {
		for i := 0; i < b.N; i++ {
			if err := inject(uint32(i)); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	got, senderDone := 0, false
	for got < b.N {
		_, err := src.Next()
		if errors.Is(err, capture.ErrTimeout) {
			if !senderDone {
				select {
				case err := <-sent:
					if err != nil {
						b.Fatal(err)
					}
					senderDone = true
					continue
				default:
					continue
				}
			}
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		got++
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if !senderDone {
		if err := <-sent; err != nil {
			b.Fatal(err)
		}
	}
	st := src.Stats()
	b.ReportMetric(float64(got)/elapsed.Seconds(), "segments/s")
	b.ReportMetric(float64(st.KernelDrops), "kernel-drops")
	b.ReportMetric(float64(b.N-got), "lost")
}

// reservePort returns a port number no other process on this machine is
// using for its own injected frames: an ephemeral UDP port held until the
// test ends. Two runs of the tests at once thus filter on different
// ports and never count each other's frames.
func reservePort(t testing.TB) uint16 {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return uint16(pc.LocalAddr().(*net.UDPAddr).Port)
}

// newInjector returns a function that sends one TCP frame (sequence
// number seq) from 192.0.2.77:sport on the interface through a packet
// socket. The destination MAC is not the interface's, so the kernel drops
// the frame after the capture point without answering it.
func newInjector(t testing.TB, ifindex int, sport uint16) func(seq uint32) error {
	t.Helper()
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	f := buildFrame(t, frameSpec{src: "192.0.2.77", dst: "192.0.2.78", proto: layers.IPProtocolTCP, sport: sport, dport: 9}).data
	to := &unix.SockaddrLinklayer{Ifindex: ifindex, Protocol: 0x0008} // htons(ETH_P_IP)
	const seqOff = 14 + 20 + 4
	return func(seq uint32) error {
		binary.BigEndian.PutUint32(f[seqOff:], seq)
		for {
			err := unix.Sendto(fd, f, 0, to)
			if !errors.Is(err, unix.ENOBUFS) {
				return err
			}
			time.Sleep(10 * time.Microsecond)
		}
	}
}

// TestLiveKernelDrops fills a small ring without reading it: the kernel
// drops what does not fit and Stats says how many, and every injected frame
// is either read or counted as dropped.
func TestLiveKernelDrops(t *testing.T) {
	needLive(t)
	name, err := capture.LoopbackInterface()
	if err != nil {
		t.Fatal(err)
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	sport := reservePort(t)
	src, err := capture.OpenLive(name, fmt.Sprintf("tcp src port %d and host 192.0.2.77", sport),
		capture.LiveOptions{BufferSize: 512 << 10, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	inject := newInjector(t, ifc.Index, sport)
	for i := 0; i < n; i++ {
		if err := inject(uint32(i)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond) // let the last block retire
	drops := src.Stats().KernelDrops
	if drops == 0 {
		t.Fatalf("no kernel drops reported after %d frames into a 512 KiB ring nobody read", n)
	}
	read := 0
	for {
		_, err := src.Next()
		if errors.Is(err, capture.ErrTimeout) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		read++
	}
	st := src.Stats()
	if uint64(read)+st.KernelDrops != n || st.Segments != uint64(read) {
		t.Errorf("read %d + dropped %d != injected %d (Stats: %d segments)", read, st.KernelDrops, n, st.Segments)
	}
	if kp, early := src.KernelPackets(), src.EarlyFrames(); kp < n || kp > n+early {
		t.Errorf("KernelPackets %d, want %d injected (+ up to %d early, from before the filter)", kp, n, early)
	}
	t.Logf("%d frames: %d read, %d dropped by the kernel", n, read, st.KernelDrops)
}

// TestLiveSnaplen: a short snaplen cuts the payload in the kernel, but the
// segment length still comes from the IP header.
func TestLiveSnaplen(t *testing.T) {
	needLive(t)
	ln := liveListen(t, "tcp4", "127.0.0.1:0")
	const snap = 14 + 20 + 32 + 2 // Linux sends timestamps: 32-byte TCP header
	src, err := capture.OpenLive("", fmt.Sprintf("tcp port %d", ln.Addr().(*net.TCPAddr).Port), capture.LiveOptions{Snaplen: snap, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	segs := collectConversation(t, src, ln)
	found := false
	for _, s := range segs {
		if s.Len == 6 {
			found = true
			if string(s.Payload) != "he" {
				t.Errorf("payload %q with snaplen %d, want %q", s.Payload, snap, "he")
			}
		}
	}
	if !found {
		t.Errorf("no 6-byte segment captured: %s", segsBrief(segs))
	}
}

// TestLiveTimeoutWithOtherTraffic: frames that are not TCP keep arriving,
// yet Next gives control back at the timeout.
func TestLiveTimeoutWithOtherTraffic(t *testing.T) {
	needLive(t)
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := pc.LocalAddr().(*net.UDPAddr).Port
	src, err := capture.OpenLive("", fmt.Sprintf("udp port %d", port), capture.LiveOptions{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		end := time.Now().Add(3 * time.Second) // so a broken Next fails, not hangs
		for time.Now().Before(end) {
			select {
			case <-stop:
				return
			default:
			}
			pc.WriteTo([]byte("x"), pc.LocalAddr())
			time.Sleep(time.Millisecond)
		}
	}()
	start := time.Now()
	_, err = src.Next()
	if !errors.Is(err, capture.ErrTimeout) {
		t.Fatalf("Next: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Next returned after %v with a 100ms timeout", d)
	}
	if st := src.Stats(); st.Skipped[capture.SkipNotTCP] == 0 {
		t.Errorf("no UDP frame counted as skipped: %+v", st)
	}
}

// TestLiveRawIPInterface captures on a tun device (no link header: raw
// IP), made in a private network namespace so the machine's own
// interfaces are left alone.
func TestLiveRawIPInterface(t *testing.T) {
	needLive(t)
	if os.Geteuid() != 0 {
		t.Skip("creating a tun device needs root (/dev/net/tun)")
	}
	out := runNetnsChild(t, "tun-child", "SYNFIN_TEST_TMP="+t.TempDir())
	for _, want := range []string{"linktype=Raw", "syns-ok=true", "file=ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

// tunCapture runs in the namespaced child: it makes tun device synfin0
// with 10.203.0.1/24, captures while connecting to 10.203.0.2:7 (the SYNs
// leave through the tun, nobody answers), and prints what it saw.
func tunCapture(out func(string, ...any)) {
	tun, made := makeTun("synfin0", out)
	if !made {
		return
	}
	defer unix.Close(tun)
	sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		out("err=%v", err)
		return
	}
	defer unix.Close(sock)
	for _, step := range []struct {
		req  uint
		addr []byte
	}{{unix.SIOCSIFADDR, []byte{10, 203, 0, 1}}, {unix.SIOCSIFNETMASK, []byte{255, 255, 255, 0}}} {
		ifr, _ := unix.NewIfreq("synfin0")
		if err := ifr.SetInet4Addr(step.addr); err != nil {
			out("err=%v", err)
			return
		}
		if err := unix.IoctlIfreq(sock, step.req, ifr); err != nil {
			out("err=set address: %v", err)
			return
		}
	}
	ifr, _ := unix.NewIfreq("synfin0")
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFFLAGS, ifr); err != nil {
		out("err=%v", err)
		return
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(sock, unix.SIOCSIFFLAGS, ifr); err != nil {
		out("err=up: %v", err)
		return
	}
	path := filepath.Join(os.Getenv("SYNFIN_TEST_TMP"), "tun.pcap")
	w, err := capture.CreatePcap(path)
	if err != nil {
		out("err=%v", err)
		return
	}
	src, err := capture.OpenLive("synfin0", "tcp port 7", capture.LiveOptions{Timeout: 300 * time.Millisecond, Write: w})
	if err != nil {
		out("err=openlive: %v", err)
		return
	}
	out("linktype=%v writer=%v", src.LinkType(), w.LinkType())
	stop := make(chan struct{})
	go func() {
		defer close(stop)
		net.DialTimeout("tcp4", "10.203.0.2:7", 1500*time.Millisecond) // SYN, and a retransmission after 1 s
	}()
	var segs []fsm.Segment
	for {
		seg, err := src.Next()
		if errors.Is(err, capture.ErrTimeout) {
			select {
			case <-stop:
			default:
				continue
			}
			break
		}
		if err != nil {
			out("err=next: %v", err)
			return
		}
		segs = append(segs, seg)
	}
	src.Close()
	ok := len(segs) >= 1
	for i, s := range segs {
		if s.Flags != fsm.SYN || s.Dst != netip.MustParseAddrPort("10.203.0.2:7") || s.Src.Addr() != netip.MustParseAddr("10.203.0.1") || s.Packet != uint64(i+1) {
			ok = false
		}
	}
	out("segments=%d syns-ok=%v%s", len(segs), ok, segsBrief(segs))
	if err := w.Close(); err != nil {
		out("err=%v", err)
		return
	}
	fsrc, err := capture.OpenFile(path)
	if err != nil {
		out("err=%v", err)
		return
	}
	defer fsrc.Close()
	n := 0
	for {
		s, err := fsrc.Next()
		if err != nil {
			break
		}
		if s.Packet != segs[n].Packet || s.Seq != segs[n].Seq || !s.Time.Equal(segs[n].Time) {
			out("file=differs at %d", n)
			return
		}
		n++
	}
	if st := fsrc.Stats(); n == len(segs) && len(st.LinkTypes) == 1 && st.LinkTypes[0] == capture.LinkTypeName(layers.LinkTypeRaw) {
		out("file=ok")
	} else {
		out("file=%d segments, link types %v", n, st.LinkTypes)
	}
}

// hostileName carries OSC 0 (set the window title) ended by BEL: printed
// raw, it retitles the terminal.
const hostileName = "t\x1b]0;pwn\x07"

// TestHostileInterfaceName: interface names reach errors quoted, in
// "interface is down" and in the "(have: ...)" list. The interface is a
// tun device named with an escape sequence, made down in a private
// network namespace (root only).
func TestHostileInterfaceName(t *testing.T) {
	_, err := capture.OpenLive(hostileName, "", capture.LiveOptions{})
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), strconv.Quote(hostileName)) {
		t.Errorf("OpenLive(%q): %q, want the name quoted", hostileName, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("a tun device with a hostile name needs root (/dev/net/tun, a private network namespace)")
	}
	out := runNetnsChild(t, "hostile-ifname-child")
	for _, want := range []string{"down-raw=false", "have-raw=false", "down-quoted=true", "have-quoted=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %s:\n%s", want, out)
		}
	}
}

// hostileIfname runs in the namespaced child: a tun device named
// hostileName, left down.
func hostileIfname(out func(string, ...any)) {
	tun, ok := makeTun(hostileName, out)
	if !ok {
		return
	}
	defer unix.Close(tun)
	q := strconv.Quote(hostileName)
	_, err := capture.OpenLive(hostileName, "", capture.LiveOptions{})
	out("down=%q", err)
	out("down-raw=%v down-quoted=%v", err != nil && strings.ContainsAny(err.Error(), "\x1b\x07"), err != nil && strings.Contains(err.Error(), "down") && strings.Contains(err.Error(), q))
	_, err = capture.OpenLive("no-such-if0", "", capture.LiveOptions{})
	out("have=%q", err)
	out("have-raw=%v have-quoted=%v", err != nil && strings.ContainsAny(err.Error(), "\x1b\x07"), err != nil && strings.Contains(err.Error(), "have:") && strings.Contains(err.Error(), q))
}

// TestLiveDiskFull: when the -w file fills the disk, the capture goes on
// (every segment of the conversation still comes out of Next), the file
// keeps its whole records, and Stats says why it stopped. Before the fix
// Next returned the write error and the capture ended.
func TestLiveDiskFull(t *testing.T) {
	needLive(t)
	ln := liveListen(t, "tcp4", "127.0.0.1:0")
	d := &fullDisk{limit: 24 + 200} // the header and a packet or two
	w, err := capture.NewPcapWriter(d, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenLive("", fmt.Sprintf("tcp port %d", ln.Addr().(*net.TCPAddr).Port), capture.LiveOptions{Timeout: 300 * time.Millisecond, Write: w})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	stop := make(chan struct{})
	var client, server netip.AddrPort
	go func() {
		defer close(stop)
		var err error
		if client, server, err = loopbackConversation(ln); err != nil {
			t.Error(err)
		}
	}()
	segs := liveCollect(t, src, stop)
	checkConversation(t, segs, client, server)
	src.Close()
	st := src.Stats()
	var se *capture.StoppedError
	if !errors.As(st.WriteErr, &se) || !errors.Is(st.WriteErr, syscall.ENOSPC) {
		t.Fatalf("Stats().WriteErr = %v, want the writer's StoppedError (ENOSPC)", st.WriteErr)
	}
	if w.Packets()+w.Lost() != st.Packets {
		t.Errorf("writer saved %d + lost %d, capture read %d", w.Packets(), w.Lost(), st.Packets)
	}
	if n, err := readRecords(t, d.data); err != nil || uint64(n) != w.Packets() {
		t.Errorf("file: %d whole records (%v), writer says %d", n, err, w.Packets())
	}
}

// runNetnsChild runs TestHelperProcess as child in a private network
// namespace, with env added, and returns its output; it fails t if the
// child fails and skips t if the child says skip=. Output is quoted: it
// may carry an interface name with escape sequences.
func runNetnsChild(t *testing.T, child string, env ...string) string {
	t.Helper()
	cmd, err := capture.PrivateNetnsCommand("-test.run=^TestHelperProcess$")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(append(cmd.Env, helperEnv+"="+child), env...)
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("child: %v\n%q", err, out)
	}
	if strings.Contains(out, "skip=") {
		t.Skipf("%q", out)
	}
	return out
}

// makeTun, in a namespaced child, makes tun device name (no packet
// information header) and returns its descriptor; when it cannot, it
// prints a skip= line and returns false.
func makeTun(name string, out func(string, ...any)) (int, bool) {
	tun, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		out("skip=no tun device: %v", err)
		return -1, false
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(tun)
		out("skip=ifreq: %v", err)
		return -1, false
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(tun, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(tun)
		out("skip=TUNSETIFF %q: %v", name, err)
		return -1, false
	}
	return tun, true
}
