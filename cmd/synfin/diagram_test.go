package main

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"
)

func TestDiagramUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"diagram"}, 2, "-r FILE is required"},
		{[]string{"diagram", "-r", "../../testdata/scenarios/client-close.pcap", "--format", "png"}, 2, `--format "png"`},
		{[]string{"diagram", "-r", "../../testdata/scenarios/client-close.pcap", "--lang", "fr"}, 2, `--lang "fr"`},
		{[]string{"diagram", "-r", "../../testdata/scenarios/client-close.pcap", "--conn", "0"}, 2, "--conn counts from 1"},
		{[]string{"diagram", "-r", "../../testdata/scenarios/client-close.pcap", "--conn", "99"}, 2, "pick --conn between 1 and 1"},
		{[]string{"diagram", "-r", "../../testdata/scenarios/client-close.pcap", "--width", "10"}, 2, "--width 10"},
		{[]string{"diagram", "-r", "no-such-file.pcap"}, 1, "no-such-file.pcap"},
		{[]string{"diagram", "--bogus"}, 2, "bogus"},
		{[]string{"diagram", "-h"}, 0, ""},
		{[]string{"diagram", "-r", "../../capture/testdata/no-tcp.pcap"}, 1, "holds no TCP connection"},
		{[]string{"diagram", "-r", "../../capture/testdata/not-a-capture.pcap"}, 1, "not-a-capture.pcap"},
	} {
		code, _, stderr := runCmd(context.Background(), "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
		if strings.Count(strings.TrimRight(stderr, "\n"), "\n") > 0 {
			t.Errorf("%v: error on more than one line: %q", c.args, stderr)
		}
	}
}

func TestDiagramFormats(t *testing.T) {
	file := "../../testdata/scenarios/client-close.pcap"
	code, out, stderr := runCmd(context.Background(), "", "diagram", "-r", file, "--lang", "en")
	if code != 0 || !strings.Contains(out, "SYN,ACK seq=0 ack=1") || !strings.Contains(out, "SYN_SENT │") {
		t.Fatalf("text: exit %d, stderr %q, out:\n%s", code, stderr, out)
	}
	code, out, stderr = runCmd(context.Background(), "", "diagram", "-r", file, "--format", "svg", "--lang", "zh")
	if code != 0 || !strings.HasPrefix(out, "<?xml") || !strings.Contains(out, "客户端") {
		t.Fatalf("svg: exit %d, stderr %q", code, stderr)
	}
	if err := xml.Unmarshal([]byte(out), new(struct{})); err != nil {
		t.Errorf("svg is not XML: %v", err)
	}
	code, out, stderr = runCmd(context.Background(), "", "diagram", "-r", file, "--format", "mermaid", "--lang", "en", "tcp port 7800")
	if code != 0 || !strings.HasPrefix(out, "sequenceDiagram\n") || !strings.Contains(out, "C->>S: SYN seq=0") {
		t.Fatalf("mermaid: exit %d, stderr %q, out:\n%s", code, stderr, out)
	}
}

// TestDiagramDamagedTail: what could be read is drawn, then a one-line
// error naming the file once.
func TestDiagramDamagedTail(t *testing.T) {
	file := "../../capture/testdata/truncated-record.pcap"
	code, out, stderr := runCmd(context.Background(), "", "diagram", "-r", file, "--lang", "en")
	if code != 1 || !strings.Contains(out, "SYN seq=0") {
		t.Fatalf("exit %d, out:\n%s\nstderr %q", code, out, stderr)
	}
	if strings.Count(stderr, "truncated-record.pcap") != 1 || strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 {
		t.Errorf("stderr %q: want one line naming the file once", stderr)
	}
}
