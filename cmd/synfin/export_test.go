package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var dataRE = regexp.MustCompile(`(?s)<script type="application/json" id="data">(.*?)</script>`)

// pageConns returns the connection ids and step counts of a page.
func pageConns(t *testing.T, page string) map[uint64]int {
	t.Helper()
	m := dataRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("page has no data script")
	}
	var d struct {
		Conns []struct {
			ID    uint64            `json:"id"`
			Steps []json.RawMessage `json:"steps"`
		} `json:"conns"`
	}
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("page data: %v", err)
	}
	out := map[uint64]int{}
	for _, c := range d.Conns {
		out[c.ID] = len(c.Steps)
	}
	return out
}

// TestExportEveryCapture: synfin export works on every capture in
// testdata/, each connection of it on the page with at least one step.
func TestExportEveryCapture(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/*/*.pcap")
	more, _ := filepath.Glob("../../testdata/*.pcap")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no captures in testdata")
	}
	dir := t.TempDir()
	for _, f := range files {
		out := filepath.Join(dir, filepath.Base(f)+".html")
		code, _, stderr := runCmd(context.Background(), "", "export", "-r", f, "-o", out, "--lang", "zh")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", f, code, stderr)
			continue
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		_, sum, _ := runCmd(context.Background(), "", "summary", "-r", f, "--format", "json")
		conns := pageConns(t, string(b))
		if n := strings.Count(sum, `"id":`); len(conns) == 0 || n > 0 && len(conns) != n {
			t.Errorf("%s: page has %d connections, summary %d", f, len(conns), n)
		}
		for id, n := range conns {
			if n == 0 {
				t.Errorf("%s: connection %d has no steps", f, id)
			}
		}
	}
}

func TestExportOutputFile(t *testing.T) {
	ctx := context.Background()
	capf := "../../testdata/scenarios/client-close.pcap"
	dir := t.TempDir()
	out := filepath.Join(dir, "page.html")
	if code, _, stderr := runCmd(ctx, "", "export", "-r", capf, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first, _ := os.ReadFile(out)
	// An existing file is never overwritten without --force.
	code, _, stderr := runCmd(ctx, "", "export", "-r", capf, "-o", out, "--lang", "zh")
	if code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != string(first) {
		t.Error("existing file changed without --force")
	}
	// --force replaces a regular file, keeping its mode.
	if err := os.Chmod(out, 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(ctx, "", "export", "-r", capf, "-o", out, "--lang", "zh", "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	if string(b) == string(first) || !strings.Contains(string(b), `"lang":"zh"`) {
		t.Error("--force did not replace the page")
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o640 {
		t.Errorf("--force changed the mode to %v", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".page.html.tmp*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A symlink is never followed, even with --force; its target is untouched.
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.html")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-o", link}, {"-o", link, "--force"}} {
		code, _, stderr := runCmd(ctx, "", append([]string{"export", "-r", capf}, args...)...)
		if code != 1 || !strings.Contains(stderr, "not a regular file") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	dangling := filepath.Join(dir, "dangling.html")
	if err := os.Symlink(filepath.Join(dir, "nothing-here"), dangling); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCmd(ctx, "", "export", "-r", capf, "-o", dangling); code != 1 {
		t.Errorf("dangling symlink: exit %d", code)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nothing-here")); err == nil {
		t.Error("export created the target of a dangling symlink")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("symlink target changed: %q", b)
	}
	// A directory is refused.
	if code, _, stderr := runCmd(ctx, "", "export", "-r", capf, "-o", dir, "--force"); code != 1 || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("directory: exit %d, stderr %q", code, stderr)
	}
	// -o - writes to standard output.
	code, stdout, stderr := runCmd(ctx, "", "export", "-r", capf, "-o", "-", "--conn", "1")
	if code != 0 || !strings.HasPrefix(stdout, "<!DOCTYPE html>") {
		t.Errorf("-o -: exit %d, stderr %q", code, stderr)
	}
}

func TestExportUsage(t *testing.T) {
	capf := "../../testdata/scenarios/client-close.pcap"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export"}, 2, "-r FILE is required"},
		{[]string{"export", "-r", capf, "--lang", "fr"}, 2, `--lang "fr"`},
		{[]string{"export", "-r", capf, "--conn", "99", "-o", "-"}, 2, "pick --conn between 1 and 1"},
		{[]string{"export", "-r", "no-such-file.pcap", "-o", "-"}, 1, "no-such-file.pcap"},
		{[]string{"export", "-r", "../../capture/testdata/no-tcp.pcap", "-o", "-"}, 1, "holds no TCP connection"},
		{[]string{"export", "--bogus"}, 2, "bogus"},
		{[]string{"export", "-h"}, 0, ""},
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

// TestWritePageFailure: a page that fails half-way leaves nothing behind,
// and a file --force was replacing stays as it was.
func TestWritePageFailure(t *testing.T) {
	dir := t.TempDir()
	boom := func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("x", 10000))
		return errors.New("boom")
	}
	fresh := filepath.Join(dir, "fresh.html")
	if err := writePage(fresh, false, io.Discard, boom); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Lstat(fresh); err == nil {
		t.Error("half-written page left behind")
	}
	old := filepath.Join(dir, "old.html")
	if err := os.WriteFile(old, []byte("old page"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writePage(old, true, io.Discard, boom); err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(old); string(b) != "old page" {
		t.Errorf("replaced file changed: %q", b)
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files left: %v", left)
	}
}
