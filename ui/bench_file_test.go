package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/internal/sessionfile"
)

// BenchmarkKeysFile is the time to handle End, ←, → or Home and draw the
// whole screen (160×45) as synfin -r does: the packet fields read again
// from the file. The file is SYNFIN_BENCH_PCAP, or a synthetic capture of
// 1M packets written to a temporary directory:
//
//	go test ./ui -run x -bench KeysFile
//	SYNFIN_BENCH_PCAP=/tmp/tui-bench/synthetic-914077.pcap go test ./ui -run x -bench KeysFile -benchtime 200x
func BenchmarkKeysFile(b *testing.B) {
	path := os.Getenv("SYNFIN_BENCH_PCAP")
	if path == "" {
		path = filepath.Join(b.TempDir(), "synthetic.pcap")
		if err := capturetest.WriteSyntheticPcap(path, 100_000); err != nil {
			b.Fatal(err)
		}
	}
	s := sessionfile.Load(b, path)
	a := New(Config{Session: s, Mode: Replay, Source: filepath.Base(path), Lang: i18n.En,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(), Clock: time.Now})
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		b.Fatal(err)
	}
	defer scr.Fini()
	scr.SetSize(160, 45)
	a.Root().SetRect(0, 0, 160, 45)
	for _, k := range []struct {
		name string
		key  tcell.Key
	}{{"End", tcell.KeyEnd}, {"Left", tcell.KeyLeft}, {"Right", tcell.KeyRight}, {"Home", tcell.KeyHome}} {
		b.Run(k.name, func(b *testing.B) {
			for i := range b.N {
				if i%2 == 1 { // End and Home move every time, ← and → do not run out
					a.cur.Seek(s.Len() / 2)
				}
				a.HandleKey(key(k.key))
				a.Root().Draw(scr)
				scr.Show()
			}
			b.ReportMetric(float64(s.Len()), "steps")
		})
	}
	if err := s.Info().Reread; err != nil {
		b.Fatal(err)
	}
}
