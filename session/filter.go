package session

import (
	"net/netip"
	"strconv"
	"strings"
)

// ConnFilter selects connections by address or port, as typed after '/'
// in the UI: space-separated terms that must all match. A term matches an
// endpoint when it equals its port ("8080" or ":8080"), its address
// ("127.0.0.1", "::1"), the address:port, or is a prefix of the address
// text ("10.1."). It is not a capture filter (capture.Filter, BPF
// syntax): it picks connections the session already holds.
type ConnFilter struct{ terms []string }

// Filter is the former name of ConnFilter, kept for the callers that
// still use it.
type Filter = ConnFilter

// ParseConnFilter parses a connection filter expression; "" matches
// everything.
func ParseConnFilter(expr string) ConnFilter {
	return ConnFilter{terms: strings.Fields(strings.ToLower(expr))}
}

// ParseFilter is the former name of ParseConnFilter, kept for the
// callers that still use it.
func ParseFilter(expr string) ConnFilter { return ParseConnFilter(expr) }

// Empty reports whether f matches everything.
func (f ConnFilter) Empty() bool { return len(f.terms) == 0 }

// String returns the filter as typed (normalized).
func (f ConnFilter) String() string { return strings.Join(f.terms, " ") }

// Match reports whether a connection between a and b matches.
func (f ConnFilter) Match(a, b netip.AddrPort) bool {
	for _, t := range f.terms {
		if !termMatch(t, a) && !termMatch(t, b) {
			return false
		}
	}
	return true
}

func termMatch(t string, ap netip.AddrPort) bool {
	p := strings.TrimPrefix(t, ":")
	if n, err := strconv.ParseUint(p, 10, 16); err == nil && !strings.Contains(p, ".") {
		return uint16(n) == ap.Port()
	}
	if x, err := netip.ParseAddrPort(t); err == nil {
		return x == ap
	}
	addr := strings.ToLower(ap.Addr().String())
	if x, err := netip.ParseAddr(t); err == nil {
		return x == ap.Addr()
	}
	return strings.HasPrefix(addr, t)
}
