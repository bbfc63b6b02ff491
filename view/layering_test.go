package view_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering fails when a package imports what the house forbids
// (the design's one-way graph): fsm imports only the standard
// library; view, web and diagram import neither tview nor tcell (they
// decide or write what is shown, the terminal draws it); web and diagram
// do not import ui.
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: cannot list dependencies")
	}
	const mod = "github.com/synfin/synfin/"
	for _, c := range []struct {
		pkg       string
		forbidden []string
		stdOnly   bool
	}{
		{pkg: "fsm", stdOnly: true},
		{pkg: "view", forbidden: []string{"github.com/rivo/tview", "github.com/gdamore/tcell", mod + "ui"}},
		{pkg: "web", forbidden: []string{"github.com/rivo/tview", "github.com/gdamore/tcell", mod + "ui"}},
		{pkg: "diagram", forbidden: []string{"github.com/rivo/tview", "github.com/gdamore/tcell", mod + "ui"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", mod+c.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		for _, ln := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			path, std, _ := strings.Cut(ln, " ")
			if c.stdOnly && std != "true" && path != mod+c.pkg {
				t.Errorf("%s imports %s: it must use the standard library only", c.pkg, path)
			}
			for _, f := range c.forbidden {
				if path == f || strings.HasPrefix(path, f+"/") {
					t.Errorf("%s imports %s", c.pkg, path)
				}
			}
		}
	}
}
