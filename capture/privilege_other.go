//go:build !linux

package capture

import (
	"fmt"
	"os/exec"
	"runtime"
)

// CanCaptureLive fails: live capture needs Linux.
func CanCaptureLive() error { return errNoLive() }

// PrivateNetnsCommand fails: network namespaces are Linux only.
func PrivateNetnsCommand(args ...string) (*exec.Cmd, error) {
	return nil, fmt.Errorf("private network namespace: needs Linux (this is %s)", runtime.GOOS)
}

// BringLoopbackUp fails: network namespaces are Linux only.
func BringLoopbackUp() error {
	return fmt.Errorf("bring loopback up: needs Linux (this is %s)", runtime.GOOS)
}
