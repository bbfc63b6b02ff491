// Package diagram lays out the sequence (ladder) diagram of one TCP
// connection — client and server as two vertical lines, one arrow per
// segment labelled with its flags and relative seq/ack, each side's state
// written where it changes — and exports it as plain text, SVG or a Mermaid
// sequenceDiagram.
//
// The layout (Ladder, Rows, Line) is pure and shared: the terminal UI draws
// the same lines with colours, the text export without. Collect reads a
// capture through the session store to get one connection's steps.
//
// Everything here is safe for concurrent use on distinct values; nothing
// keeps state between calls.
package diagram
