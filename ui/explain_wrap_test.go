package ui

import (
	"strings"
	"testing"
)

// TestWrapKeepsReference: a reference the explanation glued with
// non-breaking spaces ("RFC 9293 §3.6") is never broken across lines.
func TestWrapKeepsReference(t *testing.T) {
	const cited = "客户端在CLOSING中收到对自己FIN的确认：进入TIME_WAIT（RFC\u00a09293\u00a0§3.6）。"
	for w := 16; w < 40; w++ {
		for _, line := range wrap(cited, w) {
			if strings.Contains(line, "RFC") && !strings.Contains(line, "RFC\u00a09293\u00a0§3.6") {
				t.Errorf("width %d: reference broken: %q", w, line)
			}
		}
	}
}
