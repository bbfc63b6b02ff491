// Package view decides what every front-end shows of a connection: the
// explanation of a step with its line kinds (the meaning of a line, never
// a colour), the ack arithmetic and the other numbers it explains, the
// RFC 9293 figure's boxes and edges and which of them a step lights, and
// the lines of predict mode's questions and answers. The terminal (ui),
// the web page (web) and the exports draw what it returns.
//
// It is pure: it imports neither tview nor tcell, does no I/O and keeps no
// state between calls (a test holds the first rule). Its values are safe
// for concurrent use when not modified.
package view
