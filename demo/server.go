package demo

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synfin/synfin/i18n"
)

// Model is how a Server serves its clients, as in the course notes.
type Model string

// Server models.
const (
	// Goroutine serves each connection on its own goroutine (the notes'
	// threaded server).
	Goroutine Model = "goroutine"
	// Process hands each accepted socket to a child process (the notes'
	// multi-process server); the parent closes its copy.
	Process Model = "process"
	// Iterative serves one connection at a time on the accept goroutine:
	// other clients wait in the listen backlog.
	Iterative Model = "iterative"
)

// Models lists the server models.
func Models() []Model { return []Model{Goroutine, Process, Iterative} }

// ParseModel checks a model name.
func ParseModel(s string) (Model, error) {
	for _, m := range Models() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown server model %q (want goroutine, process or iterative)", s)
}

// DefaultBacklog is the listen backlog of the course's servers (listen(5)).
const DefaultBacklog = 5

// ServerConfig configures a Server.
type ServerConfig struct {
	Addr      netip.AddrPort // where to listen, e.g. 127.0.0.1:7788
	Model     Model          // default Goroutine
	Backlog   int            // listen backlog; 0 means DefaultBacklog
	ReuseAddr bool           // set SO_REUSEADDR before bind, as the notes do
	// HoldOnEOF keeps a connection open after the client's FIN (recv
	// returned 0) until CloseConn or AbortConn: the server stays in
	// CLOSE_WAIT. By default it closes at once, like the notes' servers.
	HoldOnEOF bool
	// Paused delays accept until Resume: clients queue in the backlog.
	Paused bool
	// KeepParentCopy (process model) makes the parent keep its copy of
	// each accepted socket, to show why the notes close it: the child's
	// close then sends no FIN, the socket lives on in the parent.
	KeepParentCopy bool
	// CloseDelay is how long the server waits after the client's FIN
	// (recv returned 0) before its own close(): 0 at once, as the notes'
	// servers do; negative: until CloseConn (as HoldOnEOF). SetCloseDelay
	// changes it for the next FINs.
	CloseDelay time.Duration
	// MaxChildren bounds the process model's children (0:
	// DefaultMaxChildren): with that many serving, accept waits until one
	// ends (a KindChildLimit event says so).
	MaxChildren int
	// KeepAlive turns TCP keep-alive on for accepted sockets. Off by
	// default: its probes every 15 s are a lesson of their own, not noise.
	KeepAlive bool
	Name      string // Who in events; default "server"
	Events    Sink
}

// DefaultMaxChildren is the process model's default bound on children.
const DefaultMaxChildren = 16

// HoldClose is the CloseDelay that waits for CloseConn.
const HoldClose time.Duration = -1

// Server is the demo TCP server.
type Server struct {
	cfg  ServerConfig
	name string

	mu      sync.Mutex
	ln      *net.TCPListener
	stop    chan struct{} // closed when ln stops
	conns   map[int]*serverConn
	resume  chan struct{}
	resumed bool
	closed  bool

	nextID     atomic.Int64
	wg         sync.WaitGroup
	closeDelay atomic.Int64 // time.Duration
	keepParent atomic.Bool
	keepAlive  atomic.Bool
	children   chan struct{} // process model: one token per child serving
}

// serverConn is one accepted connection, served here or in a child.
type serverConn struct {
	id     int
	local  netip.AddrPort
	remote netip.AddrPort
	p      *peer // in-process models

	// reply, when set, is sent when recv returns 0, before the close:
	// the half-close lesson's answer after the client's FIN.
	reply atomic.Pointer[string]

	// process model
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	stdinMu    sync.Mutex
	parentCopy *net.TCPConn
	childDone  atomic.Bool
}

// StartServer listens and starts accepting. A bind error is reported both
// as a KindBindError event and as the returned error.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.Model == "" {
		cfg.Model = Goroutine
	}
	if _, err := ParseModel(string(cfg.Model)); err != nil {
		return nil, err
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = DefaultBacklog
	}
	if cfg.MaxChildren <= 0 {
		cfg.MaxChildren = DefaultMaxChildren
	}
	s := &Server{cfg: cfg, name: cfg.Name, conns: map[int]*serverConn{}, resume: make(chan struct{}),
		children: make(chan struct{}, cfg.MaxChildren)}
	if s.name == "" {
		s.name = "server"
	}
	d := cfg.CloseDelay
	if cfg.HoldOnEOF {
		d = HoldClose
	}
	s.closeDelay.Store(int64(d))
	s.keepParent.Store(cfg.KeepParentCopy)
	s.keepAlive.Store(cfg.KeepAlive)
	if !cfg.Paused {
		s.resumed = true
		close(s.resume)
	}
	if err := s.Listen(cfg.ReuseAddr); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr returns the configured listening address.
func (s *Server) Addr() netip.AddrPort { return s.cfg.Addr }

// Model returns the server model.
func (s *Server) Model() Model { return s.cfg.Model }

// ListenAddr returns the address the server listens on now (the kernel's
// port when Addr's port was 0); invalid when it does not listen.
func (s *Server) ListenAddr() netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return netip.AddrPort{}
	}
	return addrPort(s.ln.Addr())
}

// SetCloseDelay sets how long the server waits after a client's FIN
// before its own close() (0 at once, HoldClose until CloseConn), for the
// FINs to come. The process model's children take the delay they were
// started with.
func (s *Server) SetCloseDelay(d time.Duration) { s.closeDelay.Store(int64(d)) }

// CloseDelay returns the delay set by SetCloseDelay.
func (s *Server) CloseDelay() time.Duration { return time.Duration(s.closeDelay.Load()) }

// SetKeepParentCopy sets whether the process model's parent keeps its
// copy of the sockets it accepts from now on.
func (s *Server) SetKeepParentCopy(on bool) { s.keepParent.Store(on) }

// KeepParentCopy reports the setting of SetKeepParentCopy.
func (s *Server) KeepParentCopy() bool { return s.keepParent.Load() }

// SetKeepAlive sets TCP keep-alive for the sockets accepted from now on.
func (s *Server) SetKeepAlive(on bool) { s.keepAlive.Store(on) }

// ReuseAddr reports whether the listening socket was made with
// SO_REUSEADDR (the last Listen's choice).
func (s *Server) ReuseAddr() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.ReuseAddr
}
func (s *Server) emit(e Event) {
	if e.Who == "" {
		e.Who = s.name
	}
	s.cfg.Events.emit(e)
}

// Listen (re)opens the listening socket, with or without SO_REUSEADDR:
// restarting while old connections sit in TIME_WAIT fails without it
// ("bind: address already in use").
func (s *Server) Listen(reuseAddr bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("server closed")
	}
	if s.ln != nil {
		return fmt.Errorf("already listening on %v", s.cfg.Addr)
	}
	s.cfg.ReuseAddr = reuseAddr
	info := &ListenInfo{Model: s.cfg.Model, Backlog: s.cfg.Backlog, ReuseAddr: reuseAddr}
	ln, err := Listen(s.cfg.Addr, s.cfg.Backlog, reuseAddr)
	if err != nil {
		s.emit(Event{Kind: KindBindError, Local: s.cfg.Addr, Text: err.Error(), Listen: info})
		return err
	}
	s.ln = ln
	s.stop = make(chan struct{})
	onoff := "off"
	if reuseAddr {
		onoff = "on"
	}
	s.emit(Event{Kind: KindListening, Local: addrPort(ln.Addr()), Listen: info,
		Text: fmt.Sprintf("%s model, backlog %d, SO_REUSEADDR %s", s.cfg.Model, s.cfg.Backlog, onoff)})
	s.wg.Add(1)
	go s.acceptLoop(ln, s.stop)
	return nil
}

// StopListening closes the listening socket; open connections go on.
func (s *Server) StopListening() error {
	s.mu.Lock()
	ln := s.ln
	s.ln = nil
	if ln != nil {
		close(s.stop)
	}
	s.mu.Unlock()
	if ln == nil {
		return errors.New("not listening")
	}
	err := ln.Close()
	s.emit(Event{Kind: KindStopped, Local: s.cfg.Addr, Text: "listening socket closed"})
	return err
}

// Resume starts accepting on a server started Paused.
func (s *Server) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.resumed {
		s.resumed = true
		close(s.resume)
	}
}

// childToken takes one of the MaxChildren tokens, waiting (and saying
// so) while every child is busy; false when the listener stops first.
func (s *Server) childToken(stop <-chan struct{}) bool {
	select {
	case s.children <- struct{}{}:
		return true
	default:
	}
	n := cap(s.children)
	s.emit(Event{Kind: KindChildLimit, Local: s.cfg.Addr, Args: i18n.Args{"n": n},
		Text: fmt.Sprintf("%d children are serving (--max-children): the next connection waits in the backlog until one ends", n)})
	select {
	case s.children <- struct{}{}:
		return true
	case <-stop:
		return false
	}
}

func (s *Server) acceptLoop(ln *net.TCPListener, stop <-chan struct{}) {
	defer s.wg.Done()
	<-s.resume
	for {
		if s.cfg.Model == Process && !s.childToken(stop) {
			return
		}
		c, err := ln.AcceptTCP()
		if err != nil {
			s.mu.Lock()
			stopped := s.ln != ln
			s.mu.Unlock()
			if !stopped {
				s.emit(Event{Kind: KindError, Text: "accept: " + err.Error()})
			}
			if s.cfg.Model == Process {
				<-s.children
			}
			return
		}
		setKeepAlive(c, s.keepAlive.Load())
		sc := &serverConn{id: int(s.nextID.Add(1)), local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr())}
		accepted := Event{Kind: KindAccepted, Conn: sc.id, Local: sc.local, Remote: sc.remote,
			Text: fmt.Sprintf("new socket for client %v", sc.remote)}
		if s.cfg.Model == Process {
			// The child's start comes after; the connection is listed
			// (Conns, ConnFor) by the KindChildStarted event.
			s.emit(accepted)
			// startChild lists sc once its fields are set.
			if err := s.startChild(sc, c); err != nil {
				<-s.children
				s.emit(Event{Kind: KindError, Conn: sc.id, Text: "child: " + err.Error()})
				c.Close()
			}
			continue
		}
		sc.p = newPeer(c, func(k Kind, text string) {
			s.emit(Event{Kind: k, Conn: sc.id, Local: sc.local, Remote: sc.remote, Text: text})
		})
		if !s.add(sc) {
			c.Close()
			return
		}
		s.emit(accepted) // listed first: an action on it may follow at once
		if s.cfg.Model == Iterative {
			s.serve(sc)
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(sc)
		}()
	}
}

// add lists a fully set up connection; false if the server is closing.
func (s *Server) add(sc *serverConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[sc.id] = sc
	return true
}

// serve reads from an in-process connection until it is closed.
func (s *Server) serve(sc *serverConn) {
	sc.p.readLoop(func() eofPolicy {
		pol := eofPolicy{delay: s.CloseDelay()}
		if r := sc.reply.Load(); r != nil {
			pol.reply = *r
		}
		return pol
	})
	<-sc.p.done
	s.forget(sc.id)
}

// ReplyOnEOF makes connection id answer text when recv returns 0 (the
// client's FIN), before it closes: on a half-closed connection the reply
// still reaches the client. A KindReplyArmed event says when it holds (in
// the process model the child says so, after this returns).
func (s *Server) ReplyOnEOF(id int, text string) error {
	sc, err := s.conn(id)
	if err != nil {
		return err
	}
	if sc.cmd != nil {
		return sc.tellChild("reply", text) // the child reports KindReplyArmed
	}
	sc.reply.Store(&text)
	s.emit(Event{Kind: KindReplyArmed, Conn: sc.id, Local: sc.local, Remote: sc.remote, Text: text})
	return nil
}

// ConnFor returns the number of the open connection whose client is
// remote.
func (s *Server) ConnFor(remote netip.AddrPort) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best := 0
	for id, sc := range s.conns {
		if sc.remote == remote && id > best {
			best = id
		}
	}
	return best, best > 0
}

// CloseParentCopies closes the process model parent's kept copies of
// its sockets (KeepParentCopy): where the child has already closed, the
// FIN goes out now. It returns how many copies it closed.
func (s *Server) CloseParentCopies() int {
	s.mu.Lock()
	var kept []*serverConn
	for _, sc := range s.conns {
		if sc.parentCopy != nil {
			kept = append(kept, sc)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(kept, func(a, b *serverConn) int { return a.id - b.id })
	n := 0
	for _, sc := range kept {
		s.mu.Lock()
		pc := sc.parentCopy
		sc.parentCopy = nil
		s.mu.Unlock()
		if pc == nil {
			continue
		}
		pc.Close()
		n++
		s.emit(Event{Kind: KindParentClosed, Conn: sc.id, Local: sc.local, Remote: sc.remote,
			Text: "the parent closed its copy at last"})
		if sc.childDone.Load() {
			s.forget(sc.id)
		}
	}
	return n
}

func (s *Server) forget(id int) {
	s.mu.Lock()
	delete(s.conns, id)
	s.mu.Unlock()
}

// Conns returns the numbers of the connections still open, ascending.
func (s *Server) Conns() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.conns))
	for id := range s.conns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (s *Server) conn(id int) (*serverConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.conns[id]
	if sc == nil {
		return nil, fmt.Errorf("no open connection #%d", id)
	}
	return sc, nil
}

// Send writes a line to connection id.
func (s *Server) Send(id int, text string) error { return s.act(id, "send", text) }

// CloseConn closes connection id (the server closes first: FIN).
func (s *Server) CloseConn(id int) error { return s.act(id, "close", "") }

// AbortConn resets connection id (SO_LINGER 0: RST).
func (s *Server) AbortConn(id int) error { return s.act(id, "abort", "") }

func (s *Server) act(id int, verb, text string) error {
	sc, err := s.conn(id)
	if err != nil {
		return err
	}
	if verb != "send" && sc.cmd != nil && sc.childDone.Load() {
		s.mu.Lock()
		pc := sc.parentCopy
		sc.parentCopy = nil
		s.mu.Unlock()
		if pc != nil {
			// The child is gone; the parent's copy kept the connection
			// open. Closing it now sends the FIN the child's close could
			// not.
			p := newPeer(pc, func(k Kind, text string) {
				s.emit(Event{Kind: k, Conn: sc.id, Local: sc.local, Remote: sc.remote, Text: "parent's copy: " + text})
			})
			var err error
			if verb == "close" {
				err = p.close()
			} else {
				err = p.abort()
			}
			s.forget(sc.id)
			return err
		}
	}
	if sc.cmd != nil {
		return sc.tellChild(verb, text)
	}
	if sc.p == nil {
		return fmt.Errorf("connection #%d not served yet", id)
	}
	switch verb {
	case "send":
		return sc.p.send(text)
	case "close":
		return sc.p.close()
	default:
		return sc.p.abort()
	}
}

// tellChild sends the child a command line.
func (sc *serverConn) tellChild(verb, text string) error {
	sc.stdinMu.Lock()
	defer sc.stdinMu.Unlock()
	_, err := fmt.Fprintf(sc.stdin, "%s %s\n", verb, strings.ReplaceAll(text, "\n", " "))
	return err
}

// Close stops listening, closes every connection (children are told to
// close theirs) and waits for every goroutine and child to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	ln := s.ln
	s.ln = nil
	if ln != nil {
		close(s.stop)
	}
	if !s.resumed {
		s.resumed = true
		close(s.resume)
	}
	conns := make([]*serverConn, 0, len(s.conns))
	var copies []*net.TCPConn
	for _, sc := range s.conns {
		conns = append(conns, sc)
		if sc.parentCopy != nil {
			copies = append(copies, sc.parentCopy)
			sc.parentCopy = nil
		}
	}
	s.mu.Unlock()
	for _, c := range copies {
		c.Close()
	}
	if ln != nil {
		ln.Close()
	}
	for _, sc := range conns {
		switch {
		case sc.cmd != nil:
			sc.stdin.Close() // the child closes its socket and exits
		case sc.p != nil:
			if !sc.p.closed.Load() {
				_ = sc.p.close()
			}
		}
	}
	s.wg.Wait()
	return nil
}

// Process model.

const (
	// probeEnv makes MaybeRunChild exit at once: EnsureCapture starts
	// this binary in a private namespace with it to learn whether that
	// works here.
	probeEnv      = "SYNFIN_DEMO_NETNS_PROBE"
	childEnv      = "SYNFIN_DEMO_CHILD" // set to the connection number
	childDelayEnv = "SYNFIN_DEMO_DELAY" // close delay after EOF, a time.Duration; negative: hold
	childKAEnv    = "SYNFIN_DEMO_KEEPALIVE"
)

// childEvent is the child's report, one JSON object per line on stdout.
type childEvent struct {
	Kind Kind   `json:"kind"`
	Text string `json:"text,omitempty"`
}

func (s *Server) startChild(sc *serverConn, c *net.TCPConn) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := c.File() // a dup: the child gets it as fd 3
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(sc.id))
	cmd.Env = append(cmd.Env, childDelayEnv+"="+s.CloseDelay().String())
	if s.keepAlive.Load() {
		cmd.Env = append(cmd.Env, childKAEnv+"=1")
	}
	cmd.ExtraFiles = []*os.File{f}
	// The child's complaints become events: the TUI owns the terminal.
	cmd.Stderr = lineWriter(func(line string) {
		s.emit(Event{Kind: KindError, Who: fmt.Sprintf("%s child", s.name), Conn: sc.id, Text: line})
	})
	stdin, err := cmd.StdinPipe()
	if err != nil {
		f.Close()
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		f.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	sc.cmd, sc.stdin = cmd, stdin
	keep := s.keepParent.Load()
	if keep {
		sc.parentCopy = c
	}
	if !s.add(sc) {
		stdin.Close() // the server is closing: the child closes its socket and exits
		if sc.parentCopy != nil {
			sc.parentCopy.Close()
		}
	}
	who := fmt.Sprintf("%s child %d", s.name, cmd.Process.Pid)
	s.emit(Event{Kind: KindChildStarted, Who: who, Conn: sc.id, Local: sc.local, Remote: sc.remote,
		Text: fmt.Sprintf("process %d serves the connection", cmd.Process.Pid)})
	if keep {
		s.emit(Event{Kind: KindParentKept, Conn: sc.id, Local: sc.local, Remote: sc.remote,
			Text: "the parent keeps its copy of the socket: the child's close will not send FIN"})
	} else {
		c.Close()
		s.emit(Event{Kind: KindParentClosed, Conn: sc.id, Local: sc.local, Remote: sc.remote,
			Text: "the parent closed its copy: only the child holds the socket, so its close sends FIN"})
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		sc2 := bufio.NewScanner(stdout)
		for sc2.Scan() {
			var ce childEvent
			if err := json.Unmarshal(sc2.Bytes(), &ce); err != nil {
				s.emit(Event{Kind: KindError, Who: who, Conn: sc.id, Text: "child said: " + sc2.Text()})
				continue
			}
			s.emit(Event{Kind: ce.Kind, Who: who, Conn: sc.id, Local: sc.local, Remote: sc.remote, Text: ce.Text})
		}
		err := cmd.Wait()
		text := "exited"
		if err != nil {
			text = err.Error()
		}
		sc.childDone.Store(true)
		s.emit(Event{Kind: KindChildExited, Who: who, Conn: sc.id, Local: sc.local, Remote: sc.remote, Text: text})
		<-s.children // after the event: the log shows the exit before the next child
		s.mu.Lock()
		kept := sc.parentCopy != nil && !s.closed
		s.mu.Unlock()
		if kept {
			return // the socket lives on in the parent: keep it listed
		}
		s.forget(sc.id)
	}()
	return nil
}

// MaybeRunChild runs the process-model child and exits when this process
// was started as one; otherwise it returns at once. Call it first thing in
// main (and in TestMain of packages that test the process model).
func MaybeRunChild() {
	if os.Getenv(probeEnv) == "1" {
		os.Exit(0)
	}
	id := os.Getenv(childEnv)
	if id == "" {
		return
	}
	delay, err := time.ParseDuration(os.Getenv(childDelayEnv))
	if err != nil {
		delay = 0
	}
	os.Exit(runChild(delay, os.Getenv(childKAEnv) == "1"))
}

func runChild(delay time.Duration, keepAlive bool) int {
	f := os.NewFile(3, "accepted socket")
	c, err := net.FileConn(f)
	f.Close() // FileConn made its own dup: close ours, or close(2) would not send FIN
	if err != nil {
		fmt.Fprintln(os.Stderr, "synfin demo child:", err)
		return 1
	}
	tc := c.(*net.TCPConn)
	setKeepAlive(tc, keepAlive) // net.FileConn turned it on
	var outMu sync.Mutex
	var reply atomic.Pointer[string]
	enc := json.NewEncoder(os.Stdout)
	p := newPeer(tc, func(k Kind, text string) {
		outMu.Lock()
		defer outMu.Unlock()
		_ = enc.Encode(childEvent{Kind: k, Text: text})
	})
	go func() {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			verb, text, _ := cut(in.Text())
			switch verb {
			case "send":
				_ = p.send(text)
			case "close":
				_ = p.close()
			case "abort":
				_ = p.abort()
			case "reply":
				reply.Store(&text)
				outMu.Lock()
				_ = enc.Encode(childEvent{Kind: KindReplyArmed, Text: text})
				outMu.Unlock()
			}
		}
		// The parent is gone or closing: close our socket.
		if !p.closed.Load() {
			_ = p.close()
		}
	}()
	p.readLoop(func() eofPolicy {
		pol := eofPolicy{delay: delay}
		if r := reply.Load(); r != nil {
			pol.reply = *r
		}
		return pol
	})
	<-p.done
	return 0
}

func cut(s string) (verb, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// lineWriter turns each write into a call with the text, trimmed.
type lineWriter func(string)

func (w lineWriter) Write(p []byte) (int, error) {
	if t := strings.TrimSpace(string(p)); t != "" {
		w(t)
	}
	return len(p), nil
}
