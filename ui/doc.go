// Package ui is synfin's terminal user interface (tview on tcell): the
// connection list, the sequence (ladder) diagram, the RFC 9293 state
// diagram with both endpoints lit, the explanation of the selected packet,
// the demo panel, the status bar, the help page, predict mode (p) and the
// pause at state changes (P). It is what a class looks at, so every screen
// is designed for 80×24, 100×30 and 160×45 (goldens in testdata) and shows
// state names in full.
//
// What it must never do:
//   - decode packets or decide states: it reads a session.Session (and
//     quiz for predict mode) and draws;
//   - let text from a capture or the network reach the terminal raw or
//     restyle the screen: such text goes through Untrusted and, where tview
//     parses tags, tview.Escape; panes that draw cell by cell never parse
//     tags;
//   - hand a key to tview's Table (its handler loops forever on a list with
//     no selectable row): App moves the list's selection itself.
//
// Goroutines: everything but App.Run and App.Guard runs on the UI
// goroutine (tview's event loop, or a test calling HandleKey, Tick and
// Draw directly). One refresher goroutine asks the loop for a redraw with
// QueueUpdateDraw, at most 20 times a second, when the session or the demo
// changed; input handlers never call QueueUpdate* (it deadlocks). A flood
// of queued keys is drawn once (floodScreen). Replay pacing (Player) has
// no clock: Tick gets the time from its caller, so tests never sleep.
package ui
