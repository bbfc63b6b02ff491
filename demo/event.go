package demo

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/synfin/synfin/i18n"
)

// Kind says what happened to a demo peer. The values are stable keys: the
// UI translates them, scripts may match on them.
type Kind string

// Event kinds.
const (
	KindListening    Kind = "listening"     // the server listens (Text: model, backlog, SO_REUSEADDR)
	KindBindError    Kind = "bind-error"    // bind failed, e.g. "address already in use"
	KindStopped      Kind = "stopped"       // the server closed its listening socket
	KindAccepted     Kind = "accepted"      // accept returned a new socket for a client
	KindChildStarted Kind = "child-started" // process model: a child process serves the socket
	KindChildExited  Kind = "child-exited"  // process model: the child ended
	KindParentClosed Kind = "parent-closed" // process model: the parent closed its copy of the socket
	KindParentKept   Kind = "parent-kept"   // process model: the parent kept its copy (no FIN on the child's close)
	KindConnecting   Kind = "connecting"    // connect called: SYN sent
	KindConnected    Kind = "connected"     // connect returned: handshake done
	KindRefused      Kind = "refused"       // connect failed: RST answered the SYN
	KindSent         Kind = "sent"          // send wrote a line
	KindReceived     Kind = "received"      // recv returned data
	KindPeerClosed   Kind = "peer-closed"   // recv returned 0: the peer sent FIN
	KindReset        Kind = "reset"         // recv/send failed: the peer reset the connection
	KindClosed       Kind = "closed"        // close called: FIN sent (or RST if data was unread)
	KindHalfClosed   Kind = "half-closed"   // shutdown(SHUT_WR): FIN sent, still reading
	KindAborted      Kind = "aborted"       // close with SO_LINGER 0: RST sent
	KindError        Kind = "error"         // any other failure (Text says what)
	KindChildLimit   Kind = "child-limit"   // process model: MaxChildren children serve; accept waits for one to end
	KindNote         Kind = "note"          // the demo says something (Note and Args say what, in any language)
	KindReplyArmed   Kind = "reply-armed"   // the server will answer when recv returns 0 (ReplyOnEOF)
)

// ListenInfo is how a server listens: the model, backlog and
// SO_REUSEADDR of a KindListening or KindBindError event.
type ListenInfo struct {
	Model     Model
	Backlog   int
	ReuseAddr bool
}

// Event is one thing a demo peer did or saw.
type Event struct {
	Time time.Time
	Who  string // "server", "server child 1234", "client 1"...
	Kind Kind
	Conn int // the server's connection number (1-based), 0 when not about one
	// Local and Remote are the socket's addresses when known.
	Local, Remote netip.AddrPort
	Text          string // detail in English: payload, error message...
	// Listen is set on KindListening and KindBindError events.
	Listen *ListenInfo
	// Note, when set, is the i18n key of what the demo says (KindNote,
	// and KindError for the demo's own errors); Args fill it.
	Note i18n.Key
	Args i18n.Args
}

func (e Event) String() string {
	s := fmt.Sprintf("%s %s: %s", e.Time.Format("15:04:05.000000"), e.Who, e.Kind)
	if e.Conn > 0 {
		s += fmt.Sprintf(" #%d", e.Conn)
	}
	if e.Text != "" {
		s += " " + e.Text
	}
	return s
}

// Sink receives events. It is called from many goroutines, concurrently:
// it must be safe for that and return quickly.
type Sink func(Event)

func (s Sink) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if s != nil {
		s(e)
	}
}

// EventLog is a Sink that keeps every event and lets a caller wait for one.
// Its zero value is ready to use.
type EventLog struct {
	mu     sync.Mutex
	evs    []Event
	notify chan struct{}
	// Forward, when set before use, also receives every event.
	Forward Sink
}

// Sink returns the function that appends to the log.
func (l *EventLog) Sink() Sink {
	return func(e Event) {
		l.mu.Lock()
		l.evs = append(l.evs, e)
		if l.notify != nil {
			close(l.notify)
			l.notify = nil
		}
		l.mu.Unlock()
		if l.Forward != nil {
			l.Forward(e)
		}
	}
}

// Events returns a copy of the events so far.
func (l *EventLog) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.evs)
}

// Wait waits until an event matching match has been logged (at index from
// or later) and returns it with its index, or fails after timeout.
func (l *EventLog) Wait(from int, timeout time.Duration, match func(Event) bool) (Event, int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		for i := from; i < len(l.evs); i++ {
			if match(l.evs[i]) {
				e := l.evs[i]
				l.mu.Unlock()
				return e, i, nil
			}
		}
		from = len(l.evs)
		if l.notify == nil {
			l.notify = make(chan struct{})
		}
		ch := l.notify
		l.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return Event{}, -1, fmt.Errorf("no matching demo event after %v", timeout)
		}
	}
}

// Len returns the number of events logged.
func (l *EventLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.evs)
}

// Is returns a matcher for Wait: an event of kind k from who ("" = anyone).
func Is(who string, k Kind) func(Event) bool {
	return func(e Event) bool { return e.Kind == k && (who == "" || e.Who == who) }
}
