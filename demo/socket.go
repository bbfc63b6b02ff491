package demo

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// isRefused reports a connection refused by an RST.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// isReset reports a connection reset by the peer.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// setKeepAlive sets SO_KEEPALIVE (Go turns it on for every accepted,
// dialled or file socket), with Go's timing when on: a probe after 15 s
// idle, then every 15 s.
func setKeepAlive(c *net.TCPConn, on bool) {
	if !on {
		_ = c.SetKeepAlive(false)
		return
	}
	_ = c.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 15 * time.Second, Count: 9})
}
