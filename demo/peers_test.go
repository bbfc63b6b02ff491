package demo

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

func loop(port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
}

// kernelState returns the kernel's state of the socket local→remote
// (CLOSED when there is none).
func kernelState(t *testing.T, local, remote netip.AddrPort) fsm.State {
	t.Helper()
	socks, err := KernelSockets(local.Port())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range socks {
		if k.Local == local && k.Remote == remote {
			return k.State
		}
	}
	return fsm.Closed
}

// TestServerModels: each model serves a client that sends a line and
// closes: the server reports what it received and recv returning 0, and
// closes in turn, leaving the client in TIME_WAIT.
func TestServerModels(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	for i, m := range Models() {
		t.Run(string(m), func(t *testing.T) {
			log := &EventLog{}
			addr := loop(9700 + uint16(i))
			srv, err := StartServer(ServerConfig{Addr: addr, Model: m, ReuseAddr: true, Events: log.Sink()})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c, err := Dial(context.Background(), addr, DialOptions{Name: "client 1", Events: log.Sink()})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Release()
			if err := c.Send("hello"); err != nil {
				t.Fatal(err)
			}
			got, _, err := log.Wait(0, 3*time.Second, func(e Event) bool { return e.Kind == KindReceived && e.Conn == 1 })
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != "hello" || got.Remote != c.Local() {
				t.Errorf("server received %q from %v, want %q from %v", got.Text, got.Remote, "hello", c.Local())
			}
			if m == Process {
				if !strings.HasPrefix(got.Who, "server child ") {
					t.Errorf("process model: received reported by %q, want the child", got.Who)
				}
				if _, _, err := log.Wait(0, time.Second, Is("server", KindParentClosed)); err != nil {
					t.Error("process model: no parent-closed event")
				}
			}
			from := log.Len()
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			for _, k := range []Kind{KindPeerClosed, KindClosed} {
				if _, _, err := log.Wait(from, 3*time.Second, func(e Event) bool { return e.Kind == k && e.Conn == 1 }); err != nil {
					t.Fatalf("server: %s: %v", k, err)
				}
			}
			time.Sleep(20 * time.Millisecond)
			if st := kernelState(t, c.Local(), addr); st != fsm.TimeWait {
				t.Errorf("kernel: client in %v, want TIME_WAIT", st)
			}
		})
	}
}

// TestParentKeepsCopy shows why the notes' multi-process server closes
// its copy of the accepted socket: if the parent keeps it, the child's
// close sends no FIN; the FIN goes out only when the last copy closes.
func TestParentKeepsCopy(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	log := &EventLog{}
	addr := loop(9710)
	srv, err := StartServer(ServerConfig{Addr: addr, Model: Process, ReuseAddr: true, HoldOnEOF: true, KeepParentCopy: true, Events: log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := Dial(context.Background(), addr, DialOptions{Events: log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if _, _, err := log.Wait(0, 3*time.Second, Is("server", KindParentKept)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := log.Wait(0, 3*time.Second, func(e Event) bool { return e.Kind == KindChildStarted }); err != nil {
		t.Fatal(err)
	}
	if err := srv.CloseConn(1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := log.Wait(0, 3*time.Second, func(e Event) bool { return e.Kind == KindChildExited }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Recv(200 * time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("client: got %v after the child closed, want nothing (no FIN while the parent holds a copy)", err)
	}
	if st := kernelState(t, c.Local(), addr); st != fsm.Established {
		t.Errorf("kernel: client in %v, want ESTABLISHED", st)
	}
	if got := srv.Conns(); len(got) != 1 {
		t.Fatalf("server connections after the child exited: %v, want [1] (the parent's copy)", got)
	}
	if err := srv.CloseConn(1); err != nil { // the parent's copy: now the FIN goes out
		t.Fatal(err)
	}
	if _, err := c.Recv(time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("client: got %v after the parent closed its copy, want EOF", err)
	}
	if _, _, err := log.Wait(0, time.Second, func(e Event) bool { return e.Kind == KindClosed && strings.HasPrefix(e.Text, "parent's copy") }); err != nil {
		t.Error("no closed event for the parent's copy")
	}
	if got := srv.Conns(); len(got) != 0 {
		t.Errorf("server connections after closing the parent's copy: %v, want none", got)
	}
}

// TestListenWithoutReuseAddr: a second listener on a port in use fails
// with the course's "address already in use", with or without
// SO_REUSEADDR (it only helps against TIME_WAIT, not a live listener).
func TestListenWithoutReuseAddr(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	addr := loop(9711)
	l, err := Listen(addr, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, reuse := range []bool{false, true} {
		_, err := Listen(addr, 1, reuse)
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Fatalf("reuse=%v: got %v, want EADDRINUSE", reuse, err)
		}
		if !strings.Contains(err.Error(), "bind") || !strings.Contains(err.Error(), "address already in use") {
			t.Errorf("error %q should name bind and say address already in use", err)
		}
	}
	socks, err := KernelSockets(addr.Port())
	if err != nil {
		t.Fatal(err)
	}
	if len(socks) != 1 || socks[0].State != fsm.Listen || socks[0].Local != addr {
		t.Errorf("kernel sockets on %v: %v, want one LISTEN", addr, socks)
	}
}

// TestRefusedAndAbort: connect to a closed port is refused; an abort
// resets the server's side.
func TestRefusedAndAbort(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	log := &EventLog{}
	addr := loop(9712)
	if _, err := Dial(context.Background(), addr, DialOptions{Events: log.Sink()}); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial to a closed port: %v, want connection refused", err)
	}
	if _, _, err := log.Wait(0, time.Second, Is("client", KindRefused)); err != nil {
		t.Error(err)
	}
	srv, err := StartServer(ServerConfig{Addr: addr, ReuseAddr: true, Events: log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := Dial(context.Background(), addr, DialOptions{Events: log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := log.Wait(0, time.Second, Is("server", KindAccepted)); err != nil {
		t.Fatal(err)
	}
	from := log.Len()
	if err := c.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := log.Wait(from, 3*time.Second, Is("server", KindReset)); err != nil {
		t.Error(err)
	}
	if err := c.Send("x"); err == nil {
		t.Error("send after abort succeeded")
	}
}

func TestParseModel(t *testing.T) {
	for _, m := range Models() {
		if got, err := ParseModel(string(m)); err != nil || got != m {
			t.Errorf("ParseModel(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseModel("thread"); err == nil {
		t.Error("ParseModel(thread) succeeded")
	}
}
