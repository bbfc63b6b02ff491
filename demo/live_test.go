package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
)

// testPortOffset keeps the tests off the ports `synfin record` uses, so a
// recording's TIME_WAITs do not meet the tests' connections.
const testPortOffset = 1000

func needLive(t testing.TB) {
	t.Helper()
	if _, err := demo.EnsureCapture(); err != nil {
		t.Skipf("live capture on loopback is not possible here: %v", err)
	}
	if err := capture.CanCaptureLive(); err != nil {
		t.Skipf("this process cannot capture (%v); TestUnprivilegedNamespace covers the private-namespace path", err)
	}
}

// TestScenariosLive runs every scenario under a live capture and fails on
// any disagreement between the kernel's view and the fsm's.
func TestScenariosLive(t *testing.T) {
	if !demo.InOwnNetns(t) {
		return
	}
	needLive(t)
	for _, sc := range demo.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			opt := demo.RecordOptions{Base: sc.Base + testPortOffset}
			if sc.Name == "stress" {
				opt.N = 300
			}
			rec, err := demo.Record(ctx, sc.Name, opt)
			if errors.Is(err, demo.ErrNotReproduced) {
				t.Skipf("the kernel's timing never gave the crossing: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range rec.Notes {
				t.Log(n)
			}
			if len(rec.Checkpoints) == 0 {
				t.Fatal("no checkpoint taken")
			}
			if !rec.Comparison.OK() {
				t.Errorf("kernel and fsm disagree:\n%s", rec.Comparison.Table(0))
			}
			if rec.Stats.KernelDrops > 0 {
				t.Errorf("the kernel dropped %d packets", rec.Stats.KernelDrops)
			}
			checkExpect(t, sc.Name, rec.Comparison)
		})
	}
}

// BenchmarkStress runs the stress scenario (2,000 connections from 8
// clients at once, b.N times) and reports connections per second
// captured end to end (scenario time, quiet waits included), the fsm's
// own rate over the captured segments, the kernel's drops and the
// endpoint states on which kernel and fsm disagree.
func BenchmarkStress(b *testing.B) {
	needLive(b)
	sc, _ := demo.Lookup("stress")
	n := 2000
	var conns, drops, packets, mism uint64
	var elapsed, fsmTime time.Duration
	for i := 0; i < b.N; i++ {
		rec, err := demo.Record(context.Background(), "stress", demo.RecordOptions{Base: sc.Base + testPortOffset + 1, N: n})
		if err != nil {
			b.Fatal(err)
		}
		conns += uint64(n)
		drops += rec.Stats.KernelDrops
		packets += rec.Stats.Packets
		mism += uint64(len(rec.Comparison.Mismatches))
		elapsed += rec.Duration
		t0 := time.Now()
		tr := fsm.NewTracker(fsm.Config{})
		for _, s := range rec.Segments {
			tr.Observe(s)
		}
		tr.Flush()
		fsmTime += time.Since(t0)
		if !rec.Comparison.OK() {
			b.Errorf("kernel and fsm disagree:\n%s", rec.Comparison.Table(40))
		}
	}
	b.ReportMetric(float64(conns)/elapsed.Seconds(), "conns/s")
	b.ReportMetric(float64(packets)/elapsed.Seconds(), "packets/s")
	b.ReportMetric(float64(conns)/fsmTime.Seconds(), "fsm-conns/s")
	b.ReportMetric(float64(drops), "drops")
	b.ReportMetric(float64(mism), "mismatches")
}
