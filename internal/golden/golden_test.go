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
	for _, c := range []struct{ name, want, got, diff string }{
		{"changed-and-appended", "a\nb\nc", "a\nx\nc\nd", "@@ -1,3 +1,4 @@\n a\n-b\n+x\n c\n+d\n"},
		// One inserted line is one + line: the lines after it are not
		// marked changed (before, every later line was).
		{"inserted", "1\n2\n3\n4\n5\n6\n7\n8", "1\n2\n3\nnew\n4\n5\n6\n7\n8", "@@ -2,4 +2,5 @@\n 2\n 3\n+new\n 4\n 5\n"},
		{"deleted", "1\n2\n3\n4\n5\n6\n7", "1\n2\n3\n5\n6\n7", "@@ -2,5 +2,4 @@\n 2\n 3\n-4\n 5\n 6\n"},
		{"two-hunks", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj", "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ",
			"@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n@@ -8,3 +8,3 @@\n h\n i\n-j\n+J\n"},
	} {
		if d := golden.Diff(c.want, c.got); d != c.diff {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, d, c.diff)
		}
	}
	// Past the size of the exact table: a correct, coarser diff.
	big := strings.Repeat("x\n", 3000)
	if d := golden.Diff("a\n"+big+"b", "c\n"+big+"d"); !strings.Contains(d, "-a\n+c\n") || !strings.Contains(d, "-b\n+d\n") {
		t.Errorf("big texts: %.200q", d)
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
