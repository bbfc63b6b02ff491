package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture/capturetest"
)

// goodPcap writes a small valid capture (3 connections) and returns its
// bytes and path.
func goodPcap(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.pcap")
	if err := capturetest.WriteSyntheticPcap(path, 3); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSummaryBadInput: every damaged input gives one line naming the file,
// the right exit code, and (for a damaged tail) the connections read.
func TestSummaryBadInput(t *testing.T) {
	good, data := goodPcap(t)
	// A pcap with one UDP packet only: valid, but no TCP.
	udp := append([]byte(nil), data[:24]...)
	udpFrame := []byte{
		0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00, // Ethernet, IPv4
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4, UDP
		0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0, // UDP
	}
	rec := make([]byte, 16)
	rec[8], rec[12] = byte(len(udpFrame)), byte(len(udpFrame)) // little-endian lengths
	udp = append(append(udp, rec...), udpFrame...)
	absurd := append([]byte(nil), data[:24+16]...)
	absurd[24+8], absurd[24+9], absurd[24+10], absurd[24+11] = 0xff, 0xff, 0xff, 0x7f

	tests := []struct {
		name   string
		path   string
		code   int
		stderr string // must appear in stderr
		stdout string // must appear in stdout
	}{
		{"missing", filepath.Join(t.TempDir(), "nope.pcap"), 1, `nope.pcap": no such file`, ""},
		{"empty", writeFile(t, "empty.pcap", nil), 1, "empty.pcap", ""},
		{"not-a-capture", writeFile(t, "notes.txt", []byte("hello, this is not a capture at all\n")), 1, "notes.txt", ""},
		{"truncated-header", writeFile(t, "short.pcap", data[:10]), 1, "short.pcap", ""},
		{"truncated-record", writeFile(t, "cut.pcap", data[:len(data)-7]), 1, "cut.pcap", "3 connections"},
		{"absurd-length", writeFile(t, "absurd.pcap", absurd), 1, "absurd.pcap", ""},
		{"no-tcp", writeFile(t, "udp.pcap", udp), 0, "no TCP segments", ""},
		{"good", good, 0, "", "3 connections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(context.Background(), "", "summary", "-r", tt.path)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			if tt.stderr != "" && !strings.Contains(errs, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errs, tt.stderr)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("error is not one line: %q", errs)
			}
			if tt.stdout != "" && !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, out)
			}
		})
	}
}

func TestSummaryUsage(t *testing.T) {
	good, _ := goodPcap(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"summary", "-h"}, 0, "--format"},
		{[]string{"summary"}, 2, "-r FILE is required"},
		{[]string{"summary", "-r", good, "--format", "xml"}, 2, `--format "xml"`},
		{[]string{"summary", "-r", good, "--time-wait", "-1s"}, 2, "--time-wait"},
		{[]string{"summary", "-r", good, "tcp", "port", "banana"}, 2, "filter"},
		{[]string{"nonsense"}, 2, "unknown command"},
	} {
		code, out, errs := runCmd(context.Background(), "", tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("synfin %v: exit %d, output %q; want exit %d and %q", tc.args, code, out+errs, tc.code, tc.want)
		}
	}
}

// TestSummaryFormats checks each format on a real recording and a filter.
func TestSummaryFormats(t *testing.T) {
	good, _ := goodPcap(t)
	code, out, errs := runCmd(context.Background(), "", "summary", "-r", good, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON lines, got %d:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var rec struct {
			ClientState, ServerState, ConnState string
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad JSON %q: %v", l, err)
		}
		_ = rec
		if m["client_state"] != "TIME_WAIT" || m["server_state"] != "CLOSED" || m["conn_state"] != "SF" {
			t.Errorf("synthetic client-closes: got %v/%v/%v", m["client_state"], m["server_state"], m["conn_state"])
		}
	}
	code, out, _ = runCmd(context.Background(), "", "summary", "-r", good, "--format", "zeek")
	if code != 0 || !strings.Contains(out, "#fields\tts\tuid") || strings.Count(out, "\tSF\t") != 3 {
		t.Errorf("zeek format:\n%s", out)
	}
	// A filter that matches one client port only.
	code, out, _ = runCmd(context.Background(), "", "summary", "-r", good, "--format", "json", "port", "20001")
	if code != 0 || strings.Count(out, "\n") != 1 {
		t.Errorf("filtered summary: want 1 connection, got:\n%s", out)
	}
}
