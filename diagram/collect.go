package diagram

import (
	"context"
	"fmt"
	"math"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
)

// Collected is one connection read from a source, and which connection
// numbers the source held, so that a number that cannot be drawn is
// answered with the numbers that can.
//
// Numbers are the tracker's connection IDs, from 1 in order of first
// packet: the '#' of the terminal UI and of 'synfin summary', the "id"
// of its JSON. A session bounds memory by dropping the oldest steps, and
// with them finished connections, so on a big capture the held IDs do
// not start at 1 and Held can be less than Seen.
type Collected struct {
	Conn  fsm.Conn
	Steps []session.Step
	OK    bool // the connection asked for is held

	Seen        uint64 // highest ID given: the number of connections seen
	Held        int    // connections still held
	First, Last uint64 // lowest and highest held ID (0 if none)
}

// CollectConn reads src to the end through a session made with cfg and
// returns connection id as it ended, with all its steps.
func CollectConn(ctx context.Context, src session.Source, cfg session.Config, id uint64) (Collected, error) {
	s := session.New(cfg)
	err := s.Run(ctx, src, session.RunOptions{})
	info := s.Info()
	var c Collected
	ids, _ := s.Match(session.ConnFilter{}, 0) // every held ID, in order
	c.Held = len(ids)
	if len(ids) > 0 {
		c.First, c.Last = ids[0], ids[len(ids)-1]
		c.Seen = c.Last // the newest connections are never the dropped ones
	}
	last := info.Steps - 1
	c.Conn, c.OK = s.ConnAt(id, last)
	if c.OK {
		c.Steps = s.ConnSteps(id, last, math.MaxInt)
		if first, _ := s.ConnSpan(id); info.Dropped > 0 && len(c.Steps) > 0 && first > 0 && c.Steps[0].Index > first {
			err = fmt.Errorf("connection %d: its oldest steps were dropped to bound memory", id)
		}
	}
	return c, err
}

// Missing explains, in one line, why connection id was not found and
// which numbers can be drawn instead; name is the source (quoted).
func (c Collected) Missing(name string, id uint64) string {
	switch {
	case c.Held == 0:
		return fmt.Sprintf("%s holds no TCP connection", name)
	case c.First == 1 && uint64(c.Held) == c.Last:
		return fmt.Sprintf("%s has %d connection(s): pick --conn between 1 and %d", name, c.Held, c.Last)
	case id > c.Last:
		return fmt.Sprintf("%s has %d connection(s), of which %d are held (numbered %d to %d; the oldest finished ones were dropped to bound memory): pick --conn in that range",
			name, c.Seen, c.Held, c.First, c.Last)
	}
	return fmt.Sprintf("%s: connection %d was dropped to bound memory (the oldest finished connections go first); %d of the %d are held, numbered %d to %d: pick one of those, or cut the capture shorter (editcap -A/-B)",
		name, id, c.Held, c.Seen, c.First, c.Last)
}
