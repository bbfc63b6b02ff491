package main

import (
	"bytes"
	"log/slog"
	"strings"
	"syscall"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

type statsSource struct{ st capture.Stats }

func (s *statsSource) Next() (fsm.Segment, error) { return fsm.Segment{}, nil }
func (s *statsSource) Stats() capture.Stats       { return s.st }
func (s *statsSource) Close() error               { return nil }

// TestSourceCountsWriteStopped: the status bar hears that the -w file
// stopped (and how many packets it holds) every time; the log once.
func TestSourceCountsWriteStopped(t *testing.T) {
	src := &statsSource{st: capture.Stats{Packets: 10}}
	var logb bytes.Buffer
	counts := sourceCounts(src, slog.New(slog.NewTextHandler(&logb, nil)))
	if c := counts(); c.WriteErr != "" || c.Packets != 10 {
		t.Fatalf("before: %+v", c)
	}
	src.st.Packets = 20
	src.st.WriteErr = &capture.StoppedError{Name: `"x.pcap"`, Written: 7, Lost: 13, Err: syscall.ENOSPC}
	for i := 0; i < 3; i++ {
		c := counts()
		if c.WriteErr != "no space left on device" || c.Saved != 7 || c.Packets != 20 {
			t.Errorf("after: %+v", c)
		}
	}
	if n := strings.Count(logb.String(), "stopped writing"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logb.String())
	}
}
