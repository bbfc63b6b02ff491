//go:build linux

package kernel

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

// needTrace skips a test that needs the tracepoint, saying why.
func needTrace(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the tracepoint is read through a tracefs instance")
	}
	if _, err := os.Stat(filepath.Join(TraceFS, "instances")); err != nil {
		t.Skipf("tracefs is not mounted at %s (mount -t tracefs nodev %s)", TraceFS, TraceFS)
	}
}

// startWatcher starts a Watcher for the sockets on *port, closed (and its
// instance checked gone) when the test ends, failed or not.
func startWatcher(t *testing.T, port *atomic.Uint32, opt Options) *Watcher {
	t.Helper()
	opt.Match = func(l, r netip.AddrPort) bool {
		p := uint16(port.Load())
		return p != 0 && (l.Port() == p || r.Port() == p)
	}
	w := Start(context.Background(), opt)
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if w.tr != nil {
			if _, err := os.Stat(w.tr.dir); !os.IsNotExist(err) {
				t.Errorf("trace instance %s still there after Close (%v)", w.tr.dir, err)
			}
		}
	})
	return w
}

// connectClose makes one connection to a new listener on addr and closes
// it the ordinary way: the client first, the server once it read the
// end. It returns the client's and server's addresses.
func connectClose(t *testing.T, network, addr string, port *atomic.Uint32) (client, server netip.AddrPort) {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	defer ln.Close()
	server = ln.Addr().(*net.TCPAddr).AddrPort()
	port.Store(uint32(server.Port()))
	c, err := net.Dial(network, server.String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	client = c.LocalAddr().(*net.TCPAddr).AddrPort()
	c.Close()
	if _, err := io.ReadAll(s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return unmap(client), unmap(server)
}

func unmap(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()) }

func names(ss []fsm.State) string {
	var b []string
	for _, s := range ss {
		b = append(b, s.String())
	}
	return strings.Join(b, " ")
}

// The kernel's exact path of both sockets of a connect/close, every state
// in order.
func TestTracepointPath(t *testing.T) {
	needTrace(t)
	for _, c := range []struct{ network, addr string }{{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"}} {
		t.Run(c.network, func(t *testing.T) {
			var port atomic.Uint32
			w := startWatcher(t, &port, Options{})
			if !w.Traced() {
				t.Fatalf("no tracepoint: %s", w.Source())
			}
			client, server := connectClose(t, c.network, c.addr, &port)
			w.Flush()
			evs := w.Events()
			wantC := "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT"
			wantS := "LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
			gotC, gotS := names(Path(evs, client, server)), names(Path(evs, server, client))
			if gotC != wantC || gotS != wantS {
				t.Errorf("client %v: %s\nwant %s\nserver %v: %s\nwant %s\nevents:\n%v", client, gotC, wantC, server, gotS, wantS, evs)
			}
			for _, e := range evs {
				if d := time.Since(e.Time); d < 0 || d > time.Minute {
					t.Errorf("event time %v is %v from now: the clock is not aligned", e.Time, d)
				}
			}
			off, unc := w.Offset()
			t.Logf("%s; offset %v ± %v", w.Source(), off, unc)
		})
	}
}

// Polling alone still sees the held states, and says what it is.
func TestSockDiagFallback(t *testing.T) {
	var port atomic.Uint32
	w := startWatcher(t, &port, Options{NoTracepoint: true})
	if w.Traced() || !strings.Contains(w.Source(), "sock_diag polling") {
		t.Fatalf("source: %s", w.Source())
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	server := ln.Addr().(*net.TCPAddr).AddrPort()
	port.Store(uint32(server.Port()))
	c, err := net.Dial("tcp4", server.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	client := c.LocalAddr().(*net.TCPAddr).AddrPort()
	w.Flush()
	p := Path(w.Events(), client, server)
	if len(p) == 0 || p[len(p)-1] != fsm.Established {
		t.Errorf("client path by polling: %s, want it to end ESTABLISHED", names(p))
	}
	// Not accept()ed: the listener's accept queue holds it.
	socks, _ := w.Sockets()
	i := slices.IndexFunc(socks, func(s Socket) bool { return s.State == fsm.Listen && s.Local == server })
	if i < 0 || socks[i].AcceptQueue != 1 || socks[i].Backlog <= 0 {
		t.Errorf("listener: %+v (found %v), want accept queue 1", socks, i >= 0)
	}
	// The client's socket is held by this process.
	var inode uint32
	for _, s := range socks {
		if s.Local == client {
			inode = s.Inode
		}
	}
	o := Owners([]uint32{inode})[inode]
	if len(o) != 1 || o[0].PID != os.Getpid() {
		t.Errorf("owners of the client's socket (inode %d): %+v, want this process %d", inode, o, os.Getpid())
	}
}

// Two Watchers at once have their own instances.
func TestInstancesUnique(t *testing.T) {
	needTrace(t)
	var p atomic.Uint32
	a, b := startWatcher(t, &p, Options{}), startWatcher(t, &p, Options{})
	if a.tr == nil || b.tr == nil || a.tr.dir == b.tr.dir {
		t.Fatalf("instances: %v %v", a.Source(), b.Source())
	}
}

// SIGINT and SIGTERM end a program that stops on its signal context with
// its instance removed.
func TestSignalRemovesInstance(t *testing.T) {
	needTrace(t)
	if os.Getenv("SYNFIN_KERNEL_HELPER") == "1" {
		return
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$")
		cmd.Env = append(os.Environ(), "SYNFIN_KERNEL_HELPER=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var dir string
		if _, err := fmt.Fscanln(out, &dir); err != nil || !strings.HasPrefix(dir, filepath.Join(TraceFS, "instances", "synfin-")) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper said %q (%v)", dir, err)
		}
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("instance %s not there while the helper runs: %v", dir, err)
		}
		cmd.Process.Signal(sig)
		io.Copy(io.Discard, out)
		cmd.Wait()
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: instance %s still there (%v)", sig, dir, err)
			os.Remove(dir)
		}
	}
}

func TestSignalHelper(t *testing.T) {
	if os.Getenv("SYNFIN_KERNEL_HELPER") != "1" {
		t.Skip("run by TestSignalRemovesInstance")
	}
	ctx, stop := signalContext()
	defer stop()
	w := Start(ctx, Options{Match: func(netip.AddrPort, netip.AddrPort) bool { return false }})
	if w.tr == nil {
		t.Fatal(w.Source())
	}
	fmt.Println(w.tr.dir)
	<-ctx.Done()
	w.Close() // what a program's deferred Close does; the context's end does it too
}
