package lab

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/synfin/synfin/fsm"
)

// The server's port, and a port nothing listens on. Each recording has
// fresh namespaces of its own, so fixed ports cannot collide.
const (
	labPort    = 8000
	closedPort = 8001
	pawsPort   = 40000 // the client port the paws scenario uses twice
)

// Scenario is one impaired-link recording: relay rules and the traffic.
type Scenario struct {
	Name, Doc     string
	Rules         []Rule
	Lossy         *Lossy
	ClientSysctls []string // net.* settings of the client host
	Run           func(e *Env) error
}

// exchange: the client says hello, the server answers.
func exchange(cl, sv *net.TCPConn) error {
	return both(func() error {
		if err := say(cl, "hello\n"); err != nil {
			return err
		}
		return hear(cl, "world\n")
	}, func() error {
		if err := hear(sv, "hello\n"); err != nil {
			return err
		}
		return say(sv, "world\n")
	})
}

// clientCloses: the client closes first; the server reads the end of the
// stream and closes after wait (0: at once, so its FIN can carry the ACK
// of the client's: a 3-segment close).
func clientCloses(cl, sv *net.TCPConn, wait time.Duration) error {
	return both(func() error {
		return cl.Close()
	}, func() error {
		defer sv.Close()
		if err := eof(sv); err != nil {
			return err
		}
		time.Sleep(wait)
		return sv.Close()
	})
}

// afterExchange is the common opening: one connection to the lab
// server, hello/world, then the rest of the scenario.
func afterExchange(then func(cl, sv *net.TCPConn) error) func(e *Env) error {
	return func(e *Env) error {
		ln, err := e.Listen(labPort)
		if err != nil {
			return err
		}
		defer ln.Close()
		cl, sv, err := e.pair(ln, 0)
		if err != nil {
			return err
		}
		if err := exchange(cl, sv); err != nil {
			return err
		}
		return then(cl, sv)
	}
}

// openExchangeClose is the common shape: one connection, hello/world,
// the client closes, the server closes after wait.
func openExchangeClose(wait time.Duration) func(e *Env) error {
	return afterExchange(func(cl, sv *net.TCPConn) error {
		return clientCloses(cl, sv, wait)
	})
}

var (
	fromClient = func(f fsm.Flags, not fsm.Flags) What { return What{Dir: ToServer, Flags: f, Not: not} }
	fromServer = func(f fsm.Flags, not fsm.Flags) What { return What{Dir: ToClient, Flags: f, Not: not} }
)

// Scenarios lists the recordings, in the order they are made.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "close-4", Doc: "open, hello/world, the client closes, the server closes 100 ms later: a 4-segment close",
			Run: openExchangeClose(100 * time.Millisecond)},
		{Name: "close-3", Doc: "the server closes as soon as it reads the end of the stream: its FIN carries the ACK of the client's FIN (3-segment close)",
			Run: openExchangeClose(0)},
		{Name: "simultaneous-close", Doc: "both close at once; the relay holds every FIN 30 ms, so each side's FIN leaves before the other's arrives (RFC 9293 Figure 13)",
			Rules: []Rule{
				{What: fromClient(fsm.FIN, 0), Action: Delay, Delay: 30 * time.Millisecond},
				{What: fromServer(fsm.FIN, 0), Action: Delay, Delay: 30 * time.Millisecond},
			},
			Run: afterExchange(func(cl, sv *net.TCPConn) error {
				return both(cl.Close, sv.Close)
			})},
		{Name: "lost-fin", Doc: "the client's first FIN is lost: the client retransmits it; the server closes 100 ms after reading it",
			Rules: []Rule{{What: fromClient(fsm.FIN, 0), Nth: 1, Action: Drop}},
			Run:   openExchangeClose(100 * time.Millisecond)},
		{Name: "lost-fin-ack", Doc: "the client's ACK of the server's FIN is lost: the server retransmits its FIN into the client's TIME_WAIT",
			Rules: []Rule{{What: What{Dir: ToServer, Flags: fsm.ACK, Not: fsm.FIN | fsm.SYN | fsm.RST, NoData: true, AcksFIN: true}, Nth: 1, Action: Drop}},
			Run:   openExchangeClose(100 * time.Millisecond)},
		{Name: "lost-server-fin", Doc: "the server's first FIN is lost: the client sits in FIN_WAIT_2 until the retransmission",
			Rules: []Rule{{What: fromServer(fsm.FIN, 0), Nth: 1, Action: Drop}},
			Run:   openExchangeClose(100 * time.Millisecond)},
		{Name: "lost-synack", Doc: "the first SYN-ACK is lost: the client retransmits its SYN, the server its SYN-ACK",
			Rules: []Rule{{What: fromServer(fsm.SYN|fsm.ACK, 0), Nth: 1, Action: Drop}},
			Run:   openExchangeClose(100 * time.Millisecond)},
		{Name: "lost-handshake-ack", Doc: "the client's handshake ACK is lost and it stays silent 1.5 s: the server retransmits its SYN-ACK from SYN_RECV",
			Rules: []Rule{{What: What{Dir: ToServer, Flags: fsm.ACK, Not: fsm.SYN | fsm.FIN | fsm.RST, NoData: true}, Nth: 1, Action: Drop}},
			Run: func(e *Env) error {
				ln, err := e.Listen(labPort)
				if err != nil {
					return err
				}
				defer ln.Close()
				// The accept completes only when the server's SYN_RECV
				// ends, so dial and wait before accepting.
				cl, err := e.Dial(labPort, 0)
				if err != nil {
					return err
				}
				time.Sleep(1500 * time.Millisecond)
				if err := say(cl, "hello\n"); err != nil {
					return err
				}
				sv, err := accept(ln)
				if err != nil {
					return err
				}
				if err := both(func() error { return hear(cl, "world\n") }, func() error {
					if err := hear(sv, "hello\n"); err != nil {
						return err
					}
					return say(sv, "world\n")
				}); err != nil {
					return err
				}
				return clientCloses(cl, sv, 100*time.Millisecond)
			}},
		{Name: "dup-handshake", Doc: "the network duplicates the SYN, the SYN-ACK and the handshake ACK (copies with the same TSval)",
			Rules: []Rule{
				{What: fromClient(fsm.SYN, fsm.ACK), Action: Duplicate},
				{What: fromServer(fsm.SYN|fsm.ACK, 0), Action: Duplicate},
				{What: What{Dir: ToServer, Flags: fsm.ACK, Not: fsm.SYN | fsm.FIN | fsm.RST, NoData: true}, Nth: 1, Action: Duplicate},
			},
			Run: openExchangeClose(100 * time.Millisecond)},
		{Name: "dup-close", Doc: "the network duplicates every FIN and every ACK of a FIN",
			Rules: []Rule{
				{What: fromClient(fsm.FIN, 0), Action: Duplicate},
				{What: fromServer(fsm.FIN, 0), Action: Duplicate},
				{What: What{Dir: ToServer, Flags: fsm.ACK, Not: fsm.FIN, AcksFIN: true}, Action: Duplicate},
				{What: What{Dir: ToClient, Flags: fsm.ACK, Not: fsm.FIN, AcksFIN: true}, Action: Duplicate},
			},
			Run: openExchangeClose(100 * time.Millisecond)},
		{Name: "fin-overtakes-data", Doc: "the client sends data and closes at once; the relay holds the data 30 ms, so the FIN arrives first",
			Rules: []Rule{{What: What{Dir: ToServer, Data: true}, Nth: 2, Action: Delay, Delay: 30 * time.Millisecond}},
			Run: afterExchange(func(cl, sv *net.TCPConn) error {
				if err := say(cl, "bye\n"); err != nil {
					return err
				}
				return clientCloses(cl, sv, 100*time.Millisecond)
			})},
		{Name: "rst-abort", Doc: "the client aborts (SO_LINGER 0): RST instead of FIN",
			Run: func(e *Env) error {
				ln, err := e.Listen(labPort)
				if err != nil {
					return err
				}
				defer ln.Close()
				cl, sv, err := e.pair(ln, 0)
				if err != nil {
					return err
				}
				defer sv.Close()
				if err := exchange(cl, sv); err != nil {
					return err
				}
				if err := cl.SetLinger(0); err != nil {
					return err
				}
				if err := cl.Close(); err != nil {
					return err
				}
				err = eof(sv)
				e.Note("server read after the RST: %v", err)
				return sv.Close()
			}},
		{Name: "refused", Doc: "the client connects to a port nothing listens on: RST,ACK",
			Run: func(e *Env) error {
				c, err := e.Dial(closedPort, 0)
				if err == nil {
					c.Close()
					return errors.New("connect to a closed port succeeded")
				}
				e.Note("connect: %v", err)
				return nil
			}},
		{Name: "half-close", Doc: "the client shuts down its sending side; the server sends three more lines 20 ms apart, then closes",
			Run: afterExchange(func(cl, sv *net.TCPConn) error {
				return both(func() error {
					defer cl.Close()
					if err := cl.CloseWrite(); err != nil {
						return err
					}
					if err := eof(cl); err != nil {
						return err
					}
					return cl.Close()
				}, func() error {
					defer sv.Close()
					if err := eof(sv); err != nil {
						return err
					}
					for i := range 3 {
						time.Sleep(20 * time.Millisecond)
						if err := say(sv, fmt.Sprintf("more %d\n", i)); err != nil {
							return err
						}
					}
					return sv.Close()
				})
			})},
		{Name: "paws", Doc: "the server closes first (TIME_WAIT); the client reuses its port at once and the relay sets the new SYN's TSval 100000 ticks back: PAWS rejects it, TIME_WAIT answers with an ACK, the client's RST ends the TIME_WAIT and its SYN, retransmitted soon after, opens the connection (RFC 9293 Figure 8)",
			Rules: []Rule{{What: fromClient(fsm.SYN, fsm.ACK), Nth: 2, Action: OldTSval, TSBack: 100000}},
			Run: func(e *Env) error {
				ln, err := e.Listen(labPort)
				if err != nil {
					return err
				}
				defer ln.Close()
				for round := range 2 {
					cl, sv, err := e.pair(ln, pawsPort)
					if err != nil {
						return fmt.Errorf("connection %d: %w", round+1, err)
					}
					if err := exchange(cl, sv); err != nil {
						return err
					}
					// The server closes first: its side keeps TIME_WAIT.
					local := cl.LocalAddr().(*net.TCPAddr).AddrPort()
					remote := cl.RemoteAddr().(*net.TCPAddr).AddrPort()
					if err := both(func() error {
						defer cl.Close()
						if err := eof(cl); err != nil {
							return err
						}
						return cl.Close()
					}, sv.Close); err != nil {
						return err
					}
					// The client's LAST_ACK must end before the port
					// can connect to the same server again.
					if err := e.waitClientGone(local, remote); err != nil {
						return err
					}
				}
				return nil
			}},
		{Name: "orphan-fin-wait-2", Doc: "the client closes; the server acks but closes only 8 s later; tcp_fin_timeout is 1 s on the client, whose orphaned FIN_WAIT_2 ends silently (Linux waits at least 3.5 RTO, tcp_fin_time): the server's late FIN meets no socket and gets an RST",
			ClientSysctls: []string{"net.ipv4.tcp_fin_timeout=1"},
			Run:           openExchangeClose(8 * time.Second)},
		{Name: "syn-ack-to-nobody", Doc: "the relay holds the SYN-ACK 300 ms; the client gives up after 100 ms and closes its socket: the late SYN-ACK meets no socket and the client host answers with a bare RST; the server's SYN_RECV ends, its listener stays (RFC 9293 §3.10.7.3: back to LISTEN)",
			Rules: []Rule{{What: fromServer(fsm.SYN|fsm.ACK, 0), Nth: 1, Action: Delay, Delay: 300 * time.Millisecond}},
			Run: func(e *Env) error {
				ln, err := e.Listen(labPort)
				if err != nil {
					return err
				}
				defer ln.Close()
				c, err := e.DialTimeout(labPort, 100*time.Millisecond)
				if err == nil {
					c.Close()
					return errors.New("the connection opened: the SYN-ACK was not held")
				}
				e.Note("connect: %v", err)
				time.Sleep(time.Second) // the RST, and the server's SYN-ACK retransmission if any
				return nil
			}},
		{Name: "ack-to-nobody", Doc: "the relay holds the client's handshake ACK 300 ms; the server closes its listener meanwhile, dropping the half-open connection: the ACK meets no socket and gets a bare RST, which ends the client's ESTABLISHED",
			Rules: []Rule{{What: What{Dir: ToServer, Flags: fsm.ACK, Not: fsm.SYN | fsm.FIN | fsm.RST, NoData: true}, Nth: 1, Action: Delay, Delay: 300 * time.Millisecond}},
			Run: func(e *Env) error {
				ln, err := e.Listen(labPort)
				if err != nil {
					return err
				}
				cl, err := e.Dial(labPort, 0)
				if err != nil {
					ln.Close()
					return err
				}
				defer cl.Close()
				if err := ln.Close(); err != nil {
					return err
				}
				err = eof(cl)
				e.Note("client read after the listener closed: %v", err)
				return nil
			}},
		{Name: "syn-on-established", Doc: "the relay sends the client's SYN again 1.5 s later with an ISN 1000000 higher, as a rebooted client would, while the connection is established: Linux answers with a challenge ACK (RFC 5961 §4) and keeps the connection",
			Rules: []Rule{{What: fromClient(fsm.SYN, fsm.ACK), Nth: 1, Action: Replay, Delay: 1500 * time.Millisecond, SeqShift: 1000000}},
			Run: afterExchange(func(cl, sv *net.TCPConn) error {
				time.Sleep(2 * time.Second) // the replayed SYN arrives meanwhile
				if err := exchange(cl, sv); err != nil {
					return err
				}
				return clientCloses(cl, sv, 100*time.Millisecond)
			})},
		{Name: "lossy-1", Doc: "random impairment (seed 1): 10% drop, 5% duplicate, 10% delay up to 20 ms, on three connections one after another",
			Lossy: &Lossy{Seed: 1, Drop: 0.10, Dup: 0.05, Delay: 0.10, MaxDelay: 20 * time.Millisecond},
			Run:   repeat(3)},
		{Name: "lossy-2", Doc: "random impairment (seed 2): 10% drop, 5% duplicate, 10% delay up to 20 ms, on three connections one after another",
			Lossy: &Lossy{Seed: 2, Drop: 0.10, Dup: 0.05, Delay: 0.10, MaxDelay: 20 * time.Millisecond},
			Run:   repeat(3)},
	}
}

// repeat makes n connections one after another, alternating 4- and
// 3-segment closes.
func repeat(n int) func(e *Env) error {
	return func(e *Env) error {
		ln, err := e.Listen(labPort)
		if err != nil {
			return err
		}
		defer ln.Close()
		for i := range n {
			cl, sv, err := e.pair(ln, 0)
			if err != nil {
				return fmt.Errorf("connection %d: %w", i+1, err)
			}
			if err := exchange(cl, sv); err != nil {
				return err
			}
			wait := 100 * time.Millisecond
			if i%2 == 1 {
				wait = 0
			}
			if err := clientCloses(cl, sv, wait); err != nil {
				return err
			}
		}
		return nil
	}
}
