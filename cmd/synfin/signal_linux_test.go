//go:build linux

package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/internal/privs"
)

// openPTY returns a pseudo-terminal's master and slave, 100×30.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	master = os.NewFile(uintptr(fd), "ptmx")
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 30, Col: 100}); err != nil {
		t.Fatal(err)
	}
	return master, slave
}

// TestSIGHUPRestoresTerminal runs the demo in a pseudo-terminal (in a
// private network namespace, so its port is its own), makes a
// connection, then hangs up (SIGHUP, as when an ssh session drops): the
// demo must leave the alternate screen, show the cursor again, exit 0
// and leave a -w file holding the packets.
func TestSIGHUPRestoresTerminal(t *testing.T) {
	if _, err := demo.EnsureCapture(); err != nil {
		t.Skipf("the demo cannot capture here: %v", err)
	}
	dir := t.TempDir()
	pcap := filepath.Join(dir, "hup.pcap")
	cmd, err := capture.PrivateNetnsCommand("demo", "-w", pcap, "--lang", "en")
	if err != nil {
		t.Skip(err)
	}
	master, slave := openPTY(t)
	defer master.Close()
	cmd.Env = append(cmd.Env, mainEnv+"=1", "TERM=xterm-256color", "LANG=C.UTF-8")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr.Setsid = true
	cmd.SysProcAttr.Setctty = true
	cmd.SysProcAttr.Ctty = 0
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start the demo in a private network namespace: %v", err)
	}
	slave.Close()
	out := newSyncBuffer()
	copied := make(chan struct{})
	go func() { io.Copy(out, master); close(copied) }()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	out.waitFor(t, `\x1b\[\?1049h`) // the UI took the alternate screen
	out.waitFor(t, `(server model)`)
	if _, err := master.Write([]byte("c")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, `(accept\(\))`) // the server log: the handshake is done
	mark := len(out.String())
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the demo did not end on SIGHUP")
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("the demo ended with %v on SIGHUP, want exit 0 (the terminal is left as it was)", ee.ProcessState)
	} else if err != nil {
		t.Fatal(err)
	}
	<-copied
	after := out.String()[mark:]
	for _, want := range []string{"\x1b[?1049l", "\x1b[?25h"} {
		if !strings.Contains(after, want) {
			t.Errorf("after SIGHUP the output lacks %q (terminal not restored): %q", want, after)
		}
	}
	src, err := capture.OpenFile(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n := 0
	for {
		if _, err := src.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("%s: %v", pcap, err)
			}
			break
		}
		n++
	}
	if n < 3 {
		t.Errorf("%s holds %d segments, want the handshake at least", pcap, n)
	}
}

// TestRecordAfterDroppingPrivileges: synfin record drops its capabilities
// once the capture is open, yet the crossing scenarios still attach
// their socket filters (which need CAP_NET_ADMIN on some kernels) and
// the recording agrees with the kernel. Run in a private namespace.
func TestRecordAfterDroppingPrivileges(t *testing.T) {
	if !privs.Supported() {
		t.Skip("this test binary is a cgo build: capabilities cannot be dropped on every thread (go test with CGO_ENABLED=0)")
	}
	if _, err := demo.EnsureCapture(); err != nil {
		t.Skipf("no capture here: %v", err)
	}
	pcap := filepath.Join(t.TempDir(), "x.pcap")
	cmd, err := capture.PrivateNetnsCommand("record", "--scenario", "simultaneous-close", "-w", pcap)
	if err != nil {
		t.Skip(err)
	}
	cmd.Env = append(cmd.Env, mainEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("record after dropping privileges: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "kernel and fsm agree") {
		t.Errorf("record output:\n%s", out)
	}
}
