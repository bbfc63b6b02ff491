package report

import (
	"bufio"
	"math"
	"net/netip"
	"strconv"
	"time"

	"github.com/synfin/synfin/fsm"
)

// Conn is one JSON Lines record. Field names are an interface: scripts
// read them, so they never change meaning once released.
type Conn struct {
	ID            uint64       `json:"id"`
	Client        string       `json:"client"`
	Server        string       `json:"server"`
	VLAN          uint16       `json:"vlan,omitempty"`
	InnerVLAN     uint16       `json:"inner_vlan,omitempty"`
	ClientState   string       `json:"client_state"`
	ServerState   string       `json:"server_state"`
	ConnState     string       `json:"conn_state"`
	History       string       `json:"history"`
	Packets       uint64       `json:"packets"`
	ClientPackets uint64       `json:"client_packets"`
	ServerPackets uint64       `json:"server_packets"`
	Bytes         uint64       `json:"bytes"`
	ClientBytes   uint64       `json:"client_bytes"`
	ServerBytes   uint64       `json:"server_bytes"`
	FirstPacket   uint64       `json:"first_packet"`
	LastPacket    uint64       `json:"last_packet"`
	Start         time.Time    `json:"start"`
	Duration      float64      `json:"duration"`
	JoinedLate    bool         `json:"joined_late"`
	Notes         []string     `json:"notes"`
	Transitions   []Transition `json:"transitions"`
	Revisions     []Revision   `json:"revisions"`
}

// Transition is one state change in a Conn record. Packet is 0 for a
// timer (TIME_WAIT expiry), whose time is when the timer fired.
type Transition struct {
	Packet   uint64    `json:"packet"`
	Time     time.Time `json:"time"`
	Endpoint string    `json:"endpoint"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Reason   string    `json:"reason"`
	// Confidence is "seen", "inferred" or "assumed" (fsm.Confidence).
	Confidence string `json:"confidence"`
}

// Revision is an earlier belief that a later packet showed wrong: the
// states Endpoint was believed to pass through from Packet on, withdrawn
// when packet CorrectedBy arrived. Transitions holds the corrected path.
type Revision struct {
	Packet      uint64   `json:"packet"`
	Endpoint    string   `json:"endpoint"`
	Believed    []string `json:"believed"`
	CorrectedBy uint64   `json:"corrected_by"`
	Reason      string   `json:"reason"`
}

// NewConn converts a tracker connection into its JSON record.
func NewConn(c *fsm.Conn) Conn {
	r := Conn{
		ID: c.ID, Client: c.Client.String(), Server: c.Server.String(),
		ClientState: c.ClientState().String(), ServerState: c.ServerState().String(),
		ConnState: c.ConnState(), History: c.History(),
		Packets:       c.Packets[fsm.Client] + c.Packets[fsm.Server],
		ClientPackets: c.Packets[fsm.Client], ServerPackets: c.Packets[fsm.Server],
		Bytes:       c.Bytes[fsm.Client] + c.Bytes[fsm.Server],
		ClientBytes: c.Bytes[fsm.Client], ServerBytes: c.Bytes[fsm.Server],
		FirstPacket: c.FirstPacket, LastPacket: c.LastPacket,
		Start: c.FirstTime.UTC(), Duration: c.Duration().Seconds(),
		JoinedLate: c.JoinedLate,
		Notes:      []string{},
		Revisions:  []Revision{},
	}
	path := c.Path()
	r.Transitions = make([]Transition, len(path))
	r.VLAN, r.InnerVLAN = fsm.SplitVLAN(c.VLAN)
	for _, n := range c.NoteKeys() {
		r.Notes = append(r.Notes, string(n))
	}
	for i, t := range path {
		r.Transitions[i] = Transition{
			Packet: t.Packet, Time: t.Time.UTC(), Endpoint: t.Endpoint.String(),
			From: t.From.String(), To: t.To.String(), Reason: string(t.Reason),
			Confidence: t.Confidence.String(),
		}
	}
	for _, rv := range c.Revisions {
		b := make([]string, len(rv.Believed))
		for i, s := range rv.Believed {
			b[i] = s.String()
		}
		r.Revisions = append(r.Revisions, Revision{Packet: rv.Packet, Endpoint: rv.Endpoint.String(),
			Believed: b, CorrectedBy: rv.CorrectedBy, Reason: string(rv.Reason)})
	}
	return r
}

// jsonWriter writes Conn records with a hand-written appender: encoding/json
// spent more time than reading and tracking together on a large capture.
// TestJSONMatchesEncoding keeps the two byte-for-byte identical.
type jsonWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonWriter) header() error { return nil }

func (j *jsonWriter) conn(c *fsm.Conn) error {
	j.buf = AppendJSON(j.buf[:0], c)
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonWriter) footer(Result) error { return nil }

// AppendJSON appends c's record, as encoding/json would marshal NewConn(c),
// and a newline.
func AppendJSON(b []byte, c *fsm.Conn) []byte {
	var tf timeFmt
	vlan, inner := fsm.SplitVLAN(c.VLAN)
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, c.ID, 10)
	b = appendKey(b, "client")
	b = appendAddr(b, c.Client)
	b = appendKey(b, "server")
	b = appendAddr(b, c.Server)
	if vlan != 0 {
		b = appendKey(b, "vlan")
		b = strconv.AppendUint(b, uint64(vlan), 10)
	}
	if inner != 0 {
		b = appendKey(b, "inner_vlan")
		b = strconv.AppendUint(b, uint64(inner), 10)
	}
	b = appendKey(b, "client_state")
	b = appendSafe(b, c.ClientState().String())
	b = appendKey(b, "server_state")
	b = appendSafe(b, c.ServerState().String())
	b = appendKey(b, "conn_state")
	b = appendSafe(b, c.ConnState())
	b = appendKey(b, "history")
	b = appendSafe(b, c.History())
	for _, f := range []struct {
		k string
		v uint64
	}{
		{"packets", c.Packets[fsm.Client] + c.Packets[fsm.Server]},
		{"client_packets", c.Packets[fsm.Client]}, {"server_packets", c.Packets[fsm.Server]},
		{"bytes", c.Bytes[fsm.Client] + c.Bytes[fsm.Server]},
		{"client_bytes", c.Bytes[fsm.Client]}, {"server_bytes", c.Bytes[fsm.Server]},
		{"first_packet", c.FirstPacket}, {"last_packet", c.LastPacket},
	} {
		b = appendKey(b, f.k)
		b = strconv.AppendUint(b, f.v, 10)
	}
	b = appendKey(b, "start")
	b = tf.append(b, c.FirstTime)
	b = appendKey(b, "duration")
	b = appendFloat(b, c.Duration().Seconds())
	b = appendKey(b, "joined_late")
	b = strconv.AppendBool(b, c.JoinedLate)
	b = appendKey(b, "notes")
	b = append(b, '[')
	for i, n := range c.NoteKeys() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSafe(b, string(n))
	}
	b = append(b, ']')
	b = appendKey(b, "transitions")
	b = append(b, '[')
	for i, t := range c.Path() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"packet":`...)
		b = strconv.AppendUint(b, t.Packet, 10)
		b = appendKey(b, "time")
		b = tf.append(b, t.Time)
		b = appendKey(b, "endpoint")
		b = appendSafe(b, t.Endpoint.String())
		b = appendKey(b, "from")
		b = appendSafe(b, t.From.String())
		b = appendKey(b, "to")
		b = appendSafe(b, t.To.String())
		b = appendKey(b, "reason")
		b = appendSafe(b, string(t.Reason))
		b = appendKey(b, "confidence")
		b = appendSafe(b, t.Confidence.String())
		b = append(b, '}')
	}
	b = append(b, ']')
	b = appendKey(b, "revisions")
	b = append(b, '[')
	for i, rv := range c.Revisions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"packet":`...)
		b = strconv.AppendUint(b, rv.Packet, 10)
		b = appendKey(b, "endpoint")
		b = appendSafe(b, rv.Endpoint.String())
		b = appendKey(b, "believed")
		b = append(b, '[')
		for j, st := range rv.Believed {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendSafe(b, st.String())
		}
		b = append(b, ']')
		b = appendKey(b, "corrected_by")
		b = strconv.AppendUint(b, rv.CorrectedBy, 10)
		b = appendKey(b, "reason")
		b = appendSafe(b, string(rv.Reason))
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

func appendKey(b []byte, k string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// appendSafe quotes s, which holds no byte JSON would escape: state
// names, reason keys, history letters.
func appendSafe(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendAddr quotes an address:port without allocating; only an IPv6
// zone could hold a byte to escape.
func appendAddr(b []byte, ap netip.AddrPort) []byte {
	if ap.Addr().Zone() != "" {
		return appendString(b, ap.String())
	}
	b = append(b, '"')
	b = ap.AppendTo(b)
	return append(b, '"')
}

// appendString quotes s as encoding/json does with HTML escaping off.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 0x20 && ch != '"' && ch != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch ch {
		case '"', '\\':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[ch>>4], "0123456789abcdef"[ch&0xf])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// timeFmt appends times in UTC as RFC 3339 with nanoseconds, trailing
// zeros trimmed (time.RFC3339Nano), formatting the date and clock only
// when the second changes: a connection's transitions share most of it.
type timeFmt struct {
	sec    int64
	n      int
	prefix [32]byte
	last   int64 // Unix nanoseconds of the last time appended
	lastN  int
	lastB  [48]byte // its quoted text
}

func (tf *timeFmt) append(b []byte, t time.Time) []byte {
	ns := t.UnixNano()
	if tf.lastN > 0 && ns == tf.last {
		return append(b, tf.lastB[:tf.lastN]...) // transitions of one packet share it
	}
	start := len(b)
	t = t.UTC()
	if sec := t.Unix(); sec != tf.sec || tf.n == 0 {
		tf.sec = sec
		tf.n = len(t.AppendFormat(tf.prefix[:0], "2006-01-02T15:04:05"))
	}
	b = append(b, '"')
	b = append(b, tf.prefix[:tf.n]...)
	if frac := t.Nanosecond(); frac != 0 {
		var d [10]byte
		d[0] = '.'
		for i := 9; i >= 1; i-- {
			d[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 10
		for d[n-1] == '0' {
			n--
		}
		b = append(b, d[:n]...)
	}
	b = append(b, 'Z', '"')
	if n := len(b) - start; n <= len(tf.lastB) {
		tf.last, tf.lastN = ns, copy(tf.lastB[:], b[start:])
	}
	return b
}

// appendFloat formats f as encoding/json does (ES6 number formatting).
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
