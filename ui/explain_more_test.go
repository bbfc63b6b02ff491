package ui

import (
	"strings"
	"testing"

	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/i18n"
)

// TestExplainMore: lines the explanation pane cannot show are counted on
// its borders, below with how to reach them, above once scrolled; a pane
// that shows everything says nothing.
func TestExplainMore(t *testing.T) {
	b := diagramtest.ClientClose()
	sel := len(b.Steps) - 2
	e := NewExplain()
	e.SetBorder(true)
	e.SetConn(b.Conn(), b.Steps, sel, i18n.En)
	rows := func(h int) []string { return strings.Split(screenDump(t, e, 80, h), "\n")[:h] }

	r := rows(6)
	if !strings.Contains(r[5], "more: Tab to this pane, then ↓ ┘") || strings.Contains(r[0], "more") {
		t.Errorf("unscrolled, 4 rows: borders\n%s\n%s", r[0], r[5])
	}
	e.Scroll(2)
	r = rows(6)
	if !strings.Contains(r[0], "↑ 2 more") {
		t.Errorf("scrolled by 2: top border %q", r[0])
	}
	r = rows(60)
	if strings.Contains(r[0], "more") || strings.Contains(r[59], "more") {
		t.Errorf("60 rows show everything, yet the borders say\n%s\n%s", r[0], r[59])
	}
}
