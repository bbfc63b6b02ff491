// Package capture turns captured bytes into fsm.Segment values: it reads
// pcap and pcapng files (pure Go, through gopacket's pcapgo), decodes the
// link types users meet (Ethernet with VLAN/MPLS, Linux SLL and SLL2, BSD
// loopback, raw IP; IPv4 and IPv6), captures live on Linux packet sockets
// and writes pcap. It knows nothing of TCP states.
//
// Goroutines: a Source is used from one goroutine; live sources also allow
// Stats from any goroutine and Close from another goroutine to unblock Next.
package capture
