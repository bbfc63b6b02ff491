package report_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/report"
)

// TestNoTCPSaysWhy: when a filter rejects every segment, the message says
// so instead of ending in an empty "()".
func TestNoTCPSaysWhy(t *testing.T) {
	const path = "../testdata/scenarios/client-close.pcap"
	src, err := capture.OpenFileFiltered(path, "port 1")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	_, err = report.Run(src, &out, report.Options{Format: "text", Name: path})
	if !errors.Is(err, report.ErrNoTCP) {
		t.Fatalf("err %v, want ErrNoTCP", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "()") || !strings.Contains(msg, "filtered out") {
		t.Errorf("%q: want the filtered segments named, no empty ()", msg)
	}
}
