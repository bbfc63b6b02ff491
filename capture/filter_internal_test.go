package capture

import (
	"strings"
	"testing"
)

// TestFilterCompiledOnce: the segment program holds each primitive once
// and only jumps forward, so a segment costs at most one test per
// primitive whatever the nesting: "!" and parentheses add nothing.
func TestFilterCompiledOnce(t *testing.T) {
	for _, c := range []struct {
		expr  string
		prims int
	}{
		{"port 80", 1},
		{strings.Repeat("! ", 256) + "port 80", 1},
		{strings.Repeat("(", 256) + "port 80" + strings.Repeat(")", 256), 1},
		{"(port 1 or port 2) and not (host 10.0.0.9 or ! tcp)", 4},
		{"port 80 or 443 or 8080", 3},
	} {
		f, err := ParseFilter(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.prog) != c.prims {
			t.Errorf("%.60q: %d instructions, want %d (one per primitive)", c.expr, len(f.prog), c.prims)
		}
		for pc, in := range f.prog {
			if in.yes <= pc || in.no <= pc || in.yes > len(f.prog)+1 || in.no > len(f.prog)+1 {
				t.Errorf("%.60q: instruction %d jumps to %d/%d: not forward", c.expr, pc, in.yes, in.no)
			}
		}
	}
}
