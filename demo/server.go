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
	Name           string // Who in events; default "server"
	Events         Sink
}

// Server is the demo TCP server.
type Server struct {
	cfg  ServerConfig
	name string

	mu      sync.Mutex
	ln      *net.TCPListener
	conns   map[int]*serverConn
	resume  chan struct{}
	resumed bool
	closed  bool

	nextID atomic.Int64
	wg     sync.WaitGroup
}

// serverConn is one accepted connection, served here or in a child.
type serverConn struct {
	id     int
	local  netip.AddrPort
	remote netip.AddrPort
	p      *peer // in-process models

	// process model
	cmd        *exec.Cmd
	stdin      io.WriteCloser
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
	s := &Server{cfg: cfg, name: cfg.Name, conns: map[int]*serverConn{}, resume: make(chan struct{})}
	if s.name == "" {
		s.name = "server"
	}
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
	ln, err := Listen(s.cfg.Addr, s.cfg.Backlog, reuseAddr)
	if err != nil {
		s.emit(Event{Kind: KindBindError, Local: s.cfg.Addr, Text: err.Error()})
		return err
	}
	s.ln = ln
	onoff := "off"
	if reuseAddr {
		onoff = "on"
	}
	s.emit(Event{Kind: KindListening, Local: s.cfg.Addr,
		Text: fmt.Sprintf("%s model, backlog %d, SO_REUSEADDR %s", s.cfg.Model, s.cfg.Backlog, onoff)})
	s.wg.Add(1)
	go s.acceptLoop(ln)
	return nil
}

// StopListening closes the listening socket; open connections go on.
func (s *Server) StopListening() error {
	s.mu.Lock()
	ln := s.ln
	s.ln = nil
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

func (s *Server) acceptLoop(ln *net.TCPListener) {
	defer s.wg.Done()
	<-s.resume
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			s.mu.Lock()
			stopped := s.ln != ln
			s.mu.Unlock()
			if !stopped {
				s.emit(Event{Kind: KindError, Text: "accept: " + err.Error()})
			}
			return
		}
		sc := &serverConn{id: int(s.nextID.Add(1)), local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr())}
		s.emit(Event{Kind: KindAccepted, Conn: sc.id, Local: sc.local, Remote: sc.remote,
			Text: fmt.Sprintf("new socket for client %v", sc.remote)})
		if s.cfg.Model == Process {
			// startChild lists sc once its fields are set.
			if err := s.startChild(sc, c); err != nil {
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
	sc.p.readLoop(s.cfg.HoldOnEOF)
	<-sc.p.done
	s.forget(sc.id)
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
		_, err := fmt.Fprintf(sc.stdin, "%s %s\n", verb, text)
		return err
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
	probeEnv     = "SYNFIN_DEMO_NETNS_PROBE"
	childEnv     = "SYNFIN_DEMO_CHILD" // set to the connection number
	childHoldEnv = "SYNFIN_DEMO_HOLD"
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
	if s.cfg.HoldOnEOF {
		cmd.Env = append(cmd.Env, childHoldEnv+"=1")
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
	if s.cfg.KeepParentCopy {
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
	if s.cfg.KeepParentCopy {
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
		s.emit(Event{Kind: KindChildExited, Who: who, Conn: sc.id, Text: text})
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
	os.Exit(runChild(os.Getenv(childHoldEnv) == "1"))
}

func runChild(hold bool) int {
	f := os.NewFile(3, "accepted socket")
	c, err := net.FileConn(f)
	f.Close() // FileConn made its own dup: close ours, or close(2) would not send FIN
	if err != nil {
		fmt.Fprintln(os.Stderr, "synfin demo child:", err)
		return 1
	}
	var outMu sync.Mutex
	enc := json.NewEncoder(os.Stdout)
	p := newPeer(c.(*net.TCPConn), func(k Kind, text string) {
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
			}
		}
		// The parent is gone or closing: close our socket.
		if !p.closed.Load() {
			_ = p.close()
		}
	}()
	p.readLoop(hold)
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
