package ui

import (
	"fmt"
	"time"

	"github.com/synfin/synfin/session"
)

// Speed is a playback pace: Rate steps per second, or, when Rate is 0,
// real time from the capture timestamps multiplied by RealTime.
type Speed struct {
	Rate     float64
	RealTime float64
}

func (s Speed) String() string {
	if s.Rate == 0 {
		if s.RealTime == 1 {
			return "real time"
		}
		return fmt.Sprintf("real time ×%g", s.RealTime)
	}
	return fmt.Sprintf("%g/s", s.Rate)
}

// Speeds are the paces + and − move through, slowest first.
var Speeds = []Speed{
	{Rate: 0.1}, {Rate: 0.2}, {Rate: 0.5}, {Rate: 1}, {Rate: 2}, {Rate: 5}, {Rate: 10}, {Rate: 50}, {Rate: 500},
	{RealTime: 0.1}, {RealTime: 1}, {RealTime: 10},
}

// defaultSpeed is 2 steps per second (Speeds[4]): slow enough to read
// each arrow.
const defaultSpeed = 4

// Player paces a session.Cursor. It has no clock of its own: Tick gets the
// time from its caller (the UI's ticker, or a test), so tests do not sleep.
// Like the Cursor, it belongs to the UI goroutine.
type Player struct {
	Cur     *session.Cursor
	s       *session.Session
	playing bool
	speed   int

	// pacing anchors, reset on every play, speed change or manual move
	wall0   time.Time // wall time of the anchor
	cap0    time.Time // capture time of the anchor step (real-time pace)
	stepped int       // steps taken since wall0 (rate pace)
	live    bool      // catching up with the newest step turns following on

	// Gate, if set, is asked before play moves onto step next: true
	// pauses before it (predict mode asks its question there).
	Gate func(next int) bool
	// Stop, if set, is asked after play moved onto step pos: true pauses
	// there (pause at each state change).
	Stop func(pos int) bool
}

// NewPlayer returns a paused player at the cursor's position. live makes
// play stop at the newest step by following it (live capture and demo)
// rather than by pausing.
func NewPlayer(s *session.Session, cur *session.Cursor, live bool) *Player {
	return &Player{Cur: cur, s: s, speed: defaultSpeed, live: live}
}

// Playing reports whether the player is playing (following counts as
// playing).
func (p *Player) Playing() bool { return p.playing || p.Cur.Following() }

// Speed returns the current pace.
func (p *Player) Speed() Speed { return Speeds[p.speed] }

// Toggle plays or pauses, at time now. Pausing while following the newest
// step stops following and keeps the position.
func (p *Player) Toggle(now time.Time) {
	switch {
	case p.Cur.Following():
		p.Cur.SetFollow(false)
		p.playing = false
	case p.playing:
		p.playing = false
	default:
		if p.Cur.AtEnd() && !p.live {
			if p.s.Info().Done {
				p.Cur.Home() // replay from the start, like a media player
			}
		}
		p.playing = true
		p.anchor(now)
	}
}

// Faster and Slower change the pace; they report false at the ends.
func (p *Player) Faster(now time.Time) bool { return p.setSpeed(p.speed+1, now) }

// Slower: see Faster.
func (p *Player) Slower(now time.Time) bool { return p.setSpeed(p.speed-1, now) }

func (p *Player) setSpeed(i int, now time.Time) bool {
	if i < 0 || i >= len(Speeds) {
		return false
	}
	p.speed = i
	p.anchor(now)
	return true
}

// Moved tells the player that the user moved the cursor: pacing restarts
// from there.
func (p *Player) Moved(now time.Time) { p.anchor(now) }

// Pause stops playing (and following).
func (p *Player) Pause() {
	p.playing = false
	p.Cur.SetFollow(false)
}

func (p *Player) anchor(now time.Time) {
	p.wall0, p.stepped = now, 0
	p.cap0 = time.Time{}
	if st, ok := p.s.Step(p.Cur.Pos()); ok {
		p.cap0 = st.Time
	}
}

// Tick advances the cursor to where the pace says it should be at now and
// reports whether it moved. At the newest step a live player starts
// following; a replay keeps playing while the file is still loading, and
// pauses at its end.
func (p *Player) Tick(now time.Time) bool {
	if !p.playing {
		return false
	}
	moved := false
	sp := Speeds[p.speed]
	for {
		if sp.Rate > 0 {
			due := int(now.Sub(p.wall0).Seconds() * sp.Rate)
			if p.stepped >= due {
				break
			}
		} else {
			next := p.s.NextStep(p.Cur.Pos(), p.Cur.Focused())
			st, ok := p.s.Step(next)
			if !ok {
				p.atEnd(now)
				break
			}
			if p.cap0.IsZero() {
				p.cap0 = st.Time
			}
			elapsed := time.Duration(float64(now.Sub(p.wall0)) * sp.RealTime)
			if st.Time.Sub(p.cap0) > elapsed {
				break
			}
		}
		if p.Gate != nil {
			if next := p.s.NextStep(p.Cur.Pos(), p.Cur.Focused()); next >= 0 && p.Gate(next) {
				p.playing = false
				break
			}
		}
		if !p.Cur.Forward() {
			p.atEnd(now)
			break
		}
		p.stepped++
		moved = true
		if p.Stop != nil && p.Stop(p.Cur.Pos()) {
			p.playing = false
			break
		}
		if p.stepped > 1<<20 { // a long stall: do not replay it all at once
			p.anchor(now)
			break
		}
	}
	return moved
}

func (p *Player) atEnd(now time.Time) {
	switch {
	case p.live:
		p.playing = false
		p.Cur.End(true)
	case p.s.Info().Done:
		p.playing = false
	default:
		// Still loading: wait for more steps without racing ahead later.
		p.anchor(now)
	}
}
