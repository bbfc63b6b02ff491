package fsm_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestLayering holds the house's one-way graph where it starts: fsm is
// pure and imports the standard library only (no gopacket, no UI, no
// other package of ours), and the session store on top of it imports
// nothing of ours but fsm. A standard-library path has no dot in its
// first element.
func TestLayering(t *testing.T) {
	for _, c := range []struct {
		dir     string
		allowed []string
	}{
		{".", nil},
		{"../session", []string{"github.com/synfin/synfin/fsm"}},
	} {
		pkg, err := build.ImportDir(c.dir, 0)
		if err != nil {
			t.Fatal(err)
		}
	next:
		for _, imp := range pkg.Imports {
			if !strings.Contains(strings.Split(imp, "/")[0], ".") {
				continue // the standard library
			}
			for _, a := range c.allowed {
				if imp == a {
					continue next
				}
			}
			t.Errorf("%s imports %s: the layering allows only the standard library and %v", c.dir, imp, c.allowed)
		}
	}
}
