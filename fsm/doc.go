// Package fsm is synfin's observer state machine: it follows, from the
// segments a passive observer sees, the RFC 9293 state of both endpoints of
// every TCP connection.
//
// The package is pure and deterministic: no I/O, no clock, no goroutines and
// no UI. Capture timestamps are its only clock (see Tracker.Advance), so a
// replay of the same capture always yields the same events. A Tracker is not
// safe for concurrent use; feed it from one goroutine.
//
// # Observer rules
//
// A passive observer sees segments, not sockets. Each segment moves the
// sender on transmission and the receiver on receipt (the observer sees
// both at once):
//
//	segment seen (A → B)               A                        B
//	SYN, A closed                      → SYN_SENT               assumed LISTEN
//	SYN+ACK acking A's ISN+1           → ESTABLISHED            → SYN_RECV (on send)
//	SYN while A is SYN_SENT            simultaneous open: both → SYN_RECV
//	ACK acking B's ISN+1 (B SYN_RECV)                           → ESTABLISHED
//	FIN from ESTABLISHED               → FIN_WAIT_1             → CLOSE_WAIT
//	ACK of B's FIN                     (B) FIN_WAIT_1 → FIN_WAIT_2,
//	                                   CLOSING → TIME_WAIT, LAST_ACK → CLOSED
//	FIN from CLOSE_WAIT                → LAST_ACK               FIN_WAIT_2 → TIME_WAIT,
//	                                                            FIN_WAIT_1 → CLOSING
//	                                                            (TIME_WAIT if it acks B's FIN)
//	RST (acceptable)                   → CLOSED                 → CLOSED; a passive SYN_RECV
//	                                                            returns to LISTEN; a LISTEN
//	                                                            ignores it
//	SYN answered by RST,ACK            nothing listened: CLOSED throughout (no ISN)
//	TIME_WAIT timer (2MSL)                                      → CLOSED
//
// # Observer v2: edges, confidence, hindsight
//
// Every transition is an Edge of RFC 9293's diagram (edges.go) or leaves
// Unknown; Tracker.set refuses anything else. Each carries a Confidence:
// Seen when the endpoint's own segment shows it, Inferred when it follows
// from a segment sent towards it (the capture point may be before a
// loss), Assumed for timers and what the packets cannot show. When a later
// packet shows an earlier belief wrong (a FIN sent again after its ACK, a
// FIN whose ACK does not cover the peer's FIN, a SYN+ACK sent again after
// the handshake ACK, a bare RST from an endpoint believed connected), the
// wrong transitions are withdrawn (Transition.WithdrawnBy), a Revision is
// recorded and a KindRevision event reported, then the corrected
// transitions follow; Conn.Path is the corrected path.
//
// The machine (machine.go) is organised per state: inSynSent,
// inEstablished, ... each say what an endpoint's own segment shows and
// what a segment towards it does.
//
// # Memory: frozen connections
//
// A connection costs about 2 KB while tracked (its Conn, transitions,
// notes, Zeek history). With Config.Freeze, a connection idle for
// Config.FreezeIdle segments is kept as a compact pointer-free record
// (about 200 bytes: varints, sequence numbers relative to the ISNs, times
// relative to the first packet's) and turned back into an identical Conn
// on its next segment, timer or Flush (freeze.go); timers name
// connections by slot, so freezing leaves their order, and the events,
// unchanged. The price is a contract: a *Conn not yet ended is good only
// until the next call, because the tracker may freeze it (and reuse the
// struct). report.Run turns it on, and so does the TUI's session, which
// keeps no *Conn between calls: it folds the events (History).
//
// # Events: the complete record
//
// Every change to a connection's public history is an event: a
// KindTransition carries its ordinal in Conn.Transitions, a
// KindConfidence names the ordinal whose confidence later evidence
// changed (Was, Confidence, Cause), a KindRevision the ordinals it
// withdraws (Revision.Withdrawn). History.Apply folds them into what the
// Conn says, so that no reader has to read or diff a *Conn between
// events (fsmtest.Histories checks it on every capture).
//
// Section numbers in comments refer to RFC 9293.
package fsm
