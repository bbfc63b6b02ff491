// Package demo is synfin's built-in TCP server and client, the scenarios
// that drive them unattended, and the kernel's own view of their sockets
// (sock_diag) to compare with what the fsm inferred from the packets.
//
// The peers are real sockets on loopback. Every action (connect, send,
// close, half-close, abort, stop listening, restart...) is a method call;
// what happens is reported as an Event to a Sink. The Kind of an Event is a
// stable key the UI translates.
//
// Scenarios (Scenarios, Lookup, Record) are named, unattended sequences of
// those actions with a fixed packet sequence: even the crossing SYNs of a
// simultaneous open and the crossing FINs of a simultaneous close are made
// deterministic, by swallowing the first SYNs or FINs with socket filters
// and letting both retransmission timers fire in one run. At quiet moments
// a scenario takes a Checkpoint: the kernel's view of its sockets, read
// through sock_diag (KernelSockets). Compare replays the captured segments
// through an fsm.Tracker and checks, endpoint by endpoint, that the states
// it inferred are the kernel's.
//
// Raw sockets (a listen backlog of one's choice, a listener without
// SO_REUSEADDR, fixed client ports, socket filters) and sock_diag are
// Linux's; elsewhere those functions fail with a one-line reason.
//
// # Goroutines
//
// A Server runs one accept goroutine, plus one reader goroutine per
// connection (goroutine and process models; the process model's reader
// forwards the child's events) or serves one connection at a time on the
// accept goroutine (iterative model). A Client with AutoRead runs one
// reader goroutine. Server and Client methods are safe for concurrent use.
// Sinks are called from any of these goroutines, possibly at the same
// time: a Sink must be safe for concurrent use and must not block for
// long (EventLog is such a Sink). Close on a Server or Client stops its
// goroutines and waits for them; nothing is left running after it.
//
// The process model re-executes the current binary as a child that
// serves one accepted socket. Every program that starts a process-model
// Server must call MaybeRunChild first thing in main (and in TestMain).
//
// A Controller runs each action on a goroutine of its own, one action at
// a time in the order asked, so its methods return at once; Close cancels
// pending actions and waits for them.
//
// Live is the interactive demo the TUI drives: a Controller whose server
// can be switched and restarted, the keys' actions (Do), the server log
// in the UI's language (Log), and the kernel's view of its sockets. One
// watcher goroutine reads that view through sock_diag when a packet
// (Packet) or a demo event pokes it, and once a second for timers; the
// UI's calls only read memory, so they are safe on the draw path. The
// reads are kept, so KernelAt answers for a past step. Close stops both.
//
// Scenarios run on the calling goroutine and start peers as above; Record
// adds one goroutine that pumps the live capture into a buffer the
// scenario reads (to wait for quiet, to see whether packets crossed), and
// replays it through a tracker at the end, on the calling goroutine.
package demo

// Re-record the scenarios from the kernel first (record.sh), then merge
// the lesson from them (lesson.go): go generate runs doc.go first.
//go:generate sh ../testdata/scenarios/record.sh
