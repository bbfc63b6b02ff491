//go:build unix

package safefile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/synfin/synfin/internal/safefile"
)

func TestCreateNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.pcap")
	f, err := safefile.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Created() {
		t.Error("Created() = false for a new file")
	}
	if _, err := f.WriteString("abc"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "abc" {
		t.Errorf("file holds %q, want abc", b)
	}
}

// TestCreateRefusesExisting: an existing file is never opened, let alone
// emptied: the error names it, says why and what to do, and
// errors.Is(err, fs.ErrExist).
func TestCreateRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.pcap")
	if err := os.WriteFile(path, []byte("old content"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.Create(path)
	if err == nil {
		f.Close()
		t.Fatal("Create opened an existing file")
	}
	msg := err.Error()
	for _, want := range []string{strconv.Quote(path), "file exists", "does not overwrite", "remove it or choose another name"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, fs.ErrExist) || strings.Contains(msg, "\n") {
		t.Errorf("error %q: want one line, errors.Is fs.ErrExist", msg)
	}
	if b, _ := os.ReadFile(path); string(b) != "old content" {
		t.Errorf("the existing file now holds %q", b)
	}
}

func TestAbandonRemovesOnlyWhatItCreated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.pcap")
	f, err := safefile.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Abandon(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file Create made and Abandon dropped still exists: %v", err)
	}

	// Someone replaced the name meanwhile: leave theirs alone.
	f, err = safefile.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.Abandon()
	if b, err := os.ReadFile(path); err != nil || string(b) != "theirs" {
		t.Errorf("Abandon removed or changed a file it did not create: %q, %v", b, err)
	}
}

func TestAppendKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	os.WriteFile(path, []byte("one\n"), 0o644)
	f, err := safefile.Append(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("two\n")
	f.Close()
	if b, _ := os.ReadFile(path); string(b) != "one\ntwo\n" {
		t.Errorf("append gave %q", b)
	}
}

// TestRefuses: each thing that is not a regular file with one name is
// refused, left exactly as it was, with one line that quotes the name.
func TestRefuses(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nothing-here"), dangling); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard")
	if err := os.Link(target, hard); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	cases := []struct{ name, path, want string }{
		{"symlink", link, "symbolic link"},
		{"dangling-symlink", dangling, "symbolic link"},
		{"hard-link", hard, "hard links"}, // Create: "file exists" (see below)
		{"fifo", fifo, "named pipe"},
		{"directory", sub, "directory"},
		{"dev-null", "/dev/null", "character device"},
		{"dev-full", "/dev/full", "character device"},
	}
	for _, c := range cases {
		for _, op := range []struct {
			name string
			f    func(string) (*safefile.File, error)
		}{{"Create", safefile.Create}, {"Append", safefile.Append}} {
			t.Run(c.name+"/"+op.name, func(t *testing.T) {
				if _, err := os.Lstat(c.path); err != nil {
					t.Skipf("%s: %v", c.path, err)
				}
				before, _ := os.Lstat(c.path)
				f, err := op.f(c.path)
				if err == nil {
					f.Close()
					t.Fatalf("%s(%q) succeeded, want a refusal", op.name, c.path)
				}
				msg := err.Error()
				want := c.want
				if c.name == "hard-link" && op.name == "Create" {
					want = "file exists"
				}
				if !strings.Contains(msg, want) || !strings.Contains(msg, `"`+c.path+`"`) || strings.Contains(msg, "\n") {
					t.Errorf("error %q: want one line quoting %q and saying %q", msg, c.path, want)
				}
				after, err := os.Lstat(c.path)
				if err != nil || after.Mode() != before.Mode() || (before.Mode().IsRegular() && after.Size() != before.Size()) {
					t.Errorf("%s changed: before %v, after %v (%v)", c.path, before.Mode(), after, err)
				}
			})
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing-here")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dangling link's target was created: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the link target now holds %q", b)
	}
}

// TestQuotesHostileName: a name carrying a terminal escape (OSC 0, set
// window title) comes back escaped, never raw.
func TestQuotesHostileName(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x\x1b]0;pwned\x07.pcap")
	if err := os.Symlink("/dev/null", name); err != nil {
		t.Fatal(err)
	}
	_, err := safefile.Create(name)
	if err == nil {
		t.Fatal("Create through a symlink succeeded")
	}
	if strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Errorf("raw escape bytes in %q", err)
	}
	_, err = safefile.Create(filepath.Join(dir, "missing\x1b]0;x\x07", "f.pcap"))
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v; want a quoted ErrNotExist", err)
	}
}
