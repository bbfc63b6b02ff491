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
	benchTemp string // the directory made for this binary, removed by TestMain
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
			benchPath, benchTemp = filepath.Join(dir, "synthetic.pcap"), dir
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

// The shapes of issue 10 (capturetest.Shapes), written once per test
// binary, or kept in SYNFIN_BENCH_DIR (as timewait.pcap, resetopen.pcap,
// long.pcap) for measuring the command's peak memory (see README).
var (
	shapeMu    sync.Mutex
	shapePaths = map[string]string{}
	shapeDir   string
	shapeTemp  string                 // the directory made for this binary, removed by TestMain
	bareNs     = map[string]float64{} // ns/op of the bare loop, by shape
	bareCPU    = map[string]float64{} // CPU ns/op of the bare loop, by shape
)

func shapeFile(b *testing.B, sh capturetest.Shape) string {
	shapeMu.Lock()
	defer shapeMu.Unlock()
	if p, ok := shapePaths[sh.Name]; ok {
		return p
	}
	if shapeDir == "" {
		shapeDir = os.Getenv("SYNFIN_BENCH_DIR")
		if shapeDir == "" {
			d, err := os.MkdirTemp("", "synfin-shapes")
			if err != nil {
				b.Fatal(err)
			}
			shapeDir, shapeTemp = d, d
		} else if err := os.MkdirAll(shapeDir, 0o755); err != nil {
			b.Fatalf("SYNFIN_BENCH_DIR: %v (name a directory synfin may create or write in)", err)
		}
	}
	p := filepath.Join(shapeDir, sh.Name+".pcap")
	if _, err := os.Stat(p); err != nil {
		if err := capturetest.WriteShape(p, sh); err != nil {
			b.Fatal(err)
		}
	}
	shapePaths[sh.Name] = p
	return p
}

// BenchmarkShapes measures, for each shape of issue 10, the bare read and
// decode loop ("read") and `synfin summary` in each format, in one run.
// The format benchmarks report x-bare, their time over the bare loop's
// measured just before, and cpu-x-bare, the same for the CPU time the
// process used (what to read on a busy machine; run the whole benchmark,
// not one format alone):
//
//	go test ./report -run x -bench Shapes -benchtime 3x
func BenchmarkShapes(b *testing.B) {
	for _, sh := range capturetest.Shapes {
		b.Run(sh.Name+"/read", func(b *testing.B) {
			path := shapeFile(b, sh)
			b.ResetTimer()
			cpu0 := cpuNs()
			for i := 0; i < b.N; i++ {
				src, err := capture.OpenFile(path)
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := src.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
				src.Close()
			}
			cpu := (cpuNs() - cpu0) / float64(b.N)
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			shapeMu.Lock()
			bareNs[sh.Name], bareCPU[sh.Name] = ns, cpu
			shapeMu.Unlock()
			if cpu > 0 {
				b.ReportMetric(cpu/1e9, "cpu-s/op")
			}
			b.ReportMetric(float64(sh.Packets())/(ns/1e9), "packets/s")
		})
		for _, format := range report.Formats {
			b.Run(sh.Name+"/"+format, func(b *testing.B) {
				path := shapeFile(b, sh)
				b.ResetTimer()
				cpu0 := cpuNs()
				for i := 0; i < b.N; i++ {
					src, err := capture.OpenFile(path)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := report.Run(src, io.Discard, report.Options{Format: format}); err != nil {
						b.Fatal(err)
					}
					src.Close()
				}
				cpu := (cpuNs() - cpu0) / float64(b.N)
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(float64(sh.Packets())/(ns/1e9), "packets/s")
				if cpu > 0 {
					b.ReportMetric(cpu/1e9, "cpu-s/op")
				}
				shapeMu.Lock()
				bare, bareC := bareNs[sh.Name], bareCPU[sh.Name]
				shapeMu.Unlock()
				if bare > 0 {
					b.ReportMetric(ns/bare, "x-bare")
				}
				if bareC > 0 {
					b.ReportMetric(cpu/bareC, "cpu-x-bare")
				}
			})
		}
	}
}
