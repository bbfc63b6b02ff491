// Package privs gives up, once a root synfin has opened its capture
// socket, the privileges it no longer needs: every capability but the
// ones asked to keep, on every thread, with the bounding set, so that the
// process model's children cannot regain them by exec. It also hands the
// files synfin wrote to the user who ran sudo, as tcpdump -Z does.
//
// It must never be used before the privileged work is done: what it
// drops cannot be taken back.
package privs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Cap is a Linux capability number (include/uapi/linux/capability.h).
type Cap uint

// Capabilities synfin may keep.
const (
	NetBindService Cap = 10 // bind ports below 1024
	NetRaw         Cap = 13 // packet sockets
	// NetAdmin: attaching a socket filter (SO_ATTACH_FILTER) to a TCP
	// socket fails with EPERM without it on this machine's kernel
	// (6.18, measured with setpriv); the crossing scenarios attach them.
	NetAdmin Cap = 12
)

// Invoker returns the user who ran synfin through sudo (SUDO_UID and
// SUDO_GID), when synfin runs as root; ok is false otherwise.
func Invoker() (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	u, err1 := strconv.Atoi(os.Getenv("SUDO_UID"))
	g, err2 := strconv.Atoi(os.Getenv("SUDO_GID"))
	if err1 != nil || err2 != nil || u <= 0 || g < 0 {
		return 0, 0, false
	}
	return u, g, true
}

// GiveToInvoker makes the file at path, which synfin created, belong to
// the user who ran sudo: a capture written with -w is the user's, not
// root's. It does nothing when synfin did not run through sudo. It never
// follows a symbolic link (lchown).
func GiveToInvoker(path string) error {
	uid, gid, ok := Invoker()
	if !ok {
		return nil
	}
	if err := os.Lchown(path, uid, gid); err != nil {
		return fmt.Errorf("give %q to uid %d: %w", path, uid, err)
	}
	return nil
}

// Effective returns the union of the effective capabilities of every
// thread of this process (CapEff in /proc/self/task/*/status).
func Effective() (uint64, error) {
	tasks, err := filepath.Glob("/proc/self/task/*/status")
	if err != nil || len(tasks) == 0 {
		return 0, errors.New("cannot read /proc/self/task/*/status")
	}
	var all uint64
	for _, p := range tasks {
		v, err := capEff(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // the thread ended
			}
			return 0, err
		}
		all |= v
	}
	return all, nil
}

func capEff(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, fmt.Errorf("%s: no CapEff line", path)
}
