package hostile_test

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/internal/hostile"
)

// TestGenerators: every generator writes a capture synfin's reader takes
// whole, with the number of TCP segments it promises.
func TestGenerators(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		write func(path string) error
		want  uint64
	}{
		{"one-tuple", func(p string) error { return hostile.OneTuple(p, 5000) }, 5000},
		{"short-conns", func(p string) error { return hostile.ShortConns(p, 300) }, 3000},
		{"many-interfaces", func(p string) error { return hostile.ManyInterfaces(p, 2000, 500) }, 500},
		{"many-options", func(p string) error { return hostile.ManyOptions(p, 7, 700) }, 700},
		{"syn-flood", func(p string) error { return hostile.SynFlood(p, 1000, time.Millisecond) }, 1000},
		{"open-conns", func(p string) error { return hostile.OpenConns(p, 100, time.Millisecond) }, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := tc.write(path); err != nil {
				t.Fatal(err)
			}
			src, err := capture.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			for {
				if _, err := src.Next(); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("after %d segments: %v", src.Stats().Segments, err)
					}
					break
				}
			}
			if st := src.Stats(); st.Segments != tc.want || st.Packets != tc.want {
				t.Errorf("got %d packets, %d segments; want %d of each", st.Packets, st.Segments, tc.want)
			}
		})
	}
}
