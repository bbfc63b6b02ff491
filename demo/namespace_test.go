//go:build linux

package demo

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
)

const unprivEnv = "SYNFIN_TEST_UNPRIVILEGED"

// TestUnprivilegedNamespace checks the path a normal user takes: without
// CAP_NET_RAW, EnsureCapture answers "namespace", and a run in the
// private namespace records a scenario whose fsm states agree with its
// kernel. As root, the test runs itself again as uid 65534 (nobody).
func TestUnprivilegedNamespace(t *testing.T) {
	switch {
	case capture.InPrivateNetns():
		insideNamespace(t)
	case os.Getenv(unprivEnv) == "1" || os.Getuid() != 0:
		unprivileged(t)
	default:
		asNobody(t)
	}
}

func asNobody(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "synfin-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "demo.test")
	if err := copyFile(exe, bin); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestUnprivilegedNamespace$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), unprivEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	t.Logf("as uid 65534:\n%s", out)
	if err != nil {
		t.Fatalf("the unprivileged run failed: %v", err)
	}
	if bytes.Contains(out, []byte("--- SKIP")) {
		t.Skip("the unprivileged run skipped (see its output above)")
	}
}

func unprivileged(t *testing.T) {
	mode, err := EnsureCapture()
	if err != nil {
		if !capture.IsPermission(err) {
			t.Fatalf("EnsureCapture: %v", err)
		}
		// Right answer for a system without unprivileged user
		// namespaces: the message must say why.
		if !strings.Contains(err.Error(), "namespace") {
			t.Errorf("EnsureCapture error %q does not say why the namespace fallback failed", err)
		}
		t.Skipf("unprivileged user namespaces unavailable: %v", err)
	}
	if mode != ModeNamespace {
		t.Skipf("uid %d can capture live (mode %q): nothing to fall back from", os.Getuid(), mode)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = RunInNamespace(ctx, []string{"-test.run=^TestUnprivilegedNamespace$", "-test.v"}, nil, &out, &out)
	t.Logf("in the private namespace:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "recorded in the private namespace") {
		t.Fatal("the namespace run did not record")
	}
}

func insideNamespace(t *testing.T) {
	mode, err := EnsureCapture()
	if err != nil || mode != ModeLive {
		t.Fatalf("in the private namespace: EnsureCapture = %q, %v; want live", mode, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := Record(ctx, "client-close", RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Comparison.OK() {
		t.Fatalf("kernel and fsm disagree:\n%s", rec.Comparison.Table(0))
	}
	t.Logf("recorded in the private namespace: %d packets, %d endpoint states agree", rec.Stats.Packets, len(rec.Comparison.Rows))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
