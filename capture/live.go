package capture

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// LiveOptions tune a live capture. The zero value is ready to use.
type LiveOptions struct {
	// Snaplen is the most bytes kept of each frame (0: DefaultSnaplen).
	// The TCP/IP headers are all synfin needs; the rest is payload preview
	// and what Write saves.
	Snaplen uint32
	// BufferSize is the kernel ring buffer in bytes (0: 8 MiB). A bigger
	// ring absorbs longer bursts before the kernel drops packets.
	BufferSize int
	// Timeout makes Next return ErrTimeout when no packet arrived for this
	// long, so a caller's loop can check whether to stop. 0: Next waits for
	// a packet or Close.
	Timeout time.Duration
	// Write, if set, receives every captured frame (after the filter and
	// the loopback de-duplication), so the file holds exactly the packets
	// Next numbered. The writer flushes at least every FlushEvery and the
	// LiveSource when the line is idle, but never closes it: its owner
	// must Close it on every way out (quit, Ctrl-C, SIGTERM, SIGHUP), or
	// the file lacks its last packets. If writing fails (a full disk),
	// the capture goes on without it and Stats().WriteErr says so.
	Write *PcapWriter
}

// ErrTimeout is returned by a live source's Next when LiveOptions.Timeout
// passed without a packet. The source stays usable.
var ErrTimeout = errors.New("live capture: no packet within the timeout")

// LoopbackInterface returns the name of the first loopback interface (by
// its flags, not its name: "lo" on Linux, "lo0" on BSD and macOS).
func LoopbackInterface() (string, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return "", fmt.Errorf("list network interfaces: %w", err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Name, nil
		}
	}
	return "", errors.New("no loopback interface found (give one with -i)")
}

// interfaceNames lists the interfaces for "no such interface" errors.
func interfaceNames() string {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		return "none found"
	}
	names := make([]string, len(ifs))
	for i, x := range ifs {
		names[i] = strconv.Quote(x.Name) // a name may hold escape bytes
	}
	return strings.Join(names, ", ")
}
