// Package session is the store the UI and exporters read: connections,
// the steps (segments and timer firings) that moved them, and the playback
// cursor, within bounded memory.
//
// # Steps
//
// Every segment the tracker observes becomes one Step holding the
// transitions and notes it caused and both endpoints' states after it.
// Every timer firing (TIME_WAIT's 2MSL) becomes one Step per connection
// with Packet 0. The state of a connection at cursor i is the States of its
// latest step ≤ i, so stepping back shows exactly what arriving forward
// showed. Lookups go through a per-connection index (binary search), never
// a scan of all steps.
//
// # Memory
//
// A Session keeps at most Config.MaxSteps steps (DefaultMaxSteps, 2M).
// A step is kept compact: a 72-byte record (its changes and notes as
// 8-byte entries beside it, reasons interned, its payload preview of at
// most PreviewLen bytes in its chunk's arena) and a 48-byte entry in its
// connection's index; Step rebuilds the full value on demand. A
// connection the tracker let go of is frozen into a compact copy (about
// 500 bytes with its transitions), its tracker Conn left to the garbage
// collector. Measured (TestMemory, live heap after a collection): 213
// bytes per step for 100k short connections (1.09M steps), 518 before
// this layout; the TUI on the 1M-packet synthetic file peaks at about
// 350 MB resident (780 MB before), see README "Performance". Issue 10's
// 200 MB needs about 100 bytes per step: the next steps are re-reading
// a step's packet fields (raw numbers, window, options, payload preview:
// 38 bytes a step) from the file at its offset, and deriving the index
// entries from the steps with a checkpoint per connection every few
// dozen steps (44 bytes). Keyframes of the tracker (fsm.Tracker.Clone)
// do not pay while a Conn weighs about 2 KB: one copy per connection is
// as large as today's whole store. Beyond
// MaxSteps the oldest steps are dropped, 4096 at a time, and
// Info.Dropped says how many, so the UI can show a notice. A connection
// stays listed while any of its steps is kept or it is still open; its
// last state is always kept.
//
// # Goroutines
//
// One writer, many readers. The writer is the pump (Session.Run) or a
// caller of Observe/Advance/Flush from one goroutine; it holds the write
// lock of an internal sync.RWMutex while it feeds the fsm.Tracker, so the
// tracker's connections never change under a reader. Every exported read
// method takes the read lock and returns copies (or slices of immutable
// data), safe to use after it returns. Version changes after every write;
// a UI polls it to decide whether to redraw. A Cursor belongs to the one
// goroutine that moves it (the UI's event loop).
package session
