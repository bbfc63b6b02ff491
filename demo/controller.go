package demo

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// ControllerConfig configures a Controller.
type ControllerConfig struct {
	Addr      netip.AddrPort // the server's address, e.g. 127.0.0.1:7788
	Model     Model          // default Goroutine
	Backlog   int            // 0: DefaultBacklog
	HoldOnEOF bool           // the server waits for ServerClose after the client's FIN (shows CLOSE_WAIT)
	// Events, when set, also receives every event (from any goroutine).
	Events Sink
}

// Controller is the interactive demo: one server and numbered clients,
// driven by actions that return at once (the UI calls them from its event
// loop) and run on goroutines of their own. What happens is logged (Log)
// and forwarded to ControllerConfig.Events. Failures are logged as
// KindError events. Actions on "the client" act on the newest client whose
// socket is still open.
type Controller struct {
	cfg ControllerConfig
	srv *Server
	log *EventLog

	mu      sync.Mutex
	clients []*Client
	next    int
	closed  bool
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
	actions sync.Mutex // one action at a time, in the order asked
}

// NewController starts the server (with SO_REUSEADDR, as the notes do).
func NewController(cfg ControllerConfig) (*Controller, error) {
	c := &Controller{cfg: cfg, log: &EventLog{Forward: cfg.Events}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	srv, err := StartServer(ServerConfig{Addr: cfg.Addr, Model: cfg.Model, Backlog: cfg.Backlog, ReuseAddr: true,
		HoldOnEOF: cfg.HoldOnEOF, Events: c.log.Sink()})
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
			c.log.Sink()(Event{Time: time.Now(), Who: "demo", Kind: KindError, Text: name + ": " + err.Error()})
		}
	}()
}

func (c *Controller) newClient(autoRead bool) (*Client, error) {
	c.mu.Lock()
	c.next++
	name := fmt.Sprintf("client %d", c.next)
	c.mu.Unlock()
	cl, err := Dial(c.ctx, c.cfg.Addr, DialOptions{Name: name, AutoRead: autoRead, Events: c.log.Sink()})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.clients = append(c.clients, cl)
	c.mu.Unlock()
	return cl, nil
}

// current returns the newest client still open.
func (c *Controller) current() (*Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.clients) - 1; i >= 0; i-- {
		if !c.clients[i].Closed() {
			return c.clients[i], nil
		}
	}
	return nil, errors.New("no open client: connect one first")
}

func (c *Controller) withClient(name string, f func(*Client) error) {
	c.do(name, func() error {
		cl, err := c.current()
		if err != nil {
			return err
		}
		return f(cl)
	})
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

// HalfClose makes the client shut down writing (FIN, still reading).
func (c *Controller) HalfClose() { c.withClient("half-close", (*Client).CloseWrite) }

// Abort makes the client abort (RST via SO_LINGER 0).
func (c *Controller) Abort() { c.withClient("abort", (*Client).Abort) }

// ServerClose makes the server close its newest open connection first.
func (c *Controller) ServerClose() {
	c.do("server close", func() error {
		ids := c.srv.Conns()
		if len(ids) == 0 {
			return errors.New("the server has no open connection")
		}
		return c.srv.CloseConn(ids[len(ids)-1])
	})
}

// ServerAbort makes the server reset its newest open connection.
func (c *Controller) ServerAbort() {
	c.do("server abort", func() error {
		ids := c.srv.Conns()
		if len(ids) == 0 {
			return errors.New("the server has no open connection")
		}
		return c.srv.AbortConn(ids[len(ids)-1])
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

// UnreadRST connects a client that does not read, has the server send it
// a line, and closes it: the kernel sends RST because of the unread data.
func (c *Controller) UnreadRST() {
	c.do("close with unread data", func() error {
		cl, err := c.newClient(false)
		if err != nil {
			return err
		}
		ev, _, err := c.log.Wait(0, 3*time.Second, func(e Event) bool { return e.Kind == KindAccepted && e.Remote == cl.Local() })
		if err != nil {
			cl.Release()
			return err
		}
		if err := c.srv.Send(ev.Conn, "a reply the client never reads"); err != nil {
			cl.Release()
			return err
		}
		deadline := time.Now().Add(time.Second)
		for unread(cl.p.c) == 0 && time.Now().Before(deadline) {
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

// Long sends n lines on one new connection, a little apart, then closes.
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
		return cl.Close()
	})
}

// StopListening closes the server's listening socket.
func (c *Controller) StopListening() { c.do("stop listening", c.srv.StopListening) }

// Restart listens again, with or without SO_REUSEADDR; without it, a
// connection of the old listener in TIME_WAIT makes bind fail (reported
// as a KindBindError event, "bind: address already in use").
func (c *Controller) Restart(reuseAddr bool) {
	c.do("restart", func() error {
		_ = c.srv.StopListening() // it may have stopped already
		_ = c.srv.Listen(reuseAddr)
		return nil
	})
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
