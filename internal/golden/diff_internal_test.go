package golden

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDiffLinesMinimal: on random small texts, the edit script rebuilds
// both texts and has the fewest edits (n+m-2·LCS, by the textbook table).
func TestDiffLinesMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 500; round++ {
		w := randLines(rng)
		g := randLines(rng)
		ops := diffLines(w, g)
		var rw, rg []string
		edits := 0
		for _, o := range ops {
			switch o.kind {
			case ' ':
				if w[o.i] != g[o.j] {
					t.Fatalf("kept lines differ: %q %q", w[o.i], g[o.j])
				}
				rw, rg = append(rw, w[o.i]), append(rg, g[o.j])
			case '-':
				rw = append(rw, w[o.i])
				edits++
			case '+':
				rg = append(rg, g[o.j])
				edits++
			}
		}
		if strings.Join(rw, "\n") != strings.Join(w, "\n") || strings.Join(rg, "\n") != strings.Join(g, "\n") {
			t.Fatalf("script does not rebuild the texts: %q %q", w, g)
		}
		if want := len(w) + len(g) - 2*lcsLen(w, g); edits != want {
			t.Fatalf("%d edits for %q -> %q, the minimum is %d", edits, w, g, want)
		}
	}
}

func randLines(rng *rand.Rand) []string {
	n := rng.IntN(12)
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a' + rng.IntN(4)))
	}
	return out
}

func lcsLen(a, b []string) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}
