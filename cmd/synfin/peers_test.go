package main

import (
	"bytes"
	"context"
	"strings"
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

// TestServerAndClient runs the course's two programs against each other:
// the client sends its stdin lines, the server prints them and
// "connection closed" when recv returns 0.
func TestServerAndClient(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		c, o, e := runCmd(ctx, "", "server", "--addr", "127.0.0.1:9740", "--model", "goroutine")
		done <- result{c, o, e}
	}()
	var code int
	var cerr string
	for range 50 { // until the server listens
		code, _, cerr = runCmd(context.Background(), "hello\nworld\n", "client", "--addr", "127.0.0.1:9740")
		if code == 0 || !strings.Contains(cerr, "refused") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != 0 {
		t.Fatalf("client: exit %d: %s", code, cerr)
	}
	time.Sleep(100 * time.Millisecond)
	stop()
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop on cancel")
	}
	if r.code != 0 {
		t.Fatalf("server: exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"listening on 127.0.0.1:9740", ": hello\n", ": world\n", "connection closed (recv returned 0)"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("server output lacks %q:\n%s", want, r.out)
		}
	}
}
