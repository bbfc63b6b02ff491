package demo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"
)

// KernelSockets dumps the TCP sockets (IPv4 and IPv6) of the current
// network namespace whose local or remote port is in ports (all when ports
// is empty). Every state is asked for, request sockets (SYN_RECV) and
// TIME_WAIT included.
func KernelSockets(ports ...uint16) ([]KernelSocket, error) {
	var out []KernelSocket
	for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
		socks, err := dumpTCP(fam)
		if err != nil {
			return nil, err
		}
		for _, s := range socks {
			if len(ports) == 0 || slices.Contains(ports, s.Local.Port()) || slices.Contains(ports, s.Remote.Port()) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

const (
	sizeofReq     = 56 // struct inet_diag_req_v2
	sizeofDiagMsg = 72 // struct inet_diag_msg
)

func dumpTCP(family uint8) ([]KernelSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_INET_DIAG)
	if err != nil {
		return nil, os.NewSyscallError("socket(NETLINK_INET_DIAG)", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, os.NewSyscallError("bind netlink", err)
	}
	req := make([]byte, unix.NLMSG_HDRLEN+sizeofReq)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1)
	b := req[unix.NLMSG_HDRLEN:]
	b[0] = family
	b[1] = unix.IPPROTO_TCP
	ne.PutUint32(b[4:], 0x1fff) // every state, TCP_NEW_SYN_RECV (12) included
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, os.NewSyscallError("sendto netlink", err)
	}
	var out []KernelSocket
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, os.NewSyscallError("recvfrom netlink", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return nil, fmt.Errorf("sock_diag: %w", err)
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if e := int32(ne.Uint32(m.Data)); e != 0 {
						return nil, os.NewSyscallError("sock_diag", unix.Errno(-e))
					}
				}
				return nil, errors.New("sock_diag: netlink error")
			case unix.SOCK_DIAG_BY_FAMILY:
				if k, ok := parseDiagMsg(m.Data); ok {
					out = append(out, k)
				}
			}
		}
	}
}

func parseDiagMsg(d []byte) (KernelSocket, bool) {
	if len(d) < sizeofDiagMsg {
		return KernelSocket{}, false
	}
	var k KernelSocket
	family, state := d[0], int(d[1])
	if state <= 0 || state >= len(kernelStates) {
		return KernelSocket{}, false
	}
	k.State = kernelStates[state]
	id := d[4:52]
	sport := binary.BigEndian.Uint16(id[0:])
	dport := binary.BigEndian.Uint16(id[2:])
	var src, dst netip.Addr
	if family == unix.AF_INET {
		src = netip.AddrFrom4([4]byte(id[4:8]))
		dst = netip.AddrFrom4([4]byte(id[20:24]))
	} else {
		src = netip.AddrFrom16([16]byte(id[4:20])).Unmap()
		dst = netip.AddrFrom16([16]byte(id[20:36])).Unmap()
	}
	k.Local = netip.AddrPortFrom(src, sport)
	k.Remote = netip.AddrPortFrom(dst, dport)
	k.Inode = binary.NativeEndian.Uint32(d[68:])
	return k, true
}
