// Package session is the store the UI and exporters read: connections,
// the steps (segments and timer firings) that moved them, and the playback
// cursor, within bounded memory.
package session
