package session

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
)

// TestCompactFallbacks: what a connection's record keeps compact (step
// positions with changes, confidences, FirstPacket, the Index where it
// ended, its history) reads back the same whether it fits the compact
// form or goes to the rare part.
func TestCompactFallbacks(t *testing.T) {
	for _, want := range [][]uint32{
		nil, {0}, {0, 1, 2, 4}, {3, 19}, {0, 17}, {5000},
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
	} {
		var fz connCopy
		for _, p := range want {
			fz.addTrAt(p)
		}
		var buf [atMax]uint32
		if got := fz.trAt(&buf); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("positions %v read back %v", want, got)
		}
		fz.clearTrAt()
		if got := fz.trAt(&buf); len(got) != 0 {
			t.Errorf("cleared positions read back %v", got)
		}
	}
	for _, n := range []int{0, 1, 32, 33} {
		for _, top := range []fsm.Confidence{fsm.Assumed, 7} {
			trs := make([]fsm.Transition, n)
			for i := range trs {
				trs[i].Confidence = fsm.Confidence(i%int(top)) + 1
			}
			var fz connCopy
			for i := range trs {
				fz.setConf(i, trs[i].Confidence)
			}
			for i := range trs {
				if got := fz.conf(i); got != trs[i].Confidence {
					t.Errorf("%d confidences up to %d: %d read back %d, want %d", n, top, i, got, trs[i].Confidence)
				}
			}
		}
	}
	for _, n := range []uint64{0, 1, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64} {
		var fz connCopy
		fz.setFirstPacket(n)
		if got := fz.firstPacket(); got != n {
			t.Errorf("FirstPacket %d read back %d", n, got)
		}
	}
	for _, c := range []struct{ first, end int }{{0, 0}, {10, 12}, {5, 5 + math.MaxUint32 - endAt}, {5, 5 + math.MaxUint32}, {0, math.MaxInt}} {
		r := &connRec{base: c.first}
		if r.ended() != -1 {
			t.Errorf("open connection: ended %d", r.ended())
		}
		r.setEnded(c.end)
		if got := r.ended(); got != c.end {
			t.Errorf("ended at %d (first %d) read back %d", c.end, c.first, got)
		}
	}
	s := New(Config{})
	hs := []string{"", "ShADadFf", strings.Repeat("Sh", 20), "ShADadFf", "ShADaR"}
	for i := range histsMax + 10 {
		hs = append(hs, strings.Repeat("d", i%30)+string(rune('A'+i%26)))
	}
	fzs := make([]connCopy, len(hs))
	for i, h := range hs {
		s.setHistory(&fzs[i], "x")
		s.setHistory(&fzs[i], h)
	}
	for i, h := range hs {
		if got := s.history(&fzs[i]); got != h {
			t.Errorf("history %q read back %q", h, got)
		}
	}
	if len(s.histTab) > histsMax {
		t.Errorf("%d histories interned, want at most %d", len(s.histTab), histsMax)
	}
}
