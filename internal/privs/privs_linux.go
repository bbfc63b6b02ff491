//go:build linux

package privs

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Drop keeps only the capabilities in keep, on every thread: the
// bounding set loses the others (when CAP_SETPCAP allows it, so that an
// exec'd child gets none of them back), the ambient set is cleared, and
// the effective, permitted and inheritable sets become keep. With
// nothing to drop (a normal user) it does nothing.
func Drop(keep ...Cap) error {
	var want uint64
	for _, c := range keep {
		want |= 1 << c
	}
	last := lastCap()
	if eff, err := Effective(); err == nil && eff&^want == 0 {
		return nil
	}
	if !Supported() {
		return fmt.Errorf("drop capabilities: not possible in a cgo build (build with CGO_ENABLED=0)")
	}
	for c := 0; c <= last; c++ {
		if want&(1<<c) != 0 {
			continue
		}
		// EINVAL: a capability this kernel lacks; EPERM: no CAP_SETPCAP
		// (a file capability): the bounding set then stays as it is.
		if _, _, e := syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c), 0); e != 0 &&
			e != unix.EINVAL && e != unix.EPERM {
			return fmt.Errorf("drop capabilities: prctl(PR_CAPBSET_DROP): %w", e)
		}
	}
	if _, _, e := syscall.AllThreadsSyscall6(unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0, 0); e != 0 && e != unix.EINVAL {
		return fmt.Errorf("drop capabilities: clear the ambient set: %w", e)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range data {
		v := uint32(want >> (32 * i))
		data[i] = unix.CapUserData{Effective: v, Permitted: v, Inheritable: 0}
	}
	if _, _, e := syscall.AllThreadsSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		if e == unix.ENOTSUP {
			return fmt.Errorf("drop capabilities: not possible in a cgo build (build with CGO_ENABLED=0)")
		}
		return fmt.Errorf("drop capabilities: capset: %w", e)
	}
	return nil
}

// Supported reports whether Drop can work in this build: capabilities
// are per thread, and only a CGO_ENABLED=0 build lets Go change them on
// every thread (syscall.AllThreadsSyscall).
func Supported() bool {
	_, _, e := syscall.AllThreadsSyscall(unix.SYS_GETPID, 0, 0, 0)
	return e != unix.ENOTSUP
}

func lastCap() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 40
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n < 0 || n > 63 {
		return 40
	}
	return n
}
