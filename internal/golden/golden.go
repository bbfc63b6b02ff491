// Package golden compares test output with golden files and rewrites them
// when a test binary runs with -update (go test ./pkg -update), as Go's
// own go/printer tests do. Only tests import it; it registers the -update
// flag in their binaries.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Updating reports whether the test binary was run with -update.
func Updating() bool { return *update }

// Check compares got with the file at path. With -update it writes got
// there instead (creating the folder) and does nothing else.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test with -update creates it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff lists the lines that differ, -want then +got, at most 40 of them;
// "" if the texts are equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		if shown == 40 {
			b.WriteString("...\n")
			break
		}
		fmt.Fprintf(&b, "line %d:\n-%s\n+%s\n", i+1, wl, gl)
		shown++
	}
	return b.String()
}
