package kernel

import (
	"fmt"
	"net/netip"

	"github.com/synfin/synfin/fsm"
)

// Socket is one TCP socket as a sock_diag dump reports it (like ss -tan).
type Socket struct {
	Local, Remote netip.AddrPort
	State         fsm.State
	// For a LISTEN socket: the accept queue's length (idiag_rqueue) and
	// the backlog given to listen() (idiag_wqueue). Linux admits
	// backlog+1 connections to the accept queue before it drops the
	// handshake's ACK (or answers RST with tcp_abort_on_overflow=1).
	AcceptQueue, Backlog int
	Inode                uint32 // 0 for request sockets and mini-sockets (no file)
	// Mini is true for a socket with no file and no process: a request
	// socket (SYN_RECV in the SYN queue) or a TIME_WAIT mini-socket (also
	// an orphaned FIN_WAIT_2 after close(), which sock_diag reports in
	// its substate FIN_WAIT_2).
	Mini bool
}

func (s Socket) String() string {
	return fmt.Sprintf("%v %v %v", s.State, s.Local, s.Remote)
}

// Owner is one process that holds a socket in its file table.
type Owner struct {
	PID, PPID int
	Comm      string // /proc/PID/comm, as the kernel has it (escape before showing)
}
