package report

import (
	"bufio"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// textWriter prints a fixed-width table, one row per connection as it
// ends, so it can stream. The header and footer are in lang; the rows
// are numbers, addresses and RFC state names in every language.
type textWriter struct {
	w    *bufio.Writer
	lang i18n.Lang
	buf  []byte // the row being formatted
	tmp  []byte // the server column
}

const textRow = "%-5s %-21s %-21s %-11s %-11s %-6s %-14s %7s %9s %11s\n"

func (t *textWriter) conn(c *fsm.Conn) error {
	b := t.buf[:0]
	var num [20]byte
	b = pad(b, strconv.AppendUint(num[:0], c.ID, 10), 5, false)
	b = append(b, ' ')
	b = pad(b, appendAddrPort(t.tmp[:0], c.Client), 21, false)
	b = append(b, ' ')
	server := appendAddrPort(t.tmp[:0], c.Server)
	if c.VLAN != 0 {
		server = appendVLAN(append(server, " vlan "...), c.VLAN)
	}
	t.tmp = server
	b = pad(b, server, 21, false)
	b = append(b, ' ')
	cs := append(num[:0], c.ClientState().String()...)
	if c.JoinedLate {
		cs = append(cs, '*')
	}
	b = pad(b, cs, 11, false)
	b = append(b, ' ')
	b = padString(b, c.ServerState().String(), 11, false)
	b = append(b, ' ')
	b = padString(b, c.ConnState(), 6, false)
	b = append(b, ' ')
	b = padString(b, c.History(), 14, false)
	b = append(b, ' ')
	b = pad(b, strconv.AppendUint(num[:0], c.Packets[fsm.Client]+c.Packets[fsm.Server], 10), 7, true)
	b = append(b, ' ')
	b = pad(b, strconv.AppendUint(num[:0], c.Bytes[fsm.Client]+c.Bytes[fsm.Server], 10), 9, true)
	b = append(b, ' ')
	b = pad(b, append(appendSeconds(num[:0], c.Duration()), 's'), 11, true)
	b = append(b, '\n')
	t.buf = b
	_, err := t.w.Write(b)
	return err
}

// pad appends s padded with spaces to width runes, as fmt's %-Ns (left)
// or %Ns (right) would.
func pad(b, s []byte, width int, right bool) []byte {
	return padded(b, s, width-utf8.RuneCount(s), right)
}

// padString is pad for a string.
func padString(b []byte, s string, width int, right bool) []byte {
	return padded(b, s, width-utf8.RuneCountInString(s), right)
}

// padded appends s with n spaces before it (right) or after it. The
// callers count the runes: a string(s) conversion here would allocate
// for a long []byte.
func padded[S []byte | string](b []byte, s S, n int, right bool) []byte {
	if right {
		for ; n > 0; n-- {
			b = append(b, ' ')
		}
	}
	b = append(b, s...)
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// appendVLAN shows one tag as "10" and QinQ as "10.20" (outer.inner).
func appendVLAN(b []byte, v uint32) []byte {
	outer, inner := fsm.SplitVLAN(v)
	b = strconv.AppendUint(b, uint64(outer), 10)
	if inner == 0 {
		return b
	}
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(inner), 10)
}

// appendAddrPort appends ap as ap.String() does (AppendTo writes nothing
// for the zero value, String "invalid AddrPort").
func appendAddrPort(b []byte, ap netip.AddrPort) []byte {
	if !ap.IsValid() {
		return append(b, ap.String()...)
	}
	return ap.AppendTo(b)
}

// appendIP appends a as a.String() does.
func appendIP(b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(b, a.String()...)
	}
	return a.AppendTo(b)
}
