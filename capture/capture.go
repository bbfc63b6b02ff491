package capture

import (
	"fmt"
	"sort"
	"strings"

	"github.com/synfin/synfin/fsm"
)

// Source yields TCP segments one at a time. Next returns io.EOF at the end
// of a file. Any other error is returned, never swallowed: the caller
// decides whether to stop or warn. Packets that are not TCP (or cannot be
// decoded as TCP) are skipped and counted in Stats, not returned as errors.
// A Source is single-use and not safe for concurrent use, except Stats,
// which live sources allow from any goroutine.
type Source interface {
	Next() (fsm.Segment, error)
	Stats() Stats
	Close() error
}

// Skip is why a packet did not become a segment.
type Skip uint8

// Reasons a packet is skipped.
const (
	SkipNotIP     Skip = iota // link layer payload is not IPv4/IPv6 (ARP, LLDP...)
	SkipNotTCP                // IP, but not TCP (UDP, ICMP...)
	SkipFragment              // IPv4/IPv6 fragment other than the first
	SkipTruncated             // too short for the TCP header (snaplen or damage)
	SkipLinkType              // link type synfin cannot decode
	SkipMalformed             // a header that does not parse
	SkipDuplicate             // live loopback: the outgoing copy of a packet
	numSkips
)

var skipNames = [numSkips]string{
	SkipNotIP:     "not IP",
	SkipNotTCP:    "not TCP",
	SkipFragment:  "IP fragment (not first)",
	SkipTruncated: "truncated before the end of the TCP header",
	SkipLinkType:  "unsupported link type",
	SkipMalformed: "malformed header",
	SkipDuplicate: "loopback duplicate",
}

func (s Skip) String() string {
	if s < numSkips {
		return skipNames[s]
	}
	return "skip(?)"
}

// Stats counts what a source has read so far.
type Stats struct {
	Packets  uint64           // packets read (every link-layer frame)
	Segments uint64           // TCP segments returned by Next
	Skipped  [numSkips]uint64 // by reason
	// Filtered counts segments a user-space capture filter rejected
	// (OpenFileFiltered). They are not in Segments. A live capture's
	// filter runs in the kernel: what it rejects is never seen.
	Filtered uint64
	// Live sources only.
	KernelDrops uint64 // packets the kernel dropped (buffer full)
	// LinkTypes lists the link types met, by name (files may mix several).
	LinkTypes []string
	// WriteErr, for a live capture with LiveOptions.Write, is the
	// *StoppedError once the file stopped being written (a full disk):
	// the capture went on, the file holds only the packets before it.
	WriteErr error
}

// SkippedTotal is the number of packets skipped for any reason.
func (s Stats) SkippedTotal() uint64 {
	var n uint64
	for _, v := range s.Skipped {
		n += v
	}
	return n
}

// SkipCount is how many packets were skipped for one reason.
type SkipCount struct {
	Why Skip
	N   uint64
}

// SkipCounts lists the reasons packets were skipped for, most frequent
// first (ties in Skip's order).
func (s Stats) SkipCounts() []SkipCount {
	var list []SkipCount
	for k, n := range s.Skipped {
		if n > 0 {
			list = append(list, SkipCount{Skip(k), n})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].N > list[j].N })
	return list
}

// SkipSummary describes the skipped packets, e.g.
// "12 not TCP, 3 IP fragment (not first)", most frequent first; "" if none.
func (s Stats) SkipSummary() string {
	list := s.SkipCounts()
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = fmt.Sprintf("%d %s", e.N, e.Why)
	}
	return strings.Join(parts, ", ")
}
