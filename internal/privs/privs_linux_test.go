//go:build linux

package privs

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const helperEnv = "SYNFIN_PRIVS_HELPER"

// TestMain runs the helpers: dropping is irreversible, so it happens in a
// child process.
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "drop":
		os.Exit(dropHelper())
	case "show":
		eff, err := Effective()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Printf("child %x\n", eff)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// dropHelper keeps threads busy (so the runtime has several), drops
// everything but CAP_NET_BIND_SERVICE, and prints the effective set of
// every thread before and after, and a child's.
func dropHelper() int {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			<-stop
		}()
	}
	before, _ := Effective()
	if err := Drop(NetBindService); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	after, _ := Effective()
	close(stop)
	wg.Wait()
	fmt.Printf("before %x\nafter %x\n", before, after)
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), helperEnv+"=show")
	out, err := cmd.CombinedOutput()
	if err != nil {
		fmt.Println("error: child:", err, string(out))
		return 1
	}
	fmt.Print(string(out))
	return 0
}

// TestDrop: as root, Drop leaves every thread with only the capability
// asked for, and a child started afterwards (the process model's) gets
// nothing more back although it runs as root.
func TestDrop(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: a normal user has no capabilities to drop")
	}
	if !Supported() {
		t.Skip("this test binary links cgo (the race detector does): Go cannot change every thread's capabilities there; the CGO_ENABLED=0 run tests Drop")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), helperEnv+"=drop")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	got := map[string]uint64{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			t.Fatalf("helper said %q", line)
		}
		v, err := strconv.ParseUint(f[1], 16, 64)
		if err != nil {
			t.Fatalf("helper said %q", line)
		}
		got[f[0]] = v
	}
	t.Logf("CapEff before %#x, after %#x, child %#x", got["before"], got["after"], got["child"])
	if got["before"]&(1<<NetRaw) == 0 {
		t.Skipf("root without CAP_NET_RAW here (CapEff %#x): nothing to check", got["before"])
	}
	want := uint64(1) << NetBindService
	if got["after"] != want {
		t.Errorf("after Drop(NetBindService): CapEff %#x on some thread, want %#x", got["after"], want)
	}
	if got["child"]&^want != 0 {
		t.Errorf("a child exec'd after Drop has CapEff %#x: it got capabilities back", got["child"])
	}
}

func TestGiveToInvoker(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only root can give a file away")
	}
	path := t.TempDir() + "/f"
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SUDO_UID", "65534")
	t.Setenv("SUDO_GID", "65534")
	if err := GiveToInvoker(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 65534 || st.Gid != 65534 {
		t.Errorf("file owner after GiveToInvoker: %d:%d, want 65534:65534", st.Uid, st.Gid)
	}
	t.Setenv("SUDO_UID", "")
	if err := GiveToInvoker(path); err != nil {
		t.Errorf("without sudo: %v", err)
	}
}
