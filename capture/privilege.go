package capture

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// SetcapHint is the one-time command that lets synfin capture without sudo.
const SetcapHint = "sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synfin)"

// PermissionError reports that live capture was refused for lack of
// privilege (CAP_NET_RAW on Linux). Its message is one line with the fixes.
type PermissionError struct {
	Op  string // what failed, e.g. "live capture on lo: open a packet socket"
	Err error  // the system error (EPERM or EACCES)
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s: %v (needs CAP_NET_RAW): run with sudo, or allow it once with: %s", e.Op, e.Err, SetcapHint)
}

func (e *PermissionError) Unwrap() error { return e.Err }

// IsPermission reports whether err means live capture lacks privilege,
// so a caller can fall back (private network namespace, a recording).
func IsPermission(err error) bool {
	var pe *PermissionError
	return errors.As(err, &pe) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES)
}

// privateNetnsEnv marks a process started by PrivateNetnsCommand.
const privateNetnsEnv = "SYNFIN_PRIVATE_NETNS"

// InPrivateNetns reports whether this process was started by
// PrivateNetnsCommand (and should call BringLoopbackUp first).
func InPrivateNetns() bool { return os.Getenv(privateNetnsEnv) == "1" }
