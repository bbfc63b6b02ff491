package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Scenario is a named, unattended sequence of demo actions whose packet
// sequence is the same every run (the crossing scenarios retry until the
// kernel's timing gives the crossing, and say how many tries it took).
type Scenario struct {
	Name  string
	Desc  string // one line
	Base  uint16 // default first port; scenarios do not share ports
	Ports uint16 // ports used: Base .. Base+Ports-1
	DefN  int    // default count for repeating scenarios (0: none)
	// Filters: the scenario attaches socket filters to its sockets, which
	// some kernels allow only with CAP_NET_ADMIN.
	Filters bool
	run     func(ctx context.Context, r *Run) error
}

// ErrNotReproduced is returned (wrapped) by a scenario whose kernel timing
// never gave the wanted packet crossing in its tries.
var ErrNotReproduced = errors.New("not reproduced")

// Scenarios lists every scenario in teaching order.
func Scenarios() []Scenario { return slices.Clone(scenarios) }

// Lookup finds a scenario by name.
func Lookup(name string) (Scenario, bool) {
	for _, s := range scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Execute runs s on the calling goroutine. r.Base and r.Ports default to
// the scenario's; r.Log is created when nil.
func (s Scenario) Execute(ctx context.Context, r *Run) error {
	if r.Base == 0 {
		r.Base = s.Base
	}
	r.Ports = s.Ports
	if r.Log == nil {
		r.Log = &EventLog{}
	}
	if err := r.takeBaseline(); err != nil {
		return err
	}
	if err := s.run(ctx, r); err != nil {
		return fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	return nil
}

var scenarios = []Scenario{
	{Name: "client-close", Desc: "handshake, one line, the client closes first (client ends in TIME_WAIT)", Base: 7800, Ports: 1, run: clientClose},
	{Name: "server-close", Desc: "the server closes first: server FIN_WAIT_2, client CLOSE_WAIT, then the server ends in TIME_WAIT", Base: 7810, Ports: 1, run: serverClose},
	{Name: "refused", Desc: "connect to a port nobody listens on: RST answers the SYN", Base: 7820, Ports: 1, run: refused},
	{Name: "abort", Desc: "the client aborts with SO_LINGER 0: RST instead of FIN, no TIME_WAIT", Base: 7830, Ports: 1, run: abort},
	{Name: "unread-rst", Desc: "the client closes with unread data in its receive queue: the kernel sends RST", Base: 7840, Ports: 1, run: unreadRST},
	{Name: "half-close", Desc: "the client shuts down writing (FIN_WAIT_2 / CLOSE_WAIT) and still receives the server's reply", Base: 7850, Ports: 1, run: halfClose},
	{Name: "simultaneous-close", Desc: "both ends send FIN at the same instant: the FINs cross, both go through CLOSING to TIME_WAIT", Base: 7860, Ports: 1, Filters: true, run: simultaneousClose},
	{Name: "simultaneous-open", Desc: "two sockets bound to fixed ports connect to each other: the SYNs cross (first SYNs swallowed, retransmitted together after 1 s)", Base: 7870, Ports: 2, Filters: true, run: simultaneousOpen},
	{Name: "short-connections", Desc: "N short connections: connect, send one line, close, again", Base: 7880, Ports: 1, DefN: 5, run: shortConnections},
	{Name: "long-connection", Desc: "N lines on one long connection, then close", Base: 7890, Ports: 1, DefN: 5, run: longConnection},
	{Name: "concurrent", Desc: "N clients connected at once to the multi-thread server (a goroutine per connection)", Base: 7900, Ports: 1, DefN: 5, run: concurrent},
	{Name: "backlog", Desc: "iterative server, listen backlog 1, not accepting: the 3rd client's SYN is dropped and retransmitted", Base: 7910, Ports: 1, run: backlog},
	{Name: "reuseaddr", Desc: "restart a server while its old connection sits in TIME_WAIT: without SO_REUSEADDR bind fails, with it it works", Base: 7920, Ports: 1, run: reuseAddr},
	{Name: "port-reuse", Desc: "a client bound to a fixed port reconnects while its old connection is in TIME_WAIT", Base: 7930, Ports: 2, run: portReuse},
	{Name: "teardown", Desc: "the textbook four-way teardown: the client closes, the server waits before its close() (client FIN_WAIT_2, server CLOSE_WAIT), then FIN, ACK", Base: 7950, Ports: 1, run: fourWayTeardown},
	{Name: "parent-copy", Desc: "multi-process server whose parent forgets to close its copy: the child's close sends no FIN (CLOSE_WAIT / FIN_WAIT_2) until the parent closes", Base: 7960, Ports: 1, run: parentCopy},
	{Name: "stress", Desc: "N short connections as fast as possible from 8 clients at once (loopback only)", Base: 7940, Ports: 1, DefN: 2000, run: stress},
}

// server starts a goroutine-model server on the scenario's first port,
// closed when the scenario ends.
func startServer(r *Run, cfg ServerConfig) (*Server, error) {
	if !cfg.Addr.IsValid() {
		cfg.Addr = r.Addr(0)
	}
	if cfg.Model == "" {
		cfg.Model = Goroutine
	}
	cfg.Events = r.Log.Sink()
	return StartServer(cfg)
}

func dial(ctx context.Context, r *Run, name string, opt DialOptions) (*Client, error) {
	opt.Name = name
	opt.Events = r.Log.Sink()
	return Dial(ctx, r.Addr(0), opt)
}

// exchange connects a client, sends one line and waits for the server to
// receive it.
func exchange(ctx context.Context, r *Run, name, line string, opt DialOptions) (*Client, error) {
	from := r.Log.Len()
	c, err := dial(ctx, r, name, opt)
	if err != nil {
		return nil, err
	}
	if err := c.Send(line); err != nil {
		c.Release()
		return nil, err
	}
	if _, _, err := r.Log.Wait(from, 3*time.Second, func(e Event) bool {
		return e.Kind == KindReceived && e.Remote == c.Local()
	}); err != nil {
		c.Release()
		return nil, fmt.Errorf("server never received %q: %w", line, err)
	}
	return c, nil
}

// serverEvent waits for an event of kind k about client c's connection.
func serverEvent(r *Run, from int, c *Client, k Kind) (Event, error) {
	e, _, err := r.Log.Wait(from, 3*time.Second, func(e Event) bool {
		return e.Kind == k && e.Remote == c.Local() && e.Conn > 0
	})
	if err != nil {
		return e, fmt.Errorf("server: no %s for %v: %w", k, c.Local(), err)
	}
	return e, nil
}

// openOne starts the scenario's server, connects "client 1", sends line
// and waits until the server has accepted and received it: the first act
// of most scenarios. The caller closes the server and releases the client.
func openOne(ctx context.Context, r *Run, cfg ServerConfig, line string) (*Server, *Client, Event, error) {
	srv, err := startServer(r, cfg)
	if err != nil {
		return nil, nil, Event{}, err
	}
	c, err := exchange(ctx, r, "client 1", line, DialOptions{})
	if err != nil {
		srv.Close()
		return nil, nil, Event{}, err
	}
	ev, err := serverEvent(r, 0, c, KindAccepted)
	if err != nil {
		c.Release()
		srv.Close()
		return nil, nil, Event{}, err
	}
	return srv, c, ev, nil
}

// closeAfterPeer waits for the server's FIN to reach the client (recv
// returns 0), then closes the client: the passive closer's side.
func closeAfterPeer(c *Client) error {
	if _, err := c.Recv(time.Second); err == nil {
		return errors.New("client: expected the server's FIN (recv returning 0)")
	}
	return c.Close()
}

// clientDoes runs one of the client's actions and waits for the server to
// report k about that client's connection.
func clientDoes(r *Run, c *Client, action func() error, k Kind) error {
	from := r.Log.Len()
	if err := action(); err != nil {
		return err
	}
	_, err := serverEvent(r, from, c, k)
	return err
}

func clientClose(ctx context.Context, r *Run) error {
	srv, c, _, err := openOne(ctx, r, ServerConfig{ReuseAddr: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := r.Checkpoint(ctx, "established"); err != nil {
		return err
	}
	if err := clientDoes(r, c, c.Close, KindClosed); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "client closed first")
}

func serverClose(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := srv.CloseConn(ev.Conn); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "server closed first"); err != nil {
		return err
	}
	if err := closeAfterPeer(c); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "client closed too")
}

func refused(ctx context.Context, r *Run) error {
	_, err := dial(ctx, r, "client 1", DialOptions{})
	if err == nil {
		return fmt.Errorf("something listens on %v: the connection was not refused", r.Addr(0))
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return err
	}
	return r.Checkpoint(ctx, "refused")
}

func abort(ctx context.Context, r *Run) error {
	srv, c, _, err := openOne(ctx, r, ServerConfig{ReuseAddr: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := clientDoes(r, c, c.Abort, KindReset); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "client aborted")
}

func unreadRST(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := srv.Send(ev.Conn, "a reply the client never reads"); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "reply unread"); err != nil {
		return err
	}
	if err := clientDoes(r, c, c.Close, KindReset); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "client closed with unread data")
}

func halfClose(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "request")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := clientDoes(r, c, c.CloseWrite, KindPeerClosed); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "client half-closed"); err != nil {
		return err
	}
	if err := srv.Send(ev.Conn, "reply after your FIN"); err != nil {
		return err
	}
	if _, err := c.Recv(time.Second); err != nil {
		return fmt.Errorf("client: the reply did not arrive: %w", err)
	}
	if err := r.Checkpoint(ctx, "server replied on the half-closed connection"); err != nil {
		return err
	}
	if err := srv.CloseConn(ev.Conn); err != nil {
		return err
	}
	if err := closeAfterPeer(c); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "both closed")
}

// finsCrossed reports whether, on the connection from client port cport,
// the second FIN was sent before its sender had received the first: it
// does not acknowledge the first FIN.
func finsCrossed(r *Run, cport uint16) (crossed, complete bool) {
	if r.Segments == nil {
		return false, false
	}
	return FINsCrossed(r.Segments(), cport)
}

// FINsCrossed reports whether, on the connection whose client uses port
// cport, the second endpoint's first FIN does not acknowledge the first
// endpoint's FIN: it was sent before that FIN arrived, so the FINs
// crossed (simultaneous close). complete is false when segs do not hold a
// FIN from each side.
func FINsCrossed(segs []fsm.Segment, cport uint16) (crossed, complete bool) {
	var first *finInfo
	for _, s := range segs {
		if s.Flags&fsm.FIN == 0 || (s.Src.Port() != cport && s.Dst.Port() != cport) {
			continue
		}
		fromClient := s.Src.Port() == cport
		if first == nil {
			first = &finInfo{fromClient: fromClient, end: uint32(s.Seq) + s.Len + 1}
			continue
		}
		if fromClient == first.fromClient {
			continue // a retransmission
		}
		acked := s.Flags&fsm.ACK != 0 && int32(uint32(s.Ack)-first.end) >= 0
		return !acked, true
	}
	return false, false
}

type finInfo struct {
	fromClient bool
	end        uint32
}

func simultaneousClose(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	sc, err := srv.conn(ev.Conn)
	if err != nil {
		return err
	}
	if err := r.WaitQuiet(ctx); err != nil {
		return err
	}
	// Both ends send FIN at once (shutdown, so that the sockets stay
	// ours until both FINs are through): see crossShutdown.
	from := r.Log.Len()
	if err := crossShutdown(c.p.c, sc.p.c, c.CloseWrite, sc.p.closeWrite); err != nil {
		return err
	}
	if _, err := serverEvent(r, from, c, KindPeerClosed); err != nil {
		return err
	}
	if _, err := c.Recv(2 * time.Second); !errors.Is(err, io.EOF) {
		return fmt.Errorf("client: expected the server's FIN, got %v", err)
	}
	if err := r.WaitQuiet(ctx); err != nil {
		return err
	}
	if crossed, complete := finsCrossed(r, c.Local().Port()); r.Segments != nil && (!crossed || !complete) {
		return fmt.Errorf("the capture does not show crossing FINs: %w", ErrNotReproduced)
	}
	if err := r.Checkpoint(ctx, "FINs crossed"); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	if err := srv.CloseConn(ev.Conn); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "sockets released")
}

func simultaneousOpen(ctx context.Context, r *Run) error {
	a, b := r.Addr(0), r.Addr(1)
	// First the deterministic way (both first SYNs swallowed, both
	// retransmitted from one timer run: see crossOpenByTimer), then, should
	// the kernel behave otherwise, plain racing connects on two threads.
	const timerTries, raceTries = 3, 200
	for try := 1; try <= timerTries+raceTries; try++ {
		mark := 0
		if r.Segments != nil {
			mark = len(r.Segments())
		}
		var ca, cb *net.TCPConn
		var err error
		if try <= timerTries {
			ca, cb, err = crossOpenByTimer(a, b)
		} else {
			ca, cb, err = crossConnect(a, b)
		}
		if err != nil {
			return err
		}
		if ca == nil {
			if err := sleep(ctx, 2*time.Millisecond); err != nil {
				return err
			}
			continue
		}
		if r.Segments != nil {
			// Both connects also succeed when one SYN met the other's
			// socket in SYN_SENT after the other's SYN was answered: only
			// two SYN+ACKs prove a crossing.
			if err := r.WaitQuiet(ctx); err != nil {
				ca.Close()
				cb.Close()
				return err
			}
			if !synAcksBothWays(r.Segments()[mark:]) {
				for _, c := range []*net.TCPConn{ca, cb} {
					_ = c.SetLinger(0) // RST: leave no TIME_WAIT on the tuple
					c.Close()
				}
				continue
			}
		}
		if try > 1 {
			r.Notef("the SYNs crossed on try %d", try)
		}
		return afterOpen(ctx, r, ca, cb, a, b)
	}
	return fmt.Errorf("the SYNs never crossed in %d tries: %w", timerTries+raceTries, ErrNotReproduced)
}

// afterOpen exchanges a line on a simultaneously opened connection, then
// A closes first.
func afterOpen(ctx context.Context, r *Run, ca, cb *net.TCPConn, a, b netip.AddrPort) error {
	sink := r.Log.Sink()
	pa := newPeer(ca, func(k Kind, t string) { sink.emit(Event{Who: "peer A", Kind: k, Local: a, Remote: b, Text: t}) })
	pb := newPeer(cb, func(k Kind, t string) { sink.emit(Event{Who: "peer B", Kind: k, Local: b, Remote: a, Text: t}) })
	sink.emit(Event{Who: "peer A", Kind: KindConnected, Local: a, Remote: b, Text: "simultaneous open"})
	sink.emit(Event{Who: "peer B", Kind: KindConnected, Local: b, Remote: a, Text: "simultaneous open"})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); pb.readLoop(func() eofPolicy { return eofPolicy{} }) }()
	err := func() error {
		if err := r.Checkpoint(ctx, "SYNs crossed"); err != nil {
			return err
		}
		if err := pa.send("hello from A"); err != nil {
			return err
		}
		if _, _, err := r.Log.Wait(0, 3*time.Second, Is("peer B", KindReceived)); err != nil {
			return err
		}
		from := r.Log.Len()
		if err := pa.close(); err != nil {
			return err
		}
		if err := r.wait(from, "peer B", KindClosed); err != nil {
			return err
		}
		return r.Checkpoint(ctx, "A closed first")
	}()
	if !pa.closed.Load() {
		_ = pa.close()
	}
	if !pb.closed.Load() {
		_ = pb.close()
	}
	wg.Wait()
	return err
}

// SYNsCrossed reports whether each side sent a SYN+ACK: the mark of a
// simultaneous open (RFC 9293 §3.5, figure 7).
func SYNsCrossed(segs []fsm.Segment) bool { return synAcksBothWays(segs) }

func synAcksBothWays(segs []fsm.Segment) bool {
	var from []netip.AddrPort
	for _, s := range segs {
		if s.Flags.Has(fsm.SYN|fsm.ACK) && !slices.Contains(from, s.Src) {
			from = append(from, s.Src)
		}
	}
	return len(from) >= 2
}

func shortConnections(ctx context.Context, r *Run) error {
	srv, err := startServer(r, ServerConfig{ReuseAddr: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	for i := 1; i <= r.n(5); i++ {
		c, err := exchange(ctx, r, fmt.Sprintf("client %d", i), fmt.Sprintf("request %d", i), DialOptions{})
		if err != nil {
			return err
		}
		from := r.Log.Len()
		if err := c.Close(); err != nil {
			return err
		}
		if _, err := serverEvent(r, from, c, KindClosed); err != nil {
			return err
		}
	}
	return r.Checkpoint(ctx, "all closed")
}

func longConnection(ctx context.Context, r *Run) error {
	srv, c, _, err := openOne(ctx, r, ServerConfig{ReuseAddr: true}, "line 1")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	for i := 2; i <= r.n(5); i++ {
		from := r.Log.Len()
		line := fmt.Sprintf("line %d", i)
		if err := c.Send(line); err != nil {
			return err
		}
		if _, err := serverEvent(r, from, c, KindReceived); err != nil {
			return err
		}
	}
	if err := r.Checkpoint(ctx, "after the lines"); err != nil {
		return err
	}
	if err := clientDoes(r, c, c.Close, KindClosed); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "closed")
}

func concurrent(ctx context.Context, r *Run) error {
	srv, err := startServer(r, ServerConfig{ReuseAddr: true, Backlog: 64})
	if err != nil {
		return err
	}
	defer srv.Close()
	n := r.n(5)
	clients := make([]*Client, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clients[i], errs[i] = exchange(ctx, r, fmt.Sprintf("client %d", i+1), fmt.Sprintf("hello from client %d", i+1), DialOptions{})
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.Release()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "all connected"); err != nil {
		return err
	}
	from := r.Log.Len()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Close()
		}()
	}
	wg.Wait()
	for _, c := range clients {
		if _, err := serverEvent(r, from, c, KindClosed); err != nil {
			return err
		}
	}
	return r.Checkpoint(ctx, "all closed")
}

func backlog(ctx context.Context, r *Run) error {
	srv, err := startServer(r, ServerConfig{Model: Iterative, Backlog: 1, ReuseAddr: true, Paused: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	// With backlog 1 the accept queue holds two connections (Linux
	// admits while its length is not above the backlog); the third
	// client's SYN is dropped, and SYNs are retransmitted after 1 s.
	var cs []*Client
	defer func() {
		for _, c := range cs {
			c.Release()
		}
	}()
	for i := 1; i <= 2; i++ {
		c, err := dial(ctx, r, fmt.Sprintf("client %d", i), DialOptions{})
		if err != nil {
			return err
		}
		cs = append(cs, c)
	}
	type result struct {
		c   *Client
		err error
	}
	third := make(chan result, 1)
	go func() {
		c, err := dial(ctx, r, "client 3", DialOptions{})
		third <- result{c, err}
	}()
	if err := sleep(ctx, 400*time.Millisecond); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "accept queue full, third SYN dropped"); err != nil {
		return err
	}
	srv.Resume()
	for _, c := range cs {
		from := r.Log.Len()
		if err := c.Send("hello"); err != nil {
			return err
		}
		if err := c.Close(); err != nil {
			return err
		}
		if _, err := serverEvent(r, from, c, KindClosed); err != nil {
			return err
		}
	}
	var res result
	select {
	case res = <-third:
	case <-time.After(4 * time.Second):
		return errors.New("the third client never connected")
	}
	if res.err != nil {
		return res.err
	}
	cs = append(cs, res.c)
	from := r.Log.Len()
	if err := res.c.Send("hello at last"); err != nil {
		return err
	}
	if err := res.c.Close(); err != nil {
		return err
	}
	if _, err := serverEvent(r, from, res.c, KindClosed); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "all served")
}

func reuseAddr(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := srv.CloseConn(ev.Conn); err != nil {
		return err
	}
	if err := closeAfterPeer(c); err != nil {
		return err
	}
	if err := srv.StopListening(); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "server stopped, its old connection in TIME_WAIT"); err != nil {
		return err
	}
	err = srv.Listen(false)
	if err == nil {
		return errors.New("restart without SO_REUSEADDR succeeded: expected bind: address already in use")
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		return err
	}
	if err := srv.Listen(true); err != nil {
		return fmt.Errorf("restart with SO_REUSEADDR: %w", err)
	}
	c2, err := exchange(ctx, r, "client 2", "hello again", DialOptions{})
	if err != nil {
		return err
	}
	from := r.Log.Len()
	if err := c2.Close(); err != nil {
		return err
	}
	if _, err := serverEvent(r, from, c2, KindPeerClosed); err != nil {
		return err
	}
	if err := srv.CloseConn(ev.Conn + 1); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "restarted with SO_REUSEADDR")
}

// fourWayTeardown is the teardown of the textbooks, four segments: the
// server does not close as soon as recv returns 0 (Linux would then send
// its FIN with the ACK, three segments), so the client's FIN is ACKed
// alone and FIN_WAIT_2 / CLOSE_WAIT last until the server's close().
func fourWayTeardown(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, HoldOnEOF: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	if err := clientDoes(r, c, c.Close, KindPeerClosed); err != nil {
		return err
	}
	if err := r.Checkpoint(ctx, "client closed, server not yet"); err != nil {
		return err
	}
	if err := clientDoes(r, c, func() error { return srv.CloseConn(ev.Conn) }, KindClosed); err != nil {
		return err
	}
	return r.Checkpoint(ctx, "server closed too")
}

// parentCopy is the notes' multi-process mistake: the parent keeps its
// copy of the accepted socket, so when the child closes (and exits) the
// socket lives on and no FIN goes out, until the parent closes it.
func parentCopy(ctx context.Context, r *Run) error {
	srv, c, ev, err := openOne(ctx, r, ServerConfig{ReuseAddr: true, Model: Process, KeepParentCopy: true}, "hello")
	if err != nil {
		return err
	}
	defer srv.Close()
	defer c.Release()
	from := r.Log.Len()
	if err := c.Close(); err != nil {
		return err
	}
	if _, _, err := r.Log.Wait(from, 3*time.Second, func(e Event) bool { return e.Kind == KindChildExited && e.Conn == ev.Conn }); err != nil {
		return fmt.Errorf("the child never exited: %w", err)
	}
	if err := r.Checkpoint(ctx, "child closed and exited, the parent's copy open"); err != nil {
		return err
	}
	if n := srv.CloseParentCopies(); n != 1 {
		return fmt.Errorf("the parent closed %d copies, want 1", n)
	}
	return r.Checkpoint(ctx, "the parent closed its copy")
}

func portReuse(ctx context.Context, r *Run) error {
	srv, err := startServer(r, ServerConfig{ReuseAddr: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	local := r.Addr(1)
	for i := 1; i <= 2; i++ {
		c, err := exchange(ctx, r, fmt.Sprintf("client %d", i), fmt.Sprintf("hello %d", i), DialOptions{Local: local})
		if err != nil {
			return err
		}
		from := r.Log.Len()
		if err := c.Close(); err != nil {
			return err
		}
		if _, err := serverEvent(r, from, c, KindClosed); err != nil {
			return err
		}
		if err := r.Checkpoint(ctx, fmt.Sprintf("connection %d closed, the fixed client port in TIME_WAIT", i)); err != nil {
			return err
		}
	}
	return nil
}

func stress(ctx context.Context, r *Run) error {
	srv, err := startServer(r, ServerConfig{ReuseAddr: true, Backlog: 512})
	if err != nil {
		return err
	}
	defer srv.Close()
	n := r.n(2000)
	const workers = 8
	deadline := time.Now().Add(20 * time.Second)
	var (
		mu   sync.Mutex
		next int
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 16)
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || time.Now().After(deadline) || ctx.Err() != nil {
					return
				}
				if err := stressOne(r, buf); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if next < n {
		return fmt.Errorf("only %d of %d connections in 20 s", next, n)
	}
	return r.Checkpoint(ctx, "all closed")
}

// stressOne makes one short connection without events (they would be the
// bottleneck): connect, send, wait for the server's FIN, close.
func stressOne(r *Run, buf []byte) error {
	nc, err := net.DialTimeout("tcp", r.Addr(0).String(), 3*time.Second)
	if err != nil {
		return err
	}
	c := nc.(*net.TCPConn)
	defer c.Close()
	if _, err := c.Write([]byte("x\n")); err != nil {
		return err
	}
	if err := c.CloseWrite(); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		if _, err := c.Read(buf); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
