package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"

	"github.com/synfin/synfin/demo"
)

const clientUsage = `Usage: synfin client [--addr 127.0.0.1:7788]

Runs the course's TCP client: it connects, sends each line read from
standard input, and closes the connection at the end of input (Ctrl-D).
What the server sends back is printed, with bytes that are not printable
text escaped (as \x1b): a server cannot drive the terminal.

Flags:
`

func runClient(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:7788", "server address (host:port)")
	if err := parseFlags(fs, args, clientUsage, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("client: unexpected argument %q", fs.Arg(0))
	}
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil {
		return usagef("client: --addr: want host:port, e.g. 127.0.0.1:7788 (%v)", err)
	}
	var mu sync.Mutex
	peerClosed := make(chan struct{})
	var once sync.Once
	sink := func(ev demo.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case demo.KindConnected:
			fmt.Fprintf(e.stderr, "connected to %v from %v\n", ev.Remote, ev.Local)
		case demo.KindReceived:
			for _, line := range strings.Split(ev.Text, "\n") {
				fmt.Fprintln(e.stdout, demo.Escape(line))
			}
		case demo.KindPeerClosed, demo.KindReset:
			fmt.Fprintf(e.stderr, "server closed the connection (%s)\n", ev.Kind)
			once.Do(func() { close(peerClosed) })
		}
	}
	c, err := demo.Dial(ctx, ap, demo.DialOptions{AutoRead: true, Events: sink})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	lines := make(chan string)
	go func() { // ends with stdin; not waited for (stdin cannot be interrupted)
		defer close(lines)
		sc := bufio.NewScanner(e.stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return c.Close()
		case <-peerClosed:
			return c.Close()
		case l, ok := <-lines:
			if !ok {
				return c.Close()
			}
			if err := c.Send(l); err != nil {
				c.Release()
				return fmt.Errorf("client: %w", err)
			}
		}
	}
}
