package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"
)

// DialOptions configure a Client.
type DialOptions struct {
	Name string // Who in events; default "client"
	// Local, when valid, is the address the client binds before connect
	// (with SO_REUSEADDR), as the notes' optional client bind does.
	Local netip.AddrPort
	// AutoRead starts a goroutine that reads and reports everything the
	// server sends (and its FIN). Without it, data waits in the receive
	// queue until Recv: that is how "close with unread data" is shown.
	AutoRead bool
	// KeepAlive turns TCP keep-alive on. Off by default in the demo: its
	// probes are a lesson of their own, not noise.
	KeepAlive bool
	Events    Sink
	// register, when set, lists the client before its KindConnected
	// event: an action may follow the event at once.
	register func(*Client)
}

// Client is the demo TCP client: one connection.
type Client struct {
	name          string
	local, remote netip.AddrPort
	p             *peer
	wg            sync.WaitGroup
	readMu        sync.Mutex
	autoRead      bool
}

// Dial connects to the server at addr. A refused connection is reported
// as KindRefused and returned as an error (errors.Is(err,
// syscall.ECONNREFUSED) holds).
func Dial(ctx context.Context, addr netip.AddrPort, opt DialOptions) (*Client, error) {
	name := opt.Name
	if name == "" {
		name = "client"
	}
	ev := func(e Event) { e.Who = name; opt.Events.emit(e) }
	ev(Event{Kind: KindConnecting, Remote: addr, Text: fmt.Sprintf("connect to %v: SYN sent", addr)})
	var (
		c   *net.TCPConn
		err error
	)
	var local netip.AddrPort // known before connect: a refusal names its connection too
	if opt.Local.IsValid() {
		c, err = dialFrom(opt.Local, addr)
		local = opt.Local
	} else {
		d := net.Dialer{KeepAlive: -1, Control: bindAnyPort(addr, &local)}
		var nc net.Conn
		nc, err = d.DialContext(ctx, "tcp", addr.String())
		if err == nil {
			c = nc.(*net.TCPConn)
		}
	}
	if err != nil {
		if isRefused(err) {
			ev(Event{Kind: KindRefused, Local: local, Remote: addr, Text: err.Error()})
		} else {
			ev(Event{Kind: KindError, Local: local, Remote: addr, Text: err.Error()})
		}
		return nil, err
	}
	setKeepAlive(c, opt.KeepAlive)
	cl := &Client{name: name, local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr()), autoRead: opt.AutoRead}
	cl.p = newPeer(c, func(k Kind, text string) {
		opt.Events.emit(Event{Who: name, Kind: k, Local: cl.local, Remote: cl.remote, Text: text})
	})
	if opt.register != nil {
		opt.register(cl)
	}
	ev(Event{Kind: KindConnected, Local: cl.local, Remote: cl.remote,
		Text: fmt.Sprintf("connected from %v", cl.local)})
	if opt.AutoRead {
		cl.wg.Add(1)
		go func() {
			defer cl.wg.Done()
			cl.p.readLoop(hold)
		}()
	}
	return cl, nil
}

// Name returns the client's name.
func (c *Client) Name() string { return c.name }

// Local returns the client's address.
func (c *Client) Local() netip.AddrPort { return c.local }

// Remote returns the server's address.
func (c *Client) Remote() netip.AddrPort { return c.remote }

// Send writes a line.
func (c *Client) Send(line string) error { return c.p.send(line) }

// Recv waits up to timeout for data or the server's FIN and reports it.
// It is for clients dialled without AutoRead (whose reader would take the
// data first).
// It returns what it read; io.EOF when the server closed; an error
// matching os.ErrDeadlineExceeded when nothing came.
func (c *Client) Recv(timeout time.Duration) (string, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.p.closed.Load() {
		return "", errors.New("recv: connection already closed")
	}
	if err := c.p.c.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	buf := make([]byte, 64<<10)
	n, err := c.p.c.Read(buf)
	_ = c.p.c.SetReadDeadline(time.Time{})
	if n > 0 {
		s := strings.TrimRight(string(buf[:n]), "\n")
		c.p.emit(KindReceived, s)
		return s, nil
	}
	switch {
	case err == nil:
		return "", nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "", err
	case errors.Is(err, io.EOF):
		c.p.emit(KindPeerClosed, "recv returned 0: the peer sent FIN")
		return "", err
	}
	c.p.failed("recv", err)
	return "", err
}

// StopReading stops an AutoRead client's reader: what the server sends
// from now on waits, unread, in the receive queue (so that Close sends
// RST). It returns once the reader has stopped.
func (c *Client) StopReading() {
	if !c.autoRead || c.p.stopRead.Swap(true) {
		return
	}
	_ = c.p.c.SetReadDeadline(time.Now()) // wakes the reader
	c.wg.Wait()
}

// Unread returns the bytes waiting in the receive queue.
func (c *Client) Unread() int { return unread(c.p.c) }

// Close closes the socket: FIN, or RST if data sent by the server was
// never read.
func (c *Client) Close() error {
	err := c.p.close()
	c.wg.Wait()
	return err
}

// CloseWrite half-closes: shutdown(SHUT_WR) sends FIN, reading goes on.
func (c *Client) CloseWrite() error { return c.p.closeWrite() }

// Abort resets the connection: SO_LINGER 0, then close sends RST.
func (c *Client) Abort() error {
	err := c.p.abort()
	c.wg.Wait()
	return err
}

// Closed reports whether the client's socket is closed.
func (c *Client) Closed() bool { return c.p.closed.Load() }

// Release closes the socket if still open, without an event for a socket
// already closed: for cleanup paths.
func (c *Client) Release() {
	if !c.p.closed.Load() {
		_ = c.p.close()
	}
	c.wg.Wait()
}
