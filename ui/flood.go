package ui

import (
	"sync/atomic"

	"github.com/gdamore/tcell/v2"
)

// floodScreen wraps the terminal so that a flood of queued keys (a key
// held down, 2,000 keys pasted or sent by tmux) costs one redraw, not one
// per key: tview redraws after every key it handles, so while more keys
// are waiting the App asks this screen to skip that redraw (skip), and
// the state the keys changed is drawn once, after the last one.
//
// It counts the keys PollEvent handed to tview's event queue that the
// event loop has not handled yet (tview's queue is invisible otherwise),
// plus tcell's own queue (HasPendingEvent).
type floodScreen struct {
	tcell.Screen
	handed  atomic.Int64 // keys returned by PollEvent, not yet handled
	skip    bool         // the next redraw is skipped (event loop only)
	skipped int          // redraws skipped in a row (event loop only)
	initErr error
}

// maxSkipped bounds the redraws skipped in a row: during a long flood the
// screen still moves every maxSkipped keys, so the user sees progress.
const maxSkipped = 256

func (s *floodScreen) Init() error {
	s.initErr = s.Screen.Init()
	return s.initErr
}

// PollEvent counts the keys it hands to tview (tview's screen goroutine).
func (s *floodScreen) PollEvent() tcell.Event {
	ev := s.Screen.PollEvent()
	if _, ok := ev.(*tcell.EventKey); ok {
		s.handed.Add(1)
	}
	return ev
}

// keyHandled is called by the event loop for every key it handles
// (tview's application-level input capture sees every key).
func (s *floodScreen) keyHandled() { s.handed.Add(-1) }

// pending reports whether more keys wait after the one being handled.
func (s *floodScreen) pending() bool {
	return s.handed.Load() > 0 || s.Screen.HasPendingEvent()
}

// deferDraw decides, after a key was handled, whether tview's redraw that
// follows is skipped.
func (s *floodScreen) deferDraw() {
	if s.pending() && s.skipped < maxSkipped {
		s.skip = true
		s.skipped++
		return
	}
	s.skipped = 0
}

// Clear and Show do nothing during a skipped redraw, so the terminal
// keeps the previous picture rather than a blank one (tview clears the
// screen before asking whether to draw).
func (s *floodScreen) Clear() {
	if !s.skip {
		s.Screen.Clear()
	}
}

func (s *floodScreen) Show() {
	if s.skip {
		s.skip = false
		return
	}
	s.Screen.Show()
}
