package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func runCmd(ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(ctx, args, env{strings.NewReader(stdin), &out, &errb})
	return code, out.String(), errb.String()
}

func TestPeerCommandFlags(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (or stderr for errors)
	}{
		{[]string{"server", "-h"}, 0, "--model"},
		{[]string{"client", "-h"}, 0, "--addr"},
		{[]string{"record", "-h"}, 0, "--scenario"},
		{[]string{"record", "--list"}, 0, "simultaneous-close"},
		{[]string{"server", "--model", "thread"}, 2, `unknown server model "thread"`},
		{[]string{"server", "--backlog", "0"}, 2, "--backlog must be at least 1"},
		{[]string{"server", "--addr", "nowhere"}, 2, "--addr"},
		{[]string{"server", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"client", "extra"}, 2, "unexpected argument"},
		{[]string{"client", "--addr", "localhost"}, 2, "--addr"},
		{[]string{"record"}, 2, "--scenario is required"},
		{[]string{"record", "--scenario", "nope", "-w", "x.pcap"}, 2, `unknown scenario "nope"`},
		{[]string{"record", "--scenario", "refused"}, 2, "-w FILE is required"},
	} {
		code, out, errs := runCmd(ctx, "", tc.args...)
		if code != tc.code {
			t.Errorf("synfin %v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errs)
		}
		if !strings.Contains(out+errs, tc.out) {
			t.Errorf("synfin %v: output %q lacks %q", tc.args, out+errs, tc.out)
		}
	}
}

// syncBuffer is an output a test can wait on while a command writes it.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	notify chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{notify: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	close(s.notify)
	s.notify = make(chan struct{})
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output matches re and returns the first
// submatch (or the match), failing after 10 s.
func (s *syncBuffer) waitFor(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		m := rx.FindStringSubmatch(s.b.String())
		ch := s.notify
		s.mu.Unlock()
		if m != nil {
			return m[len(m)-1]
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("output never matched %q:\n%s", re, s.String())
		}
	}
}

// startServer runs 'synfin server args...' until the test ends and
// returns its output and the address it listens on.
func startServer(t *testing.T, args ...string) (*syncBuffer, string) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	out, errb := newSyncBuffer(), newSyncBuffer()
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"server"}, args...), env{strings.NewReader(""), out, errb}) }()
	t.Cleanup(func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("server: exit %d: %s", code, errb.String())
		}
	})
	addr := out.waitFor(t, `listening on (\S+) `)
	return out, addr
}

// TestServerAndClient runs the course's two programs against each other:
// the client sends its stdin lines, the server prints them and
// "connection closed" when recv returns 0.
func TestServerAndClient(t *testing.T) {
	out, addr := startServer(t, "--addr", "127.0.0.1:0", "--model", "goroutine")
	code, _, cerr := runCmd(context.Background(), "hello\nworld\n", "client", "--addr", addr)
	if code != 0 {
		t.Fatalf("client: exit %d: %s", code, cerr)
	}
	out.waitFor(t, `connection closed \(recv returned 0\)`)
	for _, want := range []string{"listening on " + addr, ": hello\n", ": world\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("server output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "reachable from other machines") {
		t.Errorf("a loopback server says it is reachable from other machines:\n%s", out.String())
	}
}

// hostile is what a malicious peer sends: an OSC that retitles the
// terminal, a CSI that clears it, BEL, a C1 control (NEL), then text a
// person must still read, Chinese included.
const hostile = "\x1b]0;pwned\x07\x1b[2J\u0085ok 你好\n"

// TestServerEscapesNetworkBytes: what a client sends reaches the
// terminal with its control bytes escaped, printable UTF-8 intact.
func TestServerEscapesNetworkBytes(t *testing.T) {
	out, addr := startServer(t, "--addr", "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte(hostile)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	out.waitFor(t, `connection closed`)
	got := out.String()
	if strings.ContainsAny(got, "\x1b\x07\u0085") {
		t.Errorf("control bytes reached the terminal raw: %q", got)
	}
	if want := `\x1b]0;pwned\x07\x1b[2J\u0085ok 你好`; !strings.Contains(got, want) {
		t.Errorf("server output lacks %q:\n%s", want, got)
	}
}

// TestClientEscapesNetworkBytes: the same for what a server sends the
// client.
func TestClientEscapesNetworkBytes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte(hostile))
		c.Close()
	}()
	// stdin stays open: the client ends on the server's FIN.
	stdin, w := io.Pipe()
	defer w.Close()
	var outb, errb bytes.Buffer
	code := run(context.Background(), []string{"client", "--addr", ln.Addr().String()}, env{stdin, &outb, &errb})
	out, cerr := outb.String(), errb.String()
	if code != 0 {
		t.Fatalf("client: exit %d: %s", code, cerr)
	}
	if strings.ContainsAny(out, "\x1b\x07\u0085") {
		t.Errorf("control bytes reached the terminal raw: %q", out)
	}
	if want := `\x1b]0;pwned\x07\x1b[2J\u0085ok 你好`; !strings.Contains(out, want) {
		t.Errorf("client output %q lacks %q", out, want)
	}
}

// TestServerDefaultsToLoopback: the server listens on loopback unless
// told otherwise, and says so when it is opened to other machines.
func TestServerDefaultsToLoopback(t *testing.T) {
	_, help, _ := runCmd(context.Background(), "", "server", "-h")
	if !strings.Contains(help, `default "127.0.0.1:7788"`) {
		t.Errorf("server -h does not give 127.0.0.1:7788 as the default:\n%s", help)
	}
	out, addr := startServer(t, "--addr", ":0")
	if !strings.HasPrefix(addr, "0.0.0.0:") {
		t.Errorf(":0 listens on %s, want every address", addr)
	}
	if !strings.Contains(out.String(), "reachable from other machines") {
		t.Errorf("the server opened to the network does not say so:\n%s", out.String())
	}
}
