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
// A step costs about 300 bytes with its share of the per-connection index,
// its transitions and a payload preview of at most PreviewLen bytes; the
// tracker's connections add about 1 KB each. Measured: a 1M-packet file
// of 100k connections (1.09M steps) peaks at 550 MB resident, Go's
// garbage collector included. Beyond MaxSteps the oldest steps are
// dropped, 4096 at a time, and Info.Dropped says how many, so the UI can
// show a notice. A connection stays listed while any of its steps is kept
// or it is still open; its last state is always kept.
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
