//go:build linux

package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Sockets dumps the TCP sockets (IPv4 and IPv6) of the calling thread's
// network namespace, in every state, request sockets and TIME_WAIT
// included.
func Sockets() ([]Socket, error) {
	var out []Socket
	for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
		s, err := dumpTCP(fam)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

const (
	sizeofReq     = 56 // struct inet_diag_req_v2
	sizeofDiagMsg = 72 // struct inet_diag_msg
	// maxDump bounds one dump (a host with millions of sockets).
	maxDump = 1 << 20
)

func dumpTCP(family uint8) ([]Socket, error) {
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
	var out []Socket
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
				if s, ok := parseDiagMsg(m.Data); ok && len(out) < maxDump {
					out = append(out, s)
				}
			}
		}
	}
}

// parseDiagMsg reads one struct inet_diag_msg (linux/inet_diag.h).
func parseDiagMsg(d []byte) (Socket, bool) {
	if len(d) < sizeofDiagMsg {
		return Socket{}, false
	}
	family, state := d[0], int(d[1])
	if state <= 0 || state >= len(diagStates) {
		return Socket{}, false
	}
	s := Socket{State: diagStates[state]}
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
	s.Local = netip.AddrPortFrom(src, sport)
	s.Remote = netip.AddrPortFrom(dst, dport)
	ne := binary.NativeEndian
	if state == 10 {
		s.AcceptQueue = int(ne.Uint32(d[56:]))
		s.Backlog = int(ne.Uint32(d[60:]))
	}
	s.Inode = ne.Uint32(d[68:])
	// A request socket (12) or a mini-socket (6, or a TIME_WAIT socket in
	// its FIN_WAIT_2 substate) has no inode.
	s.Mini = s.Inode == 0 && (state == 12 || state == 6 || state == 5)
	return s, true
}

// maxOwnerScan bounds the file descriptors read per process.
const maxOwnerScan = 1 << 16

// Owners returns, for each inode asked for, the processes whose file
// table holds that socket (/proc/PID/fd/* links "socket:[INODE]"), in
// PID order. Processes that cannot be read (another user's, without
// root) are skipped.
func Owners(inodes []uint32) map[uint32][]Owner {
	want := map[uint32]bool{}
	for _, i := range inodes {
		if i != 0 {
			want[i] = true
		}
	}
	out := map[uint32][]Owner{}
	if len(want) == 0 {
		return out
	}
	d, err := os.Open("/proc")
	if err != nil {
		return out
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/fd"
		fd, err := os.Open(dir)
		if err != nil {
			continue
		}
		fds, _ := fd.Readdirnames(maxOwnerScan)
		fd.Close()
		var o *Owner
		seen := map[uint32]bool{}
		for _, f := range fds {
			l, err := os.Readlink(dir + "/" + f)
			if err != nil {
				continue
			}
			v, ok := strings.CutPrefix(l, "socket:[")
			if !ok {
				continue
			}
			n, err := strconv.ParseUint(strings.TrimSuffix(v, "]"), 10, 32)
			if err != nil || !want[uint32(n)] || seen[uint32(n)] {
				continue
			}
			seen[uint32(n)] = true
			if o == nil {
				o = procOwner(pid)
			}
			out[uint32(n)] = append(out[uint32(n)], *o)
		}
	}
	return out
}

func procOwner(pid int) *Owner {
	o := &Owner{PID: pid}
	p := "/proc/" + strconv.Itoa(pid)
	if b, err := os.ReadFile(p + "/comm"); err == nil {
		o.Comm = strings.TrimSuffix(string(b), "\n")
	}
	// /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold ")".
	if b, err := os.ReadFile(p + "/stat"); err == nil {
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			if f := strings.Fields(s[i+1:]); len(f) >= 2 {
				o.PPID, _ = strconv.Atoi(f[1])
			}
		}
	}
	return o
}
