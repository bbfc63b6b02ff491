// Package kernel is the kernel's own account of TCP sockets, beside the
// packets: every state change with its time, the listeners' queues and
// the processes that hold each socket, as one timeline of Events.
//
// On Linux, with root (CAP_SYS_ADMIN over tracefs), a Watcher reads the
// tracepoint sock:inet_sock_set_state through a private ftrace instance
// (/sys/kernel/tracing/instances/synfin-PID-N, removed again by Close, by
// the end of the context given to Start, and by the test's Cleanup), with
// the filter "protocol == 6". It fires for every state change of a full
// socket, with addresses, ports and a timestamp; the instance's clock is
// CLOCK_MONOTONIC ("mono"), aligned to the wall clock of the packets by
// writing markers to the instance's trace_marker (the offset is measured
// at start: Watcher.Offset tells its uncertainty).
//
// The tracepoint does not fire for request sockets (a SYN_RECV in the SYN
// queue) nor for TIME_WAIT mini-sockets (entering TIME_WAIT shows as
// "→ CLOSE", and an orphaned FIN_WAIT_2 becomes a mini-socket the same
// way), so a sock_diag dump (NETLINK_INET_DIAG, like ss) runs beside it:
// after every "→ CLOSE" and periodically. It gives the listeners' queue
// lengths (for a LISTEN socket idiag_rqueue is the accept queue's length
// and idiag_wqueue the backlog), request sockets, the mini-sockets' states
// and their end (TIME_WAIT over, an orphan FIN_WAIT_2 freed after
// net.ipv4.tcp_fin_timeout). Owners come from the socket inodes under
// /proc/PID/fd.
//
// Why tracefs and not a BPF program (cilium/ebpf attaching to the same
// tracepoint): tracefs needs no new dependency (synfin's are gopacket,
// tview and tcell), no BPF verifier, no CONFIG_BPF_SYSCALL or BTF on the
// target kernel and no compiled object to ship; the text format of this
// tracepoint has been stable since Linux 4.16. Measured on kernel 6.18:
// the marker alignment is good to about 11 µs, and the tracepoint saw
// every state that 2 ms sock_diag polling missed (42 of 104 states). Its
// cost is that trace_pipe prints microseconds, not nanoseconds, and that
// the instance must be removed (a SIGKILLed synfin leaves it behind; it is
// named synfin-PID-N so that it can be recognised and removed by hand).
//
// Where the tracepoint cannot be used (not root, tracefs not mounted, not
// Linux) the Watcher falls back to sock_diag polling alone and Source
// says so once, with what polling misses (states shorter than the
// polling period). Off Linux there is no kernel source at all.
//
// The tracepoint sees every network namespace and every program: a
// Watcher keeps only the events its Match accepts (the connections of the
// capture), never other programs' sockets.
package kernel
