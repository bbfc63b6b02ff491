package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// osc0 sets the terminal's window title (ESC ] 0 ; ... BEL): a file name
// holding it retitles the terminal when printed raw.
const osc0 = "\x1b]0;pwned\x07"

// TestHostileFileNames: file names reach stderr quoted, escape bytes
// shown as \x1b and \a, in every kind of error: no such file, a
// truncated capture, a symlink refused by -w, --log, diagram.
func TestHostileFileNames(t *testing.T) {
	_, data := goodPcap(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope"+osc0+".pcap")
	cut := filepath.Join(dir, "cut"+osc0+".pcap")
	if err := os.WriteFile(cut, data[:len(data)-7], 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "log"+osc0)
	if err := os.Symlink(filepath.Join(dir, "target"), link); err != nil {
		t.Fatal(err)
	}
	noDir := filepath.Join(dir, "nodir"+osc0, "x.html")
	for _, tc := range []struct {
		name string
		args []string
		path string
		want string
	}{
		{"summary-missing", []string{"summary", "-r", missing}, missing, "no such file"},
		{"summary-truncated", []string{"summary", "-r", cut}, cut, "truncated"},
		{"diagram-missing", []string{"diagram", "-r", missing}, missing, "no such file"},
		{"diagram-truncated", []string{"diagram", "-r", cut, "--conn", "99"}, cut, ""},
		{"inspect-missing", []string{"-r", missing}, missing, "no such file"},
		{"inspect-w", []string{"-r", cut, "-w", link}, link, "-i only"},
		{"log-symlink", []string{"-r", cut, "--log", link}, link, "symbolic link"},
		{"export-missing", []string{"export", "-r", missing}, missing, "no such file"},
		{"export-out", []string{"export", "-r", cut, "-o", noDir}, noDir, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCmd(context.Background(), "", tc.args...)
			if code == 0 {
				t.Fatalf("exit 0, want an error; stderr %q", errs)
			}
			if strings.ContainsAny(errs, "\x1b\x07") {
				t.Errorf("raw escape bytes on stderr: %q", errs)
			}
			if !strings.Contains(errs, strconv.Quote(tc.path)) || !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q: want the name quoted as %s and %q", errs, strconv.Quote(tc.path), tc.want)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("not one line: %q", errs)
			}
		})
	}
	if _, err := os.Lstat(filepath.Join(dir, "target")); !os.IsNotExist(err) {
		t.Errorf("--log followed the symlink and created its target: %v", err)
	}
}

// TestExportWroteQuoted: the success line of export names the page
// quoted too (a name from a capture can carry escape bytes).
func TestExportWroteQuoted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "page"+osc0+".html")
	code, _, errs := runCmd(context.Background(), "", "export", "-r", "../../testdata/scenarios/client-close.pcap", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.ContainsAny(errs, "\x1b\x07") || !strings.Contains(errs, strconv.Quote(out)) {
		t.Errorf("stderr %q: want the page's name quoted as %s", errs, strconv.Quote(out))
	}
}

// TestFlagWordQuoted: a first filter word starting with "-" reaches the
// flag parser; the error is one line with the word quoted, not the word
// echoed raw over several lines.
func TestFlagWordQuoted(t *testing.T) {
	word := "-x\n" + osc0
	for _, args := range [][]string{
		{"-r", "../../testdata/scenarios/client-close.pcap", word},
		{"summary", "-r", "../../testdata/scenarios/client-close.pcap", word},
		{"diagram", word},
	} {
		code, _, errs := runCmd(context.Background(), "", args...)
		if code != 2 || strings.ContainsAny(errs, "\x1b\x07") || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, strconv.Quote(word)) {
			t.Errorf("synfin %q: exit %d, stderr %q; want exit 2 and one line quoting the word", args, code, errs)
		}
	}
}
