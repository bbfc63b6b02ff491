package demo

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// crossOpenByTimer makes a simultaneous open happen without racing two
// threads. Both first SYNs are swallowed in the kernel, silently:
//
//   - a listener on each port (SO_REUSEPORT) with a socket filter that
//     drops everything takes a SYN that arrives before the port's own
//     socket has called connect (otherwise the kernel would answer RST);
//   - each connecting socket has a filter that drops bare SYNs, so the
//     other side's SYN does not reach it while both are in SYN_SENT.
//
// Both connects are issued back to back on one thread, so both
// retransmission timers (1 s, TCP_TIMEOUT_INIT) land in the same bucket of
// the same CPU's timer wheel. The filters are then removed and the
// listeners closed. When the timers fire, both retransmitted SYNs are sent
// from the same timer softirq run, before loopback delivers either: each
// reaches a socket in SYN_SENT, and the SYNs cross (RFC 9293 §3.5, figure
// 7). The caller checks the captured packets for the crossing; nil
// connections mean the open failed.
func crossOpenByTimer(a, b netip.AddrPort) (*net.TCPConn, *net.TCPConn, error) {
	dropAll, err := bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: 0}})
	if err != nil {
		return nil, nil, err
	}
	// The filter sees the segment from its TCP header: byte 13 holds the
	// flags. Drop SYN without ACK, keep the rest.
	dropBareSyn, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 13, Size: 1},
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x12},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x02, SkipFalse: 1},
		bpf.RetConstant{Val: 0},
		bpf.RetConstant{Val: 0xffffffff},
	})
	if err != nil {
		return nil, nil, err
	}
	var fds []int
	cleanup := func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	open := func(ap netip.AddrPort, filter []bpf.RawInstruction) (int, unix.Sockaddr, error) {
		fd, sa, err := newSocket(ap)
		if err != nil {
			return -1, nil, err
		}
		fds = append(fds, fd)
		for _, opt := range []int{unix.SO_REUSEADDR, unix.SO_REUSEPORT} {
			if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, opt, 1); err != nil {
				return -1, nil, os.NewSyscallError("setsockopt", err)
			}
		}
		if err := attachFilter(fd, filter); err != nil {
			return -1, nil, err
		}
		if err := unix.Bind(fd, sa); err != nil {
			return -1, nil, fmt.Errorf("bind %v: %w", ap, os.NewSyscallError("bind", err))
		}
		return fd, sa, nil
	}
	var (
		sas   [2]unix.Sockaddr
		conns [2]int
		lns   [2]int
	)
	for i, ap := range []netip.AddrPort{a, b} {
		fd, _, err := open(ap, dropAll)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		if err := unix.Listen(fd, 1); err != nil {
			cleanup()
			return nil, nil, os.NewSyscallError("listen", err)
		}
		lns[i] = fd
		if conns[i], sas[i], err = open(ap, dropBareSyn); err != nil {
			cleanup()
			return nil, nil, err
		}
		if err := unix.SetNonblock(conns[i], true); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	runtime.LockOSThread()
	errA := unix.Connect(conns[0], sas[1])
	errB := unix.Connect(conns[1], sas[0])
	runtime.UnlockOSThread()
	for _, e := range []error{errA, errB} {
		if e != nil && !errors.Is(e, unix.EINPROGRESS) {
			cleanup()
			return nil, nil, os.NewSyscallError("connect", e)
		}
	}
	for i := range 2 {
		_ = unix.SetsockoptInt(conns[i], unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0)
		unix.Close(lns[i])
	}
	fds = conns[:]
	deadline := time.Now().Add(3 * time.Second)
	for _, fd := range conns {
		ms := int(time.Until(deadline) / time.Millisecond)
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		if n, err := unix.Poll(pfd, max(ms, 1)); err != nil || n == 0 {
			cleanup()
			return nil, nil, nil
		}
		if e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || e != 0 {
			cleanup()
			return nil, nil, nil
		}
	}
	var out [2]*net.TCPConn
	for i, fd := range conns {
		f := os.NewFile(uintptr(fd), "simultaneous open")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			for _, fd2 := range conns[i+1:] {
				unix.Close(fd2)
			}
			if out[0] != nil {
				out[0].Close()
			}
			return nil, nil, err
		}
		out[i] = c.(*net.TCPConn)
	}
	return out[0], out[1], nil
}

func attachFilter(fd int, prog []bpf.RawInstruction) error {
	if len(prog) == 0 {
		return nil
	}
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp); err != nil {
		return os.NewSyscallError("setsockopt SO_ATTACH_FILTER", err)
	}
	return nil
}

// crossShutdown makes the FINs of a and b cross, the same way: both
// sockets get a filter that drops segments carrying FIN, both shut down
// writing back to back on one thread (each FIN is sent, seen on the
// wire, and dropped by the other socket's filter), then the filters go.
// The FINs, retransmitted together by their timers, reach sockets that
// are both in FIN_WAIT_1: each goes through CLOSING to TIME_WAIT
// (RFC 9293 §3.6, figure 13).
func crossShutdown(a, b *net.TCPConn, shutA, shutB func() error) error {
	dropFin, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 13, Size: 1},
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x01},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x01, SkipFalse: 1},
		bpf.RetConstant{Val: 0},
		bpf.RetConstant{Val: 0xffffffff},
	})
	if err != nil {
		return err
	}
	withFd := func(c *net.TCPConn, f func(fd int) error) error {
		rc, err := c.SyscallConn()
		if err != nil {
			return err
		}
		var ferr error
		if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
			return err
		}
		return ferr
	}
	detach := func(fd int) error {
		return os.NewSyscallError("setsockopt SO_DETACH_FILTER", unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0))
	}
	for _, c := range []*net.TCPConn{a, b} {
		if err := withFd(c, func(fd int) error { return attachFilter(fd, dropFin) }); err != nil {
			return err
		}
	}
	runtime.LockOSThread()
	errA := shutA()
	errB := shutB()
	runtime.UnlockOSThread()
	errs := []error{errA, errB}
	for _, c := range []*net.TCPConn{a, b} {
		errs = append(errs, withFd(c, detach))
	}
	return errors.Join(errs...)
}
