package golden_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/internal/golden"
)

func TestDiff(t *testing.T) {
	if d := golden.Diff("a\nb\n", "a\nb\n"); d != "" {
		t.Errorf("equal texts: got %q", d)
	}
	d := golden.Diff("a\nb\nc", "a\nx\nc\nd")
	for _, want := range []string{"line 2:\n-b\n+x\n", "line 4:\n-\n+d\n"} {
		if !strings.Contains(d, want) {
			t.Errorf("Diff lacks %q:\n%s", want, d)
		}
	}
}

type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.failed = true }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = true }

func TestCheck(t *testing.T) {
	if golden.Updating() {
		t.Skip("-update: nothing to compare")
	}
	path := filepath.Join("testdata", "hello.golden")
	r := &recorder{TB: t}
	golden.Check(r, path, []byte("hello\n"))
	if r.failed {
		t.Errorf("Check failed on the matching file")
	}
	r = &recorder{TB: t}
	golden.Check(r, path, []byte("bye\n"))
	if !r.failed {
		t.Errorf("Check passed a differing text")
	}
}
