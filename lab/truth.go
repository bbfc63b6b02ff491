package lab

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Truth is what the kernel said during one recording: every TCP socket on
// the lab's ports in both hosts, polled through sock_diag every few
// milliseconds, with each distinct state it was seen in, in order. It is
// stored as <scenario>.truth.json next to the scenario's captures.
type Truth struct {
	Scenario    string   `json:"scenario"`
	Description string   `json:"description"`
	Client      string   `json:"client"` // the client host's address
	Server      string   `json:"server"`
	Rules       []string `json:"rules"` // the relay's rules, in words
	// The relay's one-way delay for every frame (rule delays add to it).
	LinkLatency time.Duration `json:"link_latency_ns"`
	// The longest a segment took between the client's and the server's
	// capture (MaxOneWay): latency plus the relay's lag on a busy
	// machine, which reached half a second with 8 builds running.
	MaxOneWay time.Duration `json:"max_one_way_ns"`
	Start     time.Time     `json:"start"` // polling began (before the first packet)
	End       time.Time     `json:"end"`   // polling and capture stopped
	// Polls per host, and the longest gap between two polls of one host:
	// a state that lasted less than that may have been missed.
	Polls  map[string]int           `json:"polls"`
	MaxGap map[string]time.Duration `json:"max_gap_ns"`
	// Sockets, in order of first sight.
	Sockets []SocketTruth `json:"sockets"`
	// What the relay did to segments (only the impaired ones).
	Relay []RelayEvent `json:"relay"`
	// Notes of the recorder (what the traffic did, errors the peers saw).
	Notes []string `json:"notes,omitempty"`
}

// SocketTruth is one socket (host, local and remote address) as the
// kernel's polls showed it. A LISTEN socket has an unspecified remote.
type SocketTruth struct {
	Host   string         `json:"host"` // "client" or "server"
	Local  netip.AddrPort `json:"local"`
	Remote netip.AddrPort `json:"remote"`
	// States in order. Gone marks a poll that no longer found the
	// socket (State is then "CLOSED"): the path goes on if the 4-tuple
	// comes back (a new connection, or a request socket replaced by its
	// child).
	States []StateSeen `json:"states"`
}

// StateSeen is one state a socket was seen in, by Polls consecutive
// polls. A poll reads the kernel at some instant between its start and
// its end: First is when the first of these polls ended, LastStart when
// the last one began and Last when it ended, so the socket was surely in
// this state from First to LastStart (if it did not leave and come back
// between two polls), and possibly from the previous run's Last to Last.
type StateSeen struct {
	State     string    `json:"state"`
	First     time.Time `json:"first"`
	LastStart time.Time `json:"last_start"`
	Last      time.Time `json:"last"`
	Polls     int       `json:"polls"`
	Gone      bool      `json:"gone,omitempty"`
}

// sure returns the interval the state surely held (see StateSeen).
func (s StateSeen) sure() (from, to time.Time) {
	to = s.LastStart
	if to.IsZero() {
		to = s.Last
	}
	return s.First, to
}

// LoadTruth reads a truth file.
func LoadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &t, nil
}

// Save writes the truth file (indented, so a diff reads well).
func (t *Truth) Save(path string) error {
	b, err := json.MarshalIndent(t, "", "\t")
	if err != nil {
		return err
	}
	if err := writable(path); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writable refuses to replace anything but a regular file: the recorder
// runs as root and must not follow a symbolic link or truncate a device.
func writable(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil // absent: it will be created
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s exists and is not a regular file (%v): refusing to replace it; remove it or choose another -dir", path, fi.Mode().Type())
	}
	return nil
}

// RelayEvent is one thing the relay did to a segment, for the truth file.
type RelayEvent struct {
	Time   time.Time `json:"time"`
	Dir    string    `json:"dir"`
	Seg    string    `json:"segment"` // flags, raw seq/ack, payload length
	Action string    `json:"action"`  // "drop", "duplicate", "delay 30ms", "TSval -100000"
	Rules  []string  `json:"rules"`   // the rules that chose it
}
