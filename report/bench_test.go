package report_test

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/report"
)

// benchConns is the size of the synthetic capture: 100,000 short
// connections of about ten packets each, about one million packets.
const benchConns = 100_000

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchFile writes the synthetic capture once per test binary. Set
// SYNFIN_BENCH_PCAP to a path to keep it (for measuring the command's
// peak memory with /usr/bin/time, see README).
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		benchPath = os.Getenv("SYNFIN_BENCH_PCAP")
		if benchPath == "" {
			dir, err := os.MkdirTemp("", "synfin-bench")
			if err != nil {
				benchErr = err
				return
			}
			benchPath = filepath.Join(dir, "synthetic.pcap")
		}
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		benchErr = capturetest.WriteSyntheticPcap(benchPath, benchConns)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// BenchmarkReadDecode is the bare loop: read and decode every packet into
// a segment, nothing else. The baseline for BenchmarkSummaryJSON.
func BenchmarkReadDecode(b *testing.B) {
	path := benchFile(b)
	var pkts uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := capture.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		pkts += src.Stats().Packets
		src.Close()
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkSummaryJSON is `synfin summary --format json` end to end:
// read, decode, track, write JSON Lines (to io.Discard). It also reports
// the peak heap seen between connections.
func BenchmarkSummaryJSON(b *testing.B) {
	path := benchFile(b)
	var pkts uint64
	var conns uint64
	runtime.GC()
	var ms runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := capture.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := report.Run(src, io.Discard, report.Options{Format: "json"})
		if err != nil {
			b.Fatal(err)
		}
		pkts += res.Stats.Packets
		conns += res.Conns
		src.Close()
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(conns)/float64(b.N), "conns/op")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
}
