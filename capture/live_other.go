//go:build !linux

package capture

import (
	"fmt"
	"runtime"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/fsm"
)

// LiveSource is live capture, which synfin implements on Linux only.
// On this system OpenLive always fails.
type LiveSource struct{}

func errNoLive() error {
	return fmt.Errorf("live capture needs Linux (this is %s): read a capture file with -r instead", runtime.GOOS)
}

// OpenLive fails: live capture needs Linux.
func OpenLive(iface, filter string, opt LiveOptions) (*LiveSource, error) {
	return nil, errNoLive()
}

// LinkType returns Ethernet, which a live capture would give on loopback.
func (s *LiveSource) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// Interface returns "".
func (s *LiveSource) Interface() string { return "" }

// Next fails: live capture needs Linux.
func (s *LiveSource) Next() (fsm.Segment, error) { return fsm.Segment{}, errNoLive() }

// Stats returns zero counts.
func (s *LiveSource) Stats() Stats { return Stats{} }

// KernelPackets returns 0.
func (s *LiveSource) KernelPackets() uint64 { return 0 }

// Close does nothing.
func (s *LiveSource) Close() error { return nil }

var _ Source = (*LiveSource)(nil)
