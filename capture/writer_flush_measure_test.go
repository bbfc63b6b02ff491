package capture_test

import (
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
)

// TestMeasureFlushAge is a measurement, not a check (it never fails on
// a time): under steady traffic (a packet every ~100 µs into a
// CreatePcap file) it logs how long each packet waits before the file on
// disk holds it, which is what SIGKILL would lose. Run it alone, at
// real-time priority so a loaded machine's scheduling is not what is
// measured:
//
//	go test -c -o /tmp/capture.test ./capture && cd capture &&
//	  SYNFIN_MEASURE=1 chrt -f 50 /tmp/capture.test -test.run TestMeasureFlushAge -test.v
func TestMeasureFlushAge(t *testing.T) {
	if os.Getenv("SYNFIN_MEASURE") == "" {
		t.Skip("a measurement: set SYNFIN_MEASURE=1 to run it (see its doc comment)")
	}
	path := filepath.Join(t.TempDir(), "m.pcap")
	w, err := capture.CreatePcap(path)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 120)
	type rec struct {
		at  time.Time
		end int64
	}
	var mu sync.Mutex
	var recs []rec
	stop := time.Now().Add(3 * time.Second)
	done := make(chan []time.Duration)
	go func() {
		var ages []time.Duration
		k := 0
		for {
			st, err := os.Stat(path)
			now := time.Now()
			mu.Lock()
			for err == nil && k < len(recs) && recs[k].end <= st.Size() {
				ages = append(ages, now.Sub(recs[k].at))
				k++
			}
			mu.Unlock()
			if now.After(stop) {
				done <- ages
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	off := int64(24)
	for time.Now().Before(stop) {
		off += 16 + int64(len(data))
		mu.Lock()
		recs = append(recs, rec{time.Now(), off})
		mu.Unlock()
		w.WritePacket(time.Now(), data, len(data))
		time.Sleep(100 * time.Microsecond)
	}
	ages := <-done
	w.Close()
	sort.Slice(ages, func(i, j int) bool { return ages[i] < ages[j] })
	t.Logf("%d packets written in 3 s; %d reached the file before the end; age before reaching the file: median %v, p99 %v, worst %v",
		len(recs), len(ages), ages[len(ages)/2], ages[len(ages)*99/100], ages[len(ages)-1])
}
