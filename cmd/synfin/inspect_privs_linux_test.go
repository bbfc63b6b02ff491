//go:build linux

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/internal/privs"
)

// TestLiveInspectDropsPrivileges (issue 8 defect 4): a root 'synfin -i'
// gives up every capability once its capture socket is open, before the
// UI starts (and so before it parses a packet), and a -w file belongs to
// the user who ran sudo (SUDO_UID/SUDO_GID), as the demo does.
func TestLiveInspectDropsPrivileges(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only a root synfin -i has capabilities to drop and a file to hand to SUDO_UID")
	}
	if err := capture.CanCaptureLive(); err != nil {
		t.Skipf("no live capture here: %v", err)
	}
	lo, err := capture.LoopbackInterface()
	if err != nil {
		t.Skip(err)
	}
	pcap := filepath.Join(t.TempDir(), "i.pcap")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	// A filter nothing on this host matches: the test watches the
	// process, not the packets.
	cmd := exec.Command(exe, "-i", lo, "-w", pcap, "--lang", "en", "tcp port 1 and host 192.0.2.1")
	master, slave := openPTY(t)
	defer master.Close()
	cmd.Env = append(os.Environ(), mainEnv+"=1", "TERM=xterm-256color", "LANG=C.UTF-8",
		"SUDO_UID="+strconv.Itoa(nobody), "SUDO_GID="+strconv.Itoa(nobody))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	out := newSyncBuffer()
	go io.Copy(out, master)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	out.waitFor(t, `\x1b\[\?1049h`) // the UI started: the drop came before it

	var st syscall.Stat_t
	if err := syscall.Lstat(pcap, &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != nobody || st.Gid != nobody {
		t.Errorf("-w file owned by %d:%d, want SUDO_UID:SUDO_GID %d:%d", st.Uid, st.Gid, nobody, nobody)
	}
	if privs.Supported() {
		tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/*/status")
		if len(tasks) == 0 {
			t.Fatal("no thread of synfin -i in /proc")
		}
		for _, f := range tasks {
			b, err := os.ReadFile(f)
			if err != nil {
				continue // a thread that ended
			}
			for _, ln := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(ln, "CapEff:"); ok {
					if eff, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64); eff != 0 {
						t.Errorf("%s: CapEff %#x after the capture opened, want none", f, eff)
					}
				}
			}
		}
	} else {
		t.Log("cgo build: capabilities cannot be dropped on every thread; CapEff not checked (go test with CGO_ENABLED=0)")
	}
	if _, err := master.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("synfin -i ended with %v after q, want exit 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("synfin -i did not end on q")
	}
}
