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

// Diff shows how got differs from want as a line diff, -want +got, in
// hunks headed "@@ -l,n +l,n @@" with two lines of context, as diff -u
// prints it: one inserted line is one "+" line, not every later line
// changed. At most maxShown changed lines are shown. "" if the texts are
// equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	ops := diffLines(w, g)
	return format(ops, w, g)
}

// maxShown bounds the changed lines a Diff shows.
const maxShown = 40

// op is one line of an edit script: kept, deleted (from want) or
// inserted (from got), with its position in each text.
type op struct {
	kind byte // ' ', '-', '+'
	i, j int  // line in want, line in got (0-based)
}

// diffLines is a shortest line diff (Myers' O((N+M)D) algorithm, "An
// O(ND) Difference Algorithm and Its Variations", 1986), after taking the
// common prefix and suffix off. Past maxEdits changes the middle is shown
// as a block replaced: still correct, only less minimal.
func diffLines(w, g []string) []op {
	var ops []op
	p := 0
	for p < len(w) && p < len(g) && w[p] == g[p] {
		ops = append(ops, op{' ', p, p})
		p++
	}
	sw, sg := len(w), len(g)
	for sw > p && sg > p && w[sw-1] == g[sg-1] {
		sw--
		sg--
	}
	mid, ok := myers(w[p:sw], g[p:sg])
	if !ok {
		mid = mid[:0]
		for i := range sw - p {
			mid = append(mid, op{'-', i, 0})
		}
		for j := range sg - p {
			mid = append(mid, op{'+', sw - p, j})
		}
	}
	for _, o := range mid {
		ops = append(ops, op{o.kind, o.i + p, o.j + p})
	}
	for k := 0; sw+k < len(w); k++ {
		ops = append(ops, op{' ', sw + k, sg + k})
	}
	return ops
}

// maxEdits bounds the work (and the trace, O(maxEdits²)) of myers.
const maxEdits = 2000

// myers returns the edit script from a to b, or ok false when it needs
// more than maxEdits insertions and deletions.
func myers(a, b []string) (ops []op, ok bool) {
	n, m := len(a), len(b)
	if n+m == 0 {
		return nil, true
	}
	off := n + m + 1
	v := make([]int, 2*off+1) // v[off+k]: furthest x on diagonal k
	var trace [][]int         // trace[d]: v for k in -d-1..d+1 before step d
	for d := 0; d <= n+m; d++ {
		if d > maxEdits {
			return nil, false
		}
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: insert b[y]
			} else {
				x = v[off+k-1] + 1 // right: delete a[x]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m), true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace from (n, m) back to (0, 0).
func backtrack(trace [][]int, n, m int) []op {
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		v := trace[d] // before step d: index k+d+1
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		prevK := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, op{' ', x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, op{'+', x, y})
		} else {
			x--
			rev = append(rev, op{'-', x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, op{' ', x, y})
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// format prints the changed ops with two lines of context in hunks.
func format(ops []op, w, g []string) string {
	const context = 2
	var b strings.Builder
	shown := 0
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk: from context lines before this change to context lines
		// after the last change that is at most 2*context kept lines on.
		start := max(k-context, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		var nw, ng int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				nw++
			}
			if o.kind != '-' {
				ng++
			}
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", ops[start].i+1, nw, ops[start].j+1, ng)
		for _, o := range ops[start:end] {
			switch o.kind {
			case ' ':
				fmt.Fprintf(&b, " %s\n", w[o.i])
			case '-':
				fmt.Fprintf(&b, "-%s\n", w[o.i])
				shown++
			case '+':
				fmt.Fprintf(&b, "+%s\n", g[o.j])
				shown++
			}
			if shown >= maxShown {
				b.WriteString("...\n")
				return b.String()
			}
		}
		k = end
	}
	return b.String()
}
