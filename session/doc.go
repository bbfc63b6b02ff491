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
// What readers see of a connection is a compact copy of its history,
// folded at each of its steps from the tracker's events (a transition's
// ordinal places it, KindConfidence, KindRevision and KindNote change
// it: fsm.History is the same fold, whole): readers never touch a
// *Conn, which the tracker changes between events and, with
// fsm.Config.Freeze (which the TUI turns on), freezes and reuses for
// another connection. The copy is part of the
// connection's record (connRec, 144 bytes with it, a size class),
// found by ID in the session's list (no map); it keeps the addresses as
// 16 bytes and a port each and the first time as Unix nanoseconds
// (whatever would not read back identical, such as a zone, :: or a
// 4-in-6 address, or another location, whole apart), its history as an
// index in the session's table of short histories, FirstPacket and the
// Index where it ended in 32 bits; its transitions are its steps'
// changes: up to 14 positions of the steps that have them as 4-bit
// distances and their current confidences 2 bits each, in two words
// (a slice apart beyond). Its checkpoints and kept latest entry are in
// a 32-byte side record that most short connections do without, and what
// only a connection whose steps were dropped needs is with the rest of
// its rare fields (TestCompactFallbacks reads every compact field back
// on both sides of what fits). Once the tracker lets go of a
// connection, its Conn is left to the garbage collector.
//
// Measured (TestMemory, live heap after a collection, 100k short
// connections, 1.09M steps): 89 bytes per step when the packets are
// re-read from the file or a spill file, 115 with them in memory (101
// and 127 with the 240-byte record, measured the same day; 213 and 518
// in earlier layouts). With the tracker's Freeze (as in the TUI), on
// the files of issue 10 (live heap at the end of the file, where it
// peaks, every connection still open; MB of 10^6 bytes): the 1M-packet
// timewait shape (100k connections in TIME_WAIT) 110 MB (122 with the
// 240-byte record); the resetopen shape (200k connections, half never
// closed) 133 MB (160 before), of which the steps about 51 MB (36
// bytes each, their changes, file offsets), the session's connections
// about 33 MB (165 bytes each: the record, its place in the list, its
// step index) and the tracker's about 45 MB.
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
