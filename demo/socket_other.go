//go:build !linux

package demo

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
)

var errNeedsLinux = errors.New("the demo's raw sockets (listen backlog, SO_REUSEADDR off, fixed client ports) need Linux")

// Listen needs Linux (see the Linux version).
func Listen(addr netip.AddrPort, backlog int, reuseAddr bool) (*net.TCPListener, error) {
	return nil, errNeedsLinux
}

func dialFrom(laddr, raddr netip.AddrPort) (*net.TCPConn, error) { return nil, errNeedsLinux }

func crossConnect(a, b netip.AddrPort) (*net.TCPConn, *net.TCPConn, error) {
	return nil, nil, errNeedsLinux
}

func crossOpenByTimer(a, b netip.AddrPort) (*net.TCPConn, *net.TCPConn, error) {
	return nil, nil, errNeedsLinux
}

func crossShutdown(a, b *net.TCPConn, shutA, shutB func() error) error { return errNeedsLinux }

func unread(c *net.TCPConn) int { return 0 }

func bindAnyPort(raddr netip.AddrPort, local *netip.AddrPort) func(string, string, syscall.RawConn) error {
	return nil
}

func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
}
