package demo

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Listen makes a TCP listening socket the way the course's servers do:
// socket, optional setsockopt(SO_REUSEADDR), bind, listen(backlog). It uses
// raw syscalls because net.Listen always sets SO_REUSEADDR and picks the
// backlog itself. A bind failure is returned as "bind ADDR: address already
// in use" (errors.Is(err, syscall.EADDRINUSE) holds).
func Listen(addr netip.AddrPort, backlog int, reuseAddr bool) (*net.TCPListener, error) {
	fd, sa, err := newSocket(addr)
	if err != nil {
		return nil, err
	}
	if reuseAddr {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			unix.Close(fd)
			return nil, os.NewSyscallError("setsockopt SO_REUSEADDR", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "bind", Net: "tcp", Addr: net.TCPAddrFromAddrPort(addr), Err: os.NewSyscallError("bind", err)}
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return nil, &net.OpError{Op: "listen", Net: "tcp", Addr: net.TCPAddrFromAddrPort(addr), Err: os.NewSyscallError("listen", err)}
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close() // FileListener dups it
	l, err := net.FileListener(f)
	if err != nil {
		return nil, err
	}
	return l.(*net.TCPListener), nil
}

// bindAnyPort returns a Dialer.Control that binds the socket to an
// ephemeral port before connect and stores the address in *local: a
// connection that is refused is then known by its 4-tuple too.
func bindAnyPort(raddr netip.AddrPort, local *netip.AddrPort) func(string, string, syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			var sa unix.Sockaddr = &unix.SockaddrInet4{}
			if raddr.Addr().Unmap().Is6() {
				sa = &unix.SockaddrInet6{}
			}
			if serr = unix.Bind(int(fd), sa); serr != nil {
				return
			}
			got, err := unix.Getsockname(int(fd))
			if err != nil {
				serr = err
				return
			}
			// The source address is the route's; on loopback (the demo),
			// the destination's own.
			switch a := got.(type) {
			case *unix.SockaddrInet4:
				*local = netip.AddrPortFrom(raddr.Addr().Unmap(), uint16(a.Port))
			case *unix.SockaddrInet6:
				*local = netip.AddrPortFrom(raddr.Addr().Unmap(), uint16(a.Port))
			}
		})
		if err != nil {
			return err
		}
		return serr
	}
}

// dialFrom makes a TCP socket bound to laddr (SO_REUSEADDR set, so a
// port whose old connection sits in TIME_WAIT can be bound again) and
// connects it to raddr: the course's client that binds its own port.
func dialFrom(laddr, raddr netip.AddrPort) (*net.TCPConn, error) {
	d := net.Dialer{
		KeepAlive: -1,
		LocalAddr: net.TCPAddrFromAddrPort(laddr),
		Control: func(network, address string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			})
			if err != nil {
				return err
			}
			return serr
		},
	}
	c, err := d.Dial("tcp", raddr.String())
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

func newSocket(addr netip.AddrPort) (int, unix.Sockaddr, error) {
	var (
		family int
		sa     unix.Sockaddr
	)
	ip := addr.Addr().Unmap()
	switch {
	case ip.Is4():
		family = unix.AF_INET
		sa = &unix.SockaddrInet4{Port: int(addr.Port()), Addr: ip.As4()}
	case ip.Is6():
		family = unix.AF_INET6
		sa = &unix.SockaddrInet6{Port: int(addr.Port()), Addr: ip.As16()}
	default:
		return -1, nil, fmt.Errorf("demo: invalid address %v", addr)
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, nil, os.NewSyscallError("socket", err)
	}
	return fd, sa, nil
}

// unread returns the bytes waiting in c's receive queue (SIOCINQ).
func unread(c *net.TCPConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	_ = rc.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	return n
}

// crossConnect tries a simultaneous open: two sockets bound to a and b
// (SO_REUSEADDR) connect to each other at the same instant. It returns
// both connections when the SYNs crossed, nil connections when the timing
// did not give a crossing (one SYN met a port with no socket and was
// refused), or an error for anything else.
func crossConnect(a, b netip.AddrPort) (*net.TCPConn, *net.TCPConn, error) {
	fds := [2]int{-1, -1}
	var sas [2]unix.Sockaddr
	cleanup := func() {
		for _, fd := range fds {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
	}
	for i, ap := range []netip.AddrPort{a, b} {
		fd, sa, err := newSocket(ap)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		fds[i], sas[i] = fd, sa
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			cleanup()
			return nil, nil, os.NewSyscallError("setsockopt", err)
		}
		if err := unix.Bind(fd, sa); err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("bind %v: %w", ap, err)
		}
		if err := unix.SetNonblock(fd, true); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	var errs [2]error
	together(func() { errs[0] = unix.Connect(fds[0], sas[1]) }, func() { errs[1] = unix.Connect(fds[1], sas[0]) })
	ok := true
	for i, fd := range fds {
		if errs[i] != nil && !errors.Is(errs[i], unix.EINPROGRESS) {
			ok = false
			continue
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(pfd, 1500)
		if err != nil || n == 0 {
			ok = false
			continue
		}
		if e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || e != 0 {
			ok = false
		}
	}
	if !ok {
		cleanup()
		return nil, nil, nil
	}
	var conns [2]*net.TCPConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "simultaneous open")
		c, err := net.FileConn(f)
		f.Close()
		fds[i] = -1
		if err != nil {
			cleanup()
			if conns[0] != nil {
				conns[0].Close()
			}
			return nil, nil, err
		}
		conns[i] = c.(*net.TCPConn)
	}
	return conns[0], conns[1], nil
}

// openNoFollow opens path for writing, creating it, without following a
// symbolic link and without blocking on a FIFO.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0o644)
}
