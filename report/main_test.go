package report_test

import (
	"os"
	"testing"
)

// TestMain removes the directories the benchmarks made for their captures
// (hundreds of MB in the system's temporary directory otherwise); ones
// named by SYNFIN_BENCH_PCAP or SYNFIN_BENCH_DIR are the caller's and kept.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{benchTemp, shapeTemp} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}
