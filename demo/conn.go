package demo

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// peer is one side's socket and the actions on it, shared by the server's
// connections (in process or in a child) and the client.
type peer struct {
	c    *net.TCPConn
	emit func(k Kind, text string)

	mu     sync.Mutex
	closed atomic.Bool // closed or aborted by us: read errors are expected
	wrShut atomic.Bool // shutdown(SHUT_WR) done: our FIN is already out
	// stopRead makes readLoop return at its next read deadline, leaving
	// what arrives in the receive queue (Client.StopReading).
	stopRead atomic.Bool
	done     chan struct{}
	once     sync.Once
}

func newPeer(c *net.TCPConn, emit func(Kind, string)) *peer {
	return &peer{c: c, emit: emit, done: make(chan struct{})}
}

func (p *peer) finish() { p.once.Do(func() { close(p.done) }) }

// send writes text and a newline.
func (p *peer) send(text string) error {
	if p.closed.Load() {
		return errors.New("send: connection already closed")
	}
	_, err := p.c.Write([]byte(text + "\n"))
	if err != nil {
		p.failed("send", err)
		return err
	}
	p.emit(KindSent, text)
	return nil
}

// close calls close(2): FIN, or RST when received data is still unread
// (RFC 2525 §2.17, what Linux does).
func (p *peer) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Swap(true) {
		return errors.New("close: connection already closed")
	}
	n := unread(p.c)
	err := p.c.Close()
	p.finish()
	switch {
	case err != nil:
		p.emit(KindError, "close: "+err.Error())
	case n > 0:
		p.emit(KindClosed, fmt.Sprintf("closed with %d unread bytes: the kernel sends RST, not FIN", n))
	case p.wrShut.Load():
		p.emit(KindClosed, "socket released (its FIN went out at shutdown)")
	default:
		p.emit(KindClosed, "FIN sent")
	}
	return err
}

// closeWrite calls shutdown(SHUT_WR): FIN sent, reading goes on.
func (p *peer) closeWrite() error {
	if p.closed.Load() {
		return errors.New("shutdown: connection already closed")
	}
	if err := p.c.CloseWrite(); err != nil {
		p.emit(KindError, "shutdown: "+err.Error())
		return err
	}
	p.wrShut.Store(true)
	p.emit(KindHalfClosed, "shutdown(SHUT_WR): FIN sent, can still receive")
	return nil
}

// abort closes with SO_LINGER 0: the kernel sends RST and discards the
// connection at once (no TIME_WAIT).
func (p *peer) abort() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Swap(true) {
		return errors.New("abort: connection already closed")
	}
	if err := p.c.SetLinger(0); err != nil {
		p.emit(KindError, "setsockopt SO_LINGER: "+err.Error())
	}
	err := p.c.Close()
	p.finish()
	if err != nil {
		p.emit(KindError, "close: "+err.Error())
		return err
	}
	p.emit(KindAborted, "SO_LINGER 0 then close: RST sent")
	return nil
}

// eofPolicy is what a reader does when recv returns 0 (the peer's FIN):
// send reply first (when set), then close after delay (0 at once,
// negative: never, the owner closes).
type eofPolicy struct {
	delay time.Duration
	reply string
}

// hold is the policy that keeps the socket open after the peer's FIN.
func hold() eofPolicy { return eofPolicy{delay: HoldClose} }

// readLoop reads until EOF or error, reporting what it gets. On EOF it
// follows policy (asked then): like the course's server, which closes as
// soon as recv returns 0, or later, or never.
func (p *peer) readLoop(policy func() eofPolicy) {
	buf := make([]byte, 64<<10)
	for {
		n, err := p.c.Read(buf)
		if n > 0 {
			p.emit(KindReceived, strings.TrimRight(string(buf[:n]), "\n"))
		}
		if err == nil {
			continue
		}
		if p.closed.Load() {
			return
		}
		if p.stopRead.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
			_ = p.c.SetReadDeadline(time.Time{})
			return // StopReading: the data now waits in the receive queue
		}
		if errors.Is(err, io.EOF) {
			p.emit(KindPeerClosed, "recv returned 0: the peer sent FIN")
			pol := policy()
			if pol.reply != "" {
				_ = p.send(pol.reply)
			}
			if pol.delay < 0 {
				return
			}
			if pol.delay > 0 {
				t := time.NewTimer(pol.delay)
				select {
				case <-t.C:
				case <-p.done:
					t.Stop()
					return
				}
			}
			if !p.closed.Load() {
				_ = p.close()
			}
			return
		}
		p.failed("recv", err)
		return
	}
}

// failed reports a read or write error and releases the socket.
func (p *peer) failed(op string, err error) {
	if p.closed.Load() {
		return
	}
	if isReset(err) {
		p.emit(KindReset, op+": "+err.Error())
	} else {
		p.emit(KindError, op+": "+err.Error())
	}
	p.mu.Lock()
	if !p.closed.Swap(true) {
		p.c.Close()
		p.finish()
	}
	p.mu.Unlock()
}
