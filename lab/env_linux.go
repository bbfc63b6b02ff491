package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/demo"
)

// Env is what a scenario's traffic runs with: the two hosts.
type Env struct {
	Client, Server         *NS
	ClientAddr, ServerAddr netip.Addr
	mu                     sync.Mutex
	notes                  []string
}

// Note records something the traffic did or saw (into the truth file).
func (e *Env) Note(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// Listen opens a listener on the server host.
func (e *Env) Listen(port int) (*net.TCPListener, error) {
	var ln net.Listener
	err := e.Server.Do(func() error {
		var err error
		ln, err = net.Listen("tcp4", net.JoinHostPort(e.ServerAddr.String(), strconv.Itoa(port)))
		return err
	})
	if err != nil {
		return nil, err
	}
	return ln.(*net.TCPListener), nil
}

// Dial connects from the client host to the server's port, from
// localPort when it is not 0 (SO_REUSEADDR set, to reuse a 4-tuple).
func (e *Env) Dial(port, localPort int) (*net.TCPConn, error) {
	return e.dial(port, localPort, 10*time.Second)
}

// DialTimeout is Dial from any port, giving up (and closing the socket)
// after timeout.
func (e *Env) DialTimeout(port int, timeout time.Duration) (*net.TCPConn, error) {
	return e.dial(port, 0, timeout)
}

func (e *Env) dial(port, localPort int, timeout time.Duration) (*net.TCPConn, error) {
	d := net.Dialer{Timeout: timeout}
	if localPort != 0 {
		d.LocalAddr = &net.TCPAddr{IP: e.ClientAddr.AsSlice(), Port: localPort}
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	var c net.Conn
	err := e.Client.Do(func() error {
		var err error
		c, err = d.DialContext(context.Background(), "tcp4", net.JoinHostPort(e.ServerAddr.String(), strconv.Itoa(port)))
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

// waitClientGone waits (at most 5 s) until the client host has no socket
// left on local → remote, so that the 4-tuple can be opened again
// (connect fails with EADDRNOTAVAIL while a LAST_ACK holds it).
func (e *Env) waitClientGone(local, remote netip.AddrPort) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left bool
		err := e.Client.Do(func() error {
			ks, err := demo.KernelSockets(local.Port())
			for _, k := range ks {
				if k.Local == local && k.Remote == remote {
					left = true
				}
			}
			return err
		})
		if err != nil || !left {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the client's socket %v → %v did not close within 5 s", local, remote)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// accept waits for one connection, at most 10 s.
func accept(ln *net.TCPListener) (*net.TCPConn, error) {
	if err := ln.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return nil, err
	}
	return ln.AcceptTCP()
}

// say writes msg; hear reads exactly len(want) bytes and checks them.
func say(c *net.TCPConn, msg string) error {
	_, err := c.Write([]byte(msg))
	return err
}

func hear(c *net.TCPConn, want string) error {
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil {
		return fmt.Errorf("read %q: %w", want, err)
	}
	if string(buf) != want {
		return fmt.Errorf("read %q, want %q", buf, want)
	}
	return nil
}

// eof reads until the end of the stream (the peer's FIN), at most 10 s.
func eof(c *net.TCPConn) error {
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, c)
	return err
}

// pair opens one connection and returns both ends.
func (e *Env) pair(ln *net.TCPListener, localPort int) (cl, sv *net.TCPConn, err error) {
	type res struct {
		c   *net.TCPConn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := accept(ln)
		ch <- res{c, err}
	}()
	cl, err = e.Dial(labPort, localPort)
	r := <-ch
	if err != nil {
		if r.c != nil {
			r.c.Close()
		}
		return nil, nil, fmt.Errorf("dial: %w", err)
	}
	if r.err != nil {
		cl.Close()
		return nil, nil, fmt.Errorf("accept: %w", r.err)
	}
	return cl, r.c, nil
}

// both runs the two ends' parts at once and returns the first error.
func both(client, server func() error) error {
	ch := make(chan error, 1)
	go func() { ch <- server() }()
	errC := client()
	errS := <-ch
	return errors.Join(errC, errS)
}
