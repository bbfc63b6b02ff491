package demo

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/i18n"
)

// ControllerConfig configures a Controller.
type ControllerConfig struct {
	Addr        netip.AddrPort // the server's address, e.g. 127.0.0.1:7788
	Model       Model          // default Goroutine
	Backlog     int            // 0: DefaultBacklog
	HoldOnEOF   bool           // the server waits for ServerClose after the client's FIN (shows CLOSE_WAIT)
	CloseDelay  time.Duration  // the server's delay before close() after the client's FIN (HoldClose: until ServerClose)
	NoReuseAddr bool           // listen without SO_REUSEADDR (the notes set it)
	// KeepParentCopy: the process model's parent keeps its copy of each
	// accepted socket (the notes' mistake).
	KeepParentCopy bool
	KeepAlive      bool // TCP keep-alive on the demo's sockets (off by default)
	MaxChildren    int  // process model: bound on children (0: DefaultMaxChildren)
	// Clients numbers the clients ("client 1"...); shared by the
	// Controllers of one demo, so that a model switch does not start
	// again at 1. Nil: the Controller's own count.
	Clients *atomic.Int64
	// Events, when set, also receives every event (from any goroutine).
	Events Sink
}

// Controller is the interactive demo: one server and numbered clients,
// driven by actions that return at once (the UI calls them from its event
// loop) and run on goroutines of their own. What happens is logged (Log)
// and forwarded to ControllerConfig.Events. Failures are logged as
// KindError events. Actions act on the connection chosen with Select, or
// on the newest one still open when none is chosen.
type Controller struct {
	cfg ControllerConfig
	srv *Server
	log *EventLog

	mu        sync.Mutex
	clients   []*Client
	sel       netip.AddrPort // the selected connection's client address
	keepAlive bool
	closed    bool
	wg        sync.WaitGroup
	ctx       context.Context
	cancel    context.CancelFunc
	actions   sync.Mutex // one action at a time, in the order asked
}

// NewController starts the server (with SO_REUSEADDR, as the notes do,
// unless NoReuseAddr).
func NewController(cfg ControllerConfig) (*Controller, error) {
	if cfg.Clients == nil {
		cfg.Clients = new(atomic.Int64)
	}
	c := &Controller{cfg: cfg, log: &EventLog{Forward: cfg.Events}, keepAlive: cfg.KeepAlive}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	srv, err := StartServer(ServerConfig{Addr: cfg.Addr, Model: cfg.Model, Backlog: cfg.Backlog, ReuseAddr: !cfg.NoReuseAddr,
		HoldOnEOF: cfg.HoldOnEOF, CloseDelay: cfg.CloseDelay, KeepParentCopy: cfg.KeepParentCopy,
		KeepAlive: cfg.KeepAlive, MaxChildren: cfg.MaxChildren, Events: c.log.Sink()})
	if err != nil {
		return nil, err
	}
	c.srv = srv
	return c, nil
}

// Server returns the demo server.
func (c *Controller) Server() *Server { return c.srv }

// Log returns the event log.
func (c *Controller) Log() *EventLog { return c.log }

// Version changes whenever a new event is logged.
func (c *Controller) Version() uint64 { return uint64(c.log.Len()) }

// Wait waits until every action started so far has finished.
func (c *Controller) Wait() { c.wg.Wait() }

// Select chooses the connection the next actions act on, by its client's
// address (as the connection list shows it); an invalid address chooses
// none: the actions then act on the newest connection still open.
func (c *Controller) Select(client netip.AddrPort) {
	c.mu.Lock()
	c.sel = client
	c.mu.Unlock()
}

// SetKeepAlive turns TCP keep-alive on or off for the connections made
// from now on (both ends).
func (c *Controller) SetKeepAlive(on bool) {
	c.mu.Lock()
	c.keepAlive = on
	c.mu.Unlock()
	c.srv.SetKeepAlive(on)
}

// demoError is one of the demo's own failures, said in the UI's language.
type demoError struct {
	key  i18n.Key
	args i18n.Args
}

func (e demoError) Error() string { return i18n.En.F(e.key, e.args) }

func failure(key i18n.Key, args i18n.Args) error { return demoError{key, args} }

func (c *Controller) do(name string, f func() error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		c.actions.Lock()
		defer c.actions.Unlock()
		if err := f(); err != nil && c.ctx.Err() == nil {
			ev := Event{Time: time.Now(), Who: "demo", Kind: KindError, Text: name + ": " + err.Error(), Args: i18n.Args{"action": name}}
			var de demoError
			if errors.As(err, &de) {
				ev.Note, ev.Args = de.key, de.args
			}
			c.log.Sink()(ev)
		}
	}()
}

func (c *Controller) newClient(autoRead bool) (*Client, error) {
	name := fmt.Sprintf("client %d", c.cfg.Clients.Add(1))
	c.mu.Lock()
	ka := c.keepAlive
	c.mu.Unlock()
	register := func(cl *Client) {
		c.mu.Lock()
		c.clients = append(c.clients, cl)
		c.mu.Unlock()
	}
	return Dial(c.ctx, c.cfg.Addr, DialOptions{Name: name, AutoRead: autoRead, KeepAlive: ka, Events: c.log.Sink(), register: register})
}

// target returns the client the actions act on: the selected one, else
// the newest still open. A selected connection whose client socket is
// closed is an error (acting on another one would surprise).
func (c *Controller) target(sel netip.AddrPort) (*Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.clients) - 1; i >= 0; i-- {
		cl := c.clients[i]
		if sel.IsValid() && cl.Local() != sel {
			continue
		}
		if !cl.Closed() {
			return cl, nil
		}
		if sel.IsValid() {
			break
		}
	}
	if sel.IsValid() {
		return nil, failure(i18n.KeyDemoErrSelClosed, i18n.Args{"addr": sel})
	}
	return nil, failure(i18n.KeyDemoErrNoClient, nil)
}

func (c *Controller) selected() netip.AddrPort {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sel
}

func (c *Controller) withClient(name string, f func(*Client) error) {
	sel := c.selected()
	c.do(name, func() error {
		cl, err := c.target(sel)
		if err != nil {
			return err
		}
		return f(cl)
	})
}

// serverConn returns the server's connection the server actions act on:
// the selected one's, else the newest open one.
func (c *Controller) serverConn(sel netip.AddrPort) (int, error) {
	if sel.IsValid() {
		if id, ok := c.srv.ConnFor(sel); ok {
			return id, nil
		}
		if cl, err := c.target(sel); err == nil {
			if id, ok := c.accepted(cl); ok {
				return id, nil
			}
		}
		return 0, failure(i18n.KeyDemoErrSelNoServer, i18n.Args{"addr": sel})
	}
	if cl := c.newestClient(); cl != nil {
		c.accepted(cl) // so that "newest" includes it
	}
	ids := c.srv.Conns()
	if len(ids) == 0 {
		return 0, failure(i18n.KeyDemoErrNoServerConn, nil)
	}
	return ids[len(ids)-1], nil
}

// accepted returns the server's number for client cl's connection,
// waiting for accept when the client has connected but the server has
// not yet reported it (the keys come faster than accept). A busy
// iterative server does not accept: false then.
func (c *Controller) accepted(cl *Client) (int, bool) {
	if id, ok := c.srv.ConnFor(cl.Local()); ok {
		return id, true
	}
	if c.srv.Model() == Iterative && len(c.srv.Conns()) > 0 {
		return 0, false
	}
	// The connection is listed by its KindAccepted event (in-process
	// models) or its KindChildStarted event (process model).
	ev, _, err := c.log.Wait(0, acceptWait, func(e Event) bool {
		return (e.Kind == KindAccepted && c.srv.Model() != Process || e.Kind == KindChildStarted) && e.Remote == cl.Local()
	})
	if err != nil {
		return 0, false
	}
	return ev.Conn, true
}

// newestClient returns the newest client still open, if any.
func (c *Controller) newestClient() *Client {
	cl, err := c.target(netip.AddrPort{})
	if err != nil {
		return nil
	}
	return cl
}

// Connect connects a new client.
func (c *Controller) Connect() {
	c.do("connect", func() error { _, err := c.newClient(true); return err })
}

// Send makes the client send a line.
func (c *Controller) Send() {
	c.withClient("send", func(cl *Client) error { return cl.Send("hello from " + cl.Name()) })
}

// ClientClose makes the client close first (FIN).
func (c *Controller) ClientClose() { c.withClient("close", (*Client).Close) }

// HalfClose makes the client shut down writing (FIN, still reading). The
// server answers when recv returns 0, before its own close: the
// half-close lesson's reply after the FIN.
func (c *Controller) HalfClose() {
	c.withClient("half-close", func(cl *Client) error {
		if id, ok := c.accepted(cl); ok {
			from := c.log.Len()
			if err := c.srv.ReplyOnEOF(id, "reply after your FIN"); err != nil {
				return err
			}
			// Only then the FIN: a child might otherwise read it first.
			if _, _, err := c.log.Wait(from, acceptWait, func(e Event) bool { return e.Kind == KindReplyArmed && e.Conn == id }); err != nil {
				return err
			}
		}
		return cl.CloseWrite()
	})
}

// Abort makes the client abort (RST via SO_LINGER 0).
func (c *Controller) Abort() { c.withClient("abort", (*Client).Abort) }

// ServerClose makes the server close the connection first (or, after the
// client's FIN, at last).
func (c *Controller) ServerClose() {
	sel := c.selected()
	c.do("server close", func() error {
		id, err := c.serverConn(sel)
		if err != nil {
			return err
		}
		return c.srv.CloseConn(id)
	})
}

// ServerAbort makes the server reset the connection.
func (c *Controller) ServerAbort() {
	sel := c.selected()
	c.do("server abort", func() error {
		id, err := c.serverConn(sel)
		if err != nil {
			return err
		}
		return c.srv.AbortConn(id)
	})
}

// Refused connects to the port after the server's, where nothing
// listens: RST answers the SYN.
func (c *Controller) Refused() {
	c.do("refused", func() error {
		addr := netip.AddrPortFrom(c.cfg.Addr.Addr(), c.cfg.Addr.Port()+1)
		cl, err := Dial(c.ctx, addr, DialOptions{Name: "client (closed port)", Events: c.log.Sink()})
		if err == nil {
			cl.Release()
			return fmt.Errorf("something listens on %v", addr)
		}
		return nil // the refusal is the event
	})
}

// acceptWait bounds the wait for the server to accept a new client.
const acceptWait = 3 * time.Second

// UnreadRST makes the server send the client a line the client never
// reads, then the client closes: the kernel sends RST because of the
// unread data. It acts on the selected (else newest open) client, or
// on a new one when none is open. With the iterative server a client
// waiting in the backlog is not served: the demo says so and leaves it
// open.
func (c *Controller) UnreadRST() {
	sel := c.selected()
	c.do("close with unread data", func() error {
		cl, err := c.target(sel)
		if err != nil {
			if sel.IsValid() {
				return err
			}
			if cl, err = c.newClient(false); err != nil {
				return err
			}
		}
		id, ok := c.accepted(cl)
		if !ok {
			if c.srv.Model() == Iterative {
				return failure(i18n.KeyDemoErrNotAccepted, i18n.Args{"n": strings.TrimPrefix(cl.Name(), "client ")})
			}
			return failure(i18n.KeyDemoErrSelNoServer, i18n.Args{"addr": cl.Local()})
		}
		cl.StopReading()
		from := c.log.Len()
		if err := c.srv.Send(id, "a reply the client never reads"); err != nil {
			return err
		}
		if _, _, err := c.log.Wait(from, acceptWait, func(e Event) bool { return e.Kind == KindSent && e.Conn == id }); err != nil {
			return err
		}
		// Loopback delivers within the send; wait for the bytes to be
		// queued should the receiver be slower.
		for i := 0; cl.Unread() == 0 && i < 200; i++ {
			time.Sleep(5 * time.Millisecond)
		}
		return cl.Close()
	})
}

// Burst makes n short connections one after another: connect, send one
// line, close.
func (c *Controller) Burst(n int) {
	c.do("burst", func() error {
		for i := 0; i < n && c.ctx.Err() == nil; i++ {
			cl, err := c.newClient(true)
			if err != nil {
				return err
			}
			if err := cl.Send(fmt.Sprintf("request %d", i+1)); err != nil {
				return err
			}
			if err := cl.Close(); err != nil {
				return err
			}
		}
		return nil
	})
}

// Long sends n lines on one new connection, a little apart, and leaves it
// open: a long connection lasts until it is closed (x), so a class can
// talk over it (issue 18: it closed itself after a second).
func (c *Controller) Long(n int) {
	c.do("long connection", func() error {
		cl, err := c.newClient(true)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := sleep(c.ctx, 200*time.Millisecond); err != nil {
				cl.Release()
				return err
			}
			if err := cl.Send(fmt.Sprintf("message %d", i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

// StopListening closes the server's listening socket.
func (c *Controller) StopListening() { c.do("stop listening", c.srv.StopListening) }

// Restart closes the listening socket (if open) and listens again, with
// or without SO_REUSEADDR; without it, a connection of the old listener
// in TIME_WAIT makes bind fail (reported as a KindBindError event, "bind:
// address already in use"), and the server stays down until the next
// Restart.
func (c *Controller) Restart(reuseAddr bool) {
	c.do("restart", func() error {
		_ = c.srv.StopListening() // it may have stopped already
		_ = c.srv.Listen(reuseAddr)
		return nil
	})
}

// CloseParentCopies makes the process model's parent close the copies it
// kept (KeepParentCopy): the FINs the children's close could not send.
func (c *Controller) CloseParentCopies() {
	c.do("parent close", func() error { c.srv.CloseParentCopies(); return nil })
}

// Close stops everything: pending actions, clients and server.
func (c *Controller) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	cls := c.clients
	c.mu.Unlock()
	for _, cl := range cls {
		cl.Release()
	}
	return c.srv.Close()
}
