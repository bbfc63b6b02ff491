// Package report writes per-connection summaries (text table, JSON Lines,
// Zeek-like TSV) from a stream of segments, streaming: a connection is
// written as soon as the tracker lets go of it, then forgotten, so memory
// grows only with the connections still open.
//
// # Numbers
//
// A connection's number is the tracker's ID (fsm.Conn.ID): from 1 in
// order of first packet, the '#' of the terminal UI and of 'synfin
// diagram --conn'. Connections are written in the order they end.
//
// # Goroutines
//
// Run uses three stages on goroutines of their own: reading and decoding
// the source, tracking (the caller's goroutine), formatting and writing.
// A connection is handed to the writer only once the tracker reports its
// end, so the writer reads it while tracking goes on. Run returns after
// all three have stopped; Run may be called from several goroutines on
// different sources.
//
// # Errors
//
// A read error stops the run after every connection read so far has been
// written (their states as of the last good packet); a source with packets
// but no TCP segment gives ErrNoTCP, saying where the packets went.
package report
