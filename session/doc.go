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
// A step is a 36-byte record (stepRec: packet number and connection in
// 32 bits each, its time in 32 bits of nanoseconds after its 64-step
// block's base (whole beside the chunk when it does not fit), relative
// numbers, length, flags, states, where its changes and notes are) plus
// its changes and notes as 8-byte entries beside it, reasons interned;
// Step rebuilds the full value on demand. The fields only the detail
// pane shows (raw sequence numbers, window, options, payload preview:
// 28 bytes and the preview) are kept in one of three places:
//
//   - in the capture file itself (Run with RunOptions.Reread on a
//     Rereader, capture.FileSource of an uncompressed file): the step
//     keeps the packet's offset (4 bytes beside its chunk's base) and a
//     check byte; Step reads the packet again and decodes it with
//     capture's decoder, so what is shown is what was shown while
//     reading (TestRereadEqualsMemory compares every step of every
//     capture both ways). A packet read back with other fields (the file
//     was rewritten) is shown without them, and Info.Reread says so;
//   - in an unlinked temporary file (RunOptions.Spill), for a pipe or a
//     gzip file, which cannot be read again: the same 4 bytes a step;
//   - in memory, beside the record (live capture, Observe).
//
// A connection's index holds the Index of each of its steps (4 bytes a
// step) and a full entry (its counters, states and how many transitions,
// notes and history letters it had) every 32 steps and wherever the
// entry does not follow from the one before and the step (a segment
// counts one packet and its length for its sender; the record keeps the
// history's growth), the first step's included, which usually follows
// from nothing: most short connections hold no entry at all. Any other
// entry is derived by walking at most 31 records; an open connection
// keeps its latest entry once it is 8 steps past the last full one.
// What readers see of a connection is a compact copy of the tracker's
// Conn, made at each of its steps: readers never touch a *Conn, which
// the tracker changes between events and, with fsm.Config.Freeze,
// freezes and reuses for another connection. The copy is part of the
// connection's record (connRec, 240 bytes with it), found by ID in the
// session's list (no map); it keeps the addresses as 16 bytes, a port
// and a kind each and the first time as Unix nanoseconds (whatever would
// not read back identical, such as a zone or another location, whole
// apart), and its transitions are its steps' changes (their positions
// and current confidences, 5 bytes each instead of 32). Once the tracker
// lets go of a connection, its Conn is left to the garbage collector.
//
// Measured (TestMemory, live heap after a collection, 100k short
// connections, 1.09M steps): 85 bytes per step when the packets are
// re-read from the file or a spill file, 110 with them in memory (112
// and 137 before the changes above, 213 and 518 in earlier layouts).
// With the tracker's Freeze (as in the TUI), on the files of issue 10
// (live heap before the end of the file, where it peaks, every
// connection still open): the 1M-packet timewait shape (100k
// connections in TIME_WAIT) 122 MB (141 before), of which the steps
// 49 MB, the session's connections about 420 bytes each (the record
// 240, its step index, transition positions and confidences, history,
// the latest entry of the longer ones) and the tracker's own about 300;
// the resetopen shape (200k connections, half never closed) 154 MB
// (174 before).
//
// Why not keyframes. Issue 10 suggested periodic snapshots of the
// tracker (fsm.Tracker.Clone) and re-running it from the nearest one.
// A tracker connection weighs about 2 KB: a snapshot of 100k live
// connections is 200 MB, as large as the whole store; on the synthetic
// file (about 6,000 connections alive at any time, most in TIME_WAIT)
// one snapshot every 100k steps costs 12 MB, 120 bytes a step, where the
// index and checkpoints that derive any entry from the steps cost 9.
// Replaying the tracker from a keyframe on every key press would also
// cost milliseconds where the index answers in microseconds.
// What a step shows is kept (states, changes, notes: what the tracker
// computed), and only what the packet itself says is read again.
//
// # Dropping steps
//
// With its packet fields in memory a Session keeps at most
// Config.MaxSteps steps (DefaultMaxSteps, 2M); with them in a file, all
// of them unless MaxSteps is set (--keep). Beyond MaxSteps, or KeepFor
// of capture time, the oldest steps are dropped, 4096 at a time, and
// Info.Dropped says how many and Info.DropWhy why, so the UI can show a
// notice. A connection stays listed while any of its steps is kept or it
// is still open; its last state is always kept.
//
// # Goroutines
//
// One writer, many readers. The writer is the pump (Session.Run) or a
// caller of Observe/Advance/Flush from one goroutine; it holds the write
// lock of an internal sync.RWMutex while it feeds the fsm.Tracker, so the
// tracker's connections never change under a reader. Every exported read
// method takes the read lock and returns copies (or slices of immutable
// data), safe to use after it returns. Re-reading a packet (pread) is
// safe from several readers at once. Version changes after every write;
// a UI polls it to decide whether to redraw. A Cursor belongs to the one
// goroutine that moves it (the UI's event loop).
package session
