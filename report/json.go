package report

import (
	"bufio"
	"encoding/json"
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
		JoinedLate:  c.JoinedLate,
		Notes:       []string{},
		Transitions: make([]Transition, len(c.Transitions)),
	}
	r.VLAN, r.InnerVLAN = fsm.SplitVLAN(c.VLAN)
	for _, n := range c.NoteKeys() {
		r.Notes = append(r.Notes, string(n))
	}
	for i, t := range c.Transitions {
		r.Transitions[i] = Transition{
			Packet: t.Packet, Time: t.Time.UTC(), Endpoint: t.Endpoint.String(),
			From: t.From.String(), To: t.To.String(), Reason: string(t.Reason),
		}
	}
	return r
}

type jsonWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (j *jsonWriter) header() error {
	j.enc = json.NewEncoder(j.w)
	j.enc.SetEscapeHTML(false)
	return nil
}

func (j *jsonWriter) conn(c *fsm.Conn) error { return j.enc.Encode(NewConn(c)) }

func (j *jsonWriter) footer(Result) error { return nil }
