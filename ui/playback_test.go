package ui

import (
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

func loaded(segs []fsm.Segment, done bool) *session.Session {
	s := session.New(session.Config{})
	for _, g := range segs {
		s.Observe(g)
	}
	if done {
		finishForTest(s)
	}
	return s
}

func TestPlayerRate(t *testing.T) {
	s := loaded(sessiontest.Many(2), true) // 20 steps, 1 ms apart
	cur := session.NewCursor(s, false)
	p := NewPlayer(s, cur, false)
	t0 := sessiontest.Start
	steps := []struct {
		name string
		do   func(now time.Time)
		at   time.Duration
		pos  int
		play bool
	}{
		{"paused", func(now time.Time) { p.Tick(now) }, time.Second, 0, false},
		{"play", func(now time.Time) { p.Toggle(now) }, time.Second, 0, true},
		{"0.4 s at 2/s: none yet", func(now time.Time) { p.Tick(now) }, 1400 * time.Millisecond, 0, true},
		{"0.5 s: one", func(now time.Time) { p.Tick(now) }, 1500 * time.Millisecond, 1, true},
		{"3 s: six", func(now time.Time) { p.Tick(now) }, 4 * time.Second, 6, true},
		{"faster: 5/s from here", func(now time.Time) { p.Faster(now) }, 4 * time.Second, 6, true},
		{"1 s at 5/s", func(now time.Time) { p.Tick(now) }, 5 * time.Second, 11, true},
		{"an hour later: stops at the end", func(now time.Time) { p.Tick(now) }, time.Hour, 19, false},
		{"play at the end of a file restarts", func(now time.Time) { p.Toggle(now) }, time.Hour, 0, true},
		{"pause", func(now time.Time) { p.Toggle(now) }, time.Hour, 0, false},
		{"slower twice: 2/s then 1/s", func(now time.Time) { p.Slower(now); p.Slower(now); p.Toggle(now) }, time.Hour, 0, true},
		{"2 s at 1/s", func(now time.Time) { p.Tick(now) }, time.Hour + 2*time.Second, 2, true},
	}
	for _, st := range steps {
		st.do(t0.Add(st.at))
		if got := cur.Pos(); got != st.pos {
			t.Errorf("%s: pos %d, want %d", st.name, got, st.pos)
		}
		if p.Playing() != st.play {
			t.Errorf("%s: playing %v, want %v", st.name, p.Playing(), st.play)
		}
	}
	for p.Slower(t0) {
	}
	if p.Speed() != Speeds[0] {
		t.Errorf("Slower stops at %v, want %v", p.Speed(), Speeds[0])
	}
}

func TestPlayerRealTime(t *testing.T) {
	s := loaded(sessiontest.Many(1), true) // 10 steps, 1 ms apart
	cur := session.NewCursor(s, false)
	p := NewPlayer(s, cur, false)
	for p.Speed() != (Speed{RealTime: 1}) {
		if !p.Faster(sessiontest.Start) {
			t.Fatal("no real-time speed")
		}
	}
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // wall clock, unrelated to capture time
	p.Toggle(t0)
	for _, tt := range []struct {
		at  time.Duration
		pos int
	}{
		{0, 0}, {500 * time.Microsecond, 0}, {time.Millisecond, 1}, {3500 * time.Microsecond, 3}, {time.Second, 9},
	} {
		p.Tick(t0.Add(tt.at))
		if got := cur.Pos(); got != tt.pos {
			t.Errorf("at +%v: pos %d, want %d", tt.at, got, tt.pos)
		}
	}
	if p.Playing() {
		t.Errorf("still playing at the end of the file")
	}
}

func TestPlayerLive(t *testing.T) {
	segs := sessiontest.Many(1)
	s := loaded(segs[:5], false)
	cur := session.NewCursor(s, true)
	p := NewPlayer(s, cur, true)
	t0 := sessiontest.Start
	if cur.Pos() != 4 || !p.Playing() {
		t.Fatalf("live start: pos %d playing %v", cur.Pos(), p.Playing())
	}
	p.Toggle(t0) // pause: capture goes on
	for _, g := range segs[5:] {
		s.Observe(g)
	}
	if cur.Pos() != 4 || p.Playing() {
		t.Fatalf("paused: pos %d playing %v", cur.Pos(), p.Playing())
	}
	cur.Seek(1)
	p.Toggle(t0) // play from step 1 at 2/s
	p.Tick(t0.Add(time.Second))
	if cur.Pos() != 3 || cur.Following() {
		t.Errorf("replaying history: pos %d following %v", cur.Pos(), cur.Following())
	}
	p.Tick(t0.Add(time.Minute)) // catches up: follows the newest again
	if cur.Pos() != 9 || !cur.Following() {
		t.Errorf("caught up: pos %d following %v", cur.Pos(), cur.Following())
	}
}

func TestPlayerWhileLoading(t *testing.T) {
	segs := sessiontest.Many(1)
	s := loaded(segs[:3], false)
	cur := session.NewCursor(s, false)
	p := NewPlayer(s, cur, false)
	t0 := sessiontest.Start
	p.Toggle(t0)
	p.Tick(t0.Add(time.Minute)) // runs out of loaded steps: waits
	if cur.Pos() != 2 || !p.Playing() {
		t.Fatalf("waiting: pos %d playing %v", cur.Pos(), p.Playing())
	}
	for _, g := range segs[3:] {
		s.Observe(g)
	}
	p.Tick(t0.Add(time.Minute + time.Second)) // no burst: 2 steps for 1 s
	if cur.Pos() != 4 {
		t.Errorf("after loading more: pos %d, want 4", cur.Pos())
	}
}
