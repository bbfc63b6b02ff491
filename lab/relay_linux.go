package lab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Relay bridges two interfaces of its namespace through packet sockets,
// copying every frame from one to the other, and impairs TCP segments by
// rule. It stands for the link (and its routers) between two hosts.
type Relay struct {
	fds [2]int // [ToServer] reads the client side, [ToClient] the server side
	// The link's own latency, each way: every frame is held this long,
	// in order (a FIFO per direction), so that states lasting one round
	// trip (SYN_RECV, FIN_WAIT_1, LAST_ACK) last long enough for the
	// sock_diag polls to see them. Rule delays come on top, out of order.
	latency time.Duration
	queue   [2]chan queued
	mu      sync.Mutex
	rules   *rules
	log     []RelayEvent
	stop    atomic.Bool
	wg      sync.WaitGroup
	errMu   sync.Mutex
	err     error
}

const ethPAll = 0x0003 // ETH_P_ALL

func htons(v uint16) uint16 { return v<<8 | v>>8 }

type queued struct {
	at time.Time
	b  []byte
}

// StartRelay opens the packet sockets in ns (on clientSide and serverSide)
// and starts relaying, each frame held latency (one way).
func StartRelay(ns *NS, clientSide, serverSide string, latency time.Duration, list []Rule, lossy *Lossy) (*Relay, error) {
	r := &Relay{fds: [2]int{-1, -1}, rules: newRules(list, lossy), latency: latency}
	err := ns.Do(func() error {
		for i, name := range []string{clientSide, serverSide} {
			ifc, err := net.InterfaceByName(name)
			if err != nil {
				return err
			}
			fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(ethPAll)))
			if err != nil {
				return fmt.Errorf("relay: packet socket: %w", err)
			}
			r.fds[i] = fd
			if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(ethPAll), Ifindex: ifc.Index}); err != nil {
				return fmt.Errorf("relay: bind to %s: %w", name, err)
			}
			// Frames this socket sends come back to it as outgoing: not
			// wanted (the relay would loop).
			if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1); err != nil {
				return fmt.Errorf("relay: PACKET_IGNORE_OUTGOING: %w", err)
			}
			tv := unix.NsecToTimeval((50 * time.Millisecond).Nanoseconds())
			if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
				return fmt.Errorf("relay: SO_RCVTIMEO: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		r.closeFDs()
		return nil, err
	}
	for d := range 2 {
		r.queue[d] = make(chan queued, 4096)
		r.wg.Add(2)
		go r.pump(Dir(d))
		go r.line(Dir(d))
	}
	return r, nil
}

// line sends direction d's frames in order, each at its time.
func (r *Relay) line(d Dir) {
	defer r.wg.Done()
	out := r.fds[1-d]
	for q := range r.queue[d] {
		time.Sleep(time.Until(q.at))
		r.send(out, q.b)
	}
}

// pump copies frames arriving on direction d's input to the other side.
func (r *Relay) pump(d Dir) {
	defer r.wg.Done()
	defer close(r.queue[d])
	in := r.fds[d]
	buf := make([]byte, 1<<16)
	for !r.stop.Load() {
		n, from, err := unix.Recvfrom(in, buf, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			r.fail(fmt.Errorf("relay %v: read: %w", d, err))
			return
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		b := append([]byte(nil), buf[:n]...)
		f, isTCP := parseFrame(b)
		now := time.Now()
		if !isTCP {
			r.queue[d] <- queued{now.Add(r.latency), b}
			continue
		}
		r.mu.Lock()
		dec := r.rules.decide(d, &f)
		r.mu.Unlock()
		if dec.tsBack != 0 {
			if v, ok := f.tsval(); ok {
				f.setTSval(v - dec.tsBack)
			}
		}
		f.fixChecksum()
		if len(dec.why) > 0 {
			act := ""
			switch {
			case dec.drop:
				act = "drop"
			case dec.copies == 2:
				act = "duplicate"
			case dec.delay > 0:
				act = fmt.Sprintf("delay %v", dec.delay)
			case dec.tsBack != 0:
				act = fmt.Sprintf("TSval -%d", dec.tsBack)
			case len(dec.replay) > 0:
				act = "replay"
			}
			r.mu.Lock()
			r.log = append(r.log, RelayEvent{Time: now, Dir: d.String(), Seg: f.String(), Action: act, Rules: dec.why})
			r.mu.Unlock()
		}
		for _, rp := range dec.replay {
			c := append([]byte(nil), b...)
			g, _ := parseFrame(c)
			binary.BigEndian.PutUint32(c[g.tcp+4:], g.seq+rp.SeqShift)
			g.fixChecksum()
			r.wg.Add(1)
			out := r.fds[1-d]
			time.AfterFunc(r.latency+rp.Delay, func() {
				defer r.wg.Done()
				r.send(out, c)
			})
		}
		if dec.drop {
			continue
		}
		if dec.delay > 0 {
			// Out of the line: later frames overtake it.
			r.wg.Add(1)
			out := r.fds[1-d]
			time.AfterFunc(r.latency+dec.delay, func() {
				defer r.wg.Done()
				for range dec.copies {
					r.send(out, b)
				}
			})
			continue
		}
		for range dec.copies {
			r.queue[d] <- queued{now.Add(r.latency), b}
		}
	}
}

func (r *Relay) send(fd int, b []byte) {
	if _, err := unix.Write(fd, b); err != nil {
		r.fail(fmt.Errorf("relay: write: %w", err))
	}
}

func (r *Relay) fail(err error) {
	r.errMu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.errMu.Unlock()
}

// Stop ends the relay (waiting for delayed frames) and returns what it
// did and its first error.
func (r *Relay) Stop() ([]RelayEvent, error) {
	r.stop.Store(true)
	r.wg.Wait()
	r.closeFDs()
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.log, r.err
}

func (r *Relay) closeFDs() {
	for i, fd := range r.fds {
		if fd >= 0 {
			unix.Close(fd)
			r.fds[i] = -1
		}
	}
}
