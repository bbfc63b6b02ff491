package demo

import (
	"fmt"
	"net/netip"

	"github.com/synfin/synfin/fsm"
)

// KernelSocket is one TCP socket as the kernel reports it through
// sock_diag (NETLINK_INET_DIAG), like `ss -tan`.
type KernelSocket struct {
	Local, Remote netip.AddrPort
	State         fsm.State // the kernel's state in RFC spelling
	Inode         uint32    // 0 for TIME_WAIT and SYN_RECV request sockets (no file)
}

func (k KernelSocket) String() string {
	return fmt.Sprintf("%v %v %v", k.State, k.Local, k.Remote)
}

// kernelStates maps the kernel's TCP states (include/net/tcp_states.h)
// to fsm's. TCP_NEW_SYN_RECV (a request socket) is SYN_RECV.
var kernelStates = [...]fsm.State{
	1:  fsm.Established,
	2:  fsm.SynSent,
	3:  fsm.SynRecv,
	4:  fsm.FinWait1,
	5:  fsm.FinWait2,
	6:  fsm.TimeWait,
	7:  fsm.Closed,
	8:  fsm.CloseWait,
	9:  fsm.LastAck,
	10: fsm.Listen,
	11: fsm.Closing,
	12: fsm.SynRecv, // TCP_NEW_SYN_RECV
}
