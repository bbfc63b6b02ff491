package session

// Cursor is a playback position in a Session: a step index, optionally
// following the newest step (live capture) and optionally focused on one
// connection, whose steps alone it then visits. It belongs to one
// goroutine (the UI's event loop); the Session it reads may grow
// meanwhile.
type Cursor struct {
	s      *Session
	pos    int
	follow bool
	focus  uint64
}

// NewCursor returns a cursor at the first step, or following the newest.
func NewCursor(s *Session, follow bool) *Cursor {
	return &Cursor{s: s, follow: follow}
}

// Pos returns the current step index, or -1 while the session is empty
// (or the focused connection has no kept step).
func (c *Cursor) Pos() int {
	first, n := c.s.First(), c.s.Len()
	if n <= first {
		return -1
	}
	if c.focus != 0 {
		f, l := c.s.ConnSpan(c.focus)
		if f < 0 {
			return -1
		}
		if c.follow || c.pos > l {
			return l
		}
		if c.pos < f {
			return f
		}
		if p := c.s.PrevStep(c.pos+1, c.focus); p >= 0 {
			return p
		}
		return f
	}
	if c.follow || c.pos >= n {
		return n - 1
	}
	if c.pos < first {
		return first
	}
	return c.pos
}

// Following reports whether the cursor follows the newest step.
func (c *Cursor) Following() bool { return c.follow }

// SetFollow makes the cursor follow the newest step (true) or stay where
// it is (false).
func (c *Cursor) SetFollow(on bool) {
	if !on && c.follow {
		c.pos = c.Pos()
	}
	c.follow = on
}

// Focus restricts stepping to connection id (0: every connection). The
// position moves to the connection's latest step at or before the current
// one, or its first step.
func (c *Cursor) Focus(id uint64) {
	p := c.Pos()
	c.focus = id
	if id == 0 {
		c.pos = p
		return
	}
	if q := c.s.PrevStep(p+1, id); q >= 0 {
		c.pos = q
	} else if f, _ := c.s.ConnSpan(id); f >= 0 {
		c.pos = f
	}
}

// Focused returns the connection the cursor is focused on, or 0.
func (c *Cursor) Focused() uint64 { return c.focus }

// Forward moves one step forward; it reports false at the newest step.
// It does not start following: End does.
func (c *Cursor) Forward() bool {
	p := c.Pos()
	if c.follow {
		return false
	}
	q := c.s.NextStep(p, c.focus)
	if q < 0 {
		return false
	}
	c.pos = q
	return true
}

// Back moves one step back and stops following; it reports false at the
// oldest kept step.
func (c *Cursor) Back() bool {
	p := c.Pos()
	c.follow = false
	c.pos = p
	if p < 0 {
		return false
	}
	q := c.s.PrevStep(p, c.focus)
	if q < 0 {
		return false
	}
	c.pos = q
	return true
}

// Home moves to the oldest kept step (of the focused connection) and stops
// following.
func (c *Cursor) Home() {
	c.follow = false
	if c.focus != 0 {
		c.pos, _ = c.s.ConnSpan(c.focus)
		return
	}
	c.pos = c.s.First()
}

// End moves to the newest step; with follow it keeps following it.
func (c *Cursor) End(follow bool) {
	c.follow = follow
	if c.focus != 0 {
		_, c.pos = c.s.ConnSpan(c.focus)
		return
	}
	c.pos = c.s.Len() - 1
}

// Seek moves to step i (clamped) and stops following.
func (c *Cursor) Seek(i int) {
	c.follow = false
	c.pos = i
}

// AtEnd reports whether no step follows the current one yet.
func (c *Cursor) AtEnd() bool {
	return c.follow || c.s.NextStep(c.Pos(), c.focus) < 0
}
