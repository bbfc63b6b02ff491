package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"

	"github.com/synfin/synfin/demo"
)

const serverUsage = `Usage: synfin server [--addr 127.0.0.1:7788] [--model goroutine|process|iterative] [--backlog N] [--max-children N]

Runs the course's TCP server: it prints what each client sends (bytes
that are not printable text escaped, as \x1b) and "connection closed"
when recv returns 0, then closes its socket. It listens on loopback only
unless --addr says otherwise (--addr :7788 opens it to every network this
machine is on, a class network for instance). Ctrl-C stops it.

Flags:
`

func runServer(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:7788", "address to listen on (host:port; empty host, as in :7788 = every IPv4 address, reachable from other machines)")
	model := fs.String("model", "goroutine", "server model: goroutine, process (one child per client) or iterative (one client at a time)")
	backlog := fs.Int("backlog", demo.DefaultBacklog, "listen backlog (accept queue length)")
	reuse := fs.Bool("reuseaddr", true, "set SO_REUSEADDR before bind, as the notes do")
	maxChildren := fs.Int("max-children", demo.DefaultMaxChildren, "process model: at most N children at once; beyond, accept waits for one to end")
	if err := parseFlags(fs, args, serverUsage, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("server: unexpected argument %q", fs.Arg(0))
	}
	m, err := demo.ParseModel(*model)
	if err != nil {
		return usagef("server: --model: %v", err)
	}
	if *maxChildren < 1 {
		return usagef("server: --max-children must be at least 1, got %d", *maxChildren)
	}
	if *backlog < 1 {
		return usagef("server: --backlog must be at least 1, got %d", *backlog)
	}
	ap, err := parseListenAddr(*addr)
	if err != nil {
		return usagef("server: --addr: %v", err)
	}
	var mu sync.Mutex
	sink := func(ev demo.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case demo.KindListening:
			fmt.Fprintf(e.stdout, "listening on %v (%s)\n", ev.Local, ev.Text)
			if !ev.Local.Addr().IsLoopback() {
				fmt.Fprintf(e.stdout, "note: %v is reachable from other machines (a class network): anyone there can connect\n", ev.Local)
			}
		case demo.KindAccepted:
			fmt.Fprintf(e.stdout, "[%d] connection from %v\n", ev.Conn, ev.Remote)
		case demo.KindReceived:
			// Bytes from the network never reach the terminal raw: an
			// escape sequence would drive it.
			for _, line := range strings.Split(ev.Text, "\n") {
				fmt.Fprintf(e.stdout, "[%d] %v: %s\n", ev.Conn, ev.Remote, demo.Escape(line))
			}
		case demo.KindChildLimit:
			fmt.Fprintf(e.stdout, "%s\n", ev.Text)
		case demo.KindPeerClosed:
			fmt.Fprintf(e.stdout, "[%d] connection closed (recv returned 0)\n", ev.Conn)
		case demo.KindReset:
			fmt.Fprintf(e.stdout, "[%d] connection reset by the client\n", ev.Conn)
		case demo.KindChildStarted, demo.KindParentClosed:
			fmt.Fprintf(e.stdout, "[%d] %s\n", ev.Conn, ev.Text)
		case demo.KindError:
			fmt.Fprintf(e.stderr, "synfin: server: %s\n", demo.Escape(ev.Text))
		}
	}
	srv, err := demo.StartServer(demo.ServerConfig{Addr: ap, Model: m, Backlog: *backlog, ReuseAddr: *reuse,
		MaxChildren: *maxChildren, Events: sink})
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	<-ctx.Done()
	return srv.Close()
}

// parseListenAddr accepts ":7788", "127.0.0.1:7788", "[::1]:7788".
func parseListenAddr(s string) (netip.AddrPort, error) {
	if strings.HasPrefix(s, ":") {
		s = "0.0.0.0" + s
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return ap, fmt.Errorf("want host:port, e.g. 127.0.0.1:7788 (%v)", err)
	}
	return ap, nil
}
