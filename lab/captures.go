package lab

import "net/netip"

// The lab's addresses: both hosts on one /24, the relay in between
// without an address (it copies frames, it does not route).
var (
	clientAddr = netip.MustParseAddr("10.9.0.1")
	serverAddr = netip.MustParseAddr("10.9.0.2")
)

// Captures names the captures made of every scenario, with the filter
// and the host they are taken at: both directions at each host, and one
// direction only at each host (what the other way looked like is not in
// the file).
var Captures = []struct {
	Suffix, Host, Iface, Filter string
}{
	{"client", "client", "c0", "tcp"},
	{"server", "server", "s0", "tcp"},
	{"client-out", "client", "c0", "tcp and src host 10.9.0.1"},
	{"server-out", "server", "s0", "tcp and src host 10.9.0.2"},
}
